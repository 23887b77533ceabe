// ModelCatalog against two simulators: lists per host, details, loaded
// models, pull with progress and cancel, delete, and the cache (memory and
// SQLite) that keeps the last known lists for when Ollama is down.
#include "awaitfuture.h"
#include "llm/endpointpool.h"
#include "llm/modelcatalog.h"
#include "llm/modelpull.h"
#include "llm/ollamaclient.h"
#include "llm/ollamaerrors.h"
#include "llm/storagemodelcache.h"
#include "simprocess.h"
#include "storage/storage.h"
#include "tasks/pulljob.h"
#include "tasks/taskmanager.h"
#include "tempdatabase.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace rt::llm;
using rt::test::await;

namespace {
// Waits (running the event loop) for a future of the catalog or task manager.
template<typename T> struct Waiter {
    std::optional<rt::Result<T>> result;
    std::function<void(const rt::Result<T> &)> callback()
    {
        return [this](const rt::Result<T> &r) { result = r; };
    }
    bool wait(int ms = 10000)
    {
        QElapsedTimer t;
        t.start();
        while (!result && t.elapsed() < ms)
            QTest::qWait(10);
        return result.has_value();
    }
};

QStringList names(const QList<ModelInfo> &models)
{
    QStringList list;
    for (const auto &m : models)
        list.append(m.name);
    list.sort();
    return list;
}

QUrl closedPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost);
    const quint16 port = probe.serverPort();
    probe.close();
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
}

} // namespace

class TestModelCatalog final : public QObject {
    Q_OBJECT

    rt::test::SimProcess m_a;
    rt::test::SimProcess m_b;

    std::unique_ptr<EndpointPool> makePool()
    {
        auto pool = std::make_unique<EndpointPool>();
        EndpointPool::Options o;
        o.healthIntervalMs = 0;
        pool->setOptions(o);
        if (!pool->addHost({ QStringLiteral("a"), m_a.url(), 4 }).ok() || !pool->addHost({ QStringLiteral("b"), m_b.url(), 4 }).ok())
            return nullptr;
        return pool;
    }

    static bool refreshAll(ModelCatalog &catalog, EndpointPool &pool)
    {
        for (const QString &host : pool.hostNames()) {
            Waiter<QList<ModelInfo>> w;
            catalog.refresh(host, &catalog, w.callback());
            if (!w.wait() || !w.result->ok())
                return false;
        }
        return true;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_a.start({ QStringLiteral("--pull-ms"), QStringLiteral("1500") }), qPrintable(m_a.errorString()));
        QVERIFY2(m_b.start({ QStringLiteral("--pull-ms"), QStringLiteral("4000") }), qPrintable(m_b.errorString()));
    }

    void init()
    {
        QVERIFY(m_a.reset());
        QVERIFY(m_b.reset());
    }

    void listsPerHostAndMerged()
    {
        auto pool = makePool();
        QVERIFY(pool);
        ModelCatalog catalog(pool.get());
        QSignalSpy changed(&catalog, &ModelCatalog::modelsChanged);
        QVERIFY(!catalog.hasAnyList());
        QVERIFY(refreshAll(catalog, *pool));
        QCOMPARE(changed.size(), 2);
        const QStringList expected { QStringLiteral("gemma3:1b"), QStringLiteral("llama3.2:1b"), QStringLiteral("nomic-embed-text:latest"),
            QStringLiteral("qwen3:0.6b"), QStringLiteral("sim-slow:latest") };
        QCOMPARE(names(catalog.models(QStringLiteral("a"))), expected);
        QCOMPARE(names(catalog.models()), expected); // merged, no duplicates
        QVERIFY(catalog.isFresh(QStringLiteral("a")));
        QCOMPARE(catalog.hostsWithModel(QStringLiteral("qwen3:0.6b")), (QStringList { QStringLiteral("a"), QStringLiteral("b") }));
        QCOMPARE(catalog.model(QStringLiteral("LLAMA3.2:1b"))->family, QStringLiteral("llama"));
        // The pool routes by what the catalog learned.
        QCOMPARE(pool->hostHasModel(QStringLiteral("b"), QStringLiteral("gemma3:1b")), std::optional<bool>(true));
        QCOMPARE(pool->hostHasModel(QStringLiteral("b"), QStringLiteral("mistral:7b")), std::optional<bool>(false));

        // An unknown host is a clear error.
        Waiter<QList<ModelInfo>> w;
        catalog.refresh(QStringLiteral("nope"), &catalog, w.callback());
        QVERIFY(w.wait());
        QVERIFY(!w.result->ok());
        QVERIFY(w.result->error().message.startsWith(QStringLiteral("There is no Ollama host named “nope”")));
    }

    void showAndRunning()
    {
        auto pool = makePool();
        QVERIFY(pool);
        ModelCatalog catalog(pool.get());
        QVERIFY(refreshAll(catalog, *pool));
        Waiter<ModelDetails> show;
        catalog.show(QStringLiteral("qwen3:0.6b"), QStringLiteral("a"), &catalog, show.callback());
        QVERIFY(show.wait());
        QVERIFY2(show.result->ok(), qPrintable(show.result->ok() ? QString() : show.result->error().message));
        const ModelDetails &d = show.result->value();
        QCOMPARE(d.info.contextLength, 40960);
        QVERIFY(d.info.hasCapability(u"thinking"));
        QCOMPARE(d.info.parameterSize, QStringLiteral("751.63M"));
        // The cached entry learned the capabilities.
        QVERIFY(catalog.model(QStringLiteral("qwen3:0.6b"), QStringLiteral("a"))->hasCapability(u"thinking"));

        Waiter<ModelDetails> missing;
        catalog.show(QStringLiteral("ghost:1b"), QStringLiteral("a"), &catalog, missing.callback());
        QVERIFY(missing.wait());
        QCOMPARE(missing.result->error().code, ErrorCode::ModelNotFound);

        // Load a model with a chat, then /api/ps lists it.
        ChatRequest r;
        r.model = QStringLiteral("gemma3:1b");
        r.messages = { ChatMessage::user(QStringLiteral("hi")) };
        ChatStream *chat = pool->controlClient(QStringLiteral("b"))->chat(r);
        QSignalSpy done(chat, &ChatStream::finished);
        QVERIFY(done.wait(10000));
        Waiter<QList<RunningModel>> ps;
        catalog.running(QStringLiteral("b"), &catalog, ps.callback());
        QVERIFY(ps.wait());
        QVERIFY(ps.result->ok());
        QCOMPARE(ps.result->value().size(), 1);
        QCOMPARE(ps.result->value().first().name, QStringLiteral("gemma3:1b"));
        QVERIFY(ps.result->value().first().expiresAt > QDateTime::currentDateTimeUtc());
    }

    void pullWithProgress()
    {
        auto pool = makePool();
        QVERIFY(pool);
        ModelCatalog catalog(pool.get());
        QVERIFY(refreshAll(catalog, *pool));
        QVERIFY(!catalog.model(QStringLiteral("tinyllama:latest"), QStringLiteral("a")));
        QSignalSpy pullFinished(&catalog, &ModelCatalog::pullFinished);
        ModelPull *pull = catalog.pull(QStringLiteral("tinyllama"), QStringLiteral("a"));
        QVERIFY(pull);
        QList<PullProgress> seen;
        connect(pull, &ModelPull::progressed, this, [&](const PullProgress &p) { seen.append(p); });
        QSignalSpy finished(pull, &ModelPull::finished);
        QVERIFY(finished.wait(15000));
        const PullResult result = finished.first().first().value<PullResult>();
        QVERIFY2(result.ok(), qPrintable(result.error.message));
        QCOMPARE(result.host, QStringLiteral("a"));
        QVERIFY(result.progress.isDone());
        QVERIFY(result.progress.totalBytes > 0);
        QCOMPARE(result.progress.completedBytes, result.progress.totalBytes);

        // Progress went through the phases, with bytes and speed while downloading.
        QVERIFY2(seen.size() >= 5, qPrintable(QString::number(seen.size())));
        bool sawManifest = false, sawDownload = false, sawSpeed = false, sawVerify = false;
        qint64 lastCompleted = 0;
        for (const PullProgress &p : std::as_const(seen)) {
            sawManifest = sawManifest || p.phase == PullProgress::Phase::Manifest;
            sawVerify = sawVerify || p.phase == PullProgress::Phase::Verifying;
            if (p.phase == PullProgress::Phase::Downloading) {
                sawDownload = true;
                QVERIFY(p.completedBytes >= lastCompleted);
                lastCompleted = p.completedBytes;
                sawSpeed = sawSpeed || (p.bytesPerSecond > 0 && p.etaSeconds >= 0);
                QVERIFY(!p.layers.isEmpty());
            }
        }
        QVERIFY(sawManifest);
        QVERIFY(sawDownload);
        QVERIFY(sawSpeed);
        QVERIFY(sawVerify);
        QCOMPARE(seen.last().phase, PullProgress::Phase::Success);

        // The catalog refreshes the host after a pull.
        QTRY_VERIFY_WITH_TIMEOUT(catalog.model(QStringLiteral("tinyllama:latest"), QStringLiteral("a")).has_value(), 5000);
        QCOMPARE(pullFinished.size(), 1);
        QCOMPARE(pool->hostHasModel(QStringLiteral("a"), QStringLiteral("tinyllama")), std::optional<bool>(true));
        QCOMPARE(m_a.stats().value(QStringLiteral("pulls_completed")).toInt(), 1);
    }

    void pullCancelClosesTheConnection()
    {
        auto pool = makePool();
        QVERIFY(pool);
        ModelCatalog catalog(pool.get());
        ModelPull *pull = catalog.pull(QStringLiteral("mistral:7b"), QStringLiteral("b")); // 4 s on b
        QVERIFY(pull);
        QSignalSpy finished(pull, &ModelPull::finished);
        bool cancelled = false;
        connect(pull, &ModelPull::progressed, this, [&](const PullProgress &p) {
            if (!cancelled && p.phase == PullProgress::Phase::Downloading && p.completedBytes > 0) {
                cancelled = true;
                pull->cancel();
            }
        });
        QVERIFY(finished.wait(10000));
        const PullResult result = finished.first().first().value<PullResult>();
        QCOMPARE(result.kind, PullResult::Kind::Cancelled);
        QVERIFY(result.progress.completedBytes > 0);
        QVERIFY(result.progress.completedBytes < result.progress.totalBytes);
        QVERIFY(result.error.message.contains(QStringLiteral("resumes")));
        QTRY_COMPARE_WITH_TIMEOUT(m_b.stats().value(QStringLiteral("client_closed_early")).toInt(), 1, 5000);
        QCOMPARE(m_b.stats().value(QStringLiteral("pulls_cancelled")).toInt(), 1);
        QVERIFY(refreshAll(catalog, *pool));
        QVERIFY(!catalog.model(QStringLiteral("mistral:7b"), QStringLiteral("b")));
    }

    void pullAsATask()
    {
        auto pool = makePool();
        QVERIFY(pool);
        ModelCatalog catalog(pool.get());
        rt::tasks::TaskManager tasks;
        rt::tasks::PullJob::registerResumer(tasks, &catalog);
        QStringList texts;
        connect(&tasks, &rt::tasks::TaskManager::taskChanged, this, [&](const rt::tasks::TaskInfo &t) { texts.append(t.progressText); });
        const QString model = QStringLiteral("deepseek-r1:1.5b");
        auto id = await(tasks.submit(rt::tasks::PullJob::Kind, rt::tasks::PullJob::title(model),
            std::make_unique<rt::tasks::PullJob>(&catalog, model, QStringLiteral("a")),
            rt::tasks::PullJob::options(model, QStringLiteral("a"))));
        QVERIFY(id.ok());
        QTRY_COMPARE_WITH_TIMEOUT(rt::tasks::statusName(tasks.task(*id)->status), QStringLiteral("succeeded"), 15000);
        QCOMPARE(tasks.task(*id)->title, QStringLiteral("Pull deepseek-r1:1.5b"));
        QCOMPARE(tasks.task(*id)->progress, 1.0);
        QVERIFY(!texts.filter(QStringLiteral("Downloading ")).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(catalog.model(model, QStringLiteral("a")).has_value(), 5000);

        // Cancelling the task stops the download on the server.
        auto slow = await(tasks.submit(rt::tasks::PullJob::Kind, rt::tasks::PullJob::title(QStringLiteral("mistral:7b")),
            std::make_unique<rt::tasks::PullJob>(&catalog, QStringLiteral("mistral:7b"), QStringLiteral("b")),
            rt::tasks::PullJob::options(QStringLiteral("mistral:7b"), QStringLiteral("b"))));
        QTRY_VERIFY_WITH_TIMEOUT(tasks.task(*slow)->progress > 0.0, 10000);
        QVERIFY(tasks.cancel(*slow).ok());
        QTRY_COMPARE_WITH_TIMEOUT(rt::tasks::statusName(tasks.task(*slow)->status), QStringLiteral("cancelled"), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(m_b.stats().value(QStringLiteral("pulls_cancelled")).toInt(), 1, 5000);
        // ... and it can be resumed (pulled again) through the resumer.
        QVERIFY(!tasks.canResume(*slow)); // cancelled on purpose: not offered
        auto failed = await(tasks.submit(rt::tasks::PullJob::Kind, rt::tasks::PullJob::title(QStringLiteral("ghost:1b")),
            std::make_unique<rt::tasks::PullJob>(&catalog, QStringLiteral("ghost:1b"), QStringLiteral("a")),
            rt::tasks::PullJob::options(QStringLiteral("ghost:1b"), QStringLiteral("a"))));
        QTRY_COMPARE_WITH_TIMEOUT(rt::tasks::statusName(tasks.task(*failed)->status), QStringLiteral("failed"), 10000);
        QVERIFY(tasks.task(*failed)->error.contains(QStringLiteral("does not exist")));
        QVERIFY(tasks.canResume(*failed));
    }

    void pullUnknownModel()
    {
        auto pool = makePool();
        QVERIFY(pool);
        ModelCatalog catalog(pool.get());
        ModelPull *pull = catalog.pull(QStringLiteral("no-such-model:9b"), QStringLiteral("a"));
        QSignalSpy finished(pull, &ModelPull::finished);
        QVERIFY(finished.wait(10000));
        const PullResult result = finished.first().first().value<PullResult>();
        QCOMPARE(result.kind, PullResult::Kind::Failed);
        QCOMPARE(result.error.code, ErrorCode::ModelNotFound);
        QCOMPARE(result.error.message,
            QStringLiteral("The model “no-such-model:9b” does not exist in the Ollama library; check the name and tag."));
        QVERIFY(!catalog.pull(QStringLiteral("x"), QStringLiteral("no-host")));
    }

    void deleteModel()
    {
        auto pool = makePool();
        QVERIFY(pool);
        ModelCatalog catalog(pool.get());
        QVERIFY(refreshAll(catalog, *pool));
        QSignalSpy removed(&catalog, &ModelCatalog::modelRemoved);
        Waiter<bool> rm;
        catalog.remove(QStringLiteral("gemma3:1b"), QStringLiteral("b"), &catalog, rm.callback());
        QVERIFY(rm.wait());
        QVERIFY2(rm.result->ok(), qPrintable(rm.result->ok() ? QString() : rm.result->error().message));
        QCOMPARE(removed.size(), 1);
        QVERIFY(!catalog.model(QStringLiteral("gemma3:1b"), QStringLiteral("b")));
        QVERIFY(catalog.model(QStringLiteral("gemma3:1b"), QStringLiteral("a"))); // the other host keeps it
        QCOMPARE(pool->hostHasModel(QStringLiteral("b"), QStringLiteral("gemma3:1b")), std::optional<bool>(false));
        QCOMPARE(pool->route({ QStringLiteral("gemma3:1b") })->host, QStringLiteral("a"));
        // The host agrees.
        QVERIFY(refreshAll(catalog, *pool));
        QVERIFY(!catalog.model(QStringLiteral("gemma3:1b"), QStringLiteral("b")));

        Waiter<bool> again;
        catalog.remove(QStringLiteral("gemma3:1b"), QStringLiteral("b"), &catalog, again.callback());
        QVERIFY(again.wait());
        QVERIFY(!again.result->ok());
        QCOMPARE(again.result->error().code, ErrorCode::ModelNotFound);
        QVERIFY(m_b.reset()); // the simulator restores its models
    }

    // The app starts while Ollama is down: the last known list is there.
    void cacheServesTheLastKnownList()
    {
        auto cache = std::make_unique<MemoryModelCacheStore>();
        MemoryModelCacheStore *store = cache.get();
        {
            auto pool = makePool();
            ModelCatalog catalog(pool.get(), std::move(cache));
            QVERIFY(refreshAll(catalog, *pool));
            QCOMPARE(store->loadAll().result()->size(), 2);
            // Hand the cache over to the "next run".
            const auto all = store->loadAll().result().value();
            cache = std::make_unique<MemoryModelCacheStore>();
            for (auto it = all.cbegin(); it != all.cend(); ++it)
                cache->save(it.key(), it.value());
        }
        // The next run: no refresh has happened yet (Ollama may be down), the cached list is shown.
        const QUrl urlA = m_a.url();
        EndpointPool pool;
        QVERIFY(pool.addHost({ QStringLiteral("a"), urlA, 4 }).ok());
        QVERIFY(pool.addHost({ QStringLiteral("elsewhere"), closedPort(), 4 }).ok());
        ModelCatalog catalog(&pool, std::move(cache));
        catalog.setAutoRefresh(false);
        QVERIFY(await(catalog.loadCache()).ok());
        QCOMPARE(catalog.models(QStringLiteral("a")).size(), 5);
        QVERIFY(!catalog.isFresh(QStringLiteral("a")));
        QVERIFY(catalog.models(QStringLiteral("elsewhere")).isEmpty());
        // A cached list is a hint, not the truth: routing still tries the host.
        QCOMPARE(pool.hostHasModel(QStringLiteral("a"), QStringLiteral("ghost")), std::nullopt);

        Waiter<QList<ModelInfo>> failing;
        QSignalSpy failed(&catalog, &ModelCatalog::refreshFailed);
        catalog.refresh(QStringLiteral("elsewhere"), &catalog, failing.callback());
        QVERIFY(failing.wait());
        QCOMPARE(failing.result->error().code, ErrorCode::Unreachable);
        QCOMPARE(failed.size(), 1);
    }

    void cacheInSqlite()
    {
        rt::test::TempDatabase temp;
        QVERIFY2(temp.isValid(), qPrintable(temp.error()));
        {
            rt::storage::Storage storage;
            QVERIFY(storage.open(temp.location()).result().ok());
            auto pool = makePool();
            ModelCatalog catalog(pool.get(), std::make_unique<StorageModelCache>(storage));
            QVERIFY(refreshAll(catalog, *pool));
            Waiter<ModelDetails> show;
            catalog.show(QStringLiteral("qwen3:0.6b"), QStringLiteral("b"), &catalog, show.callback());
            QVERIFY(show.wait());
        } // Storage finishes its queued writes before it goes
        rt::storage::Storage storage;
        QVERIFY(storage.open(temp.location()).result().ok());
        EndpointPool pool;
        QVERIFY(pool.addHost({ QStringLiteral("b"), m_b.url(), 4 }).ok());
        ModelCatalog catalog(&pool, std::make_unique<StorageModelCache>(storage));
        catalog.setAutoRefresh(false);
        QVERIFY(await(catalog.loadCache()).ok());
        const auto qwen = catalog.model(QStringLiteral("qwen3:0.6b"), QStringLiteral("b"));
        QVERIFY(qwen);
        QCOMPARE(qwen->contextLength, 40960);
        QCOMPARE(qwen->parameterSize, QStringLiteral("751.63M"));
        QVERIFY(qwen->hasCapability(u"thinking"));
        QVERIFY(qwen->sizeBytes > 0);
        QCOMPARE(catalog.models(QStringLiteral("b")).size(), 5);
    }
};

QTEST_GUILESS_MAIN(TestModelCatalog)
#include "tst_modelcatalog.moc"
