// The local server over real HTTP (its own thread, real sockets): access with
// the bearer token, errors, /metrics from real traffic through the pool to the
// simulator (checked by promtool), /health following a host from healthy to
// degraded to down and back, and samples persisted into SQLite.
#include "awaitfuture.h"
#include "llm/endpointpool.h"
#include "llm/pooledchat.h"
#include "metrics/metricnames.h"
#include "metrics/metricsregistry.h"
#include "metrics/metricssampler.h"
#include "server/metricsservice.h"
#include "simprocess.h"
#include "storage/storage.h"
#include "tempdatabase.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTest>

using namespace rt;
using rt::test::HttpReply;
using rt::test::SimProcess;

namespace {
const QString Token = QStringLiteral("0123456789abcdef0123456789abcdef");
const QString Model = QStringLiteral("llama3.2:1b");

HttpReply get(const QUrl &base, const QString &path, const QString &token = {}, const QByteArray &method = "GET")
{
    rt::test::RawHeaders headers;
    if (!token.isEmpty())
        headers.append({ "Authorization", "Bearer " + token.toUtf8() });
    return SimProcess::request(base, method, path, {}, headers);
}

QUrl startServer(server::MetricsService &service, const server::ServerOptions &options)
{
    const Result<QUrl> url = rt::test::await(service.startServer(options));
    if (!url.ok())
        qFatal("server did not start: %s", qPrintable(url.error().message));
    return url.value();
}

server::ServerOptions options(bool loopbackWithoutToken = false)
{
    server::ServerOptions o;
    o.token = Token;
    o.loopbackWithoutToken = loopbackWithoutToken;
    return o;
}

// One chat through the pool; its final result.
llm::ChatResult chat(llm::EndpointPool &pool, const QString &prompt = QStringLiteral("Hello"))
{
    llm::ChatRequest request;
    request.model = Model;
    request.messages = { llm::ChatMessage::user(prompt) };
    llm::PooledChat *c = pool.chat(request, { Model });
    QSignalSpy finished(c, &llm::PooledChat::finished);
    if (!finished.wait(30000))
        qFatal("chat did not finish");
    return finished.first().first().value<llm::ChatResult>();
}

QString promtoolCheck(const QByteArray &text)
{
    const QString tool = QStandardPaths::findExecutable(QStringLiteral("promtool"));
    if (tool.isEmpty())
        return qEnvironmentVariableIsEmpty("CI") ? QString() : QStringLiteral("promtool is not installed");
    QProcess p;
    p.start(tool, { QStringLiteral("check"), QStringLiteral("metrics") });
    p.waitForStarted();
    p.write(text);
    p.closeWriteChannel();
    p.waitForFinished(30000);
    return p.exitCode() == 0 ? QString() : QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
}

QJsonObject healthOf(const QUrl &base, int *status = nullptr)
{
    const HttpReply r = get(base, QStringLiteral("/health"), Token);
    if (status)
        *status = r.status;
    return r.json();
}
} // namespace

class TestLocalServer final : public QObject {
    Q_OBJECT

    SimProcess m_sim;

    std::unique_ptr<llm::EndpointPool> makePool()
    {
        auto pool = std::make_unique<llm::EndpointPool>(QList<llm::HostConfig> { { QStringLiteral("local"), m_sim.url(), 4 } });
        llm::EndpointPool::Options o;
        o.cooldownMs = 200;
        o.maxCooldownMs = 400;
        o.healthIntervalMs = 0;
        o.probeTimeoutMs = 2000;
        pool->setOptions(o);
        return pool;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY2(m_sim.start(), qPrintable(m_sim.errorString()));
    }

    void init() { QVERIFY(m_sim.reset()); }

    void metricsNeedTheToken()
    {
        server::MetricsService service;
        const QUrl url = startServer(service, options());
        QCOMPARE(url.host(), QStringLiteral("127.0.0.1"));

        HttpReply r = get(url, QStringLiteral("/metrics"));
        QCOMPARE(r.status, 401);
        QCOMPARE(r.header("www-authenticate"), QByteArray("Bearer realm=\"roundtable\""));
        QVERIFY(r.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("bearer token")));
        r = get(url, QStringLiteral("/metrics"), QStringLiteral("fedcba9876543210fedcba9876543210"));
        QCOMPARE(r.status, 401);
        r = get(url, QStringLiteral("/metrics"), Token.left(31)); // a prefix is not the token
        QCOMPARE(r.status, 401);

        r = get(url, QStringLiteral("/metrics"), Token);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("content-type"), QByteArray("text/plain; version=0.0.4; charset=utf-8"));
        // The refusals were counted (and this scrape's own 200 is counted after rendering).
        QVERIFY2(r.body.contains("roundtable_http_requests_total{path=\"/metrics\",code=\"401\"} 3\n"), r.body.constData());
        // The scheme is case-insensitive, as RFC 7235 says.
        rt::test::RawHeaders lower { { "authorization", "bearer " + Token.toUtf8() } };
        QCOMPARE(SimProcess::request(url, "GET", QStringLiteral("/metrics"), {}, lower).status, 200);
        QCOMPARE(service.registry()->value(metrics::name::HttpRequests, { QStringLiteral("/metrics"), QStringLiteral("200") }), 2.0);
    }

    void loopbackWithoutTokenWhenAllowed()
    {
        server::MetricsService service;
        const QUrl url = startServer(service, options(true));
        QCOMPARE(get(url, QStringLiteral("/metrics")).status, 200);
        // And /health gives the details to this machine too.
        QVERIFY(get(url, QStringLiteral("/health")).json().contains(QStringLiteral("hosts")));
    }

    void otherRequestsGetProperErrors()
    {
        server::MetricsService service;
        const QUrl url = startServer(service, options());
        HttpReply r = get(url, QStringLiteral("/metrics"), Token, "POST");
        QCOMPARE(r.status, 405);
        QCOMPARE(r.header("allow"), QByteArray("GET"));
        r = get(url, QStringLiteral("/nothing-here"));
        QCOMPARE(r.status, 404);
        QVERIFY(r.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("/nothing-here")));
        // /health without the token: the status only, no host names.
        r = get(url, QStringLiteral("/health"));
        QVERIFY(r.status == 200 || r.status == 503);
        QVERIFY(r.json().contains(QStringLiteral("status")));
        QVERIFY(!r.json().contains(QStringLiteral("hosts")));
    }

    void closesWhenAskedAndKeepsAliveOtherwise()
    {
        server::MetricsService service;
        const QUrl url = startServer(service, options());
        const QByteArray head = "GET /health HTTP/1.1\r\nHost: " + url.authority().toUtf8() + "\r\n";
        // Keep-alive (the default): two requests on one connection. (No host is
        // attached, so /health answers 503 "down"; the status does not matter here.)
        QTcpSocket socket;
        socket.connectToHost(url.host(), quint16(url.port()));
        QVERIFY(socket.waitForConnected(5000));
        QByteArray received;
        for (int i = 1; i <= 2; ++i) {
            socket.write(head + "\r\n");
            QTRY_VERIFY_WITH_TIMEOUT((received += socket.readAll()).count("HTTP/1.1 503") == i, 5000);
        }
        QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
        // "Connection: close": the answer, then the server closes.
        socket.write(head + "Connection: close\r\n\r\n");
        QVERIFY(socket.waitForDisconnected(5000));
        received += socket.readAll();
        QCOMPARE(received.count("HTTP/1.1 503"), 3);
        QVERIFY(received.endsWith("}\n"));
    }

    void busyPortIsAClearError()
    {
        QTcpServer blocker;
        QVERIFY(blocker.listen(QHostAddress::LocalHost, 0));
        server::MetricsService service;
        server::ServerOptions o = options();
        o.port = blocker.serverPort();
        const Result<QUrl> url = rt::test::await(service.startServer(o));
        QVERIFY(!url.ok());
        QVERIFY2(url.error().message.contains(QString::number(o.port)), qPrintable(url.error().message));
        QVERIFY(url.error().message.contains(QStringLiteral("Choose another port")));
        QVERIFY(!service.isServing());
    }

    void realTrafficIsExportedAndValid()
    {
        server::MetricsService service;
        const auto pool = makePool();
        service.attach(pool.get(), nullptr, nullptr);
        const QUrl url = startServer(service, options());
        QVERIFY(chat(*pool).ok());
        QVERIFY(chat(*pool, QStringLiteral("Again")).ok());
        QVERIFY(m_sim.setFault(QStringLiteral("server_error"), {}, 1, QStringLiteral("/api/chat")));
        const llm::ChatResult failed = chat(*pool, QStringLiteral("Third"));
        QVERIFY(!failed.ok());

        const HttpReply r = get(url, QStringLiteral("/metrics"), Token);
        QCOMPARE(r.status, 200);
        const QByteArray &text = r.body;
        QVERIFY2(text.contains("roundtable_requests_total{host=\"local\",model=\"llama3.2:1b\",kind=\"chat\"} 3\n"), text.constData());
        QVERIFY(text.contains("roundtable_request_failures_total{host=\"local\",model=\"llama3.2:1b\",kind=\"chat\",error=\""
            + failed.error.code.toUtf8() + "\"} 1\n"));
        QVERIFY(text.contains("roundtable_response_seconds_count{host=\"local\",model=\"llama3.2:1b\"} 2\n"));
        QVERIFY(text.contains("roundtable_time_to_first_token_seconds_count{host=\"local\",model=\"llama3.2:1b\"} 2\n"));
        QVERIFY(text.contains("roundtable_host_up{host=\"local\"} 1\n"));
        QVERIFY(text.contains("roundtable_active_streams{host=\"local\"} 0\n"));
        // Tokens: one per streamed chunk with text, the same count the simulator sent.
        const double tokens = service.registry()->value(metrics::name::Tokens, { QStringLiteral("local"), Model, QString() });
        QVERIFY2(tokens >= 2 * 10, qPrintable(QString::number(tokens)));
        QCOMPARE(promtoolCheck(text), QString());
    }

    void healthFollowsTheHost()
    {
        server::MetricsService service;
        service.sampler()->setIntervalMs(50);
        metrics::HealthThresholds thresholds;
        thresholds.windowSeconds = 60;
        thresholds.minRequests = 3;
        thresholds.errorRate = 0.5;
        service.sampler()->setThresholds(thresholds);
        const auto pool = makePool();
        service.attach(pool.get(), nullptr, nullptr);
        const QUrl url = startServer(service, options());

        QVERIFY(chat(*pool).ok());
        QTRY_COMPARE_WITH_TIMEOUT(healthOf(url).value(QStringLiteral("status")).toString(), QStringLiteral("healthy"), 10000);

        // The host answers, but with errors: degraded, with the reason in words.
        QVERIFY(m_sim.setFault(QStringLiteral("server_error"), {}, 4, QStringLiteral("/api/chat")));
        for (int i = 0; i < 4; ++i)
            QVERIFY(!chat(*pool, QStringLiteral("fail %1").arg(i)).ok());
        // The sampler may have taken a sample between two of the failures (it
        // already counts as degraded after the second): wait for the one that
        // has seen all four before reading the reason.
        int status = 0;
        QTRY_COMPARE_WITH_TIMEOUT(healthOf(url).value(QStringLiteral("failures")).toDouble(), 4.0, 10000);
        QCOMPARE(healthOf(url, &status).value(QStringLiteral("status")).toString(), QStringLiteral("degraded"));
        QCOMPARE(status, 200);
        QJsonObject health = healthOf(url);
        const QJsonObject host = health.value(QStringLiteral("hosts")).toArray().first().toObject();
        QCOMPARE(host.value(QStringLiteral("status")).toString(), QStringLiteral("degraded"));
        const QString reason = host.value(QStringLiteral("reasons")).toArray().first().toString();
        QVERIFY2(reason.startsWith(QStringLiteral("local: 80% of requests failed in the last minute")), qPrintable(reason));
        QCOMPARE(health.value(QStringLiteral("summary")).toString(), reason);

        // The host stops: down, and HTTP 503.
        const quint16 port = m_sim.port();
        m_sim.kill();
        QVERIFY(m_sim.waitForExit(5000));
        QVERIFY(!chat(*pool, QStringLiteral("nobody home")).ok());
        QTRY_COMPARE_WITH_TIMEOUT(healthOf(url, &status).value(QStringLiteral("status")).toString(), QStringLiteral("down"), 10000);
        QCOMPARE(status, 503);
        health = healthOf(url);
        QVERIFY2(health.value(QStringLiteral("summary")).toString().contains(QStringLiteral("not answering"))
                || health.value(QStringLiteral("summary")).toString().contains(QStringLiteral("checking")),
            qPrintable(health.value(QStringLiteral("summary")).toString()));
        // Without the token a monitor still sees the status and the 503.
        QCOMPARE(get(url, QStringLiteral("/health")).status, 503);

        // It comes back on the same port: the breaker's probe finds it, and the
        // outage's failures no longer count against it.
        QVERIFY2(m_sim.start({ QStringLiteral("--port"), QString::number(port) }), qPrintable(m_sim.errorString()));
        QTRY_COMPARE_WITH_TIMEOUT(healthOf(url, &status).value(QStringLiteral("status")).toString(), QStringLiteral("healthy"), 15000);
        QCOMPARE(status, 200);
        QVERIFY(chat(*pool, QStringLiteral("welcome back")).ok());
    }

    void samplerPersistsChartLines()
    {
        rt::test::TempDatabase db;
        QVERIFY2(db.isValid(), qPrintable(db.error()));
        auto opened = rt::test::openStorage(db.sqlitePath());
        QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
        const std::unique_ptr<rt::storage::Storage> storage = std::move(opened).value();
        server::MetricsService service;
        service.sampler()->setIntervalMs(50);
        const auto pool = makePool();
        service.attach(pool.get(), storage.get(), nullptr);
        service.sampler()->setStorage(storage.get(), 1, 30); // every second for the test
        QVERIFY(chat(*pool).ok());
        // The live line holds the tokens/s of the model...
        QTRY_VERIFY_WITH_TIMEOUT(!service.sampler()->chart(metrics::Chart::TokensPerSecond).isEmpty(), 5000);
        const QList<metrics::ChartSeries> live = service.sampler()->chart(metrics::Chart::TokensPerSecond);
        QCOMPARE(live.first().label, Model);
        double peak = 0;
        for (const QPointF &p : live.first().points)
            peak = qMax(peak, p.y());
        QVERIFY(peak > 0);
        // ...and the database gets it within a second or two, with the write timed.
        const QDateTime from = QDateTime::currentDateTimeUtc().addSecs(-60);
        QList<metrics::ChartSeries> stored;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const auto r = rt::test::await(
                    service.sampler()->storedChart(metrics::Chart::TokensPerSecond, from, QDateTime::currentDateTimeUtc().addSecs(1)));
                stored = r.ok() ? r.value() : QList<metrics::ChartSeries> {};
                return !stored.isEmpty();
            }(),
            10000);
        QCOMPARE(stored.first().label, Model);
        QVERIFY(service.registry()->histogram(metrics::name::DbWriteSeconds)->snapshot().count >= 1);
    }
};

QTEST_GUILESS_MAIN(TestLocalServer)
#include "tst_localserver.moc"
