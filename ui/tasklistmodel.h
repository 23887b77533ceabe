#pragma once

#include "tasks/task.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QList>
#include <QPointer>

namespace rt::tasks {
class TaskManager;
}

namespace rt::ui {

// Every task the task manager knows (running, queued, paused, recent and
// interrupted ones), newest first, as a table: what, state, progress, host,
// elapsed, details. Rows follow the manager's signals one by one; the elapsed
// column is refreshed by tick().
class TaskListModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TaskListModel)
public:
    enum Column { TitleColumn, StatusColumn, ProgressColumn, HostColumn, ElapsedColumn, DetailColumn, ColumnCount };
    enum Role {
        TaskIdRole = Qt::UserRole + 1,
        ProgressRole, // double 0..1, -1 = indeterminate
        StatusRole, // int(rt::TaskStatus)
        FinishedRole, // bool
    };

    explicit TaskListModel(QObject *parent = nullptr);

    void setTaskManager(rt::tasks::TaskManager *tasks);
    // Finished tasks (succeeded, failed, cancelled) listed too; interrupted
    // ones always are, they can be resumed.
    void setShowFinished(bool show);
    bool showsFinished() const { return m_showFinished; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const rt::tasks::TaskInfo *taskAt(int row) const;
    int rowOf(qint64 id) const;
    int activeCount() const; // queued, running or paused here or elsewhere

    // Repaints the elapsed time of running tasks (call every second while shown).
    void tick();

    // "Running", "Interrupted", … as the panel shows a status.
    static QString statusText(rt::TaskStatus status);
    // "4 s", "2 min 05 s", "1 h 03 min".
    static QString durationText(qint64 seconds);
    // How long it ran (or has been running), in seconds; -1 when it never started.
    static qint64 elapsedSeconds(const rt::tasks::TaskInfo &task, const QDateTime &now);

private:
    bool accepts(const rt::tasks::TaskInfo &task) const;
    void reset();
    void onChanged(const rt::tasks::TaskInfo &task);
    void onRemoved(qint64 id);
    QString kindText(const QString &kind) const;

    QPointer<rt::tasks::TaskManager> m_tasks;
    QList<rt::tasks::TaskInfo> m_rows; // newest first
    bool m_showFinished = true;
};

} // namespace rt::ui
