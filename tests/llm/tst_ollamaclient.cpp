// OllamaClient against the simulator over real HTTP: one case per fault mode.
#include "llm/ollamaclient.h"
#include "llm/ollamaerrors.h"
#include "simprocess.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace rt::llm;

class TestOllamaClient final : public QObject {
    Q_OBJECT

    rt::test::SimProcess m_sim;

    ClientConfig config(const QUrl &url = {}) const
    {
        ClientConfig c;
        c.baseUrl = url.isEmpty() ? m_sim.url() : url;
        c.retryBaseDelayMs = 20;
        c.loadingNoticeMs = 300;
        return c;
    }

    static ChatRequest request(const QString &model = QStringLiteral("llama3.2:1b"), const QString &prompt = QStringLiteral("Hello there"))
    {
        ChatRequest r;
        r.model = model;
        r.messages = { ChatMessage::user(prompt) };
        r.options.seed = 7;
        return r;
    }

    struct Run {
        ChatResult result;
        QString streamed;
        QString streamedThinking;
        int waitingSignals = 0;
        int retries = 0;
    };

    static Run run(
        OllamaClient &client, const ChatRequest &req, std::function<void(ChatStream *, Run &)> during = {}, int timeoutMs = 30000)
    {
        Run r;
        ChatStream *stream = client.chat(req);
        QSignalSpy finished(stream, &ChatStream::finished);
        QObject::connect(stream, &ChatStream::delta, stream, [&r, stream, during](const QString &c, const QString &t) {
            r.streamed += c;
            r.streamedThinking += t;
            if (during)
                during(stream, r);
        });
        QObject::connect(stream, &ChatStream::waiting, stream, [&r](qint64) { ++r.waitingSignals; });
        QObject::connect(stream, &ChatStream::retrying, stream, [&r](int, int, const QString &) { ++r.retries; });
        if (!finished.wait(timeoutMs))
            qWarning("chat did not finish in time");
        if (!finished.isEmpty())
            r.result = finished.first().first().value<ChatResult>();
        return r;
    }

    bool waitForStat(const QString &key, int atLeast, int timeoutMs = 5000)
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < timeoutMs) {
            if (m_sim.stats().value(key).toInt() >= atLeast)
                return true;
            QTest::qWait(50);
        }
        return false;
    }

private slots:
    void initTestCase() { QVERIFY2(m_sim.start({ QStringLiteral("--tokens"), QStringLiteral("30") }), qPrintable(m_sim.errorString())); }

    void init() { QVERIFY(m_sim.reset()); }

    void versionAndModels()
    {
        OllamaClient client(config());
        bool done = false;
        client.fetchVersion(this, [&](const rt::Result<QString> &v) {
            QVERIFY(v.ok());
            QVERIFY(!v->isEmpty());
            done = true;
        });
        QTRY_VERIFY(done);
        QList<ModelInfo> models;
        client.fetchModels(this, [&](const rt::Result<QList<ModelInfo>> &r) {
            QVERIFY(r.ok());
            models = *r;
        });
        QTRY_VERIFY(!models.isEmpty());
        const auto it = std::find_if(models.cbegin(), models.cend(), [](const ModelInfo &m) { return m.name == u"llama3.2:1b"; });
        QVERIFY(it != models.cend());
        QVERIFY(!it->family.isEmpty());
        QVERIFY(!it->parameterSize.isEmpty());
        QVERIFY(!it->quantization.isEmpty());
        QVERIFY(it->sizeBytes > 0);
    }

    void showGivesContextLengthAndCapabilities()
    {
        OllamaClient client(config());
        QJsonObject show;
        client.showModel(QStringLiteral("qwen3:0.6b"), this, [&](const rt::Result<QJsonObject> &r) {
            QVERIFY(r.ok());
            show = *r;
        });
        QTRY_VERIFY(!show.isEmpty());
        ModelInfo info;
        info.mergeShow(show);
        QVERIFY(info.contextLength > 0);
        QVERIFY(info.hasCapability(u"thinking"));
    }

    void streamsAReply()
    {
        OllamaClient client(config());
        const Run r = run(client, request());
        QVERIFY2(r.result.ok(), qPrintable(r.result.error.message));
        QVERIFY(!r.result.content.isEmpty());
        QCOMPARE(r.streamed, r.result.content);
        QVERIFY2(std::any_of(r.result.content.cbegin(), r.result.content.cend(), [](QChar c) { return c.unicode() > 127; }),
            "the simulator's reply should carry multi-byte UTF-8");
        QCOMPARE(r.result.doneReason, QStringLiteral("stop"));
        QVERIFY(r.result.metrics.evalCount > 0);
        QVERIFY(r.result.metrics.promptEvalCount > 0);
        QVERIFY(r.result.metrics.evalDurationNs > 0);
        QVERIFY(r.result.metrics.timeToFirstTokenMs >= 0);
        QVERIFY(r.result.metrics.tokensPerSecond() > 0);
        QCOMPARE(r.result.attempts, 1);
        QCOMPARE(m_sim.stats().value(QStringLiteral("client_closed_early")).toInt(), 0);
    }

    void nonStreamingMatchesStreaming()
    {
        OllamaClient client(config());
        const Run streamed = run(client, request());
        ChatRequest req = request();
        req.stream = false;
        const Run whole = run(client, req);
        QVERIFY2(whole.result.ok(), qPrintable(whole.result.error.message));
        QCOMPARE(whole.result.content, streamed.result.content);
        QVERIFY(whole.result.metrics.evalCount > 0);
    }

    void thinkingKeptApart()
    {
        OllamaClient client(config());
        ChatRequest req = request(QStringLiteral("qwen3:0.6b"));
        req.think = true;
        const Run r = run(client, req);
        QVERIFY2(r.result.ok(), qPrintable(r.result.error.message));
        QVERIFY(!r.result.thinking.isEmpty());
        QVERIFY(!r.result.content.isEmpty());
        QCOMPARE(r.streamedThinking, r.result.thinking);
        QVERIFY(!r.result.content.contains(r.result.thinking));
    }

    void thinkOnModelWithoutIt()
    {
        OllamaClient client(config());
        ChatRequest req = request();
        req.think = true;
        const Run r = run(client, req);
        QCOMPARE(r.result.error.code, ErrorCode::BadRequest);
        QVERIFY(r.result.error.message.contains(QStringLiteral("thinking")));
    }

    void jsonSchemaFormat()
    {
        OllamaClient client(config());
        ChatRequest req = request();
        req.format = QJsonDocument::fromJson(R"({"type":"object","properties":{"stance":{"type":"string"},
            "confidence":{"type":"number","minimum":0,"maximum":1}},"required":["stance","confidence"]})")
                         .object();
        const Run r = run(client, req);
        QVERIFY2(r.result.ok(), qPrintable(r.result.error.message));
        const QJsonDocument doc = QJsonDocument::fromJson(r.result.content.toUtf8());
        QVERIFY2(doc.isObject(), qPrintable(r.result.content));
        QVERIFY(doc.object().value(QStringLiteral("stance")).isString());
        const double confidence = doc.object().value(QStringLiteral("confidence")).toDouble(-1);
        QVERIFY(confidence >= 0 && confidence <= 1);
    }

    void numPredictCapsLength()
    {
        OllamaClient client(config());
        ChatRequest req = request();
        req.options.numPredict = 5;
        const Run r = run(client, req);
        QVERIFY(r.result.ok());
        QCOMPARE(r.result.doneReason, QStringLiteral("length"));
        QVERIFY(r.result.metrics.evalCount <= 5);
    }

    void modelNotFound()
    {
        OllamaClient client(config());
        const Run r = run(client, request(QStringLiteral("no-such-model:7b")));
        QCOMPARE(r.result.status, ChatStatus::Failed);
        QCOMPARE(r.result.error.code, ErrorCode::ModelNotFound);
        QVERIFY(r.result.error.message.contains(QStringLiteral("no-such-model:7b")));
        QVERIFY(r.result.error.message.contains(QStringLiteral("pull")));
    }

    void oldServerWithoutEndpoint()
    {
        OllamaClient client(config());
        QVERIFY(m_sim.setFault(QStringLiteral("old_server")));
        const Run r = run(client, request());
        QCOMPARE(r.result.error.code, ErrorCode::EndpointMissing);
        QVERIFY(r.result.error.message.contains(QStringLiteral("/api/chat")));
    }

    void busyIsRetriedBeforeFirstToken()
    {
        OllamaClient client(config());
        QVERIFY(m_sim.setFault(QStringLiteral("busy"), {}, 2));
        const Run r = run(client, request());
        QVERIFY2(r.result.ok(), qPrintable(r.result.error.message));
        QCOMPARE(r.result.attempts, 3);
        QCOMPARE(r.retries, 2);
    }

    void busyGivesUpAfterRetries()
    {
        ClientConfig c = config();
        c.busyRetries = 2;
        OllamaClient client(c);
        QVERIFY(m_sim.setFault(QStringLiteral("busy"), {}, 10));
        const Run r = run(client, request());
        QCOMPARE(r.result.error.code, ErrorCode::Busy);
        QCOMPARE(r.result.attempts, 3);
        QVERIFY(r.result.error.message.contains(QStringLiteral("busy")));
    }

    void serverError()
    {
        OllamaClient client(config());
        QVERIFY(m_sim.setFault(QStringLiteral("server_error")));
        const Run r = run(client, request());
        QCOMPARE(r.result.error.code, ErrorCode::ServerError);
        QCOMPARE(r.result.attempts, 1);
    }

    void errorMidStreamKeepsPartialText()
    {
        OllamaClient client(config());
        QVERIFY(m_sim.setFault(QStringLiteral("error_midstream"), QStringLiteral("5")));
        const Run r = run(client, request());
        QCOMPARE(r.result.status, ChatStatus::Failed);
        QCOMPARE(r.result.error.code, ErrorCode::StreamError);
        QVERIFY(r.result.isPartial());
        QCOMPARE(r.result.content, r.streamed);
        QVERIFY(r.result.error.message.contains(QStringLiteral("unexpectedly")));
    }

    void droppedConnectionIsTruncated()
    {
        OllamaClient client(config());
        QVERIFY(m_sim.setFault(QStringLiteral("drop"), QStringLiteral("4")));
        const Run r = run(client, request());
        QCOMPARE(r.result.error.code, ErrorCode::Truncated);
        QVERIFY(r.result.isPartial());
        QVERIFY(r.result.error.message.contains(QStringLiteral("kept")));
    }

    void stallIsDetected()
    {
        ClientConfig c = config();
        c.idleTimeoutMs = 600;
        OllamaClient client(c);
        QVERIFY(m_sim.setFault(QStringLiteral("stall"), QStringLiteral("3")));
        const Run r = run(client, request());
        QCOMPARE(r.result.error.code, ErrorCode::Stalled);
        QVERIFY(r.result.isPartial());
        QVERIFY(waitForStat(QStringLiteral("client_closed_early"), 1));
    }

    void splitUtf8AndOneByteWrites()
    {
        OllamaClient client(config());
        const Run normal = run(client, request());
        QVERIFY(m_sim.setFault(QStringLiteral("split_utf8")));
        const Run split = run(client, request());
        QVERIFY2(split.result.ok(), qPrintable(split.result.error.message));
        QCOMPARE(split.result.content, normal.result.content);
    }

    void hugeLine()
    {
        OllamaClient client(config());
        QVERIFY(m_sim.setFault(QStringLiteral("huge_line"), QStringLiteral("3")));
        const Run r = run(client, request());
        QVERIFY2(r.result.ok(), qPrintable(r.result.error.message));
        QVERIFY(r.result.content.toUtf8().size() >= 3 * 1024 * 1024);
        QCOMPARE(r.result.content, r.streamed);
    }

    void invalidJsonLine()
    {
        OllamaClient client(config());
        QVERIFY(m_sim.setFault(QStringLiteral("invalid_json"), QStringLiteral("3")));
        const Run r = run(client, request());
        QCOMPARE(r.result.error.code, ErrorCode::InvalidStream);
        QVERIFY(r.result.isPartial());
    }

    void slowFirstTokenSaysLoading()
    {
        OllamaClient client(config());
        QVERIFY(m_sim.setFault(QStringLiteral("slow_first_token"), QStringLiteral("1200")));
        const Run r = run(client, request());
        QVERIFY2(r.result.ok(), qPrintable(r.result.error.message));
        QCOMPARE(r.waitingSignals, 1);
        QVERIFY(r.result.metrics.timeToFirstTokenMs >= 1100);
    }

    void firstTokenTimeout()
    {
        ClientConfig c = config();
        c.firstTokenTimeoutMs = 700;
        OllamaClient client(c);
        QVERIFY(m_sim.setFault(QStringLiteral("slow_first_token"), QStringLiteral("5000")));
        const Run r = run(client, request());
        QCOMPARE(r.result.error.code, ErrorCode::FirstTokenTimeout);
        QVERIFY(r.result.error.message.contains(QStringLiteral("loading")));
    }

    void cancelStopsTheServer()
    {
        OllamaClient client(config());
        const int closedBefore = m_sim.stats().value(QStringLiteral("client_closed_early")).toInt();
        const Run r = run(client, request(QStringLiteral("sim-slow:latest")), [](ChatStream *stream, Run &run) {
            if (run.streamed.size() > 10)
                stream->cancel();
        });
        QCOMPARE(r.result.status, ChatStatus::Cancelled);
        QVERIFY(r.result.isPartial());
        QCOMPARE(r.result.content, r.streamed);
        // The simulator saw the connection close before the reply finished.
        QVERIFY(waitForStat(QStringLiteral("client_closed_early"), closedBefore + 1));
    }

    void unreachableHostNamed()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close(); // nothing listens there now
        QUrl url;
        url.setScheme(QStringLiteral("http"));
        url.setHost(QStringLiteral("127.0.0.1"));
        url.setPort(port);
        OllamaClient client(config(url));
        const Run r = run(client, request());
        QCOMPARE(r.result.error.code, ErrorCode::Unreachable);
        QVERIFY(r.result.error.message.contains(QStringLiteral("127.0.0.1:%1").arg(port)));
        QVERIFY(r.result.error.message.contains(QStringLiteral("ollama serve")));
    }

    void truncationHeuristic()
    {
        ChatRequest req = request(QStringLiteral("m"), QString(8000, QLatin1Char('a')));
        ResponseMetrics metrics;
        metrics.promptEvalCount = 2000; // about what 8000 characters cost
        QVERIFY(detectTruncation(req, metrics).isEmpty());
        metrics.promptEvalCount = 300; // far too few: older messages were dropped
        QVERIFY(!detectTruncation(req, metrics).isEmpty());
        req.options.numCtx = 2048;
        metrics.promptEvalCount = 2048;
        QVERIFY(detectTruncation(req, metrics).contains(QStringLiteral("2048")));
    }

    void deleteAndEmbed()
    {
        OllamaClient client(config());
        QList<QList<double>> vectors;
        client.embed(QStringLiteral("nomic-embed-text:latest"), { QStringLiteral("red apple"), QStringLiteral("green apple") }, this,
            [&](const rt::Result<QList<QList<double>>> &r) {
                QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
                vectors = *r;
            });
        QTRY_COMPARE(vectors.size(), 2);
        QVERIFY(!vectors[0].isEmpty());

        bool deleted = false;
        client.deleteModel(QStringLiteral("gemma3:1b"), this, [&](const rt::Result<QJsonObject> &r) { deleted = r.ok(); });
        QTRY_VERIFY(deleted);
        rt::Error missing;
        client.deleteModel(QStringLiteral("gemma3:1b"), this, [&](const rt::Result<QJsonObject> &r) {
            QVERIFY(!r.ok());
            missing = r.error();
        });
        QTRY_VERIFY(!missing.code.isEmpty());
        QCOMPARE(missing.code, ErrorCode::ModelNotFound);
    }
};

QTEST_GUILESS_MAIN(TestOllamaClient)
#include "tst_ollamaclient.moc"
