#include "metricnames.h"

#include "metricsregistry.h"

#include <QDateTime>

namespace rt::metrics {

void declareStandardMetrics(MetricsRegistry &r)
{
    using T = MetricType;
    const QStringList host { QStringLiteral("host") };
    const QStringList hostModel { QStringLiteral("host"), QStringLiteral("model") };
    r.declare(name::Requests, T::Counter, QStringLiteral("Requests sent to Ollama hosts."),
        { QStringLiteral("host"), QStringLiteral("model"), QStringLiteral("kind") });
    r.declare(name::RequestFailures, T::Counter, QStringLiteral("Requests to Ollama hosts that failed, by request kind and error kind."),
        { QStringLiteral("host"), QStringLiteral("model"), QStringLiteral("kind"), QStringLiteral("error") });
    r.declare(name::ResponseSeconds, T::Histogram, QStringLiteral("Time from sending a chat request to its last token."), hostModel);
    r.declare(name::FirstTokenSeconds, T::Histogram, QStringLiteral("Time from sending a chat request to its first token."), hostModel);
    r.declare(name::Tokens, T::Counter, QStringLiteral("Tokens generated (streamed chunks with text)."),
        { QStringLiteral("host"), QStringLiteral("model"), QStringLiteral("agent") });
    r.declare(name::TokensPerSecond, T::Gauge, QStringLiteral("Generation speed of the last finished reply."), hostModel);
    r.declare(name::ActiveStreams, T::Gauge, QStringLiteral("Requests holding a slot on a host now."), host);
    r.declare(name::QueuedRequests, T::Gauge, QStringLiteral("Requests waiting for a slot on a host."), host);
    r.declare(name::ConnectionsPeak, T::Gauge, QStringLiteral("Most requests in flight at once since start."), {});

    r.declare(name::HostUp, T::Gauge, QStringLiteral("1 when the host answers, 0 when it is down."), host);
    r.declare(name::HostBreaker, T::Gauge, QStringLiteral("Circuit breaker of a host: 0 closed, 1 open, 2 probing."), host);
    r.declare(name::HostProbeSeconds, T::Gauge, QStringLiteral("Latency of the last /api/version probe."), host);
    r.declare(name::HostInfo, T::Gauge, QStringLiteral("Ollama server version of a host (value 1)."),
        { QStringLiteral("host"), QStringLiteral("version") });
    r.declare(name::HostModelBytes, T::Gauge, QStringLiteral("Memory a loaded model holds on a host (/api/ps size)."), hostModel);
    r.declare(name::HostModelVramBytes, T::Gauge, QStringLiteral("GPU memory a loaded model holds (/api/ps size_vram)."), hostModel);
    r.declare(name::HostModelExpiry, T::Gauge, QStringLiteral("When a loaded model will be unloaded (Unix time)."), hostModel);

    r.declare(name::DebatesRunning, T::Gauge, QStringLiteral("Debates running in this process."), {});
    r.declare(name::DebatesFinished, T::Counter, QStringLiteral("Debates finished, by stop reason."), { QStringLiteral("reason") });
    r.declare(name::DebateConsensus, T::Gauge, QStringLiteral("Consensus score (0-1) of a running debate."), { QStringLiteral("debate") });
    r.declare(name::DebateTurnSeconds, T::Histogram, QStringLiteral("Duration of debate turns, by agent."), { QStringLiteral("agent") });
    r.declare(name::DebateSeatTokens, T::Counter, QStringLiteral("Tokens per seat of a running debate."),
        { QStringLiteral("debate"), QStringLiteral("agent") });

    r.declare(name::Tasks, T::Gauge, QStringLiteral("Tasks known to this process, by kind and state."),
        { QStringLiteral("kind"), QStringLiteral("state") });
    r.declare(name::DbWriteSeconds, T::Histogram, QStringLiteral("Duration of database write transactions."), {},
        { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5 });
    r.declare(name::Viewers, T::Gauge, QStringLiteral("Remote viewers connected now."), {});
    r.declare(name::ViewersPeak, T::Gauge, QStringLiteral("Most remote viewers connected at once since start."), {});
    r.declare(name::ViewerRefused, T::Counter,
        QStringLiteral("Viewer connections refused or commands refused, by reason (token, origin, path, full, rate, command)."),
        { QStringLiteral("reason") });
    r.declare(name::ViewerDropped, T::Counter,
        QStringLiteral("Viewers disconnected by the server, by reason (slow, heartbeat, too_big, binary)."), { QStringLiteral("reason") });
    r.declare(name::ViewerFrames, T::Counter, QStringLiteral("Frames sent to viewers (one per viewer per frame)."), {});
    r.declare(name::ViewerBytes, T::Counter, QStringLiteral("Bytes of frames sent to viewers."), {});
    r.declare(name::HttpRequests, T::Counter, QStringLiteral("Requests to the local server, by path and status code."),
        { QStringLiteral("path"), QStringLiteral("code") });
    r.declare(name::ResidentBytes, T::Gauge, QStringLiteral("Resident memory of this process."), {});
    r.declare(name::CpuSeconds, T::Counter, QStringLiteral("CPU time (user and system) used by this process."), {});
    r.declare(name::StartTime, T::Gauge, QStringLiteral("Start time of this process (Unix time)."), {});

    r.gauge(name::StartTime)->set(double(QDateTime::currentMSecsSinceEpoch()) / 1000.0);
    r.gauge(name::Viewers)->set(0);
    r.gauge(name::ViewersPeak)->set(0);
    r.gauge(name::DebatesRunning)->set(0);
}

std::shared_ptr<MetricsRegistry> createRegistry()
{
    auto registry = std::make_shared<MetricsRegistry>();
    declareStandardMetrics(*registry);
    return registry;
}

} // namespace rt::metrics
