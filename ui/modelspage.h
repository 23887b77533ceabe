#pragma once

#include "common/result.h"
#include "hostlistmodel.h"
#include "llm/modelcatalog.h"

#include <QHash>
#include <QTimer>
#include <QWidget>
#include <functional>

class QComboBox;
class QLabel;
class QPushButton;
class QSplitter;
class QTabWidget;
class QTableView;
class QTextBrowser;

namespace rt::llm {
class EndpointPool;
struct HostConfig;
} // namespace rt::llm

namespace rt::ui {

class ModelListModel;
class PullDialog;
class Workspace;

// The Models page: the Ollama hosts (state, version, latency, models; add,
// edit, remove, saved like `roundtable hosts`) and the models of every host
// (family, parameters, quantisation, size, context, capabilities, loaded now
// from /api/ps) with details from /api/show, delete, and pulls (PullDialog,
// a panel at the right; pulls run as tasks and outlive it).
//
// While the page is visible every host is probed (/api/version, timed for the
// latency) each health interval of the pool; a host that does not answer is
// reported to the pool, whose breaker takes it out of rotation at once.
class ModelsPage final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ModelsPage)
public:
    enum class Tab { Models, Hosts };

    ModelsPage(rt::llm::EndpointPool *pool, rt::llm::ModelCatalog *catalog, Workspace *workspace, QWidget *parent = nullptr);
    ~ModelsPage() override;

    // Every host answered a probe or failed one, and the lists are in.
    bool isLoaded() const;
    void showTab(Tab tab);
    Tab currentTab() const;

    HostListModel *hostModel() const { return m_hostModel; }
    QTableView *hostView() const { return m_hostView; }
    ModelListModel *modelModel() const { return m_modelModel; }
    QTableView *modelView() const { return m_modelView; }
    QComboBox *hostFilter() const { return m_hostFilter; }
    QTextBrowser *detailsView() const { return m_details; }
    QPushButton *deleteButton() const { return m_delete; }
    PullDialog *pullDialog() const { return m_pull; }
    bool isPullOpen() const;

    // Selects a model (on host, or its first host) and loads its details.
    bool selectModel(const QString &name, const QString &host = {});
    bool selectFirstModel();
    // The model whose /api/show details are shown (empty: none yet).
    QString detailsModel() const { return m_detailsLoaded ? m_detailsName : QString(); }
    QString detailsHost() const { return m_detailsHost; }
    bool detailsLoaded() const { return m_detailsLoaded; }

    // Host settings, as `roundtable hosts add|rm` keep them (saved to the
    // settings file the window and the command line share). The first host
    // is the window's own connection: its URL and limit may change, it
    // cannot be renamed or removed.
    rt::Status addHost(const rt::llm::HostConfig &host);
    rt::Status updateHost(const QString &name, const rt::llm::HostConfig &host);
    rt::Status removeHost(const QString &name);

    // Tests answer "Delete model X?" / "Remove host X?" instead of a person.
    void setConfirmAnswer(std::function<bool(const QString &question)> answer) { m_confirmAnswer = std::move(answer); }
    // The last result of a delete or host change, in words (empty: none).
    QString statusMessage() const;

public slots:
    // Opens the pull panel, pre-filled with model (and host) when given.
    void openPull(const QString &model = {}, const QString &host = {});
    void closePull();
    // Probes every host and reloads the model lists and what is loaded.
    void refresh();
    void deleteSelectedModel();
    void addHostInteractively();
    void editSelectedHost();
    void removeSelectedHost();

signals:
    // A host or model list changed (tests, the window's title bar counts).
    void hostsChanged();
    void modelsListed();

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    struct Probe {
        bool probed = false;
        bool failed = false;
        QString error;
        qint64 latencyMs = -1;
        QString version;
        bool runningKnown = false;
        QList<rt::llm::RunningModel> running;
    };

    QWidget *buildModelsTab();
    QWidget *buildHostsTab();
    void checkHost(const QString &host);
    void rebuildHosts();
    void rebuildModels();
    void rebuildHostFilter();
    void onModelSelected();
    void showDetails(const rt::llm::ModelDetails &details);
    void showDetailsError(const QString &message);
    QString selectedHost() const;
    void saveHosts() const;
    void confirm(const QString &title, const QString &question, const QString &action, std::function<void()> yes);
    void setStatus(const QString &text, bool error);
    void openHostEditor(const std::optional<rt::llm::HostConfig> &existing);
    int checkIntervalMs() const;

    rt::llm::EndpointPool *m_pool;
    rt::llm::ModelCatalog *m_catalog;
    Workspace *m_workspace;
    QTabWidget *m_tabs;
    HostListModel *m_hostModel;
    QTableView *m_hostView;
    QPushButton *m_editHost;
    QPushButton *m_removeHost;
    ModelListModel *m_modelModel;
    QTableView *m_modelView;
    QComboBox *m_hostFilter;
    QLabel *m_hostFilterLabel;
    QLabel *m_hostProblems;
    QSplitter *m_split;
    QLabel *m_emptyModels;
    QTextBrowser *m_details;
    QPushButton *m_delete;
    QLabel *m_status;
    PullDialog *m_pull;
    QTimer m_checkTimer;
    QHash<QString, Probe> m_probes;
    QHash<QString, quint64> m_probeSeq;
    QString m_detailsName;
    QString m_detailsHost;
    quint64 m_detailsRequest = 0;
    bool m_detailsLoaded = false;
    bool m_rebuilding = false;
    std::function<bool(const QString &)> m_confirmAnswer;
};

} // namespace rt::ui
