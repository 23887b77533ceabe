#pragma once

#include "common/result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace rt::llm {

// One configured Ollama server.
struct HostConfig {
    QString name; // "local", "gpu-box"; unique, shown to the user
    QUrl url; // http://127.0.0.1:11434
    int maxConcurrent = 4; // requests in flight at once; more wait in our queue

    static constexpr int MaxConcurrentLimit = 24;
    QJsonObject toJson() const;
    static rt::Result<HostConfig> fromJson(const QJsonObject &object);
    // The hosts saved in the settings; when none are, one host named
    // "local" at resolveOllamaHost(commandLineUrl).
    static QList<HostConfig> fromSettings(const QString &commandLineUrl = {});
    static void saveToSettings(const QList<HostConfig> &hosts);
};

// Circuit breaker state of a host.
enum class HostState {
    Online, // closed: requests flow
    Offline, // open: failing, no requests until the cool-down ends
    Probing, // half-open: one health probe decides
};
QString hostStateName(HostState state); // "online", "offline", "probing"

struct HostStatus {
    HostConfig config;
    HostState state = HostState::Online;
    int consecutiveFailures = 0;
    QString lastError; // the error that opened the breaker, for the banner
    QDateTime lastSuccess; // UTC
    QDateTime retryAt; // Offline: when the next probe runs
    QString version; // from /api/version
    int active = 0; // requests holding a slot
    int queued = 0; // requests waiting for a slot
    bool modelsKnown = false;
    QStringList models; // normalised names, when known

    bool isAvailable() const { return state == HostState::Online; }
};

} // namespace rt::llm

Q_DECLARE_METATYPE(rt::llm::HostState)
Q_DECLARE_METATYPE(rt::llm::HostStatus)
