#include "councilformat.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QRegularExpression>
#include <QSet>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace rt::debate {

rt::Result<QList<Seat>> CouncilFormat::arrange(const DebateConfig &config) const
{
    QList<Seat> seats;
    int chair = -1;
    int members = 0;
    static const QStringList chairKeys { u"chair"_s, u"synthesizer"_s, u"moderator"_s, u"judge"_s };
    for (qsizetype i = 0; i < config.agents.size(); ++i) {
        Seat s;
        s.index = int(i);
        s.agent = config.agents.at(i);
        if (chair < 0 && config.agents.size() > 2 && chairKeys.contains(roleKey(s.agent))) {
            s.role = SeatRole::Chair;
            chair = int(i);
        } else {
            ++members;
        }
        seats.append(s);
    }
    if (members < 2)
        return rt::Error { u"usage"_s,
            QCoreApplication::translate("rt::debate", "A council needs at least two members besides the chair.") };
    if (chair < 0) {
        Seat s;
        s.index = int(seats.size());
        s.role = SeatRole::Chair;
        s.implicit = true;
        s.agent = implicitAgent(SeatRole::Chair, seats.constFirst().agent, config.agents);
        seats.append(s);
    }
    return seats;
}

int CouncilFormat::roundLimit(const DebateConfig &config) const
{
    Q_UNUSED(config);
    return 2;
}

QString CouncilFormat::phase(int round) const
{
    return round <= 1 ? u"answers"_s : u"ranking"_s;
}

QList<PlannedTurn> CouncilFormat::planRound(const DebateState &state, int round) const
{
    QList<PlannedTurn> plan;
    for (int seat : state.speakingSeats())
        plan.append(PlannedTurn { round, seat, round <= 1 ? TurnKind::Turn : TurnKind::Ranking });
    return plan;
}

bool CouncilFormat::concurrentTurns(const DebateState &state, int round, TurnKind kind) const
{
    Q_UNUSED(state);
    Q_UNUSED(round);
    // Answers are given alone; each ranking reads only the round-1 answers,
    // never another ranking. The chair's synthesis comes after, alone.
    return kind == TurnKind::Turn || kind == TurnKind::Ranking;
}

QList<StanceInput> CouncilFormat::roundStances(const DebateState &state, int round, int *missing) const
{
    Q_UNUSED(round);
    return DebateFormat::roundStances(state, 1, missing);
}

StopReason CouncilFormat::decide(const DebateState &state, const ConsensusSnapshot &snapshot) const
{
    Q_UNUSED(state);
    return snapshot.round >= 2 ? StopReason::JudgeDecided : StopReason::None;
}

QList<PlannedTurn> CouncilFormat::closing(const DebateState &state, StopReason reason) const
{
    // The chair's answer is the council's answer, so it runs even with synthesis off.
    if (reason == StopReason::Budget || reason == StopReason::UserStop || reason == StopReason::Error)
        return {};
    const Seat *chair = state.seatWithRole(SeatRole::Chair);
    if (!chair || state.turnsOf(1).isEmpty())
        return {};
    return { PlannedTurn { state.completedRounds() + 1, chair->index, TurnKind::Synthesis } };
}

QList<QPair<QString, int>> CouncilFormat::labels(const DebateState &state)
{
    QList<int> seats = state.speakingSeats();
    // A deterministic shuffle: order seats by a hash of (seed or question, seat).
    const QByteArray salt = state.config.seed ? QByteArray::number(*state.config.seed) : state.config.question.toUtf8();
    std::sort(seats.begin(), seats.end(), [&](int a, int b) {
        const QByteArray ha = QCryptographicHash::hash(salt + '#' + QByteArray::number(a), QCryptographicHash::Sha1);
        const QByteArray hb = QCryptographicHash::hash(salt + '#' + QByteArray::number(b), QCryptographicHash::Sha1);
        return ha < hb;
    });
    QList<QPair<QString, int>> out;
    for (qsizetype i = 0; i < seats.size(); ++i)
        out.append({ u"Response %1"_s.arg(QChar(u'A' + int(i))), seats.at(i) });
    return out;
}

QString CouncilFormat::anonymise(const DebateState &state, QString text)
{
    QSet<QString> names;
    for (const Seat &s : state.seats) {
        names.insert(s.agent.name);
        if (!s.agent.model.isEmpty())
            names.insert(s.agent.model);
        for (const QString &m : s.agent.fallbackModels)
            names.insert(m);
    }
    for (const QString &name : std::as_const(names)) {
        if (name.trimmed().isEmpty())
            continue;
        const QRegularExpression re(
            u"(?<![\\w])"_s + QRegularExpression::escape(name) + u"(?![\\w])"_s, QRegularExpression::CaseInsensitiveOption);
        text.replace(re, u"a member"_s);
    }
    return text;
}

QMap<int, double> CouncilFormat::borda(const DebateState &state)
{
    const QList<QPair<QString, int>> labelList = labels(state);
    QMap<int, double> points;
    for (const auto &l : labelList)
        points.insert(l.second, 0.0);
    const auto seatOf = [&](const QString &label) {
        const QString wanted = label.trimmed();
        for (const auto &l : labelList) {
            // Accept "Response B", "B" and "response b".
            if (l.first.compare(wanted, Qt::CaseInsensitive) == 0 || l.first.right(1).compare(wanted, Qt::CaseInsensitive) == 0)
                return l.second;
        }
        return -1;
    };
    const int candidates = int(labelList.size()) - 1; // everyone but the ranker
    for (const TurnRecord *t : state.turnsOf(2, TurnKind::Ranking)) {
        QList<int> order;
        for (const QString &label : t->stance.ranking) {
            const int seat = seatOf(label);
            if (seat >= 0 && seat != t->info.seat && !order.contains(seat)) // self-votes excluded
                order.append(seat);
        }
        for (qsizetype i = 0; i < order.size(); ++i)
            points[order.at(i)] += double(candidates - 1 - i);
    }
    return points;
}

TurnPrompt CouncilFormat::prompt(const DebateState &state, const PlannedTurn &turn) const
{
    const Seat &seat = *state.seat(turn.seat);
    TurnPrompt p;
    p.parts.question = state.config.question;
    p.parts.notes = notesFor(state);
    const QList<QPair<QString, int>> labelList = labels(state);

    if (turn.kind == TurnKind::Turn) {
        p.shape = ReplyShape::Stance;
        p.schema = StanceParser::schema(ReplyShape::Stance);
        p.parts.system = systemPrompt(state, seat,
                             u"You sit on a council: answer on your own; then every member ranks all answers "
                             "anonymously and a chair writes the final answer."_s)
            + u"\n\n"_s + answerInstructions();
        p.parts.task = u"Answer the question on your own."_s;
        return p;
    }

    if (turn.kind == TurnKind::Ranking) {
        QStringList labelNames;
        for (const auto &l : labelList)
            labelNames.append(l.first);
        p.shape = ReplyShape::Ranking;
        p.schema = StanceParser::schema(ReplyShape::Ranking, {}, labelNames);
        // No names here: neither the system prompt nor the responses say who wrote what.
        QString system = seat.agent.systemPrompt.trimmed();
        p.parts.system = anonymise(state, system)
            + u"\n\nYou review anonymised answers to a question. Reply with one JSON object only: \"reason\" (a short "
              "comparison) and \"ranking\" (every response label, best first)."_s;
        p.parts.latestHeading = u"Responses:"_s;
        for (const auto &l : labelList) {
            const TurnRecord *t = state.find(1, l.second, TurnKind::Turn);
            if (!t)
                continue;
            TurnRecord shown = *t;
            shown.stance.argument = anonymise(state, shown.stance.argument);
            shown.text = anonymise(state, shown.text);
            for (QString &k : shown.stance.keyPoints)
                k = anonymise(state, k);
            shown.stance.answer = anonymise(state, shown.stance.answer);
            p.parts.latest.append(PromptBuilder::entry(shown, l.first, false));
        }
        p.parts.task = u"Rank all %1 responses from best to worst by correctness and quality of reasoning. Judge the content, "
                       "not the style or the stated confidence."_s.arg(labelList.size());
        return p;
    }

    // Chair synthesis: names visible, with the anonymous rankings aggregated.
    p.shape = ReplyShape::Synthesis;
    p.schema = StanceParser::schema(ReplyShape::Synthesis);
    QString system = seat.agent.systemPrompt.trimmed();
    if (system.isEmpty())
        system = implicitAgent(SeatRole::Chair, seat.agent, {}).systemPrompt;
    p.parts.system = system
        + u"\n\nReply with one JSON object only: \"synthesis\" (the council's final answer with its reasons and the remaining "
          "disagreements), \"answer\" (the final answer, as short as possible) and \"confidence\" (0 to 1)."_s;
    p.parts.latestHeading = u"Members' answers:"_s;
    const QMap<int, double> points = borda(state);
    QStringList lines;
    for (const auto &l : labelList) {
        const TurnRecord *t = state.find(1, l.second, TurnKind::Turn);
        if (t)
            p.parts.latest.append(PromptBuilder::entry(*t, t->info.agentName, false));
        lines.append(u"%1 (%2): %3 point(s)"_s.arg(state.seat(l.second)->agent.name, l.first).arg(points.value(l.second)));
    }
    p.parts.task = u"Peer ranking (Borda count over the anonymous rankings, votes for one's own answer excluded): %1.\n"
                   "Write the council's final answer."_s.arg(lines.join(u"; "_s));
    return p;
}

void CouncilFormat::finalize(const DebateState &state, DebateOutcome &outcome) const
{
    int missing = 0;
    const ConsensusSnapshot snap
        = ConsensusMeter::evaluate(DebateFormat::roundStances(state, 1, &missing), meterOptions(state.config), missing);
    outcome.score = snap.score;
    outcome.meanConfidence = snap.meanConfidence;
    outcome.tie = snap.tie;
    const QMap<int, double> points = borda(state);
    QJsonObject ranking;
    int best = -1;
    for (auto it = points.cbegin(); it != points.cend(); ++it) {
        ranking.insert(state.seat(it.key())->agent.name, it.value());
        if (best < 0 || it.value() > points.value(best))
            best = it.key();
    }
    outcome.ranking = ranking;
    const QList<const TurnRecord *> syntheses = state.turnsOf(0, TurnKind::Synthesis);
    const TurnRecord *chair = syntheses.isEmpty() ? nullptr : syntheses.constLast();
    if (chair && chair->stance.hasAnswer()) {
        outcome.answer = chair->stance.answer;
    } else if (best >= 0 && state.find(1, best, TurnKind::Turn)) {
        outcome.answer = state.find(1, best, TurnKind::Turn)->stance.answer;
    } else {
        outcome.answer = snap.leadingAnswer;
    }
    if (chair) {
        outcome.synthesis = chair->stance.argument.isEmpty() ? chair->text : chair->stance.argument;
        outcome.synthesisBy = chair->info.agentName;
    }
    // Members answer once (round 1); the chair's choice is the outcome.
    const ConsensusMeter::Options options = meterOptions(state.config);
    outcome.dissent = collectDissent(
        state, [&state](int seat) { return state.find(1, seat, TurnKind::Turn); },
        [&outcome, &options](const TurnRecord &t) { return ConsensusMeter::sameAnswer(t.stance.answer, outcome.answer, options); });
}

} // namespace rt::debate
