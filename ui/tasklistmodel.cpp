#include "tasklistmodel.h"

#include "tasks/taskmanager.h"
#include "theme.h"

#include <QBrush>
#include <algorithm>

namespace rt::ui {

using rt::TaskStatus;
using rt::tasks::TaskInfo;

TaskListModel::TaskListModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void TaskListModel::setTaskManager(rt::tasks::TaskManager *tasks)
{
    if (m_tasks)
        m_tasks->disconnect(this);
    m_tasks = tasks;
    if (tasks) {
        connect(tasks, &rt::tasks::TaskManager::taskAdded, this, &TaskListModel::onChanged);
        connect(tasks, &rt::tasks::TaskManager::taskChanged, this, &TaskListModel::onChanged);
        connect(tasks, &rt::tasks::TaskManager::taskFinished, this, &TaskListModel::onChanged);
        connect(tasks, &rt::tasks::TaskManager::taskRemoved, this, &TaskListModel::onRemoved);
    }
    reset();
}

void TaskListModel::setShowFinished(bool show)
{
    if (m_showFinished == show)
        return;
    m_showFinished = show;
    reset();
}

bool TaskListModel::accepts(const TaskInfo &task) const
{
    if (m_showFinished)
        return true;
    return !task.isFinished() || task.status == TaskStatus::Interrupted;
}

void TaskListModel::reset()
{
    beginResetModel();
    m_rows.clear();
    if (m_tasks) {
        for (const TaskInfo &task : m_tasks->tasks()) {
            if (accepts(task))
                m_rows.append(task);
        }
        std::stable_sort(m_rows.begin(), m_rows.end(), [](const TaskInfo &a, const TaskInfo &b) { return a.id > b.id; });
    }
    endResetModel();
}

void TaskListModel::onChanged(const TaskInfo &task)
{
    const int row = rowOf(task.id);
    if (row >= 0) {
        if (!accepts(task)) {
            beginRemoveRows({}, row, row);
            m_rows.removeAt(row);
            endRemoveRows();
            return;
        }
        m_rows[row] = task;
        emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return;
    }
    if (!accepts(task))
        return;
    // Newest first: before the first row with a smaller id.
    const auto at = std::find_if(m_rows.cbegin(), m_rows.cend(), [&](const TaskInfo &other) { return other.id < task.id; });
    const int position = int(at - m_rows.cbegin());
    beginInsertRows({}, position, position);
    m_rows.insert(position, task);
    endInsertRows();
}

void TaskListModel::onRemoved(qint64 id)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    endRemoveRows();
}

int TaskListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TaskListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const TaskInfo *TaskListModel::taskAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows.at(row) : nullptr;
}

int TaskListModel::rowOf(qint64 id) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).id == id)
            return i;
    }
    return -1;
}

int TaskListModel::activeCount() const
{
    return int(std::count_if(m_rows.cbegin(), m_rows.cend(), [](const TaskInfo &task) { return !task.isFinished(); }));
}

void TaskListModel::tick()
{
    for (int row = 0; row < m_rows.size(); ++row) {
        const TaskStatus status = m_rows.at(row).status;
        if (status == TaskStatus::Running || status == TaskStatus::Paused)
            emit dataChanged(index(row, ElapsedColumn), index(row, ElapsedColumn), { Qt::DisplayRole });
    }
}

QString TaskListModel::statusText(TaskStatus status)
{
    switch (status) {
    case TaskStatus::Queued:
        return tr("Queued");
    case TaskStatus::Running:
        return tr("Running");
    case TaskStatus::Paused:
        return tr("Paused");
    case TaskStatus::Succeeded:
        return tr("Done");
    case TaskStatus::Failed:
        return tr("Failed");
    case TaskStatus::Cancelled:
        return tr("Cancelled");
    case TaskStatus::Interrupted:
        return tr("Interrupted");
    }
    return {};
}

QString TaskListModel::durationText(qint64 seconds)
{
    if (seconds < 60)
        return tr("%1 s").arg(seconds);
    if (seconds < 3600)
        return tr("%1 min %2 s").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
    return tr("%1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60, 2, 10, QLatin1Char('0'));
}

qint64 TaskListModel::elapsedSeconds(const TaskInfo &task, const QDateTime &now)
{
    if (!task.startedAt.isValid())
        return -1;
    const bool active = task.status == TaskStatus::Running || task.status == TaskStatus::Paused;
    QDateTime end = active ? now : task.finishedAt;
    if (!end.isValid())
        end = task.updatedAt;
    return end.isValid() ? std::max<qint64>(0, task.startedAt.secsTo(end)) : -1;
}

QString TaskListModel::kindText(const QString &kind) const
{
    if (kind == u"debate")
        return tr("Debate");
    if (kind == u"pull")
        return tr("Model pull");
    return kind;
}

QVariant TaskListModel::data(const QModelIndex &index, int role) const
{
    const TaskInfo *task = index.isValid() ? taskAt(index.row()) : nullptr;
    if (!task)
        return {};
    switch (role) {
    case TaskIdRole:
        return task->id;
    case ProgressRole:
        return task->progress;
    case StatusRole:
        return int(task->status);
    case FinishedRole:
        return task->isFinished();
    case Qt::ToolTipRole:
        if (!task->error.isEmpty())
            return task->error;
        if (task->isForeign)
            return tr("Running in another Roundtable process (pid %1 on %2).").arg(task->ownerPid).arg(task->ownerHost);
        return task->progressText.isEmpty() ? task->title : task->progressText;
    case Qt::ForegroundRole:
        if (index.column() == StatusColumn || index.column() == DetailColumn) {
            if (task->status == TaskStatus::Failed)
                return QBrush(Theme::ErrorText);
            if (task->status == TaskStatus::Interrupted)
                return QBrush(Theme::WarningText);
        }
        if (index.column() == HostColumn || index.column() == ElapsedColumn)
            return QBrush(Theme::MutedText);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == ElapsedColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (Column(index.column())) {
    case TitleColumn:
        return tr("%1 · %2").arg(kindText(task->kind), task->title);
    case StatusColumn:
        return task->isForeign ? tr("%1 (elsewhere)").arg(statusText(task->status)) : statusText(task->status);
    case ProgressColumn:
        if (task->status == TaskStatus::Succeeded)
            return tr("100%");
        return task->progress < 0 ? QString() : tr("%1%").arg(qRound(task->progress * 100));
    case HostColumn:
        return task->host.isEmpty() ? tr("—") : task->host;
    case ElapsedColumn: {
        const qint64 seconds = elapsedSeconds(*task, QDateTime::currentDateTimeUtc());
        return seconds < 0 ? tr("—") : durationText(seconds);
    }
    case DetailColumn:
        if (!task->error.isEmpty())
            return task->error.section(u'\n', 0, 0);
        return task->progressText;
    case ColumnCount:
        break;
    }
    return {};
}

QVariant TaskListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case TitleColumn:
        return tr("Task");
    case StatusColumn:
        return tr("Status");
    case ProgressColumn:
        return tr("Progress");
    case HostColumn:
        return tr("Host");
    case ElapsedColumn:
        return tr("Elapsed");
    case DetailColumn:
        return tr("Details");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace rt::ui
