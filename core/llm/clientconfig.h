#pragma once

#include "common/appsettings.h"

#include <QUrl>

namespace rt::llm {

// How patiently the client waits. Ollama sends nothing, not even headers, until
// the first token exists, and loading a large model takes minutes; closing the
// connection aborts the load. So the first-token wait is long, and a separate,
// shorter idle timer watches the stream once bytes flow.
struct ClientConfig {
    QUrl baseUrl;
    int connectTimeoutMs = 10'000;
    int firstTokenTimeoutMs = 600'000;
    int idleTimeoutMs = 120'000;
    int loadingNoticeMs = 1'500; // after this, callers are told the model is probably loading
    int busyRetries = 3; // 503 before the first token
    int retryBaseDelayMs = 500;

    static ClientConfig fromSettings(const QUrl &baseUrl)
    {
        ClientConfig config;
        config.baseUrl = baseUrl;
        config.connectTimeoutMs = rt::AppSettings::value(rt::AppSettings::ConnectTimeoutSec).toInt() * 1000;
        config.firstTokenTimeoutMs = rt::AppSettings::value(rt::AppSettings::FirstTokenTimeoutSec).toInt() * 1000;
        config.idleTimeoutMs = rt::AppSettings::value(rt::AppSettings::IdleTimeoutSec).toInt() * 1000;
        config.busyRetries = rt::AppSettings::value(rt::AppSettings::BusyRetries).toInt();
        return config;
    }
};

} // namespace rt::llm
