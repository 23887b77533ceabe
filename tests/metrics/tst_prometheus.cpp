// The real Prometheus scrapes Roundtable: `roundtable debate ... --serve 0`
// runs a simulated debate with one injected server error while a throwaway
// Prometheus (Debian's package) scrapes it and `roundtable serve`; then
// Prometheus's HTTP API must hold our series with the values the debate
// produced (cross-checked with the simulator's own request count), and
// promtool must accept /metrics as served during the debate. Also checks
// `roundtable serve`'s start-up lines and `roundtable metrics` on what the
// debate stored.
#include "appprocess.h"
#include "simprocess.h"
#include "tempdatabase.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using rt::test::HttpReply;
using rt::test::SimProcess;
using rt::test::waitForLine;

namespace {
const QString Token = u"prometheus-test-token-0123456789"_s;

QString tool(const QString &name)
{
    return QStandardPaths::findExecutable(name);
}

// Reads a child's stream until `pattern` matches; returns the match.

HttpReply authorizedGet(const QUrl &base, const QString &path)
{
    return SimProcess::request(base, "GET", path, {}, { { "Authorization", "Bearer " + Token.toUtf8() } });
}

// The value of one Prometheus instant-query result; NaN when absent.
double queryValue(const QUrl &prometheus, const QString &promql, QString *labels = nullptr)
{
    const HttpReply r = SimProcess::httpGet(prometheus, u"/api/v1/query?query="_s + QString::fromLatin1(QUrl::toPercentEncoding(promql)));
    const QJsonArray result = r.json().value(u"data"_s).toObject().value(u"result"_s).toArray();
    if (result.isEmpty())
        return qQNaN();
    if (labels)
        *labels = QString::fromUtf8(QJsonDocument(result.first().toObject().value(u"metric"_s).toObject()).toJson(QJsonDocument::Compact));
    return result.first().toObject().value(u"value"_s).toArray().at(1).toString().toDouble();
}

double seriesValue(const QByteArray &text, const QByteArray &series)
{
    for (const QByteArray &line : text.split('\n')) {
        if (line.startsWith(series + ' '))
            return line.mid(series.size() + 1).toDouble();
    }
    return qQNaN();
}

QString promtoolCheck(const QByteArray &text)
{
    QProcess p;
    p.start(tool(u"promtool"_s), { u"check"_s, u"metrics"_s });
    p.waitForStarted();
    p.write(text);
    p.closeWriteChannel();
    p.waitForFinished(30000);
    return p.exitCode() == 0 ? QString() : QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
}

void stop(QProcess &p)
{
    if (p.state() == QProcess::NotRunning)
        return;
    p.terminate();
    if (!p.waitForFinished(10000)) {
        p.kill();
        p.waitForFinished();
    }
}
} // namespace

class TestPrometheus final : public QObject {
    Q_OBJECT

    rt::test::AppEnvironment m_app;
    SimProcess m_sim;

private slots:
    void initTestCase()
    {
        if (tool(u"prometheus"_s).isEmpty() || tool(u"promtool"_s).isEmpty()) {
            if (!qEnvironmentVariableIsEmpty("CI"))
                QFAIL("prometheus and promtool are not installed (Debian package prometheus; scripts/install-deps.sh installs it)");
            QSKIP("prometheus is not installed (Debian package prometheus); under CI this fails instead");
        }
        QVERIFY(m_app.isValid());
        QVERIFY2(m_sim.start(), qPrintable(m_sim.errorString()));
        // Samples are stored every second instead of every minute (the setting
        // Settings and the processes read), so `roundtable metrics` has some.
        QVERIFY(QDir().mkpath(m_app.home() + u"/config/Roundtable"_s));
        QFile settings(m_app.home() + u"/config/Roundtable/roundtable.conf"_s);
        QVERIFY(settings.open(QIODevice::WriteOnly));
        settings.write("[metrics]\npersistSec=1\n");
    }

    void serveStartsAndStops()
    {
        QProcess serve;
        m_app.start(serve,
            { u"serve"_s, u"--port"_s, u"0"_s, u"--ollama-host"_s, m_sim.url().toString(), u"--token"_s, Token, u"--no-db"_s,
                u"--probe-interval"_s, u"1"_s });
        QByteArray out;
        const auto started = waitForLine(
            serve, out, QRegularExpression(u"listening on (http://127\\.0\\.0\\.1:\\d+)\\n[\\s\\S]*token: (\\S+)\\n"_s), false, 15000);
        QVERIFY2(started.hasMatch(), out.constData());
        QCOMPARE(started.captured(2), Token);
        const QUrl url(started.captured(1));
        // The exporter probes the host by itself: up, with its version and what it has loaded.
        QTRY_VERIFY_WITH_TIMEOUT(
            authorizedGet(url, u"/metrics"_s).body.contains("roundtable_host_info{host=\"local\",version=\"0.12.6\"} 1"), 10000);
        QCOMPARE(SimProcess::httpGet(url, u"/metrics"_s).status, 401);
        serve.terminate();
        QVERIFY(serve.waitForFinished(10000));
        QCOMPARE(serve.exitStatus(), QProcess::NormalExit);
        QCOMPARE(serve.exitCode(), 0);
        QVERIFY(serve.readAllStandardError().contains("Server stopped."));

        // A busy port: exit 1 with the reason.
        QTcpServer blocker;
        QVERIFY(blocker.listen(QHostAddress::LocalHost, 0));
        const rt::test::AppRun busy = m_app.run(
            { u"serve"_s, u"--port"_s, QString::number(blocker.serverPort()), u"--ollama-host"_s, m_sim.url().toString(), u"--no-db"_s });
        QVERIFY2(busy.code == 1, qPrintable(u"exit %1: %2"_s.arg(busy.code).arg(busy.err)));
        QVERIFY2(busy.err.contains(u"Cannot listen on 127.0.0.1 port %1"_s.arg(blocker.serverPort())), qPrintable(busy.err));
        // A bad address is a usage error.
        QCOMPARE(m_app.run({ u"serve"_s, u"--bind"_s, u"not-an-address"_s, u"--no-db"_s }).code, 2);
    }

    void prometheusScrapesADebate()
    {
        QVERIFY(m_sim.reset());
        rt::test::TempDatabase db;
        QVERIFY2(db.isValid(), qPrintable(db.error()));
        // One turn's request fails with a server error (the debate goes on).
        QVERIFY(m_sim.setFault(u"server_error"_s, {}, 1, u"/api/chat"_s));

        QProcess serve;
        QProcess debate;
        QProcess prometheus;
        const auto cleanup = qScopeGuard([&] {
            stop(debate);
            stop(serve);
            stop(prometheus);
        });
        m_app.start(serve,
            { u"serve"_s, u"--port"_s, u"0"_s, u"--ollama-host"_s, m_sim.url().toString(), u"--token"_s, Token, u"--no-db"_s,
                u"--probe-interval"_s, u"1"_s });
        QByteArray serveOut;
        const auto served = waitForLine(serve, serveOut, QRegularExpression(u"listening on (http://127\\.0\\.0\\.1:\\d+)"_s), false, 15000);
        QVERIFY2(served.hasMatch(), serveOut.constData());
        const QUrl serveUrl(served.captured(1));

        // The debate's own server comes up before the first turn; it keeps
        // serving for a while after the end so the last scrape sees the totals.
        m_app.start(debate,
            { u"debate"_s, u"--question"_s, u"Is 91 a prime number? Answer yes or no."_s, u"--agents"_s,
                u"Skeptic=llama3.2:1b,Pragmatist=gemma3:1b,Ethicist=qwen3:0.6b"_s, u"--rounds"_s, u"2"_s, u"--seed"_s, u"3"_s,
                u"--ollama-host"_s, m_sim.url().toString(), u"--db"_s, db.dbArgument(), u"--serve"_s, u"0"_s, u"--token"_s, Token,
                u"--linger"_s, u"120"_s });
        QByteArray debateErr;
        const auto debateServed
            = waitForLine(debate, debateErr, QRegularExpression(u"listening on (http://127\\.0\\.0\\.1:\\d+)"_s), true, 15000);
        QVERIFY2(debateServed.hasMatch(), debateErr.constData());
        const QUrl debateUrl(debateServed.captured(1));
        QVERIFY(debateErr.contains("token: " + Token.toUtf8()));

        // A throwaway Prometheus on loopback scraping both every second.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QUrl prometheusUrl = rt::test::closedLoopbackUrl();
        QFile config(dir.filePath(u"prometheus.yml"_s));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(QStringLiteral("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                                    "scrape_configs:\n"
                                    "  - job_name: debate\n    authorization:\n      credentials: %1\n"
                                    "    static_configs:\n      - targets: ['127.0.0.1:%2']\n"
                                    "  - job_name: serve\n    authorization:\n      credentials: %1\n"
                                    "    static_configs:\n      - targets: ['127.0.0.1:%3']\n")
                         .arg(Token)
                         .arg(debateUrl.port())
                         .arg(serveUrl.port())
                         .toUtf8());
        config.close();
        prometheus.setProcessChannelMode(QProcess::MergedChannels);
        prometheus.start(tool(u"prometheus"_s),
            { u"--config.file="_s + config.fileName(), u"--storage.tsdb.path="_s + dir.filePath(u"data"_s),
                u"--web.listen-address=127.0.0.1:%1"_s.arg(prometheusUrl.port()), u"--log.level=warn"_s });
        QVERIFY(prometheus.waitForStarted());
        QTRY_COMPARE_WITH_TIMEOUT(SimProcess::httpGet(prometheusUrl, u"/-/ready"_s).status, 200, 30000);

        // During the debate, /metrics is valid Prometheus text.
        const HttpReply during = authorizedGet(debateUrl, u"/metrics"_s);
        QCOMPARE(during.status, 200);
        QCOMPARE(promtoolCheck(during.body), QString());

        // The debate ends; its process keeps serving (--linger).
        QTRY_VERIFY_WITH_TIMEOUT((debateErr += debate.readAllStandardError()).contains("Serving for"), 90000);
        const QByteArray final = authorizedGet(debateUrl, u"/metrics"_s).body;
        QCOMPARE(promtoolCheck(final), QString());
        double chats = 0;
        for (const QString &model : { u"llama3.2:1b"_s, u"gemma3:1b"_s, u"qwen3:0.6b"_s }) {
            const double n = seriesValue(final, "roundtable_requests_total{host=\"local\",model=\"" + model.toUtf8() + "\",kind=\"chat\"}");
            QVERIFY2(n >= 1, qPrintable(model)); // every seat spoke
            chats += n;
        }
        // Every chat request the simulator saw was counted once.
        const double simChats = m_sim.stats().value(u"by_path"_s).toObject().value(u"/api/chat"_s).toDouble();
        QCOMPARE(chats, simChats);

        // Prometheus has them, with the same values, and the injected error.
        QTRY_COMPARE_WITH_TIMEOUT(
            queryValue(prometheusUrl, u"sum(roundtable_requests_total{job=\"debate\",kind=\"chat\"})"_s), chats, 20000);
        QString labels;
        QTRY_COMPARE_WITH_TIMEOUT(
            queryValue(prometheusUrl, u"sum(roundtable_request_failures_total{job=\"debate\",error=\"server_error\"})"_s), 1.0, 20000);
        QCOMPARE(queryValue(prometheusUrl, u"roundtable_debates_finished_total{job=\"debate\"}"_s, &labels), 1.0);
        QVERIFY2(labels.contains(u"\"reason\""_s), qPrintable(labels));
        double tokens = 0;
        for (const QByteArray &line : final.split('\n')) {
            if (line.startsWith("roundtable_tokens_total{"))
                tokens += line.mid(line.lastIndexOf(' ') + 1).toDouble();
        }
        QVERIFY(tokens > 0);
        QTRY_COMPARE_WITH_TIMEOUT(queryValue(prometheusUrl, u"sum(roundtable_tokens_total{job=\"debate\"})"_s), tokens, 20000);
        QVERIFY(queryValue(prometheusUrl, u"roundtable_time_to_first_token_seconds_count{job=\"debate\",model=\"gemma3:1b\"}"_s) >= 1);
        // The exporter: the host is up, with its version.
        QTRY_COMPARE_WITH_TIMEOUT(queryValue(prometheusUrl, u"roundtable_host_up{job=\"serve\",host=\"local\"}"_s), 1.0, 20000);
        QCOMPARE(queryValue(prometheusUrl, u"roundtable_host_info{job=\"serve\",version=\"0.12.6\"}"_s), 1.0);
        QCOMPARE(queryValue(prometheusUrl, u"up{job=\"debate\"}"_s), 1.0);

        stop(debate);
        stop(serve);
        stop(prometheus);

        // What the debate stored, for scripts: `roundtable metrics` reads it back.
        const rt::test::AppRun stored = m_app.run({ u"metrics"_s, u"--db"_s, db.dbArgument(), u"--json"_s, u"--since"_s, u"10m"_s });
        QCOMPARE(stored.code, 0);
        const QJsonArray lines = QJsonDocument::fromJson(stored.out.toUtf8()).object().value(u"lines"_s).toArray();
        QJsonObject tokensLine;
        for (const QJsonValue &v : lines) {
            const QJsonObject line = v.toObject();
            if (line.value(u"name"_s).toString() == u"tokens_per_second"_s && line.value(u"series"_s).toString() == u"llama3.2:1b"_s)
                tokensLine = line;
        }
        QVERIFY2(!tokensLine.isEmpty(), qPrintable(stored.out + stored.err));
        QVERIFY(!tokensLine.value(u"samples"_s).toArray().isEmpty());
        QVERIFY(tokensLine.value(u"max"_s).toDouble() > 0);
        const rt::test::AppRun prom = m_app.run({ u"metrics"_s, u"--db"_s, db.dbArgument(), u"--prometheus"_s, u"--since"_s, u"10m"_s });
        QCOMPARE(prom.code, 0);
        QVERIFY2(prom.out.contains(u"roundtable_stored_tokens_per_second{series=\"llama3.2:1b\"} "_s), qPrintable(prom.out));
        QCOMPARE(promtoolCheck(prom.out.toUtf8()), QString());
        const rt::test::AppRun table = m_app.run({ u"metrics"_s, u"--db"_s, db.dbArgument(), u"--since"_s, u"1h"_s });
        QCOMPARE(table.code, 0);
        QVERIFY(table.out.startsWith(u"METRIC"_s));
        QVERIFY(table.out.contains(u"error_rate_percent"_s));
        QCOMPARE(m_app.run({ u"metrics"_s, u"--db"_s, db.dbArgument(), u"--since"_s, u"soon"_s }).code, 2);
    }
};

QTEST_GUILESS_MAIN(TestPrometheus)
#include "tst_prometheus.moc"
