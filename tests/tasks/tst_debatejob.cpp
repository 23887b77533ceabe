// DebateJob: a debate run as a task against the simulator, through the
// endpoint pool: progress by rounds, the debate id in the payload, cancel =
// interrupt (resumable), and the "debate" resumer continuing a debate whose
// process went away, every turn stored once.
#include "awaitfuture.h"
#include "debate/debateengine.h"
#include "debate/debatejob.h"
#include "debate/debatestore.h"
#include "llm/endpointpool.h"
#include "simprocess.h"
#include "tasks/taskmanager.h"

#include <QSet>
#include <QSignalSpy>
#include <QTest>

using namespace rt::debate;
using rt::tasks::TaskInfo;
using rt::tasks::TaskManager;
using rt::tasks::TaskStatus;
using rt::test::await;

#define TRY_COMPARE_STATUS(actual, expected, ms)                                                                                           \
    QTRY_COMPARE_WITH_TIMEOUT(rt::tasks::statusName(actual), rt::tasks::statusName(expected), ms)

namespace {
// One agent right, one wrong, neither ever persuaded: no early consensus.
const QStringList kSimArgs { QStringLiteral("--debate-accuracy"), QStringLiteral("llama3.2:1b=1,gemma3:1b=0"),
    QStringLiteral("--debate-persuadability"), QStringLiteral("*=0") };

int regularTurns(const StoredDebate &d)
{
    int n = 0;
    QSet<QPair<int, int>> seen;
    for (const TurnRecord &t : d.turns) {
        if (t.info.kind != rt::TurnKind::Turn)
            continue;
        ++n;
        if (seen.contains({ t.info.round, t.info.seat }))
            return -1; // stored twice
        seen.insert({ t.info.round, t.info.seat });
    }
    return n;
}

rt::agents::Agent agent(const QString &name, const QString &model)
{
    rt::agents::Agent a;
    a.name = name;
    a.model = model;
    a.role = QStringLiteral("custom");
    a.colour = QStringLiteral("#336699");
    a.systemPrompt = QStringLiteral("You are %1.").arg(name);
    return a;
}

DebateConfig config(int rounds)
{
    DebateConfig c;
    c.question = QStringLiteral("What is the result of 27+12*24+28-13*1? Answer with a single number.");
    c.seed = 5;
    c.maxRounds = rounds;
    c.stallRounds = 0; // run every round: the simulated agents never agree (see kSimArgs)
    c.consensusThreshold = 1.0;
    c.synthesis = false;
    c.agents = { agent(QStringLiteral("Ada"), QStringLiteral("llama3.2:1b")), agent(QStringLiteral("Bo"), QStringLiteral("gemma3:1b")) };
    return c;
}

std::unique_ptr<rt::llm::EndpointPool> makePool(const QUrl &url)
{
    auto pool = std::make_unique<rt::llm::EndpointPool>();
    rt::llm::EndpointPool::Options options;
    options.healthIntervalMs = 0;
    pool->setOptions(options);
    rt::llm::HostConfig host;
    host.name = QStringLiteral("local");
    host.url = url;
    if (!pool->addHost(host))
        qFatal("could not add the simulator");
    return pool;
}

qint64 debateIdOf(const TaskInfo &t)
{
    return qint64(t.payload.value(DebateJob::DebateIdKey).toDouble());
}
} // namespace

class TestDebateJob final : public QObject {
    Q_OBJECT

private slots:
    void runsAsATask()
    {
        rt::test::SimProcess sim;
        QVERIFY2(sim.start(kSimArgs), qPrintable(sim.errorString()));
        auto pool = makePool(sim.url());
        MemoryDebateStore store;
        TaskManager tasks;
        tasks.setProgressSaveIntervalMs(0);
        QList<double> progress;
        QStringList texts;
        connect(&tasks, &TaskManager::taskChanged, this, [&](const TaskInfo &t) {
            progress.append(t.progress);
            texts.append(t.progressText);
        });
        const DebateConfig c = config(2);
        const qint64 id
            = await(tasks.submit(DebateJob::Kind, DebateJob::title(c.question), std::make_unique<DebateJob>(pool.get(), &store, c)))
                  .value();
        TRY_COMPARE_STATUS(tasks.task(id)->status, TaskStatus::Succeeded, 60000);
        const TaskInfo done = *tasks.task(id);
        QVERIFY2(done.title.startsWith(QStringLiteral("Debate: What is the result of 27+12*24")) && done.title.endsWith(QChar(0x2026)),
            qPrintable(done.title)); // long questions are shortened
        QCOMPARE(done.progress, 1.0);
        QVERIFY(progress.contains(0.5)); // one round of two
        QVERIFY2(texts.contains(QStringLiteral("Round 2 of 2")), qPrintable(texts.join(u'|')));
        const qint64 debateId = debateIdOf(done);
        QVERIFY(debateId > 0);
        const StoredDebate *stored = store.find(debateId);
        QVERIFY(stored);
        QCOMPARE(rt::toString(stored->status), QStringLiteral("finished"));
        QCOMPARE(regularTurns(*stored), 4);
    }

    // Cancel interrupts (the debate stays resumable); a task whose process
    // went away mid-debate is continued by the "debate" resumer.
    void cancelInterruptsAndTheResumerContinues()
    {
        rt::test::SimProcess sim;
        QVERIFY2(sim.start(kSimArgs + QStringList { QStringLiteral("--tps"), QStringLiteral("60") }), qPrintable(sim.errorString()));
        auto pool = makePool(sim.url());
        MemoryDebateStore store;
        rt::tasks::MemoryTaskStore shared;

        {
            TaskManager tasks(std::make_unique<rt::tasks::MemoryTaskStore>(shared));
            const qint64 cancelled
                = await(tasks.submit(DebateJob::Kind, QStringLiteral("A"), std::make_unique<DebateJob>(pool.get(), &store, config(3))))
                      .value();
            QTRY_VERIFY_WITH_TIMEOUT(debateIdOf(*tasks.task(cancelled)) > 0, 10000);
            auto *job = qobject_cast<DebateJob *>(tasks.job(cancelled));
            QVERIFY(job);
            QSignalSpy turns(job->engine(), &DebateEngine::turnFinished);
            QVERIFY(turns.wait(20000));
            QVERIFY(tasks.cancel(cancelled).ok());
            TRY_COMPARE_STATUS(tasks.task(cancelled)->status, TaskStatus::Cancelled, 10000);
            QCOMPARE(rt::toString(store.find(debateIdOf(*tasks.task(cancelled)))->status), QStringLiteral("interrupted"));

            // A second debate; the manager goes away while it runs (the app closes).
            const qint64 running
                = await(tasks.submit(DebateJob::Kind, QStringLiteral("B"), std::make_unique<DebateJob>(pool.get(), &store, config(2))))
                      .value();
            QTRY_VERIFY_WITH_TIMEOUT(debateIdOf(*tasks.task(running)) > 0, 10000);
            QSignalSpy more(qobject_cast<DebateJob *>(tasks.job(running))->engine(), &DebateEngine::turnFinished);
            QVERIFY(more.wait(20000));
        }
        const QList<TaskInfo> left = await(shared.loadAll(10)).value();
        QCOMPARE(left.size(), 2);
        const TaskInfo interrupted = left.first(); // newest first
        QCOMPARE(interrupted.title, QStringLiteral("B"));
        QCOMPARE(rt::tasks::statusName(interrupted.status), QStringLiteral("interrupted"));
        const qint64 debateId = debateIdOf(interrupted);
        const qsizetype turnsBefore = store.find(debateId)->turns.size();
        QVERIFY(turnsBefore >= 1);

        TaskManager next(std::make_unique<rt::tasks::MemoryTaskStore>(shared));
        DebateJob::registerResumer(next, pool.get(), &store);
        QVERIFY(await(next.restore()).ok());
        QVERIFY(next.canResume(interrupted.id));
        QVERIFY(next.resume(interrupted.id).ok());
        TRY_COMPARE_STATUS(next.task(interrupted.id)->status, TaskStatus::Succeeded, 60000);
        const StoredDebate *d = store.find(debateId);
        QCOMPARE(rt::toString(d->status), QStringLiteral("finished"));
        // Two agents, two rounds: every turn stored once.
        QCOMPARE(regularTurns(*d), 4);
        QCOMPARE(debateIdOf(*next.task(interrupted.id)), debateId);
    }
};

QTEST_GUILESS_MAIN(TestDebateJob)
#include "tst_debatejob.moc"
