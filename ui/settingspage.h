#pragma once

#include "storage/connectioncheck.h"

#include <QFutureWatcher>
#include <QWidget>
#include <functional>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace rt::llm {
class EndpointPool;
class ModelCatalog;
} // namespace rt::llm

namespace rt::server {
class MetricsService;
}

namespace rt::ui {

class QrCodeWidget;

class Workspace;

// Settings, saved with QSettings (AppSettings) as they change: hosts (a
// summary; they are edited on the Models page), the default model, the
// database (a SQLite file or a PostgreSQL URL, tested before it is saved,
// used from the next start) with a backup, the theme (applied at once), the
// transcript font size and the language. What --db, $ROUNDTABLE_DB or
// --ollama-host override for this run is said next to the setting.
class SettingsPage final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsPage)
public:
    SettingsPage(Workspace *workspace, rt::llm::EndpointPool *pool, rt::llm::ModelCatalog *catalog, QWidget *parent = nullptr);

    // What the command line or the environment decides for this run.
    struct Overrides {
        QString database; // --db value
        QString ollamaHost; // --ollama-host value
        QString theme; // --theme value
    };
    void setOverrides(const Overrides &overrides);
    // The window's metrics and local server: the Local Server section starts
    // and stops it, and starts it now when the settings say it is on.
    void setMetricsService(rt::server::MetricsService *service);

    // Tests choose files instead of a person (backup target, database file).
    void setSaveFileHook(std::function<QString(const QString &suggested)> hook) { m_saveFileHook = std::move(hook); }
    void setOpenFileHook(std::function<QString()> hook) { m_openFileHook = std::move(hook); }

    QLineEdit *databaseEdit() const { return m_database; }
    QPushButton *testButton() const { return m_test; }
    QPushButton *useDatabaseButton() const { return m_useDatabase; }
    QLabel *databaseResult() const { return m_databaseResult; }
    QLabel *databaseNow() const { return m_databaseNow; }
    QPushButton *backupButton() const { return m_backup; }
    QLabel *backupResult() const { return m_backupResult; }
    QComboBox *themeCombo() const { return m_theme; }
    QSpinBox *fontSizeSpin() const { return m_fontSize; }
    QComboBox *languageCombo() const { return m_language; }
    QPushButton *languageRestartButton() const { return m_languageRestart; }
    QComboBox *defaultModelCombo() const { return m_defaultModel; }
    QLabel *hostsSummary() const { return m_hosts; }
    QCheckBox *serverCheck() const { return m_serverEnabled; }
    QSpinBox *serverPortSpin() const { return m_serverPort; }
    QComboBox *serverBindCombo() const { return m_serverBind; }
    QLineEdit *serverTokenEdit() const { return m_serverToken; }
    QCheckBox *serverLoopbackCheck() const { return m_serverLoopback; }
    QLabel *serverStatus() const { return m_serverStatus; }
    QLineEdit *viewerLinkEdit() const { return m_viewerLink; }
    QrCodeWidget *viewerQr() const { return m_viewerQr; }
    QCheckBox *shareDebatesCheck() const { return m_shareDebates; }
    QSpinBox *errorRateSpin() const { return m_errorRate; }
    QSpinBox *healthWindowSpin() const { return m_healthWindow; }
    bool isTesting() const { return m_testWatcher.isRunning(); }

public slots:
    void testConnection();
    void useDatabase();
    void backupNow();

signals:
    void manageHostsRequested();
    void restartRequested();

protected:
    void showEvent(QShowEvent *event) override;

private:
    QWidget *buildHosts();
    QWidget *buildDatabase();
    QWidget *buildAppearance();
    void showLanguageNote();
    QWidget *buildServer();
    QWidget *buildMetrics();
    void applyMetricsSettings(); // thresholds and persistence into the running sampler
    void applyServer(); // starts, restarts or stops the server as the settings now say
    void showViewerLink(const QUrl &url);
    void showServerStatus(const QString &text, bool error);
    void updateHosts();
    void updateModels();
    void updateDatabaseNow();
    void showDatabaseResult(const QString &text, bool error);

    Workspace *m_workspace;
    rt::llm::EndpointPool *m_pool;
    rt::llm::ModelCatalog *m_catalog;
    Overrides m_overrides;
    QLabel *m_hosts = nullptr;
    QLabel *m_hostsOverride = nullptr;
    QComboBox *m_defaultModel = nullptr;
    QLabel *m_databaseNow = nullptr;
    QLabel *m_databaseOverride = nullptr;
    QLineEdit *m_database = nullptr;
    QPushButton *m_browse = nullptr;
    QPushButton *m_test = nullptr;
    QPushButton *m_useDatabase = nullptr;
    QPushButton *m_restart = nullptr;
    QLabel *m_databaseResult = nullptr;
    QPushButton *m_backup = nullptr;
    QLabel *m_backupResult = nullptr;
    QComboBox *m_theme = nullptr;
    QLabel *m_themeOverride = nullptr;
    QSpinBox *m_fontSize = nullptr;
    QComboBox *m_language = nullptr;
    QLabel *m_languageNote = nullptr;
    QPushButton *m_languageRestart = nullptr;
    rt::server::MetricsService *m_metrics = nullptr;
    QCheckBox *m_serverEnabled = nullptr;
    QSpinBox *m_serverPort = nullptr;
    QComboBox *m_serverBind = nullptr;
    QLineEdit *m_serverToken = nullptr;
    QPushButton *m_copyToken = nullptr;
    QPushButton *m_newToken = nullptr;
    QPushButton *m_copyScrape = nullptr;
    QCheckBox *m_serverLoopback = nullptr;
    QLabel *m_serverStatus = nullptr;
    QCheckBox *m_shareDebates = nullptr;
    QSpinBox *m_maxViewers = nullptr;
    QLineEdit *m_viewerLink = nullptr;
    QPushButton *m_copyViewerLink = nullptr;
    QrCodeWidget *m_viewerQr = nullptr;
    QLineEdit *m_tlsCert = nullptr;
    QLineEdit *m_tlsKey = nullptr;
    QSpinBox *m_errorRate = nullptr;
    QSpinBox *m_slowFirstToken = nullptr;
    QSpinBox *m_healthWindow = nullptr;
    QSpinBox *m_persistEvery = nullptr;
    QSpinBox *m_retention = nullptr;
    quint64 m_serverGeneration = 0; // late answers of an earlier start are ignored
    QFutureWatcher<rt::Result<rt::storage::ConnectionCheck>> m_testWatcher;
    QString m_tested; // the text that passed Test Connection
    std::function<QString(const QString &)> m_saveFileHook;
    std::function<QString()> m_openFileHook;
};

} // namespace rt::ui
