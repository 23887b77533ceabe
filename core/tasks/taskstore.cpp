#include "taskstore.h"

#include <algorithm>

namespace rt::tasks {

MemoryTaskStore::MemoryTaskStore()
    : m_shared(std::make_shared<Shared>())
{
}

rt::Result<QList<TaskInfo>> MemoryTaskStore::loadAll(int limit)
{
    QMutexLocker locker(&m_shared->mutex);
    QList<TaskInfo> list = m_shared->rows.values();
    std::sort(list.begin(), list.end(), [](const TaskInfo &a, const TaskInfo &b) { return a.id > b.id; });
    if (limit > 0 && list.size() > limit)
        list.resize(limit);
    return list;
}

rt::Result<qint64> MemoryTaskStore::create(const TaskInfo &task)
{
    QMutexLocker locker(&m_shared->mutex);
    TaskInfo row = task;
    row.id = m_shared->nextId++;
    m_shared->rows.insert(row.id, row);
    return row.id;
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
