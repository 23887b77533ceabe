// The command line as a grown-up tool: global options before or after the
// subcommand, strict --ollama-host values, `roundtable hosts`, requests that
// go through the hosts in the settings, streamed text that reaches a pipe
// while it is generated, and the default model for agents without one.
// Runs the built `roundtable` against simulators, with its own settings.
#include "simprocess.h"
#include "testpaths.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestCliHosts final : public QObject {
    Q_OBJECT

    rt::test::SimProcess m_a;
    rt::test::SimProcess m_b;
    std::unique_ptr<QTemporaryDir> m_home;

    struct Outcome {
        int exitCode = -1;
        QString out;
        QString err;
    };

    QProcessEnvironment environment() const
    {
        // Never the user's settings, database or Ollama.
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.remove(u"OLLAMA_HOST"_s);
        e.remove(u"ROUNDTABLE_DB"_s);
        e.remove(u"DISPLAY"_s);
        e.remove(u"WAYLAND_DISPLAY"_s);
        e.remove(u"QT_QPA_PLATFORM"_s);
        e.insert(u"HOME"_s, m_home->path());
        e.insert(u"XDG_CONFIG_HOME"_s, m_home->path() + u"/config"_s);
        e.insert(u"XDG_DATA_HOME"_s, m_home->path() + u"/data"_s);
        e.insert(u"OLLAMA_HOST"_s, closedPortUrl()); // a default that must not be used
        return e;
    }

    Outcome run(const QStringList &args) const
    {
        QProcess process;
        process.setProcessEnvironment(environment());
        process.start(rt::test::appPath(), args);
        process.closeWriteChannel();
        if (!process.waitForFinished(60000)) {
            process.kill();
            process.waitForFinished();
        }
        return { process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError()) };
    }

    QString db() const { return m_home->path() + u"/rt.sqlite"_s; }

    static QString closedPortUrl()
    {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost);
        const quint16 port = probe.serverPort();
        probe.close();
        return u"http://127.0.0.1:%1"_s.arg(port);
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_a.start({ u"--tokens"_s, u"12"_s }), qPrintable(m_a.errorString()));
        QVERIFY2(m_b.start({ u"--tokens"_s, u"12"_s }), qPrintable(m_b.errorString()));
    }

    void init()
    {
        m_home = std::make_unique<QTemporaryDir>();
        QVERIFY(m_home->isValid());
    }

    // roundtable --db X history list, roundtable --ollama-host URL models list:
    // global options in front of the subcommand, as in git or docker.
    void globalOptionsBeforeTheSubcommand()
    {
        const Outcome history = run({ u"--db"_s, db(), u"history"_s, u"list"_s });
        QVERIFY2(history.exitCode == 0, qPrintable(history.err));
        QVERIFY(QFile::exists(db())); // the database named before the subcommand was used
        const Outcome models = run({ u"--ollama-host"_s, m_a.url().toString(), u"models"_s, u"list"_s });
        QVERIFY2(models.exitCode == 0, qPrintable(models.err));
        QVERIFY(models.out.contains(u"llama3.2:1b"_s));
        const Outcome equals = run({ u"--ollama-host="_s + m_a.url().toString(), u"--verbose"_s, u"hosts"_s, u"check"_s, u"--json"_s });
        QVERIFY2(equals.exitCode == 0, qPrintable(equals.err));
        const QJsonArray checked = QJsonDocument::fromJson(equals.out.toUtf8()).array();
        QCOMPARE(checked.size(), 1);
        QCOMPARE(checked.at(0)[u"state"_s].toString(), u"up"_s);
        // The same options after the subcommand mean the same.
        const Outcome after = run({ u"models"_s, u"list"_s, u"--ollama-host"_s, m_a.url().toString() });
        QCOMPARE(after.exitCode, 0);
        QCOMPARE(after.out, models.out);
        // A typo in command position is named, not mistaken for the window.
        const Outcome typo = run({ u"--db"_s, db(), u"histroy"_s, u"list"_s });
        QCOMPARE(typo.exitCode, 2);
        QVERIFY(typo.err.contains(u"histroy"_s));
    }

    void invalidOllamaHostIsAUsageError_data()
    {
        QTest::addColumn<QString>("value");
        QTest::newRow("no host") << u"http://"_s;
        QTest::newRow("bad port") << u":abc"_s;
        QTest::newRow("ftp") << u"ftp://x"_s;
        QTest::newRow("port range") << u"127.0.0.1:70000"_s;
    }

    void invalidOllamaHostIsAUsageError()
    {
        QFETCH(QString, value);
        for (const QStringList &args : { QStringList { u"--ollama-host"_s, value, u"models"_s, u"list"_s },
                 QStringList { u"chat"_s, u"--model"_s, u"llama3.2:1b"_s, u"--ollama-host"_s, value, u"hi"_s } }) {
            const Outcome o = run(args);
            QCOMPARE(o.exitCode, 2);
            QVERIFY2(o.err.contains(u"\""_s + value + u"\""_s), qPrintable(o.err));
            QCOMPARE(o.err.count(u'\n'), 1);
            QVERIFY(o.out.isEmpty());
        }
    }

    void hostsAddListCheckRemove()
    {
        // Nothing saved: the implicit host ($OLLAMA_HOST here) is listed as such.
        Outcome list = run({ u"hosts"_s, u"list"_s, u"--json"_s });
        QCOMPARE(list.exitCode, 0);
        QJsonArray hosts = QJsonDocument::fromJson(list.out.toUtf8()).array();
        QCOMPARE(hosts.size(), 1);
        QCOMPARE(hosts.at(0)[u"saved"_s].toBool(), false);

        QCOMPARE(run({ u"hosts"_s, u"add"_s, u"alpha"_s, m_a.url().toString() }).exitCode, 0);
        QCOMPARE(run({ u"hosts"_s, u"add"_s, u"beta"_s, m_b.url().toString(), u"--max-concurrent"_s, u"2"_s }).exitCode, 0);
        const Outcome duplicate = run({ u"hosts"_s, u"add"_s, u"ALPHA"_s, m_b.url().toString() });
        QCOMPARE(duplicate.exitCode, 1);
        QVERIFY(duplicate.err.contains(u"already exists"_s));
        const Outcome badUrl = run({ u"hosts"_s, u"add"_s, u"gamma"_s, u"ftp://x"_s });
        QCOMPARE(badUrl.exitCode, 2);
        QCOMPARE(run({ u"hosts"_s, u"add"_s, u"bad name!"_s, m_b.url().toString() }).exitCode, 2);

        list = run({ u"hosts"_s, u"list"_s, u"--json"_s });
        hosts = QJsonDocument::fromJson(list.out.toUtf8()).array();
        QStringList names;
        for (const QJsonValue &h : hosts) {
            names.append(h[u"name"_s].toString());
            QVERIFY(h[u"saved"_s].toBool());
        }
        // The host used before anything was saved stays, then the two added.
        QCOMPARE(names, (QStringList { u"local"_s, u"alpha"_s, u"beta"_s }));
        QCOMPARE(hosts.at(2)[u"max_concurrent"_s].toInt(), 2);
        const Outcome table = run({ u"hosts"_s });
        QVERIFY(table.out.endsWith(u'\n'));
        QVERIFY(table.out.contains(m_b.url().toString(QUrl::StripTrailingSlash)));

        // check: local (a closed port) is down, alpha and beta answer.
        Outcome check = run({ u"hosts"_s, u"check"_s, u"--json"_s });
        QVERIFY2(check.exitCode == 0, qPrintable(check.err));
        QJsonArray checked = QJsonDocument::fromJson(check.out.toUtf8()).array();
        QCOMPARE(checked.size(), 3);
        QCOMPARE(checked.at(0)[u"state"_s].toString(), u"down"_s);
        QVERIFY(!checked.at(0)[u"error"_s].toString().isEmpty());
        for (int i : { 1, 2 }) {
            QCOMPARE(checked.at(i)[u"state"_s].toString(), u"up"_s);
            QVERIFY(!checked.at(i)[u"version"_s].toString().isEmpty());
            QVERIFY(checked.at(i)[u"latency_ms"_s].toDouble(-1) >= 0);
            QVERIFY(checked.at(i)[u"models"_s].toArray().contains(u"llama3.2:1b"_s));
        }
        const Outcome text = run({ u"hosts"_s, u"check"_s });
        QVERIFY(text.out.contains(u"STATE"_s) && text.out.contains(u"up"_s) && text.out.contains(u"down"_s));
        QVERIFY(text.err.contains(u"local"_s)); // why it is down

        // A chat goes through the saved hosts: local is down, the pool moves on.
        const Outcome chat = run({ u"chat"_s, u"--no-save"_s, u"--json"_s, u"--model"_s, u"llama3.2:1b"_s, u"hello"_s });
        QVERIFY2(chat.exitCode == 0, qPrintable(chat.err));
        const QJsonObject reply = QJsonDocument::fromJson(chat.out.toUtf8()).object();
        QCOMPARE(reply[u"status"_s].toString(), u"completed"_s);
        QVERIFY(reply[u"host_name"_s].toString() == u"alpha"_s || reply[u"host_name"_s].toString() == u"beta"_s);

        // rm; with only a dead host left, check exits 3.
        QCOMPARE(run({ u"hosts"_s, u"rm"_s, u"alpha"_s }).exitCode, 0);
        QCOMPARE(run({ u"hosts"_s, u"rm"_s, u"beta"_s }).exitCode, 0);
        const Outcome missing = run({ u"hosts"_s, u"rm"_s, u"beta"_s });
        QCOMPARE(missing.exitCode, 1);
        QVERIFY(missing.err.contains(u"local"_s)); // names what exists
        check = run({ u"hosts"_s, u"check"_s });
        QCOMPARE(check.exitCode, 3);
        // --ollama-host means just this host, whatever is saved.
        check = run({ u"hosts"_s, u"check"_s, u"--json"_s, u"--ollama-host"_s, m_b.url().toString() });
        QCOMPARE(check.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(check.out.toUtf8()).array().size(), 1);
    }

    // The reply reaches a pipe while it is generated, not in one block at the end.
    void streamedTextReachesAPipePromptly()
    {
        rt::test::SimProcess slow;
        QVERIFY2(slow.start({ u"--tokens"_s, u"60"_s, u"--tps"_s, u"20"_s }), qPrintable(slow.errorString()));
        QProcess process;
        process.setProcessEnvironment(environment());
        QElapsedTimer clock;
        qint64 firstOutputMs = -1;
        connect(&process, &QProcess::readyReadStandardOutput, this, [&] {
            if (firstOutputMs < 0)
                firstOutputMs = clock.elapsed();
        });
        clock.start();
        process.start(rt::test::appPath(),
            { u"chat"_s, u"--no-save"_s, u"--model"_s, u"llama3.2:1b"_s, u"--ollama-host"_s, slow.url().toString(), u"tell me a story"_s });
        QVERIFY(process.waitForStarted());
        QVERIFY(QTest::qWaitFor([&] { return process.state() == QProcess::NotRunning; }, 30000));
        const qint64 totalMs = clock.elapsed();
        QCOMPARE(process.exitCode(), 0);
        QVERIFY(firstOutputMs >= 0);
        // 60 tokens at 20/s take about 3 s; the first words arrived well before the end.
        QVERIFY2(totalMs - firstOutputMs > 1000, qPrintable(u"first output at %1 ms of %2 ms"_s.arg(firstOutputMs).arg(totalMs)));
    }

    // An agent without a model gets one, and the debate says which and why.
    void debateAgentWithoutModelUsesTheFirstChatModel()
    {
        rt::test::SimProcess debater;
        QVERIFY2(debater.start({ u"--debate-accuracy"_s, u"*=1"_s }), qPrintable(debater.errorString()));
        const Outcome o = run({ u"--db"_s, db(), u"debate"_s, u"--ollama-host"_s, debater.url().toString(), u"--question"_s,
            u"What is 17 * 23?"_s, u"--agents"_s, u"Skeptic,Pragmatist"_s, u"--rounds"_s, u"1"_s, u"--no-synthesis"_s, u"--json"_s });
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        const QJsonObject result = QJsonDocument::fromJson(o.out.toUtf8()).object();
        int noted = 0;
        for (const QJsonValue &n : result[u"notes"_s].toArray()) {
            const QString text = n[u"text"_s].toString();
            if (text.contains(u"has no model of its own"_s)) {
                ++noted;
                QVERIFY2(text.contains(u"the first chat model installed on local"_s), qPrintable(text));
            }
        }
        QCOMPARE(noted, 2);
    }

    // No chat model anywhere: a clear error naming what to do, exit 4.
    void debateWithoutAnyChatModelIsAClearError()
    {
        QFile models(m_home->path() + u"/models.json"_s);
        QVERIFY(models.open(QIODevice::WriteOnly));
        models.write(R"([{"name": "nomic-embed-text:latest", "capabilities": ["embedding"]}])");
        models.close();
        rt::test::SimProcess embedOnly;
        QVERIFY2(embedOnly.start({ u"--models"_s, models.fileName() }), qPrintable(embedOnly.errorString()));
        const Outcome o = run({ u"--db"_s, db(), u"debate"_s, u"--ollama-host"_s, embedOnly.url().toString(), u"--question"_s, u"q"_s,
            u"--agents"_s, u"Skeptic,Pragmatist"_s });
        QCOMPARE(o.exitCode, 4);
        QVERIFY2(o.err.contains(u"No chat model is installed"_s) && o.err.contains(u"roundtable models pull"_s), qPrintable(o.err));
        QCOMPARE(o.err.count(u'\n'), 1);
    }
};

QTEST_GUILESS_MAIN(TestCliHosts)
#include "tst_cli_hosts.moc"
