#include "debateengine.h"

#include "common/correlationid.h"
#include "common/logging.h"
#include "llm/chatstream.h"
#include "llm/modelinfo.h"
#include "llm/ollamaclient.h"
#include "llm/ollamaerrors.h"
#include "llm/ollamahost.h"

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

bool isUnreachable(const QString &code)
{
    return code == rt::llm::ErrorCode::Unreachable || code == rt::llm::ErrorCode::ConnectTimeout;
}

QString hostKey(const rt::llm::OllamaClient *client)
{
    return client->baseUrl().toString();
}

void addMetrics(rt::llm::ResponseMetrics &sum, const rt::llm::ResponseMetrics &m)
{
    sum.totalDurationNs += m.totalDurationNs;
    sum.loadDurationNs += m.loadDurationNs;
    sum.promptEvalDurationNs += m.promptEvalDurationNs;
    sum.evalDurationNs += m.evalDurationNs;
    sum.promptEvalCount += m.promptEvalCount;
    sum.evalCount += m.evalCount;
    if (sum.timeToFirstTokenMs < 0)
        sum.timeToFirstTokenMs = m.timeToFirstTokenMs;
    sum.wallTimeMs += m.wallTimeMs;
    sum.chunks += m.chunks;
}

QString visibleOf(const QString &content, ReplyShape shape, const Stance &stance)
{
    if (!stance.argument.isEmpty() && stance.source != Stance::Source::Fallback)
        return stance.argument;
    VisibleTextStreamer streamer(StanceParser::visibleField(shape));
    return streamer.feed(content).trimmed();
}

bool isTextAnswer(const QString &answer)
{
    return ConsensusMeter::normalize(answer).kind == NormalizedAnswer::Kind::Text;
}

} // namespace

DebateEngine::DebateEngine(rt::llm::OllamaClient *client, DebateStore *store, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_store(store)
{
    registerMetaTypes();
    m_budgetTimer.setSingleShot(true);
    connect(&m_budgetTimer, &QTimer::timeout, this, [this] {
        if (m_phase == Phase::Done)
            return;
        qCDebug(lcDebate) << "debate" << m_state.debateId << "time budget reached";
        m_budgetHit = true;
        if (m_turn && m_turn->stream)
            m_turn->stream->cancel();
        else if (!m_busy)
            advance();
    });
}

DebateEngine::~DebateEngine()
{
    if (m_turn && m_turn->stream) {
        m_turn->stream->disconnect(this);
        m_turn->stream->cancel();
    }
}

rt::llm::OllamaClient *DebateEngine::clientFor(const rt::agents::Agent &agent) const
{
    if (m_resolver) {
        if (rt::llm::OllamaClient *c = m_resolver(agent))
            return c;
    }
    return m_client;
}

rt::Status DebateEngine::start(const DebateConfig &input)
{
    if (m_stateKind == State::Running || m_stateKind == State::Paused)
        return rt::Error{u"busy"_s, tr("This engine is already running a debate.")};
    DebateConfig config = input;
    config.question = config.question.trimmed();
    for (rt::agents::Agent &a : config.agents) {
        if (a.model.trimmed().isEmpty())
            a.model = config.defaultModel.trimmed();
    }
    if (const QString problem = config.validate(); !problem.isEmpty())
        return rt::Error{u"usage"_s, problem};
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
    m_promptTokens = m_evalTokens = 0;
    m_calls = 0;
    m_stateKind = State::Running;
    m_busy = true;
    m_store->createDebate(config, m_state.seats, this, [this](const rt::Result<qint64> &id) {
        if (!id) {
            m_busy = false;
            failWith(rt::Error{u"storage"_s, tr("The debate could not be saved: %1").arg(id.error().message)});
            return;
        }
        m_state.debateId = *id;
        m_busy = false;
        begin(false, 0);
    });
    return {};
}

void DebateEngine::restore(qint64 debateId)
{
    if (m_stateKind == State::Running || m_stateKind == State::Paused)
        return;
    m_stateKind = State::Running;
    m_busy = true;
    m_store->loadDebate(debateId, this, [this, debateId](const rt::Result<StoredDebate> &loaded) {
        m_busy = false;
        if (!loaded) {
            // Nothing to mark in storage: report and stay out of the way.
            m_stateKind = State::Failed;
            m_phase = Phase::Done;
            DebateOutcome o;
            o.debateId = debateId;
            o.status = DebateStatus::Failed;
            o.stopReason = StopReason::Error;
            o.error = loaded.error();
            o.stopDetail = o.error.message;
            m_outcome = o;
            emit debateFailed(o);
            return;
        }
        const StoredDebate &d = *loaded;
        if (d.status == DebateStatus::Finished || d.status == DebateStatus::Failed || d.status == DebateStatus::Cancelled) {
            m_stateKind = State::Failed;
            DebateOutcome o;
            o.debateId = debateId;
            o.status = d.status;
            o.stopReason = d.stopReason;
            o.error = rt::Error{u"not_resumable"_s,
                                tr("Debate %1 has already ended (%2); there is nothing to resume.").arg(debateId).arg(toString(d.status))};
            o.stopDetail = o.error.message;
            m_outcome = o;
            emit debateFailed(o);
            return;
        }
        m_format = DebateFormat::create(d.config.format);
        m_state = DebateState();
        m_state.debateId = d.id;
        m_state.config = d.config;
        m_state.seats = d.seats;
        m_state.config.agents.clear();
        for (const Seat &s : std::as_const(m_state.seats)) {
            if (!s.implicit)
                m_state.config.agents.append(s.agent);
        }
        m_state.turns = d.turns;
        m_state.rounds = d.rounds;
        std::sort(m_state.rounds.begin(), m_state.rounds.end(),
                  [](const ConsensusSnapshot &a, const ConsensusSnapshot &b) { return a.round < b.round; });
        m_recordedRows = int(d.turns.size());
        m_promptTokens = m_evalTokens = 0;
        m_calls = 0;
        int finished = 0;
        for (const TurnRecord &t : std::as_const(m_state.turns)) {
            m_promptTokens += t.metrics.promptEvalCount;
            m_evalTokens += t.metrics.evalCount;
            m_calls += t.info.kind == TurnKind::Interjection ? 0 : (t.info.kind == TurnKind::Repair ? 0 : t.calls);
            if (t.isFinished() && t.info.kind != TurnKind::Repair && t.info.kind != TurnKind::Interjection)
                ++finished;
        }
        m_outcome = DebateOutcome();
        m_stopReason = StopReason::None;
        m_phase = Phase::Rounds;
        m_round = 1;
        m_roundAnnounced = false;
        // Walk the rounds: decided rounds are skipped, the first incomplete one
        // continues at its first turn without a durable record.
        const int limit = m_format->roundLimit(m_state.config);
        for (;;) {
            if (const ConsensusSnapshot *snap = m_state.roundSummary(m_round)) {
                const StopReason reason = m_format->decide(m_state, *snap);
                if (reason != StopReason::None || m_round >= limit) {
                    enterClosing(reason == StopReason::None ? StopReason::MaxRounds : reason);
                    while (m_closingCursor < m_closing.size()) {
                        const PlannedTurn &p = m_closing.at(m_closingCursor);
                        if (!m_state.find(p.round, p.seat, p.kind))
                            break;
                        ++m_closingCursor;
                    }
                    break;
                }
                ++m_round;
                continue;
            }
            m_plan = m_format->planRound(m_state, m_round);
            m_cursor = 0;
            while (m_cursor < m_plan.size()) {
                const PlannedTurn &p = m_plan.at(m_cursor);
                if (!m_state.find(p.round, p.seat, p.kind))
                    break;
                ++m_cursor;
            }
            break;
        }
        qCDebug(lcDebate) << "restoring debate" << d.id << "at round" << m_round << "turn" << m_cursor << "with" << finished
                         << "finished turns";
        m_busy = true;
        setStatus(DebateStatus::Running, nullptr, [this, finished] {
            m_busy = false;
            begin(true, finished);
        });
    });
}

void DebateEngine::begin(bool resumed, int finishedTurns)
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
    qCDebug(lcDebate) << "debate" << info.debateId << (resumed ? "resumed" : "started") << toString(info.format)
                     << "seats" << info.seats.size();
    emit debateStarted(info);
    advance();
}

void DebateEngine::pause()
{
    if (m_stateKind != State::Running || m_phase == Phase::Done)
        return;
    m_pauseRequested = true;
    if (!m_busy)
        advance();
}

void DebateEngine::resume()
{
    if (m_stateKind != State::Paused) {
        m_pauseRequested = false;
        return;
    }
    // Whatever made agents unavailable may have been fixed meanwhile.
    m_downHosts.clear();
    m_unavailableSeats.clear();
    m_missingModels.clear();
    m_facts.clear();
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
    if (m_turn && m_turn->stream)
        m_turn->stream->cancel(); // the turn's finish handler ends the debate
    else if (!m_busy)
        advance();
}

void DebateEngine::interject(const QString &text)
{
    if (text.trimmed().isEmpty() || (m_stateKind != State::Running && m_stateKind != State::Paused) || m_phase == Phase::Done)
        return;
    m_pendingInterjections.append(text.trimmed());
    if (!m_busy)
        advance();
}

bool DebateEngine::budgetExceeded() const
{
    if (m_budgetHit)
        return true;
    return m_state.config.tokenBudget > 0 && m_promptTokens + m_evalTokens >= m_state.config.tokenBudget;
}

int DebateEngine::availableSpeakers() const
{
    int n = 0;
    for (int s : m_state.speakingSeats()) {
        if (m_unavailableSeats.contains(s))
            continue;
        if (m_downHosts.contains(hostKey(clientFor(m_state.seat(s)->agent))))
            continue;
        ++n;
    }
    return n;
}

void DebateEngine::advance()
{
    if (m_busy || m_phase == Phase::Done || m_stateKind == State::Idle)
        return;
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
    if (m_pauseRequested) {
        m_pauseRequested = false;
        enterPause(u"user"_s, tr("Paused by the user."), QString());
        return;
    }
    if (budgetExceeded()) {
        finish(m_phase == Phase::Closing ? m_stopReason : StopReason::Budget);
        return;
    }
    if (m_phase == Phase::Rounds) {
        if (m_cursor >= m_plan.size()) {
            completeRound();
            return;
        }
        if (!m_roundAnnounced)
            announceRound();
        startTurn(m_plan.at(m_cursor));
        return;
    }
    if (m_closingCursor >= m_closing.size()) {
        finish(m_stopReason);
        return;
    }
    if (!m_roundAnnounced)
        announceRound();
    startTurn(m_closing.at(m_closingCursor));
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

std::optional<qint64> DebateEngine::seedFor(const Seat &seat, const PlannedTurn &plan) const
{
    std::optional<qint64> base;
    if (seat.agent.options.seed && *seat.agent.options.seed >= 0)
        base = *seat.agent.options.seed;
    else if (m_state.config.seed && *m_state.config.seed >= 0)
        base = *m_state.config.seed + 7919LL * seat.index;
    if (!base)
        return std::nullopt;
    qint64 kindOffset = 0;
    switch (plan.kind) {
    case TurnKind::Ranking: kindOffset = 17; break;
    case TurnKind::Verdict: kindOffset = 31; break;
    case TurnKind::Synthesis: kindOffset = 53; break;
    default: break;
    }
    return *base + 1009LL * (plan.round - 1) + kindOffset;
}

int DebateEngine::contextTokensFor(const rt::agents::Agent &agent, const ModelFacts &facts) const
{
    if (m_state.config.contextTokens > 0)
        return m_state.config.contextTokens;
    if (agent.options.numCtx && *agent.options.numCtx > 0)
        return *agent.options.numCtx;
    // Ollama's default context is 4096 tokens on most machines (more only with
    // large VRAM), capped by what the model was trained for.
    constexpr int serverDefault = 4096;
    return facts.contextLength > 0 ? std::min(facts.contextLength, serverDefault) : serverDefault;
}

void DebateEngine::startTurn(const PlannedTurn &plan)
{
    const Seat *seat = m_state.seat(plan.seat);
    m_busy = true;
    m_turn = std::make_unique<Turn>();
    Turn &t = *m_turn;
    t.token = m_nextToken++;
    t.plan = plan;
    t.info.debateId = m_state.debateId;
    t.info.index = m_recordedRows;
    t.info.round = plan.round;
    t.info.seat = plan.seat;
    t.info.agentName = seat->agent.name;
    t.info.role = seat->role;
    t.info.colour = seat->agent.colour;
    t.info.kind = plan.kind;
    t.info.correlationId = rt::nextCorrelationId(u"t");
    t.client = clientFor(seat->agent);
    t.models = seat->agent.modelsToTry();
    if (t.models.isEmpty() && !m_state.config.defaultModel.isEmpty())
        t.models.append(m_state.config.defaultModel);
    t.prompt = m_format->prompt(m_state, plan);
    t.streamer = VisibleTextStreamer(StanceParser::visibleField(t.prompt.shape));
    tryModel();
}

void DebateEngine::tryModel()
{
    Turn &t = *m_turn;
    while (t.modelIndex < t.models.size() && m_missingModels.contains(hostKey(t.client) + u'|' + t.models.at(t.modelIndex)))
        ++t.modelIndex;
    if (t.modelIndex >= t.models.size()) {
        m_unavailableSeats.insert(t.plan.seat);
        skipTurn(u"models_missing"_s,
                 rt::Error{rt::llm::ErrorCode::ModelNotFound,
                           tr("none of %1's models (%2) is installed on %3; pull one with: ollama pull %4")
                               .arg(t.info.agentName, t.models.join(u", "_s), rt::llm::displayHost(t.client->baseUrl()),
                                    t.models.value(0))});
        return;
    }
    const QString model = t.models.at(t.modelIndex);
    const quint64 token = t.token;
    m_facts.lookup(t.client, model, this, [this, token, model](const rt::Result<ModelFacts> &facts) {
        if (!m_turn || m_turn->token != token)
            return;
        if (stopping()) {
            // Nothing was said yet: there is nothing to keep.
            m_turn.reset();
            m_busy = false;
            advance();
            return;
        }
        Turn &t = *m_turn;
        if (!facts) {
            const QString &code = facts.error().code;
            if (code == rt::llm::ErrorCode::ModelNotFound) {
                m_missingModels.insert(hostKey(t.client) + u'|' + model);
                if (t.modelIndex + 1 < t.models.size())
                    addNote(NoteKind::Fallback, t.plan.seat,
                            tr("%1's model %2 is not installed; using %3 instead.").arg(t.info.agentName, model, t.models.at(t.modelIndex + 1)));
                ++t.modelIndex;
                tryModel();
                return;
            }
            if (isUnreachable(code)) {
                m_downHosts.insert(hostKey(t.client));
                skipTurn(u"unreachable"_s, facts.error());
                return;
            }
            qCWarning(lcDebate) << "model facts unavailable for" << model << facts.error().message;
            sendRequest(ModelFacts{});
            return;
        }
        m_downHosts.remove(hostKey(t.client));
        sendRequest(*facts);
    });
}

void DebateEngine::sendRequest(const ModelFacts &facts)
{
    Turn &t = *m_turn;
    const Seat &seat = *m_state.seat(t.plan.seat);
    const QString model = t.models.at(t.modelIndex);
    t.info.model = model;

    rt::llm::ChatRequest request;
    request.model = model;
    request.options = seat.agent.options;
    const int cap = m_state.config.numPredictCap;
    const int wanted = request.options.numPredict.value_or(-1);
    request.options.numPredict = wanted > 0 ? std::min(wanted, cap) : cap;
    request.options.seed = seedFor(seat, t.plan);
    request.format = t.prompt.schema;
    if (facts.hasCapability(u"thinking"))
        request.think = false; // Ollama's structured output and thinking do not mix
    bool trimmed = false;
    const int budget = PromptBuilder::budgetChars(contextTokensFor(seat.agent, facts), *request.options.numPredict);
    request.messages = PromptBuilder::build(t.prompt.parts, budget, &trimmed);
    if (trimmed)
        qCDebug(lcDebate) << t.info.correlationId << "prompt for" << t.info.agentName << "shortened to" << budget << "characters";
    t.request = request;
    if (!t.announced) {
        t.announced = true;
        t.clock.start();
        emit turnStarted(t.info);
    }
    qCDebug(lcDebate) << t.info.correlationId << "turn" << toString(t.info.kind) << "round" << t.info.round << t.info.agentName
                      << "model" << model;
    emit requestSent(t.info, request, 1);
    rt::llm::ChatStream *stream = t.client->chat(request);
    t.stream = stream;
    const quint64 token = t.token;
    connect(stream, &rt::llm::ChatStream::delta, this, [this, token](const QString &content, const QString &thinking) {
        if (!m_turn || m_turn->token != token)
            return;
        TokenDelta d;
        d.turn = m_turn->info;
        d.content = content;
        d.text = m_turn->streamer.feed(content);
        d.thinking = thinking;
        d.attempt = m_turn->repairing ? 2 : 1;
        emit tokenDelta(d);
    });
    connect(stream, &rt::llm::ChatStream::finished, this,
            [this, token](const rt::llm::ChatResult &result) { onStreamFinished(token, result); });
}

void DebateEngine::onStreamFinished(quint64 token, const rt::llm::ChatResult &result)
{
    if (!m_turn || m_turn->token != token)
        return;
    Turn &t = *m_turn;
    t.stream = nullptr;
    ++t.calls;
    ++m_calls;
    m_promptTokens += result.metrics.promptEvalCount;
    m_evalTokens += result.metrics.evalCount;
    if (!t.repairing)
        t.firstMetrics = result.metrics;
    addMetrics(t.metrics, result.metrics);
    const ReplyShape shape = t.prompt.shape;
    if (!result.warning.isEmpty()) // e.g. Ollama silently cut the prompt to fit its context
        addNote(NoteKind::Warning, t.plan.seat, tr("%1: %2").arg(t.info.agentName, result.warning));

    TurnRecord record;
    record.thinking = result.thinking;
    switch (result.status) {
    case rt::llm::ChatStatus::Completed: {
        m_downHosts.remove(hostKey(t.client));
        if (!t.repairing) {
            if (std::optional<Stance> s = StanceParser::parseStrict(result.content, shape)) {
                record.content = result.content;
                record.stance = *s;
                completeTurn(record, QString());
                return;
            }
            if (!stopping()) {
                requestRepair(result);
                return;
            }
            record.content = result.content;
            record.stance = StanceParser::parseTolerant(result.content, shape).value_or(Stance());
            completeTurn(record, QString());
            return;
        }
        // The repair's reply; then tolerant reading of either reply; then no stance.
        std::optional<Stance> s = StanceParser::parseStrict(result.content, shape);
        if (s) {
            s->source = Stance::Source::Repaired;
        } else {
            s = StanceParser::parseTolerant(result.content, shape);
            if (!s)
                s = StanceParser::parseTolerant(t.firstReply, shape);
        }
        record.content = result.content.trimmed().isEmpty() ? t.firstReply : result.content;
        record.stance = s.value_or(Stance());
        if (!s)
            addNote(NoteKind::Warning, t.plan.seat, tr("%1 gave no usable answer this turn (no stance).").arg(t.info.agentName));
        completeTurn(record, t.firstReply);
        return;
    }
    case rt::llm::ChatStatus::Cancelled:
        // Stop, interrupt or time budget in the middle of the reply: keep what arrived.
        record.content = result.content;
        record.status = m_interruptRequested ? TurnStatus::Interrupted : TurnStatus::Partial;
        record.error = tr("The reply was stopped before it was complete.");
        completeTurn(record, t.repairing ? t.firstReply : QString());
        return;
    case rt::llm::ChatStatus::Failed:
        break;
    }

    const QString &code = result.error.code;
    if (code == rt::llm::ErrorCode::ModelNotFound && result.content.isEmpty()) {
        const QString model = t.models.value(t.modelIndex);
        m_missingModels.insert(hostKey(t.client) + u'|' + model);
        if (t.modelIndex + 1 < t.models.size())
            addNote(NoteKind::Fallback, t.plan.seat,
                    tr("%1's model %2 is not installed; using %3 instead.").arg(t.info.agentName, model, t.models.at(t.modelIndex + 1)));
        ++t.modelIndex;
        t.repairing = false;
        tryModel();
        return;
    }
    if (isUnreachable(code) && result.content.isEmpty() && !t.repairing) {
        m_downHosts.insert(hostKey(t.client));
        skipTurn(u"unreachable"_s, result.error);
        return;
    }
    if (t.repairing) {
        // The repair request failed; read what the first reply offers.
        record.content = t.firstReply;
        record.stance = StanceParser::parseTolerant(t.firstReply, shape).value_or(Stance());
        record.error = result.error.message;
        completeTurn(record, t.firstReply);
        return;
    }
    record.content = result.content;
    record.status = TurnStatus::Failed;
    record.stance = StanceParser::parseTolerant(result.content, shape).value_or(Stance());
    record.error = result.error.message;
    addNote(NoteKind::Warning, t.plan.seat, tr("%1's reply failed: %2").arg(t.info.agentName, result.error.message));
    completeTurn(record, QString());
}

void DebateEngine::requestRepair(const rt::llm::ChatResult &first)
{
    Turn &t = *m_turn;
    t.repairing = true;
    t.firstReply = first.content;
    const QString problem = StanceParser::problemWith(first.content, t.prompt.shape);
    qCDebug(lcDebate) << t.info.correlationId << t.info.agentName << "reply did not fit the schema:" << problem;
    addNote(NoteKind::Warning, t.plan.seat, tr("%1's reply did not fit the answer format; asking once more.").arg(t.info.agentName));
    rt::llm::ChatRequest request = t.request;
    request.messages.append(rt::llm::ChatMessage::assistant(first.content));
    request.messages.append(rt::llm::ChatMessage::user(StanceParser::repairPrompt(t.prompt.shape, problem)));
    t.streamer.reset();
    emit requestSent(t.info, request, 2);
    rt::llm::ChatStream *stream = t.client->chat(request);
    t.stream = stream;
    const quint64 token = t.token;
    connect(stream, &rt::llm::ChatStream::delta, this, [this, token](const QString &content, const QString &thinking) {
        if (!m_turn || m_turn->token != token)
            return;
        TokenDelta d;
        d.turn = m_turn->info;
        d.content = content;
        d.text = m_turn->streamer.feed(content);
        d.thinking = thinking;
        d.attempt = 2;
        emit tokenDelta(d);
    });
    connect(stream, &rt::llm::ChatStream::finished, this,
            [this, token](const rt::llm::ChatResult &result) { onStreamFinished(token, result); });
}

void DebateEngine::completeTurn(TurnRecord record, const QString &repairContent)
{
    Turn &t = *m_turn;
    record.info = t.info;
    record.createdAt = QDateTime::currentDateTimeUtc();
    record.metrics = t.metrics;
    record.metrics.wallTimeMs = t.clock.isValid() ? t.clock.elapsed() : record.metrics.wallTimeMs;
    record.calls = t.calls;
    record.repairRequested = t.repairing;
    record.text = visibleOf(record.content, t.prompt.shape, record.stance);

    std::optional<TurnRecord> repairRow;
    if (t.repairing) {
        TurnRecord row;
        row.info = t.info;
        row.info.kind = TurnKind::Repair;
        row.info.index = t.info.index + 1;
        row.content = repairContent;
        row.text = visibleOf(repairContent, t.prompt.shape, Stance());
        row.status = TurnStatus::Complete;
        row.calls = 1;
        row.metrics = t.firstMetrics;
        row.error = StanceParser::problemWith(repairContent, t.prompt.shape);
        row.createdAt = record.createdAt;
        repairRow = row;
    }

    // Did the agent change its answer since its previous turn? (Votes are
    // independent samples: a different answer there is not a change of mind.)
    const bool track = record.info.kind == TurnKind::Turn && m_format->kind() != FormatKind::Vote && record.isFinished()
        && record.stance.hasAnswer();
    const TurnRecord *prev = track ? m_state.latestOf(record.info.seat) : nullptr;
    if (!prev || !prev->stance.hasAnswer()) {
        persistTurn(record, repairRow);
        return;
    }
    const qsizetype prevIndex = prev - m_state.turns.constData();
    const auto decide = [this, prevIndex, repairRow](TurnRecord rec) {
        const TurnRecord &p = m_state.turns.at(prevIndex);
        const Seat *seat = m_state.seat(rec.info.seat);
        rec.changed = !ConsensusMeter::sameAnswer(DebateFormat::stanceInput(p, seat), DebateFormat::stanceInput(rec, seat),
                                                  DebateFormat::meterOptions(m_state.config));
        persistTurn(rec, repairRow);
    };
    if (isTextAnswer(record.stance.answer) && isTextAnswer(prev->stance.answer)) {
        const quint64 token = t.token;
        embed({record.stance.answer, prev->stance.answer},
              [this, token, record, prevIndex, decide](const QList<QList<double>> &vectors) mutable {
                  if (!m_turn || m_turn->token != token)
                      return;
                  if (vectors.size() == 2) {
                      record.embedding = vectors.at(0);
                      m_state.turns[prevIndex].embedding = vectors.at(1);
                  }
                  decide(record);
              });
        return;
    }
    decide(record);
}

void DebateEngine::persistTurn(TurnRecord record, std::optional<TurnRecord> repairRow)
{
    const quint64 token = m_turn ? m_turn->token : 0;
    m_store->appendTurn(m_state.debateId, record, this, [this, token, record, repairRow](const rt::Result<qint64> &id) mutable {
        if (!m_turn || m_turn->token != token)
            return;
        if (!id) {
            m_turn.reset();
            m_busy = false;
            failWith(rt::Error{u"storage"_s, tr("%1's turn could not be saved: %2").arg(record.info.agentName, id.error().message)});
            return;
        }
        record.storageId = *id;
        ++m_recordedRows;
        m_state.turns.append(record);
        qCDebug(lcDebate) << record.info.correlationId << "turn saved as" << record.storageId << "stance"
                          << Stance::sourceName(record.stance.source) << record.stance.answer;
        emit turnFinished(record);
        const auto next = [this] {
            m_turn.reset();
            if (m_phase == Phase::Rounds)
                ++m_cursor;
            else
                ++m_closingCursor;
            m_busy = false;
            advance();
        };
        if (!repairRow) {
            next();
            return;
        }
        // The first, unusable reply is kept for the record.
        m_store->appendTurn(m_state.debateId, *repairRow, this, [this, row = *repairRow, next](const rt::Result<qint64> &rowId) mutable {
            if (rowId) {
                row.storageId = *rowId;
                ++m_recordedRows;
                m_state.turns.append(row);
            } else {
                qCWarning(lcDebate) << "could not save the repaired reply:" << rowId.error().message;
            }
            next();
        });
    });
}

void DebateEngine::skipTurn(const QString &reason, const rt::Error &error)
{
    const int seatIndex = m_turn->plan.seat;
    const QString name = m_turn->info.agentName;
    const bool speaker = m_state.seat(seatIndex)->speaksInRounds();
    m_turn.reset();
    addNote(NoteKind::Skipped, seatIndex, tr("%1 was skipped this turn: %2").arg(name, error.message));
    const int needed = std::min<int>(2, int(m_state.speakingSeats().size()));
    if (m_phase == Phase::Rounds && speaker && availableSpeakers() < needed) {
        // The same turn is tried again when the debate resumes.
        m_busy = false;
        const QString message = reason == u"unreachable"_s
            ? tr("Fewer than two agents can speak: %1 The debate is paused; resume it when Ollama is back.").arg(error.message)
            : tr("Fewer than two agents can speak: %1. The debate is paused; install a model or change the agents, then resume.")
                  .arg(error.message);
        enterPause(reason == u"unreachable"_s ? u"unreachable"_s : u"no_speakers"_s, message, error.code);
        return;
    }
    if (m_phase == Phase::Rounds)
        ++m_cursor;
    else
        ++m_closingCursor;
    m_busy = false;
    advance();
}

void DebateEngine::completeRound()
{
    m_busy = true;
    // Vectors for free-text answers first, so grouping can use them.
    QList<TurnRecord *> need;
    for (TurnRecord &t : m_state.turns) {
        if (t.info.kind == TurnKind::Turn && t.isFinished() && t.embedding.isEmpty() && t.stance.hasAnswer() && isTextAnswer(t.stance.answer))
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
                failWith(rt::Error{u"storage"_s, tr("Round %1 could not be saved: %2").arg(snap.round).arg(saved.error().message)});
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
    if (m_turn && m_turn->stream) {
        m_turn->stream->disconnect(this);
        m_turn->stream->cancel();
    }
    m_turn.reset();
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
    PauseInfo info{m_state.debateId, reason, message, errorCode};
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
            failWith(rt::Error{u"storage"_s, tr("The moderator note could not be saved: %1").arg(id.error().message)});
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

void DebateEngine::embed(const QStringList &texts, std::function<void(const QList<QList<double>> &)> done)
{
    switch (m_embedState) {
    case EmbedState::Off:
        QMetaObject::invokeMethod(this, [done] { done({}); }, Qt::QueuedConnection);
        return;
    case EmbedState::Resolving:
        m_embedWaiters.append([this, texts, done] { embed(texts, done); });
        return;
    case EmbedState::Unknown: {
        const QString configured = m_state.config.embeddingModel.trimmed();
        if (configured == u"none"_s) {
            m_embedState = EmbedState::Off;
            embed(texts, done);
            return;
        }
        if (!configured.isEmpty()) {
            m_embedModel = configured;
            m_embedState = EmbedState::Ready;
            embed(texts, done);
            return;
        }
        m_embedState = EmbedState::Resolving;
        m_embedWaiters.append([this, texts, done] { embed(texts, done); });
        m_client->fetchModels(this, [this](const rt::Result<QList<rt::llm::ModelInfo>> &models) {
            m_embedState = EmbedState::Off;
            if (models) {
                for (const rt::llm::ModelInfo &m : *models) {
                    if (m.hasCapability(u"embedding") || m.name.contains(u"embed"_s, Qt::CaseInsensitive)) {
                        m_embedModel = m.name;
                        m_embedState = EmbedState::Ready;
                        break;
                    }
                }
            }
            qCDebug(lcDebate) << "embedding model for free-text answers:" << (m_embedModel.isEmpty() ? u"none (word overlap)"_s : m_embedModel);
            const QList<std::function<void()>> waiters = std::exchange(m_embedWaiters, {});
            for (const auto &w : waiters)
                w();
        });
        return;
    }
    case EmbedState::Ready:
        break;
    }
    const qsizetype expected = texts.size();
    m_client->embed(m_embedModel, texts, this, [this, done, expected](const rt::Result<QList<QList<double>>> &vectors) {
        if (!vectors || vectors->size() != expected) {
            if (m_embedState == EmbedState::Ready) {
                m_embedState = EmbedState::Off;
                addNote(NoteKind::Warning, -1,
                        tr("Embeddings from %1 are not available (%2); free-text answers are grouped by word overlap instead.")
                            .arg(m_embedModel, vectors ? tr("wrong number of vectors") : vectors.error().message));
            }
            done({});
            return;
        }
        done(*vectors);
    });
}

void DebateEngine::fillEmbeddings(QList<TurnRecord *> turns, std::function<void()> done)
{
    if (turns.isEmpty()) {
        done();
        return;
    }
    // Indices, not pointers, survive until the callback (nothing is appended while busy).
    QList<qsizetype> indices;
    QStringList texts;
    for (TurnRecord *t : turns) {
        indices.append(t - m_state.turns.data());
        texts.append(t->stance.answer);
    }
    embed(texts, [this, indices, done](const QList<QList<double>> &vectors) {
        if (vectors.size() == indices.size()) {
            for (qsizetype i = 0; i < indices.size(); ++i) {
                if (indices.at(i) < m_state.turns.size())
                    m_state.turns[indices.at(i)].embedding = vectors.at(i);
            }
        }
        done();
    });
}

} // namespace rt::debate
