// EndpointPool and PooledChat against two real simulator processes: routing by
// model, fallback, per-host concurrency, and the circuit breaker when a host
// dies and comes back.
#include "llm/endpointpool.h"
#include "llm/modelcatalog.h"
#include "llm/ollamaerrors.h"
#include "llm/pooledchat.h"
#include "simprocess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace rt::llm;

namespace {
ChatRequest request(const QString &prompt = QStringLiteral("Hello"))
{
    ChatRequest r;
    r.messages = { ChatMessage::user(prompt) };
    r.options.seed = 3;
    return r;
}

struct Outcome {
    ChatResult result;
    QStringList routes; // "host/model" per attempt
    QStringList notices;
    int queued = 0;
    QString host;
};

// Starts a chat and collects what it reports; wait() for the end.
class ChatProbe final {
public:
    ChatProbe(EndpointPool &pool, const QStringList &models, const QString &preferred = {}, const QString &prompt = QStringLiteral("Hello"))
    {
        m_chat = pool.chat(request(prompt), models, preferred);
        m_spy = std::make_unique<QSignalSpy>(m_chat.data(), &PooledChat::finished);
        QObject::connect(m_chat, &PooledChat::routed, m_chat, [this](const QString &h, const QString &m, int) {
            outcome.routes.append(h + QLatin1Char('/') + m);
            outcome.host = h;
        });
        QObject::connect(m_chat, &PooledChat::notice, m_chat, [this](const QString &text) { outcome.notices.append(text); });
        QObject::connect(m_chat, &PooledChat::queued, m_chat, [this](const QString &) { ++outcome.queued; });
        QObject::connect(m_chat, &PooledChat::delta, m_chat, [this](const QString &c, const QString &) { m_text += c; });
    }
    bool wait(int ms = 30000)
    {
        if (m_spy->isEmpty() && !m_spy->wait(ms))
            return false;
        outcome.result = m_spy->first().first().value<ChatResult>();
        return true;
    }
    PooledChat *chat() const { return m_chat; }
    QString streamed() const { return m_text; }
    Outcome outcome;

private:
    QPointer<PooledChat> m_chat;
    std::unique_ptr<QSignalSpy> m_spy;
    QString m_text;
};

int chatRequests(rt::test::SimProcess &sim)
{
    return sim.stats().value(QStringLiteral("by_path")).toObject().value(QStringLiteral("/api/chat")).toInt();
}
} // namespace

class TestEndpointPool final : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    rt::test::SimProcess m_a;
    std::unique_ptr<rt::test::SimProcess> m_b;
    QStringList m_bArgs;

    static EndpointPool::Options fastOptions()
    {
        EndpointPool::Options o;
        o.failureThreshold = 2;
        o.cooldownMs = 400;
        o.maxCooldownMs = 1600;
        o.healthIntervalMs = 0;
        o.probeTimeoutMs = 2000;
        return o;
    }

    std::unique_ptr<EndpointPool> makePool(int maxA = 4, int maxB = 4)
    {
        auto pool = std::make_unique<EndpointPool>();
        pool->setOptions(fastOptions());
        ClientConfig c;
        c.connectTimeoutMs = 3000;
        c.retryBaseDelayMs = 20;
        pool->setClientConfig(c);
        if (!pool->addHost({ QStringLiteral("a"), m_a.url(), maxA }).ok() || !pool->addHost({ QStringLiteral("b"), m_b->url(), maxB }).ok())
            return nullptr;
        return pool;
    }

    // Fills the pool's knowledge of each host's models, as the catalog does in the app.
    static bool learnModels(EndpointPool &pool)
    {
        ModelCatalog catalog(&pool);
        catalog.setAutoRefresh(false);
        int pending = 2;
        bool ok = true;
        for (const QString &host : pool.hostNames()) {
            catalog.refresh(host, &catalog, [&](const rt::Result<QList<ModelInfo>> &r) {
                ok = ok && r.ok();
                --pending;
            });
        }
        QElapsedTimer timer;
        timer.start();
        while (pending > 0 && timer.elapsed() < 10000)
            QTest::qWait(10);
        return ok && pending == 0;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QJsonArray models {
            QJsonObject { { QStringLiteral("name"), QStringLiteral("llama3.2:1b") }, { QStringLiteral("context_length"), 131072 } },
            QJsonObject { { QStringLiteral("name"), QStringLiteral("only-b:latest") }, { QStringLiteral("context_length"), 4096 } },
            QJsonObject { { QStringLiteral("name"), QStringLiteral("pullable:1b") }, { QStringLiteral("installed"), false } },
        };
        QFile file(m_dir.filePath(QStringLiteral("models-b.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(models).toJson());
        file.close();
        QVERIFY2(m_a.start({ QStringLiteral("--tokens"), QStringLiteral("12"), QStringLiteral("--tps"), QStringLiteral("200") }),
            qPrintable(m_a.errorString()));
        m_bArgs = { QStringLiteral("--tokens"), QStringLiteral("12"), QStringLiteral("--tps"), QStringLiteral("200"),
            QStringLiteral("--models"), file.fileName() };
        m_b = std::make_unique<rt::test::SimProcess>();
        QVERIFY2(m_b->start(m_bArgs), qPrintable(m_b->errorString()));
    }

    void init()
    {
        if (!m_a.isRunning())
            QVERIFY(m_a.start({ QStringLiteral("--tokens"), QStringLiteral("12"), QStringLiteral("--tps"), QStringLiteral("200") }));
        QVERIFY(m_a.reset());
        QVERIFY(m_b->reset());
    }

    void hostConfigFromSettings()
    {
        auto parsed = HostConfig::fromJson({ { QStringLiteral("name"), QStringLiteral("gpu") },
            { QStringLiteral("url"), QStringLiteral("10.0.0.5") }, { QStringLiteral("max_concurrent"), 99 } });
        QVERIFY(parsed.ok());
        QCOMPARE(parsed->url.toString(), QStringLiteral("http://10.0.0.5:11434"));
        QCOMPARE(parsed->maxConcurrent, HostConfig::MaxConcurrentLimit);
        QVERIFY(!HostConfig::fromJson({ { QStringLiteral("url"), QStringLiteral("x") } }).ok());
        EndpointPool pool;
        QVERIFY(pool.addHost({ QStringLiteral("one"), m_a.url(), 2 }).ok());
        const auto dup = pool.addHost({ QStringLiteral("ONE"), m_b->url(), 2 });
        QVERIFY(!dup.ok());
        QCOMPARE(dup.error().message, QStringLiteral("An Ollama host named “ONE” already exists; choose another name."));
        QCOMPARE(pool.defaultHost(), QStringLiteral("one"));
    }

    void routesToTheHostThatHasTheModel()
    {
        auto pool = makePool();
        QVERIFY(pool);
        QVERIFY(learnModels(*pool));
        QCOMPARE(pool->hostHasModel(QStringLiteral("b"), QStringLiteral("only-b")), std::optional<bool>(true));
        QCOMPARE(pool->hostHasModel(QStringLiteral("a"), QStringLiteral("only-b")), std::optional<bool>(false));
        QCOMPARE(pool->route({ QStringLiteral("only-b") })->host, QStringLiteral("b"));
        QCOMPARE(pool->route({ QStringLiteral("qwen3:0.6b") })->host, QStringLiteral("a"));
        QCOMPARE(pool->route({ QStringLiteral("llama3.2:1b") }, {}, QStringLiteral("b"))->host, QStringLiteral("b"));
        const auto none = pool->route({ QStringLiteral("ghost:1b"), QStringLiteral("ghost:2b") });
        QVERIFY(!none.ok());
        QCOMPARE(none.error().code, ErrorCode::ModelNotFound);
        QCOMPARE(none.error().message,
            QStringLiteral("None of the models ghost:1b, ghost:2b is installed on a reachable Ollama host; pull one with: roundtable "
                           "models pull ghost:1b"));

        ChatProbe chat(*pool, { QStringLiteral("only-b") });
        QVERIFY(chat.wait());
        QVERIFY2(chat.outcome.result.ok(), qPrintable(chat.outcome.result.error.message));
        QCOMPARE(chat.outcome.routes, QStringList { QStringLiteral("b/only-b") });
        QCOMPARE(chatRequests(*m_b), 1);
        QCOMPARE(chatRequests(m_a), 0);
    }

    // Nothing known up front: the pool learns from 404s and walks the list.
    void missingModelFallsBack()
    {
        auto pool = makePool();
        QVERIFY(pool);
        ChatProbe chat(*pool, { QStringLiteral("ghost:1b"), QStringLiteral("only-b"), QStringLiteral("qwen3:0.6b") }, QStringLiteral("a"));
        QVERIFY(chat.wait());
        QVERIFY2(chat.outcome.result.ok(), qPrintable(chat.outcome.result.error.message));
        // ghost is missing on both hosts, only-b is missing on a (the preferred host) but present on b.
        QCOMPARE(chat.outcome.routes,
            (QStringList {
                QStringLiteral("a/ghost:1b"), QStringLiteral("b/ghost:1b"), QStringLiteral("a/only-b"), QStringLiteral("b/only-b") }));
        QCOMPARE(chat.outcome.result.model, QStringLiteral("only-b"));
        QCOMPARE(chat.outcome.notices.size(), 3);
        QVERIFY(chat.outcome.notices.first().contains(QStringLiteral("“ghost:1b” is not installed on a")));
        QVERIFY(!chat.streamed().isEmpty());
        // Learned: the next request goes straight to b.
        QCOMPARE(pool->hostHasModel(QStringLiteral("a"), QStringLiteral("only-b")), std::optional<bool>(false));
        ChatProbe again(*pool, { QStringLiteral("ghost:1b"), QStringLiteral("only-b") }, QStringLiteral("a"));
        QVERIFY(again.wait());
        QCOMPARE(again.outcome.routes, QStringList { QStringLiteral("b/only-b") });

        // Nothing anywhere: a clear error, no endless loop.
        ChatProbe nowhere(*pool, { QStringLiteral("ghost:1b") });
        QVERIFY(nowhere.wait());
        QCOMPARE(nowhere.outcome.result.status, ChatStatus::Failed);
        QCOMPARE(nowhere.outcome.result.error.code, ErrorCode::ModelNotFound);
        QVERIFY(nowhere.outcome.routes.isEmpty());
    }

    void concurrencyLimitPerHost()
    {
        // Slow replies so that requests overlap: 40 tokens at 40/s = 1 s each.
        auto pool = std::make_unique<EndpointPool>();
        pool->setOptions(fastOptions());
        QVERIFY(pool->addHost({ QStringLiteral("a"), m_a.url(), 2 }).ok());
        QList<std::shared_ptr<ChatProbe>> chats;
        int maxActive = 0, maxQueued = 0;
        connect(pool.get(), &EndpointPool::slotsChanged, this, [&](const QString &, int active, int queued) {
            maxActive = qMax(maxActive, active);
            maxQueued = qMax(maxQueued, queued);
        });
        for (int i = 0; i < 6; ++i)
            chats.append(std::make_shared<ChatProbe>(
                *pool, QStringList { QStringLiteral("sim-slow") }, QString(), QStringLiteral("request %1").arg(i)));
        int queued = 0;
        for (const auto &c : std::as_const(chats)) {
            QVERIFY(c->wait(60000));
            QVERIFY2(c->outcome.result.ok(), qPrintable(c->outcome.result.error.message));
            queued += c->outcome.queued;
        }
        QCOMPARE(queued, 4);
        QCOMPARE(maxActive, 2);
        QCOMPARE(maxQueued, 4);
        const QJsonObject stats = m_a.stats();
        QCOMPARE(stats.value(QStringLiteral("peak_active")).toInt(), 2);
        QCOMPARE(chatRequests(m_a), 6);
        QCOMPARE(pool->status(QStringLiteral("a")).active, 0);
    }

    void cancelWhileQueuedAndWhileStreaming()
    {
        auto pool = std::make_unique<EndpointPool>();
        QVERIFY(pool->addHost({ QStringLiteral("a"), m_a.url(), 1 }).ok());
        ChatProbe first(*pool, { QStringLiteral("sim-slow") });
        ChatProbe second(*pool, { QStringLiteral("sim-slow") });
        QTRY_COMPARE_WITH_TIMEOUT(second.outcome.queued, 1, 5000);
        second.chat()->cancel();
        QVERIFY(second.wait(1000));
        QCOMPARE(second.outcome.result.status, ChatStatus::Cancelled);
        QVERIFY(second.outcome.routes.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(!first.streamed().isEmpty(), 10000);
        first.chat()->cancel();
        QVERIFY(first.wait(2000));
        QCOMPARE(first.outcome.result.status, ChatStatus::Cancelled);
        QVERIFY(!first.outcome.result.content.isEmpty()); // the partial text is kept
        QTRY_COMPARE_WITH_TIMEOUT(m_a.stats().value(QStringLiteral("client_closed_early")).toInt(), 1, 5000);
        QCOMPARE(chatRequests(m_a), 1);
        QCOMPARE(pool->status(QStringLiteral("a")).active, 0);
        QCOMPARE(pool->status(QStringLiteral("a")).queued, 0);
    }

    // Host a dies in the middle of a run: requests move to b, the breaker
    // opens; when a comes back on the same port, a probe closes it again.
    void breakerOpensAndRecovers()
    {
        auto pool = makePool();
        QVERIFY(pool);
        QSignalSpy states(pool.get(), &EndpointPool::hostStateChanged);
        QList<HostState> aStates;
        connect(pool.get(), &EndpointPool::hostStateChanged, this, [&](const QString &host, HostState state) {
            if (host == u"a")
                aStates.append(state);
        });

        // Warm-up: both hosts serve.
        for (int i = 0; i < 4; ++i) {
            ChatProbe c(*pool, { QStringLiteral("llama3.2:1b") }, i % 2 ? QStringLiteral("b") : QStringLiteral("a"));
            QVERIFY(c.wait());
            QVERIFY(c.outcome.result.ok());
        }
        QCOMPARE(chatRequests(m_a), 2);

        // A long reply from a is under way when a is killed.
        QVERIFY(m_a.setFault(QStringLiteral("stall"), QStringLiteral("3"), 1, QStringLiteral("/api/chat")));
        ChatProbe midway(*pool, { QStringLiteral("llama3.2:1b") }, QStringLiteral("a"));
        QTRY_VERIFY_WITH_TIMEOUT(!midway.streamed().isEmpty(), 10000);
        const quint16 portA = m_a.port();
        m_a.kill();
        QVERIFY(midway.wait());
        QCOMPARE(midway.outcome.result.status, ChatStatus::Failed);
        QVERIFY(!midway.outcome.result.content.isEmpty()); // kept, not replayed elsewhere
        QCOMPARE(midway.outcome.routes, QStringList { QStringLiteral("a/llama3.2:1b") });

        // The next request that tries a fails over to b; a refused connection is
        // conclusive, so a is offline at once (no second request pays for it).
        for (int i = 0; i < 1; ++i) {
            ChatProbe c(*pool, { QStringLiteral("llama3.2:1b") }, QStringLiteral("a"));
            QVERIFY(c.wait());
            QVERIFY2(c.outcome.result.ok(), qPrintable(c.outcome.result.error.message));
            QCOMPARE(c.outcome.routes, (QStringList { QStringLiteral("a/llama3.2:1b"), QStringLiteral("b/llama3.2:1b") }));
            QVERIFY(c.outcome.notices.first().startsWith(QStringLiteral("Ollama host a failed")));
        }
        QCOMPARE(pool->status(QStringLiteral("a")).state, HostState::Offline);
        QCOMPARE(aStates, QList<HostState> { HostState::Offline });
        QVERIFY(pool->status(QStringLiteral("a")).lastError.contains(QStringLiteral("not running")));
        QVERIFY(pool->anyAvailable());

        // While a is offline, nothing is sent its way even when preferred.
        const int bBefore = chatRequests(*m_b);
        for (int i = 0; i < 3; ++i) {
            ChatProbe c(*pool, { QStringLiteral("llama3.2:1b") }, QStringLiteral("a"));
            QVERIFY(c.wait());
            QVERIFY(c.outcome.result.ok());
            QCOMPARE(c.outcome.routes, QStringList { QStringLiteral("b/llama3.2:1b") });
        }
        QCOMPARE(chatRequests(*m_b), bBefore + 3);

        // The half-open probe fails while a is still down: offline again, longer cool-down.
        QTRY_VERIFY_WITH_TIMEOUT(aStates.size() >= 3, 5000);
        QCOMPARE(aStates.mid(0, 3), (QList<HostState> { HostState::Offline, HostState::Probing, HostState::Offline }));

        // a comes back on the same port: probing -> online.
        QVERIFY2(m_a.start({ QStringLiteral("--tokens"), QStringLiteral("12"), QStringLiteral("--tps"), QStringLiteral("200"),
                     QStringLiteral("--port"), QString::number(portA) }),
            qPrintable(m_a.errorString()));
        QCOMPARE(m_a.port(), portA);
        QTRY_COMPARE_WITH_TIMEOUT(pool->status(QStringLiteral("a")).state, HostState::Online, 10000);
        QCOMPARE(aStates.last(), HostState::Online);
        QCOMPARE(aStates.at(aStates.size() - 2), HostState::Probing);
        QCOMPARE(pool->status(QStringLiteral("a")).consecutiveFailures, 0);
        QVERIFY(!pool->status(QStringLiteral("a")).version.isEmpty());
        ChatProbe back(*pool, { QStringLiteral("llama3.2:1b") }, QStringLiteral("a"));
        QVERIFY(back.wait());
        QVERIFY(back.outcome.result.ok());
        QCOMPARE(back.outcome.routes, QStringList { QStringLiteral("a/llama3.2:1b") });
        QCOMPARE(chatRequests(m_a), 1);
    }

    // One host, the common case: when it is down the pool says so, a request
    // may wait for it, and it carries on when the host returns.
    void singleHostOfflineThenBack()
    {
        auto pool = std::make_unique<EndpointPool>();
        auto options = fastOptions();
        options.waitForHostMs = 20000;
        pool->setOptions(options);
        QVERIFY(pool->addHost({ QStringLiteral("local"), m_a.url(), 4 }).ok());
        QSignalSpy availability(pool.get(), &EndpointPool::availabilityChanged);
        const quint16 port = m_a.port();
        m_a.kill();
        pool->probeNow();
        QTRY_COMPARE_WITH_TIMEOUT(pool->status(QStringLiteral("local")).state, HostState::Offline, 5000);
        QCOMPARE(availability.size(), 1);
        QCOMPARE(availability.first().first().toBool(), false);
        const auto route = pool->route({ QStringLiteral("llama3.2:1b") });
        QVERIFY(!route.ok());
        QCOMPARE(route.error().code, ErrorCode::Unreachable);
        QVERIFY2(route.error().message.contains(QStringLiteral("not running")), qPrintable(route.error().message));

        ChatProbe waiting(*pool, { QStringLiteral("llama3.2:1b") });
        QSignalSpy waitSignal(waiting.chat(), &PooledChat::waitingForHost);
        QTRY_COMPARE_WITH_TIMEOUT(waitSignal.size(), 1, 2000);
        QVERIFY(m_a.start({ QStringLiteral("--tokens"), QStringLiteral("12"), QStringLiteral("--port"), QString::number(port) }));
        QVERIFY(waiting.wait(20000));
        QVERIFY2(waiting.outcome.result.ok(), qPrintable(waiting.outcome.result.error.message));
        QCOMPARE(availability.last().first().toBool(), true);

        // Without waiting, a request fails at once with the reason.
        options.waitForHostMs = 0;
        pool->setOptions(options);
        m_a.kill();
        pool->probeNow();
        QTRY_COMPARE_WITH_TIMEOUT(pool->status(QStringLiteral("local")).state, HostState::Offline, 5000);
        ChatProbe failing(*pool, { QStringLiteral("llama3.2:1b") });
        QVERIFY(failing.wait(2000));
        QCOMPARE(failing.outcome.result.error.code, ErrorCode::Unreachable);
    }

    void cleanupTestCase() { m_b.reset(); }
};

QTEST_GUILESS_MAIN(TestEndpointPool)
#include "tst_endpointpool.moc"
