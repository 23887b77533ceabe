// Runs the built `roundtable` executable against the simulator and checks
// stdout, stderr and exit codes: the command-line contract.
#include "simprocess.h"
#include "testpaths.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

class TestCliChat final : public QObject {
    Q_OBJECT

    rt::test::SimProcess m_sim;

    struct Outcome {
        int exitCode = -1;
        QString out;
        QString err;
    };

    static Outcome runApp(const QStringList &args, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
    {
        QProcess process;
        QProcessEnvironment e = env;
        e.remove(QStringLiteral("OLLAMA_HOST"));
        if (env.contains(QStringLiteral("OLLAMA_HOST")))
            e.insert(QStringLiteral("OLLAMA_HOST"), env.value(QStringLiteral("OLLAMA_HOST")));
        // Never touch the user's own settings or database.
        static const QTemporaryDir home;
        e.insert(QStringLiteral("XDG_CONFIG_HOME"), home.path() + QStringLiteral("/config"));
        e.insert(QStringLiteral("XDG_DATA_HOME"), home.path() + QStringLiteral("/data"));
        e.insert(QStringLiteral("ROUNDTABLE_DB"), home.path() + QStringLiteral("/chat.sqlite"));
        process.setProcessEnvironment(e);
        process.start(rt::test::appPath(), args);
        if (!process.waitForFinished(60000)) {
            process.kill();
            process.waitForFinished();
        }
        return { process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError()) };
    }

    QStringList hostArgs() const { return { QStringLiteral("--ollama-host"), m_sim.url().toString() }; }

    static QString closedPortUrl()
    {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost);
        const quint16 port = probe.serverPort();
        probe.close();
        return QStringLiteral("http://127.0.0.1:%1").arg(port);
    }

private slots:
    void initTestCase() { QVERIFY2(m_sim.start({ QStringLiteral("--tokens"), QStringLiteral("25") }), qPrintable(m_sim.errorString())); }
    void init() { QVERIFY(m_sim.reset()); }

    void versionAndHelp()
    {
        const Outcome version = runApp({ QStringLiteral("--version") });
        QCOMPARE(version.exitCode, 0);
        QVERIFY(version.out.startsWith(QStringLiteral("roundtable ")));
        const Outcome help = runApp({ QStringLiteral("--help") });
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains(QStringLiteral("chat")));
        QVERIFY(help.out.contains(QStringLiteral("Exit codes")));
        const Outcome chatHelp = runApp({ QStringLiteral("chat"), QStringLiteral("--help") });
        QCOMPARE(chatHelp.exitCode, 0);
        QVERIFY(chatHelp.out.contains(QStringLiteral("--model")));
    }

    void usageErrors()
    {
        const Outcome unknown = runApp({ QStringLiteral("frobnicate") });
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY(unknown.err.contains(QStringLiteral("frobnicate")));
        const Outcome noModel = runApp(QStringList { QStringLiteral("chat") } + hostArgs() + QStringList { QStringLiteral("hi") });
        QCOMPARE(noModel.exitCode, 2);
        QVERIFY(noModel.err.contains(QStringLiteral("--model")));
        QCOMPARE(noModel.err.count(u'\n'), 1); // one clear sentence
        const Outcome noPrompt
            = runApp(QStringList { QStringLiteral("chat"), QStringLiteral("--model"), QStringLiteral("llama3.2:1b") } + hostArgs());
        QCOMPARE(noPrompt.exitCode, 2);
        const Outcome badOption = runApp({ QStringLiteral("chat"), QStringLiteral("--no-such-flag") });
        QCOMPARE(badOption.exitCode, 2);
        const Outcome badTemp = runApp(QStringList { QStringLiteral("chat"), QStringLiteral("--model"), QStringLiteral("m"),
            QStringLiteral("--temperature"), QStringLiteral("9"), QStringLiteral("x") });
        QCOMPARE(badTemp.exitCode, 2);
    }

    void streamsToStdout()
    {
        const Outcome plain = runApp(QStringList { QStringLiteral("chat"), QStringLiteral("--model"), QStringLiteral("llama3.2:1b"),
                                         QStringLiteral("--seed"), QStringLiteral("3") }
            + hostArgs() + QStringList { QStringLiteral("Tell"), QStringLiteral("me") });
        QCOMPARE(plain.exitCode, 0);
        QVERIFY(plain.err.isEmpty());
        const Outcome json = runApp(QStringList { QStringLiteral("chat"), QStringLiteral("--json"), QStringLiteral("--model"),
                                        QStringLiteral("llama3.2:1b"), QStringLiteral("--seed"), QStringLiteral("3") }
            + hostArgs() + QStringList { QStringLiteral("Tell me") });
        QCOMPARE(json.exitCode, 0);
        const QJsonObject object = QJsonDocument::fromJson(json.out.toUtf8()).object();
        QCOMPARE(object.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        const QString content = object.value(QStringLiteral("content")).toString();
        QVERIFY(!content.isEmpty());
        // Same seed and prompt: the streamed text is exactly the reply.
        QCOMPARE(plain.out, content.endsWith(u'\n') ? content : content + u'\n');
        const QJsonObject metrics = object.value(QStringLiteral("metrics")).toObject();
        QVERIFY(metrics.value(QStringLiteral("eval_count")).toInt() > 0);
        QVERIFY(metrics.value(QStringLiteral("prompt_eval_count")).toInt() > 0);
        QVERIFY(metrics.value(QStringLiteral("time_to_first_token_ms")).toDouble() >= 0);
        QVERIFY(metrics.value(QStringLiteral("tokens_per_second")).toDouble() > 0);
        QVERIFY(metrics.value(QStringLiteral("eval_duration_ns")).toDouble() > 0);
    }

    void systemPromptIsSent()
    {
        const Outcome r = runApp(QStringList { QStringLiteral("chat"), QStringLiteral("--model"), QStringLiteral("llama3.2:1b"),
                                     QStringLiteral("--system"), QStringLiteral("You are terse.") }
            + hostArgs() + QStringList { QStringLiteral("hi") });
        QCOMPARE(r.exitCode, 0);
        const QJsonObject last = m_sim.stats().value(QStringLiteral("last_request")).toObject();
        const QJsonObject body = last.value(QStringLiteral("body")).isObject()
            ? last.value(QStringLiteral("body")).toObject()
            : QJsonDocument::fromJson(last.value(QStringLiteral("body")).toString().toUtf8()).object();
        const QJsonArray messages = body.value(QStringLiteral("messages")).toArray();
        QCOMPARE(messages.size(), 2);
        QCOMPARE(messages[0].toObject().value(QStringLiteral("role")).toString(), QStringLiteral("system"));
        QCOMPARE(messages[0].toObject().value(QStringLiteral("content")).toString(), QStringLiteral("You are terse."));
    }

    void hostFromEnvironment()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("OLLAMA_HOST"), QStringLiteral("127.0.0.1:%1").arg(m_sim.port()));
        const Outcome r = runApp({ QStringLiteral("models"), QStringLiteral("list") }, env);
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QStringLiteral("llama3.2:1b")));
    }

    void unreachable()
    {
        const QString url = closedPortUrl();
        const Outcome r = runApp({ QStringLiteral("chat"), QStringLiteral("--ollama-host"), url, QStringLiteral("--model"),
            QStringLiteral("m"), QStringLiteral("hi") });
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains(QStringLiteral("not running at %1").arg(url)), qPrintable(r.err));
        const Outcome models = runApp({ QStringLiteral("models"), QStringLiteral("list"), QStringLiteral("--ollama-host"), url });
        QCOMPARE(models.exitCode, 3);
    }

    void modelNotFound()
    {
        const Outcome r = runApp(QStringList { QStringLiteral("chat"), QStringLiteral("--model"), QStringLiteral("nope:1b") } + hostArgs()
            + QStringList { QStringLiteral("hi") });
        QCOMPARE(r.exitCode, 4);
        QVERIFY(r.err.contains(QStringLiteral("nope:1b")));
    }

    void streamFailures_data()
    {
        QTest::addColumn<QString>("fault");
        QTest::addColumn<QString>("arg");
        QTest::newRow("error mid-stream") << QStringLiteral("error_midstream") << QStringLiteral("4");
        QTest::newRow("connection dropped") << QStringLiteral("drop") << QStringLiteral("4");
        QTest::newRow("invalid line") << QStringLiteral("invalid_json") << QStringLiteral("4");
    }

    void streamFailures()
    {
        QFETCH(QString, fault);
        QFETCH(QString, arg);
        QVERIFY(m_sim.setFault(fault, arg));
        const Outcome r = runApp(QStringList { QStringLiteral("chat"), QStringLiteral("--model"), QStringLiteral("llama3.2:1b") }
            + hostArgs() + QStringList { QStringLiteral("hi") });
        QCOMPARE(r.exitCode, 5);
        QVERIFY(!r.out.trimmed().isEmpty()); // the partial text was shown
        QVERIFY(!r.err.isEmpty());
    }

    void ctrlCCancels()
    {
        QProcess process;
        process.start(rt::test::appPath(),
            QStringList {
                QStringLiteral("chat"), QStringLiteral("--no-save"), QStringLiteral("--model"), QStringLiteral("sim-slow:latest") }
                + hostArgs() + QStringList { QStringLiteral("Take your time") });
        QVERIFY(process.waitForStarted());
        // Wait until text is flowing, then interrupt.
        QTRY_VERIFY_WITH_TIMEOUT(m_sim.stats().value(QStringLiteral("active")).toInt() >= 1, 10000);
        QTest::qWait(400);
        ::kill(pid_t(process.processId()), SIGINT);
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), 130);
        QTRY_VERIFY_WITH_TIMEOUT(m_sim.stats().value(QStringLiteral("client_closed_early")).toInt() >= 1, 5000);
    }

    void modelsList()
    {
        const Outcome table = runApp(QStringList { QStringLiteral("models"), QStringLiteral("list") } + hostArgs());
        QCOMPARE(table.exitCode, 0);
        QVERIFY(table.out.startsWith(QStringLiteral("NAME")));
        QVERIFY(table.out.contains(QStringLiteral("llama3.2:1b")));
        const Outcome json
            = runApp(QStringList { QStringLiteral("models"), QStringLiteral("list"), QStringLiteral("--json") } + hostArgs());
        QCOMPARE(json.exitCode, 0);
        const QJsonArray models = QJsonDocument::fromJson(json.out.toUtf8()).object().value(QStringLiteral("models")).toArray();
        QVERIFY(models.size() >= 3);
        QVERIFY(!models[0].toObject().value(QStringLiteral("quantization_level")).toString().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCliChat)
#include "tst_cli_chat.moc"
