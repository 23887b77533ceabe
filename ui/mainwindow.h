#pragma once

#include "connectionmonitor.h"

#include <QList>
#include <QMainWindow>
#include <QUrl>
#include <functional>

class QAction;
class QCloseEvent;
class QFrame;
class QLabel;
class QListWidget;
class QStackedWidget;

namespace rt::llm {
class EndpointPool;
class ModelCatalog;
class OllamaClient;
struct HostConfig;
} // namespace rt::llm

namespace rt::server {
class MetricsService;
}

namespace rt::ui {

class AgentsPage;
class ChatPage;
class DebatesPage;
class DemoServer;
class HistoryPage;
class MetricsPage;
class ModelsPage;
class TaskIndicator;
class TasksPage;
class SettingsPage;
class OfflinePanel;
class Workspace;

// The main window: navigation on the left, one page at a time on the right,
// the Ollama host and its state in the status bar. Pages that need Ollama are
// covered by the offline panel while no server answers.
class MainWindow final : public QMainWindow {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)
public:
    enum class Needs { Nothing, Ollama };

    // hosts: the configured Ollama hosts (the first one is watched for the
    // offline panel and lists the models); every chat goes through the pool.
    // dbArgument: --db (empty: $ROUNDTABLE_DB, the settings, the default file).
    explicit MainWindow(const QList<rt::llm::HostConfig> &hosts, const QString &dbArgument = {}, QWidget *parent = nullptr);
    explicit MainWindow(const QUrl &host, const QString &dbArgument = {}, QWidget *parent = nullptr); // one host
    ~MainWindow() override;

    // Adds a page to the navigation; returns its index. One line per page.
    int addPage(const QString &title, const QIcon &icon, QWidget *page, Needs needs = Needs::Ollama);

    rt::llm::OllamaClient *client() const { return m_client; }
    rt::llm::EndpointPool *pool() const { return m_pool; }
    ConnectionMonitor *connectionMonitor() const { return m_monitor; }
    Workspace *workspace() const { return m_workspace; }
    // The metrics of this window (fed by the pool, storage and tasks) and its local server.
    rt::server::MetricsService *metrics() const { return m_metrics; }
    DemoServer *demoServer() const { return m_demo; }
    ChatPage *chatPage() const { return m_chat; }
    DebatesPage *debatesPage() const { return m_debates; }
    rt::llm::ModelCatalog *modelCatalog() const { return m_catalog; }
    ModelsPage *modelsPage() const { return m_models; }
    HistoryPage *historyPage() const { return m_history; }
    AgentsPage *agentsPage() const { return m_agentsPage; }
    TasksPage *tasksPage() const { return m_tasksPage; }
    MetricsPage *metricsPage() const { return m_metricsPage; }
    SettingsPage *settingsPage() const { return m_settingsPage; }
    TaskIndicator *taskIndicator() const { return m_tasks; }
    int pageIndex(QWidget *page) const;

    // Closing while debates run asks whether to stop them or keep them
    // resumable. Tests answer instead of a person.
    enum class CloseChoice { Stop, KeepResumable, Cancel };
    void setCloseAnswer(std::function<CloseChoice()> answer) { m_closeAnswer = std::move(answer); }
    OfflinePanel *offlinePanel() const { return m_offline; }
    bool isDemo() const { return m_demoActive; }
    bool isShowingOfflinePanel() const;
    QUrl configuredHost() const { return m_configuredHost; }
    QString statusText() const;
    // Start-up is over: the host answered (and models are listed) or did not.
    bool isSettled() const;

public slots:
    void showPage(int index);
    // Closes the window and starts Roundtable again with the same options.
    void restart();
    void startDemo();
    void leaveDemo();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void closeAfter(CloseChoice choice);
    void restoreWindowState();
    void saveWindowState();
    void buildSidebar(QFrame *sidebar);
    void buildDemoBanner();
    void buildActions();
    void onConnectionStateChanged(ConnectionMonitor::State state);
    void switchHost(const QUrl &host);
    void updateContent();
    void updateStatus();
    void updateTitle();

    QUrl m_configuredHost;
    rt::llm::EndpointPool *m_pool;
    QString m_primaryHost; // pool name of the first host
    rt::llm::OllamaClient *m_client; // owned by the pool
    ConnectionMonitor *m_monitor;
    Workspace *m_workspace;
    DemoServer *m_demo;
    QListWidget *m_nav = nullptr;
    QStackedWidget *m_content = nullptr; // the pages, or the offline panel over them
    QStackedWidget *m_pages = nullptr;
    QList<Needs> m_pageNeeds;
    OfflinePanel *m_offline = nullptr;
    ChatPage *m_chat = nullptr;
    DebatesPage *m_debates = nullptr;
    ModelsPage *m_models = nullptr;
    HistoryPage *m_history = nullptr;
    AgentsPage *m_agentsPage = nullptr;
    TasksPage *m_tasksPage = nullptr;
    MetricsPage *m_metricsPage = nullptr;
    SettingsPage *m_settingsPage = nullptr;
    QStringList m_restartArguments;
    bool m_restartPending = false;
    rt::llm::ModelCatalog *m_catalog = nullptr;
    rt::server::MetricsService *m_metrics = nullptr;
    TaskIndicator *m_tasks = nullptr;
    std::function<CloseChoice()> m_closeAnswer;
    bool m_closing = false; // stopping debates, then closing
    QFrame *m_demoBanner = nullptr;
    QLabel *m_statusDot = nullptr;
    QLabel *m_statusText = nullptr;
    QLabel *m_modelCount = nullptr;
    QAction *m_stopAction = nullptr;
    QString m_demoMessage;
    bool m_demoActive = false;
    bool m_modelsRequested = false;
};

} // namespace rt::ui
