#include "replygenerator.h"

#include "schemavaluegenerator.h"
#include "simrandom.h"
#include "wireformat.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <vector>

using namespace Qt::StringLiterals;

namespace rt::sim {

namespace {

// Each dictionary word in the three spellings a stream needs, built once so
// that a 100,000-token reply shares these strings instead of allocating.
struct WordForms {
    QString first; // "Word" (reply start)
    QString mid; // " word"
    QString sentence; // " Word" (after a full stop)
};

struct Dictionary {
    std::vector<WordForms> ascii;
    std::vector<WordForms> multiByte;
    QString period = u"."_s;
    QString comma = u","_s;
    QString paragraph = u"\n\n"_s;
};

WordForms forms(const QString &w)
{
    const QString cap = w.left(1).toUpper() + w.mid(1);
    return WordForms { cap, u' ' + w, u' ' + cap };
}

const Dictionary &dictionary()
{
    static const Dictionary dict = [] {
        Dictionary d;
        const QStringList ascii {
            u"the"_s,
            u"model"_s,
            u"argument"_s,
            u"is"_s,
            u"clear"_s,
            u"we"_s,
            u"should"_s,
            u"consider"_s,
            u"evidence"_s,
            u"and"_s,
            u"risk"_s,
            u"of"_s,
            u"a"_s,
            u"debate"_s,
            u"point"_s,
            u"that"_s,
            u"this"_s,
            u"view"_s,
            u"seems"_s,
            u"reasonable"_s,
            u"however"_s,
            u"data"_s,
            u"suggests"_s,
            u"otherwise"_s,
            u"in"_s,
            u"practice"_s,
            u"trade-off"_s,
            u"between"_s,
            u"cost"_s,
            u"benefit"_s,
            u"R&D"_s,
            u"a<b"_s,
            u"\"quoted\""_s,
            u"round"_s,
            u"table"_s,
            u"answer"_s,
            u"question"_s,
            u"likely"_s,
            u"because"_s,
            u"so"_s,
            u"it"_s,
            u"depends"_s,
        };
        const QStringList multi {
            u"café"_s,
            u"über"_s,
            u"naïve"_s,
            u"—"_s,
            u"日本"_s,
            u"語"_s,
            u"🎲"_s,
            u"Zürich"_s,
            u"façade"_s,
            u"résumé"_s,
            u"señor"_s,
            u"€5"_s,
            u"→"_s,
            u"Ωmega"_s,
        };
        for (const QString &w : ascii)
            d.ascii.push_back(forms(w));
        for (const QString &w : multi)
            d.multiByte.push_back(forms(w));
        return d;
    }();
    return dict;
}

quint64 replySeed(const GenerationInput &input)
{
    quint64 h = fnv1a(QStringView(input.model));
    h = fnv1a(QStringView(input.lastUserMessage), h ^ 0x5bd1e995ULL);
    h = fnv1a(QStringView(input.endpoint), h);
    return mixSeed(input.seed, h);
}

} // namespace

QStringList ReplyGenerator::freeText(quint64 seed, int tokens, bool forceMultiByte)
{
    const Dictionary &dict = dictionary();
    SimRandom rng(seed);
    QStringList out;
    out.reserve(tokens);
    bool atStart = true;
    bool replyStart = true;
    bool afterComma = false;
    int sentenceLength = 0;
    int sentenceTarget = int(rng.between(6, 14));
    for (int i = 0; i < tokens; ++i) {
        if (tokens > 1 && i == tokens - 1) {
            out.append(dict.period);
            break;
        }
        if (!atStart && sentenceLength >= sentenceTarget && i + 2 < tokens) {
            out.append(dict.period);
            atStart = true;
            sentenceLength = 0;
            sentenceTarget = int(rng.between(6, 14));
            continue;
        }
        if (atStart && !replyStart && i + 2 < tokens && rng.chance(0.12)) {
            out.append(dict.paragraph);
            replyStart = true; // next word starts without a space
            continue;
        }
        if (!atStart && !afterComma && sentenceLength > 2 && i + 2 < tokens && rng.chance(0.06)) {
            out.append(dict.comma);
            afterComma = true;
            continue;
        }
        afterComma = false;
        const bool multi = (forceMultiByte && i == 2) || rng.chance(0.2);
        const std::vector<WordForms> &pool = multi ? dict.multiByte : dict.ascii;
        const WordForms &w = pool[rng.below(quint32(pool.size()))];
        out.append(replyStart ? w.first : (atStart ? w.sentence : w.mid));
        atStart = false;
        replyStart = false;
        ++sentenceLength;
    }
    return out;
}

QStringList ReplyGenerator::splitIntoPieces(const QString &text, quint64 seed)
{
    SimRandom rng(seed);
    QStringList out;
    qsizetype i = 0;
    while (i < text.size()) {
        const int points = int(rng.between(1, 6));
        const qsizetype start = i;
        for (int p = 0; p < points && i < text.size(); ++p) {
            i += (text.at(i).isHighSurrogate() && i + 1 < text.size()) ? 2 : 1;
        }
        out.append(text.mid(start, i - start));
    }
    return out;
}

QString ReplyGenerator::jsonText(const GenerationInput &input, quint64 seed)
{
    SimRandom rng(seed);
    QJsonValue value;
    if (input.format.isObject()) {
        SchemaValueGenerator gen(input.format.toObject(), rng);
        value = gen.generate();
    } else {
        QJsonObject o;
        o.insert(u"answer"_s, SchemaValueGenerator::phrase(rng, 4, 10));
        o.insert(u"confidence"_s, double(rng.between(10, 99)) / 100.0);
        o.insert(u"points"_s, QJsonArray { SchemaValueGenerator::phrase(rng, 2, 5), SchemaValueGenerator::phrase(rng, 2, 5) });
        value = o;
    }
    return QString::fromUtf8(wire::toJson(value));
}

QJsonArray ReplyGenerator::toolCalls(const GenerationInput &input, quint64 seed)
{
    // Call the first offered tool whose name the user mentions.
    const QString lowered = input.lastUserMessage.toLower();
    for (const QJsonValue &t : input.tools) {
        const QJsonObject fn = t.toObject().value(u"function"_s).toObject();
        const QString name = fn.value(u"name"_s).toString();
        if (name.isEmpty() || !lowered.contains(name.toLower()))
            continue;
        SimRandom rng(seed ^ 0x7f4a7c15ULL);
        QJsonObject params = fn.value(u"parameters"_s).toObject();
        if (params.isEmpty())
            params.insert(u"type"_s, u"object"_s);
        SchemaValueGenerator gen(params, rng);
        QJsonValue args = gen.generate();
        if (!args.isObject())
            args = QJsonObject();
        QJsonObject function;
        function.insert(u"index"_s, 0);
        function.insert(u"name"_s, name);
        function.insert(u"arguments"_s, args);
        QJsonObject call;
        call.insert(u"id"_s, u"call_%1"_s.arg(qulonglong(rng.next() & 0xFFFFFFFFULL), 8, 36, QChar(u'0')));
        call.insert(u"function"_s, function);
        return QJsonArray { call };
    }
    return {};
}

GeneratedReply ReplyGenerator::generate(const GenerationInput &input) const
{
    const quint64 seed = replySeed(input);
    GeneratedReply reply;
    if (input.think) {
        const int thinkingTokens = std::clamp(input.tokens / 4, 4, 24);
        reply.thinking = freeText(seed ^ 0xA5A5A5A5ULL, thinkingTokens, false);
    }
    if (!input.tools.isEmpty()) {
        reply.toolCalls = toolCalls(input, seed);
        if (!reply.toolCalls.isEmpty())
            return reply;
    }
    const bool wantsJson = (input.format.isString() && input.format.toString() == u"json"_s) || input.format.isObject();
    if (wantsJson)
        reply.content = splitIntoPieces(jsonText(input, seed), seed);
    else
        reply.content = freeText(seed, std::max(0, input.tokens), true);
    return reply;
}

} // namespace rt::sim
