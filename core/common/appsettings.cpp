#include "appsettings.h"

#include <QSettings>

namespace rt {

const AppSettings::Key AppSettings::OllamaHost { "ollama/host", QString() };
const AppSettings::Key AppSettings::FirstTokenTimeoutSec { "ollama/firstTokenTimeoutSec", 600 };
const AppSettings::Key AppSettings::IdleTimeoutSec { "ollama/idleTimeoutSec", 120 };
const AppSettings::Key AppSettings::ConnectTimeoutSec { "ollama/connectTimeoutSec", 10 };
const AppSettings::Key AppSettings::BusyRetries { "ollama/busyRetries", 3 };
const AppSettings::Key AppSettings::LastModel { "chat/lastModel", QString() };
const AppSettings::Key AppSettings::DefaultModel { "chat/defaultModel", QString() };
const AppSettings::Key AppSettings::Database { "storage/database", QString() };
const AppSettings::Key AppSettings::OllamaHosts { "ollama/hosts", QString() };
const AppSettings::Key AppSettings::MaxConcurrentPerHost { "ollama/maxConcurrentPerHost", 4 };
const AppSettings::Key AppSettings::Theme { "appearance/theme", QStringLiteral("system") };
const AppSettings::Key AppSettings::TranscriptFontPt { "appearance/transcriptFontPt", 0 };
const AppSettings::Key AppSettings::Language { "ui/language", QString() };
const AppSettings::Key AppSettings::WindowGeometry { "window/geometry", QByteArray() };
const AppSettings::Key AppSettings::WindowState { "window/state", QByteArray() };
const AppSettings::Key AppSettings::LastPage { "window/lastPage", QString() };
const AppSettings::Key AppSettings::MetricsPersistSec { "metrics/persistSec", 60 };
const AppSettings::Key AppSettings::MetricsRetentionDays { "metrics/retentionDays", 30 };
const AppSettings::Key AppSettings::HealthWindowSec { "metrics/healthWindowSec", 60 };
const AppSettings::Key AppSettings::HealthErrorRatePercent { "metrics/healthErrorRatePercent", 10 };
const AppSettings::Key AppSettings::HealthSlowFirstTokenSec { "metrics/healthSlowFirstTokenSec", 20 };
const AppSettings::Key AppSettings::ServerEnabled { "server/enabled", false };
const AppSettings::Key AppSettings::ServerPort { "server/port", 9477 };
const AppSettings::Key AppSettings::ServerBind { "server/bind", QStringLiteral("127.0.0.1") };
const AppSettings::Key AppSettings::ServerToken { "server/token", QString() };
const AppSettings::Key AppSettings::ServerLoopbackWithoutToken { "server/loopbackWithoutToken", false };
const AppSettings::Key AppSettings::ServerShareDebates { "server/shareDebates", true };
const AppSettings::Key AppSettings::ServerMaxViewers { "server/maxViewers", 1000 };
const AppSettings::Key AppSettings::ServerCertificate { "server/certificate", QString() };
const AppSettings::Key AppSettings::ServerKey { "server/key", QString() };

QVariant AppSettings::value(const Key &key)
{
    return QSettings().value(QLatin1String(key.name), key.defaultValue);
}

void AppSettings::setValue(const Key &key, const QVariant &value)
{
    QSettings().setValue(QLatin1String(key.name), value);
}

} // namespace rt
