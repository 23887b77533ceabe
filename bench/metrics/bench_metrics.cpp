// bench-metrics: what measuring costs.
//  1. The streaming hot path with metrics on and off, in the same process and
//     the same run: one long /api/chat stream through EndpointPool/PooledChat
//     from roundtable-ollama-sim (--tps 0), the registry attached (with the
//     sampler ticking every second, as in the window) or not; runs
//     interleaved; process CPU (user+sys, getrusage) per stream; medians.
//  2. The scrape: rendering /metrics for 50 hosts x 20 models of series, and
//     the same scrape over HTTP from the LocalServer; empty registry as the
//     baseline.
// It prints figures only; it never asserts timing.
#include "benchsim.h"
#include "benchstats.h"
#include "llm/endpointpool.h"
#include "llm/pooledchat.h"
#include "metrics/metricnames.h"
#include "metrics/metricsregistry.h"
#include "metrics/metricssampler.h"
#include "server/metricsservice.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFutureWatcher>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <algorithm>
#include <cstdio>
#include <sys/resource.h>
#include <vector>

using namespace Qt::StringLiterals;
using namespace rt;
using rt::bench::median;
using rt::bench::percentile;

namespace {

double cpuSeconds()
{
    rusage ru {};
    getrusage(RUSAGE_SELF, &ru);
    return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

struct StreamRun {
    double cpu = 0;
    double wall = 0;
    qint64 chunks = 0;
    bool ok = false;
};

StreamRun runStream(const QUrl &sim, const QString &model, bool metricsOn)
{
    llm::EndpointPool pool({ { u"local"_s, sim, 4 } });
    std::unique_ptr<server::MetricsService> service;
    if (metricsOn) {
        service = std::make_unique<server::MetricsService>();
        service->attach(&pool, nullptr, nullptr);
    }
    llm::ChatRequest request;
    request.model = model;
    request.messages = { llm::ChatMessage::user(u"bench"_s) };
    StreamRun run;
    QEventLoop loop;
    QElapsedTimer wall;
    const double cpu0 = cpuSeconds();
    wall.start();
    llm::PooledChat *chat = pool.chat(request, { model });
    QObject::connect(chat, &llm::PooledChat::delta, &loop, [&run](const QString &, const QString &) { ++run.chunks; });
    QObject::connect(chat, &llm::PooledChat::finished, &loop, [&](const llm::ChatResult &result) {
        run.ok = result.ok();
        loop.quit();
    });
    loop.exec();
    run.wall = double(wall.nsecsElapsed()) / 1e9;
    run.cpu = cpuSeconds() - cpu0;
    if (metricsOn && run.ok) {
        const double counted = service->registry()->sum(metrics::name::Tokens);
        if (qint64(counted) != run.chunks)
            std::fprintf(stderr, "bench-metrics: counted %.0f tokens but saw %lld chunks\n", counted, static_cast<long long>(run.chunks));
    }
    return run;
}

void fillFleet(metrics::MetricsRegistry &r, int hosts, int models)
{
    namespace mn = metrics::name;
    for (int h = 0; h < hosts; ++h) {
        const QString host = u"host-%1"_s.arg(h);
        r.gauge(mn::HostUp, { host })->set(1);
        r.gauge(mn::HostBreaker, { host })->set(0);
        r.gauge(mn::HostProbeSeconds, { host })->set(0.004);
        r.gauge(mn::HostInfo, { host, u"0.12.6"_s })->set(1);
        r.gauge(mn::ActiveStreams, { host })->set(h % 4);
        r.gauge(mn::QueuedRequests, { host })->set(0);
        for (int m = 0; m < models; ++m) {
            const QString model = u"model-%1:%2b"_s.arg(m).arg(m + 1);
            r.counter(mn::Requests, { host, model, u"chat"_s })->add(100 + m);
            r.counter(mn::RequestFailures, { host, model, u"chat"_s, u"server_error"_s })->add(m % 3);
            r.counter(mn::Tokens, { host, model, QString() })->add(12345 + m);
            r.gauge(mn::TokensPerSecond, { host, model })->set(40.5 + m);
            r.gauge(mn::HostModelBytes, { host, model })->set(4.2e9);
            r.gauge(mn::HostModelVramBytes, { host, model })->set(3.9e9);
            r.gauge(mn::HostModelExpiry, { host, model })->set(1.7e9);
            for (int i = 0; i < 5; ++i) {
                r.histogram(mn::ResponseSeconds, { host, model })->observe(0.5 * (i + 1));
                r.histogram(mn::FirstTokenSeconds, { host, model })->observe(0.05 * (i + 1));
            }
        }
    }
}

std::vector<double> timeRenders(const metrics::MetricsRegistry &r, int iterations, qsizetype *bytes)
{
    std::vector<double> ms;
    for (int i = 0; i < iterations; ++i) {
        QElapsedTimer t;
        t.start();
        const QByteArray text = r.renderPrometheus();
        ms.push_back(double(t.nsecsElapsed()) / 1e6);
        *bytes = text.size();
    }
    return ms;
}

// One GET /metrics over loopback on a fresh connection, read until the body
// is complete (Content-Length), as a scraper does.
double scrapeOnce(const QUrl &url, const QString &token, qsizetype *bytes)
{
    QElapsedTimer t;
    t.start();
    QTcpSocket socket;
    socket.connectToHost(url.host(), quint16(url.port()));
    if (!socket.waitForConnected(5000))
        return -1;
    socket.write("GET /metrics HTTP/1.1\r\nHost: " + url.authority().toUtf8() + "\r\nAuthorization: Bearer " + token.toUtf8() + "\r\n\r\n");
    QByteArray reply;
    qsizetype expected = -1;
    while (socket.waitForReadyRead(5000)) {
        reply += socket.readAll();
        const qsizetype headEnd = reply.indexOf("\r\n\r\n");
        if (expected < 0 && headEnd >= 0) {
            static const QRegularExpression length(u"content-length:\\s*(\\d+)"_s, QRegularExpression::CaseInsensitiveOption);
            const auto m = length.match(QString::fromLatin1(reply.left(headEnd)));
            expected = m.hasMatch() ? headEnd + 4 + m.captured(1).toLongLong() : -1;
        }
        if (expected >= 0 && reply.size() >= expected)
            break;
    }
    *bytes = reply.size();
    return double(t.nsecsElapsed()) / 1e6;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.setApplicationDescription(u"Cost of metrics on the streaming hot path, and of a /metrics scrape."_s);
    p.addHelpOption();
    const QCommandLineOption runsOpt(u"runs"_s, u"Streams per mode (default 5)."_s, u"n"_s, u"5"_s);
    const QCommandLineOption tokensOpt(u"tokens"_s, u"Tokens per stream (default 50000)."_s, u"n"_s, u"50000"_s);
    const QCommandLineOption simOpt(u"sim"_s, u"Simulator executable."_s, u"path"_s, QStringLiteral(RT_BENCH_SIM_PATH));
    p.addOptions({ runsOpt, tokensOpt, simOpt });
    p.process(app);
    const int runs = std::max(1, p.value(runsOpt).toInt());
    const QString model = u"llama3.2:1b"_s;

    QProcess sim;
    const QString url = bench::startSimulator(sim, p.value(simOpt), { u"--tps"_s, u"0"_s, u"--tokens"_s, p.value(tokensOpt) });
    if (url.isEmpty()) {
        std::fprintf(stderr, "bench-metrics: simulator %s did not start\n", qPrintable(p.value(simOpt)));
        return 1;
    }

    // 1. Hot path. A warm-up stream first (caches, allocator), then interleaved.
    (void)runStream(QUrl(url), model, false);
    // Mode 2 repeats "off": the gap between the two off rows is the noise
    // floor of this machine, against which the on row is to be read.
    std::vector<double> cpu[3], wall[3];
    qint64 chunks = 0;
    int failures = 0;
    for (int i = 0; i < runs; ++i) {
        for (int position = 0; position < 3; ++position) {
            // Each mode takes each position in turn: the first stream of a
            // round runs measurably differently, which must not favour a mode.
            const int mode = (position + i) % 3;
            const StreamRun r = runStream(QUrl(url), model, mode == 1);
            if (!r.ok) {
                ++failures;
                continue;
            }
            chunks = r.chunks;
            cpu[mode].push_back(r.cpu);
            wall[mode].push_back(r.wall);
        }
    }
    sim.terminate();
    sim.waitForFinished(5000);
    const double off = median(cpu[0]);
    const double on = median(cpu[1]);
    const double again = median(cpu[2]);
    std::printf("metrics on the hot path: one /api/chat stream of %lld chunks through EndpointPool, %d runs per mode, medians\n",
        static_cast<long long>(chunks), runs);
    std::printf("%-20s %10s %10s %14s\n", "mode", "cpu s", "wall s", "cpu vs off");
    std::printf("%-20s %10.3f %10.3f %13.2f%%\n", "metrics off", off, median(wall[0]), 0.0);
    std::printf(
        "%-20s %10.3f %10.3f %+13.2f%%   (target < 3%%)\n", "metrics on", on, median(wall[1]), off > 0 ? (on - off) / off * 100.0 : 0.0);
    std::printf("%-20s %10.3f %10.3f %+13.2f%%   (noise floor)\n", "metrics off, again", again, median(wall[2]),
        off > 0 ? (again - off) / off * 100.0 : 0.0);

    // 2. Scrape cost.
    constexpr int Hosts = 50;
    constexpr int Models = 20;
    metrics::MetricsRegistry empty;
    metrics::declareStandardMetrics(empty);
    server::MetricsService service;
    fillFleet(*service.registry(), Hosts, Models);
    qsizetype emptyBytes = 0, fleetBytes = 0, httpBytes = 0;
    const std::vector<double> emptyMs = timeRenders(empty, 200, &emptyBytes);
    const std::vector<double> fleetMs = timeRenders(*service.registry(), 200, &fleetBytes);
    server::ServerOptions options;
    options.token = u"bench-token-0123456789abcdef"_s;
    QFutureWatcher<Result<QUrl>> watcher;
    QEventLoop wait;
    QObject::connect(&watcher, &QFutureWatcherBase::finished, &wait, &QEventLoop::quit);
    watcher.setFuture(service.startServer(options));
    if (!watcher.isFinished())
        wait.exec();
    std::vector<double> httpMs;
    if (watcher.future().resultCount() > 0 && watcher.result().ok()) {
        for (int i = 0; i < 100; ++i)
            httpMs.push_back(scrapeOnce(watcher.result().value(), options.token, &httpBytes));
    }
    std::printf("\n/metrics with %d hosts x %d models (%d series lines), 200 renders, 100 HTTP scrapes\n", Hosts, Models,
        int(service.registry()->renderPrometheus().count('\n')));
    std::printf("%-28s %10s %10s %10s\n", "what", "p50 ms", "p99 ms", "bytes");
    std::printf("%-28s %10.3f %10.3f %10lld\n", "render, empty registry", median(emptyMs), percentile(emptyMs, 0.99),
        static_cast<long long>(emptyBytes));
    std::printf("%-28s %10.3f %10.3f %10lld   (target < 5 ms)\n", "render, fleet", median(fleetMs), percentile(fleetMs, 0.99),
        static_cast<long long>(fleetBytes));
    if (!httpMs.empty())
        std::printf("%-28s %10.3f %10.3f %10lld\n", "HTTP GET /metrics, fleet", median(httpMs), percentile(httpMs, 0.99),
            static_cast<long long>(httpBytes));
    return failures > 0 || cpu[0].empty() || cpu[1].empty() ? 1 : 0;
}
