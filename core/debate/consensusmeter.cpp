#include "consensusmeter.h"

#include <QRegularExpression>
#include <QSet>
#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace rt::debate {

namespace {

constexpr double kEpsilon = 1e-9;

QString stripDecoration(QString s)
{
    s = s.trimmed();
    static const QRegularExpression boxed(u"^\\\\boxed\\{(.*)\\}$"_s);
    if (const auto m = boxed.match(s); m.hasMatch())
        s = m.captured(1).trimmed();
    s.remove(u'*');
    s.remove(u'`');
    // Surrounding quotes.
    while (s.size() >= 2
        && ((s.front() == u'"' && s.back() == u'"') || (s.front() == u'\'' && s.back() == u'\'')
            || (s.front() == QChar(0x201C) && s.back() == QChar(0x201D)))) {
        s = s.mid(1, s.size() - 2).trimmed();
    }
    while (!s.isEmpty() && QStringView(u".!;:").contains(s.back()))
        s.chop(1);
    return s.trimmed();
}

QString wordsOnly(const QString &lower)
{
    QString out;
    out.reserve(lower.size());
    bool space = false;
    for (const QChar c : lower) {
        if (c.isLetterOrNumber()) {
            if (space && !out.isEmpty())
                out += u' ';
            out += c;
            space = false;
        } else {
            space = true;
        }
    }
    return out;
}

QString canonicalNumber(double v)
{
    if (v == 0.0)
        return u"0"_s; // also -0
    if (std::abs(v) < 1e15 && v == std::floor(v))
        return QString::number(qint64(v));
    return QString::number(v, 'g', 12);
}

} // namespace

NormalizedAnswer ConsensusMeter::normalize(const QString &answer)
{
    NormalizedAnswer n;
    const QString s = stripDecoration(answer);
    if (s.isEmpty())
        return n;
    const QString lower = s.toLower();

    static const QRegularExpression yesNo(u"^(yes|no|true|false)(?:$|[\\s,.;:!)(-])"_s);
    if (const auto m = yesNo.match(lower); m.hasMatch()) {
        const QString w = m.captured(1);
        // Only when the rest is short: "Yes, it is" but not "No one knows the answer here".
        const QString rest = lower.mid(m.capturedLength(1)).trimmed();
        const bool punctuated = rest.isEmpty() || rest.startsWith(u',') || rest.startsWith(u'.') || rest.startsWith(u';')
            || rest.startsWith(u'-') || rest.startsWith(u'(');
        if (punctuated) {
            n.kind = NormalizedAnswer::Kind::YesNo;
            n.text = (w == u"yes"_s || w == u"true"_s) ? u"yes"_s : u"no"_s;
            n.key = u"yn:"_s + n.text;
            return n;
        }
    }

    static const QRegularExpression option(u"^(?:option\\s+|choice\\s+)?\\(?([a-j])\\)?(?:[.):]\\s*.*)?$"_s);
    if (const auto m = option.match(lower); m.hasMatch()) {
        const bool plainLetter = lower.size() == 1;
        const bool marked = lower.startsWith(u"option"_s) || lower.startsWith(u"choice"_s) || lower.startsWith(u'(')
            || (lower.size() >= 2 && QStringView(u".):").contains(lower.at(1)));
        if (plainLetter || marked) {
            n.kind = NormalizedAnswer::Kind::Option;
            n.text = m.captured(1);
            n.key = u"opt:"_s + n.text;
            return n;
        }
    }

    // Numbers by value: one number, at most a few other words (units, "x =", "about").
    QString numeric = lower;
    static const QRegularExpression thousands(u"(\\d),(\\d{3})(?!\\d)"_s);
    for (int i = 0; i < 5 && numeric.contains(thousands); ++i)
        numeric.replace(thousands, u"\\1\\2"_s);
    static const QRegularExpression number(u"(?<![\\w.])(-|\\x{2212})?(\\d+(?:\\.\\d+)?|\\.\\d+)(?:\\s*/\\s*(\\d+))?(?![\\d.]*\\d)"_s);
    QRegularExpressionMatchIterator it = number.globalMatch(numeric);
    QList<QRegularExpressionMatch> matches;
    while (it.hasNext())
        matches.append(it.next());
    if (matches.size() == 1) {
        const QRegularExpressionMatch &m = matches.constFirst();
        bool ok = false;
        double v = m.captured(2).toDouble(&ok);
        if (ok && m.capturedLength(3) > 0) {
            const double d = m.captured(3).toDouble();
            ok = d != 0.0;
            if (ok)
                v /= d;
        }
        if (ok && m.capturedLength(1) > 0)
            v = -v;
        QString rest = numeric;
        rest.remove(m.capturedStart(0), m.capturedLength(0));
        const QString restWords = wordsOnly(rest);
        const int words = restWords.isEmpty() ? 0 : int(restWords.count(u' ')) + 1;
        if (ok && std::isfinite(v) && words <= 4) {
            n.kind = NormalizedAnswer::Kind::Number;
            n.number = v;
            n.key = u"n:"_s + canonicalNumber(v);
            n.text = canonicalNumber(v);
            return n;
        }
    }

    QString text = wordsOnly(lower);
    for (const auto &article : { u"the "_s, u"a "_s, u"an "_s }) {
        if (text.startsWith(article) && text.size() > article.size()) {
            text = text.mid(article.size());
            break;
        }
    }
    if (text.isEmpty())
        return n;
    n.kind = NormalizedAnswer::Kind::Text;
    n.text = text;
    n.key = u"t:"_s + text;
    return n;
}

double ConsensusMeter::recalibrate(std::optional<double> confidence, bool enabled)
{
    const double c = std::clamp(confidence.value_or(0.5), 0.0, 1.0);
    if (!enabled)
        return c;
    if (c <= 0.6)
        return 0.1;
    if (c < 0.8)
        return 0.3;
    if (c < 0.9)
        return 0.5;
    if (c < 1.0)
        return 0.8;
    return 1.0;
}

double ConsensusMeter::jaccard(const QString &a, const QString &b)
{
    const auto words = [](const QString &s) {
        const QStringList list = wordsOnly(s.toLower()).split(u' ', Qt::SkipEmptyParts);
        return QSet<QString>(list.begin(), list.end());
    };
    const QSet<QString> wa = words(a);
    const QSet<QString> wb = words(b);
    if (wa.isEmpty() && wb.isEmpty())
        return 1.0;
    const qsizetype shared = QSet<QString>(wa).intersect(wb).size();
    const qsizetype all = QSet<QString>(wa).unite(wb).size();
    return all == 0 ? 0.0 : double(shared) / double(all);
}

double ConsensusMeter::cosine(const QList<double> &a, const QList<double> &b)
{
    if (a.isEmpty() || a.size() != b.size())
        return 0.0;
    double dot = 0, na = 0, nb = 0;
    for (qsizetype i = 0; i < a.size(); ++i) {
        dot += a[i] * b[i];
        na += a[i] * a[i];
        nb += b[i] * b[i];
    }
    if (na <= 0 || nb <= 0)
        return 0.0;
    return dot / (std::sqrt(na) * std::sqrt(nb));
}

bool ConsensusMeter::sameAnswer(const StanceInput &a, const StanceInput &b, const Options &options)
{
    const NormalizedAnswer na = normalize(a.answer);
    const NormalizedAnswer nb = normalize(b.answer);
    if (na.kind == NormalizedAnswer::Kind::Empty || nb.kind == NormalizedAnswer::Kind::Empty)
        return false;
    if (na.kind != nb.kind)
        return false;
    switch (na.kind) {
    case NormalizedAnswer::Kind::Number: {
        const double scale = std::max({ 1.0, std::abs(na.number), std::abs(nb.number) });
        return std::abs(na.number - nb.number) <= kEpsilon * scale;
    }
    case NormalizedAnswer::Kind::YesNo:
    case NormalizedAnswer::Kind::Option:
        return na.key == nb.key;
    case NormalizedAnswer::Kind::Text:
        if (na.key == nb.key)
            return true;
        if (!a.embedding.isEmpty() && !b.embedding.isEmpty())
            return cosine(a.embedding, b.embedding) >= options.cosine;
        return jaccard(na.text, nb.text) >= options.wordOverlap;
    case NormalizedAnswer::Kind::Empty:
        break;
    }
    return false;
}

bool ConsensusMeter::sameAnswer(const QString &a, const QString &b, const Options &options)
{
    StanceInput sa;
    sa.answer = a;
    StanceInput sb;
    sb.answer = b;
    return sameAnswer(sa, sb, options);
}

QList<AnswerGroup> ConsensusMeter::group(const QList<StanceInput> &stances, const Options &options)
{
    struct Working {
        AnswerGroup group;
        StanceInput representative;
        int confidenceCount = 0;
        double confidenceSum = 0.0;
        double count = 0.0; // weight without confidence, for the all-zero case
    };
    QList<Working> working;
    for (const StanceInput &s : stances) {
        const NormalizedAnswer n = normalize(s.answer);
        if (n.kind == NormalizedAnswer::Kind::Empty)
            continue;
        Working *target = nullptr;
        for (Working &w : working) {
            if (sameAnswer(w.representative, s, options)) {
                target = &w;
                break;
            }
        }
        if (!target) {
            Working w;
            w.group.answer = stripDecoration(s.answer);
            w.group.key = n.key;
            w.representative = s;
            working.append(w);
            target = &working.last();
        }
        target->group.seats.append(s.seat);
        target->group.agents.append(s.agentName);
        const double weight = std::max(0.0, s.weight);
        target->group.support += weight * recalibrate(s.confidence, options.recalibrate);
        target->count += 1.0; // heads, for when every weight or confidence is zero
        if (s.confidence) {
            target->confidenceSum += std::clamp(*s.confidence, 0.0, 1.0);
            ++target->confidenceCount;
        }
    }
    double total = 0.0;
    for (const Working &w : std::as_const(working))
        total += w.group.support;
    QList<AnswerGroup> groups;
    for (Working &w : working) {
        if (total <= 0.0) // every weight or confidence was zero: count heads
            w.group.support = w.count;
        w.group.meanConfidence = w.confidenceCount ? w.confidenceSum / w.confidenceCount : 0.0;
        groups.append(w.group);
    }
    // Highest support first; ties: higher mean confidence, more members, earlier seat.
    std::stable_sort(groups.begin(), groups.end(), [](const AnswerGroup &a, const AnswerGroup &b) {
        if (std::abs(a.support - b.support) > kEpsilon)
            return a.support > b.support;
        if (std::abs(a.meanConfidence - b.meanConfidence) > kEpsilon)
            return a.meanConfidence > b.meanConfidence;
        if (a.seats.size() != b.seats.size())
            return a.seats.size() > b.seats.size();
        return a.seats.value(0) < b.seats.value(0);
    });
    return groups;
}

ConsensusSnapshot ConsensusMeter::evaluate(const QList<StanceInput> &stances, const Options &options, int missing)
{
    ConsensusSnapshot snap;
    snap.threshold = options.threshold;
    snap.groups = group(stances, options);
    snap.missing = missing;
    double total = 0.0;
    bool anyText = false;
    bool anyEmbedding = false;
    double confidenceSum = 0.0;
    int confidenceCount = 0;
    for (const StanceInput &s : stances) {
        const NormalizedAnswer n = normalize(s.answer);
        if (n.kind == NormalizedAnswer::Kind::Empty) {
            ++snap.missing;
            continue;
        }
        ++snap.stances;
        if (n.kind == NormalizedAnswer::Kind::Text) {
            anyText = true;
            anyEmbedding = anyEmbedding || !s.embedding.isEmpty();
        }
        if (s.confidence) {
            confidenceSum += std::clamp(*s.confidence, 0.0, 1.0);
            ++confidenceCount;
        }
    }
    for (const AnswerGroup &g : std::as_const(snap.groups))
        total += g.support;
    snap.meanConfidence = confidenceCount ? confidenceSum / confidenceCount : 0.0;
    snap.method = !anyText ? u"exact"_s : (anyEmbedding ? u"embedding"_s : u"word-overlap"_s);
    if (snap.groups.isEmpty() || total <= 0.0)
        return snap;
    snap.leadingAnswer = snap.groups.constFirst().answer;
    snap.score = snap.groups.constFirst().support / total;
    snap.tie = snap.groups.size() > 1 && std::abs(snap.groups.at(0).support - snap.groups.at(1).support) <= kEpsilon;
    snap.unanimous = snap.groups.size() == 1 && snap.missing == 0 && snap.stances >= 2;
    snap.reached = snap.stances >= 2 && !snap.tie && snap.score + kEpsilon >= options.threshold;
    return snap;
}

} // namespace rt::debate
