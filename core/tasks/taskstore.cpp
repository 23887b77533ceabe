#include "taskstore.h"

#include "common/futurecallback.h"

#include <QCoreApplication>
#include <algorithm>

namespace rt::tasks {

namespace {
rt::Error noSuchTask(qint64 id)
{
    return { QStringLiteral("not_found"), QCoreApplication::translate("rt::tasks", "There is no task %1.").arg(id) };
}
} // namespace

MemoryTaskStore::MemoryTaskStore()
    : m_shared(std::make_shared<Shared>())
{
}

QFuture<rt::Result<QList<TaskInfo>>> MemoryTaskStore::loadAll(int limit)
{
    QMutexLocker locker(&m_shared->mutex);
    QList<TaskInfo> list = m_shared->rows.values();
    std::sort(list.begin(), list.end(), [](const TaskInfo &a, const TaskInfo &b) { return a.id > b.id; });
    if (limit > 0 && list.size() > limit)
        list.resize(limit);
    return rt::readyFuture(rt::Result<QList<TaskInfo>>(list));
}

QFuture<rt::Result<TaskInfo>> MemoryTaskStore::load(qint64 id)
{
    QMutexLocker locker(&m_shared->mutex);
    const auto it = m_shared->rows.constFind(id);
    if (it == m_shared->rows.cend())
        return rt::readyFuture(rt::Result<TaskInfo>(noSuchTask(id)));
    return rt::readyFuture(rt::Result<TaskInfo>(*it));
}

QFuture<rt::Result<qint64>> MemoryTaskStore::create(const TaskInfo &task)
{
    QMutexLocker locker(&m_shared->mutex);
    TaskInfo row = task;
    row.id = m_shared->nextId++;
    m_shared->rows.insert(row.id, row);
    return rt::readyFuture(rt::Result<qint64>(row.id));
}

void MemoryTaskStore::saveStatus(const TaskInfo &task)
{
    QMutexLocker locker(&m_shared->mutex);
    auto it = m_shared->rows.find(task.id);
    if (it == m_shared->rows.end())
        return;
    it->status = task.status;
    it->error = task.error;
    it->startedAt = task.startedAt;
    it->finishedAt = task.finishedAt;
    it->updatedAt = task.updatedAt;
    it->ownerPid = task.ownerPid;
    it->ownerHost = task.ownerHost;
    it->ownerStartTicks = task.ownerStartTicks;
    it->cancelRequested = task.cancelRequested;
}

void MemoryTaskStore::saveProgress(const TaskInfo &task)
{
    QMutexLocker locker(&m_shared->mutex);
    auto it = m_shared->rows.find(task.id);
    if (it == m_shared->rows.end())
        return;
    it->progress = task.progress;
    it->progressText = task.progressText;
    it->updatedAt = task.updatedAt;
}

void MemoryTaskStore::savePayload(const TaskInfo &task)
{
    QMutexLocker locker(&m_shared->mutex);
    auto it = m_shared->rows.find(task.id);
    if (it == m_shared->rows.end())
        return;
    it->payload = task.payload;
}

QFuture<rt::Status> MemoryTaskStore::requestCancel(qint64 id)
{
    QMutexLocker locker(&m_shared->mutex);
    auto it = m_shared->rows.find(id);
    if (it == m_shared->rows.end())
        return rt::readyFuture(rt::Status(noSuchTask(id)));
    if (it->isFinished())
        return rt::readyFuture(rt::Status(rt::Error { QStringLiteral("invalid_state"),
            QCoreApplication::translate("rt::tasks", "The task “%1” has already finished.").arg(it->title) }));
    it->cancelRequested = true;
    return rt::readyFuture(rt::Status());
}

void MemoryTaskStore::purgeFinished(const QDateTime &before)
{
    QMutexLocker locker(&m_shared->mutex);
    m_shared->rows.removeIf([&](const QHash<qint64, TaskInfo>::iterator it) {
        return it->isFinished() && it->finishedAt.isValid() && it->finishedAt < before;
    });
}

std::optional<TaskInfo> MemoryTaskStore::row(qint64 id) const
{
    QMutexLocker locker(&m_shared->mutex);
    const auto it = m_shared->rows.constFind(id);
    if (it == m_shared->rows.cend())
        return std::nullopt;
    return *it;
}

void MemoryTaskStore::putRow(const TaskInfo &task)
{
    QMutexLocker locker(&m_shared->mutex);
    m_shared->rows.insert(task.id, task);
    m_shared->nextId = qMax(m_shared->nextId, task.id + 1);
}

} // namespace rt::tasks
