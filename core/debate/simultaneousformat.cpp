#include "simultaneousformat.h"

using namespace Qt::StringLiterals;

namespace rt::debate {

rt::Result<QList<Seat>> SimultaneousFormat::arrange(const DebateConfig &config) const
{
    return arrangeDiscussion(config, 2, true);
}

QList<PlannedTurn> SimultaneousFormat::planRound(const DebateState &state, int round) const
{
    QList<PlannedTurn> plan;
    for (int seat : state.speakingSeats())
        plan.append(PlannedTurn { round, seat, TurnKind::Turn });
    return plan;
}

bool SimultaneousFormat::concurrentTurns(const DebateState &state, int round, TurnKind kind) const
{
    Q_UNUSED(state);
    Q_UNUSED(round);
    return kind == TurnKind::Turn; // prompts read only earlier rounds
}

TurnPrompt SimultaneousFormat::prompt(const DebateState &state, const PlannedTurn &turn) const
{
    if (turn.kind == TurnKind::Synthesis)
        return synthesisPrompt(state, turn);
    const Seat &seat = *state.seat(turn.seat);
    const int rounds = roundLimit(state.config);
    TurnPrompt p;
    p.shape = ReplyShape::Stance;
    p.schema = StanceParser::schema(ReplyShape::Stance, peerNames(state, turn.seat));
    p.parts.system = systemPrompt(state, seat,
                         u"In round 1 everyone answers on their own; in each later round you see everyone's answers "
                         "from the round before and may revise yours."_s)
        + u"\n\n"_s + answerInstructions();
    p.parts.question = state.config.question;
    p.parts.notes = notesFor(state);
    if (turn.round <= 1) {
        p.parts.task = u"Round 1 of %1. Answer the question on your own."_s.arg(rounds);
        return p;
    }
    const QList<int> speakers = state.speakingSeats();
    // With many debaters, arguments are shortened so the round stays readable.
    const int maxArgument = speakers.size() > 4 ? 360 : -1;
    for (int r = 1; r < turn.round - 1; ++r)
        p.parts.older.append(PromptBuilder::roundSummary(r, state.turnsOf(r)));
    p.parts.latestHeading = u"Answers from round %1:"_s.arg(turn.round - 1);
    for (const TurnRecord *t : state.turnsOf(turn.round - 1))
        p.parts.latest.append(PromptBuilder::entry(*t, t->info.agentName, t->info.seat == turn.seat, maxArgument));
    QString task = u"Round %1 of %2. Read the answers above critically. Keep your answer unless an argument convinces you; "
                   "if you change it, say why. Name the participants you agree and disagree with."_s.arg(turn.round)
                       .arg(rounds);
    if (const QString intensity = intensityText(state.config); !intensity.isEmpty())
        task += u' ' + intensity;
    p.parts.task = task;
    return p;
}

} // namespace rt::debate
