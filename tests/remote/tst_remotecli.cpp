// The command line of remote viewers, as a user runs it: `roundtable debate
// --serve` prints the viewer link, `roundtable watch LINK` (another process)
// prints the debate and exits 0 when it ends, with what --json printed; a
// wrong link, a refused token and a table nobody serves get clear errors and
// their exit codes; `roundtable serve` checks its viewer flags.
#include "appprocess.h"
#include "simprocess.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>
#include <QUrlQuery>

using namespace Qt::StringLiterals;
using rt::test::AppEnvironment;
using rt::test::AppRun;
using rt::test::SimProcess;
using rt::test::waitForLine;

class TestRemoteCli final : public QObject {
    Q_OBJECT

    SimProcess m_sim;
    AppEnvironment m_env;

private slots:
    void initTestCase()
    {
        QVERIFY2(m_sim.start({ u"--tps"_s, u"60"_s, u"--tokens"_s, u"30"_s }), qPrintable(m_sim.errorString()));
        QVERIFY(m_env.isValid());
    }

    void watchFollowsADebateToItsEnd()
    {
        const QString question = u"Should the standup be async?"_s;
        QProcess debate;
        m_env.start(debate,
            { u"debate"_s, u"--ollama-host"_s, m_sim.url().toString(), u"--question"_s, question, u"--model"_s, u"llama3.2:1b"_s,
                u"--rounds"_s, u"2"_s, u"--json"_s, u"--serve"_s, u"0"_s, u"--linger"_s, u"20"_s });
        QByteArray err;
        const QRegularExpressionMatch link = waitForLine(
            debate, err, QRegularExpression(u"viewers: (http://127\\.0\\.0\\.1:\\d+/\\?token=([0-9a-f]{32}))"_s), true, 20000);
        QVERIFY2(link.hasMatch(), err.constData());
        QVERIFY(!err.contains("token: " + link.captured(2).toUtf8())); // not the /metrics token

        QProcess watch;
        m_env.start(watch, { u"watch"_s, link.captured(1) });
        QVERIFY(watch.waitForFinished(60000));
        const QString out = QString::fromUtf8(watch.readAllStandardOutput());
        const QString watchErr = QString::fromUtf8(watch.readAllStandardError());
        QVERIFY2(watch.exitCode() == 0, qPrintable(watchErr + out));
        QVERIFY2(watchErr.contains(u"Watching 127.0.0.1:"_s), qPrintable(watchErr));

        QVERIFY(debate.waitForFinished(60000)); // --linger ends it
        const QJsonObject result = QJsonDocument::fromJson(debate.readAllStandardOutput()).object();
        QVERIFY(!result.isEmpty());
        QVERIFY2(out.contains(u"Debate %1: %2"_s.arg(result.value(u"debate"_s).toObject().value(u"debate_id"_s).toInt()).arg(question)),
            qPrintable(out));
        // Every turn, once, in the order the debate stored them.
        qsizetype from = 0;
        for (const QJsonValue &t : result.value(u"turns"_s).toArray()) {
            const QString agent = t.toObject().value(u"agent"_s).toString();
            const QString text = t.toObject().value(u"text"_s).toString();
            const qsizetype at = out.indexOf(u"["_s + agent + u"]"_s, from);
            QVERIFY2(at >= 0, qPrintable(agent + u" missing after "_s + QString::number(from) + u"\n"_s + out));
            QVERIFY(out.indexOf(text, at) > at);
            from = at + 1;
        }
        QCOMPARE(out.count(u"Consensus after round"_s), result.value(u"rounds"_s).toArray().size());
        QVERIFY(out.contains(u"Result: "_s + result.value(u"result"_s).toObject().value(u"answer"_s).toString()));
    }

    void badLinksAndRefusalsAreClear()
    {
        AppRun notALink = m_env.run({ u"watch"_s, u"ftp://nowhere"_s });
        QCOMPARE(notALink.code, 2);
        QVERIFY2(notALink.err.contains(u"is not a viewer link"_s), qPrintable(notALink.err));
        AppRun noToken = m_env.run({ u"watch"_s, u"http://127.0.0.1:9/"_s });
        QCOMPARE(noToken.code, 2);
        QVERIFY(noToken.err.contains(u"no token"_s));

        // Nobody serves there: retried, then given up with exit 3.
        const QUrl dead = rt::test::closedLoopbackUrl();
        AppRun nobody = m_env.run({ u"watch"_s, u"%1/?token=00"_s.arg(dead.toString()), u"--give-up-after"_s, u"2"_s });
        QCOMPARE(nobody.code, 3);
        QVERIFY2(nobody.err.contains(u"Gave up"_s), qPrintable(nobody.err));

        // A wrong token: refused at once, exit 1, no retries.
        QProcess serve;
        m_env.start(serve, { u"serve"_s, u"--ollama-host"_s, m_sim.url().toString(), u"--port"_s, u"0"_s, u"--no-db"_s });
        QByteArray err;
        QByteArray out;
        QElapsedTimer clock;
        clock.start();
        QRegularExpressionMatch link;
        while (clock.elapsed() < 20000 && !link.hasMatch()) {
            serve.waitForReadyRead(100);
            out += serve.readAllStandardOutput();
            link = QRegularExpression(u"viewers: (http://127\\.0\\.0\\.1:\\d+)/\\?token=([0-9a-f]{32})"_s).match(QString::fromUtf8(out));
        }
        QVERIFY2(link.hasMatch(), out.constData());
        AppRun refused = m_env.run({ u"watch"_s, link.captured(1) + u"/?token=ffffffffffffffffffffffffffffffff"_s }, 20000);
        QCOMPARE(refused.code, 1);
        QVERIFY2(refused.err.contains(u"token is not valid"_s), qPrintable(refused.err));
        // With the right one it waits for a debate (none runs): still connected after a while.
        QProcess waiting;
        m_env.start(waiting, { u"watch"_s, link.captured(1) + u"/?token="_s + link.captured(2) });
        QByteArray waitingErr;
        QVERIFY(waitForLine(waiting, waitingErr, QRegularExpression(u"waiting for the next one"_s), true, 10000).hasMatch());
        waiting.terminate();
        QVERIFY(waiting.waitForFinished(10000));
        QCOMPARE(waiting.exitCode(), 130);
        serve.terminate();
        QVERIFY(serve.waitForFinished(10000));
    }

    void serveChecksItsViewerFlags()
    {
        AppRun shortToken = m_env.run({ u"serve"_s, u"--viewer-token"_s, u"abc"_s, u"--no-db"_s });
        QCOMPARE(shortToken.code, 2);
        QVERIFY(shortToken.err.contains(u"--viewer-token"_s));
        AppRun halfTls = m_env.run({ u"serve"_s, u"--tls-cert"_s, u"cert.pem"_s, u"--no-db"_s });
        QCOMPARE(halfTls.code, 2);
        QVERIFY(halfTls.err.contains(u"--tls-key"_s));
        AppRun missingCert = m_env.run({ u"serve"_s, u"--port"_s, u"0"_s, u"--tls-cert"_s, u"/nonexistent/cert.pem"_s, u"--tls-key"_s,
            u"/nonexistent/key.pem"_s, u"--no-db"_s });
        QCOMPARE(missingCert.code, 1);
        QVERIFY2(missingCert.err.contains(u"/nonexistent/cert.pem"_s), qPrintable(missingCert.err));
        AppRun viewers = m_env.run({ u"serve"_s, u"--max-viewers"_s, u"0"_s, u"--no-db"_s });
        QCOMPARE(viewers.code, 2);
    }
};

QTEST_GUILESS_MAIN(TestRemoteCli)
#include "tst_remotecli.moc"
