// DebateEngine, one turn: routing through the pool, model facts, the request,
// moving to another host, the repair request, and making the turn durable.
#include "common/correlationid.h"
#include "common/logging.h"
#include "debateengine.h"
#include "debateengine_p.h"
#include "llm/endpointpool.h"
#include "llm/modelinfo.h"
#include "llm/ollamaclient.h"
#include "llm/ollamaerrors.h"
#include "llm/ollamahost.h"
#include "llm/pooledchat.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace rt::debate {

using namespace detail;

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
    case TurnKind::Ranking:
        kindOffset = 17;
        break;
    case TurnKind::Verdict:
        kindOffset = 31;
        break;
    case TurnKind::Synthesis:
        kindOffset = 53;
        break;
    default:
        break;
    }
    return *base + 1009LL * (plan.round - 1) + kindOffset;
}

int DebateEngine::contextTokensFor(const rt::agents::Agent &agent, const ModelFacts &facts) const
{
    if (m_state.config.contextTokens > 0)
        return m_state.config.contextTokens;
    if (agent.options.numCtx && *agent.options.numCtx > 0)
        return *agent.options.numCtx;
    // The context the model is loaded with now (/api/ps), which is what the
    // server will use for this request.
    if (facts.loadedContextLength > 0)
        return facts.loadedContextLength;
    // Not loaded yet: Ollama loads it with its default context (4096 tokens
    // unless the server is configured otherwise), capped by the trained length.
    constexpr int serverDefault = 4096;
    return facts.contextLength > 0 ? std::min(facts.contextLength, serverDefault) : serverDefault;
}

void DebateEngine::startTurn(const PlannedTurn &plan, qsizetype planPos)
{
    const Seat *seat = m_state.seat(plan.seat);
    auto turn = std::make_unique<Turn>();
    Turn &t = *turn;
    t.token = m_nextToken++;
    t.plan = plan;
    t.planPos = planPos;
    t.info.debateId = m_state.debateId;
    t.info.index = m_recordedRows + int(m_turns.size());
    t.info.round = plan.round;
    t.info.seat = plan.seat;
    t.info.agentName = seat->agent.name;
    t.info.role = seat->role;
    t.info.colour = seat->agent.colour;
    t.info.kind = plan.kind;
    t.info.correlationId = rt::nextCorrelationId(u"t");
    t.models = seat->agent.modelsToTry();
    if (t.models.isEmpty() && !m_state.config.defaultModel.isEmpty())
        t.models.append(m_state.config.defaultModel);
    // Every turn started together sees the same state: nothing of its round.
    t.prompt = m_format->prompt(m_state, plan);
    t.streamer = VisibleTextStreamer(StanceParser::visibleField(t.prompt.shape));
    m_turns.push_back(std::move(turn));
    tryModel(t); // may skip the turn, which ends it
}

DebateEngine::Turn *DebateEngine::findTurn(quint64 token) const
{
    for (const std::unique_ptr<Turn> &t : m_turns) {
        if (t->token == token)
            return t.get();
    }
    return nullptr;
}

qsizetype DebateEngine::positionOf(quint64 token) const
{
    for (qsizetype i = 0; i < qsizetype(m_turns.size()); ++i) {
        if (m_turns.at(size_t(i))->token == token)
            return i;
    }
    return -1;
}

void DebateEngine::removeTurn(quint64 token)
{
    const qsizetype pos = positionOf(token);
    if (pos >= 0)
        m_turns.erase(m_turns.begin() + pos);
}

void DebateEngine::turnGone()
{
    if (!m_turns.empty()) {
        commitReady(); // the next one in plan order may be finished already
        return;
    }
    if (m_starting || m_committing)
        return; // startTurns() goes on by itself
    advance();
}

void DebateEngine::cancelStreams()
{
    // Copied first: a cancelled stream reports at once or later, and its turn
    // keeps what arrived (partial, or interrupted).
    QList<QPointer<rt::llm::PooledChat>> streams;
    for (const std::unique_ptr<Turn> &t : m_turns) {
        if (t->stream)
            streams.append(t->stream);
    }
    for (const QPointer<rt::llm::PooledChat> &s : std::as_const(streams)) {
        if (s)
            s->cancel();
    }
}

void DebateEngine::tryModel(Turn &t)
{
    // The pool picks the host: the seat's own while it works, else another
    // online host that has the model, else the next fallback model.
    const QStringList models = t.models.mid(t.modelIndex);
    const auto route = m_pool->route(models, t.excludedHosts, m_seatHosts.value(t.plan.seat));
    if (!route) {
        const rt::Error &error = route.error();
        if (error.code == rt::llm::ErrorCode::ModelNotFound) {
            m_unavailableSeats.insert(t.plan.seat);
            skipTurn(t, u"models_missing"_s,
                rt::Error { error.code,
                    tr("none of %1's models (%2) is installed on a reachable Ollama host; pull one with: "
                       "roundtable models pull %3")
                        .arg(t.info.agentName, t.models.join(u", "_s), t.models.value(0)) });
        } else {
            skipTurn(t, u"unreachable"_s, error);
        }
        return;
    }
    const QString model = route->model;
    const QString host = route->host;
    t.host = host;
    const qsizetype index = t.models.indexOf(model);
    if (index > t.modelIndex) {
        for (qsizetype k = t.modelIndex; k < index; ++k)
            noteFallback(t.plan.seat, t.info.agentName, t.models.at(k), model);
        t.modelIndex = index;
    }
    rt::llm::OllamaClient *control = m_pool->controlClient(host);
    const quint64 token = t.token;
    m_facts.lookup(control, model, this, [this, token, model, host](const rt::Result<ModelFacts> &facts) {
        Turn *turn = findTurn(token);
        if (!turn)
            return;
        if (stopping()) {
            // Nothing was said yet: there is nothing to keep.
            dropTurn(token);
            return;
        }
        Turn &t = *turn;
        if (!facts) {
            const QString &code = facts.error().code;
            if (code == rt::llm::ErrorCode::ModelNotFound) {
                m_pool->noteModelMissing(host, model); // routing now skips it
                tryModel(t);
                return;
            }
            if (rt::llm::EndpointPool::isHostFailure(facts.error())) {
                m_pool->reportFailure(host, facts.error());
                t.excludedHosts.insert(host);
                t.moveReason = facts.error().message;
                tryModel(t);
                return;
            }
            qCWarning(lcDebate) << "model facts unavailable for" << model << facts.error().message;
            sendRequest(t, ModelFacts {});
            return;
        }
        sendRequest(t, *facts);
    });
}

void DebateEngine::sendRequest(Turn &t, const ModelFacts &facts)
{
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
    const quint64 token = t.token;
    if (!t.announced) {
        t.announced = true;
        // Its place among the recorded turns: after every turn ahead of it in plan order.
        t.info.index = m_recordedRows + int(positionOf(token));
        t.clock.start();
        emit turnStarted(t.info);
    }
    qCDebug(lcDebate) << t.info.correlationId << "turn" << toString(t.info.kind) << "round" << t.info.round << t.info.agentName << "model"
                      << model;
    emit requestSent(t.info, request, 1);
    Turn *turn = findTurn(token); // listeners may have ended the debate
    if (!turn)
        return;
    turn->stream = openChat(*turn, request, 1);
    if (stopping() && turn->stream)
        turn->stream->cancel(); // stopped while it was being announced: kept, empty
}

rt::llm::PooledChat *DebateEngine::openChat(Turn &t, const rt::llm::ChatRequest &request, int attempt)
{
    // The chosen model first, then the agent's later fallbacks; the chosen host first.
    rt::llm::PooledChat *chat = m_pool->chat(request, t.models.mid(t.modelIndex), t.host);
    chat->setAgent(t.info.agentName);
    const quint64 token = t.token;
    connect(chat, &rt::llm::PooledChat::notice, this, [this, token](const QString &message) {
        if (Turn *t = findTurn(token))
            t->moveReason = message;
    });
    connect(chat, &rt::llm::PooledChat::routed, this,
        [this, token](const QString &host, const QString &model, int) { onRouted(token, host, model); });
    connect(chat, &rt::llm::PooledChat::delta, this, [this, token, attempt](const QString &content, const QString &thinking) {
        Turn *t = findTurn(token);
        if (!t || t->ready)
            return;
        TokenDelta d;
        d.turn = t->info;
        d.content = content;
        d.text = t->streamer.feed(content);
        d.thinking = thinking;
        d.attempt = attempt;
        emit tokenDelta(d);
    });
    connect(
        chat, &rt::llm::PooledChat::finished, this, [this, token](const rt::llm::ChatResult &result) { onStreamFinished(token, result); });
    return chat;
}

void DebateEngine::onRouted(quint64 token, const QString &host, const QString &model)
{
    Turn *turn = findTurn(token);
    if (!turn)
        return;
    Turn &t = *turn;
    t.host = host;
    const int seat = t.plan.seat;
    const QString home = m_seatHosts.value(seat);
    if (!home.isEmpty() && home != host) {
        QString why = t.moveReason;
        if (why.isEmpty()) {
            const rt::llm::HostStatus status = m_pool->status(home);
            why = status.lastError.isEmpty() ? tr("%1 is %2").arg(home, rt::llm::hostStateName(status.state)) : status.lastError;
        }
        addNote(NoteKind::HostMoved, seat, tr("%1 moved from host %2 to host %3: %4").arg(t.info.agentName, home, host, why));
    }
    m_seatHosts.insert(seat, host); // later turns stay where it works
    t.moveReason.clear();
    if (!model.isEmpty() && model != t.info.model) {
        const qsizetype index = t.models.indexOf(model);
        noteFallback(seat, t.info.agentName, t.info.model, model);
        if (index >= 0)
            t.modelIndex = index;
        t.info.model = model;
    }
}

void DebateEngine::noteFallback(int seat, const QString &agentName, const QString &missing, const QString &used)
{
    // Once per seat and missing model, not every round.
    if (m_fallbackNoted.contains({ seat, missing }))
        return;
    m_fallbackNoted.insert({ seat, missing });
    addNote(NoteKind::Fallback, seat,
        tr("%1's model %2 is not installed on any reachable host; using %3 instead.").arg(agentName, missing, used));
}

bool DebateEngine::restartElsewhere(Turn &t, const rt::llm::ChatResult &result)
{
    // The host died in the middle of the reply: the partial text is not kept
    // (the turn is stored once, complete), and the turn starts again on another
    // host that has the model. The failed host is probed now so its breaker
    // opens for the other seats too.
    if (t.repairing || stopping() || !lostHostMidReply(result.error) || t.restarts >= m_pool->hostNames().size())
        return false;
    QSet<QString> excluded = t.excludedHosts;
    excluded.insert(t.host);
    if (!m_pool->route(t.models.mid(t.modelIndex), excluded))
        return false; // nowhere else to go: keep the partial reply
    ++t.restarts;
    t.excludedHosts = excluded;
    t.moveReason = tr("%1 stopped answering mid-reply (%2)").arg(t.host, result.error.message);
    m_pool->reportFailure(t.host, rt::Error { rt::llm::ErrorCode::Network, result.error.message });
    m_pool->probeNow(t.host);
    t.streamer.reset();
    qCDebug(lcDebate) << t.info.correlationId << "restarting the turn of" << t.info.agentName << "away from" << t.host;
    tryModel(t);
    return true;
}

void DebateEngine::onStreamFinished(quint64 token, const rt::llm::ChatResult &result)
{
    Turn *turn = findTurn(token);
    if (!turn)
        return;
    Turn &t = *turn;
    t.stream = nullptr;
    ++t.calls;
    ++m_calls;
    m_promptTokens += result.metrics.promptEvalCount;
    m_evalTokens += result.metrics.evalCount;
    if (!t.repairing)
        t.firstMetrics = result.metrics;
    addMetrics(t.metrics, result.metrics);
    if (!m_budgetHit && m_turns.size() > 1 && tokenBudgetExceeded()) {
        // Turns running alongside: the budget is spent now, not after the
        // round; the others are cut short and kept as partial.
        qCDebug(lcDebate) << "debate" << m_state.debateId << "token budget reached";
        m_budgetHit = true;
        cancelStreams();
    }
    const ReplyShape shape = t.prompt.shape;
    if (!result.warning.isEmpty()) // e.g. Ollama silently cut the prompt to fit its context
        addNote(NoteKind::Warning, t.plan.seat, tr("%1: %2").arg(t.info.agentName, result.warning));

    TurnRecord record;
    record.thinking = result.thinking;
    switch (result.status) {
    case rt::llm::ChatStatus::Completed: {
        if (!t.repairing) {
            if (std::optional<Stance> s = StanceParser::parseStrict(result.content, shape)) {
                record.content = result.content;
                record.stance = *s;
                completeTurn(t, record, QString());
                return;
            }
            if (!stopping()) {
                requestRepair(t, result);
                return;
            }
            record.content = result.content;
            record.stance = StanceParser::parseTolerant(result.content, shape).value_or(Stance());
            completeTurn(t, record, QString());
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
        completeTurn(t, record, t.firstReply);
        return;
    }
    case rt::llm::ChatStatus::Cancelled:
        // Stop, interrupt or time budget in the middle of the reply: keep what arrived.
        record.content = result.content;
        record.status = m_interruptRequested ? TurnStatus::Interrupted : TurnStatus::Partial;
        record.error = tr("The reply was stopped before it was complete.");
        completeTurn(t, record, t.repairing ? t.firstReply : QString());
        return;
    case rt::llm::ChatStatus::Failed:
        break;
    }

    // Before the first token the pool has already tried every host and
    // fallback model that could answer; these failures are final for the turn.
    const QString &code = result.error.code;
    if (code == rt::llm::ErrorCode::ModelNotFound && result.content.isEmpty() && !t.repairing) {
        m_unavailableSeats.insert(t.plan.seat);
        skipTurn(t, u"models_missing"_s, result.error);
        return;
    }
    if (isUnreachable(code) && result.content.isEmpty() && !t.repairing) {
        skipTurn(t, u"unreachable"_s, result.error);
        return;
    }
    if (!result.content.isEmpty() && restartElsewhere(t, result))
        return;
    if (t.repairing) {
        // The repair request failed; read what the first reply offers.
        record.content = t.firstReply;
        record.stance = StanceParser::parseTolerant(t.firstReply, shape).value_or(Stance());
        record.error = result.error.message;
        completeTurn(t, record, t.firstReply);
        return;
    }
    record.content = result.content;
    record.status = TurnStatus::Failed;
    record.stance = StanceParser::parseTolerant(result.content, shape).value_or(Stance());
    record.error = result.error.message;
    addNote(NoteKind::Warning, t.plan.seat, tr("%1's reply failed: %2").arg(t.info.agentName, result.error.message));
    completeTurn(t, record, QString());
}

void DebateEngine::requestRepair(Turn &t, const rt::llm::ChatResult &first)
{
    t.repairing = true;
    t.firstReply = first.content;
    const QString problem = StanceParser::problemWith(first.content, t.prompt.shape);
    qCDebug(lcDebate) << t.info.correlationId << t.info.agentName << "reply did not fit the schema:" << problem;
    addNote(NoteKind::Warning, t.plan.seat, tr("%1's reply did not fit the answer format; asking once more.").arg(t.info.agentName));
    rt::llm::ChatRequest request = t.request;
    request.messages.append(rt::llm::ChatMessage::assistant(first.content));
    request.messages.append(rt::llm::ChatMessage::user(StanceParser::repairPrompt(t.prompt.shape, problem)));
    t.streamer.reset();
    const quint64 token = t.token;
    emit requestSent(t.info, request, 2);
    Turn *turn = findTurn(token);
    if (!turn)
        return;
    turn->stream = openChat(*turn, request, 2);
}

void DebateEngine::completeTurn(Turn &t, TurnRecord record, const QString &repairContent)
{
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
    // Its previous turn is of an earlier round, so it is stored already.
    const bool track
        = record.info.kind == TurnKind::Turn && m_format->kind() != FormatKind::Vote && record.isFinished() && record.stance.hasAnswer();
    const TurnRecord *prev = track ? m_state.latestOf(record.info.seat) : nullptr;
    const quint64 token = t.token;
    if (!prev || !prev->stance.hasAnswer()) {
        markReady(token, record, repairRow);
        return;
    }
    const qsizetype prevIndex = prev - m_state.turns.constData();
    const auto decide = [this, token, prevIndex, repairRow](TurnRecord rec) {
        const TurnRecord &p = m_state.turns.at(prevIndex);
        const Seat *seat = m_state.seat(rec.info.seat);
        rec.changed = !ConsensusMeter::sameAnswer(
            DebateFormat::stanceInput(p, seat), DebateFormat::stanceInput(rec, seat), DebateFormat::meterOptions(m_state.config));
        markReady(token, rec, repairRow);
    };
    if (isTextAnswer(record.stance.answer) && isTextAnswer(prev->stance.answer)) {
        embed({ record.stance.answer, prev->stance.answer },
            [this, token, record, prevIndex, decide](const QList<QList<double>> &vectors) mutable {
                if (!findTurn(token))
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

void DebateEngine::markReady(quint64 token, TurnRecord record, std::optional<TurnRecord> repairRow)
{
    Turn *t = findTurn(token);
    if (!t)
        return;
    t->ready = std::move(record);
    t->repairRow = std::move(repairRow);
    commitReady();
}

void DebateEngine::commitReady()
{
    // Turns are stored one at a time, in plan order: a turn that finished
    // early waits for the ones planned before it, so its index (its position
    // among the recorded turns) is the one announced with turnStarted.
    if (m_committing || m_turns.empty() || !m_turns.front()->ready)
        return;
    Turn &t = *m_turns.front();
    TurnRecord record = *t.ready;
    record.info.index = m_recordedRows;
    const quint64 token = t.token;
    m_committing = true;
    m_store->appendTurn(m_state.debateId, record, this, [this, token, record](const rt::Result<qint64> &id) mutable {
        m_committing = false;
        Turn *turn = findTurn(token);
        if (!turn)
            return; // the debate failed meanwhile
        if (!id) {
            failWith(rt::Error { u"storage"_s, tr("%1's turn could not be saved: %2").arg(record.info.agentName, id.error().message) });
            return;
        }
        record.storageId = *id;
        ++m_recordedRows;
        m_state.turns.append(record);
        if (turn->repairRow)
            m_pendingRows.append(*turn->repairRow); // after the turns in flight, so their indices hold
        removeTurn(token);
        qCDebug(lcDebate) << record.info.correlationId << "turn saved as" << record.storageId << "stance"
                          << Stance::sourceName(record.stance.source) << record.stance.answer;
        emit turnFinished(record);
        turnGone();
    });
}

void DebateEngine::persistRow(TurnRecord row)
{
    // The first, unusable reply of a repaired turn is kept for the record.
    m_busy = true;
    row.info.index = m_recordedRows;
    m_store->appendTurn(m_state.debateId, row, this, [this, row](const rt::Result<qint64> &rowId) mutable {
        m_busy = false;
        if (rowId) {
            row.storageId = *rowId;
            ++m_recordedRows;
            m_state.turns.append(row);
        } else {
            qCWarning(lcDebate) << "could not save the repaired reply:" << rowId.error().message;
        }
        advance();
    });
}

void DebateEngine::skipTurn(Turn &t, const QString &reason, const rt::Error &error)
{
    const int seatIndex = t.plan.seat;
    const QString name = t.info.agentName;
    const qsizetype planPos = t.planPos;
    const bool speaker = m_state.seat(seatIndex)->speaksInRounds();
    removeTurn(t.token);
    addNote(NoteKind::Skipped, seatIndex, tr("%1 was skipped this turn: %2").arg(name, error.message));
    const int needed = std::min<int>(2, int(m_state.speakingSeats().size()));
    if (m_phase == Phase::Rounds && speaker && availableSpeakers() < needed) {
        // The debate pauses when the turns in flight are done; the same turn
        // is tried again when it resumes.
        m_cursor = std::min(m_cursor, planPos);
        QStringList silent; // every seat that cannot speak now, with its models
        for (int s : m_state.speakingSeats()) {
            if (!seatCanSpeak(s)) {
                const rt::agents::Agent &a = m_state.seat(s)->agent;
                silent.append(tr("%1 (%2)").arg(a.name, a.modelsToTry().join(u", "_s)));
            }
        }
        const QString message = reason == u"unreachable"_s
            ? tr("Fewer than two agents can speak: %1 The debate is paused; resume it when Ollama is back.").arg(error.message)
            : tr("Fewer than two agents can speak: %1 cannot (no model installed on a reachable host). The debate is paused; "
                 "install a model or change the agents, then resume.")
                  .arg(silent.join(u", "_s));
        if (!m_pendingPause)
            m_pendingPause
                = PauseInfo { m_state.debateId, reason == u"unreachable"_s ? u"unreachable"_s : u"no_speakers"_s, message, error.code };
    }
    turnGone();
}

void DebateEngine::dropTurn(quint64 token)
{
    removeTurn(token);
    turnGone();
}

} // namespace rt::debate
