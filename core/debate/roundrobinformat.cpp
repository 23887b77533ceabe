#include "roundrobinformat.h"

#include <QMap>

using namespace Qt::StringLiterals;

namespace rt::debate {

rt::Result<QList<Seat>> RoundRobinFormat::arrange(const DebateConfig &config) const
{
    return arrangeDiscussion(config, 2, true);
}

QString RoundRobinFormat::phase(int round) const
{
    Q_UNUSED(round);
    return u"discussion"_s;
}

QList<PlannedTurn> RoundRobinFormat::planRound(const DebateState &state, int round) const
{
    const QList<int> seats = state.speakingSeats();
    QList<PlannedTurn> plan;
    const qsizetype n = seats.size();
    for (qsizetype i = 0; i < n; ++i)
        plan.append(PlannedTurn { round, seats.at((i + round - 1) % n), TurnKind::Turn });
    return plan;
}

TurnPrompt RoundRobinFormat::prompt(const DebateState &state, const PlannedTurn &turn) const
{
    if (turn.kind == TurnKind::Synthesis)
        return synthesisPrompt(state, turn);
    const Seat &seat = *state.seat(turn.seat);
    const int rounds = roundLimit(state.config);
    TurnPrompt p;
    p.shape = ReplyShape::Stance;
    p.schema = StanceParser::schema(ReplyShape::Stance, peerNames(state, turn.seat));
    p.parts.system = systemPrompt(state, seat, u"The debaters speak in turn; each sees everything said so far and responds to it."_s)
        + u"\n\n"_s + answerInstructions();
    p.parts.question = state.config.question;
    p.parts.notes = notesFor(state);

    // The last full cycle of turns in full, plus the speaker's own previous
    // turn; everything else as one line per round.
    const QList<const TurnRecord *> all = state.turnsOf(0);
    const qsizetype cycle = state.speakingSeats().size();
    const qsizetype split = std::max<qsizetype>(0, all.size() - cycle);
    qsizetype own = -1;
    for (qsizetype i = 0; i < split; ++i) {
        if (all.at(i)->info.seat == turn.seat)
            own = i;
    }
    QMap<int, QList<const TurnRecord *>> olderByRound;
    for (qsizetype i = 0; i < split; ++i) {
        if (i != own)
            olderByRound[all.at(i)->info.round].append(all.at(i));
    }
    for (auto it = olderByRound.cbegin(); it != olderByRound.cend(); ++it)
        p.parts.older.append(PromptBuilder::roundSummary(it.key(), it.value()));
    p.parts.latestHeading = u"The debate so far (most recent last):"_s;
    const auto show = [&](const TurnRecord *t) {
        p.parts.latest.append(u"(round %1) "_s.arg(t->info.round) + PromptBuilder::entry(*t, t->info.agentName, t->info.seat == turn.seat));
    };
    if (own >= 0)
        show(all.at(own));
    for (qsizetype i = split; i < all.size(); ++i)
        show(all.at(i));
    QString task;
    if (all.isEmpty())
        task = u"Round %1 of %2. You speak first: answer the question."_s.arg(turn.round).arg(rounds);
    else
        task = u"Round %1 of %2. It is your turn. Respond to the arguments so far and give your current answer; keep it "
               "unless an argument convinces you, and name the participants you agree and disagree with."_s.arg(turn.round)
                   .arg(rounds);
    if (const QString intensity = intensityText(state.config); !intensity.isEmpty() && !all.isEmpty())
        task += u' ' + intensity;
    p.parts.task = task;
    return p;
}

} // namespace rt::debate
