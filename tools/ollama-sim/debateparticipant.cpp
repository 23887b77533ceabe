#include "debateparticipant.h"

#include "schemavaluegenerator.h"
#include "simrandom.h"
#include "wireformat.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QRegularExpression>
#include <cmath>

using namespace Qt::StringLiterals;

namespace rt::sim {

namespace {

struct Entry {
    QString label;
    bool self = false;
    QString answer;
    double confidence = 0.5;
};

struct PromptView {
    QString text;
    int round = 1;
    bool finalRound = false;
    QList<Entry> entries;
};

// Canonical form for comparing answers: numbers by value, else lower-case words.
QString keyOf(const QString &answer)
{
    QString s = answer.trimmed().toLower();
    while (!s.isEmpty() && QStringView(u".!*\"'").contains(s.back()))
        s.chop(1);
    while (!s.isEmpty() && QStringView(u"*\"'(").contains(s.front()))
        s.remove(0, 1);
    bool ok = false;
    const double v = s.toDouble(&ok);
    if (ok && std::isfinite(v))
        return u"n:"_s + QString::number(v, 'g', 12);
    if (s.size() >= 2 && s.at(1) == u')')
        s = s.left(1);
    return u"t:"_s + s.simplified();
}

PromptView readPrompt(const GenerationInput &input)
{
    PromptView view;
    // The turn's prompt is the user message holding the question; a repair
    // request adds messages after it.
    for (const QJsonValue &v : input.messages) {
        const QJsonObject m = v.toObject();
        const QString content = m.value(u"content"_s).toString();
        if (m.value(u"role"_s).toString() == u"user"_s && content.contains(u"Question:"_s)) {
            view.text = content;
            break;
        }
    }
    if (view.text.isEmpty())
        view.text = input.lastUserMessage;
    static const QRegularExpression roundRe(u"Round (\\d+) of (\\d+)\\."_s);
    QRegularExpressionMatchIterator it = roundRe.globalMatch(view.text);
    while (it.hasNext())
        view.round = it.next().captured(1).toInt();
    view.finalRound = view.text.contains(u"This is the final round"_s);
    static const QRegularExpression entryRe(
        u"^(?:\\(round \\d+\\) )?\\[([^\\]\\n]+)\\]( \\(you\\))? answer: (.*?) \\| confidence: ([0-9.]+|unknown)"_s,
        QRegularExpression::MultilineOption);
    it = entryRe.globalMatch(view.text);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        Entry e;
        e.label = m.captured(1);
        e.self = !m.captured(2).isEmpty();
        e.answer = m.captured(3).trimmed();
        bool ok = false;
        const double c = m.captured(4).toDouble(&ok);
        e.confidence = ok ? c : 0.5;
        view.entries.append(e);
    }
    return view;
}

// No-break spaces as plain ones: French questions carry them before "?" and
// ":", and a question typed into the window's form reaches the prompt with
// plain spaces (QTextDocument::toPlainText converts them).
QString plainSpaces(QString text)
{
    text.replace(QChar(0x00A0), u' ');
    text.replace(QChar(0x202F), u' ');
    return text;
}

const DebateQuestion *findQuestion(const DebateSimConfig &config, const QString &text)
{
    if (!config.questions)
        return nullptr;
    const QString prompt = plainSpaces(text);
    const DebateQuestion *best = nullptr;
    for (const DebateQuestion &q : *config.questions) {
        if (prompt.contains(plainSpaces(q.question)) && (!best || q.question.size() > best->question.size()))
            best = &q;
    }
    return best;
}

QString formatNumber(double v)
{
    if (std::abs(v - std::round(v)) < 1e-9)
        return QString::number(qint64(std::llround(v)));
    return QString::number(v, 'g', 10);
}

QString wrongAnswer(const DebateQuestion &q, SimRandom &rng)
{
    if (!q.distractors.isEmpty() && (q.kind == u"text"_s || rng.chance(0.5)))
        return q.distractors.at(rng.below(quint32(q.distractors.size())));
    if (q.kind == u"yesno"_s)
        return keyOf(q.answer) == u"t:yes"_s ? u"no"_s : u"yes"_s;
    if (q.kind == u"option"_s) {
        QStringList others;
        for (const QString &c : q.choices) {
            if (c.compare(q.answer, Qt::CaseInsensitive) != 0)
                others.append(c);
        }
        if (others.isEmpty())
            others = QStringList { u"A"_s, u"B"_s, u"C"_s, u"D"_s };
        return others.at(rng.below(quint32(others.size())));
    }
    bool ok = false;
    const double truth = q.answer.toDouble(&ok);
    if (ok) {
        if (std::abs(truth - std::round(truth)) < 1e-9) {
            const qint64 offset = rng.between(1, 12) * (rng.chance(0.5) ? 1 : -1);
            return formatNumber(truth + double(offset));
        }
        const double factors[] = { 2.0, 0.5, 1.5, 3.0 };
        return formatNumber(truth * factors[rng.below(4)]);
    }
    return u"I am not sure"_s;
}

double roundTo2(double v)
{
    return std::round(v * 100.0) / 100.0;
}

// The majority answer among entries; empty when tied or none.
QString plurality(const QList<Entry> &entries, bool withSelf, bool breakTiesByConfidence)
{
    QMap<QString, int> counts;
    QMap<QString, double> confidence;
    QMap<QString, QString> spelling;
    for (const Entry &e : entries) {
        if (e.self && !withSelf)
            continue;
        const QString k = keyOf(e.answer);
        counts[k] += 1;
        confidence[k] += e.confidence;
        if (!spelling.contains(k))
            spelling.insert(k, e.answer);
    }
    QString best;
    int bestCount = 0;
    bool tie = false;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        if (it.value() > bestCount) {
            best = it.key();
            bestCount = it.value();
            tie = false;
        } else if (it.value() == bestCount) {
            if (breakTiesByConfidence && confidence.value(it.key()) > confidence.value(best))
                best = it.key();
            tie = !breakTiesByConfidence;
        }
    }
    return tie || best.isEmpty() ? QString() : spelling.value(best);
}

QString shapeOf(const QJsonObject &properties)
{
    if (properties.contains(u"ranking"_s))
        return u"ranking"_s;
    if (properties.contains(u"settled"_s))
        return u"verdict"_s;
    if (properties.contains(u"synthesis"_s))
        return u"synthesis"_s;
    if (properties.contains(u"answer"_s) && properties.contains(u"confidence"_s))
        return u"stance"_s;
    return {};
}

QJsonArray namesIn(const QJsonObject &property, const QStringList &names)
{
    const QJsonArray allowed = property.value(u"items"_s).toObject().value(u"enum"_s).toArray();
    QJsonArray out;
    for (const QString &n : names) {
        if (allowed.isEmpty() || allowed.contains(n))
            out.append(n);
    }
    return out;
}

} // namespace

std::optional<GeneratedReply> debateReply(const DebateSimConfig &config, const GenerationInput &input)
{
    if (!config.enabled || !input.format.isObject() || input.endpoint != u"chat"_s)
        return std::nullopt;
    const QJsonObject schema = input.format.toObject();
    const QJsonObject properties = schema.value(u"properties"_s).toObject();
    const QString shape = shapeOf(properties);
    if (shape.isEmpty())
        return std::nullopt;
    const PromptView view = readPrompt(input);
    const DebateQuestion *q = findQuestion(config, view.text);
    if (!q)
        return std::nullopt;

    const double p = config.accuracyFor(input.model);
    const double persuade = config.persuadabilityFor(input.model);
    quint64 base = fnv1a(QStringView(input.model));
    base = fnv1a(QStringView(q->id), base ^ 0x2545F4914F6CDD1DULL);
    base = mixSeed(input.seed, base);
    QString shown;
    for (const Entry &e : view.entries)
        shown += e.label + u'=' + e.answer + u';';
    const quint64 peersHash = fnv1a(QStringView(shown), quint64(view.round) * 0x9E3779B97F4A7C15ULL);
    const QString truth = q->answer;
    const auto isTrue = [&](const QString &a) {
        return keyOf(a) == keyOf(truth) || [&] {
            for (const QString &acc : q->accept)
                if (keyOf(acc) == keyOf(a))
                    return true;
            return false;
        }();
    };

    QJsonObject values; // the fields this shape fills; others come from the schema generator
    QString text;
    if (shape == u"stance"_s) {
        QString own;
        bool adopted = false;
        bool keptAgainstPeers = false;
        for (const Entry &e : view.entries) {
            if (e.self)
                own = e.answer;
        }
        if (own.isEmpty()) {
            SimRandom r(mixSeed(base, 1));
            own = r.chance(p) ? truth : wrongAnswer(*q, r);
        }
        QStringList agree, disagree;
        const QString majority = plurality(view.entries, false, false);
        if (!majority.isEmpty() && keyOf(majority) != keyOf(own)) {
            SimRandom r(mixSeed(base, peersHash));
            if (r.chance(persuade)) {
                own = majority;
                adopted = true;
            } else {
                keptAgainstPeers = true;
            }
        }
        for (const Entry &e : view.entries) {
            if (e.self)
                continue;
            (keyOf(e.answer) == keyOf(own) ? agree : disagree).append(e.label);
        }
        SimRandom r(mixSeed(base, 3 + quint64(view.round)));
        const double u = r.unit();
        const double confidence = adopted ? 0.7 + 0.15 * u : (isTrue(own) ? 0.8 + 0.19 * u : 0.45 + 0.4 * u);
        text = u"I worked through the question step by step, and my answer is %1."_s.arg(own);
        if (adopted)
            text += u" The majority of the others answered %1 and their reasoning convinced me."_s.arg(own);
        else if (keptAgainstPeers)
            text += u" I checked the other answers and keep mine."_s;
        values.insert(u"argument"_s, text);
        values.insert(u"answer"_s, own);
        values.insert(u"confidence"_s, roundTo2(confidence));
        values.insert(u"key_points"_s, QJsonArray { u"The answer is %1"_s.arg(own), u"Checked twice"_s });
        values.insert(u"agrees_with"_s, namesIn(properties.value(u"agrees_with"_s).toObject(), agree));
        values.insert(u"disagrees_with"_s, namesIn(properties.value(u"disagrees_with"_s).toObject(), disagree));
    } else if (shape == u"verdict"_s) {
        SimRandom r(mixSeed(base, peersHash ^ 0x51ULL));
        const bool knows = r.chance(p);
        const QList<Entry> &e = view.entries;
        const QString pro = e.value(0).answer;
        const QString opp = e.value(1).answer;
        bool settled = false;
        QString winner = u"neither"_s;
        QString answer = e.value(0).confidence >= e.value(1).confidence ? pro : opp;
        if (knows && (isTrue(pro) || isTrue(opp))) {
            settled = true;
            answer = truth;
            winner = isTrue(pro) ? u"proponent"_s : u"opponent"_s;
        } else if (!pro.isEmpty() && keyOf(pro) == keyOf(opp)) {
            settled = true;
            answer = pro;
            winner = u"proponent"_s;
        } else if (view.finalRound) {
            settled = true;
            winner = answer == pro ? u"proponent"_s : u"opponent"_s;
        }
        if (answer.isEmpty())
            answer = truth;
        text = settled ? u"The %1's answer, %2, holds up; the debate is settled."_s.arg(winner, answer)
                       : u"Both sides still have open points; the debate is not settled yet."_s;
        values.insert(u"reason"_s, text);
        values.insert(u"settled"_s, settled);
        values.insert(u"winner"_s, winner);
        values.insert(u"answer"_s, answer);
        values.insert(u"confidence"_s, roundTo2(0.6 + 0.3 * r.unit()));
    } else if (shape == u"ranking"_s) {
        SimRandom r(mixSeed(base, peersHash ^ 0x77ULL));
        const bool knows = r.chance(p);
        QStringList labels;
        const QJsonArray allowed = properties.value(u"ranking"_s).toObject().value(u"items"_s).toObject().value(u"enum"_s).toArray();
        for (const QJsonValue &v : allowed)
            labels.append(v.toString());
        if (labels.isEmpty()) {
            for (const Entry &en : view.entries)
                labels.append(en.label);
        }
        QMap<QString, double> score;
        for (const QString &l : labels) {
            for (const Entry &en : view.entries) {
                if (en.label != l)
                    continue;
                double s = en.confidence;
                for (const Entry &other : view.entries)
                    s += keyOf(other.answer) == keyOf(en.answer) ? 10.0 : 0.0;
                if (knows && isTrue(en.answer))
                    s += 100.0;
                score.insert(l, s);
            }
        }
        std::stable_sort(labels.begin(), labels.end(), [&](const QString &a, const QString &b) { return score.value(a) > score.value(b); });
        text = u"Ranked by how well each response answers the question."_s;
        values.insert(u"reason"_s, text);
        values.insert(u"ranking"_s, QJsonArray::fromStringList(labels));
    } else { // synthesis
        SimRandom r(mixSeed(base, peersHash ^ 0x99ULL));
        QString answer = plurality(view.entries, true, true);
        if (r.chance(p)) {
            for (const Entry &en : view.entries) {
                if (isTrue(en.answer))
                    answer = truth;
            }
        }
        if (answer.isEmpty())
            answer = truth;
        text = u"Taking all positions together, the best-supported answer is %1."_s.arg(answer);
        values.insert(u"synthesis"_s, text);
        values.insert(u"answer"_s, answer);
        values.insert(u"confidence"_s, roundTo2(0.7 + 0.25 * r.unit()));
    }

    // Exactly the schema's properties: ours where we have them, generated otherwise.
    QJsonObject out;
    SimRandom fill(mixSeed(base, 0xF111ULL));
    for (auto it = properties.constBegin(); it != properties.constEnd(); ++it) {
        if (values.contains(it.key())) {
            out.insert(it.key(), values.value(it.key()));
        } else {
            SchemaValueGenerator gen(schema, fill);
            out.insert(it.key(), gen.generate(it.value().toObject(), 1));
        }
    }
    GeneratedReply reply;
    const quint64 pieceSeed = mixSeed(base, peersHash);
    QString body = QString::fromUtf8(wire::toJson(QJsonValue(out)));
    // A model that ignores the schema (only the first reply, unless ":all").
    const QString malformed = config.malformedFor(input.model);
    bool repairAttempt = false;
    for (const QJsonValue &v : input.messages)
        repairAttempt = repairAttempt || v.toObject().value(u"role"_s).toString() == u"assistant"_s;
    if (!malformed.isEmpty() && (!repairAttempt || malformed.endsWith(u":all"_s))) {
        const QString style = malformed.section(u':', 0, 0);
        const QString answer = values.value(u"answer"_s).toString();
        if (style == u"empty"_s)
            body.clear();
        else if (style == u"prose"_s)
            body = u"Let me think about this. %1 So I would say the answer is %2."_s.arg(text, answer.isEmpty() ? u"unclear"_s : answer);
        else
            body = u"Sure! Here is my position.\n```json\n%1\n```\nI hope this helps."_s.arg(body);
    }
    if (input.think)
        reply.thinking = ReplyGenerator::splitIntoPieces(u"Let me check the question and the answers shown."_s, pieceSeed);
    reply.content = ReplyGenerator::splitIntoPieces(body, pieceSeed);
    return reply;
}

} // namespace rt::sim
