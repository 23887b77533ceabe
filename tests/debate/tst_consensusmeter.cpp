// ConsensusMeter: answer normalisation, ReConcile recalibration, weighting,
// grouping, threshold edges and ties. Pure functions, no server.
#include "debate/consensusmeter.h"

#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using rt::debate::ConsensusMeter;
using rt::debate::NormalizedAnswer;
using rt::debate::StanceInput;

namespace {
StanceInput stance(int seat, const QString &answer, std::optional<double> confidence, double weight = 1.0)
{
    StanceInput s;
    s.seat = seat;
    s.agentName = u"A%1"_s.arg(seat);
    s.answer = answer;
    s.confidence = confidence;
    s.weight = weight;
    return s;
}
} // namespace

class TestConsensusMeter final : public QObject {
    Q_OBJECT

private slots:
    void normalize_data()
    {
        QTest::addColumn<QString>("answer");
        QTest::addColumn<QString>("key");
        QTest::newRow("int") << u"42"_s << u"n:42"_s;
        QTest::newRow("decimal zero") << u"42.0"_s << u"n:42"_s;
        QTest::newRow("spaces and full stop") << u"  42. "_s << u"n:42"_s;
        QTest::newRow("currency") << u"$42"_s << u"n:42"_s;
        QTest::newRow("unit") << u"42 apples"_s << u"n:42"_s;
        QTest::newRow("thousands") << u"1,000"_s << u"n:1000"_s;
        QTest::newRow("equation") << u"x = 42"_s << u"n:42"_s;
        QTest::newRow("fraction") << u"1/2"_s << u"n:0.5"_s;
        QTest::newRow("half") << u"0.5"_s << u"n:0.5"_s;
        QTest::newRow("negative") << u"-3"_s << u"n:-3"_s;
        QTest::newRow("boxed") << u"\\boxed{17}"_s << u"n:17"_s;
        QTest::newRow("markdown") << u"**1.5 m/s**"_s << u"n:1.5"_s;
        QTest::newRow("words are text") << u"forty-two"_s << u"t:forty two"_s;
        QTest::newRow("two numbers are text") << u"between 3 and 5"_s << u"t:between 3 and 5"_s;
        QTest::newRow("version-like is text") << u"1.2.3"_s << u"t:1 2 3"_s;
        QTest::newRow("yes") << u"Yes"_s << u"yn:yes"_s;
        QTest::newRow("yes dot") << u"yes."_s << u"yn:yes"_s;
        QTest::newRow("yes comma") << u"YES, it is"_s << u"yn:yes"_s;
        QTest::newRow("true") << u"true"_s << u"yn:yes"_s;
        QTest::newRow("no") << u"No"_s << u"yn:no"_s;
        QTest::newRow("no one is text") << u"No one knows"_s << u"t:no one knows"_s;
        QTest::newRow("letter") << u"B"_s << u"opt:b"_s;
        QTest::newRow("paren letter") << u"(b)"_s << u"opt:b"_s;
        QTest::newRow("option letter") << u"Option B"_s << u"opt:b"_s;
        QTest::newRow("letter and text") << u"b) Paris"_s << u"opt:b"_s;
        QTest::newRow("article is not an option") << u"a dog"_s << u"t:dog"_s;
        QTest::newRow("text case and punctuation") << u"The Paris!"_s << u"t:paris"_s;
        QTest::newRow("quoted") << u"\"Canberra\""_s << u"t:canberra"_s;
        QTest::newRow("empty") << u"  "_s << QString();
    }
    void normalize()
    {
        QFETCH(QString, answer);
        QFETCH(QString, key);
        QCOMPARE(ConsensusMeter::normalize(answer).key, key);
    }

    void sameAnswer()
    {
        QVERIFY(ConsensusMeter::sameAnswer(u"42"_s, u"42.0"_s));
        QVERIFY(ConsensusMeter::sameAnswer(u"0.5 t"_s, u"1/2"_s));
        QVERIFY(!ConsensusMeter::sameAnswer(u"42"_s, u"forty-two"_s)); // allowed to differ
        QVERIFY(!ConsensusMeter::sameAnswer(u"42"_s, u"43"_s));
        QVERIFY(!ConsensusMeter::sameAnswer(u"yes"_s, u"no"_s));
        QVERIFY(!ConsensusMeter::sameAnswer(u"B"_s, u"Mercury"_s));
        QVERIFY(!ConsensusMeter::sameAnswer(u""_s, u""_s)); // no answer never agrees
        // Free text by word overlap (Jaccard >= 0.6).
        QVERIFY(ConsensusMeter::sameAnswer(u"the city of Paris"_s, u"Paris city"_s));
        QVERIFY(!ConsensusMeter::sameAnswer(u"Paris"_s, u"Lyon"_s));
        // With embeddings, cosine decides.
        StanceInput a = stance(0, u"remote work helps"_s, 0.9);
        StanceInput b = stance(1, u"working from home is better"_s, 0.9);
        QVERIFY(!ConsensusMeter::sameAnswer(a, b, {}));
        a.embedding = { 1.0, 0.1, 0.0 };
        b.embedding = { 0.95, 0.15, 0.0 };
        QVERIFY(ConsensusMeter::sameAnswer(a, b, {}));
        b.embedding = { 0.0, 1.0, 0.0 };
        QVERIFY(!ConsensusMeter::sameAnswer(a, b, {}));
    }

    void recalibrate_data()
    {
        QTest::addColumn<double>("confidence");
        QTest::addColumn<double>("expected");
        QTest::newRow("0") << 0.0 << 0.1;
        QTest::newRow("0.6") << 0.6 << 0.1;
        QTest::newRow("0.61") << 0.61 << 0.3;
        QTest::newRow("0.79") << 0.79 << 0.3;
        QTest::newRow("0.8") << 0.8 << 0.5;
        QTest::newRow("0.89") << 0.89 << 0.5;
        QTest::newRow("0.9") << 0.9 << 0.8;
        QTest::newRow("0.99") << 0.99 << 0.8;
        QTest::newRow("1") << 1.0 << 1.0;
        QTest::newRow("above 1 clamps") << 1.5 << 1.0;
    }
    void recalibrate()
    {
        QFETCH(double, confidence);
        QFETCH(double, expected);
        QCOMPARE(ConsensusMeter::recalibrate(confidence), expected);
        QCOMPARE(ConsensusMeter::recalibrate(std::nullopt), 0.1); // unknown counts as 0.5
        QCOMPARE(ConsensusMeter::recalibrate(0.7, false), 0.7);
    }

    void weighting()
    {
        // 41 has two voices at 0.9 (0.8 each), 42 one at 1.0 (1.0).
        QList<StanceInput> in { stance(0, u"42"_s, 1.0), stance(1, u"41"_s, 0.9), stance(2, u"41"_s, 0.9) };
        auto snap = ConsensusMeter::evaluate(in, {});
        QCOMPARE(snap.leadingAnswer, u"41"_s);
        QCOMPARE(snap.groups.size(), 2);
        QVERIFY(qFuzzyCompare(snap.groups.at(0).support, 1.6));
        QVERIFY(qFuzzyCompare(snap.score, 1.6 / 2.6));
        QVERIFY(!snap.reached);
        QVERIFY(!snap.unanimous);
        QCOMPARE(snap.groups.at(0).seats, (QList<int> { 1, 2 }));
        // A heavier agent turns it around.
        in[0].weight = 3.0;
        snap = ConsensusMeter::evaluate(in, {});
        QCOMPARE(snap.leadingAnswer, u"42"_s);
        QVERIFY(qFuzzyCompare(snap.score, 3.0 / 4.6));
        // Without recalibration the raw confidences count.
        in[0].weight = 1.0;
        ConsensusMeter::Options raw;
        raw.recalibrate = false;
        snap = ConsensusMeter::evaluate(in, raw);
        QVERIFY(qFuzzyCompare(snap.score, 1.8 / 2.8));
        // All weights zero: heads are counted instead.
        for (StanceInput &s : in)
            s.weight = 0.0;
        snap = ConsensusMeter::evaluate(in, {});
        QCOMPARE(snap.leadingAnswer, u"41"_s);
        QVERIFY(qFuzzyCompare(snap.score, 2.0 / 3.0));
    }

    void numericGrouping()
    {
        const QList<StanceInput> in { stance(0, u"42"_s, 0.9), stance(1, u"42.0"_s, 0.9), stance(2, u"42 apples"_s, 0.9),
            stance(3, u"forty-two"_s, 0.9) };
        const auto snap = ConsensusMeter::evaluate(in, {});
        QCOMPARE(snap.groups.size(), 2);
        QCOMPARE(snap.groups.at(0).seats.size(), 3);
        QCOMPARE(snap.groups.at(0).answer, u"42"_s); // the first member's wording
        QCOMPARE(snap.groups.at(1).answer, u"forty-two"_s);
        QCOMPARE(snap.method, u"word-overlap"_s);
        QVERIFY(qFuzzyCompare(snap.score, 0.75));
    }

    void thresholdEdges()
    {
        // Four of five, equal confidence: exactly 0.8.
        QList<StanceInput> in;
        for (int i = 0; i < 4; ++i)
            in.append(stance(i, u"7"_s, 0.95));
        in.append(stance(4, u"8"_s, 0.95));
        ConsensusMeter::Options o;
        o.threshold = 0.8;
        auto snap = ConsensusMeter::evaluate(in, o);
        QVERIFY(qFuzzyCompare(snap.score, 0.8));
        QVERIFY(snap.reached); // >= threshold, despite 3.2/4.0 rounding
        o.threshold = 0.81;
        QVERIFY(!ConsensusMeter::evaluate(in, o).reached);
        // One stance is never a consensus.
        o.threshold = 0.5;
        snap = ConsensusMeter::evaluate({ stance(0, u"7"_s, 1.0) }, o);
        QCOMPARE(snap.score, 1.0);
        QVERIFY(!snap.reached);
        QVERIFY(!snap.unanimous);
        // Unanimous only when nobody is missing.
        in = { stance(0, u"7"_s, 0.7), stance(1, u"7.0"_s, 0.95) };
        QVERIFY(ConsensusMeter::evaluate(in, o).unanimous);
        snap = ConsensusMeter::evaluate(in, o, 1);
        QVERIFY(!snap.unanimous);
        QVERIFY(snap.reached);
        QCOMPARE(snap.missing, 1);
        // An empty answer counts as missing, not as a group.
        in.append(stance(2, QString(), 0.9));
        snap = ConsensusMeter::evaluate(in, o);
        QCOMPARE(snap.missing, 1);
        QCOMPARE(snap.stances, 2);
        QCOMPARE(snap.groups.size(), 1);
    }

    void ties()
    {
        // Equal support (0.95 and 0.99 both recalibrate to 0.8): a tie; the
        // higher mean confidence leads, and a tie never counts as agreement.
        const QList<StanceInput> in { stance(0, u"yes"_s, 0.95), stance(1, u"no"_s, 0.99) };
        ConsensusMeter::Options o;
        o.threshold = 0.5;
        const auto snap = ConsensusMeter::evaluate(in, o);
        QVERIFY(snap.tie);
        QVERIFY(!snap.reached);
        QCOMPARE(snap.leadingAnswer, u"no"_s);
        QVERIFY(qFuzzyCompare(snap.score, 0.5));
        // Same confidence: more members, then the earlier seat.
        const QList<StanceInput> same { stance(3, u"B"_s, 0.9), stance(1, u"A"_s, 0.9) };
        QCOMPARE(ConsensusMeter::evaluate(same, o).leadingAnswer, u"A"_s);
    }

    void meanConfidence()
    {
        const QList<StanceInput> in { stance(0, u"1"_s, 0.5), stance(1, u"1"_s, std::nullopt), stance(2, u"2"_s, 1.0) };
        const auto snap = ConsensusMeter::evaluate(in, {});
        QVERIFY(qFuzzyCompare(snap.meanConfidence, 0.75)); // unknown confidences are left out
        QCOMPARE(snap.method, u"exact"_s);
    }
};

QTEST_GUILESS_MAIN(TestConsensusMeter)
#include "tst_consensusmeter.moc"
