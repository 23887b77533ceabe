// MetricsRegistry: exact totals under concurrent updates, the Prometheus text
// format (checked by the real promtool), quantiles, removal.
#include "metrics/metricnames.h"
#include "metrics/metricsregistry.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTest>
#include <thread>
#include <vector>

using namespace rt::metrics;

namespace {
// promtool from Debian's prometheus package; CI installs it, so there its
// absence is a failure rather than a skip.
QString promtool()
{
    return QStandardPaths::findExecutable(QStringLiteral("promtool"));
}

bool requirePromtool()
{
    return !qEnvironmentVariableIsEmpty("CI") || !qEnvironmentVariableIsEmpty("RT_REQUIRE_POSTGRES");
}

QString promtoolCheck(const QByteArray &text)
{
    QProcess p;
    p.start(promtool(), { QStringLiteral("check"), QStringLiteral("metrics") });
    if (!p.waitForStarted())
        return QStringLiteral("promtool did not start");
    p.write(text);
    p.closeWriteChannel();
    p.waitForFinished(30000);
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
    return {};
}
} // namespace

class TestMetricsRegistry final : public QObject {
    Q_OBJECT

private slots:
    void concurrentUpdatesGiveExactTotals()
    {
        MetricsRegistry r;
        declareStandardMetrics(r);
        constexpr int Threads = 8;
        constexpr int PerThread = 50'000;
        const ValueHandle shared = r.counter(name::Tokens, { QStringLiteral("a"), QStringLiteral("m"), QString() });
        std::vector<std::thread> threads;
        for (int t = 0; t < Threads; ++t) {
            threads.emplace_back([&r, &shared, t] {
                // A handle kept per thread (the hot path) and lookups by name
                // (the first-use path, which creates series under the lock).
                const HistogramHandle latency = r.histogram(name::ResponseSeconds, { QStringLiteral("a"), QStringLiteral("m") });
                for (int i = 0; i < PerThread; ++i) {
                    shared->add();
                    latency->observe((i % 4) * 0.5); // 0, 0.5, 1, 1.5
                    if (i % 100 == 0) {
                        r.counter(name::Requests, { QStringLiteral("host%1").arg(i % 7), QStringLiteral("m"), QStringLiteral("chat") })
                            ->add();
                        r.gauge(name::ActiveStreams, { QStringLiteral("a") })->add(1);
                        r.gauge(name::ActiveStreams, { QStringLiteral("a") })->add(-1);
                        r.gauge(name::ConnectionsPeak)->raiseTo(t * 1000 + i / 100);
                    }
                    if (i % 5000 == 0)
                        (void)r.renderPrometheus(); // scrapes while writers write
                }
                Q_UNUSED(t);
            });
        }
        for (auto &th : threads)
            th.join();
        QCOMPARE(shared->value(), double(Threads * PerThread));
        QCOMPARE(r.value(name::Tokens, { QStringLiteral("a"), QStringLiteral("m"), QString() }), double(Threads * PerThread));
        QCOMPARE(r.sum(name::Requests), double(Threads * PerThread / 100));
        QCOMPARE(r.sum(name::Requests, { { QStringLiteral("host"), QStringLiteral("host0") } }),
            double(Threads * 72)); // i%100==0 and (i/100)%7==0
        QCOMPARE(r.value(name::ActiveStreams, { QStringLiteral("a") }), 0.0);
        QCOMPARE(r.value(name::ConnectionsPeak), double((Threads - 1) * 1000 + (PerThread - 100) / 100));
        const Histogram::Snapshot h = r.histogram(name::ResponseSeconds, { QStringLiteral("a"), QStringLiteral("m") })->snapshot();
        QCOMPARE(h.count, quint64(Threads * PerThread));
        QCOMPARE(h.sum, double(Threads * PerThread / 4) * (0 + 0.5 + 1 + 1.5));
        quint64 total = 0;
        for (quint64 c : h.counts)
            total += c;
        QCOMPARE(total, h.count);
    }

    void histogramQuantiles()
    {
        Histogram h({ 1, 2, 4, 8 });
        QCOMPARE(h.snapshot().quantile(0.5), -1.0);
        for (int i = 0; i < 10; ++i)
            h.observe(1.5); // all in (1, 2]
        const Histogram::Snapshot s = h.snapshot();
        QCOMPARE(s.quantile(0.5), 1.5); // linear inside the bucket: 1 + (2-1) * 5/10
        QCOMPARE(s.quantile(1.0), 2.0);
        h.observe(100); // +Inf bucket: the highest finite bound is all we know
        QCOMPARE(h.snapshot().quantile(0.99), 8.0);
        const Histogram::Snapshot later = h.snapshot();
        const Histogram::Snapshot delta = later.minus(s);
        QCOMPARE(delta.count, quint64(1));
        QCOMPARE(delta.sum, 100.0);
    }

    void prometheusTextFormat()
    {
        MetricsRegistry r;
        r.declare(QStringLiteral("t_requests_total"), MetricType::Counter, QStringLiteral("Requests with a \\ backslash\nand a newline."),
            { QStringLiteral("host"), QStringLiteral("model") });
        r.declare(QStringLiteral("t_latency_seconds"), MetricType::Histogram, QStringLiteral("Latency."), { QStringLiteral("host") },
            { 0.0005, 0.1, 1 });
        r.declare(QStringLiteral("t_unused"), MetricType::Gauge, QStringLiteral("Never set."), {});
        r.counter(QStringLiteral("t_requests_total"), { QStringLiteral("a \"quoted\" \\ host\nx"), QStringLiteral("llama3.2:1b") })->add(3);
        r.counter(QStringLiteral("t_requests_total"), { QStringLiteral("b"), QString() })->add(1.5);
        const HistogramHandle h = r.histogram(QStringLiteral("t_latency_seconds"), { QStringLiteral("b") });
        // Binary fractions, so the sum prints exactly.
        h->observe(0.000244140625);
        h->observe(0.0625);
        h->observe(0.0625);
        h->observe(7);
        const QByteArray text = r.renderPrometheus();
        const QByteArray expected = "# HELP t_requests_total Requests with a \\\\ backslash\\nand a newline.\n"
                                    "# TYPE t_requests_total counter\n"
                                    "t_requests_total{host=\"a \\\"quoted\\\" \\\\ host\\nx\",model=\"llama3.2:1b\"} 3\n"
                                    "t_requests_total{host=\"b\"} 1.5\n"
                                    "# HELP t_latency_seconds Latency.\n"
                                    "# TYPE t_latency_seconds histogram\n"
                                    "t_latency_seconds_bucket{host=\"b\",le=\"0.0005\"} 1\n"
                                    "t_latency_seconds_bucket{host=\"b\",le=\"0.1\"} 3\n"
                                    "t_latency_seconds_bucket{host=\"b\",le=\"1\"} 3\n"
                                    "t_latency_seconds_bucket{host=\"b\",le=\"+Inf\"} 4\n"
                                    "t_latency_seconds_sum{host=\"b\"} 7.125244140625\n"
                                    "t_latency_seconds_count{host=\"b\"} 4\n";
        QCOMPARE(text, expected);
        if (promtool().isEmpty()) {
            if (requirePromtool())
                QFAIL("promtool is not installed (Debian package prometheus; scripts/install-deps.sh installs it)");
            QSKIP("promtool is not installed (Debian package prometheus); under CI this fails instead");
        }
        QCOMPARE(promtoolCheck(text), QString());
    }

    void standardFamiliesPassPromtool()
    {
        if (promtool().isEmpty()) {
            if (requirePromtool())
                QFAIL("promtool is not installed (Debian package prometheus; scripts/install-deps.sh installs it)");
            QSKIP("promtool is not installed (Debian package prometheus); under CI this fails instead");
        }
        // One series of every standard family, with awkward label values.
        MetricsRegistry r;
        declareStandardMetrics(r);
        const QString host = QStringLiteral("gpu \"box\"");
        r.counter(name::Requests, { host, QStringLiteral("qwen3:0.6b"), QStringLiteral("chat") })->add(4);
        r.counter(name::RequestFailures, { host, QStringLiteral("qwen3:0.6b"), QStringLiteral("chat"), QStringLiteral("server_error") })
            ->add();
        r.histogram(name::ResponseSeconds, { host, QStringLiteral("qwen3:0.6b") })->observe(2.5);
        r.histogram(name::FirstTokenSeconds, { host, QStringLiteral("qwen3:0.6b") })->observe(0.3);
        r.counter(name::Tokens, { host, QStringLiteral("qwen3:0.6b"), QStringLiteral("Skeptic") })->add(120);
        r.gauge(name::TokensPerSecond, { host, QStringLiteral("qwen3:0.6b") })->set(48.25);
        r.gauge(name::HostInfo, { host, QStringLiteral("0.12.6") })->set(1);
        r.gauge(name::HostModelBytes, { host, QStringLiteral("qwen3:0.6b") })->set(5.2e9);
        r.gauge(name::DebateConsensus, { QStringLiteral("12") })->set(0.75);
        r.histogram(name::DebateTurnSeconds, { QStringLiteral("Skeptic") })->observe(4);
        r.gauge(name::Tasks, { QStringLiteral("pull"), QStringLiteral("running") })->set(1);
        r.histogram(name::DbWriteSeconds)->observe(0.002);
        r.counter(name::HttpRequests, { QStringLiteral("/metrics"), QStringLiteral("401") })->add();
        r.counter(name::CpuSeconds)->set(1.25);
        const QByteArray text = r.renderPrometheus();
        QVERIFY(text.contains(
            "roundtable_request_failures_total{host=\"gpu \\\"box\\\"\",model=\"qwen3:0.6b\",kind=\"chat\",error=\"server_error\"} 1\n"));
        QVERIFY(text.contains("roundtable_host_model_loaded_bytes{host=\"gpu \\\"box\\\"\",model=\"qwen3:0.6b\"} 5200000000\n"));
        QCOMPARE(promtoolCheck(text), QString());
    }

    void removeDropsSeriesButHandlesKeepWorking()
    {
        MetricsRegistry r;
        declareStandardMetrics(r);
        const ValueHandle a = r.counter(name::DebateSeatTokens, { QStringLiteral("1"), QStringLiteral("Skeptic") });
        r.counter(name::DebateSeatTokens, { QStringLiteral("1"), QStringLiteral("Pragmatist") })->add(2);
        r.counter(name::DebateSeatTokens, { QStringLiteral("2"), QStringLiteral("Skeptic") })->add(5);
        a->add(3);
        QCOMPARE(r.sum(name::DebateSeatTokens), 10.0);
        r.removeWhere(name::DebateSeatTokens, QStringLiteral("debate"), QStringLiteral("1"));
        QCOMPARE(r.sum(name::DebateSeatTokens), 5.0);
        a->add(1); // detached: no crash, not exported
        QVERIFY(!r.renderPrometheus().contains("debate=\"1\""));
        r.remove(name::DebateSeatTokens, { QStringLiteral("2"), QStringLiteral("Skeptic") });
        QCOMPARE(r.sum(name::DebateSeatTokens), 0.0);
        QVERIFY(!r.renderPrometheus().contains(name::DebateSeatTokens.toUtf8()));
    }
};

QTEST_GUILESS_MAIN(TestMetricsRegistry)
#include "tst_metricsregistry.moc"
