#include "debateformat.h"

#include "agents/builtinroles.h"
#include "debate/adversarialformat.h"
#include "debate/councilformat.h"
#include "debate/roundrobinformat.h"
#include "debate/simultaneousformat.h"
#include "debate/voteformat.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace rt::debate {

std::unique_ptr<DebateFormat> DebateFormat::create(FormatKind kind)
{
    switch (kind) {
    case FormatKind::Simultaneous:
        return std::make_unique<SimultaneousFormat>();
    case FormatKind::RoundRobin:
        return std::make_unique<RoundRobinFormat>();
    case FormatKind::Adversarial:
        return std::make_unique<AdversarialFormat>();
    case FormatKind::Council:
        return std::make_unique<CouncilFormat>();
    case FormatKind::Vote:
        return std::make_unique<VoteFormat>();
    }
    return std::make_unique<SimultaneousFormat>();
}

QString DebateFormat::phase(int round) const
{
    return round <= 1 ? u"answers"_s : u"revision"_s;
}

QList<PlannedTurn> DebateFormat::closing(const DebateState &state, StopReason reason) const
{
    if (!state.config.synthesis || reason == StopReason::Budget || reason == StopReason::UserStop || reason == StopReason::Error)
        return {};
    const Seat *synth = state.seatWithRole(SeatRole::Synthesizer);
    if (!synth)
        return {};
    return { PlannedTurn { state.completedRounds() + 1, synth->index, TurnKind::Synthesis } };
}

ConsensusMeter::Options DebateFormat::meterOptions(const DebateConfig &config)
{
    ConsensusMeter::Options o;
    o.threshold = config.consensusThreshold;
    o.recalibrate = config.recalibrate;
    return o;
}

StanceInput DebateFormat::stanceInput(const TurnRecord &turn, const Seat *seat)
{
    StanceInput in;
    in.seat = turn.info.seat;
    in.agentName = turn.info.agentName;
    in.answer = turn.stance.answer;
    in.confidence = turn.stance.confidence;
    in.weight = seat ? seat->agent.weight : 1.0;
    in.embedding = turn.embedding;
    return in;
}

QList<StanceInput> DebateFormat::roundStances(const DebateState &state, int round, int *missing) const
{
    QList<StanceInput> list;
    int none = 0;
    for (int seatIndex : state.speakingSeats()) {
        const TurnRecord *t = state.find(round, seatIndex, TurnKind::Turn);
        if (t && t->stance.hasAnswer())
            list.append(stanceInput(*t, state.seat(seatIndex)));
        else
            ++none;
    }
    if (missing)
        *missing = none;
    return list;
}

QList<StanceInput> DebateFormat::latestStances(const DebateState &state, int *missing)
{
    QList<StanceInput> list;
    int none = 0;
    for (int seatIndex : state.speakingSeats()) {
        const TurnRecord *t = state.latestOf(seatIndex, TurnKind::Turn);
        if (t && t->stance.hasAnswer())
            list.append(stanceInput(*t, state.seat(seatIndex)));
        else
            ++none;
    }
    if (missing)
        *missing = none;
    return list;
}

StopReason DebateFormat::decide(const DebateState &state, const ConsensusSnapshot &snapshot) const
{
    if (snapshot.unanimous)
        return StopReason::Unanimous;
    if (snapshot.reached)
        return StopReason::Threshold;
    const int stall = state.config.stallRounds;
    if (stall > 0 && snapshot.round >= 2 && snapshot.stances >= 2) {
        bool still = true;
        for (int r = snapshot.round; r > snapshot.round - stall; --r) {
            const ConsensusSnapshot *s = state.roundSummary(r);
            if (r < 2 || !s || s->flips != 0 || s->stances < 2) {
                still = false;
                break;
            }
        }
        if (still)
            return StopReason::Stalled;
    }
    if (snapshot.round >= roundLimit(state.config))
        return StopReason::MaxRounds;
    return StopReason::None;
}

void DebateFormat::finalizeFromMeter(const DebateState &state, DebateOutcome &outcome)
{
    int missing = 0;
    const QList<StanceInput> stances = latestStances(state, &missing);
    const ConsensusSnapshot snap = ConsensusMeter::evaluate(stances, meterOptions(state.config), missing);
    outcome.answer = snap.leadingAnswer;
    outcome.score = snap.score;
    outcome.meanConfidence = snap.meanConfidence;
    outcome.tie = snap.tie;

    const QList<const TurnRecord *> syntheses = state.turnsOf(0, TurnKind::Synthesis);
    if (!syntheses.isEmpty()) {
        const TurnRecord *s = syntheses.constLast();
        outcome.synthesis = s->stance.argument.isEmpty() ? s->text : s->stance.argument;
        outcome.synthesisBy = s->info.agentName;
        // A tie goes to the synthesiser when it picked one of the tied answers.
        if (snap.tie && s->stance.hasAnswer()) {
            for (const AnswerGroup &g : snap.groups) {
                if (std::abs(g.support - snap.groups.constFirst().support) > 1e-9)
                    break;
                if (ConsensusMeter::sameAnswer(g.answer, s->stance.answer, meterOptions(state.config))) {
                    outcome.answer = g.answer;
                    break;
                }
            }
        }
    }

    // Agreement is membership of the outcome's group, so answers the meter
    // grouped by meaning (embeddings, word overlap) count as agreeing.
    const AnswerGroup *top = nullptr;
    for (const AnswerGroup &g : snap.groups) {
        if (g.answer == outcome.answer) {
            top = &g;
            break;
        }
    }
    outcome.dissent = collectDissent(
        state, [&state](int seat) { return state.latestOf(seat, TurnKind::Turn); },
        [top](const TurnRecord &t) { return top && top->seats.contains(t.info.seat); });
}

QList<Dissent> DebateFormat::collectDissent(const DebateState &state, const std::function<const TurnRecord *(int seat)> &deciding,
    const std::function<bool(const TurnRecord &)> &agrees)
{
    QList<Dissent> list;
    for (int seat : state.speakingSeats()) {
        const TurnRecord *t = deciding(seat);
        if (!t || !t->stance.hasAnswer() || agrees(*t))
            continue;
        Dissent d;
        d.seat = seat;
        d.agentName = t->info.agentName;
        d.answer = t->stance.answer;
        d.confidence = t->stance.confidence;
        d.reasons = t->stance.keyPoints;
        if (d.reasons.isEmpty() && !t->stance.argument.isEmpty())
            d.reasons.append(PromptBuilder::shorten(t->stance.argument.simplified(), 240));
        list.append(d);
    }
    return list;
}

QList<Dissent> DebateFormat::dissentFromLatest(const DebateState &state, const QString &answer)
{
    const ConsensusMeter::Options options = meterOptions(state.config);
    return collectDissent(
        state, [&state](int seat) { return state.latestOf(seat); },
        [&answer, &options](const TurnRecord &t) { return ConsensusMeter::sameAnswer(t.stance.answer, answer, options); });
}

void DebateFormat::finalize(const DebateState &state, DebateOutcome &outcome) const
{
    finalizeFromMeter(state, outcome);
}

QString DebateFormat::roleKey(const rt::agents::Agent &agent)
{
    QString key = agent.role.trimmed().toLower();
    if (key.isEmpty() || key == u"custom"_s)
        key = agent.name.trimmed().toLower();
    key.replace(u' ', u'_');
    if (key == u"synthesiser"_s)
        key = u"synthesizer"_s;
    return key;
}

rt::agents::Agent DebateFormat::implicitAgent(SeatRole role, const rt::agents::Agent &modelSource, const QList<rt::agents::Agent> &taken)
{
    rt::agents::Agent a;
    switch (role) {
    case SeatRole::Judge:
        a.name = u"Judge"_s;
        a.role = u"judge"_s;
        a.systemPrompt = u"You are the Judge. You weigh the arguments of both sides on their merits, not on their confidence or "
                         "length, and decide which answer is correct. You explain your decision briefly and fairly."_s;
        a.colour = u"#8e6c8a"_s;
        break;
    case SeatRole::Chair:
        a.name = u"Chair"_s;
        a.role = u"synthesizer"_s;
        a.systemPrompt = u"You are the Chair of a council. You read every member's answer and the anonymous peer rankings and "
                         "write the council's final answer: the best-supported answer, its reasons, and the disagreements "
                         "that remain. You are fair to minority views and never invent arguments nobody made."_s;
        a.colour = u"#6c7a89"_s;
        break;
    default:
        a.name = u"Synthesizer"_s;
        a.role = u"synthesizer"_s;
        a.systemPrompt = u"You are the Synthesizer. You read a finished debate and write its conclusion: the answer the "
                         "participants support best, the strongest reasons for it, and where they still disagree and why. "
                         "You are fair to minority views and never invent arguments nobody made."_s;
        a.colour = u"#6c7a89"_s;
        break;
    }
    // The shipped role, when there is one, speaks better than the fallback text above.
    if (const auto shipped = rt::agents::BuiltinRoles::find(role == SeatRole::Judge ? u"judge"_s : u"synthesizer"_s)) {
        if (!shipped->systemPrompt.trimmed().isEmpty())
            a.systemPrompt = shipped->systemPrompt;
        if (!shipped->colour.isEmpty())
            a.colour = shipped->colour;
        a.avatar = shipped->avatar;
        a.description = shipped->description;
    }
    const QString base = a.name;
    for (int n = 2;; ++n) {
        bool clash = false;
        for (const rt::agents::Agent &t : taken)
            clash = clash || t.name.compare(a.name, Qt::CaseInsensitive) == 0;
        if (!clash)
            break;
        a.name = u"%1 %2"_s.arg(base).arg(n);
    }
    a.model = modelSource.model;
    a.fallbackModels = modelSource.fallbackModels;
    a.options = modelSource.options;
    a.options.seed.reset();
    a.weight = 0.0;
    return a;
}

QString DebateFormat::answerInstructions()
{
    return u"Reply with one JSON object only. Put your reasoning in \"argument\" (a few sentences, visible to everyone), "
           "your answer in \"answer\" (as short as possible: a number, an option letter, yes or no, or a few words), "
           "and in \"confidence\" the probability from 0 to 1 that your answer is right. Be honest about uncertainty."_s;
}

QString DebateFormat::intensityText(const DebateConfig &config)
{
    if (!config.agreementIntensity)
        return {};
    const int x = *config.agreementIntensity;
    return u"Agreement intensity %1/10: when the others' views conflict with yours, adopt them about %2% of the time and "
           "keep your own otherwise."_s.arg(x)
               .arg(x * 10);
}

QStringList DebateFormat::peerNames(const DebateState &state, int seat)
{
    QStringList names;
    for (int s : state.speakingSeats()) {
        if (s != seat)
            names.append(state.seat(s)->agent.name);
    }
    return names;
}

QString DebateFormat::systemPrompt(const DebateState &state, const Seat &seat, const QString &formatText) const
{
    QStringList names;
    for (int s : state.speakingSeats())
        names.append(state.seat(s)->agent.name);
    QString text = seat.agent.systemPrompt.trimmed();
    if (text.isEmpty())
        text = u"You are %1, a careful and honest debater."_s.arg(seat.agent.name);
    text += u"\n\nYou are %1. The debaters are: %2. %3"_s.arg(seat.agent.name, names.join(u", "_s), formatText);
    return text.trimmed();
}

} // namespace rt::debate

namespace rt::debate {

QStringList DebateFormat::notesFor(const DebateState &state)
{
    QStringList notes;
    for (const TurnRecord *t : state.interjections())
        notes.append(t->content.trimmed());
    return notes;
}

rt::Result<QList<Seat>> DebateFormat::arrangeDiscussion(const DebateConfig &config, int minDebaters, bool allowSynthesizer)
{
    QList<Seat> seats;
    int synth = -1;
    int debaters = 0;
    static const QStringList synthKeys { u"synthesizer"_s, u"moderator"_s, u"judge"_s, u"chair"_s };
    for (qsizetype i = 0; i < config.agents.size(); ++i) {
        Seat seat;
        seat.index = int(i);
        seat.agent = config.agents.at(i);
        if (allowSynthesizer && config.synthesis && synth < 0 && config.agents.size() > minDebaters
            && synthKeys.contains(roleKey(seat.agent))) {
            seat.role = SeatRole::Synthesizer;
            synth = int(i);
        } else {
            ++debaters;
        }
        seats.append(seat);
    }
    if (debaters < minDebaters) {
        return rt::Error { u"usage"_s,
            QCoreApplication::translate("rt::debate", "This format needs at least %n debating agent(s).", nullptr, minDebaters) };
    }
    if (allowSynthesizer && config.synthesis && synth < 0) {
        Seat seat;
        seat.index = int(seats.size());
        seat.role = SeatRole::Synthesizer;
        seat.implicit = true;
        seat.agent = implicitAgent(SeatRole::Synthesizer, seats.constFirst().agent, config.agents);
        seats.append(seat);
    }
    return seats;
}

TurnPrompt DebateFormat::synthesisPrompt(const DebateState &state, const PlannedTurn &turn) const
{
    const Seat *seat = state.seat(turn.seat);
    TurnPrompt p;
    p.shape = ReplyShape::Synthesis;
    p.schema = StanceParser::schema(ReplyShape::Synthesis);
    QString system = seat->agent.systemPrompt.trimmed();
    if (system.isEmpty())
        system = implicitAgent(SeatRole::Synthesizer, seat->agent, {}).systemPrompt;
    p.parts.system = system
        + u"\n\nYou did not take part in the debate; you write its conclusion. Reply with one JSON object only: "
          "\"synthesis\" (the conclusion in a short paragraph: the answer, its best reasons, what remains disputed), "
          "\"answer\" (the final answer, as short as possible) and \"confidence\" (0 to 1)."_s;
    p.parts.question = state.config.question;
    p.parts.notes = notesFor(state);
    for (const ConsensusSnapshot &r : state.rounds)
        p.parts.older.append(PromptBuilder::roundSummary(r.round, state.turnsOf(r.round)));
    p.parts.latestHeading = u"Final positions:"_s;
    for (int s : state.speakingSeats()) {
        if (const TurnRecord *t = state.latestOf(s))
            p.parts.latest.append(PromptBuilder::entry(*t, t->info.agentName, false));
    }
    int missing = 0;
    const ConsensusSnapshot snap = ConsensusMeter::evaluate(latestStances(state, &missing), meterOptions(state.config), missing);
    QString task = u"The debate has ended after %1 round(s)."_s.arg(state.completedRounds());
    if (!snap.leadingAnswer.isEmpty())
        task += u" The best-supported answer is \"%1\" (confidence-weighted support %2 of the total)."_s.arg(snap.leadingAnswer)
                    .arg(snap.score, 0, 'f', 2);
    task += u" Write the synthesis: the answer the debate supports, why, and where the participants still disagree."_s;
    p.parts.task = task;
    return p;
}

} // namespace rt::debate
