#include "debatesession.h"

#include "debate/debateengine.h"

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
    m_turns.clear();
    m_rounds.clear();
    m_notes.clear();
    m_timeline.clear();
    m_live.clear();
    m_streamed.clear();
    m_pause.reset();
    m_round.reset();
    int lastRound = 0;
    for (const TurnRecord &turn : debate.turns) {
        if (turn.info.round > lastRound && turn.info.kind == TurnKind::Turn) {
            lastRound = turn.info.round;
            m_timeline.append({ TimelineEntry::Kind::Round, lastRound });
        }
        addTurn(turn);
        m_streamed.insert(int(m_turns.size() - 1), turn.text);
    }
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
    connect(engine, &DebateEngine::debateStarted, this, [this](const DebateInfo &info) {
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
    });
    connect(engine, &DebateEngine::roundStarted, this, [this](const RoundInfo &round) {
        m_round = round;
        // A resumed round already has its header (from load()).
        const bool seen = std::any_of(m_timeline.cbegin(), m_timeline.cend(),
            [&round](const TimelineEntry &e) { return e.kind == TimelineEntry::Kind::Round && e.index == round.round; });
        if (!seen)
            m_timeline.append({ TimelineEntry::Kind::Round, round.round });
        emit roundStarted(round);
    });
    connect(engine, &DebateEngine::turnStarted, this, [this](const TurnInfo &turn) {
        m_live.insert(turn.seat, LiveTurn { turn, {}, 1 });
        emit turnStarted(turn.seat);
    });
    connect(engine, &DebateEngine::tokenDelta, this, [this](const TokenDelta &delta) {
        auto it = m_live.find(delta.turn.seat);
        if (it == m_live.end())
            it = m_live.insert(delta.turn.seat, LiveTurn { delta.turn, {}, delta.attempt });
        const bool replaced = delta.attempt != it->attempt;
        if (replaced) {
            it->attempt = delta.attempt;
            it->text.clear();
        }
        if (delta.text.isEmpty() && !replaced)
            return;
        it->text += delta.text;
        emit textAppended(delta.turn.seat, delta.text, replaced);
    });
    connect(engine, &DebateEngine::turnFinished, this, [this](const TurnRecord &turn) {
        const LiveTurn live = m_live.take(turn.info.seat);
        addTurn(turn);
        const int index = int(m_turns.size() - 1);
        m_streamed.insert(index, live.info.index == turn.info.index ? live.text : QString());
        emit turnFinished(index);
    });
    connect(engine, &DebateEngine::consensusUpdated, this, [this](const ConsensusSnapshot &snapshot) {
        for (qsizetype i = 0; i < m_rounds.size(); ++i) {
            if (m_rounds.at(i).round == snapshot.round) {
                m_rounds[i] = snapshot;
                emit consensusUpdated(int(i));
                return;
            }
        }
        m_rounds.append(snapshot);
        emit consensusUpdated(int(m_rounds.size() - 1));
    });
    connect(engine, &DebateEngine::noteAdded, this, [this](const DebateNote &note) {
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
    });
    connect(engine, &DebateEngine::debatePaused, this, [this](const PauseInfo &info) {
        m_pause = info;
        setPhase(Phase::Paused);
    });
    connect(engine, &DebateEngine::debateResumed, this, [this](qint64) {
        m_pause.reset();
        setPhase(Phase::Running);
    });
    auto ended = [this](const DebateOutcome &outcome, Phase phase) {
        m_outcome = outcome;
        m_live.clear();
        m_round.reset();
        setPhase(phase);
        emit outcomeChanged();
    };
    connect(engine, &DebateEngine::debateFinished, this, [ended](const DebateOutcome &o) { ended(o, Phase::Finished); });
    connect(engine, &DebateEngine::debateFailed, this, [ended](const DebateOutcome &o) { ended(o, Phase::Failed); });
    connect(engine, &DebateEngine::debateInterrupted, this, [this](qint64) {
        m_live.clear();
        m_round.reset();
        setPhase(Phase::Interrupted);
    });
}

} // namespace rt::ui
