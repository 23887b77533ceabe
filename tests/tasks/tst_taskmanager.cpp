// TaskManager: life cycle and signals, cancel, pause, the per-host
// concurrency limit against the simulator (its peak_active), crash ->
// interrupted -> resume, tasks of other processes (owner alive or gone,
// cancel through the store, heartbeat), persistence in SQLite, and that a
// slow database never blocks the manager's thread.
#include "awaitfuture.h"
#include "latenessprobe.h"
#include "llm/ollamaclient.h"
#include "simprocess.h"
#include "storage/storage.h"
#include "tasks/storagetaskstore.h"
#include "tasks/taskmanager.h"
#include "tempdatabase.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QProcess>
#include <QSignalSpy>
#include <QSysInfo>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <algorithm>

using namespace rt::tasks;
using rt::test::await;

// Statuses compared by name (QTest cannot print the shared enum).
#define COMPARE_STATUS(actual, expected) QCOMPARE(statusName(actual), statusName(expected))
#define TRY_COMPARE_STATUS(actual, expected, ms) QTRY_COMPARE_WITH_TIMEOUT(statusName(actual), statusName(expected), ms)

namespace {
// Waits (running the event loop) for a future of the manager.
// Reports `steps` progress steps, one every `intervalMs`, then succeeds.
std::unique_ptr<FunctionJob> steppedJob(int steps, int intervalMs, int *started = nullptr)
{
    auto timer = std::make_shared<QTimer>();
    auto count = std::make_shared<int>(0);
    return std::make_unique<FunctionJob>(
        [=](FunctionJob &job) {
            if (started)
                ++*started;
            timer->setInterval(intervalMs);
            QObject::connect(timer.get(), &QTimer::timeout, &job, [&job, timer, count, steps] {
                ++*count;
                job.reportProgress(double(*count) / steps, QStringLiteral("step %1 of %2").arg(*count).arg(steps));
                if (*count == steps) {
                    timer->stop();
                    job.succeed();
                }
            });
            timer->start();
        },
        [=](FunctionJob &job) {
            timer->stop();
            job.reportCancelled();
        });
}

// A job that can pause between steps (as a debate can between turns).
class PausableJob final : public Job {
public:
    PausableJob(int steps, int *resumes)
        : resumes(resumes)
        , m_steps(steps)
    {
        m_timer.setInterval(20);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            ++m_done;
            reportProgress(double(m_done) / m_steps);
            if (m_done == m_steps) {
                m_timer.stop();
                succeed();
            }
        });
    }
    void start() override { m_timer.start(); }
    void cancel() override
    {
        m_timer.stop();
        reportCancelled();
    }
    bool canPause() const override { return true; }
    void pause() override
    {
        m_timer.stop();
        emit pausedChanged(true);
    }
    void resume() override
    {
        ++*resumes;
        emit pausedChanged(false);
        m_timer.start();
    }
    int *resumes; // outlives the job, which the manager deletes when it ends

private:
    QTimer m_timer;
    int m_steps;
    int m_done = 0;
};

// A store whose every call first waits 200 ms on the storage thread (a slow
// disk, a far database server). A blocking wait anywhere on the manager's
// thread shows up as a late timer there.
class SlowTaskStore final : public TaskStore {
public:
    explicit SlowTaskStore(rt::storage::Storage &storage)
        : m_storage(storage)
        , m_inner(storage)
    {
    }
    QFuture<rt::Result<QList<TaskInfo>>> loadAll(int limit) override { return jam(), m_inner.loadAll(limit); }
    QFuture<rt::Result<TaskInfo>> load(qint64 id) override { return jam(), m_inner.load(id); }
    QFuture<rt::Result<qint64>> create(const TaskInfo &task) override { return jam(), m_inner.create(task); }
    void saveStatus(const TaskInfo &task) override { jam(), m_inner.saveStatus(task); }
    void saveProgress(const TaskInfo &task) override { jam(), m_inner.saveProgress(task); }
    void savePayload(const TaskInfo &task) override { jam(), m_inner.savePayload(task); }
    QFuture<rt::Status> requestCancel(qint64 id) override { return jam(), m_inner.requestCancel(id); }
    void purgeFinished(const QDateTime &before) override { jam(), m_inner.purgeFinished(before); }
    int calls() const { return m_calls; }

private:
    void jam()
    {
        ++m_calls;
        rt::test::delayStorage(m_storage, 200);
    }
    rt::storage::Storage &m_storage;
    StorageTaskStore m_inner;
    int m_calls = 0;
};

TaskInfo ownedRow(qint64 id, qint64 pid, const QString &host, const QDateTime &updated, qint64 startTicks = 0)
{
    TaskInfo t;
    t.id = id;
    t.kind = QStringLiteral("pull");
    t.title = QStringLiteral("Pull model %1").arg(id);
    t.status = TaskStatus::Running;
    t.progress = 0.3;
    t.payload = { { QStringLiteral("model"), QStringLiteral("m%1").arg(id) } };
    t.ownerPid = pid;
    t.ownerHost = host;
    t.ownerStartTicks = startTicks;
    t.createdAt = t.startedAt = updated.addSecs(-5);
    t.updatedAt = updated;
    return t;
}

QStringList statusesOf(const QSignalSpy &spy, qint64 id)
{
    QStringList list;
    for (const auto &args : spy) {
        const TaskInfo t = args.first().value<TaskInfo>();
        if (t.id == id && (list.isEmpty() || list.last() != statusName(t.status)))
            list.append(statusName(t.status));
    }
    return list;
}
} // namespace

class TestTaskManager final : public QObject {
    Q_OBJECT

private slots:
    void lifeCycleProgressAndSignals()
    {
        auto owned = std::make_unique<MemoryTaskStore>();
        MemoryTaskStore *store = owned.get();
        TaskManager manager(std::move(owned));
        manager.setProgressSaveIntervalMs(0);
        QSignalSpy added(&manager, &TaskManager::taskAdded);
        QSignalSpy changed(&manager, &TaskManager::taskChanged);
        QSignalSpy finished(&manager, &TaskManager::taskFinished);
        auto id = await(manager.submit(QStringLiteral("export"), QStringLiteral("Export debate 3"), steppedJob(4, 10),
            { QString(), { { QStringLiteral("debate_id"), 3 } } }));
        QVERIFY(id.ok());
        QCOMPARE(added.size(), 1);
        COMPARE_STATUS(added.first().first().value<TaskInfo>().status, TaskStatus::Queued);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
        const TaskInfo done = *manager.task(*id);
        COMPARE_STATUS(done.status, TaskStatus::Succeeded);
        QCOMPARE(done.progress, 1.0);
        QCOMPARE(done.progressText, QStringLiteral("step 4 of 4"));
        QVERIFY(done.createdAt.isValid() && done.startedAt.isValid() && done.finishedAt.isValid());
        QVERIFY(done.startedAt <= done.finishedAt);
        QCOMPARE(statusesOf(changed, *id), (QStringList { QStringLiteral("running"), QStringLiteral("succeeded") }));
        QList<double> progress;
        for (const auto &args : std::as_const(changed))
            progress.append(args.first().value<TaskInfo>().progress);
        QVERIFY(progress.contains(0.25) && progress.contains(0.5) && progress.contains(0.75));
        // What is stored matches.
        const TaskInfo row = *store->row(*id);
        COMPARE_STATUS(row.status, TaskStatus::Succeeded);
        QCOMPARE(row.progress, 1.0);
        QCOMPARE(row.payload.value(QStringLiteral("debate_id")).toInt(), 3);

        auto failing = await(manager.submit(QStringLiteral("export"), QStringLiteral("Broken"),
            std::make_unique<FunctionJob>([](FunctionJob &j) { j.fail(QStringLiteral("The folder is read-only; choose another.")); })));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 5000);
        COMPARE_STATUS(manager.task(*failing)->status, TaskStatus::Failed);
        QCOMPARE(manager.task(*failing)->error, QStringLiteral("The folder is read-only; choose another."));
        QVERIFY(!manager.cancel(*failing).ok()); // already finished

        manager.clearFinished();
        QVERIFY(manager.tasks().isEmpty());
        QVERIFY(!store->row(*id));
    }

    void cancelQueuedAndRunning()
    {
        TaskManager manager;
        manager.setDefaultConcurrencyLimit(1);
        int startedA = 0, startedB = 0;
        const qint64 a = await(manager.submit(QStringLiteral("pull"), QStringLiteral("A"), steppedJob(1000, 10, &startedA))).value();
        const qint64 b = await(manager.submit(QStringLiteral("pull"), QStringLiteral("B"), steppedJob(1000, 10, &startedB))).value();
        TRY_COMPARE_STATUS(manager.task(a)->status, TaskStatus::Running, 2000);
        COMPARE_STATUS(manager.task(b)->status, TaskStatus::Queued);
        QVERIFY(manager.cancel(b).ok());
        COMPARE_STATUS(manager.task(b)->status, TaskStatus::Cancelled);
        QTRY_VERIFY_WITH_TIMEOUT(manager.task(a)->progress > 0.0, 2000);
        QVERIFY(manager.cancel(a).ok());
        TRY_COMPARE_STATUS(manager.task(a)->status, TaskStatus::Cancelled, 2000);
        QVERIFY(manager.task(a)->progress < 1.0);
        QCoreApplication::sendPostedEvents(); // the manager's queued scheduling, if any
        QCOMPARE(startedA, 1);
        QCOMPARE(startedB, 0); // never started
    }

    void jobThatIgnoresCancelIsDropped()
    {
        TaskManager manager;
        manager.setCancelGraceMs(100);
        const qint64 id = await(manager.submit(QStringLiteral("x"), QStringLiteral("Stubborn"),
                                    std::make_unique<FunctionJob>([](FunctionJob &) {}, [](FunctionJob &) {})))
                              .value();
        TRY_COMPARE_STATUS(manager.task(id)->status, TaskStatus::Running, 2000);
        QVERIFY(manager.cancel(id).ok());
        COMPARE_STATUS(manager.task(id)->status, TaskStatus::Running);
        TRY_COMPARE_STATUS(manager.task(id)->status, TaskStatus::Cancelled, 2000);
    }

    void pauseFreesTheSlot()
    {
        TaskManager manager;
        manager.setDefaultConcurrencyLimit(1);
        int resumes = 0;
        const qint64 a
            = await(manager.submit(QStringLiteral("debate"), QStringLiteral("Debate"), std::make_unique<PausableJob>(20, &resumes)))
                  .value();
        const qint64 b = await(manager.submit(QStringLiteral("pull"), QStringLiteral("Pull"), steppedJob(3, 10))).value();
        TRY_COMPARE_STATUS(manager.task(a)->status, TaskStatus::Running, 2000);
        QVERIFY(!manager.pause(b).ok()); // not running
        QVERIFY(manager.pause(a).ok());
        COMPARE_STATUS(manager.task(a)->status, TaskStatus::Paused);
        QVERIFY(manager.task(a)->resumable);
        // The paused task's slot goes to the next one.
        TRY_COMPARE_STATUS(manager.task(b)->status, TaskStatus::Succeeded, 3000);
        QVERIFY(manager.resume(a).ok());
        TRY_COMPARE_STATUS(manager.task(a)->status, TaskStatus::Succeeded, 3000);
        QCOMPARE(resumes, 1);
        auto stubborn = await(manager.submit(QStringLiteral("x"), QStringLiteral("Plain"), steppedJob(100, 10)));
        TRY_COMPARE_STATUS(manager.task(*stubborn)->status, TaskStatus::Running, 2000);
        const auto refused = manager.pause(*stubborn);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().message, QStringLiteral("The task “Plain” cannot be paused; cancel it instead."));
    }

    // Each task makes one streamed request; the simulator counts how many ran at once.
    void concurrencyLimitHonouredAgainstTheSimulator()
    {
        rt::test::SimProcess simA, simB;
        QVERIFY2(simA.start({ QStringLiteral("--tokens"), QStringLiteral("20"), QStringLiteral("--tps"), QStringLiteral("40") }),
            qPrintable(simA.errorString()));
        QVERIFY2(simB.start({ QStringLiteral("--tokens"), QStringLiteral("20"), QStringLiteral("--tps"), QStringLiteral("40") }),
            qPrintable(simB.errorString()));
        rt::llm::ClientConfig configA, configB;
        configA.baseUrl = simA.url();
        configB.baseUrl = simB.url();
        rt::llm::OllamaClient clientA(configA), clientB(configB);

        TaskManager manager;
        manager.setConcurrencyLimit(QStringLiteral("a"), 2);
        manager.setConcurrencyLimit(QStringLiteral("b"), 3);
        int maxRunningA = 0, maxRunningB = 0;
        connect(&manager, &TaskManager::taskChanged, this, [&] {
            maxRunningA = qMax(maxRunningA, manager.runningCount(QStringLiteral("a")));
            maxRunningB = qMax(maxRunningB, manager.runningCount(QStringLiteral("b")));
        });
        auto chatJob = [](rt::llm::OllamaClient *client, int n) {
            auto stream = std::make_shared<QPointer<rt::llm::ChatStream>>();
            return std::make_unique<FunctionJob>(
                [client, n, stream](FunctionJob &job) {
                    rt::llm::ChatRequest r;
                    r.model = QStringLiteral("llama3.2:1b");
                    r.messages = { rt::llm::ChatMessage::user(QStringLiteral("question %1").arg(n)) };
                    rt::llm::ChatStream *chat = client->chat(r);
                    *stream = chat;
                    QObject::connect(
                        chat, &rt::llm::ChatStream::delta, &job, [&job, chat] { job.reportProgress(-1, chat->content().right(20)); });
                    QObject::connect(chat, &rt::llm::ChatStream::finished, &job, [&job](const rt::llm::ChatResult &result) {
                        if (result.ok())
                            job.succeed();
                        else if (result.status == rt::llm::ChatStatus::Cancelled)
                            job.reportCancelled();
                        else
                            job.fail(result.error);
                    });
                },
                [stream](FunctionJob &job) {
                    if (*stream)
                        (*stream)->cancel();
                    else
                        job.reportCancelled();
                });
        };
        QList<qint64> ids;
        for (int i = 0; i < 6; ++i)
            ids.append(await(
                manager.submit(QStringLiteral("chat"), QStringLiteral("Chat %1").arg(i), chatJob(&clientA, i), { QStringLiteral("a"), {} }))
                           .value());
        for (int i = 0; i < 6; ++i)
            ids.append(await(manager.submit(QStringLiteral("chat"), QStringLiteral("Chat b%1").arg(i), chatJob(&clientB, i),
                                 { QStringLiteral("b"), {} }))
                           .value());
        QTRY_VERIFY_WITH_TIMEOUT(manager.queuedCount(QStringLiteral("a")) == 0 && manager.runningCount(QStringLiteral("a")) == 0
                && manager.queuedCount(QStringLiteral("b")) == 0 && manager.runningCount(QStringLiteral("b")) == 0,
            60000);
        for (qint64 id : std::as_const(ids))
            COMPARE_STATUS(manager.task(id)->status, TaskStatus::Succeeded);
        QCOMPARE(maxRunningA, 2);
        QCOMPARE(maxRunningB, 3);
        QCOMPARE(simA.stats().value(QStringLiteral("peak_active")).toInt(), 2);
        QCOMPARE(simB.stats().value(QStringLiteral("peak_active")).toInt(), 3);
        QCOMPARE(simA.stats().value(QStringLiteral("completed_streams")).toInt(), 6);

        // Cancelling a running chat task closes its connection.
        const qint64 slow
            = await(manager.submit(QStringLiteral("chat"), QStringLiteral("Long"), chatJob(&clientA, 99), { QStringLiteral("a"), {} }))
                  .value();
        QTRY_VERIFY_WITH_TIMEOUT(!manager.task(slow)->progressText.isEmpty(), 10000);
        QVERIFY(manager.cancel(slow).ok());
        TRY_COMPARE_STATUS(manager.task(slow)->status, TaskStatus::Cancelled, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(simA.stats().value(QStringLiteral("client_closed_early")).toInt(), 1, 5000);
    }

    // A crash leaves rows running/queued; the next start marks them
    // interrupted, offers them, and a resumer can restart them.
    void crashLeavesInterruptedTasksThatResume()
    {
        MemoryTaskStore shared;
        TaskInfo running;
        running.id = 41;
        running.kind = QStringLiteral("pull");
        running.title = QStringLiteral("Pull mistral:7b");
        running.status = TaskStatus::Running;
        running.progress = 0.4;
        running.payload = { { QStringLiteral("model"), QStringLiteral("mistral:7b") } };
        running.host = QStringLiteral("local");
        shared.putRow(running);
        TaskInfo queued = running;
        queued.id = 42;
        queued.kind = QStringLiteral("export");
        queued.status = TaskStatus::Queued;
        shared.putRow(queued);
        TaskInfo done = running;
        done.id = 40;
        done.status = TaskStatus::Succeeded;
        shared.putRow(done);

        TaskManager manager(std::make_unique<MemoryTaskStore>(shared));
        QSignalSpy offered(&manager, &TaskManager::interruptedFound);
        QVERIFY(await(manager.restore()).ok());
        QCOMPARE(offered.size(), 1);
        const auto offeredTasks = offered.first().first().value<QList<TaskInfo>>();
        QCOMPARE(offeredTasks.size(), 2);
        COMPARE_STATUS(manager.task(41)->status, TaskStatus::Interrupted);
        QCOMPARE(manager.task(41)->error, QStringLiteral("Roundtable stopped unexpectedly while this task was running."));
        COMPARE_STATUS(manager.task(42)->status, TaskStatus::Interrupted);
        COMPARE_STATUS(manager.task(40)->status, TaskStatus::Succeeded);
        COMPARE_STATUS(shared.row(41)->status, TaskStatus::Interrupted); // saved
        QVERIFY(!manager.task(41)->resumable); // nobody can resume pulls yet
        QVERIFY(!manager.resume(41).ok());

        QString resumedModel;
        manager.registerResumer(QStringLiteral("pull"), [&](const TaskInfo &task) -> std::unique_ptr<Job> {
            resumedModel = task.payload.value(QStringLiteral("model")).toString();
            return steppedJob(2, 10);
        });
        QVERIFY(manager.task(41)->resumable);
        QVERIFY(manager.resume(41).ok());
        TRY_COMPARE_STATUS(manager.task(41)->status, TaskStatus::Succeeded, 3000);
        QCOMPARE(resumedModel, QStringLiteral("mistral:7b"));
        QCOMPARE(manager.task(41)->host, QStringLiteral("local"));
        QVERIFY(manager.task(41)->error.isEmpty());
        // Dismissing an interrupted task cancels it.
        QVERIFY(manager.cancel(42).ok());
        COMPARE_STATUS(manager.task(42)->status, TaskStatus::Cancelled);
        QVERIFY(manager.interruptedTasks().isEmpty());

        // Closing the app with work in flight: interrupted, not lost.
        qint64 inFlight = 0;
        {
            TaskManager second(std::make_unique<MemoryTaskStore>(shared));
            inFlight = await(second.submit(QStringLiteral("pull"), QStringLiteral("Long pull"), steppedJob(1000, 10))).value();
            TRY_COMPARE_STATUS(second.task(inFlight)->status, TaskStatus::Running, 2000);
        }
        COMPARE_STATUS(shared.row(inFlight)->status, TaskStatus::Interrupted);
        QVERIFY(shared.row(inFlight)->error.contains(QStringLiteral("closed")));
    }

    // Rows of other processes: a live owner on this host keeps its task
    // running (shown, not controlled); a dead owner, a reused pid, or a
    // silent owner on another host make it interrupted.
    void tasksOfOtherProcesses()
    {
        QProcess live, dying, gone;
        for (QProcess *p : { &live, &dying, &gone }) {
            p->start(QStringLiteral("sleep"), { QStringLiteral("120") });
            QVERIFY(p->waitForStarted());
        }
        const qint64 gonePid = gone.processId();
        gone.kill();
        QVERIFY(gone.waitForFinished());
        const QString here = QSysInfo::machineHostName();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        MemoryTaskStore shared;
        shared.putRow(ownedRow(1, live.processId(), here, now));
        shared.putRow(ownedRow(2, gonePid, here, now));
        shared.putRow(ownedRow(3, live.processId(), here, now, 1)); // that pid started at another time: reused
        shared.putRow(ownedRow(4, 4242, QStringLiteral("other-box"), now.addSecs(-30)));
        shared.putRow(ownedRow(5, 4242, QStringLiteral("other-box"), now.addSecs(-11 * 60)));
        shared.putRow(ownedRow(6, dying.processId(), here, now));

        TaskManager manager(std::make_unique<MemoryTaskStore>(shared));
        manager.setPollIntervalMs(50);
        QSignalSpy offered(&manager, &TaskManager::interruptedFound);
        QVERIFY(await(manager.restore()).ok());
        QCOMPARE(offered.size(), 1);
        QCOMPARE(offered.first().first().value<QList<TaskInfo>>().size(), 3);
        for (qint64 id : { 1, 4, 6 }) {
            COMPARE_STATUS(manager.task(id)->status, TaskStatus::Running);
            QVERIFY(manager.task(id)->isForeign);
            COMPARE_STATUS(shared.row(id)->status, TaskStatus::Running); // not touched
        }
        for (qint64 id : { 2, 3, 5 }) {
            COMPARE_STATUS(manager.task(id)->status, TaskStatus::Interrupted);
            COMPARE_STATUS(shared.row(id)->status, TaskStatus::Interrupted);
        }
        QVERIFY(!manager.canResume(1));
        QVERIFY(!manager.resume(1).ok());
        QVERIFY(!manager.pause(1).ok());

        // Cancel goes to the owner through the store; the task ends when the owner has stopped it.
        QVERIFY(manager.cancel(1).ok());
        QVERIFY(manager.task(1)->cancelRequested);
        QTRY_VERIFY_WITH_TIMEOUT(shared.row(1)->cancelRequested, 5000);
        COMPARE_STATUS(manager.task(1)->status, TaskStatus::Running);
        QSignalSpy finished(&manager, &TaskManager::taskFinished);
        TaskInfo stopped = *shared.row(1);
        stopped.status = TaskStatus::Cancelled;
        stopped.finishedAt = stopped.updatedAt = QDateTime::currentDateTimeUtc();
        shared.saveStatus(stopped);
        TRY_COMPARE_STATUS(manager.task(1)->status, TaskStatus::Cancelled, 5000);
        QCOMPARE(finished.size(), 1);

        // An owner that dies while we watch: its task becomes interrupted.
        dying.kill();
        QVERIFY(dying.waitForFinished());
        TRY_COMPARE_STATUS(manager.task(6)->status, TaskStatus::Interrupted, 5000);
        COMPARE_STATUS(shared.row(6)->status, TaskStatus::Interrupted);
        COMPARE_STATUS(manager.task(4)->status, TaskStatus::Running); // still alive as far as we can tell
        live.kill();
        QVERIFY(live.waitForFinished());
    }

    // `roundtable tasks cancel` writes a request into the row; the process
    // that runs the task notices it and cancels.
    void cancelRequestFromAnotherProcess()
    {
        MemoryTaskStore shared;
        TaskManager manager(std::make_unique<MemoryTaskStore>(shared));
        manager.setPollIntervalMs(50);
        const qint64 id = await(manager.submit(QStringLiteral("pull"), QStringLiteral("Long"), steppedJob(1000, 10))).value();
        TRY_COMPARE_STATUS(manager.task(id)->status, TaskStatus::Running, 2000);
        QCOMPARE(shared.row(id)->ownerPid, QCoreApplication::applicationPid());
        QVERIFY(await(shared.requestCancel(id)).ok());
        TRY_COMPARE_STATUS(manager.task(id)->status, TaskStatus::Cancelled, 5000);
        COMPARE_STATUS(shared.row(id)->status, TaskStatus::Cancelled);
        QVERIFY(!await(shared.requestCancel(id)).ok()); // finished: nothing to ask
    }

    // A running task that reports nothing still keeps its row fresh, so no
    // other process takes it for a leftover.
    void runningTaskRowStaysFresh()
    {
        MemoryTaskStore shared;
        TaskManager manager(std::make_unique<MemoryTaskStore>(shared));
        manager.setPollIntervalMs(20);
        manager.setHeartbeatMs(100);
        const qint64 id = await(manager.submit(QStringLiteral("x"), QStringLiteral("Quiet"),
                                    std::make_unique<FunctionJob>([](FunctionJob &) {}, [](FunctionJob &j) { j.reportCancelled(); })))
                              .value();
        TRY_COMPARE_STATUS(manager.task(id)->status, TaskStatus::Running, 2000);
        const QDateTime first = shared.row(id)->updatedAt;
        QTRY_VERIFY_WITH_TIMEOUT(shared.row(id)->updatedAt >= first.addMSecs(150), 5000);
        QVERIFY(manager.cancel(id).ok());
        TRY_COMPARE_STATUS(manager.task(id)->status, TaskStatus::Cancelled, 2000);
    }

    // Every storage call takes 200 ms; the manager's thread must never wait for one.
    void slowStorageNeverBlocksTheManagersThread()
    {
        rt::test::TempDatabase temp;
        QVERIFY2(temp.isValid(), qPrintable(temp.error()));
        rt::storage::Storage storage;
        rt::storage::OpenOptions noRecover;
        noRecover.recover = false;
        QVERIFY(storage.open(temp.location(), noRecover).result().ok());
        auto owned = std::make_unique<SlowTaskStore>(storage);
        SlowTaskStore *store = owned.get();
        TaskManager manager(std::move(owned));
        manager.setProgressSaveIntervalMs(0);
        manager.setPollIntervalMs(100);

        rt::test::LatenessProbe probe;
        QFuture<rt::Status> restored = manager.restore();
        QList<QFuture<rt::Result<qint64>>> submitted;
        for (int i = 0; i < 3; ++i)
            submitted.append(manager.submit(QStringLiteral("export"), QStringLiteral("Export %1").arg(i), steppedJob(5, 20)));
        QVERIFY(await(restored, 20000).ok());
        QList<qint64> ids;
        for (const auto &f : std::as_const(submitted))
            ids.append(await(f, 20000).value());
        QTRY_VERIFY_WITH_TIMEOUT(
            std::all_of(ids.cbegin(), ids.cend(), [&](qint64 id) { return manager.task(id)->status == TaskStatus::Succeeded; }), 30000);
        QVERIFY(await(store->requestCancel(ids.first()), 20000).error().message.contains(QStringLiteral("already finished")));
        QVERIFY2(store->calls() >= 10, qPrintable(QString::number(store->calls())));
        QVERIFY2(probe.elapsedMs() >= 1000, "the storage was not slow");
        QVERIFY2(probe.worstMs() < 100, qPrintable(QStringLiteral("the manager's thread was blocked for %1 ms").arg(probe.worstMs())));
    }

    void persistsInSqlite()
    {
        rt::test::TempDatabase temp;
        QVERIFY2(temp.isValid(), qPrintable(temp.error()));
        rt::storage::OpenOptions noRecover;
        noRecover.recover = false;
        qint64 ok = 0, crashed = 0;
        {
            rt::storage::Storage storage;
            QVERIFY(storage.open(temp.location(), noRecover).result().ok());
            TaskManager manager(std::make_unique<StorageTaskStore>(storage));
            manager.setProgressSaveIntervalMs(0);
            QVERIFY(await(manager.restore()).ok());
            QSignalSpy finished(&manager, &TaskManager::taskFinished);
            ok = await(manager.submit(QStringLiteral("export"), QStringLiteral("Export"), steppedJob(4, 5),
                           { QStringLiteral("local"), { { QStringLiteral("path"), QStringLiteral("/tmp/x.md") } } }))
                     .value();
            QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
            // A row as a crashed run leaves it: running, half done.
            rt::storage::TaskRecord row;
            row.kind = QStringLiteral("pull");
            row.title = QStringLiteral("Pull qwen3");
            row.status = rt::storage::TaskStatus::Running;
            row.progress = 0.5;
            row.payload = { { QStringLiteral("model"), QStringLiteral("qwen3:0.6b") } };
            row.host = QStringLiteral("gpu");
            auto id = storage.write([row](rt::storage::StorageContext &c) { return c.tasks().create(row); }).result();
            QVERIFY(id.ok());
            crashed = id.value();
        }
        rt::storage::Storage storage;
        QVERIFY(storage.open(temp.location(), noRecover).result().ok());
        TaskManager manager(std::make_unique<StorageTaskStore>(storage));
        QSignalSpy offered(&manager, &TaskManager::interruptedFound);
        QVERIFY(await(manager.restore()).ok());
        const TaskInfo back = *manager.task(ok);
        COMPARE_STATUS(back.status, TaskStatus::Succeeded);
        QCOMPARE(back.progress, 1.0);
        QCOMPARE(back.progressText, QStringLiteral("step 4 of 4"));
        QCOMPARE(back.host, QStringLiteral("local"));
        QCOMPARE(back.payload, (QJsonObject { { QStringLiteral("path"), QStringLiteral("/tmp/x.md") } }));
        QVERIFY(back.startedAt.isValid() && back.finishedAt.isValid());
        QCOMPARE(offered.size(), 1);
        COMPARE_STATUS(manager.task(crashed)->status, TaskStatus::Interrupted);
        QCOMPARE(manager.task(crashed)->host, QStringLiteral("gpu"));
        QCOMPARE(manager.task(crashed)->progress, 0.5);
        // And the interrupted state is stored.
        auto stored = storage.read([crashed](rt::storage::StorageContext &c) { return c.tasks().get(crashed); }).result();
        QVERIFY(stored.ok());
        QCOMPARE(rt::storage::toString(stored->status), QStringLiteral("interrupted"));
    }
};

QTEST_GUILESS_MAIN(TestTaskManager)
#include "tst_taskmanager.moc"
