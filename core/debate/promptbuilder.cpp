#include "promptbuilder.h"

using namespace Qt::StringLiterals;

namespace rt::debate {

namespace {

QString confidenceText(const std::optional<double> &c)
{
    return c ? QString::number(*c, 'f', 2) : u"unknown"_s;
}

QString assembleUser(const PromptParts &p, const QStringList &older, const QStringList &latest, const QStringList &notes, int omittedRounds)
{
    QString text = u"Question: "_s + p.question.trimmed() + u"\n"_s;
    if (!notes.isEmpty()) {
        text += u"\nModerator notes (from the human running the debate):\n"_s;
        for (const QString &n : notes)
            text += u"- "_s + n + u'\n';
    }
    if (omittedRounds > 0 || !older.isEmpty()) {
        text += u"\nEarlier rounds (summary):\n"_s;
        if (omittedRounds > 0)
            text += u"(%1 earlier round(s) left out for length)\n"_s.arg(omittedRounds);
        for (const QString &o : older)
            text += o + u'\n';
    }
    if (!latest.isEmpty()) {
        text += u'\n' + p.latestHeading + u'\n';
        for (const QString &e : latest)
            text += e + u"\n\n"_s;
    }
    text += u'\n' + p.task.trimmed();
    return text;
}

} // namespace

int PromptBuilder::budgetChars(int contextTokens, int numPredict)
{
    const int reserve = std::max(0, numPredict) + 128; // reply + chat template overhead
    return std::max(1200, (contextTokens - reserve) * 4);
}

QString PromptBuilder::shorten(const QString &text, int maxChars)
{
    if (maxChars < 0 || text.size() <= maxChars)
        return text;
    if (maxChars < 2)
        return QString(QChar(0x2026));
    qsizetype cut = maxChars - 1;
    if (cut > 0 && cut < text.size() && text.at(cut - 1).isHighSurrogate())
        --cut;
    return text.left(cut).trimmed() + QChar(0x2026);
}

QString PromptBuilder::entry(const TurnRecord &turn, const QString &label, bool self, int maxArgumentChars)
{
    QString text = u"["_s + label + u"]"_s;
    if (self)
        text += u" (you)"_s;
    const Stance &s = turn.stance;
    if (s.hasAnswer())
        text += u" answer: %1 | confidence: %2"_s.arg(s.answer.simplified(), confidenceText(s.confidence));
    else
        text += u" gave no clear answer"_s;
    if (turn.status != TurnStatus::Complete)
        text += u" (reply incomplete)"_s;
    const QString argument = !s.argument.isEmpty() ? s.argument : (s.isNone() ? turn.text : QString());
    if (!argument.trimmed().isEmpty())
        text += u"\nArgument: "_s + shorten(argument.trimmed(), maxArgumentChars);
    if (!s.keyPoints.isEmpty())
        text += u"\nKey points: "_s + shorten(s.keyPoints.join(u"; "_s), maxArgumentChars < 0 ? -1 : std::max(80, maxArgumentChars / 2));
    return text;
}

QString PromptBuilder::roundSummary(int round, const QList<const TurnRecord *> &turns)
{
    QStringList parts;
    for (const TurnRecord *t : turns) {
        if (t->stance.hasAnswer())
            parts.append(
                u"%1 %2 (%3)"_s.arg(t->info.agentName, shorten(t->stance.answer.simplified(), 80), confidenceText(t->stance.confidence)));
        else
            parts.append(u"%1 no clear answer"_s.arg(t->info.agentName));
    }
    return u"Round %1: "_s.arg(round) + parts.join(u"; "_s);
}

QList<rt::llm::ChatMessage> PromptBuilder::build(const PromptParts &parts, int budgetChars, bool *trimmed)
{
    if (trimmed)
        *trimmed = false;
    QStringList older = parts.older;
    QStringList latest = parts.latest;
    QStringList notes = parts.notes;
    int omitted = 0;
    const auto total = [&] { return parts.system.size() + assembleUser(parts, older, latest, notes, omitted).size(); };

    // 1. Drop older summaries, oldest first.
    while (total() > budgetChars && !older.isEmpty()) {
        older.removeFirst();
        ++omitted;
    }
    // 2. Keep only the last few moderator notes, each shortened.
    if (total() > budgetChars && notes.size() > 3)
        notes = notes.mid(notes.size() - 3);
    if (total() > budgetChars) {
        for (QString &n : notes)
            n = shorten(n, 400);
    }
    // 3. Shorten the latest entries evenly.
    if (total() > budgetChars && !latest.isEmpty()) {
        const qsizetype fixed = total() - [&] {
            qsizetype s = 0;
            for (const QString &e : std::as_const(latest))
                s += e.size();
            return s;
        }();
        const int each = int(std::max<qsizetype>(160, (budgetChars - fixed) / latest.size()));
        for (QString &e : latest)
            e = shorten(e, each);
    }
    if (trimmed)
        *trimmed = omitted > 0 || older != parts.older || latest != parts.latest || notes != parts.notes;
    QList<rt::llm::ChatMessage> messages;
    if (!parts.system.trimmed().isEmpty())
        messages.append(rt::llm::ChatMessage::system(parts.system.trimmed()));
    messages.append(rt::llm::ChatMessage::user(assembleUser(parts, older, latest, notes, omitted)));
    return messages;
}

} // namespace rt::debate
