#include "metricssampler.h"

#include "common/futurecallback.h"
#include "common/logging.h"
#include "common/translate.h"
#include "metricnames.h"
#include "processmetrics.h"
#include "storage/storage.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QLocale>
#include <algorithm>

namespace rt::metrics {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::metrics)
};

constexpr qint64 LatencyWindowMs = 30'000;

// Sum of bucket counts, so histograms of several series can be merged.
void mergeInto(Histogram::Snapshot &into, const Histogram::Snapshot &from)
{
    if (into.counts.empty()) {
        into = from;
        return;
    }
    if (into.counts.size() != from.counts.size())
        return;
    for (size_t i = 0; i < into.counts.size(); ++i)
        into.counts[i] += from.counts[i];
    into.sum += from.sum;
    into.count += from.count;
}

QString percent(double ratio)
{
    return QLocale().toString(qRound(ratio * 100.0)) + QLatin1Char('%');
}

QString window(int seconds)
{
    if (seconds == 60)
        return Tr::tr("the last minute");
    if (seconds % 60 == 0)
        return Tr::tr("the last %1 minutes").arg(seconds / 60);
    return Tr::tr("the last %1 seconds").arg(seconds);
}
} // namespace

QString chartName(Chart chart)
{
    switch (chart) {
    case Chart::TokensPerSecond:
        return QStringLiteral("tokens_per_second");
    case Chart::AgentTokensPerSecond:
        return QStringLiteral("agent_tokens_per_second");
    case Chart::Latency:
        return QStringLiteral("latency_seconds");
    case Chart::ErrorRate:
        return QStringLiteral("error_rate_percent");
    case Chart::ActiveStreams:
        return QStringLiteral("active_streams");
    case Chart::QueuedRequests:
        return QStringLiteral("queued_requests");
    case Chart::Viewers:
        return QStringLiteral("viewers");
    }
    return {};
}

const QList<Chart> &allCharts()
{
    static const QList<Chart> list { Chart::TokensPerSecond, Chart::AgentTokensPerSecond, Chart::Latency, Chart::ErrorRate,
        Chart::ActiveStreams, Chart::QueuedRequests, Chart::Viewers };
    return list;
}

MetricsSampler::MetricsSampler(std::shared_ptr<MetricsRegistry> registry, QObject *parent)
    : QObject(parent)
    , m_registry(std::move(registry))
    , m_thresholds(HealthThresholds::fromSettings())
{
    m_startMs = QDateTime::currentMSecsSinceEpoch();
    m_timer.setInterval(m_intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &MetricsSampler::sampleNow);
}

MetricsSampler::~MetricsSampler() = default;

void MetricsSampler::setIntervalMs(int ms)
{
    m_intervalMs = qMax(10, ms);
    m_timer.setInterval(m_intervalMs);
}

void MetricsSampler::setThresholds(const HealthThresholds &thresholds)
{
    m_thresholds = thresholds;
}

void MetricsSampler::setStorage(rt::storage::Storage *storage, int persistSeconds, int retentionDays)
{
    m_storage = storage;
    m_persistSeconds = qMax(1, persistSeconds);
    m_retentionDays = qMax(1, retentionDays);
    m_lastPersistMs = QDateTime::currentMSecsSinceEpoch();
    m_lastRetentionMs = 0; // prune at the next sample
}

void MetricsSampler::setPersistence(int persistSeconds, int retentionDays)
{
    m_persistSeconds = qMax(1, persistSeconds);
    if (qMax(1, retentionDays) != m_retentionDays)
        m_lastRetentionMs = 0; // prune by the new rule at the next sample
    m_retentionDays = qMax(1, retentionDays);
}

void MetricsSampler::start()
{
    if (m_timer.isActive())
        return;
    sampleNow(); // a baseline at once, so the first rates come one interval later
    m_timer.start();
}

void MetricsSampler::stop()
{
    m_timer.stop();
}

void MetricsSampler::append(Chart chart, const QString &label, qint64 ms, double value)
{
    // Called with m_mutex held.
    std::deque<QPointF> &line = m_lines[chart][label];
    line.emplace_back(double(ms), value);
    while (line.size() > size_t(m_capacity))
        line.pop_front();
}

void MetricsSampler::sampleNow()
{
    const qint64 ms = QDateTime::currentMSecsSinceEpoch();
    updateProcessMetrics(*m_registry);
    const QList<SeriesSnapshot> snapshot = m_registry->snapshot();

    QHash<QString, double> tokensByModel;
    QHash<QString, double> tokensByAgent;
    QHash<QString, double> active;
    QHash<QString, double> queued;
    Histogram::Snapshot response;
    Histogram::Snapshot firstToken;
    double viewers = 0;
    QList<LoadedModel> loaded;
    QHash<QPair<QString, QString>, int> loadedIndex;
    auto loadedFor = [&](const SeriesSnapshot &s) -> LoadedModel & {
        const QPair<QString, QString> key { s.label(QStringLiteral("host")), s.label(QStringLiteral("model")) };
        auto it = loadedIndex.constFind(key);
        if (it == loadedIndex.cend()) {
            it = loadedIndex.insert(key, int(loaded.size()));
            loaded.append({ key.first, key.second, 0, 0, {} });
        }
        return loaded[*it];
    };
    for (const SeriesSnapshot &s : snapshot) {
        if (s.name == name::Tokens) {
            tokensByModel[s.label(QStringLiteral("model"))] += s.value;
            const QString agent = s.label(QStringLiteral("agent"));
            if (!agent.isEmpty())
                tokensByAgent[agent] += s.value;
        } else if (s.name == name::ResponseSeconds) {
            mergeInto(response, s.histogram);
        } else if (s.name == name::FirstTokenSeconds) {
            mergeInto(firstToken, s.histogram);
        } else if (s.name == name::ActiveStreams) {
            active[s.label(QStringLiteral("host"))] = s.value;
        } else if (s.name == name::QueuedRequests) {
            queued[s.label(QStringLiteral("host"))] = s.value;
        } else if (s.name == name::Viewers) {
            viewers = s.value;
        } else if (s.name == name::HostModelBytes) {
            loadedFor(s).bytes = s.value;
        } else if (s.name == name::HostModelVramBytes) {
            loadedFor(s).vramBytes = s.value;
        } else if (s.name == name::HostModelExpiry) {
            loadedFor(s).expiresAt = QDateTime::fromMSecsSinceEpoch(qint64(s.value * 1000.0), Qt::UTC);
        }
    }

    m_latency.push_back({ ms, response, firstToken });
    while (m_latency.size() > 1 && m_latency.front().ms < ms - LatencyWindowMs)
        m_latency.pop_front();

    HealthReport report = evaluate(snapshot, ms);
    bool healthDiffers = false;
    {
        QMutexLocker lock(&m_mutex);
        if (m_lastMs > 0 && ms > m_lastMs) {
            const double seconds = double(ms - m_lastMs) / 1000.0;
            for (auto it = tokensByModel.cbegin(); it != tokensByModel.cend(); ++it)
                append(Chart::TokensPerSecond, it.key(), ms, qMax(0.0, it.value() - m_lastTokensByModel.value(it.key())) / seconds);
            for (auto it = tokensByAgent.cbegin(); it != tokensByAgent.cend(); ++it)
                append(Chart::AgentTokensPerSecond, it.key(), ms, qMax(0.0, it.value() - m_lastTokensByAgent.value(it.key())) / seconds);
        }
        if (m_latency.size() > 1) {
            const Histogram::Snapshot r = m_latency.back().response.minus(m_latency.front().response);
            const Histogram::Snapshot f = m_latency.back().firstToken.minus(m_latency.front().firstToken);
            if (r.count > 0) {
                append(Chart::Latency, QStringLiteral("p50"), ms, r.quantile(0.5));
                append(Chart::Latency, QStringLiteral("p95"), ms, r.quantile(0.95));
            }
            if (f.count > 0)
                append(Chart::Latency, QStringLiteral("first token p50"), ms, f.quantile(0.5));
        }
        for (const HostHealth &h : std::as_const(report.hosts))
            append(Chart::ErrorRate, h.host, ms, h.errorRate * 100.0);
        for (auto it = active.cbegin(); it != active.cend(); ++it)
            append(Chart::ActiveStreams, it.key(), ms, it.value());
        for (auto it = queued.cbegin(); it != queued.cend(); ++it)
            append(Chart::QueuedRequests, it.key(), ms, it.value());
        append(Chart::Viewers, QStringLiteral("viewers"), ms, viewers);
        m_loaded = loaded;
        healthDiffers = report.status != m_health.status || report.summary != m_health.summary;
        m_health = report;
    }
    m_lastTokensByModel = tokensByModel;
    m_lastTokensByAgent = tokensByAgent;
    m_lastMs = ms;

    if (m_storage && ms - m_lastPersistMs >= qint64(m_persistSeconds) * 1000)
        persist(ms);
    if (m_storage && ms - m_lastRetentionMs >= 3600'000) {
        m_lastRetentionMs = ms;
        rt::storage::RetentionPolicy policy;
        policy.keepSeconds = qint64(m_retentionDays) * 24 * 3600;
        policy.rawSeconds = qMin<qint64>(24 * 3600, policy.keepSeconds);
        policy.bucketSeconds = 300;
        const QFuture<rt::Status> retention = m_storage->write([policy](rt::storage::StorageContext &c) -> rt::Status {
            const auto report = c.metrics().applyRetention(policy);
            if (!report.ok())
                return report.error();
            return {};
        });
        rt::whenReady(retention, this, [](const rt::Status &status) {
            if (!status.ok())
                qCWarning(lcStorage).noquote() << "metric retention:" << status.error().message;
        });
    }
    emit sampled(ms);
    if (healthDiffers)
        emit healthChanged(report);
}

void MetricsSampler::persist(qint64 ms)
{
    // The mean of each line since the last write: a 60 s sample stands for its minute.
    QList<rt::storage::MetricSample> samples;
    const QDateTime ts = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
    {
        QMutexLocker lock(&m_mutex);
        for (auto chart = m_lines.cbegin(); chart != m_lines.cend(); ++chart) {
            for (auto line = chart->cbegin(); line != chart->cend(); ++line) {
                double sum = 0;
                int n = 0;
                for (auto p = line->crbegin(); p != line->crend() && p->x() > double(m_lastPersistMs); ++p) {
                    sum += p->y();
                    ++n;
                }
                if (n == 0)
                    continue;
                samples.append({ chartName(chart.key()), QJsonObject { { QStringLiteral("series"), line.key() } }, ts, sum / n, 0 });
            }
        }
    }
    m_lastPersistMs = ms;
    if (samples.isEmpty())
        return;
    rt::whenReady(m_storage->write([samples](rt::storage::StorageContext &c) { return c.metrics().insert(samples); }), this,
        [](const rt::Status &status) {
            if (!status.ok())
                qCWarning(lcStorage).noquote() << "metric samples not saved:" << status.error().message;
        });
}

HealthReport MetricsSampler::evaluate(const QList<SeriesSnapshot> &snapshot, qint64 ms)
{
    HealthReport report;
    report.version = QCoreApplication::applicationVersion();
    report.uptimeSeconds = (ms - m_startMs) / 1000;
    QStringList hosts;
    QHash<QString, HostHealth> byHost;
    QHash<QString, double> requests;
    QHash<QString, double> failures;
    QHash<QString, Histogram::Snapshot> firstToken;
    Histogram::Snapshot response;
    for (const SeriesSnapshot &s : snapshot) {
        const QString host = s.label(QStringLiteral("host"));
        if (s.name == name::HostUp) {
            hosts.append(host);
            byHost[host].host = host;
            byHost[host].up = s.value > 0;
        } else if (s.name == name::HostBreaker) {
            byHost[host].breaker = int(s.value);
        } else if (s.name == name::HostInfo) {
            byHost[host].version = s.label(QStringLiteral("version"));
        } else if (s.name == name::Requests) {
            report.requests += s.value;
            // Health is about answering chats; probes and model lists would
            // dilute the rate (their failures open the breaker anyway).
            if (s.label(QStringLiteral("kind")) == QLatin1String("chat"))
                requests[host] += s.value;
        } else if (s.name == name::RequestFailures) {
            report.failures += s.value;
            // A model that is not there says nothing about the host's health.
            if (s.label(QStringLiteral("kind")) == QLatin1String("chat")
                && s.label(QStringLiteral("error")) != QLatin1String("model_not_found"))
                failures[host] += s.value;
        } else if (s.name == name::FirstTokenSeconds) {
            mergeInto(firstToken[host], s.histogram);
        } else if (s.name == name::ResponseSeconds) {
            mergeInto(response, s.histogram);
        } else if (s.name == name::ActiveStreams) {
            report.connections += s.value;
        } else if (s.name == name::ConnectionsPeak) {
            report.connectionsPeak = s.value;
        } else if (s.name == name::Viewers) {
            report.viewers = s.value;
        } else if (s.name == name::ViewersPeak) {
            report.viewersPeak = s.value;
        }
    }
    report.errorRate = report.requests > 0 ? report.failures / report.requests : 0.0;
    report.averageResponseMs = response.count > 0 ? response.sum / double(response.count) * 1000.0 : 0.0;

    const qint64 windowMs = qint64(m_thresholds.windowSeconds) * 1000;
    int down = 0;
    int degraded = 0;
    QStringList reasons;
    for (const QString &host : std::as_const(hosts)) {
        HostHealth h = byHost.value(host);
        std::deque<HostWindowEntry> &w = m_hostWindows[host];
        // A host that comes back starts a fresh window: its outage is over.
        if (h.up && !m_hostWasUp.value(host, true))
            w.clear();
        // A host seen for the first time starts from zero, so requests made
        // before this first sample count too.
        if (!m_hostWasUp.contains(host))
            w.push_back({ ms - 1, 0, 0, {} });
        m_hostWasUp[host] = h.up;
        w.push_back({ ms, requests.value(host), failures.value(host), firstToken.value(host) });
        while (w.size() > 1 && w.front().ms < ms - windowMs)
            w.pop_front();
        h.requests = w.back().requests - w.front().requests;
        h.failures = qMin(h.requests, w.back().failures - w.front().failures);
        h.errorRate = h.requests > 0 ? h.failures / h.requests : 0.0;
        const Histogram::Snapshot ft = w.back().firstToken.minus(w.front().firstToken);
        h.firstTokenP95Seconds = ft.count > 0 ? ft.quantile(0.95) : -1.0;
        if (!h.up) {
            h.status = HealthStatus::Down;
            h.reasons.append(h.breaker == 2 ? Tr::tr("%1: down; checking whether it is back").arg(host)
                                            : Tr::tr("%1: not answering (circuit breaker open)").arg(host));
        } else {
            if (h.requests >= m_thresholds.minRequests && h.errorRate >= m_thresholds.errorRate)
                h.reasons.append(
                    Tr::tr("%1: %2 of requests failed in %3").arg(host, percent(h.errorRate), window(m_thresholds.windowSeconds)));
            if (h.firstTokenP95Seconds > m_thresholds.slowFirstTokenSeconds)
                h.reasons.append(Tr::tr("%1: first tokens took %2 s (p95) in %3")
                                     .arg(host, QLocale().toString(h.firstTokenP95Seconds, 'f', 1), window(m_thresholds.windowSeconds)));
            h.status = h.reasons.isEmpty() ? HealthStatus::Healthy : HealthStatus::Degraded;
        }
        down += h.status == HealthStatus::Down ? 1 : 0;
        degraded += h.status == HealthStatus::Degraded ? 1 : 0;
        reasons += h.reasons;
        report.hosts.append(h);
    }
    for (auto it = m_hostWindows.begin(); it != m_hostWindows.end();) // removed hosts
        it = hosts.contains(it.key()) ? std::next(it) : m_hostWindows.erase(it);

    if (hosts.isEmpty()) {
        report.status = HealthStatus::Down;
        report.summary = Tr::tr("No Ollama host is configured.");
    } else if (down == hosts.size()) {
        report.status = HealthStatus::Down;
        report.summary = hosts.size() == 1 ? reasons.join(QStringLiteral("; "))
                                           : Tr::tr("Every Ollama host is down: %1").arg(reasons.join(QStringLiteral("; ")));
    } else if (down + degraded > 0) {
        report.status = HealthStatus::Degraded;
        report.summary = reasons.join(QStringLiteral("; "));
    } else {
        report.status = HealthStatus::Healthy;
        report.summary = hosts.size() == 1 ? Tr::tr("Ollama host %1 is answering normally.").arg(hosts.first())
                                           : Tr::tr("All %1 Ollama hosts are answering normally.").arg(hosts.size());
    }
    return report;
}

QList<ChartSeries> MetricsSampler::chart(Chart chart, qint64 sinceMs) const
{
    QMutexLocker lock(&m_mutex);
    QList<ChartSeries> out;
    const auto lines = m_lines.value(chart);
    for (auto it = lines.cbegin(); it != lines.cend(); ++it) {
        ChartSeries series { it.key(), {} };
        for (const QPointF &p : it.value()) {
            if (p.x() >= double(sinceMs))
                series.points.append(p);
        }
        out.append(std::move(series));
    }
    std::sort(out.begin(), out.end(), [](const ChartSeries &a, const ChartSeries &b) { return a.label < b.label; });
    return out;
}

QFuture<rt::Result<QList<ChartSeries>>> MetricsSampler::storedChart(Chart chart, const QDateTime &from, const QDateTime &to) const
{
    const QString name = chartName(chart);
    if (!m_storage)
        return QtFuture::makeReadyFuture(rt::Result<QList<ChartSeries>>(QList<ChartSeries> {}));
    return m_storage->read([name, from, to](rt::storage::StorageContext &c) -> rt::Result<QList<ChartSeries>> {
        auto samples = c.metrics().range(name, from, to);
        if (!samples.ok())
            return samples.error();
        QMap<QString, ChartSeries> lines;
        for (const rt::storage::MetricSample &s : *samples) {
            const QString label = s.labels.value(QStringLiteral("series")).toString();
            ChartSeries &line = lines[label];
            line.label = label;
            line.points.append(QPointF(double(s.ts.toMSecsSinceEpoch()), s.value));
        }
        return lines.values();
    });
}

QList<LoadedModel> MetricsSampler::loadedModels() const
{
    QMutexLocker lock(&m_mutex);
    return m_loaded;
}

HealthReport MetricsSampler::health() const
{
    QMutexLocker lock(&m_mutex);
    return m_health;
}

} // namespace rt::metrics
