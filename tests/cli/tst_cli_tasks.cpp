// `roundtable tasks ...` and `roundtable models pull` as tasks, through the
// real binary against the simulator: a SIGKILLed pull is found interrupted
// and `tasks resume` finishes it; `models pull` continues the same task;
// `tasks list` leaves a pull that another process is running alone, and
// `tasks cancel` stops it in that process; usage errors.
#include "appprocess.h"
#include "simprocess.h"
#include "storage/storage.h"
#include "tempdatabase.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>
#include <csignal>

namespace {
const QString kModel = QStringLiteral("llama3.2:3b");
}

class TestCliTasks final : public QObject {
    Q_OBJECT

    rt::test::AppEnvironment m_app;
    rt::test::SimProcess m_sim;
    std::unique_ptr<rt::storage::Storage> m_storage; // the test's own view of the database

    QString dbPath() const { return m_app.home() + QStringLiteral("/tasks.sqlite"); }
    QStringList common() const { return { QStringLiteral("--db"), dbPath(), QStringLiteral("--ollama-host"), m_sim.url().toString() }; }
    rt::test::AppRun run(QStringList args) const { return m_app.run(args + common()); }

    // The newest task row, as stored (null kind when there is none).
    rt::storage::TaskRecord newestTask()
    {
        if (!m_storage) {
            auto opened = rt::test::openStorage(dbPath());
            if (!opened)
                return {};
            m_storage = std::move(opened).value();
        }
        auto rows = m_storage->read([](rt::storage::StorageContext &c) { return c.tasks().list({}, 1); }).result();
        return rows.ok() && !rows->isEmpty() ? rows->first() : rt::storage::TaskRecord();
    }

    // Starts `models pull` and waits until its task row shows download progress.
    bool startPull(QProcess &process, const QString &model = kModel)
    {
        m_app.start(process, QStringList { QStringLiteral("models"), QStringLiteral("pull"), model } + common());
        if (!process.waitForStarted(10000))
            return false;
        return QTest::qWaitFor(
            [&] {
                const rt::storage::TaskRecord t = newestTask();
                return t.kind == u"pull" && t.status == rt::TaskStatus::Running && t.progress > 0.0;
            },
            20000);
    }

    static QJsonObject onlyTask(const rt::test::AppRun &r)
    {
        const QJsonArray tasks = QJsonDocument::fromJson(r.out.toUtf8()).object().value(QStringLiteral("tasks")).toArray();
        return tasks.size() == 1 ? tasks.first().toObject() : QJsonObject();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_app.isValid());
        // Slow pulls: fifteen seconds each, so there is time to look at and kill
        // or cancel them (three program starts under the sanitizers on a busy
        // machine took longer than the six seconds this once was).
        QVERIFY2(m_sim.start({ QStringLiteral("--pull-ms"), QStringLiteral("15000") }), qPrintable(m_sim.errorString()));
    }

    void init()
    {
        QVERIFY(m_sim.reset());
        m_storage.reset();
        QFile::remove(dbPath());
    }

    void usage()
    {
        rt::test::AppRun r = run({ QStringLiteral("tasks"), QStringLiteral("list") });
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.startsWith(QStringLiteral("No tasks yet.")));
        r = run({ QStringLiteral("tasks"), QStringLiteral("list"), QStringLiteral("--json") });
        QCOMPARE(r.out.trimmed(), QStringLiteral("{\"tasks\":[]}"));
        r = run({ QStringLiteral("tasks"), QStringLiteral("show") });
        QCOMPARE(r.code, 2);
        QCOMPARE(r.err.trimmed(), QStringLiteral("Give one task id, e.g. roundtable tasks show 12 (roundtable tasks list shows them)."));
        r = run({ QStringLiteral("tasks"), QStringLiteral("frob") });
        QCOMPARE(r.code, 2);
        r = run({ QStringLiteral("tasks"), QStringLiteral("resume"), QStringLiteral("99") });
        QCOMPARE(r.code, 1);
        QCOMPARE(r.err.trimmed(), QStringLiteral("There is no task 99; roundtable tasks list shows them."));
    }

    // SIGKILL mid-download: the next `tasks list` finds the owner gone and
    // says interrupted; `tasks resume` finishes the pull in the foreground.
    void killedPullIsInterruptedAndResumes()
    {
        QProcess pull;
        QVERIFY(startPull(pull));
        const qint64 pid = pull.processId();
        ::kill(pid_t(pid), SIGKILL);
        QVERIFY(pull.waitForFinished(5000)); // reaped: the pid is gone

        rt::test::AppRun r = run({ QStringLiteral("tasks"), QStringLiteral("list"), QStringLiteral("--json") });
        QCOMPARE(r.code, 0);
        const QJsonObject task = onlyTask(r);
        QCOMPARE(task.value(QStringLiteral("status")).toString(), QStringLiteral("interrupted"));
        QCOMPARE(task.value(QStringLiteral("kind")).toString(), QStringLiteral("pull"));
        QCOMPARE(task.value(QStringLiteral("title")).toString(), QStringLiteral("Pull llama3.2:3b"));
        QCOMPARE(task.value(QStringLiteral("payload")).toObject().value(QStringLiteral("model")).toString(), kModel);
        QCOMPARE(task.value(QStringLiteral("owner")).toObject().value(QStringLiteral("pid")).toInteger(), pid);
        QVERIFY(task.value(QStringLiteral("resumable")).toBool());
        QVERIFY(task.value(QStringLiteral("progress")).toDouble() > 0.0);
        QVERIFY(task.value(QStringLiteral("error")).toString().contains(QStringLiteral("stopped unexpectedly")));
        const QString id = QString::number(task.value(QStringLiteral("id")).toInteger());

        r = run({ QStringLiteral("tasks"), QStringLiteral("resume"), id });
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains(QStringLiteral("Downloading ")));
        QCOMPARE(r.out.trimmed().section(QLatin1Char('\n'), -1), QStringLiteral("Pulled llama3.2:3b."));
        QVERIFY(run({ QStringLiteral("models"), QStringLiteral("list") }).out.contains(kModel));
        r = run({ QStringLiteral("tasks"), QStringLiteral("show"), id, QStringLiteral("--json") });
        const QJsonObject done = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(done.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
        QCOMPARE(done.value(QStringLiteral("progress")).toDouble(), 1.0);
        // Nothing left to resume.
        r = run({ QStringLiteral("tasks"), QStringLiteral("resume"), id });
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains(QStringLiteral("cannot be resumed")));
    }

    // `models pull NAME` after a crash continues the interrupted task instead of starting a second one.
    void pullingAgainContinuesTheSameTask()
    {
        QProcess pull;
        QVERIFY(startPull(pull, QStringLiteral("mistral:7b")));
        const qint64 id = newestTask().id;
        ::kill(pid_t(pull.processId()), SIGKILL);
        QVERIFY(pull.waitForFinished(5000));
        const rt::test::AppRun r = run({ QStringLiteral("models"), QStringLiteral("pull"), QStringLiteral("mistral:7b") });
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const rt::storage::TaskRecord t = newestTask();
        QCOMPARE(t.id, id);
        QCOMPARE(rt::toString(t.status), QStringLiteral("succeeded"));
    }

    // Another process really runs the pull: listing must not mark it
    // interrupted; cancelling asks that process, which stops (exit 130).
    void otherProcessesTaskIsLeftAloneAndCancelledThere()
    {
        QProcess pull;
        QVERIFY(startPull(pull, QStringLiteral("deepseek-r1:1.5b")));
        const qint64 id = newestTask().id;
        rt::test::AppRun r = run({ QStringLiteral("tasks"), QStringLiteral("list"), QStringLiteral("--json") });
        QCOMPARE(r.code, 0);
        QJsonObject task = onlyTask(r);
        QCOMPARE(task.value(QStringLiteral("status")).toString(), QStringLiteral("running"));
        QVERIFY(task.value(QStringLiteral("in_other_process")).toBool());
        QVERIFY(!task.value(QStringLiteral("resumable")).toBool());
        QCOMPARE(rt::toString(newestTask().status), QStringLiteral("running"));
        r = run({ QStringLiteral("tasks"), QStringLiteral("list") });
        QVERIFY2(r.out.contains(QStringLiteral("in another process (pid %1").arg(pull.processId())), qPrintable(r.out));
        QCOMPARE(pull.state(), QProcess::Running);

        r = run({ QStringLiteral("tasks"), QStringLiteral("cancel"), QString::number(id) });
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.out.trimmed(), QStringLiteral("Cancelled task %1 (Pull deepseek-r1:1.5b).").arg(id));
        QVERIFY(pull.waitForFinished(10000));
        QCOMPARE(pull.exitStatus(), QProcess::NormalExit);
        QCOMPARE(pull.exitCode(), 130);
        QCOMPARE(QString::fromUtf8(pull.readAllStandardError()).trimmed(),
            QStringLiteral("Pull of deepseek-r1:1.5b cancelled; run the same command again to resume."));
        QCOMPARE(rt::toString(newestTask().status), QStringLiteral("cancelled"));
        QTRY_COMPARE_WITH_TIMEOUT(m_sim.stats().value(QStringLiteral("pulls_cancelled")).toInt(), 1, 5000);
        r = run({ QStringLiteral("tasks"), QStringLiteral("cancel"), QString::number(id) });
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains(QStringLiteral("already finished")));
    }
};

QTEST_GUILESS_MAIN(TestCliTasks)
#include "tst_cli_tasks.moc"
