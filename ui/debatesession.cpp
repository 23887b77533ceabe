#include "debatesession.h"

#include "debate/debateengine.h"
#include "server/remotetable.h"

#include <QJsonArray>
#include <QSet>
#include <algorithm>

namespace rt::ui {

using namespace rt::debate;

namespace {
DebateSession::Phase phaseFor(DebateStatus status)
{
    switch (status) {
    case DebateStatus::Running:
        // Stored as running but not running here: a crash left it (the
        // storage recovery marks it interrupted once it is stale).
        return DebateSession::Phase::Interrupted;
    case DebateStatus::Paused:
        return DebateSession::Phase::Paused;
    case DebateStatus::Finished:
        return DebateSession::Phase::Finished;
    case DebateStatus::Failed:
        return DebateSession::Phase::Failed;
    case DebateStatus::Interrupted:
    case DebateStatus::Cancelled:
        return DebateSession::Phase::Interrupted;
    }
    return DebateSession::Phase::Interrupted;
}

// The outcome as far as storage keeps it: the answer, score, reason and
// synthesis are stored; dissent, confidence and cost come from the turns.
DebateOutcome outcomeFromStored(const StoredDebate &debate)
{
    DebateOutcome outcome;
    outcome.debateId = debate.id;
    outcome.status = debate.status;
    outcome.stopReason = debate.stopReason;
    outcome.stopDetail = describe(debate.stopReason);
    outcome.answer = debate.finalAnswer;
    outcome.score = debate.score.value_or(0.0);
    outcome.synthesis = debate.synthesis;
    outcome.rounds = int(debate.rounds.size());
    for (const ConsensusSnapshot &round : debate.rounds)
        outcome.flipsPerRound.append(round.flips);
    if (!debate.rounds.isEmpty()) {
        const ConsensusSnapshot &last = debate.rounds.constLast();
        outcome.meanConfidence = last.meanConfidence;
        outcome.tie = last.tie;
        if (outcome.answer.isEmpty())
            outcome.answer = last.leadingAnswer;
        // Dissent: speakers of the last round outside the leading group.
        for (qsizetype g = 1; g < last.groups.size(); ++g) {
            for (int seat : last.groups.at(g).seats) {
                Dissent d;
                d.seat = seat;
                d.answer = last.groups.at(g).answer;
                for (auto it = debate.turns.crbegin(); it != debate.turns.crend(); ++it) {
                    if (it->info.seat == seat && it->info.kind == TurnKind::Turn) {
                        d.agentName = it->info.agentName;
                        d.confidence = it->stance.confidence;
                        d.reasons = it->stance.keyPoints;
                        if (d.reasons.isEmpty() && !it->text.isEmpty())
                            d.reasons << it->text.left(200);
                        break;
                    }
                }
                outcome.dissent.append(d);
            }
        }
    }
    for (const TurnRecord &turn : debate.turns) {
        outcome.promptTokens += turn.metrics.promptEvalCount;
        outcome.evalTokens += turn.metrics.evalCount;
        outcome.calls += turn.info.kind == TurnKind::Interjection ? 0 : turn.calls;
        outcome.durationMs += turn.metrics.wallTimeMs;
        if (turn.info.kind == TurnKind::Synthesis)
            outcome.synthesisBy = turn.info.agentName;
        if (turn.info.kind == TurnKind::Verdict && !turn.stance.winner.isEmpty())
            outcome.verdictWinner = turn.stance.winner;
    }
    return outcome;
}
} // namespace

DebateSession::DebateSession(QObject *parent)
    : QObject(parent)
{
}

const TurnRecord *DebateSession::lastTurnOf(int seat) const
{
    for (auto it = m_turns.crbegin(); it != m_turns.crend(); ++it) {
        if (it->info.seat == seat)
            return &*it;
    }
    return nullptr;
}

void DebateSession::setPhase(Phase phase)
{
    if (m_phase == phase)
        return;
    m_phase = phase;
    emit phaseChanged(phase);
}

void DebateSession::addTurn(const TurnRecord &turn)
{
    m_turns.append(turn);
    m_timeline.append({ TimelineEntry::Kind::Turn, int(m_turns.size() - 1) });
}

void DebateSession::clearRecord()
{
    m_turns.clear();
    m_rounds.clear();
    m_notes.clear();
    m_timeline.clear();
    m_live.clear();
    m_streamed.clear();
    m_pause.reset();
    m_round.reset();
    m_outcome.reset();
}

int DebateSession::addRecordedTurns(const QList<TurnRecord> &turns)
{
    int lastRound = 0;
    for (const TurnRecord &turn : turns) {
        if (turn.info.round > lastRound && turn.info.kind == TurnKind::Turn) {
            lastRound = turn.info.round;
            m_timeline.append({ TimelineEntry::Kind::Round, lastRound });
        }
        addTurn(turn);
        m_streamed.insert(int(m_turns.size() - 1), turn.text);
    }
    return lastRound;
}

void DebateSession::load(const StoredDebate &debate)
{
    m_info = {};
    m_info.debateId = debate.id;
    m_info.question = debate.config.question;
    m_info.format = debate.config.format;
    m_info.maxRounds = debate.config.maxRounds;
    m_info.threshold = debate.config.consensusThreshold;
    m_info.seats = debate.seats;
    m_info.config = debate.config;
    m_info.finishedTurns = int(debate.turns.size());
    clearRecord();
    addRecordedTurns(debate.turns);
    m_rounds = debate.rounds;
    m_phase = phaseFor(debate.status);
    if (m_phase == Phase::Finished || m_phase == Phase::Failed || !debate.finalAnswer.isEmpty())
        m_outcome = outcomeFromStored(debate);
    else
        m_outcome.reset();
    emit reset();
}

void DebateSession::follow(DebateEngine *engine)
{
    m_engine = engine;
    connect(engine, &QObject::destroyed, this, &DebateSession::liveEnded);
    connect(engine, &DebateEngine::debateStarted, this, &DebateSession::onStarted);
    connect(engine, &DebateEngine::roundStarted, this, &DebateSession::onRound);
    connect(engine, &DebateEngine::turnStarted, this, &DebateSession::onTurnStarted);
    connect(engine, &DebateEngine::tokenDelta, this, [this](const TokenDelta &delta) { onText(delta.turn, delta.text, delta.attempt); });
    connect(engine, &DebateEngine::turnFinished, this, &DebateSession::onTurnFinished);
    connect(engine, &DebateEngine::consensusUpdated, this, &DebateSession::onConsensus);
    connect(engine, &DebateEngine::noteAdded, this, &DebateSession::onNote);
    connect(engine, &DebateEngine::debatePaused, this, &DebateSession::onPaused);
    connect(engine, &DebateEngine::debateResumed, this, [this](qint64) { onResumed(); });
    connect(engine, &DebateEngine::debateFinished, this, [this](const DebateOutcome &o) { onEnded(o, Phase::Finished); });
    connect(engine, &DebateEngine::debateFailed, this, [this](const DebateOutcome &o) { onEnded(o, Phase::Failed); });
    connect(engine, &DebateEngine::debateInterrupted, this, [this](qint64) { onInterrupted(); });
}

void DebateSession::followRemote(rt::server::RemoteTable *table, qint64 debateId)
{
    m_remote = table;
    m_info = {};
    m_info.debateId = debateId;
    connect(table, &rt::server::RemoteTable::snapshotReceived, this, &DebateSession::applySnapshot);
    connect(table, &rt::server::RemoteTable::eventReceived, this, &DebateSession::applyEvent);
    connect(table, &QObject::destroyed, this, &DebateSession::liveEnded);
    if (!table->snapshot().isEmpty())
        applySnapshot(table->snapshot());
}

void DebateSession::applySnapshot(const QJsonObject &snapshot)
{
    // A fresh start from the snapshot: what it holds replaces what was shown.
    for (const QJsonValue &v : snapshot.value(QStringLiteral("debates")).toArray()) {
        const QJsonObject d = v.toObject();
        const DebateInfo info = DebateInfo::fromJson(d.value(QStringLiteral("debate")).toObject());
        if (info.debateId != m_info.debateId)
            continue;
        m_info = info;
        clearRecord();
        const QString phase = d.value(QStringLiteral("phase")).toString();
        m_phase = phase == QLatin1String("paused")  ? Phase::Paused
            : phase == QLatin1String("finished")    ? Phase::Finished
            : phase == QLatin1String("failed")      ? Phase::Failed
            : phase == QLatin1String("interrupted") ? Phase::Interrupted
            : phase == QLatin1String("starting")    ? Phase::Starting
                                                    : Phase::Running;
        QList<TurnRecord> turns;
        for (const QJsonValue &t : d.value(QStringLiteral("turns")).toArray())
            turns.append(TurnRecord::fromJson(t.toObject()));
        const int lastRound = addRecordedTurns(turns);
        for (const QJsonValue &n : d.value(QStringLiteral("notes")).toArray()) {
            m_notes.append(DebateNote::fromJson(n.toObject()));
            m_timeline.append({ TimelineEntry::Kind::Note, int(m_notes.size() - 1) });
        }
        for (const QJsonValue &c : d.value(QStringLiteral("consensus")).toArray())
            m_rounds.append(ConsensusSnapshot::fromJson(c.toObject()));
        if (d.value(QStringLiteral("round")).isObject()) {
            m_round = RoundInfo::fromJson(d.value(QStringLiteral("round")).toObject());
            if (m_round->round > lastRound)
                m_timeline.append({ TimelineEntry::Kind::Round, m_round->round });
        }
        for (const QJsonValue &l : d.value(QStringLiteral("live")).toArray()) {
            const QJsonObject live = l.toObject();
            const TurnInfo turn = TurnInfo::fromJson(live.value(QStringLiteral("turn")).toObject());
            m_live.insert(turn.seat,
                LiveTurn { turn, live.value(QStringLiteral("text")).toString(), live.value(QStringLiteral("attempt")).toInt(1) });
        }
        if (d.value(QStringLiteral("pause")).isObject())
            m_pause = PauseInfo::fromJson(d.value(QStringLiteral("pause")).toObject());
        if (d.value(QStringLiteral("outcome")).isObject())
            m_outcome = DebateOutcome::fromJson(d.value(QStringLiteral("outcome")).toObject());
        emit reset();
        return;
    }
}

void DebateSession::applyEvent(const QJsonObject &e)
{
    const QString type = e.value(QStringLiteral("type")).toString();
    const auto mine = [this](const QJsonObject &o) { return qint64(o.value(QStringLiteral("debate_id")).toDouble()) == m_info.debateId; };
    const auto part = [&e](const char *key) { return e.value(QLatin1String(key)).toObject(); };
    if (type == QLatin1String("tokens")) {
        for (const QJsonValue &v : e.value(QStringLiteral("deltas")).toArray()) {
            const QJsonObject d = v.toObject();
            if (!mine(d))
                continue;
            TurnInfo info;
            const int seat = d.value(QStringLiteral("seat")).toInt();
            info = m_live.contains(seat) ? m_live.value(seat).info : TurnInfo {};
            info.debateId = m_info.debateId;
            info.seat = seat;
            info.index = d.value(QStringLiteral("index")).toInt();
            onText(info, d.value(QStringLiteral("text")).toString(), d.value(QStringLiteral("attempt")).toInt(1));
        }
    } else if (type == QLatin1String("debate_started") && mine(part("debate"))) {
        onStarted(DebateInfo::fromJson(part("debate")));
    } else if (type == QLatin1String("round_started") && mine(part("round"))) {
        onRound(RoundInfo::fromJson(part("round")));
    } else if (type == QLatin1String("turn_started") && mine(part("turn"))) {
        onTurnStarted(TurnInfo::fromJson(part("turn")));
    } else if (type == QLatin1String("turn_finished") && mine(part("turn"))) {
        onTurnFinished(TurnRecord::fromJson(part("turn")));
    } else if (type == QLatin1String("consensus") && mine(part("consensus"))) {
        onConsensus(ConsensusSnapshot::fromJson(part("consensus")));
    } else if (type == QLatin1String("note") && mine(part("note"))) {
        onNote(DebateNote::fromJson(part("note")));
    } else if (type == QLatin1String("paused") && mine(part("pause"))) {
        onPaused(PauseInfo::fromJson(part("pause")));
    } else if (type == QLatin1String("resumed") && mine(e)) {
        onResumed();
    } else if (type == QLatin1String("finished") && mine(part("outcome"))) {
        const DebateOutcome outcome = DebateOutcome::fromJson(part("outcome"));
        onEnded(outcome, outcome.status == DebateStatus::Failed ? Phase::Failed : Phase::Finished);
    } else if (type == QLatin1String("interrupted") && mine(e)) {
        onInterrupted();
    }
}

void DebateSession::onStarted(const DebateInfo &info)
{
    // A resumed debate: what is stored so far was loaded first (keep it).
    const bool keep = info.resumed && m_info.debateId == info.debateId;
    m_info = info;
    if (!keep) {
        m_turns.clear();
        m_rounds.clear();
        m_notes.clear();
        m_timeline.clear();
        m_streamed.clear();
    }
    m_live.clear();
    m_outcome.reset();
    m_pause.reset();
    m_phase = Phase::Running;
    emit reset();
}

void DebateSession::onRound(const RoundInfo &round)
{
    m_round = round;
    // A resumed round already has its header (from load()).
    const bool seen = std::any_of(m_timeline.cbegin(), m_timeline.cend(),
        [&round](const TimelineEntry &e) { return e.kind == TimelineEntry::Kind::Round && e.index == round.round; });
    if (!seen)
        m_timeline.append({ TimelineEntry::Kind::Round, round.round });
    emit roundStarted(round);
}

void DebateSession::onTurnStarted(const TurnInfo &turn)
{
    m_live.insert(turn.seat, LiveTurn { turn, {}, 1 });
    emit turnStarted(turn.seat);
}

void DebateSession::onText(const TurnInfo &turn, const QString &text, int attempt)
{
    auto it = m_live.find(turn.seat);
    if (it == m_live.end())
        it = m_live.insert(turn.seat, LiveTurn { turn, {}, attempt });
    const bool replaced = attempt != it->attempt;
    if (replaced) {
        it->attempt = attempt;
        it->text.clear();
    }
    if (text.isEmpty() && !replaced)
        return;
    it->text += text;
    emit textAppended(turn.seat, text, replaced);
}

void DebateSession::onTurnFinished(const TurnRecord &turn)
{
    const LiveTurn live = m_live.take(turn.info.seat);
    addTurn(turn);
    const int index = int(m_turns.size() - 1);
    m_streamed.insert(index, live.info.index == turn.info.index ? live.text : QString());
    emit turnFinished(index);
}

void DebateSession::onConsensus(const ConsensusSnapshot &snapshot)
{
    for (qsizetype i = 0; i < m_rounds.size(); ++i) {
        if (m_rounds.at(i).round == snapshot.round) {
            m_rounds[i] = snapshot;
            emit consensusUpdated(int(i));
            return;
        }
    }
    m_rounds.append(snapshot);
    emit consensusUpdated(int(m_rounds.size() - 1));
}

void DebateSession::onNote(const DebateNote &note)
{
    if (note.kind == NoteKind::Interjection) {
        // Stored as a turn of the moderator: shown as one, live as when reopened.
        TurnRecord turn;
        turn.info.debateId = note.debateId;
        turn.info.round = note.round;
        turn.info.seat = -1;
        turn.info.agentName = note.agentName;
        turn.info.kind = TurnKind::Interjection;
        turn.content = note.text;
        turn.text = note.text;
        turn.calls = 0;
        turn.createdAt = note.createdAt;
        addTurn(turn);
        const int index = int(m_turns.size() - 1);
        m_streamed.insert(index, note.text);
        emit turnFinished(index);
        return;
    }
    m_notes.append(note);
    m_timeline.append({ TimelineEntry::Kind::Note, int(m_notes.size() - 1) });
    emit noteAdded(int(m_notes.size() - 1));
}

void DebateSession::onPaused(const PauseInfo &info)
{
    m_pause = info;
    setPhase(Phase::Paused);
}

void DebateSession::onResumed()
{
    m_pause.reset();
    setPhase(Phase::Running);
}

void DebateSession::onEnded(const DebateOutcome &outcome, Phase phase)
{
    m_outcome = outcome;
    m_live.clear();
    m_round.reset();
    setPhase(phase);
    emit outcomeChanged();
}

void DebateSession::onInterrupted()
{
    m_live.clear();
    m_round.reset();
    setPhase(Phase::Interrupted);
}

} // namespace rt::ui
