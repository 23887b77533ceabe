// Stance parsing (strict, tolerant, fallback), the streaming extraction of
// the visible argument, and prompt trimming. No server.
#include "debate/promptbuilder.h"
#include "debate/stance.h"
#include "debate/visibletextstreamer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using namespace rt::debate;

namespace {
QString j(const char *utf8)
{
    return QString::fromUtf8(utf8);
}
} // namespace

class TestStanceParser final : public QObject {
    Q_OBJECT

private slots:
    void strictStance()
    {
        const auto s = StanceParser::parseStrict(
            j("{\"argument\":\"Because "
              "6*7.\",\"answer\":\"42\",\"confidence\":0.8,\"key_points\":[\"a\",\"b\"],\"agrees_with\":[\"Skeptic\"]}"),
            ReplyShape::Stance);
        QVERIFY(s);
        QCOMPARE(s->answer, u"42"_s);
        QCOMPARE(*s->confidence, 0.8);
        QCOMPARE(s->argument, u"Because 6*7."_s);
        QCOMPARE(s->keyPoints, (QStringList { u"a"_s, u"b"_s }));
        QCOMPARE(s->agreesWith, QStringList { u"Skeptic"_s });
        QVERIFY(s->parseOk());
        QCOMPARE(s->source, Stance::Source::Schema);
        // Numbers and percentages as given by small models.
        QCOMPARE(StanceParser::parseStrict(j("{\"answer\":42,\"confidence\":\"85%\"}"), ReplyShape::Stance)->answer, u"42"_s);
        QCOMPARE(*StanceParser::parseStrict(j("{\"answer\":\"x\",\"confidence\":85}"), ReplyShape::Stance)->confidence, 0.85);
        QCOMPARE(*StanceParser::parseStrict(j("{\"answer\":\"x\",\"confidence\":-2}"), ReplyShape::Stance)->confidence, 0.0);
    }

    void strictRejects_data()
    {
        QTest::addColumn<QString>("content");
        QTest::newRow("empty") << QString();
        QTest::newRow("prose") << u"I think the answer is 42."_s;
        QTest::newRow("no confidence") << j("{\"answer\":\"42\"}");
        QTest::newRow("empty answer") << j("{\"answer\":\"  \",\"confidence\":0.5}");
        QTest::newRow("array") << j("[{\"answer\":\"42\",\"confidence\":0.5}]");
        QTest::newRow("truncated") << j("{\"argument\":\"Because\",\"answer\":\"4");
        QTest::newRow("fenced") << u"```json\n{\"answer\":\"42\",\"confidence\":0.5}\n```"_s;
    }
    void strictRejects()
    {
        QFETCH(QString, content);
        QVERIFY(!StanceParser::parseStrict(content, ReplyShape::Stance));
        QVERIFY(!StanceParser::problemWith(content, ReplyShape::Stance).isEmpty());
    }

    void tolerant()
    {
        // JSON in a code fence inside prose.
        auto s = StanceParser::parseTolerant(u"Sure!\n```json\n{\"answer\":\"7\",\"confidence\":0.6}\n```\nDone."_s, ReplyShape::Stance);
        QVERIFY(s);
        QCOMPARE(s->answer, u"7"_s);
        QCOMPARE(s->source, Stance::Source::Tolerant);
        QVERIFY(!s->parseOk());
        // Bare object in prose, with braces inside strings; the last fitting one wins.
        s = StanceParser::parseTolerant(j("First {\"answer\":\"1\",\"confidence\":0.2} then, on reflection, {\"argument\":\"set "
                                          "{x}\",\"final_answer\":\"2\",\"confidence_level\":0.9}."),
            ReplyShape::Stance);
        QVERIFY(s);
        QCOMPARE(s->answer, u"2"_s);
        QCOMPARE(*s->confidence, 0.9);
        QCOMPARE(s->argument, u"set {x}"_s);
        // No JSON: the answer is guessed, confidence unknown.
        s = StanceParser::parseTolerant(u"Working it out gives \\boxed{17}, I believe."_s, ReplyShape::Stance);
        QVERIFY(s);
        QCOMPARE(s->answer, u"17"_s);
        QCOMPARE(s->source, Stance::Source::Fallback);
        QVERIFY(!s->confidence);
        QCOMPARE(StanceParser::parseTolerant(u"So I would say the answer is 12. Maybe."_s, ReplyShape::Stance)->answer, u"12"_s);
        QCOMPARE(StanceParser::parseTolerant(u"Seven minus two leaves 5"_s, ReplyShape::Stance)->answer, u"5"_s);
        QVERIFY(!StanceParser::parseTolerant(QString(), ReplyShape::Stance));
        QVERIFY(!StanceParser::parseTolerant(u"No idea at all"_s, ReplyShape::Stance));
    }

    void otherShapes()
    {
        auto v = StanceParser::parseStrict(
            j("{\"reason\":\"r\",\"settled\":true,\"winner\":\"Opponent\",\"answer\":\"9\",\"confidence\":0.7}"), ReplyShape::Verdict);
        QVERIFY(v);
        QCOMPARE(*v->settled, true);
        QCOMPARE(v->winner, u"opponent"_s);
        QCOMPARE(v->argument, u"r"_s);
        QVERIFY(!StanceParser::parseStrict(j("{\"reason\":\"r\",\"winner\":\"opponent\"}"), ReplyShape::Verdict)); // settled missing
        QVERIFY(!StanceParser::parseStrict(j("{\"settled\":true,\"winner\":\"x\"}"), ReplyShape::Verdict)); // settled without answer
        v = StanceParser::parseStrict(j("{\"settled\":false,\"winner\":\"who\"}"), ReplyShape::Verdict);
        QVERIFY(v);
        QCOMPARE(v->winner, u"neither"_s);

        auto r = StanceParser::parseStrict(j("{\"reason\":\"x\",\"ranking\":[\"Response B\",\"Response A\"]}"), ReplyShape::Ranking);
        QVERIFY(r);
        QCOMPARE(r->ranking, (QStringList { u"Response B"_s, u"Response A"_s }));
        QVERIFY(!StanceParser::parseStrict(j("{\"reason\":\"x\",\"ranking\":[]}"), ReplyShape::Ranking));

        auto y = StanceParser::parseStrict(j("{\"synthesis\":\"All agree.\",\"answer\":\"4\",\"confidence\":1}"), ReplyShape::Synthesis);
        QVERIFY(y);
        QCOMPARE(y->argument, u"All agree."_s);
        QVERIFY(!StanceParser::parseStrict(j("{\"answer\":\"4\",\"confidence\":1}"), ReplyShape::Synthesis));
    }

    void schema()
    {
        const QJsonObject s = StanceParser::schema(ReplyShape::Stance, { u"Skeptic"_s, u"Ethicist"_s });
        QCOMPARE(s.value(u"type"_s).toString(), u"object"_s);
        const QJsonObject props = s.value(u"properties"_s).toObject();
        for (const auto &key : { u"argument"_s, u"answer"_s, u"confidence"_s, u"key_points"_s, u"agrees_with"_s, u"disagrees_with"_s })
            QVERIFY2(props.contains(key), qPrintable(key));
        QCOMPARE(props.value(u"key_points"_s).toObject().value(u"maxItems"_s).toInt(), 5);
        QCOMPARE(props.value(u"agrees_with"_s).toObject().value(u"items"_s).toObject().value(u"enum"_s).toArray().size(), 2);
        QVERIFY(s.value(u"required"_s).toArray().contains(u"confidence"_s));
        const QJsonObject ranking = StanceParser::schema(ReplyShape::Ranking, {}, { u"Response A"_s, u"Response B"_s });
        QCOMPARE(ranking.value(u"properties"_s).toObject().value(u"ranking"_s).toObject().value(u"minItems"_s).toInt(), 2);
    }

    void stanceJsonRoundTrip()
    {
        Stance s;
        s.source = Stance::Source::Repaired;
        s.answer = u"B"_s;
        s.confidence = 0.4;
        s.keyPoints = { u"k"_s };
        s.settled = false;
        s.ranking = { u"Response A"_s };
        const Stance back = Stance::fromJson(s.toJson());
        QCOMPARE(back.source, Stance::Source::Repaired);
        QCOMPARE(back.answer, u"B"_s);
        QCOMPARE(*back.confidence, 0.4);
        QCOMPARE(back.keyPoints, s.keyPoints);
        QCOMPARE(*back.settled, false);
        QCOMPARE(back.ranking, s.ranking);
    }

    void visibleTextStreams_data()
    {
        QTest::addColumn<int>("pieceSize");
        for (int n : { 1, 2, 3, 7, 1000 })
            QTest::newRow(qPrintable(u"pieces of %1"_s.arg(n))) << n;
    }
    void visibleTextStreams()
    {
        QFETCH(int, pieceSize);
        // Nested "argument" keys and other strings must not leak; escapes and
        // surrogate pairs must survive any split.
        const QString json = j(" {\"answer\":\"42\",\"meta\":{\"argument\":\"hidden\"},\"argument\":\"Line 1\\n\\\"quoted\\\" caf\\u00e9 "
                               "\\ud83c\\udfb2 back\\\\slash\",\"key_points\":[\"not shown\"]}");
        VisibleTextStreamer streamer;
        QString out;
        for (qsizetype i = 0; i < json.size(); i += pieceSize)
            out += streamer.feed(QStringView(json).mid(i, pieceSize));
        QCOMPARE(out, u"Line 1\n\"quoted\" café 🎲 back\\slash"_s);
    }

    void visibleTextPassesProseThrough()
    {
        VisibleTextStreamer streamer;
        QString out = streamer.feed(u"  I think"_s);
        out += streamer.feed(u" {not json}"_s);
        QCOMPARE(out, u"I think {not json}"_s);
        streamer.reset();
        QCOMPARE(streamer.feed(j("{\"synthesis\":\"S\",\"argument\":\"A\"}")), u"A"_s);
        VisibleTextStreamer other(u"synthesis"_s);
        QCOMPARE(other.feed(j("{\"synthesis\":\"S\",\"argument\":\"A\"}")), u"S"_s);
    }

    void promptEntry()
    {
        TurnRecord t;
        t.info.agentName = u"Skeptic"_s;
        t.stance.answer = u"42"_s;
        t.stance.confidence = 0.8;
        t.stance.argument = u"Because."_s;
        t.stance.keyPoints = { u"one"_s, u"two"_s };
        QCOMPARE(PromptBuilder::entry(t, t.info.agentName, false),
            u"[Skeptic] answer: 42 | confidence: 0.80\nArgument: Because.\nKey points: one; two"_s);
        QVERIFY(PromptBuilder::entry(t, u"Response A"_s, true).startsWith(u"[Response A] (you) answer: 42"_s));
        t.stance = Stance();
        t.text = u"raw"_s;
        QCOMPARE(PromptBuilder::entry(t, u"X"_s, false), u"[X] gave no clear answer\nArgument: raw"_s);
    }

    void promptTrimming()
    {
        PromptParts parts;
        parts.system = u"You are a debater."_s;
        parts.question = u"What is 2+2?"_s;
        parts.task = u"Round 5 of 5. Answer."_s;
        parts.notes = { u"Be brief."_s };
        for (int r = 1; r <= 3; ++r)
            parts.older.append(u"Round %1: "_s.arg(r) + QString(300, u'o'));
        parts.latestHeading = u"Answers from round 4:"_s;
        parts.latest = { u"[A] answer: 4 | confidence: 0.90\nArgument: "_s + QString(3000, u'a'),
            u"[B] answer: 5 | confidence: 0.50\nArgument: "_s + QString(3000, u'b') };
        bool trimmed = true;
        auto messages = PromptBuilder::build(parts, 100000, &trimmed);
        QVERIFY(!trimmed);
        QCOMPARE(messages.size(), 2);
        QCOMPARE(messages.at(0).role, u"system"_s);
        QVERIFY(messages.at(1).content.contains(u"Round 1: "_s));

        // Older rounds go first, then the latest entries shrink; the question,
        // the notes, the task and every latest answer line stay.
        messages = PromptBuilder::build(parts, 2500, &trimmed);
        QVERIFY(trimmed);
        const QString user = messages.at(1).content;
        QVERIFY(user.startsWith(u"Question: What is 2+2?"_s));
        QVERIFY(user.contains(u"Be brief."_s));
        QVERIFY(user.endsWith(u"Round 5 of 5. Answer."_s));
        QVERIFY(!user.contains(u"Round 1: "_s));
        QVERIFY(user.contains(u"left out for length"_s));
        QVERIFY(user.contains(u"[A] answer: 4 | confidence: 0.90"_s));
        QVERIFY(user.contains(u"[B] answer: 5 | confidence: 0.50"_s));
        QVERIFY(messages.at(0).content.size() + user.size() <= 2500 + 400);
        QCOMPARE(PromptBuilder::budgetChars(4096, 1024), (4096 - 1024 - 128) * 4);
        QCOMPARE(PromptBuilder::budgetChars(100, 1024), 1200);
    }
};

QTEST_GUILESS_MAIN(TestStanceParser)
#include "tst_stanceparser.moc"
