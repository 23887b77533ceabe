#include "debatejob.h"

#include "debate/debateengine.h"
#include "llm/endpointpool.h"

namespace rt::debate {

DebateJob::DebateJob(rt::llm::EndpointPool *pool, DebateStore *store, DebateConfig config, QObject *parent)
    : Job(parent)
    , m_engine(new DebateEngine(pool, store, this))
    , m_config(std::move(config))
{
    m_maxRounds = m_config->maxRounds;
    connectEngine();
}

DebateJob::DebateJob(rt::llm::EndpointPool *pool, DebateStore *store, qint64 debateId, QObject *parent)
    : Job(parent)
    , m_engine(new DebateEngine(pool, store, this))
    , m_debateId(debateId)
{
    connectEngine();
}

DebateJob::~DebateJob()
{
    // Deleted while running (the manager is closing): the engine goes with
    // us; what it made durable stays, and the debate row says where it stood.
    if (m_engine)
        disconnect(m_engine, nullptr, this, nullptr);
}

QString DebateJob::title(const QString &question)
{
    QString q = question.simplified();
    if (q.size() > 60)
        q = q.left(59) + QChar(0x2026);
    return tr("Debate: %1").arg(q);
}

void DebateJob::registerResumer(rt::tasks::TaskManager &tasks, rt::llm::EndpointPool *pool, DebateStore *store)
{
    QPointer<rt::llm::EndpointPool> guard(pool);
    tasks.registerResumer(Kind, [guard, store](const rt::tasks::TaskInfo &task) -> std::unique_ptr<rt::tasks::Job> {
        const qint64 id = qint64(task.payload.value(DebateIdKey).toDouble());
        if (!guard || !store || id <= 0)
            return nullptr; // the debate never got an id: nothing to continue
        return std::make_unique<DebateJob>(guard.data(), store, id);
    });
}

void DebateJob::connectEngine()
{
    connect(m_engine, &DebateEngine::debateStarted, this, [this](const DebateInfo &info) {
        m_debateId = info.debateId;
        m_maxRounds = info.maxRounds;
        setPayload({ { DebateIdKey, double(info.debateId) } });
        roundProgress(0, m_maxRounds, info.resumed ? tr("Resumed") : tr("Started"));
    });
    connect(m_engine, &DebateEngine::roundStarted, this, [this](const RoundInfo &info) {
        if (info.maxRounds > 0)
            m_maxRounds = info.maxRounds;
        roundProgress(info.round - 1, m_maxRounds, tr("Round %1 of %2").arg(info.round).arg(m_maxRounds));
    });
    connect(m_engine, &DebateEngine::consensusUpdated, this, [this](const ConsensusSnapshot &snapshot) {
        roundProgress(snapshot.round, m_maxRounds,
            tr("Round %1 of %2 done, consensus %3%").arg(snapshot.round).arg(m_maxRounds).arg(qRound(snapshot.score * 100)));
    });
    connect(m_engine, &DebateEngine::debatePaused, this, [this](const PauseInfo &) { emit pausedChanged(true); });
    connect(m_engine, &DebateEngine::debateResumed, this, [this](qint64) { emit pausedChanged(false); });
    connect(m_engine, &DebateEngine::debateFinished, this, [this](const DebateOutcome &outcome) {
        m_outcome = outcome;
        succeed();
    });
    connect(m_engine, &DebateEngine::debateFailed, this, [this](const DebateOutcome &outcome) {
        m_outcome = outcome;
        fail(outcome.stopDetail.isEmpty() ? tr("The debate failed.") : outcome.stopDetail);
    });
    connect(m_engine, &DebateEngine::debateInterrupted, this, [this](qint64) {
        // Interrupted is how a debate is cancelled: it stays resumable.
        reportCancelled();
    });
}

void DebateJob::roundProgress(int roundsDone, int maxRounds, const QString &text)
{
    reportProgress(maxRounds > 0 ? qBound(0.0, double(roundsDone) / maxRounds, 1.0) : -1.0, text);
}

void DebateJob::start()
{
    if (m_config) {
        if (rt::Status started = m_engine->start(*m_config); !started)
            fail(started.error());
        return;
    }
    setPayload({ { DebateIdKey, double(m_debateId) } });
    m_engine->restore(m_debateId);
}

void DebateJob::cancel()
{
    const auto state = m_engine->state();
    if (state == DebateEngine::State::Running || state == DebateEngine::State::Paused)
        m_engine->interrupt(); // debateInterrupted() follows
    else if (!isFinished())
        reportCancelled();
}

void DebateJob::pause()
{
    m_engine->pause(); // takes effect after the turn in flight
}

void DebateJob::resume()
{
    m_engine->resume();
}

} // namespace rt::debate
