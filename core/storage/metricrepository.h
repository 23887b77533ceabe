#pragma once

#include "common/result.h"
#include "records.h"

#include <QList>
#include <optional>

namespace rt::storage {

class Database;

// How long metric samples are kept.
struct RetentionPolicy {
    qint64 rawSeconds = 7 * 24 * 3600; // raw samples older than this are averaged into buckets
    int bucketSeconds = 300; // bucket width for downsampled samples
    qint64 keepSeconds = 90 * 24 * 3600; // anything older than this is deleted
};

struct RetentionReport {
    int downsampledFrom = 0; // raw rows replaced
    int downsampledTo = 0; // bucket rows written
    int deleted = 0; // rows past keepSeconds
};

// Persisted time series (the in-process MetricsRegistry samples into it).
class MetricRepository final {
public:
    explicit MetricRepository(Database &db)
        : m_db(db)
    {
    }

    rt::Status insert(const QList<MetricSample> &samples); // one transaction
    // Samples of `name` with from <= ts < to, oldest first; only those whose
    // labels equal `labels` when given.
    rt::Result<QList<MetricSample>> range(
        const QString &name, const QDateTime &from, const QDateTime &to, const std::optional<QJsonObject> &labels = std::nullopt);
    rt::Result<QStringList> names();
    rt::Result<RetentionReport> applyRetention(const RetentionPolicy &policy, const QDateTime &now = {});

private:
    Database &m_db;
};

} // namespace rt::storage
