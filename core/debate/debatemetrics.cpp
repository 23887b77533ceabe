#include "debatemetrics.h"

#include "debateengine.h"
#include "metrics/metricnames.h"
#include "metrics/metricsregistry.h"

namespace rt::debate {

namespace mn = rt::metrics::name;

DebateMetrics::DebateMetrics(DebateEngine *engine, std::shared_ptr<rt::metrics::MetricsRegistry> registry)
    : QObject(engine)
    , m_registry(std::move(registry))
{
    connect(engine, &DebateEngine::debateStarted, this, [this](const DebateInfo &info) {
        m_debateId = info.debateId;
        if (!m_running) {
            m_running = true;
            m_registry->gauge(mn::DebatesRunning)->add(1);
        }
        m_registry->gauge(mn::DebateConsensus, { QString::number(m_debateId) })->set(0);
    });
    connect(engine, &DebateEngine::debateResumed, this, [this](qint64) {
        if (!m_running) {
            m_running = true;
            m_registry->gauge(mn::DebatesRunning)->add(1);
        }
    });
    connect(engine, &DebateEngine::debatePaused, this, [this](const PauseInfo &) {
        if (m_running) {
            m_running = false;
            m_registry->gauge(mn::DebatesRunning)->add(-1);
        }
    });
    connect(engine, &DebateEngine::turnFinished, this, [this](const TurnRecord &turn) {
        if (turn.info.seat < 0)
            return; // the moderator types; nothing was generated
        const QString agent = turn.info.agentName;
        m_registry->histogram(mn::DebateTurnSeconds, { agent })->observe(double(turn.metrics.wallTimeMs) / 1000.0);
        if (turn.metrics.evalCount > 0)
            m_registry->counter(mn::DebateSeatTokens, { QString::number(turn.info.debateId), agent })->add(double(turn.metrics.evalCount));
    });
    connect(engine, &DebateEngine::consensusUpdated, this, [this](const ConsensusSnapshot &snapshot) {
        m_registry->gauge(mn::DebateConsensus, { QString::number(snapshot.debateId) })->set(snapshot.score);
    });
    auto finished = [this](const DebateOutcome &outcome) {
        m_registry->counter(mn::DebatesFinished, { toString(outcome.stopReason) })->add();
        ended();
    };
    connect(engine, &DebateEngine::debateFinished, this, finished);
    connect(engine, &DebateEngine::debateFailed, this, finished);
    connect(engine, &DebateEngine::debateInterrupted, this, [this](qint64) { ended(); });
}

DebateMetrics::~DebateMetrics()
{
    ended();
}

void DebateMetrics::ended()
{
    if (m_running) {
        m_running = false;
        m_registry->gauge(mn::DebatesRunning)->add(-1);
    }
    if (m_debateId > 0) {
        const QString id = QString::number(m_debateId);
        m_registry->remove(mn::DebateConsensus, { id });
        m_registry->removeWhere(mn::DebateSeatTokens, QStringLiteral("debate"), id);
    }
}

} // namespace rt::debate
