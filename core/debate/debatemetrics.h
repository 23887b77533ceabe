#pragma once

#include <QObject>
#include <memory>

namespace rt::metrics {
class MetricsRegistry;
}

namespace rt::debate {

class DebateEngine;

// Feeds one engine's events into the metrics registry: debates running and
// finished (by stop reason), the consensus score of a running debate, turn
// durations per agent and tokens per seat. The engine makes one when its pool
// has a registry; the per-debate series are dropped when the debate ends.
class DebateMetrics final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DebateMetrics)
public:
    DebateMetrics(DebateEngine *engine, std::shared_ptr<rt::metrics::MetricsRegistry> registry);
    ~DebateMetrics() override;

private:
    void ended();

    std::shared_ptr<rt::metrics::MetricsRegistry> m_registry;
    qint64 m_debateId = 0;
    bool m_running = false;
};

} // namespace rt::debate
