// `roundtable agents ...` run as a process against a temporary database.
#include "simprocess.h"
#include "testpaths.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestCliAgents final : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    rt::test::SimProcess m_sim;
    QString m_db;

    struct Outcome {
        int exitCode = -1;
        QString out;
        QString err;
    };

    Outcome run(QStringList args, const QString &db = {}, const QByteArray &stdinData = {})
    {
        args.prepend(QStringLiteral("agents"));
        args << QStringLiteral("--db") << (db.isEmpty() ? m_db : db);
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("OLLAMA_HOST"));
        env.remove(QStringLiteral("ROUNDTABLE_DB"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
        process.setProcessEnvironment(env);
        process.start(rt::test::appPath(), args);
        if (!stdinData.isEmpty())
            process.write(stdinData);
        process.closeWriteChannel();
        if (!process.waitForFinished(60000)) {
            process.kill();
            process.waitForFinished();
        }
        return { process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError()) };
    }

    QStringList hostArgs() const { return { QStringLiteral("--ollama-host"), m_sim.url().toString() }; }

    QJsonArray listJson(const QString &db = {})
    {
        const Outcome o = run({ QStringLiteral("list"), QStringLiteral("--json") }, db);
        return QJsonDocument::fromJson(o.out.toUtf8()).object().value(QStringLiteral("agents")).toArray();
    }

    QString writeFile(const QString &name, const QByteArray &data)
    {
        QFile file(m_dir.filePath(name));
        if (!file.open(QIODevice::WriteOnly))
            return {};
        file.write(data);
        return file.fileName();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_db = m_dir.filePath(QStringLiteral("agents.sqlite"));
        QVERIFY2(m_sim.start(), qPrintable(m_sim.errorString()));
    }

    void listShowsTheBuiltins()
    {
        const Outcome o = run({ QStringLiteral("list") });
        QCOMPARE(o.exitCode, 0);
        QVERIFY(o.out.startsWith(QStringLiteral("ID")));
        for (const char *name : { "Moderator *", "Proponent *", "Devil's Advocate *", "Skeptic *", "Domain Expert *", "Ethicist *",
                 "Pragmatist *", "Synthesizer *", "Judge *" })
            QVERIFY2(o.out.contains(QLatin1String(name)), name);
        const QJsonArray json = listJson();
        QCOMPARE(json.size(), 9);
        QCOMPARE(json.first().toObject().value(QStringLiteral("role")).toString(), QStringLiteral("moderator"));
    }

    void addShowEditRemove()
    {
        Outcome o = run(QStringList { QStringLiteral("add"), QStringLiteral("--name"), QStringLiteral("Fact Checker"),
                            QStringLiteral("--from"), QStringLiteral("skeptic"), QStringLiteral("--model"), QStringLiteral("qwen3:0.6b"),
                            QStringLiteral("--fallback"), QStringLiteral("llama3.2:1b, gemma3:1b"), QStringLiteral("--temperature"),
                            QStringLiteral("0.2"), QStringLiteral("--seed"), QStringLiteral("7"), QStringLiteral("--num-ctx"),
                            QStringLiteral("8192"), QStringLiteral("--colour"), QStringLiteral("#AA5500") }
            + hostArgs());
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        QVERIFY(o.out.startsWith(QStringLiteral("Created agent “Fact Checker” (id ")));
        QVERIFY2(o.err.isEmpty(), qPrintable(o.err)); // installed models: no warning

        o = run({ QStringLiteral("show"), QStringLiteral("fact checker"), QStringLiteral("--json") });
        QCOMPARE(o.exitCode, 0);
        QJsonObject agent = QJsonDocument::fromJson(o.out.toUtf8()).object();
        QCOMPARE(agent.value(QStringLiteral("name")).toString(), QStringLiteral("Fact Checker"));
        QCOMPARE(agent.value(QStringLiteral("role")).toString(), QStringLiteral("skeptic"));
        QCOMPARE(agent.value(QStringLiteral("builtin")).toBool(), false);
        QCOMPARE(agent.value(QStringLiteral("fallback_models")).toArray().size(), 2);
        QCOMPARE(agent.value(QStringLiteral("options")).toObject().value(QStringLiteral("temperature")).toDouble(), 0.2);
        QCOMPARE(agent.value(QStringLiteral("options")).toObject().value(QStringLiteral("num_ctx")).toInt(), 8192);
        QVERIFY(agent.value(QStringLiteral("system_prompt")).toString().contains(QStringLiteral("fact-checker")));

        const QString promptFile = writeFile(QStringLiteral("prompt.txt"), "Check every number twice.\n");
        o = run({ QStringLiteral("edit"), QStringLiteral("Fact Checker"), QStringLiteral("--system-file"), promptFile,
            QStringLiteral("--temperature"), QStringLiteral("default"), QStringLiteral("--name"), QStringLiteral("Number Checker") });
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        QCOMPARE(o.out.trimmed(), QStringLiteral("Saved agent “Number Checker”."));
        o = run({ QStringLiteral("show"), QStringLiteral("number checker") });
        QCOMPARE(o.exitCode, 0);
        QVERIFY(o.out.contains(QStringLiteral("Temperature:   (model default)")));
        QVERIFY(o.out.contains(QStringLiteral("Fallbacks:     llama3.2:1b, gemma3:1b")));
        QVERIFY(o.out.contains(QStringLiteral("  Check every number twice.")));

        // An unknown model is a warning; the agent is saved.
        o = run(QStringList { QStringLiteral("add"), QStringLiteral("--name"), QStringLiteral("Ghostly"), QStringLiteral("--model"),
                    QStringLiteral("ghost:7b") }
            + hostArgs());
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(o.err.trimmed(),
            QStringLiteral("Warning: The model “ghost:7b” is not installed on any connected Ollama host; pull it (roundtable models pull "
                           "ghost:7b) or choose another."));

        o = run({ QStringLiteral("rm"), QStringLiteral("Number Checker") });
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(o.out.trimmed(), QStringLiteral("Deleted agent “Number Checker”."));
        o = run({ QStringLiteral("show"), QStringLiteral("Number Checker") });
        QCOMPARE(o.exitCode, 1);
        QCOMPARE(o.err.trimmed(), QStringLiteral("There is no agent “Number Checker”; see roundtable agents list."));
        QVERIFY(run({ QStringLiteral("rm"), QStringLiteral("Ghostly") }).exitCode == 0);
        QCOMPARE(listJson().size(), 9);
    }

    void errorsAndUsage()
    {
        Outcome o = run({ QStringLiteral("add"), QStringLiteral("--name"), QStringLiteral("judge") });
        QCOMPARE(o.exitCode, 1);
        QCOMPARE(o.err.trimmed(), QStringLiteral("An agent named “judge” already exists; choose another name."));
        o = run({ QStringLiteral("add"), QStringLiteral("--name"), QStringLiteral("Hot"), QStringLiteral("--temperature"),
            QStringLiteral("3") });
        QCOMPARE(o.exitCode, 1);
        QCOMPARE(o.err.trimmed(), QStringLiteral("The temperature must be between 0 and 2 (it is 3)."));
        o = run({ QStringLiteral("add"), QStringLiteral("--name"), QStringLiteral("Hot"), QStringLiteral("--temperature"),
            QStringLiteral("warm") });
        QCOMPARE(o.exitCode, 2);
        QCOMPARE(o.err.trimmed(), QStringLiteral("--temperature needs a number, not “warm”."));
        o = run({ QStringLiteral("add"), QStringLiteral("--model"), QStringLiteral("x") });
        QCOMPARE(o.exitCode, 2);
        o = run({ QStringLiteral("frobnicate") });
        QCOMPARE(o.exitCode, 2);
        QVERIFY(o.err.startsWith(QStringLiteral("Unknown agents action “frobnicate”.")));
        o = run({ QStringLiteral("rm"), QStringLiteral("Skeptic") });
        QCOMPARE(o.exitCode, 1);
        QCOMPARE(o.err.trimmed(),
            QStringLiteral(
                "“Skeptic” is a built-in agent and cannot be deleted; duplicate it to make your own version, or reset it to its default."));
        QCOMPARE(listJson().size(), 9);
    }

    void builtinEditDuplicateReset()
    {
        Outcome o = run({ QStringLiteral("edit"), QStringLiteral("Judge"), QStringLiteral("--system"), QStringLiteral("Flip a coin.") });
        QCOMPARE(o.exitCode, 0);
        o = run({ QStringLiteral("duplicate"), QStringLiteral("Judge") });
        QCOMPARE(o.exitCode, 0);
        QVERIFY(o.out.startsWith(QStringLiteral("Created “Judge (copy)”")));
        o = run({ QStringLiteral("reset"), QStringLiteral("judge") });
        QCOMPARE(o.exitCode, 0);
        o = run({ QStringLiteral("show"), QStringLiteral("Judge"), QStringLiteral("--json") });
        QVERIFY(QJsonDocument::fromJson(o.out.toUtf8())
                    .object()
                    .value(QStringLiteral("system_prompt"))
                    .toString()
                    .contains(QStringLiteral("verdict")));
        o = run({ QStringLiteral("show"), QStringLiteral("Judge (copy)"), QStringLiteral("--json") });
        QCOMPARE(QJsonDocument::fromJson(o.out.toUtf8()).object().value(QStringLiteral("system_prompt")).toString(),
            QStringLiteral("Flip a coin."));
        o = run({ QStringLiteral("reset"), QStringLiteral("Judge (copy)") });
        QCOMPARE(o.exitCode, 1);
        QVERIFY(run({ QStringLiteral("rm"), QStringLiteral("Judge (copy)") }).exitCode == 0);
    }

    void exportAndImport()
    {
        QVERIFY(run({ QStringLiteral("add"), QStringLiteral("--name"), QStringLiteral("Traveller"), QStringLiteral("--model"),
                        QStringLiteral("gemma3:1b"), QStringLiteral("--avatar"), QStringLiteral("🧳"), QStringLiteral("--weight"),
                        QStringLiteral("2") })
                    .exitCode
            == 0);
        const QString file = m_dir.filePath(QStringLiteral("export.json"));
        Outcome o = run({ QStringLiteral("export"), QStringLiteral("Traveller"), QStringLiteral("Skeptic"), QStringLiteral("-o"), file });
        QCOMPARE(o.exitCode, 0);
        QFile exported(file);
        QVERIFY(exported.open(QIODevice::ReadOnly));
        const QJsonObject root = QJsonDocument::fromJson(exported.readAll()).object();
        QCOMPARE(root.value(QStringLiteral("version")).toInt(), 1);
        QCOMPARE(root.value(QStringLiteral("agents")).toArray().size(), 2);

        const QString other = m_dir.filePath(QStringLiteral("other.sqlite"));
        o = run({ QStringLiteral("import"), file }, other);
        QCOMPARE(o.exitCode, 1);
        QCOMPARE(o.err.trimmed(),
            QStringLiteral("Agent 2 (“Skeptic”): an agent with this name already exists; nothing was imported. Import with renaming or "
                           "replacing instead."));
        QCOMPARE(listJson(other).size(), 9);
        o = run({ QStringLiteral("import"), file, QStringLiteral("--rename") }, other);
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(o.out.trimmed(), QStringLiteral("Imported 2 agents: Traveller, Skeptic (2)"));
        o = run({ QStringLiteral("show"), QStringLiteral("Traveller"), QStringLiteral("--json") }, other);
        const QJsonObject traveller = QJsonDocument::fromJson(o.out.toUtf8()).object();
        QCOMPARE(traveller.value(QStringLiteral("avatar")).toString(), QStringLiteral("🧳"));
        QCOMPARE(traveller.value(QStringLiteral("weight")).toDouble(), 2.0);
        QCOMPARE(traveller.value(QStringLiteral("model")).toString(), QStringLiteral("gemma3:1b"));

        // Malformed input: clear error, nothing imported. Standard input works as "-".
        o = run({ QStringLiteral("import"), QStringLiteral("-") }, other,
            R"({"agents":[{"name":"Fine"},{"name":"Broken","options":{"temperature":"hot"}}]})");
        QCOMPARE(o.exitCode, 1);
        QCOMPARE(o.err.trimmed(),
            QStringLiteral("Agent 2 (“Broken”) in the file is invalid: the option “temperature” must be a number; nothing was imported."));
        o = run({ QStringLiteral("import"), writeFile(QStringLiteral("bad.json"), "{ not json") }, other);
        QCOMPARE(o.exitCode, 1);
        QVERIFY(o.err.startsWith(QStringLiteral("The agents file is not valid JSON")));
        QCOMPARE(listJson(other).size(), 11);
        o = run({ QStringLiteral("import"), m_dir.filePath(QStringLiteral("missing.json")) }, other);
        QCOMPARE(o.exitCode, 1);
        QVERIFY(o.err.startsWith(QStringLiteral("Cannot read ")));
    }
};

QTEST_GUILESS_MAIN(TestCliAgents)
#include "tst_cli_agents.moc"
