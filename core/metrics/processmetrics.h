#pragma once

namespace rt::metrics {

class MetricsRegistry;

// Sets process_resident_memory_bytes and process_cpu_seconds_total from the
// operating system (Linux /proc and getrusage; elsewhere what is available).
void updateProcessMetrics(MetricsRegistry &registry);

} // namespace rt::metrics
