#include "hostconfig.h"

#include "common/appsettings.h"
#include "common/logging.h"
#include "common/translate.h"
#include "ollamahost.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

namespace rt::llm {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::llm)
};
} // namespace

// ---------------------------------------------------------------- HostConfig

QJsonObject HostConfig::toJson() const
{
    return { { QStringLiteral("name"), name }, { QStringLiteral("url"), url.toString(QUrl::StripTrailingSlash) },
        { QStringLiteral("max_concurrent"), maxConcurrent } };
}

rt::Result<HostConfig> HostConfig::fromJson(const QJsonObject &object)
{
    HostConfig config;
    config.name = object.value(QStringLiteral("name")).toString().trimmed();
    config.url = parseOllamaHost(object.value(QStringLiteral("url")).toString());
    config.maxConcurrent
        = object.value(QStringLiteral("max_concurrent")).toInt(AppSettings::value(AppSettings::MaxConcurrentPerHost).toInt());
    if (config.name.isEmpty())
        return Error { QStringLiteral("invalid"), Tr::tr("An Ollama host in the settings has no name; give every host a name.") };
    if (!config.url.isValid())
        return Error { QStringLiteral("invalid"),
            Tr::tr("The Ollama host “%1” has an invalid URL; use a form like http://127.0.0.1:11434.").arg(config.name) };
    config.maxConcurrent = qBound(1, config.maxConcurrent, MaxConcurrentLimit);
    return config;
}

QList<HostConfig> HostConfig::fromSettings(const QString &commandLineUrl)
{
    QList<HostConfig> hosts;
    if (commandLineUrl.isEmpty()) {
        const QJsonArray saved = QJsonDocument::fromJson(AppSettings::value(AppSettings::OllamaHosts).toString().toUtf8()).array();
        for (const QJsonValue &value : saved) {
            auto host = fromJson(value.toObject());
            if (!host) {
                qCWarning(lcLlm).noquote() << host.error().message;
                continue;
            }
            bool duplicate = false;
            for (const HostConfig &h : std::as_const(hosts))
                duplicate = duplicate || h.name.compare(host->name, Qt::CaseInsensitive) == 0;
            if (!duplicate)
                hosts.append(host.value());
        }
    }
    if (hosts.isEmpty()) {
        HostConfig local;
        local.name = QStringLiteral("local");
        local.url = resolveOllamaHost(commandLineUrl);
        local.maxConcurrent = qBound(1, AppSettings::value(AppSettings::MaxConcurrentPerHost).toInt(), MaxConcurrentLimit);
        hosts.append(local);
    }
    return hosts;
}

void HostConfig::saveToSettings(const QList<HostConfig> &hosts)
{
    QJsonArray array;
    for (const HostConfig &h : hosts)
        array.append(h.toJson());
    AppSettings::setValue(AppSettings::OllamaHosts, QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact)));
}

QString hostStateName(HostState state)
{
    switch (state) {
    case HostState::Online:
        return QStringLiteral("online");
    case HostState::Offline:
        return QStringLiteral("offline");
    case HostState::Probing:
        return QStringLiteral("probing");
    }
    return {};
}

} // namespace rt::llm
