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
    static const Key Language; // "" = the system's; "en", … (translations arrive with packaging)
    static const Key WindowGeometry; // QWidget::saveGeometry()
    static const Key WindowState; // QMainWindow::saveState()
    static const Key LastPage; // the page shown when the window closed

    static QVariant value(const Key &key);
    static void setValue(const Key &key, const QVariant &value);

    static QString ollamaHost() { return value(OllamaHost).toString(); }
    static QString lastModel() { return value(LastModel).toString(); }
};

} // namespace rt
