#include "stance.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <cmath>

using namespace Qt::StringLiterals;

namespace rt::debate {

namespace {

QStringList stringList(const QJsonValue &value, int limit = 50)
{
    QStringList list;
    if (value.isString()) {
        if (!value.toString().trimmed().isEmpty())
            list.append(value.toString().trimmed());
        return list;
    }
    const QJsonArray array = value.toArray();
    for (const QJsonValue &v : array) {
        QString s;
        if (v.isString())
            s = v.toString();
        else if (v.isDouble())
            s = QString::number(v.toDouble());
        else if (v.isObject()) // {"target":..,"point":..}
            s = v.toObject().value(u"point"_s).toString(v.toObject().value(u"name"_s).toString());
        s = s.trimmed();
        if (!s.isEmpty())
            list.append(s);
        if (list.size() >= limit)
            break;
    }
    return list;
}

QString scalarText(const QJsonValue &value)
{
    if (value.isString())
        return value.toString().trimmed();
    if (value.isDouble()) {
        const double d = value.toDouble();
        if (std::isfinite(d) && d == std::floor(d) && std::abs(d) < 1e15)
            return QString::number(qint64(d));
        return QString::number(d, 'g', 12);
    }
    if (value.isBool())
        return value.toBool() ? u"yes"_s : u"no"_s;
    return {};
}

QJsonObject stringProperty(const QString &description, int maxLength = 0)
{
    QJsonObject o { { u"type"_s, u"string"_s }, { u"description"_s, description } };
    if (maxLength > 0)
        o.insert(u"maxLength"_s, maxLength);
    return o;
}

QJsonObject namesProperty(const QString &description, const QStringList &names)
{
    QJsonObject items { { u"type"_s, u"string"_s } };
    if (!names.isEmpty())
        items.insert(u"enum"_s, QJsonArray::fromStringList(names));
    return { { u"type"_s, u"array"_s }, { u"items"_s, items }, { u"description"_s, description } };
}

QJsonObject confidenceProperty()
{
    return { { u"type"_s, u"number"_s }, { u"minimum"_s, 0 }, { u"maximum"_s, 1 },
        { u"description"_s, u"Probability from 0 to 1 that your answer is right"_s } };
}

// Every balanced {...} in text, outermost first, in order of appearance.
QStringList jsonObjectCandidates(const QString &text)
{
    QStringList out;
    for (qsizetype start = text.indexOf(u'{'); start >= 0; start = text.indexOf(u'{', start + 1)) {
        int depth = 0;
        bool inString = false;
        bool escape = false;
        for (qsizetype i = start; i < text.size(); ++i) {
            const QChar c = text.at(i);
            if (inString) {
                if (escape)
                    escape = false;
                else if (c == u'\\')
                    escape = true;
                else if (c == u'"')
                    inString = false;
                continue;
            }
            if (c == u'"')
                inString = true;
            else if (c == u'{')
                ++depth;
            else if (c == u'}' && --depth == 0) {
                out.append(text.mid(start, i - start + 1));
                break;
            }
        }
        if (out.size() > 20)
            break;
    }
    return out;
}

std::optional<QJsonObject> parseObject(const QString &text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

} // namespace

QString Stance::sourceName(Source source)
{
    switch (source) {
    case Source::None:
        return u"none"_s;
    case Source::Schema:
        return u"schema"_s;
    case Source::Repaired:
        return u"repaired"_s;
    case Source::Tolerant:
        return u"tolerant"_s;
    case Source::Fallback:
        return u"fallback"_s;
    }
    return u"none"_s;
}

QJsonObject Stance::toJson() const
{
    QJsonObject o { { u"source"_s, sourceName(source) }, { u"answer"_s, answer } };
    o.insert(u"confidence"_s, confidence ? QJsonValue(*confidence) : QJsonValue(QJsonValue::Null));
    if (!keyPoints.isEmpty())
        o.insert(u"key_points"_s, QJsonArray::fromStringList(keyPoints));
    if (!agreesWith.isEmpty())
        o.insert(u"agrees_with"_s, QJsonArray::fromStringList(agreesWith));
    if (!disagreesWith.isEmpty())
        o.insert(u"disagrees_with"_s, QJsonArray::fromStringList(disagreesWith));
    if (settled)
        o.insert(u"settled"_s, *settled);
    if (!winner.isEmpty())
        o.insert(u"winner"_s, winner);
    if (!ranking.isEmpty())
        o.insert(u"ranking"_s, QJsonArray::fromStringList(ranking));
    return o;
}

Stance Stance::fromJson(const QJsonObject &o)
{
    Stance s;
    const QString source = o.value(u"source"_s).toString();
    for (Source candidate : { Source::None, Source::Schema, Source::Repaired, Source::Tolerant, Source::Fallback }) {
        if (sourceName(candidate) == source)
            s.source = candidate;
    }
    s.answer = o.value(u"answer"_s).toString();
    if (o.value(u"confidence"_s).isDouble())
        s.confidence = o.value(u"confidence"_s).toDouble();
    s.keyPoints = stringList(o.value(u"key_points"_s));
    s.agreesWith = stringList(o.value(u"agrees_with"_s));
    s.disagreesWith = stringList(o.value(u"disagrees_with"_s));
    if (o.value(u"settled"_s).isBool())
        s.settled = o.value(u"settled"_s).toBool();
    s.winner = o.value(u"winner"_s).toString();
    s.ranking = stringList(o.value(u"ranking"_s));
    return s;
}

QString StanceParser::visibleField(ReplyShape shape)
{
    switch (shape) {
    case ReplyShape::Stance:
        return u"argument"_s;
    case ReplyShape::Verdict:
        return u"reason"_s;
    case ReplyShape::Ranking:
        return u"reason"_s;
    case ReplyShape::Synthesis:
        return u"synthesis"_s;
    }
    return u"argument"_s;
}

QJsonObject StanceParser::schema(ReplyShape shape, const QStringList &peers, const QStringList &labels)
{
    // The visible field comes first: models fill properties in order, so the
    // reasoning is written before the answer and streams first.
    QJsonObject properties;
    QJsonArray required;
    const auto add = [&](const QString &name, const QJsonObject &property, bool isRequired) {
        properties.insert(name, property);
        if (isRequired)
            required.append(name);
    };
    switch (shape) {
    case ReplyShape::Stance:
        add(u"argument"_s, stringProperty(u"Your reasoning in a few sentences, addressed to the other participants"_s), true);
        add(u"answer"_s, stringProperty(u"Your answer, as short as possible: a number, an option letter, yes/no, or a few words"_s, 200),
            true);
        add(u"confidence"_s, confidenceProperty(), true);
        add(u"key_points"_s,
            QJsonObject { { u"type"_s, u"array"_s }, { u"items"_s, QJsonObject { { u"type"_s, u"string"_s } } }, { u"maxItems"_s, 5 },
                { u"description"_s, u"Up to five short points supporting your answer"_s } },
            true);
        add(u"agrees_with"_s, namesProperty(u"Participants whose answer you share"_s, peers), false);
        add(u"disagrees_with"_s, namesProperty(u"Participants whose answer you reject"_s, peers), false);
        break;
    case ReplyShape::Verdict:
        add(u"reason"_s, stringProperty(u"Why you decide as you do, in a few sentences"_s), true);
        add(u"settled"_s, QJsonObject { { u"type"_s, u"boolean"_s }, { u"description"_s, u"true if the debate is decided"_s } }, true);
        add(u"winner"_s,
            QJsonObject { { u"type"_s, u"string"_s }, { u"enum"_s, QJsonArray { u"proponent"_s, u"opponent"_s, u"neither"_s } } }, true);
        add(u"answer"_s, stringProperty(u"The answer you judge correct, as short as possible"_s, 200), true);
        add(u"confidence"_s, confidenceProperty(), true);
        break;
    case ReplyShape::Ranking: {
        QJsonObject items { { u"type"_s, u"string"_s } };
        if (!labels.isEmpty())
            items.insert(u"enum"_s, QJsonArray::fromStringList(labels));
        add(u"reason"_s, stringProperty(u"A short comparison of the responses"_s), true);
        QJsonObject ranking { { u"type"_s, u"array"_s }, { u"items"_s, items },
            { u"description"_s, u"Response labels from best to worst"_s } };
        if (!labels.isEmpty()) {
            ranking.insert(u"minItems"_s, labels.size());
            ranking.insert(u"maxItems"_s, labels.size());
        }
        add(u"ranking"_s, ranking, true);
        break;
    }
    case ReplyShape::Synthesis:
        add(u"synthesis"_s, stringProperty(u"The final answer with its reasons, the main agreements and the remaining disagreements"_s),
            true);
        add(u"answer"_s, stringProperty(u"The final answer, as short as possible"_s, 200), true);
        add(u"confidence"_s, confidenceProperty(), true);
        break;
    }
    return { { u"type"_s, u"object"_s }, { u"properties"_s, properties }, { u"required"_s, required } };
}

std::optional<double> StanceParser::readConfidence(const QJsonValue &value)
{
    double c = 0.0;
    if (value.isDouble()) {
        c = value.toDouble();
    } else if (value.isString()) {
        QString s = value.toString().trimmed();
        const bool percent = s.endsWith(u'%');
        if (percent)
            s.chop(1);
        bool ok = false;
        c = s.trimmed().toDouble(&ok);
        if (!ok)
            return std::nullopt;
        if (percent)
            c /= 100.0;
    } else {
        return std::nullopt;
    }
    if (!std::isfinite(c))
        return std::nullopt;
    if (c > 1.0 && c <= 100.0) // "85" meant 85 %
        c /= 100.0;
    return std::clamp(c, 0.0, 1.0);
}

std::optional<Stance> StanceParser::fromObject(const QJsonObject &o, ReplyShape shape, bool relaxed)
{
    Stance s;
    s.answer = scalarText(o.value(u"answer"_s));
    if (s.answer.isEmpty() && relaxed) {
        for (const auto &key : { u"final_answer"_s, u"stance"_s, u"position"_s })
            if (s.answer.isEmpty())
                s.answer = scalarText(o.value(key));
    }
    s.confidence = readConfidence(o.value(u"confidence"_s));
    if (!s.confidence && relaxed)
        s.confidence = readConfidence(o.value(u"confidence_level"_s));
    s.keyPoints = stringList(o.value(u"key_points"_s), 5);
    s.agreesWith = stringList(o.value(u"agrees_with"_s));
    s.disagreesWith = stringList(o.value(u"disagrees_with"_s));
    const QString visible = visibleField(shape);
    s.argument = o.value(visible).toString().trimmed();
    if (s.argument.isEmpty() && relaxed) {
        for (const auto &key : { u"argument"_s, u"reasoning"_s, u"reason"_s, u"explanation"_s, u"synthesis"_s })
            if (s.argument.isEmpty())
                s.argument = o.value(key).toString().trimmed();
    }

    switch (shape) {
    case ReplyShape::Stance:
        if (!s.hasAnswer())
            return std::nullopt;
        if (!s.confidence && !relaxed)
            return std::nullopt;
        break;
    case ReplyShape::Verdict: {
        const QJsonValue settled = o.value(u"settled"_s);
        if (settled.isBool())
            s.settled = settled.toBool();
        else if (relaxed && settled.isString())
            s.settled = settled.toString().trimmed().compare(u"true"_s, Qt::CaseInsensitive) == 0;
        s.winner = o.value(u"winner"_s).toString().trimmed().toLower();
        if (!s.settled)
            return std::nullopt;
        if (s.winner != u"proponent"_s && s.winner != u"opponent"_s)
            s.winner = u"neither"_s;
        if (*s.settled && !s.hasAnswer())
            return std::nullopt;
        break;
    }
    case ReplyShape::Ranking:
        s.ranking = stringList(o.value(u"ranking"_s));
        if (s.ranking.isEmpty())
            return std::nullopt;
        break;
    case ReplyShape::Synthesis:
        if (s.argument.isEmpty())
            return std::nullopt;
        break;
    }
    return s;
}

std::optional<Stance> StanceParser::parseStrict(const QString &content, ReplyShape shape)
{
    const std::optional<QJsonObject> object = parseObject(content.trimmed());
    if (!object)
        return std::nullopt;
    std::optional<Stance> s = fromObject(*object, shape, false);
    if (s)
        s->source = Stance::Source::Schema;
    return s;
}

QString StanceParser::guessAnswer(const QString &text)
{
    static const QRegularExpression boxed(u"\\\\boxed\\{([^{}]{1,80})\\}"_s);
    static const QRegularExpression labelled(
        u"(?:final answer|answer)\\s*(?:is|:|=)\\s*\\**\\s*([^\\n.;,*]{1,60})"_s, QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression number(u"-?\\d+(?:[.,]\\d+)?"_s);
    QRegularExpressionMatch m = boxed.match(text);
    if (m.hasMatch())
        return m.captured(1).trimmed();
    QRegularExpressionMatchIterator it = labelled.globalMatch(text);
    QString last;
    while (it.hasNext())
        last = it.next().captured(1).trimmed();
    if (!last.isEmpty())
        return last;
    it = number.globalMatch(text);
    while (it.hasNext())
        last = it.next().captured(0);
    return last;
}

std::optional<Stance> StanceParser::parseTolerant(const QString &content, ReplyShape shape)
{
    // Code fences first, then any balanced object; the last one that fits wins,
    // since models tend to restate their final answer at the end.
    static const QRegularExpression fence(u"```(?:json|JSON)?\\s*(\\{.*?\\})\\s*```"_s, QRegularExpression::DotMatchesEverythingOption);
    QStringList candidates;
    QRegularExpressionMatchIterator it = fence.globalMatch(content);
    while (it.hasNext())
        candidates.append(it.next().captured(1));
    candidates.append(jsonObjectCandidates(content));
    std::optional<Stance> found;
    for (const QString &candidate : std::as_const(candidates)) {
        if (const std::optional<QJsonObject> object = parseObject(candidate)) {
            if (std::optional<Stance> s = fromObject(*object, shape, true))
                found = s;
        }
    }
    if (found) {
        found->source = Stance::Source::Tolerant;
        return found;
    }
    if (shape != ReplyShape::Stance && shape != ReplyShape::Synthesis)
        return std::nullopt;
    const QString plain = content.trimmed();
    if (plain.isEmpty())
        return std::nullopt;
    Stance s;
    s.source = Stance::Source::Fallback;
    s.answer = guessAnswer(plain);
    s.argument = plain;
    if (shape == ReplyShape::Stance && !s.hasAnswer())
        return std::nullopt;
    return s;
}

QString StanceParser::problemWith(const QString &content, ReplyShape shape)
{
    const QString trimmed = content.trimmed();
    if (trimmed.isEmpty())
        return u"The reply was empty."_s;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(trimmed.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError)
        return u"The reply was not valid JSON (%1 at offset %2)."_s.arg(error.errorString()).arg(error.offset);
    if (!doc.isObject())
        return u"The reply was JSON but not an object."_s;
    switch (shape) {
    case ReplyShape::Stance:
        return u"The object must contain a non-empty \"answer\" and a numeric \"confidence\" between 0 and 1."_s;
    case ReplyShape::Verdict:
        return u"The object must contain \"settled\" (true or false), \"winner\" and, when settled, \"answer\"."_s;
    case ReplyShape::Ranking:
        return u"The object must contain \"ranking\", a list of response labels from best to worst."_s;
    case ReplyShape::Synthesis:
        return u"The object must contain a non-empty \"synthesis\"."_s;
    }
    return {};
}

QString StanceParser::repairPrompt(ReplyShape shape, const QString &problem)
{
    Q_UNUSED(shape);
    return u"Your previous reply could not be used. %1 Reply again with only one JSON object that follows the "
           "required schema, with no text before or after it."_s.arg(problem);
}

} // namespace rt::debate
