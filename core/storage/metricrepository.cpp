#include "metricrepository.h"

#include "database.h"

#include <QCoreApplication>
#include <QHash>
#include <map>
#include <tuple>

namespace rt::storage {

rt::Status MetricRepository::insert(const QList<MetricSample> &samples)
{
    return m_db.transaction([&]() -> rt::Status {
        for (const MetricSample &s : samples) {
            auto n = m_db.exec(
                QStringLiteral("INSERT INTO metric_samples (name, labels, ts, value, bucket_seconds) VALUES (?, ?, ?, ?, ?)"),
                { s.name, Database::jsonValue(s.labels), m_db.timeValue(s.ts.isValid() ? s.ts : m_db.now()), s.value, s.bucketSeconds });
            if (!n.ok())
                return n.error();
        }
        return {};
    });
}

rt::Result<QList<MetricSample>> MetricRepository::range(
    const QString &name, const QDateTime &from, const QDateTime &to, const std::optional<QJsonObject> &labels)
{
    auto q = m_db.query(
        QStringLiteral(
            "SELECT name, labels, ts, value, bucket_seconds FROM metric_samples WHERE name = ? AND ts >= ? AND ts < ? ORDER BY ts"),
        { name, m_db.timeValue(from), m_db.timeValue(to) });
    if (!q.ok())
        return q.error();
    QList<MetricSample> list;
    while (q->next()) {
        MetricSample s { q->text(0), q->jsonObject(1), q->time(2), q->real(3), int(q->integer(4)) };
        if (labels && s.labels != *labels)
            continue;
        list.append(std::move(s));
    }
    return list;
}

rt::Result<QStringList> MetricRepository::names()
{
    auto q = m_db.query(QStringLiteral("SELECT DISTINCT name FROM metric_samples ORDER BY name"));
    if (!q.ok())
        return q.error();
    QStringList list;
    while (q->next())
        list.append(q->text(0));
    return list;
}

rt::Result<RetentionReport> MetricRepository::applyRetention(const RetentionPolicy &policy, const QDateTime &nowIn)
{
    if (policy.bucketSeconds <= 0 || policy.rawSeconds < 0 || policy.keepSeconds < policy.rawSeconds) {
        return makeError(errc::InvalidInput,
            QCoreApplication::translate(
                "rt::storage", "Invalid metric retention: the bucket must be positive and the kept age at least the raw age."));
    }
    const QDateTime now = nowIn.isValid() ? nowIn.toUTC() : m_db.now();
    // Aligned to a bucket boundary so a bucket is never split across two runs.
    const qint64 widthMs = qint64(policy.bucketSeconds) * 1000;
    const qint64 rawMs = now.addSecs(-policy.rawSeconds).toMSecsSinceEpoch();
    const QDateTime rawCutoff
        = QDateTime::fromMSecsSinceEpoch((rawMs >= 0 ? rawMs / widthMs : (rawMs - widthMs + 1) / widthMs) * widthMs, Qt::UTC);
    const QDateTime keepCutoff = now.addSecs(-policy.keepSeconds);
    return m_db.transaction([&]() -> rt::Result<RetentionReport> {
        RetentionReport report;
        auto deleted = m_db.exec(QStringLiteral("DELETE FROM metric_samples WHERE ts < ?"), { m_db.timeValue(keepCutoff) });
        if (!deleted.ok())
            return deleted.error();
        report.deleted = *deleted;

        // Average finer samples between keepCutoff and rawCutoff into buckets.
        auto q = m_db.query(
            QStringLiteral("SELECT name, labels, ts, value FROM metric_samples WHERE ts < ? AND bucket_seconds < ? ORDER BY ts"),
            { m_db.timeValue(rawCutoff), policy.bucketSeconds });
        if (!q.ok())
            return q.error();
        struct Sum {
            QJsonObject labels;
            double total = 0;
            int count = 0;
        };
        std::map<std::tuple<QString, QString, qint64>, Sum> buckets;
        const qint64 width = qint64(policy.bucketSeconds) * 1000;
        while (q->next()) {
            const QJsonObject labels = q->jsonObject(1);
            const qint64 ms = q->time(2).toMSecsSinceEpoch();
            const qint64 start = (ms >= 0 ? ms / width : (ms - width + 1) / width) * width;
            Sum &sum = buckets[{ q->text(0), Database::jsonValue(labels).toString(), start }];
            sum.labels = labels;
            sum.total += q->real(3);
            ++sum.count;
            ++report.downsampledFrom;
        }
        q = rt::Result<Query>(Query());
        if (report.downsampledFrom == 0)
            return report;
        auto removed = m_db.exec(QStringLiteral("DELETE FROM metric_samples WHERE ts < ? AND bucket_seconds < ?"),
            { m_db.timeValue(rawCutoff), policy.bucketSeconds });
        if (!removed.ok())
            return removed.error();
        for (const auto &[key, sum] : buckets) {
            auto n
                = m_db.exec(QStringLiteral("INSERT INTO metric_samples (name, labels, ts, value, bucket_seconds) VALUES (?, ?, ?, ?, ?)"),
                    { std::get<0>(key), std::get<1>(key), m_db.timeValue(QDateTime::fromMSecsSinceEpoch(std::get<2>(key), Qt::UTC)),
                        sum.total / sum.count, policy.bucketSeconds });
            if (!n.ok())
                return n.error();
            ++report.downsampledTo;
        }
        return report;
    });
}

} // namespace rt::storage
