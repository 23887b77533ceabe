#include "debateengine.h"

#include "common/correlationid.h"
#include "common/logging.h"
#include "debateengine_p.h"
#include "debatemetrics.h"
#include "llm/endpointpool.h"
#include "llm/modelinfo.h"
#include "llm/ollamaclient.h"
#include "llm/ollamaerrors.h"
#include "llm/ollamahost.h"
#include "llm/pooledchat.h"
#include "server/debatefeed.h"

#include <QCoreApplication>
#include <QMetaType>

using namespace Qt::StringLiterals;

namespace rt::debate {

namespace {

void registerMetaTypes()
{
    static const bool done = [] {
        qRegisterMetaType<rt::debate::DebateConfig>();
        qRegisterMetaType<rt::debate::Seat>();
        qRegisterMetaType<rt::debate::DebateInfo>();
        qRegisterMetaType<rt::debate::RoundInfo>();
        qRegisterMetaType<rt::debate::TurnInfo>();
        qRegisterMetaType<rt::debate::TokenDelta>();
        qRegisterMetaType<rt::debate::TurnRecord>();
        qRegisterMetaType<rt::debate::ConsensusSnapshot>();
        qRegisterMetaType<rt::debate::DebateNote>();
        qRegisterMetaType<rt::debate::PauseInfo>();
        qRegisterMetaType<rt::debate::DebateOutcome>();
        qRegisterMetaType<rt::debate::Stance>();
        return true;
    }();
    Q_UNUSED(done);
}

} // namespace

using namespace detail;

DebateEngine::DebateEngine(rt::llm::EndpointPool *pool, DebateStore *store, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_store(store)
{
    registerMetaTypes();
    if (pool && pool->metrics())
        new DebateMetrics(this, pool->metrics());
    if (pool && pool->liveFeed())
        new rt::server::DebateFeed(this, pool->liveFeed());
    m_budgetTimer.setSingleShot(true);
    connect(&m_budgetTimer, &QTimer::timeout, this, [this] {
        if (m_phase == Phase::Done)
            return;
        qCDebug(lcDebate) << "debate" << m_state.debateId << "time budget reached";
        m_budgetHit = true;
        cancelStreams(); // each turn's finish handler keeps what arrived
        if (idle())
            advance();
    });
}

DebateEngine::~DebateEngine()
{
    for (const std::unique_ptr<Turn> &t : m_turns) {
        if (t->stream) {
            t->stream->disconnect(this);
            t->stream->cancel();
        }
    }
}

rt::Status DebateEngine::start(const DebateConfig &input)
{
    if (m_stateKind == State::Running || m_stateKind == State::Paused)
        return rt::Error { u"busy"_s, tr("This engine is already running a debate.") };
    DebateConfig config = input;
    config.question = config.question.trimmed();
    m_defaulted.clear();
    m_fallbackNoted.clear();
    m_seatHosts.clear();
    for (rt::agents::Agent &a : config.agents) {
        if (a.model.trimmed().isEmpty() && !config.defaultModel.trimmed().isEmpty()) {
            a.model = config.defaultModel.trimmed();
            m_defaulted.append(a.name);
        }
    }
    if (const QString problem = config.validate(); !problem.isEmpty())
        return rt::Error { u"usage"_s, problem };
    std::unique_ptr<DebateFormat> format = DebateFormat::create(config.format);
    rt::Result<QList<Seat>> seats = format->arrange(config);
    if (!seats)
        return seats.error();

    m_format = std::move(format);
    m_state = DebateState();
    m_state.config = config;
    m_state.seats = *seats;
    m_outcome = DebateOutcome();
    m_phase = Phase::Rounds;
    m_round = 1;
    m_plan = m_format->planRound(m_state, 1);
    m_cursor = 0;
    m_roundAnnounced = false;
    m_stopReason = StopReason::None;
    m_recordedRows = 0;
    m_pendingRows.clear();
    m_pendingPause.reset();
    m_promptTokens = m_evalTokens = 0;
    m_calls = 0;
    m_stateKind = State::Running;
    m_busy = true;
    m_store->createDebate(config, m_state.seats, this, [this](const rt::Result<qint64> &id) {
        if (!id) {
            m_busy = false;
            failWith(rt::Error { u"storage"_s, tr("The debate could not be saved: %1").arg(id.error().message) });
            return;
        }
        m_state.debateId = *id;
        m_busy = false;
        begin(false, 0);
    });
    return {};
}

void DebateEngine::begin(bool resumed, int finishedTurns)
{
    m_busy = true;
    refreshHostModels([this, resumed, finishedTurns] {
        m_busy = false;
        assignSeatHosts();
        announceStart(resumed, finishedTurns);
    });
}

void DebateEngine::announceStart(bool resumed, int finishedTurns)
{
    m_clock.start();
    m_budgetHit = false;
    if (m_state.config.timeBudgetMs > 0)
        m_budgetTimer.start(int(std::min<qint64>(m_state.config.timeBudgetMs, std::numeric_limits<int>::max())));
    DebateInfo info;
    info.debateId = m_state.debateId;
    info.question = m_state.config.question;
    info.format = m_state.config.format;
    info.maxRounds = m_format->roundLimit(m_state.config);
    info.threshold = m_state.config.consensusThreshold;
    info.seats = m_state.seats;
    info.resumed = resumed;
    info.finishedTurns = finishedTurns;
    info.config = m_state.config;
    qCDebug(lcDebate) << "debate" << info.debateId << (resumed ? "resumed" : "started") << toString(info.format) << "seats"
                      << info.seats.size();
    emit debateStarted(info);
    if (!resumed) {
        for (const Seat &seat : std::as_const(m_state.seats)) {
            if (m_defaulted.contains(seat.agent.name))
                addNote(NoteKind::Info, seat.index,
                    m_defaultModelSource.isEmpty()
                        ? tr("%1 has no model of its own; using %2.").arg(seat.agent.name, seat.agent.model)
                        : tr("%1 has no model of its own; using %2 (%3).").arg(seat.agent.name, seat.agent.model, m_defaultModelSource));
        }
    }
    advance();
}

void DebateEngine::pause()
{
    if (m_stateKind != State::Running || m_phase == Phase::Done)
        return;
    m_pauseRequested = true;
    if (idle())
        advance();
}

void DebateEngine::resume()
{
    if (m_stateKind != State::Paused) {
        m_pauseRequested = false;
        return;
    }
    // Whatever made agents unavailable may have been fixed meanwhile: the pool
    // learns again what each host has, and offline hosts are probed now.
    m_unavailableSeats.clear();
    m_facts.clear();
    for (const rt::llm::HostStatus &h : m_pool->statuses()) {
        if (!h.isAvailable())
            m_pool->probeNow(h.config.name);
    }
    m_stateKind = State::Running;
    m_busy = true;
    setStatus(DebateStatus::Running, nullptr, [this] {
        m_busy = false;
        emit debateResumed(m_state.debateId);
        advance();
    });
}

void DebateEngine::stop()
{
    requestEnd(m_stopRequested);
}

void DebateEngine::interrupt()
{
    requestEnd(m_interruptRequested);
}

void DebateEngine::requestEnd(bool &flag)
{
    if (m_stateKind != State::Running && m_stateKind != State::Paused)
        return;
    if (m_phase == Phase::Done)
        return;
    flag = true;
    cancelStreams(); // the turns' finish handlers keep what arrived, then the debate ends
    if (idle())
        advance();
}

void DebateEngine::interject(const QString &text)
{
    if (text.trimmed().isEmpty() || (m_stateKind != State::Running && m_stateKind != State::Paused) || m_phase == Phase::Done)
        return;
    m_pendingInterjections.append(text.trimmed());
    if (idle())
        advance();
}

bool DebateEngine::tokenBudgetExceeded() const
{
    return m_state.config.tokenBudget > 0 && m_promptTokens + m_evalTokens >= m_state.config.tokenBudget;
}

bool DebateEngine::budgetExceeded() const
{
    return m_budgetHit || tokenBudgetExceeded();
}

void DebateEngine::advance()
{
    // Nothing happens between the turns of a round that run together: the
    // last one to be stored calls this again.
    if (!idle() || m_phase == Phase::Done || m_stateKind == State::Idle)
        return;
    if (!m_pendingRows.isEmpty()) {
        persistRow(m_pendingRows.takeFirst());
        return;
    }
    if (!m_pendingInterjections.isEmpty()) {
        persistInterjection(m_pendingInterjections.takeFirst());
        return;
    }
    if (m_interruptRequested) {
        finishInterrupt();
        return;
    }
    if (m_stopRequested) {
        finish(StopReason::UserStop);
        return;
    }
    if (m_stateKind == State::Paused)
        return;
    if (m_pendingPause) {
        const PauseInfo p = *std::exchange(m_pendingPause, std::nullopt);
        enterPause(p.reason, p.message, p.errorCode);
        return;
    }
    if (m_pauseRequested) {
        m_pauseRequested = false;
        enterPause(u"user"_s, tr("Paused by the user."), QString());
        return;
    }
    if (budgetExceeded()) {
        finish(m_phase == Phase::Closing ? m_stopReason : StopReason::Budget);
        return;
    }
    // Planned turns that already have a durable record (a restored debate) are not run again.
    const QList<PlannedTurn> &plan = currentPlan();
    qsizetype &cursor = currentCursor();
    while (cursor < plan.size() && recorded(plan.at(cursor)))
        ++cursor;
    if (cursor >= plan.size()) {
        if (m_phase == Phase::Rounds)
            completeRound();
        else
            finish(m_stopReason);
        return;
    }
    if (!m_roundAnnounced)
        announceRound();
    startTurns();
}

bool DebateEngine::runsAlongside(const PlannedTurn &plan) const
{
    return m_concurrent && m_phase == Phase::Rounds && m_format->concurrentTurns(m_state, plan.round, plan.kind);
}

void DebateEngine::startTurns()
{
    // The next planned turn, and with it every following one that is
    // independent of the others of its round. The pool's per-host slots
    // decide how many of them really stream at once.
    const QList<PlannedTurn> plan = currentPlan();
    const Phase phase = m_phase;
    const bool together = runsAlongside(plan.at(currentCursor()));
    int started = 0;
    m_starting = true;
    while (m_phase == phase && currentCursor() < plan.size()) {
        qsizetype &cursor = currentCursor();
        const PlannedTurn p = plan.at(cursor);
        if (recorded(p)) {
            ++cursor;
            continue;
        }
        if (started > 0 && (!together || !runsAlongside(p)))
            break;
        if (stopping() || m_pauseRequested || m_pendingPause || m_stateKind != State::Running)
            break;
        const qsizetype pos = cursor++;
        ++started;
        startTurn(p, pos); // may end at once (skipped)
    }
    m_starting = false;
    if (m_turns.empty())
        advance(); // every turn ended at once: go on
}

void DebateEngine::announceRound()
{
    m_roundAnnounced = true;
    RoundInfo info;
    info.debateId = m_state.debateId;
    info.maxRounds = m_format->roundLimit(m_state.config);
    const QList<PlannedTurn> &plan = m_phase == Phase::Rounds ? m_plan : m_closing;
    if (m_phase == Phase::Rounds) {
        info.round = m_round;
        info.phase = m_format->phase(m_round);
    } else {
        info.round = plan.isEmpty() ? m_state.completedRounds() + 1 : plan.constFirst().round;
        info.phase = u"synthesis"_s;
    }
    for (const PlannedTurn &p : plan)
        info.speakers.append(m_state.seat(p.seat)->agent.name);
    emit roundStarted(info);
}

void DebateEngine::completeRound()
{
    m_busy = true;
    // Vectors for free-text answers first, so grouping can use them.
    QList<TurnRecord *> need;
    for (TurnRecord &t : m_state.turns) {
        if (t.info.kind == TurnKind::Turn && t.isFinished() && t.embedding.isEmpty() && t.stance.hasAnswer()
            && isTextAnswer(t.stance.answer))
            need.append(&t);
    }
    fillEmbeddings(need, [this] {
        int missing = 0;
        const QList<StanceInput> stances = m_format->roundStances(m_state, m_round, &missing);
        ConsensusSnapshot snap = ConsensusMeter::evaluate(stances, DebateFormat::meterOptions(m_state.config), missing);
        snap.debateId = m_state.debateId;
        snap.round = m_round;
        snap.flips = 0;
        for (const TurnRecord *t : m_state.turnsOf(m_round))
            snap.flips += t->changed ? 1 : 0;
        m_store->saveRound(m_state.debateId, snap, this, [this, snap](const rt::Status &saved) {
            if (!saved) {
                m_busy = false;
                failWith(rt::Error { u"storage"_s, tr("Round %1 could not be saved: %2").arg(snap.round).arg(saved.error().message) });
                return;
            }
            m_state.rounds.append(snap);
            emit consensusUpdated(snap);
            const StopReason reason = m_format->decide(m_state, snap);
            qCDebug(lcDebate) << "debate" << m_state.debateId << "round" << snap.round << "score" << snap.score << "leading"
                              << snap.leadingAnswer << "flips" << snap.flips << "->" << toString(reason);
            if (reason != StopReason::None) {
                enterClosing(reason);
            } else {
                ++m_round;
                m_plan = m_format->planRound(m_state, m_round);
                m_cursor = 0;
                m_roundAnnounced = false;
            }
            m_busy = false;
            advance();
        });
    });
}

void DebateEngine::enterClosing(StopReason reason)
{
    m_stopReason = reason;
    m_phase = Phase::Closing;
    m_closing = m_format->closing(m_state, reason);
    m_closingCursor = 0;
    m_roundAnnounced = false;
}

DebateOutcome DebateEngine::makeOutcome(StopReason reason, DebateStatus status) const
{
    DebateOutcome o;
    o.debateId = m_state.debateId;
    o.status = status;
    o.stopReason = reason;
    if (m_format)
        m_format->finalize(m_state, o);
    o.rounds = m_state.completedRounds();
    o.stopDetail = tr("after %n round(s), because %1.", nullptr, o.rounds).arg(describe(reason));
    for (const ConsensusSnapshot &r : m_state.rounds)
        o.flipsPerRound.append(r.flips);
    o.promptTokens = m_promptTokens;
    o.evalTokens = m_evalTokens;
    o.calls = m_calls;
    o.durationMs = m_clock.isValid() ? m_clock.elapsed() : 0;
    return o;
}

void DebateEngine::finish(StopReason reason)
{
    m_phase = Phase::Done;
    m_busy = true;
    m_budgetTimer.stop();
    if (reason == StopReason::UserStop || reason == StopReason::Budget || m_stopReason == StopReason::None)
        m_stopReason = reason;
    const DebateOutcome outcome = makeOutcome(m_stopReason, DebateStatus::Finished);
    qCDebug(lcDebate) << "debate" << m_state.debateId << "finished:" << toString(outcome.stopReason) << "answer" << outcome.answer
                      << "score" << outcome.score;
    setStatus(DebateStatus::Finished, &outcome, [this, outcome] {
        m_outcome = outcome;
        m_stateKind = State::Finished;
        m_busy = false;
        emit debateFinished(outcome);
    });
}

void DebateEngine::failWith(const rt::Error &error)
{
    if (m_phase == Phase::Done && m_stateKind == State::Failed)
        return;
    m_phase = Phase::Done;
    m_budgetTimer.stop();
    // Whatever is in flight is dropped: its callbacks find no turn.
    std::vector<std::unique_ptr<Turn>> turns = std::exchange(m_turns, {});
    for (const std::unique_ptr<Turn> &t : turns) {
        if (t->stream) {
            t->stream->disconnect(this);
            t->stream->cancel();
        }
    }
    m_pendingRows.clear();
    DebateOutcome outcome = makeOutcome(StopReason::Error, DebateStatus::Failed);
    outcome.error = error;
    outcome.stopDetail = error.message;
    m_outcome = outcome;
    m_stateKind = State::Failed;
    qCDebug(lcDebate) << "debate" << m_state.debateId << "failed:" << error.code << error.message;
    if (m_state.debateId <= 0) {
        emit debateFailed(outcome);
        return;
    }
    m_busy = true;
    setStatus(DebateStatus::Failed, &outcome, [this, outcome] {
        m_busy = false;
        emit debateFailed(outcome);
    });
}

void DebateEngine::enterPause(const QString &reason, const QString &message, const QString &errorCode)
{
    m_stateKind = State::Paused;
    m_busy = true;
    PauseInfo info { m_state.debateId, reason, message, errorCode };
    qCDebug(lcDebate) << "debate" << m_state.debateId << "paused:" << reason << message;
    setStatus(DebateStatus::Paused, nullptr, [this, info] {
        m_busy = false;
        emit debatePaused(info);
        advance(); // interjections, stop or interrupt that came meanwhile
    });
}

void DebateEngine::finishInterrupt()
{
    m_phase = Phase::Done;
    m_busy = true;
    m_budgetTimer.stop();
    setStatus(DebateStatus::Interrupted, nullptr, [this] {
        m_stateKind = State::Interrupted;
        m_busy = false;
        emit debateInterrupted(m_state.debateId);
    });
}

void DebateEngine::persistInterjection(const QString &text)
{
    m_busy = true;
    TurnRecord record;
    record.info.debateId = m_state.debateId;
    record.info.index = m_recordedRows;
    record.info.round = m_phase == Phase::Rounds ? m_round : m_state.completedRounds() + 1;
    record.info.seat = -1;
    record.info.agentName = tr("Moderator");
    record.info.kind = TurnKind::Interjection;
    record.info.correlationId = rt::nextCorrelationId(u"n");
    record.content = text;
    record.text = text;
    record.calls = 0;
    record.createdAt = QDateTime::currentDateTimeUtc();
    m_store->appendTurn(m_state.debateId, record, this, [this, record](const rt::Result<qint64> &id) mutable {
        if (!id) {
            m_busy = false;
            failWith(rt::Error { u"storage"_s, tr("The moderator note could not be saved: %1").arg(id.error().message) });
            return;
        }
        record.storageId = *id;
        ++m_recordedRows;
        m_state.turns.append(record);
        DebateNote note;
        note.debateId = m_state.debateId;
        note.kind = NoteKind::Interjection;
        note.round = record.info.round;
        note.seat = -1;
        note.agentName = record.info.agentName;
        note.text = record.content;
        note.createdAt = record.createdAt;
        emit noteAdded(note);
        m_busy = false;
        advance();
    });
}

void DebateEngine::addNote(NoteKind kind, int seat, const QString &text)
{
    DebateNote note;
    note.debateId = m_state.debateId;
    note.kind = kind;
    note.round = m_phase == Phase::Rounds ? m_round : m_state.completedRounds() + 1;
    note.seat = seat;
    if (const Seat *s = m_state.seat(seat))
        note.agentName = s->agent.name;
    note.text = text;
    note.createdAt = QDateTime::currentDateTimeUtc();
    m_state.notes.append(note);
    emit noteAdded(note);
}

void DebateEngine::setStatus(DebateStatus status, const DebateOutcome *outcome, std::function<void()> then)
{
    m_store->updateStatus(m_state.debateId, status, outcome, this, [this, status, then](const rt::Status &saved) {
        if (!saved)
            qCWarning(lcDebate) << "debate" << m_state.debateId << "status" << toString(status) << "not saved:" << saved.error().message;
        then();
    });
}

} // namespace rt::debate
