#include "adversarialformat.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace rt::debate {

rt::Result<QList<Seat>> AdversarialFormat::arrange(const DebateConfig &config) const
{
    const qsizetype n = config.agents.size();
    if (n < 2 || n > 3) {
        return rt::Error { u"usage"_s,
            QCoreApplication::translate("rt::debate",
                "The adversarial format takes a proponent, an opponent and "
                "optionally a judge: give 2 or 3 agents.") };
    }
    int pro = -1, opp = -1, judge = -1;
    for (qsizetype i = 0; i < n; ++i) {
        const QString key = roleKey(config.agents.at(i));
        if (judge < 0 && (key == u"judge"_s || key == u"moderator"_s) && n == 3)
            judge = int(i);
        else if (pro < 0 && key == u"proponent"_s)
            pro = int(i);
        else if (opp < 0 && key == u"opponent"_s)
            opp = int(i);
    }
    for (qsizetype i = 0; i < n; ++i) {
        if (int(i) == pro || int(i) == opp || int(i) == judge)
            continue;
        if (pro < 0)
            pro = int(i);
        else if (opp < 0)
            opp = int(i);
        else if (judge < 0)
            judge = int(i);
    }
    QList<Seat> seats;
    for (qsizetype i = 0; i < n; ++i) {
        Seat s;
        s.index = int(i);
        s.agent = config.agents.at(i);
        s.role = int(i) == pro ? SeatRole::Proponent : (int(i) == opp ? SeatRole::Opponent : SeatRole::Judge);
        seats.append(s);
    }
    if (judge < 0) {
        Seat s;
        s.index = int(n);
        s.role = SeatRole::Judge;
        s.implicit = true;
        s.agent = implicitAgent(SeatRole::Judge, config.agents.at(pro), config.agents);
        seats.append(s);
    }
    return seats;
}

QString AdversarialFormat::phase(int round) const
{
    Q_UNUSED(round);
    return u"arguments"_s;
}

QList<PlannedTurn> AdversarialFormat::planRound(const DebateState &state, int round) const
{
    return { PlannedTurn { round, state.seatWithRole(SeatRole::Proponent)->index, TurnKind::Turn },
        PlannedTurn { round, state.seatWithRole(SeatRole::Opponent)->index, TurnKind::Turn },
        PlannedTurn { round, state.seatWithRole(SeatRole::Judge)->index, TurnKind::Verdict } };
}

QList<PlannedTurn> AdversarialFormat::closing(const DebateState &state, StopReason reason) const
{
    Q_UNUSED(state);
    Q_UNUSED(reason);
    return {}; // the judge's verdict is the conclusion
}

StopReason AdversarialFormat::decide(const DebateState &state, const ConsensusSnapshot &snapshot) const
{
    // In the last round the judge must decide anyway: that is max_rounds, not an early break.
    if (snapshot.round >= roundLimit(state.config))
        return StopReason::MaxRounds;
    const Seat *judge = state.seatWithRole(SeatRole::Judge);
    const TurnRecord *verdict = state.find(snapshot.round, judge->index, TurnKind::Verdict);
    if (verdict && verdict->stance.settled.value_or(false))
        return StopReason::JudgeDecided;
    return StopReason::None;
}

TurnPrompt AdversarialFormat::prompt(const DebateState &state, const PlannedTurn &turn) const
{
    const Seat &seat = *state.seat(turn.seat);
    const Seat &pro = *state.seatWithRole(SeatRole::Proponent);
    const Seat &opp = *state.seatWithRole(SeatRole::Opponent);
    const Seat &judge = *state.seatWithRole(SeatRole::Judge);
    const int rounds = roundLimit(state.config);
    const bool last = turn.round >= rounds;
    TurnPrompt p;
    p.parts.question = state.config.question;
    p.parts.notes = notesFor(state);
    const auto summaries = [&](int upTo) {
        for (int r = 1; r <= upTo; ++r) {
            QList<const TurnRecord *> list = state.turnsOf(r);
            list.append(state.turnsOf(r, TurnKind::Verdict));
            p.parts.older.append(PromptBuilder::roundSummary(r, list));
        }
    };
    const auto add = [&](const TurnRecord *t) {
        if (t)
            p.parts.latest.append(PromptBuilder::entry(*t, t->info.agentName, t->info.seat == turn.seat));
    };

    if (turn.kind == TurnKind::Verdict) {
        p.shape = ReplyShape::Verdict;
        p.schema = StanceParser::schema(ReplyShape::Verdict);
        QString system = seat.agent.systemPrompt.trimmed();
        if (system.isEmpty())
            system = implicitAgent(SeatRole::Judge, seat.agent, {}).systemPrompt;
        p.parts.system = system
            + u"\n\nYou judge a debate between %1 (proponent) and %2 (opponent). Reply with one JSON object only: \"reason\" "
              "(why, in a few sentences), \"settled\" (true when one answer is clearly correct), \"winner\" (proponent, "
              "opponent or neither), \"answer\" (the answer you judge correct, as short as possible) and \"confidence\" (0 to 1)."_s.arg(
                  pro.agent.name, opp.agent.name);
        summaries(turn.round - 1);
        p.parts.latestHeading = u"Round %1 arguments:"_s.arg(turn.round);
        add(state.find(turn.round, pro.index, TurnKind::Turn));
        add(state.find(turn.round, opp.index, TurnKind::Turn));
        p.parts.task = last ? u"Round %1 of %2. This is the final round: you must decide now. Set settled to true, name the "
                              "winner and give the answer you judge correct."_s.arg(turn.round)
                                  .arg(rounds)
                            : u"Round %1 of %2. Decide whether the debate is settled. If one side is clearly right, set "
                              "settled to true and name it; otherwise set settled to false and say what remains open."_s.arg(turn.round)
                                  .arg(rounds);
        return p;
    }

    p.shape = ReplyShape::Stance;
    p.schema = StanceParser::schema(ReplyShape::Stance, { seat.index == pro.index ? opp.agent.name : pro.agent.name });
    const bool isPro = seat.role == SeatRole::Proponent;
    const QString roleText = isPro
        ? u"You are the proponent: state the answer you believe is correct and defend it against the opponent. A judge "
          "decides after each round."_s
        : u"You are the opponent: test the proponent's answer. Point out its flaws and argue for the answer you believe is "
          "correct. Disagree where you can justify it, but do not invent objections; if the proponent is right, concede. A "
          "judge decides after each round."_s;
    p.parts.system = systemPrompt(state, seat, roleText) + u"\n\n"_s + answerInstructions();
    if (isPro) {
        summaries(turn.round - 2);
        if (turn.round > 1) {
            p.parts.latestHeading = u"Round %1:"_s.arg(turn.round - 1);
            add(state.find(turn.round - 1, pro.index, TurnKind::Turn));
            add(state.find(turn.round - 1, opp.index, TurnKind::Turn));
            add(state.find(turn.round - 1, judge.index, TurnKind::Verdict));
        }
        p.parts.task = turn.round <= 1
            ? u"Round 1 of %1. State your answer and argue for it."_s.arg(rounds)
            : u"Round %1 of %2. Answer the opponent's objections and the judge's remarks. Keep your answer unless you are "
              "convinced otherwise."_s.arg(turn.round)
                  .arg(rounds);
    } else {
        summaries(turn.round - 2);
        p.parts.latestHeading
            = turn.round > 1 ? u"Round %1 and the proponent's new argument:"_s.arg(turn.round - 1) : u"The proponent's argument:"_s;
        if (turn.round > 1) {
            add(state.find(turn.round - 1, opp.index, TurnKind::Turn));
            add(state.find(turn.round - 1, judge.index, TurnKind::Verdict));
        }
        add(state.find(turn.round, pro.index, TurnKind::Turn));
        p.parts.task
            = u"Round %1 of %2. Challenge the proponent's answer and give the answer you believe is correct."_s.arg(turn.round).arg(rounds);
    }
    if (const QString intensity = intensityText(state.config); !intensity.isEmpty() && turn.round > 1)
        p.parts.task += u' ' + intensity;
    return p;
}

void AdversarialFormat::finalize(const DebateState &state, DebateOutcome &outcome) const
{
    finalizeFromMeter(state, outcome);
    const QList<const TurnRecord *> verdicts = state.turnsOf(0, TurnKind::Verdict);
    const TurnRecord *verdict = nullptr;
    for (const TurnRecord *v : verdicts) {
        if (v->stance.hasAnswer())
            verdict = v;
    }
    if (!verdict)
        return;
    outcome.answer = verdict->stance.answer;
    outcome.verdictWinner = verdict->stance.winner;
    outcome.synthesis = verdict->stance.argument.isEmpty() ? verdict->text : verdict->stance.argument;
    outcome.synthesisBy = verdict->info.agentName;
    // The verdict decides: dissent is measured against it, not the meter.
    outcome.dissent = dissentFromLatest(state, outcome.answer);
}

} // namespace rt::debate
