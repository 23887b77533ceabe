#pragma once

#include <QString>
#include <QVariant>

namespace rt {

// Every persistent setting with its default, in one place. Backed by QSettings
// (organisation "Roundtable", application "roundtable"); tests point QSettings
// at a temporary directory with QStandardPaths::setTestModeEnabled(true).
class AppSettings final {
public:
    struct Key {
        const char *name;
        QVariant defaultValue;
    };

    static const Key OllamaHost; // empty = use $OLLAMA_HOST or the default
    static const Key FirstTokenTimeoutSec; // generous: loading a big model takes minutes
    static const Key IdleTimeoutSec; // silence after the first byte = stalled
    static const Key ConnectTimeoutSec;
    static const Key BusyRetries; // 503 "server busy" retries before the first token
    static const Key LastModel;
    static const Key DefaultModel; // for agents without a model; empty = the last model used
    static const Key Database; // empty = default SQLite file
    static const Key OllamaHosts; // JSON list of {name,url,max_concurrent}; empty = OllamaHost alone
    static const Key MaxConcurrentPerHost; // default request limit of a host
    // The window
    static const Key Theme; // "system", "light" or "dark"
    static const Key TranscriptFontPt; // chat and debate text size in points; 0 = the system font
    static const Key Language; // "" = the system's; "en", "de" or "fr" (rt::i18n), for the window
    static const Key WindowGeometry; // QWidget::saveGeometry()
    static const Key WindowState; // QMainWindow::saveState()
    static const Key LastPage; // the page shown when the window closed
    // Metrics and the local server
    static const Key MetricsPersistSec; // how often samples are written to metric_samples
    static const Key MetricsRetentionDays; // samples older than this are deleted
    static const Key HealthWindowSec; // error rate and latency of a host look this far back
    static const Key HealthErrorRatePercent; // failed requests in the window that make a host degraded
    static const Key HealthSlowFirstTokenSec; // p95 time to first token that makes a host degraded
    static const Key ServerEnabled; // the window starts the local server
    static const Key ServerPort;
    static const Key ServerBind; // address to listen on; loopback unless the user picks another
    static const Key ServerToken; // bearer token for /metrics; generated on first use
    static const Key ServerLoopbackWithoutToken; // allow /metrics from this machine without the token
    static const Key ServerShareDebates; // remote viewers see the debates (chats only when shared one by one)
    static const Key ServerMaxViewers;
    static const Key ServerCertificate; // PEM file: serve https and wss when set with ServerKey
    static const Key ServerKey; // PEM file of the private key

    static QVariant value(const Key &key);
    static void setValue(const Key &key, const QVariant &value);

    static QString ollamaHost() { return value(OllamaHost).toString(); }
    static QString lastModel() { return value(LastModel).toString(); }
};

} // namespace rt
