#pragma once

#include "common/result.h"
#include "health.h"
#include "metricsregistry.h"

#include <QDateTime>
#include <QFuture>
#include <QHash>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QPointF>
#include <QPointer>
#include <QTimer>
#include <deque>
#include <memory>

namespace rt::storage {
class Storage;
}

namespace rt::metrics {

// The charts the dashboard draws, each a set of named lines.
enum class Chart {
    TokensPerSecond, // per model
    AgentTokensPerSecond, // per agent (debates)
    Latency, // response p50, p95 and time to first token p50, seconds, over the last 30 s
    ErrorRate, // per host, percent of requests failed over the health window
    ActiveStreams, // per host
    QueuedRequests, // per host
    Viewers,
};
QString chartName(Chart chart); // also the metric_samples name
const QList<Chart> &allCharts();

struct ChartSeries {
    QString label; // model, agent, host or quantile
    QList<QPointF> points; // x = ms since the epoch (UTC), y = value
};

struct LoadedModel {
    QString host;
    QString model;
    double bytes = 0;
    double vramBytes = 0;
    QDateTime expiresAt; // invalid: kept loaded
};

// Samples the registry every second: derived lines for the charts in bounded
// ring buffers (the last hour at 1 s), health per host and overall (health.h),
// process RSS and CPU; and, when given a Storage, writes the lines to
// metric_samples every MetricsPersistSec and prunes them by retention.
// Lives on one thread (normally the GUI thread); health() may be called from
// any thread (the local server's).
class MetricsSampler final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MetricsSampler)
public:
    explicit MetricsSampler(std::shared_ptr<MetricsRegistry> registry, QObject *parent = nullptr);
    ~MetricsSampler() override;

    const std::shared_ptr<MetricsRegistry> &registry() const { return m_registry; }
    void setIntervalMs(int ms);
    int intervalMs() const { return m_intervalMs; }
    void setCapacity(int points) { m_capacity = qMax(2, points); }
    void setThresholds(const HealthThresholds &thresholds);
    const HealthThresholds &thresholds() const { return m_thresholds; }
    int persistSeconds() const { return m_persistSeconds; }
    // Persists chart lines every `persistSeconds` and keeps `retentionDays`.
    void setStorage(rt::storage::Storage *storage, int persistSeconds, int retentionDays);
    // Changes how often lines are stored and how long they are kept.
    void setPersistence(int persistSeconds, int retentionDays);

    void start();
    void stop();
    bool isRunning() const { return m_timer.isActive(); }
    void sampleNow();

    QList<ChartSeries> chart(Chart chart, qint64 sinceMs = 0) const;
    // Lines of a chart as stored (for ranges beyond the ring buffers).
    QFuture<rt::Result<QList<ChartSeries>>> storedChart(Chart chart, const QDateTime &from, const QDateTime &to) const;
    QList<LoadedModel> loadedModels() const;
    HealthReport health() const; // any thread
    qint64 lastSampleMs() const { return m_lastMs; }

signals:
    void sampled(qint64 ms);
    void healthChanged(const rt::metrics::HealthReport &report); // status or reasons changed

private:
    struct HostWindowEntry {
        qint64 ms = 0;
        double requests = 0;
        double failures = 0;
        Histogram::Snapshot firstToken;
    };
    struct LatencyEntry {
        qint64 ms = 0;
        Histogram::Snapshot response;
        Histogram::Snapshot firstToken;
    };
    void append(Chart chart, const QString &label, qint64 ms, double value);
    void persist(qint64 ms);
    HealthReport evaluate(const QList<SeriesSnapshot> &snapshot, qint64 ms);

    std::shared_ptr<MetricsRegistry> m_registry;
    QTimer m_timer;
    int m_intervalMs = 1000;
    int m_capacity = 3600;
    HealthThresholds m_thresholds;
    qint64 m_startMs = 0;
    qint64 m_lastMs = 0;

    // Previous counter totals for rates
    QHash<QString, double> m_lastTokensByModel;
    QHash<QString, double> m_lastTokensByAgent;
    std::deque<LatencyEntry> m_latency;
    QHash<QString, std::deque<HostWindowEntry>> m_hostWindows;
    QHash<QString, bool> m_hostWasUp;

    mutable QMutex m_mutex; // guards what other threads read
    QHash<Chart, QHash<QString, std::deque<QPointF>>> m_lines;
    QList<LoadedModel> m_loaded;
    HealthReport m_health;

    QPointer<rt::storage::Storage> m_storage;
    int m_persistSeconds = 60;
    int m_retentionDays = 30;
    qint64 m_lastPersistMs = 0;
    qint64 m_lastRetentionMs = 0;
};

} // namespace rt::metrics
