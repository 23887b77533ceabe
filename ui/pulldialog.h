#pragma once

#include "llm/pullprogress.h"

#include <QFrame>
#include <QHash>
#include <QPointer>
#include <QSet>

class QComboBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QVBoxLayout;

namespace rt::llm {
class EndpointPool;
class ModelCatalog;
} // namespace rt::llm
namespace rt::tasks {
class TaskManager;
struct TaskInfo;
} // namespace rt::tasks

namespace rt::ui {

class Workspace;

// Pulling models: a name (typed, or picked from common models), the host, and
// every pull with its layers, percent, speed and time left. A panel inside
// the Models page rather than a separate window: it never blocks the window,
// can be closed while pulls go on, and shows the running pulls again when
// reopened (they are tasks of the workspace's task manager, so the status
// bar, `roundtable tasks` and a restart see them too). An interrupted pull
// can be resumed here; Ollama continues where the download stopped.
class PullDialog final : public QFrame {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PullDialog)
public:
    PullDialog(rt::llm::EndpointPool *pool, rt::llm::ModelCatalog *catalog, Workspace *workspace, QWidget *parent = nullptr);

    // Fills the form (the name, and the host when given).
    void prefill(const QString &model, const QString &host = {});
    QString modelName() const;
    QString hostName() const;

    QComboBox *modelEdit() const { return m_model; }
    QComboBox *hostPicker() const { return m_host; }
    QPushButton *pullButton() const { return m_pull; }
    QListWidget *suggestions() const { return m_suggestions; }
    QLabel *messageLabel() const { return m_message; }

    // The pull tasks shown (newest first) and what their row says.
    QList<qint64> shownTasks() const;
    QString rowText(qint64 taskId) const; // title, status and layers
    int rowPercent(qint64 taskId) const; // -1: unknown
    QPushButton *rowButton(qint64 taskId) const; // Cancel, Resume or Pull Again
    // The common models offered (name, what it is).
    static QList<QPair<QString, QString>> commonModels();

public slots:
    // Starts a pull of the typed model on the chosen host (or resumes an
    // interrupted pull of it, or points at the one already running).
    bool startPull();
    void refreshHosts();

signals:
    void closeRequested();
    // A task was submitted or resumed here.
    void pullStarted(qint64 taskId);

private:
    struct Row {
        QFrame *frame = nullptr;
        QLabel *title = nullptr;
        QLabel *status = nullptr;
        QLabel *layers = nullptr;
        QProgressBar *bar = nullptr;
        QPushButton *action = nullptr;
        QPushButton *dismiss = nullptr;
        bool jobConnected = false;
        int percent = -1;
    };

    void attach(rt::tasks::TaskManager *tasks);
    void onTask(const rt::tasks::TaskInfo &task);
    Row &rowFor(const rt::tasks::TaskInfo &task);
    void updateRow(Row &row, const rt::tasks::TaskInfo &task);
    void onProgress(qint64 id, const rt::llm::PullProgress &progress);
    void removeRow(qint64 id);
    void updateEmpty();
    void say(const QString &text, bool error);
    rt::tasks::TaskManager *tasks() const;

    rt::llm::EndpointPool *m_pool;
    rt::llm::ModelCatalog *m_catalog;
    QPointer<Workspace> m_workspace;
    QComboBox *m_model;
    QComboBox *m_host;
    QPushButton *m_pull;
    QListWidget *m_suggestions;
    QLabel *m_message;
    QLabel *m_empty;
    QVBoxLayout *m_rows;
    QHash<qint64, Row> m_rowById;
    QList<qint64> m_order; // newest first
    QSet<qint64> m_dismissed;
};

} // namespace rt::ui
