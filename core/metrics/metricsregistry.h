#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <atomic>
#include <memory>
#include <shared_mutex>
#include <vector>

namespace rt::metrics {

enum class MetricType { Counter, Gauge, Histogram };

// One series of a counter or gauge. Updates are lock-free (atomic), so a
// handle taken once per request can be bumped on every token from any thread.
class Value final {
public:
    void add(double delta = 1.0) { m_value.fetch_add(delta, std::memory_order_relaxed); }
    void set(double value) { m_value.store(value, std::memory_order_relaxed); }
    // Raises the value to `value` if it is higher (peaks).
    void raiseTo(double value);
    double value() const { return m_value.load(std::memory_order_relaxed); }

private:
    std::atomic<double> m_value { 0.0 };
};

// One series of a histogram: cumulative buckets are computed when read, so an
// observation touches one bucket, the sum and the count.
class Histogram final {
public:
    explicit Histogram(const std::vector<double> &bounds);
    void observe(double value);

    struct Snapshot {
        std::vector<double> bounds; // upper bounds, ascending; +Inf is implicit
        std::vector<quint64> counts; // per bucket (not cumulative), bounds.size() + 1
        double sum = 0.0;
        quint64 count = 0;
        // Quantile by linear interpolation inside the bucket, as Prometheus'
        // histogram_quantile does; -1 without observations.
        double quantile(double q) const;
        Snapshot minus(const Snapshot &earlier) const; // observations since `earlier`
    };
    Snapshot snapshot() const;

private:
    std::vector<double> m_bounds;
    std::unique_ptr<std::atomic<quint64>[]> m_counts;
    std::atomic<double> m_sum { 0.0 };
    std::atomic<quint64> m_count { 0 };
};

using ValueHandle = std::shared_ptr<Value>;
using HistogramHandle = std::shared_ptr<Histogram>;

// A point-in-time copy of one series, for the sampler and tests.
struct SeriesSnapshot {
    QString name;
    MetricType type = MetricType::Counter;
    QStringList labelNames;
    QStringList labelValues;
    double value = 0.0; // counters and gauges
    Histogram::Snapshot histogram; // histograms
    QString label(const QString &labelName) const;
};

// Counters, gauges and histograms with labels, in the Prometheus model. Thread
// safe: finding a series takes a shared lock (an exclusive one the first time
// a label set is seen); updating a series through its handle takes none.
// Families are declared once with their help text, type and label names (see
// metricnames.h for the ones Roundtable uses); asking for an undeclared
// family is a programming error and returns a detached series.
class MetricsRegistry final {
public:
    MetricsRegistry();
    ~MetricsRegistry();
    MetricsRegistry(const MetricsRegistry &) = delete;
    MetricsRegistry &operator=(const MetricsRegistry &) = delete;

    void declare(
        const QString &name, MetricType type, const QString &help, const QStringList &labelNames, const std::vector<double> &buckets = {});
    bool isDeclared(const QString &name) const;

    // The series with these label values (in the family's label order), created
    // on first use. Keep the handle for hot paths.
    ValueHandle counter(const QString &name, const QStringList &labelValues = {});
    ValueHandle gauge(const QString &name, const QStringList &labelValues = {});
    HistogramHandle histogram(const QString &name, const QStringList &labelValues = {});

    // Drops series (a finished debate's, a removed host's). Handles still held
    // keep working but are no longer exported.
    void remove(const QString &name, const QStringList &labelValues);
    // Drops every series of `name` whose label `labelName` equals `value`.
    void removeWhere(const QString &name, const QString &labelName, const QString &value);

    // Current value of a counter or gauge series; 0 when absent.
    double value(const QString &name, const QStringList &labelValues = {}) const;
    // Sum over every series of a counter or gauge family whose labels match
    // the given name=value pairs (all of them when empty).
    double sum(const QString &name, const QList<QPair<QString, QString>> &match = {}) const;

    QList<SeriesSnapshot> snapshot() const;
    // Prometheus text exposition format 0.0.4.
    QByteArray renderPrometheus() const;

    static std::vector<double> secondsBuckets(); // 5 ms … 10 min, for latencies

private:
    struct Family;
    Family *find(const QString &name) const;
    template<typename T> std::shared_ptr<T> series(const QString &name, MetricType type, const QStringList &labelValues);

    static QByteArray renderLabels(const QStringList &names, const QStringList &values);

    mutable std::shared_mutex m_mutex;
    mutable std::atomic<qsizetype> m_lastRenderSize { 0 };
    QHash<QString, std::shared_ptr<Family>> m_families;
    QStringList m_order; // declaration order, for stable output
};

// Prometheus label value escaping (\\, \", \n) and number formatting.
QByteArray escapeLabelValue(const QString &value);
QByteArray formatNumber(double value);

} // namespace rt::metrics
