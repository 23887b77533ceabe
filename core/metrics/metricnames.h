#pragma once

#include <QString>
#include <memory>

namespace rt::metrics {

class MetricsRegistry;

// Every metric Roundtable exports, declared in one place (metricnames.cpp has
// the help text and labels). Names follow Prometheus conventions.
namespace name {
// Requests to Ollama (every product path goes through the endpoint pool)
inline const QString Requests = QStringLiteral("roundtable_requests_total"); // host, model, kind
inline const QString RequestFailures = QStringLiteral("roundtable_request_failures_total"); // host, model, kind, error
inline const QString ResponseSeconds = QStringLiteral("roundtable_response_seconds"); // host, model
inline const QString FirstTokenSeconds = QStringLiteral("roundtable_time_to_first_token_seconds"); // host, model
inline const QString Tokens = QStringLiteral("roundtable_tokens_total"); // host, model, agent
inline const QString TokensPerSecond = QStringLiteral("roundtable_last_tokens_per_second"); // host, model
inline const QString ActiveStreams = QStringLiteral("roundtable_active_streams"); // host
inline const QString QueuedRequests = QStringLiteral("roundtable_queued_requests"); // host
inline const QString ConnectionsPeak = QStringLiteral("roundtable_active_streams_peak");
// Hosts
inline const QString HostUp = QStringLiteral("roundtable_host_up"); // host
inline const QString HostBreaker = QStringLiteral("roundtable_host_breaker_state"); // host: 0 closed, 1 open, 2 probing
inline const QString HostProbeSeconds = QStringLiteral("roundtable_host_probe_seconds"); // host
inline const QString HostInfo = QStringLiteral("roundtable_host_info"); // host, version
inline const QString HostModelBytes = QStringLiteral("roundtable_host_model_loaded_bytes"); // host, model
inline const QString HostModelVramBytes = QStringLiteral("roundtable_host_model_vram_bytes"); // host, model
inline const QString HostModelExpiry = QStringLiteral("roundtable_host_model_expiry_timestamp_seconds"); // host, model
// Debates
inline const QString DebatesRunning = QStringLiteral("roundtable_debates_running");
inline const QString DebatesFinished = QStringLiteral("roundtable_debates_finished_total"); // reason
inline const QString DebateConsensus = QStringLiteral("roundtable_debate_consensus"); // debate
inline const QString DebateTurnSeconds = QStringLiteral("roundtable_debate_turn_seconds"); // agent
inline const QString DebateSeatTokens = QStringLiteral("roundtable_debate_seat_tokens_total"); // debate, agent
// Tasks, storage, server, process
inline const QString Tasks = QStringLiteral("roundtable_tasks"); // kind, state
inline const QString DbWriteSeconds = QStringLiteral("roundtable_db_write_seconds");
inline const QString Viewers = QStringLiteral("roundtable_viewers");
inline const QString ViewersPeak = QStringLiteral("roundtable_viewers_peak");
inline const QString ViewerRefused = QStringLiteral("roundtable_viewer_refused_total"); // reason
inline const QString ViewerDropped = QStringLiteral("roundtable_viewer_dropped_total"); // reason
inline const QString ViewerFrames = QStringLiteral("roundtable_viewer_frames_total");
inline const QString ViewerBytes = QStringLiteral("roundtable_viewer_bytes_total");
inline const QString HttpRequests = QStringLiteral("roundtable_http_requests_total"); // path, code
inline const QString ResidentBytes = QStringLiteral("process_resident_memory_bytes");
inline const QString CpuSeconds = QStringLiteral("process_cpu_seconds_total");
inline const QString StartTime = QStringLiteral("process_start_time_seconds");
} // namespace name

// Declares every family above.
void declareStandardMetrics(MetricsRegistry &registry);
// A registry with the standard families declared.
std::shared_ptr<MetricsRegistry> createRegistry();

} // namespace rt::metrics
