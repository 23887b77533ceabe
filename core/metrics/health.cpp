#include "health.h"

#include "common/appsettings.h"

#include <QJsonArray>

namespace rt::metrics {

QString toString(HealthStatus status)
{
    switch (status) {
    case HealthStatus::Healthy:
        return QStringLiteral("healthy");
    case HealthStatus::Degraded:
        return QStringLiteral("degraded");
    case HealthStatus::Down:
        return QStringLiteral("down");
    }
    return {};
}

HealthThresholds HealthThresholds::fromSettings()
{
    HealthThresholds t;
    t.windowSeconds = qMax(5, AppSettings::value(AppSettings::HealthWindowSec).toInt());
    t.errorRate = qBound(1, AppSettings::value(AppSettings::HealthErrorRatePercent).toInt(), 100) / 100.0;
    t.slowFirstTokenSeconds = qMax(0.1, AppSettings::value(AppSettings::HealthSlowFirstTokenSec).toDouble());
    return t;
}

namespace {
double rounded(double value, int decimals)
{
    double scale = 1;
    for (int i = 0; i < decimals; ++i)
        scale *= 10;
    return double(qRound64(value * scale)) / scale;
}
} // namespace

QJsonObject HostHealth::toJson() const
{
    QJsonObject o {
        { QStringLiteral("host"), host },
        { QStringLiteral("status"), toString(status) },
        { QStringLiteral("reasons"), QJsonArray::fromStringList(reasons) },
        { QStringLiteral("up"), up },
        { QStringLiteral("breaker"),
            breaker == 0       ? QStringLiteral("closed")
                : breaker == 1 ? QStringLiteral("open")
                               : QStringLiteral("probing") },
        { QStringLiteral("requests"), requests },
        { QStringLiteral("failures"), failures },
        { QStringLiteral("error_rate"), rounded(errorRate, 4) },
    };
    if (firstTokenP95Seconds >= 0)
        o.insert(QStringLiteral("first_token_p95_ms"), rounded(firstTokenP95Seconds * 1000.0, 1));
    if (!version.isEmpty())
        o.insert(QStringLiteral("version"), version);
    return o;
}

QJsonObject HealthReport::toJson() const
{
    QJsonArray hostList;
    for (const HostHealth &h : hosts)
        hostList.append(h.toJson());
    return {
        { QStringLiteral("status"), toString(status) },
        { QStringLiteral("summary"), summary },
        { QStringLiteral("version"), version },
        { QStringLiteral("uptime_seconds"), double(uptimeSeconds) },
        { QStringLiteral("requests"), requests },
        { QStringLiteral("failures"), failures },
        { QStringLiteral("average_response_ms"), rounded(averageResponseMs, 1) },
        { QStringLiteral("error_rate"), rounded(errorRate, 4) },
        { QStringLiteral("connections"),
            QJsonObject { { QStringLiteral("current"), connections }, { QStringLiteral("peak"), connectionsPeak } } },
        { QStringLiteral("viewers"), QJsonObject { { QStringLiteral("current"), viewers }, { QStringLiteral("peak"), viewersPeak } } },
        { QStringLiteral("hosts"), hostList },
    };
}

} // namespace rt::metrics
