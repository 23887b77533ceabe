// `roundtable models ...` run as a process against simulators: list/show/ps,
// pull with progress lines, Ctrl-C, rm, and choosing a configured host with
// --host. A killed pull and `tasks resume`: tst_cli_tasks.
#include "simprocess.h"
#include "testpaths.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

class TestCliModels final : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    rt::test::SimProcess m_a;
    rt::test::SimProcess m_b;

    struct Outcome {
        int exitCode = -1;
        QString out;
        QString err;
    };

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("OLLAMA_HOST"));
        env.remove(QStringLiteral("ROUNDTABLE_DB"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
        return env;
    }

    QStringList withDb(QStringList args) const
    {
        args.prepend(QStringLiteral("models"));
        args << QStringLiteral("--db") << m_dir.filePath(QStringLiteral("tasks.sqlite"));
        return args;
    }

    Outcome run(const QStringList &args)
    {
        QProcess process;
        process.setProcessEnvironment(environment());
        process.start(rt::test::appPath(), withDb(args));
        if (!process.waitForFinished(60000)) {
            process.kill();
            process.waitForFinished();
        }
        return { process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError()) };
    }

    QStringList hostA() const { return { QStringLiteral("--ollama-host"), m_a.url().toString() }; }

    // Starts a pull and waits until it is downloading.
    bool startPull(QProcess &process, const QStringList &args)
    {
        process.setProcessEnvironment(environment());
        process.start(rt::test::appPath(), withDb(args));
        QByteArray out;
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 15000) {
            process.waitForReadyRead(200);
            out += process.readAllStandardOutput();
            if (out.contains("Downloading"))
                return true;
        }
        return false;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(m_a.start({ QStringLiteral("--pull-ms"), QStringLiteral("1500"), QStringLiteral("--tokens"), QStringLiteral("5") }),
            qPrintable(m_a.errorString()));
        QVERIFY2(m_b.start({ QStringLiteral("--pull-ms"), QStringLiteral("6000") }), qPrintable(m_b.errorString()));
    }

    void init()
    {
        QVERIFY(m_a.reset());
        QVERIFY(m_b.reset());
    }

    void listKeepsItsContract()
    {
        Outcome o = run(QStringList { QStringLiteral("list"), QStringLiteral("--json") } + hostA());
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(o.out.toUtf8()).object().value(QStringLiteral("models")).toArray().size(), 5);
        o = run(QStringList { QStringLiteral("list") } + hostA());
        QCOMPARE(o.exitCode, 0);
        QVERIFY(o.out.startsWith(QStringLiteral("NAME")));
        QVERIFY(o.out.contains(QStringLiteral("qwen3:0.6b")));
        o = run({ QStringLiteral("list"), QStringLiteral("--ollama-host"), QStringLiteral("http://127.0.0.1:9") });
        QCOMPARE(o.exitCode, 3);
    }

    void showAndPs()
    {
        Outcome o = run(QStringList { QStringLiteral("show"), QStringLiteral("qwen3:0.6b") } + hostA());
        QCOMPARE(o.exitCode, 0);
        QVERIFY2(o.out.contains(QStringLiteral("Context length: 40960")), qPrintable(o.out));
        QVERIFY(o.out.contains(QStringLiteral("Capabilities:   completion, thinking")));
        QVERIFY(o.out.contains(QStringLiteral("Quantization:   Q4_K_M")));
        o = run(QStringList { QStringLiteral("show"), QStringLiteral("qwen3:0.6b"), QStringLiteral("--json") } + hostA());
        QCOMPARE(QJsonDocument::fromJson(o.out.toUtf8()).object().value(QStringLiteral("context_length")).toInt(), 40960);
        o = run(QStringList { QStringLiteral("show"), QStringLiteral("ghost:1b") } + hostA());
        QCOMPARE(o.exitCode, 4);
        QVERIFY(o.err.contains(QStringLiteral("ghost:1b")));
        o = run(QStringList { QStringLiteral("show") } + hostA());
        QCOMPARE(o.exitCode, 2);

        o = run(QStringList { QStringLiteral("ps") } + hostA());
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(o.out.trimmed(), QStringLiteral("No model is loaded right now."));
        QProcess chat;
        chat.start(rt::test::appPath(),
            QStringList { QStringLiteral("chat"), QStringLiteral("--model"), QStringLiteral("gemma3:1b"), QStringLiteral("hi") } + hostA());
        QVERIFY(chat.waitForFinished(30000));
        o = run(QStringList { QStringLiteral("ps"), QStringLiteral("--json") } + hostA());
        const QJsonArray loaded = QJsonDocument::fromJson(o.out.toUtf8()).object().value(QStringLiteral("models")).toArray();
        QCOMPARE(loaded.size(), 1);
        QCOMPARE(loaded.first().toObject().value(QStringLiteral("name")).toString(), QStringLiteral("gemma3:1b"));
    }

    void pullPrintsPlainProgressLines()
    {
        const Outcome o = run(QStringList { QStringLiteral("pull"), QStringLiteral("tinyllama") } + hostA());
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        const QStringList lines = o.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY(!o.out.contains(QLatin1Char('\r'))); // not a terminal: no redrawing
        QCOMPARE(lines.first(), QStringLiteral("pulling manifest"));
        QCOMPARE(lines.last(), QStringLiteral("Pulled tinyllama."));
        QVERIFY(lines.contains(QStringLiteral("verifying sha256 digest")));
        QVERIFY(lines.contains(QStringLiteral("success")));
        int downloading = 0;
        for (const QString &l : lines) {
            if (l.startsWith(QStringLiteral("Downloading "))) {
                ++downloading;
                QVERIFY2(l.contains(QStringLiteral("% (")) && l.contains(QStringLiteral(" of ")), qPrintable(l));
            }
        }
        QVERIFY(downloading >= 3);
        QVERIFY2(lines.size() < 40, qPrintable(o.out)); // a few lines, not one per status line
        QVERIFY(lines.filter(QStringLiteral("Downloading 100%")).size() >= 1 || lines.filter(QStringLiteral("Downloading 9")).size() >= 1);
        // The model is there now; a task row says the pull succeeded.
        QVERIFY(run(QStringList { QStringLiteral("list") } + hostA()).out.contains(QStringLiteral("tinyllama:latest")));

        const Outcome missing = run(QStringList { QStringLiteral("pull"), QStringLiteral("no-such:1b") } + hostA());
        QCOMPARE(missing.exitCode, 4);
        QCOMPARE(
            missing.err.trimmed(), QStringLiteral("The model “no-such:1b” does not exist in the Ollama library; check the name and tag."));
    }

    void ctrlCCancelsThePull()
    {
        QProcess process;
        QVERIFY(startPull(
            process, { QStringLiteral("pull"), QStringLiteral("mistral:7b"), QStringLiteral("--ollama-host"), m_b.url().toString() }));
        ::kill(pid_t(process.processId()), SIGINT);
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 130);
        QCOMPARE(QString::fromUtf8(process.readAllStandardError()).trimmed(),
            QStringLiteral("Pull of mistral:7b cancelled; run the same command again to resume."));
        QTRY_COMPARE_WITH_TIMEOUT(m_b.stats().value(QStringLiteral("client_closed_early")).toInt(), 1, 5000);
        QCOMPARE(m_b.stats().value(QStringLiteral("pulls_cancelled")).toInt(), 1);
        QVERIFY(!run({ QStringLiteral("list"), QStringLiteral("--ollama-host"), m_b.url().toString() })
                     .out.contains(QStringLiteral("mistral")));
    }

    void removeModel()
    {
        Outcome o = run(QStringList { QStringLiteral("rm"), QStringLiteral("gemma3:1b") } + hostA());
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(o.out.trimmed(), QStringLiteral("Deleted gemma3:1b."));
        o = run(QStringList { QStringLiteral("rm"), QStringLiteral("gemma3:1b") } + hostA());
        QCOMPARE(o.exitCode, 4);
        QVERIFY(!run(QStringList { QStringLiteral("list") } + hostA()).out.contains(QStringLiteral("gemma3")));
    }

    void configuredHostsByName()
    {
        {
            QSettings settings(m_dir.filePath(QStringLiteral("config/Roundtable/roundtable.conf")), QSettings::IniFormat);
            const QJsonArray hosts { QJsonObject { { QStringLiteral("name"), QStringLiteral("desk") },
                                         { QStringLiteral("url"), m_a.url().toString() } },
                QJsonObject { { QStringLiteral("name"), QStringLiteral("gpu-box") }, { QStringLiteral("url"), m_b.url().toString() },
                    { QStringLiteral("max_concurrent"), 8 } } };
            settings.setValue(QStringLiteral("ollama/hosts"), QString::fromUtf8(QJsonDocument(hosts).toJson(QJsonDocument::Compact)));
        }
        QVERIFY(
            run({ QStringLiteral("rm"), QStringLiteral("qwen3:0.6b"), QStringLiteral("--host"), QStringLiteral("GPU-BOX") }).exitCode == 0);
        // The first configured host is the default; --host picks another.
        QVERIFY(run({ QStringLiteral("list") }).out.contains(QStringLiteral("qwen3:0.6b")));
        QVERIFY(!run({ QStringLiteral("list"), QStringLiteral("--host"), QStringLiteral("gpu-box") })
                     .out.contains(QStringLiteral("qwen3:0.6b")));
        const Outcome o = run({ QStringLiteral("list"), QStringLiteral("--host"), QStringLiteral("attic") });
        QCOMPARE(o.exitCode, 2);
        QCOMPARE(o.err.trimmed(), QStringLiteral("There is no Ollama host named “attic”; the configured hosts are: desk, gpu-box."));
        QFile::remove(m_dir.filePath(QStringLiteral("config/Roundtable/roundtable.conf")));
    }
};

QTEST_GUILESS_MAIN(TestCliModels)
#include "tst_cli_models.moc"
