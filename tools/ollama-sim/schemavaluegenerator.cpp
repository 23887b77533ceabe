#include "schemavaluegenerator.h"

#include <QDate>
#include <QJsonArray>
#include <QStringList>
#include <cmath>

using namespace Qt::StringLiterals;

namespace rt::sim {

namespace {
const QStringList &phraseWords()
{
    static const QStringList words {
        u"agree"_s,
        u"argument"_s,
        u"balance"_s,
        u"careful"_s,
        u"claim"_s,
        u"café"_s,
        u"evidence"_s,
        u"fair"_s,
        u"über"_s,
        u"point"_s,
        u"reason"_s,
        u"risk"_s,
        u"naïve"_s,
        u"strong"_s,
        u"weak"_s,
        u"日本"_s,
        u"data"_s,
        u"trade-off"_s,
        u"cost"_s,
        u"benefit"_s,
        u"overall"_s,
        u"likely"_s,
        u"unclear"_s,
        u"🎲"_s,
        u"consensus"_s,
        u"position"_s,
        u"view"_s,
        u"test"_s,
    };
    return words;
}

constexpr int kMaxDepth = 12;
} // namespace

SchemaValueGenerator::SchemaValueGenerator(const QJsonObject &rootSchema, SimRandom &random)
    : m_root(rootSchema)
    , m_random(random)
{
}

QString SchemaValueGenerator::phrase(SimRandom &random, int minWords, int maxWords)
{
    const QStringList &words = phraseWords();
    const int n = int(random.between(minWords, maxWords));
    QString s;
    for (int i = 0; i < n; ++i) {
        if (i)
            s += u' ';
        s += words.at(random.below(quint32(words.size())));
    }
    return s;
}

QJsonObject SchemaValueGenerator::resolve(const QJsonObject &schema) const
{
    QJsonObject s = schema;
    for (int hops = 0; hops < 8 && s.contains(u"$ref"_s); ++hops) {
        const QString ref = s.value(u"$ref"_s).toString();
        if (!ref.startsWith(u"#/"_s))
            break;
        QJsonValue node = m_root;
        const QStringList parts = ref.mid(2).split(u'/');
        for (const QString &p : parts)
            node = node.toObject().value(QString(p).replace(u"~1"_s, u"/"_s).replace(u"~0"_s, u"~"_s));
        if (!node.isObject())
            break;
        s = node.toObject();
    }
    for (const auto &key : { u"anyOf"_s, u"oneOf"_s, u"allOf"_s }) {
        const QJsonArray branches = s.value(key).toArray();
        if (!branches.isEmpty() && !s.contains(u"type"_s) && !s.contains(u"properties"_s))
            return resolve(branches.first().toObject());
    }
    return s;
}

QJsonValue SchemaValueGenerator::generate(const QJsonObject &rawSchema, int depth)
{
    const QJsonObject schema = resolve(rawSchema);
    if (schema.contains(u"const"_s))
        return schema.value(u"const"_s);
    const QJsonArray choices = schema.value(u"enum"_s).toArray();
    if (!choices.isEmpty())
        return choices.at(m_random.below(quint32(choices.size())));

    QString type;
    const QJsonValue typeValue = schema.value(u"type"_s);
    if (typeValue.isString()) {
        type = typeValue.toString();
    } else if (typeValue.isArray()) {
        for (const QJsonValue &t : typeValue.toArray()) {
            if (t.toString() != u"null"_s) {
                type = t.toString();
                break;
            }
        }
        if (type.isEmpty())
            type = u"null"_s;
    } else if (schema.contains(u"properties"_s)) {
        type = u"object"_s;
    } else if (schema.contains(u"items"_s)) {
        type = u"array"_s;
    } else {
        type = u"string"_s;
    }

    if (depth > kMaxDepth)
        type = type == u"object"_s || type == u"array"_s ? u"null"_s : type;

    if (type == u"object"_s)
        return makeObject(schema, depth);
    if (type == u"array"_s)
        return makeArray(schema, depth);
    if (type == u"integer"_s)
        return makeNumber(schema, true);
    if (type == u"number"_s)
        return makeNumber(schema, false);
    if (type == u"boolean"_s)
        return m_random.chance(0.5);
    if (type == u"null"_s)
        return QJsonValue(QJsonValue::Null);
    return makeString(schema);
}

QJsonValue SchemaValueGenerator::makeString(const QJsonObject &schema)
{
    const QString format = schema.value(u"format"_s).toString();
    if (format == u"date"_s)
        return QDate(2025, 1, 1).addDays(m_random.below(365)).toString(Qt::ISODate);
    if (format == u"date-time"_s)
        return QDate(2025, 1, 1).addDays(m_random.below(365)).toString(Qt::ISODate) + u"T12:00:00Z"_s;
    if (format == u"email"_s)
        return u"agent%1@example.com"_s.arg(m_random.below(1000));
    const int minLength = schema.value(u"minLength"_s).toInt(0);
    const int maxLength = schema.value(u"maxLength"_s).toInt(-1);
    QString s = phrase(m_random, 1, 6);
    while (s.size() < minLength)
        s += u' ' + phrase(m_random, 1, 3);
    if (maxLength >= 0) {
        // Count code points: a length limit must not cut a surrogate pair.
        QString cut;
        int points = 0;
        for (qsizetype i = 0; i < s.size() && points < maxLength; ++i, ++points) {
            cut += s.at(i);
            if (s.at(i).isHighSurrogate() && i + 1 < s.size())
                cut += s.at(++i);
        }
        s = cut;
        while (points < minLength) {
            s += u'x';
            ++points;
        }
    }
    return s;
}

QJsonValue SchemaValueGenerator::makeNumber(const QJsonObject &schema, bool integer)
{
    double lo = -1e300;
    double hi = 1e300;
    bool hasLo = false;
    bool hasHi = false;
    if (schema.value(u"minimum"_s).isDouble()) {
        lo = schema.value(u"minimum"_s).toDouble();
        hasLo = true;
    }
    if (schema.value(u"maximum"_s).isDouble()) {
        hi = schema.value(u"maximum"_s).toDouble();
        hasHi = true;
    }
    const double step = integer ? 1.0 : 0.01;
    if (schema.value(u"exclusiveMinimum"_s).isDouble()) {
        const double v = schema.value(u"exclusiveMinimum"_s).toDouble() + step;
        lo = hasLo ? std::max(lo, v) : v;
        hasLo = true;
    }
    if (schema.value(u"exclusiveMaximum"_s).isDouble()) {
        const double v = schema.value(u"exclusiveMaximum"_s).toDouble() - step;
        hi = hasHi ? std::min(hi, v) : v;
        hasHi = true;
    }
    if (!hasLo && !hasHi) {
        lo = 0;
        hi = 100;
    } else if (!hasLo) {
        lo = hi - 100;
    } else if (!hasHi) {
        hi = lo + 100;
    }
    if (integer) {
        const qint64 a = qint64(std::ceil(lo));
        const qint64 b = qint64(std::floor(hi));
        return QJsonValue(m_random.between(a, std::max(a, b)));
    }
    double v = lo + (hi - lo) * m_random.unit();
    v = std::round(v * 100.0) / 100.0;
    v = std::clamp(v, lo, hi);
    return v;
}

QJsonValue SchemaValueGenerator::makeArray(const QJsonObject &schema, int depth)
{
    const int minItems = schema.value(u"minItems"_s).toInt(1);
    int maxItems = schema.value(u"maxItems"_s).toInt(minItems + 3);
    maxItems = std::max(minItems, std::min(maxItems, minItems + 3));
    const int n = int(m_random.between(minItems, maxItems));
    const QJsonValue items = schema.value(u"items"_s);
    QJsonArray out;
    for (int i = 0; i < n; ++i)
        out.append(items.isObject() ? generate(items.toObject(), depth + 1) : QJsonValue(phrase(m_random, 1, 3)));
    return out;
}

QJsonValue SchemaValueGenerator::makeObject(const QJsonObject &schema, int depth)
{
    QJsonObject out;
    const QJsonObject props = schema.value(u"properties"_s).toObject();
    // Every declared property is produced (as a grammar-constrained model
    // does), so "required" is satisfied whatever it lists.
    for (auto it = props.constBegin(); it != props.constEnd(); ++it)
        out.insert(it.key(), generate(it.value().toObject(), depth + 1));
    for (const QJsonValue &r : schema.value(u"required"_s).toArray()) {
        if (!out.contains(r.toString()))
            out.insert(r.toString(), phrase(m_random, 1, 3));
    }
    return out;
}

} // namespace rt::sim
