// The simulator's debate-participant mode, spoken to directly over HTTP:
// deterministic, schema-valid answers; accuracy and persuadability flags;
// malformed replies on request; unknown questions left to the generic
// generator.
#include "debate/stance.h"
#include "simprocess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using rt::test::SimProcess;

namespace {
const QString kQuestion = u"What is the result of 27+12*24+28-13*1? Answer with a single number."_s;

QByteArray chatBody(const QString &model, const QString &user, qint64 seed, const QJsonObject &schema)
{
    QJsonObject body { { u"model"_s, model }, { u"stream"_s, false }, { u"format"_s, schema },
        { u"options"_s, QJsonObject { { u"seed"_s, double(seed) } } },
        { u"messages"_s, QJsonArray { QJsonObject { { u"role"_s, u"user"_s }, { u"content"_s, user } } } } };
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

// The content of a non-streamed /api/chat reply.
QString ask(SimProcess &sim, const QString &model, const QString &user, qint64 seed = 1,
    const QJsonObject &schema = rt::debate::StanceParser::schema(rt::debate::ReplyShape::Stance, { u"Bo"_s, u"Cy"_s }))
{
    const auto reply = SimProcess::httpPost(sim.url(), u"/api/chat"_s, chatBody(model, user, seed, schema));
    return reply.json().value(u"message"_s).toObject().value(u"content"_s).toString();
}

QJsonObject askJson(SimProcess &sim, const QString &model, const QString &user, qint64 seed = 1)
{
    return QJsonDocument::fromJson(ask(sim, model, user, seed).toUtf8()).object();
}

QString prompt(const QString &round, const QStringList &entries)
{
    QString text = u"Question: "_s + kQuestion + u"\n\nAnswers from the previous round:\n"_s;
    for (const QString &e : entries)
        text += e + u"\nArgument: because.\n\n"_s;
    return text + u"\n"_s + round;
}
} // namespace

class TestDebateSim final : public QObject {
    Q_OBJECT

private slots:
    void answersFollowAccuracyAndAreDeterministic()
    {
        SimProcess sim;
        QVERIFY(sim.start({ u"--debate-accuracy"_s, u"llama3.2:1b=1,gemma3:1b=0"_s }));
        const QString user = u"Question: "_s + kQuestion + u"\n\nRound 1 of 3. Answer the question on your own."_s;
        const QJsonObject right = askJson(sim, u"llama3.2:1b"_s, user);
        QCOMPARE(right.value(u"answer"_s).toString(), u"330"_s);
        QVERIFY(right.value(u"confidence"_s).toDouble() >= 0.8);
        // Exactly the schema's properties, valid for the stance parser.
        const QJsonObject props = rt::debate::StanceParser::schema(rt::debate::ReplyShape::Stance).value(u"properties"_s).toObject();
        QCOMPARE(right.keys(), props.keys());
        QVERIFY(rt::debate::StanceParser::parseStrict(ask(sim, u"llama3.2:1b"_s, user), rt::debate::ReplyShape::Stance));
        // Wrong, but a plausible number; the same every time for the same input.
        const QJsonObject wrong = askJson(sim, u"gemma3:1b"_s, user);
        QVERIFY(wrong.value(u"answer"_s).toString() != u"330"_s);
        bool isNumber = false;
        wrong.value(u"answer"_s).toString().toInt(&isNumber);
        QVERIFY(isNumber);
        QCOMPARE(askJson(sim, u"gemma3:1b"_s, user), wrong);
        // Default accuracy 0.6: over many seeds, about that share is right.
        int correct = 0;
        for (int seed = 0; seed < 200; ++seed)
            correct += askJson(sim, u"qwen3:0.6b"_s, user, seed).value(u"answer"_s).toString() == u"330"_s ? 1 : 0;
        QVERIFY2(correct > 90 && correct < 150, qPrintable(QString::number(correct)));
    }

    void keepsOwnAnswerOrJoinsTheMajority()
    {
        SimProcess sim;
        QVERIFY(sim.start({ u"--debate-accuracy"_s, u"*=1"_s, u"--debate-persuadability"_s, u"llama3.2:1b=1,gemma3:1b=0"_s }));
        const QString round2 = u"Round 2 of 3. Read the answers above critically."_s;
        const QStringList entries { u"[Ada] (you) answer: 12 | confidence: 0.60"_s, u"[Bo] answer: 99 | confidence: 0.90"_s,
            u"[Cy] answer: 99 | confidence: 0.80"_s };
        // Persuadable: joins the peers' majority even against what it "knows".
        QJsonObject o = askJson(sim, u"llama3.2:1b"_s, prompt(round2, entries));
        QCOMPARE(o.value(u"answer"_s).toString(), u"99"_s);
        QCOMPARE(o.value(u"agrees_with"_s).toArray(), (QJsonArray { u"Bo"_s, u"Cy"_s }));
        // Stubborn: keeps its own previous answer, even a wrong one.
        o = askJson(sim, u"gemma3:1b"_s, prompt(round2, entries));
        QCOMPARE(o.value(u"answer"_s).toString(), u"12"_s);
        QCOMPARE(o.value(u"disagrees_with"_s).toArray(), (QJsonArray { u"Bo"_s, u"Cy"_s }));
        // No majority among the peers: nobody to follow.
        const QStringList split { u"[Ada] (you) answer: 12 | confidence: 0.60"_s, u"[Bo] answer: 99 | confidence: 0.90"_s,
            u"[Cy] answer: 7 | confidence: 0.80"_s };
        QCOMPARE(askJson(sim, u"llama3.2:1b"_s, prompt(round2, split)).value(u"answer"_s).toString(), u"12"_s);
    }

    void otherShapes()
    {
        SimProcess sim;
        QVERIFY(sim.start({ u"--debate-accuracy"_s, u"*=1"_s }));
        const QString judgePrompt = u"Question: "_s + kQuestion
            + u"\n\nRound 1 arguments:\n[Pro] answer: 331 | confidence: 0.90\n\n[Con] answer: 330 | confidence: 0.70\n\nRound 1 of 3. Decide."_s;
        const QString verdict
            = ask(sim, u"llama3.2:1b"_s, judgePrompt, 1, rt::debate::StanceParser::schema(rt::debate::ReplyShape::Verdict));
        const auto v = rt::debate::StanceParser::parseStrict(verdict, rt::debate::ReplyShape::Verdict);
        QVERIFY2(v, qPrintable(verdict));
        QCOMPARE(*v->settled, true);
        QCOMPARE(v->winner, u"opponent"_s);
        QCOMPARE(v->answer, u"330"_s);

        const QStringList labels { u"Response A"_s, u"Response B"_s, u"Response C"_s };
        const QString rankPrompt = u"Question: "_s + kQuestion
            + u"\n\nResponses:\n[Response A] answer: 17 | confidence: 0.90\n\n[Response B] answer: 330 | confidence: 0.50\n\n"
              "[Response C] answer: 18 | confidence: 0.80\n\nRank all 3 responses."_s;
        const QString ranking
            = ask(sim, u"gemma3:1b"_s, rankPrompt, 1, rt::debate::StanceParser::schema(rt::debate::ReplyShape::Ranking, {}, labels));
        const auto r = rt::debate::StanceParser::parseStrict(ranking, rt::debate::ReplyShape::Ranking);
        QVERIFY2(r, qPrintable(ranking));
        QCOMPARE(r->ranking.size(), 3);
        QCOMPARE(r->ranking.at(0), u"Response B"_s); // the right one first

        const QString synthesis
            = ask(sim, u"gemma3:1b"_s, rankPrompt, 1, rt::debate::StanceParser::schema(rt::debate::ReplyShape::Synthesis));
        const auto y = rt::debate::StanceParser::parseStrict(synthesis, rt::debate::ReplyShape::Synthesis);
        QVERIFY2(y, qPrintable(synthesis));
        QCOMPARE(y->answer, u"330"_s);
    }

    void malformedOnRequest()
    {
        SimProcess sim;
        QVERIFY(sim.start(
            { u"--debate-accuracy"_s, u"*=1"_s, u"--debate-malformed"_s, u"llama3.2:1b=prose,gemma3:1b=fenced:all,qwen3:0.6b=empty"_s }));
        const QString user = u"Question: "_s + kQuestion + u"\n\nRound 1 of 3. Answer."_s;
        const QString prose = ask(sim, u"llama3.2:1b"_s, user);
        QVERIFY(!rt::debate::StanceParser::parseStrict(prose, rt::debate::ReplyShape::Stance));
        QCOMPARE(rt::debate::StanceParser::parseTolerant(prose, rt::debate::ReplyShape::Stance)->answer, u"330"_s);
        const QString fenced = ask(sim, u"gemma3:1b"_s, user);
        QVERIFY(fenced.contains(u"```json"_s));
        QCOMPARE(ask(sim, u"qwen3:0.6b"_s, user), QString());
        // The repair request (an assistant turn follows the question) is answered
        // properly unless ":all" was given.
        const auto repair = [&](const QString &model) {
            QJsonObject body
                = QJsonDocument::fromJson(chatBody(model, user, 1, rt::debate::StanceParser::schema(rt::debate::ReplyShape::Stance)))
                      .object();
            QJsonArray messages = body.value(u"messages"_s).toArray();
            messages.append(QJsonObject { { u"role"_s, u"assistant"_s }, { u"content"_s, u"oops"_s } });
            messages.append(QJsonObject { { u"role"_s, u"user"_s }, { u"content"_s, u"Reply again with only the JSON."_s } });
            body.insert(u"messages"_s, messages);
            return SimProcess::httpPost(sim.url(), u"/api/chat"_s, QJsonDocument(body).toJson())
                .json()
                .value(u"message"_s)
                .toObject()
                .value(u"content"_s)
                .toString();
        };
        QVERIFY(rt::debate::StanceParser::parseStrict(repair(u"llama3.2:1b"_s), rt::debate::ReplyShape::Stance));
        QVERIFY(!rt::debate::StanceParser::parseStrict(repair(u"gemma3:1b"_s), rt::debate::ReplyShape::Stance));
    }

    void unknownQuestionsUseTheGenericGenerator()
    {
        SimProcess sim;
        QVERIFY(sim.start({ u"--debate-accuracy"_s, u"*=1"_s }));
        const QJsonObject o = askJson(sim, u"llama3.2:1b"_s, u"Question: Is remote work better?\n\nRound 1 of 3."_s);
        QVERIFY(o.contains(u"answer"_s));
        QVERIFY(!o.value(u"argument"_s).toString().contains(u"step by step"_s));
        SimProcess off;
        QVERIFY(off.start({ u"--no-debate"_s }));
        QVERIFY(!askJson(off, u"llama3.2:1b"_s, u"Question: "_s + kQuestion).value(u"argument"_s).toString().contains(u"step by step"_s));
    }

    void badFlagsAreRefused()
    {
        for (const QStringList &args :
            { QStringList { u"--debate-accuracy"_s, u"llama3.2:1b=1.5"_s }, QStringList { u"--debate-persuadability"_s, u"x"_s },
                QStringList { u"--debate-malformed"_s, u"*=weird"_s }, QStringList { u"--debate-questions"_s, u"/nonexistent.json"_s } }) {
            SimProcess sim;
            QVERIFY2(!sim.start(args, 3000), qPrintable(args.join(u' ')));
        }
    }
};

QTEST_GUILESS_MAIN(TestDebateSim)
#include "tst_debatesim.moc"
