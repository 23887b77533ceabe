#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace rt::metrics {

enum class HealthStatus { Healthy, Degraded, Down };
QString toString(HealthStatus status); // "healthy", "degraded", "down"

// When a host counts as degraded; from the settings (AppSettings::Health*).
struct HealthThresholds {
    int windowSeconds = 60; // error rate and latency look this far back
    double errorRate = 0.10; // failed / requests in the window, at least minRequests
    int minRequests = 3;
    double slowFirstTokenSeconds = 20.0; // p95 time to first token in the window
    static HealthThresholds fromSettings();
};

struct HostHealth {
    QString host;
    HealthStatus status = HealthStatus::Healthy;
    QStringList reasons; // in words: "b: 40% of requests failed in the last minute"
    bool up = true;
    int breaker = 0; // 0 closed, 1 open, 2 probing
    double requests = 0; // in the window
    double failures = 0;
    double errorRate = 0; // 0..1
    double firstTokenP95Seconds = -1; // -1: no first token in the window
    QString version;
    QJsonObject toJson() const;
};

// What /health answers and the dashboard's badges show.
struct HealthReport {
    HealthStatus status = HealthStatus::Down;
    QString summary; // one sentence
    QList<HostHealth> hosts;
    qint64 uptimeSeconds = 0;
    double requests = 0; // since start
    double failures = 0;
    double averageResponseMs = 0;
    double errorRate = 0; // since start
    double connections = 0; // requests in flight now
    double connectionsPeak = 0;
    double viewers = 0;
    double viewersPeak = 0;
    QString version; // Roundtable's
    QJsonObject toJson() const;
};

} // namespace rt::metrics
