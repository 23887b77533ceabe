#pragma once

#include "tasks/task.h"

#include <QHash>
#include <QTimer>
#include <QWidget>
#include <functional>

class QCheckBox;
class QLabel;
class QPushButton;
class QTreeView;

namespace rt::ui {

class TaskListModel;
class Workspace;

// Every running and recent task (debates, model pulls): kind and title,
// state, progress, host, elapsed time and details, with Cancel, Pause,
// Resume (interrupted or failed ones) and Open (the debate, the model). A
// failed task shows its error in words below the list.
class TasksPage final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TasksPage)
public:
    explicit TasksPage(Workspace *workspace, QWidget *parent = nullptr);

    bool isLoaded() const { return m_loaded; }
    TaskListModel *model() const { return m_model; }
    QTreeView *view() const { return m_view; }
    QPushButton *cancelButton() const { return m_cancel; }
    QPushButton *resumeButton() const { return m_resume; }
    QPushButton *pauseButton() const { return m_pause; }
    QPushButton *openButton() const { return m_open; }
    QPushButton *clearFinishedButton() const { return m_clear; }
    QLabel *detailLabel() const { return m_detail; }

    // How a kind resumes when it needs more than TaskManager::resume (a
    // debate reopens its live view); the default resumes in the manager.
    void setResumeHandler(const QString &kind, std::function<void(const rt::tasks::TaskInfo &)> handler);

    // Selects the task's row; false when it is not listed.
    bool selectTask(qint64 id);
    std::optional<rt::tasks::TaskInfo> selectedTask() const;

public slots:
    void cancelSelected();
    void pauseSelected();
    void resumeSelected();
    void openSelected();

signals:
    // Open: show what the task works on (the debate, the model).
    void openRequested(const rt::tasks::TaskInfo &task);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void onReady();
    void updateActions();
    void showError(const QString &message);

    Workspace *m_workspace;
    TaskListModel *m_model;
    QTreeView *m_view;
    QLabel *m_summary;
    QLabel *m_empty;
    QLabel *m_detail;
    QLabel *m_error;
    QCheckBox *m_showFinished;
    QPushButton *m_cancel;
    QPushButton *m_pause;
    QPushButton *m_resume;
    QPushButton *m_open;
    QPushButton *m_clear;
    QTimer m_tick; // elapsed times, only while shown
    QHash<QString, std::function<void(const rt::tasks::TaskInfo &)>> m_resumers;
    bool m_loaded = false;
};

} // namespace rt::ui
