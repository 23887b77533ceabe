#include "voteformat.h"

using namespace Qt::StringLiterals;

namespace rt::debate {

rt::Result<QList<Seat>> VoteFormat::arrange(const DebateConfig &config) const
{
    return arrangeDiscussion(config, 1, false);
}

QString VoteFormat::phase(int round) const
{
    Q_UNUSED(round);
    return u"samples"_s;
}

QList<PlannedTurn> VoteFormat::planRound(const DebateState &state, int round) const
{
    QList<PlannedTurn> plan;
    for (int seat : state.speakingSeats())
        plan.append(PlannedTurn { round, seat, TurnKind::Turn });
    return plan;
}

bool VoteFormat::concurrentTurns(const DebateState &state, int round, TurnKind kind) const
{
    Q_UNUSED(state);
    Q_UNUSED(round);
    return kind == TurnKind::Turn; // independent samples: nobody sees anybody
}

QList<PlannedTurn> VoteFormat::closing(const DebateState &state, StopReason reason) const
{
    Q_UNUSED(state);
    Q_UNUSED(reason);
    return {};
}

QList<StanceInput> VoteFormat::roundStances(const DebateState &state, int round, int *missing) const
{
    // Every sample so far counts.
    QList<StanceInput> list;
    int none = 0;
    for (int r = 1; r <= round; ++r) {
        for (int seatIndex : state.speakingSeats()) {
            const TurnRecord *t = state.find(r, seatIndex, TurnKind::Turn);
            if (t && t->stance.hasAnswer())
                list.append(stanceInput(*t, state.seat(seatIndex)));
            else
                ++none;
        }
    }
    if (missing)
        *missing = none;
    return list;
}

StopReason VoteFormat::decide(const DebateState &state, const ConsensusSnapshot &snapshot) const
{
    // Samples are planned compute: no early stop.
    if (snapshot.round < roundLimit(state.config))
        return StopReason::None;
    if (snapshot.unanimous)
        return StopReason::Unanimous;
    if (snapshot.reached)
        return StopReason::Threshold;
    return StopReason::MaxRounds;
}

TurnPrompt VoteFormat::prompt(const DebateState &state, const PlannedTurn &turn) const
{
    const Seat &seat = *state.seat(turn.seat);
    TurnPrompt p;
    p.shape = ReplyShape::Stance;
    p.schema = StanceParser::schema(ReplyShape::Stance);
    p.parts.system
        = systemPrompt(state, seat, u"Everyone answers on their own; the answers are then counted."_s) + u"\n\n"_s + answerInstructions();
    p.parts.question = state.config.question;
    p.parts.notes = notesFor(state);
    p.parts.task = u"Answer the question on your own."_s;
    return p;
}

void VoteFormat::finalize(const DebateState &state, DebateOutcome &outcome) const
{
    int missing = 0;
    const QList<StanceInput> all = roundStances(state, state.completedRounds(), &missing);
    const ConsensusSnapshot snap = ConsensusMeter::evaluate(all, meterOptions(state.config), missing);
    outcome.answer = snap.leadingAnswer;
    outcome.score = snap.score;
    outcome.meanConfidence = snap.meanConfidence;
    outcome.tie = snap.tie;
    // Dissent: each agent whose latest sample is outside the winning group
    // (everyone who answered, when there is no winner).
    if (snap.groups.isEmpty()) {
        outcome.dissent = collectDissent(
            state, [&state](int seat) { return state.latestOf(seat); }, [](const TurnRecord &) { return false; });
    } else {
        outcome.dissent = dissentFromLatest(state, snap.groups.constFirst().answer);
    }
}

} // namespace rt::debate
