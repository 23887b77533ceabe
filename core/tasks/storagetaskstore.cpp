#include "storagetaskstore.h"

#include "common/logging.h"
#include "storage/storage.h"

namespace rt::tasks {

namespace {
const QString HostKey = QStringLiteral("_host");

rt::storage::TaskStatus toStorage(TaskStatus status)
{
    switch (status) {
    case TaskStatus::Queued:
        return rt::storage::TaskStatus::Queued;
    case TaskStatus::Running:
        return rt::storage::TaskStatus::Running;
    case TaskStatus::Paused:
        return rt::storage::TaskStatus::Paused;
    case TaskStatus::Succeeded:
        return rt::storage::TaskStatus::Succeeded;
    case TaskStatus::Failed:
        return rt::storage::TaskStatus::Failed;
    case TaskStatus::Cancelled:
        return rt::storage::TaskStatus::Cancelled;
    case TaskStatus::Interrupted:
        return rt::storage::TaskStatus::Interrupted;
    }
    return rt::storage::TaskStatus::Failed;
}

QJsonObject payloadWithHost(const TaskInfo &task)
{
    QJsonObject payload = task.payload;
    if (!task.host.isEmpty())
        payload.insert(HostKey, task.host);
    return payload;
}

template<typename T> void logFailure(QFuture<T> future, const char *what, qint64 id)
{
    future.then([what, id](const T &result) {
        if (!result.ok())
            qCWarning(lcTasks).noquote() << "saving" << what << "of task" << id << "failed:" << result.error().message;
    });
}
} // namespace

StorageTaskStore::StorageTaskStore(rt::storage::Storage &storage)
    : m_storage(storage)
{
}

rt::storage::TaskRecord StorageTaskStore::toRecord(const TaskInfo &task)
{
    rt::storage::TaskRecord r;
    r.id = task.id;
    r.kind = task.kind;
    r.title = task.title;
    r.status = toStorage(task.status);
    r.progress = qBound(0.0, task.progress, 1.0);
    r.progressText = task.progressText;
    r.payload = payloadWithHost(task);
    r.error = task.error;
    r.createdAt = task.createdAt;
    r.startedAt = task.startedAt;
    r.finishedAt = task.finishedAt;
    r.updatedAt = task.updatedAt;
    return r;
}

TaskInfo StorageTaskStore::fromRecord(const rt::storage::TaskRecord &r)
{
    TaskInfo t;
    t.id = r.id;
    t.kind = r.kind;
    t.title = r.title;
    t.status = parseTaskStatus(rt::storage::toString(r.status)).value_or(TaskStatus::Failed);
    t.progress = r.progress;
    t.progressText = r.progressText;
    t.payload = r.payload;
    t.host = t.payload.take(HostKey).toString();
    t.error = r.error;
    t.createdAt = r.createdAt;
    t.startedAt = r.startedAt;
    t.finishedAt = r.finishedAt;
    t.updatedAt = r.updatedAt;
    return t;
}

rt::Result<QList<TaskInfo>> StorageTaskStore::loadAll(int limit)
{
    auto records = m_storage.read([limit](rt::storage::StorageContext &c) { return c.tasks().list({}, limit); }).result();
    if (!records)
        return records.error();
    QList<TaskInfo> list;
    for (const auto &r : records.value())
        list.append(fromRecord(r));
    return list;
}

rt::Result<qint64> StorageTaskStore::create(const TaskInfo &task)
{
    const rt::storage::TaskRecord record = toRecord(task);
    return m_storage.write([record](rt::storage::StorageContext &c) { return c.tasks().create(record); }).result();
}

void StorageTaskStore::saveStatus(const TaskInfo &task)
{
    const qint64 id = task.id;
    const auto status = toStorage(task.status);
    const QString error = task.error;
    logFailure(m_storage.write([id, status, error](rt::storage::StorageContext &c) { return c.tasks().setStatus(id, status, error); }),
        "status", id);
}

void StorageTaskStore::saveProgress(const TaskInfo &task)
{
    const qint64 id = task.id;
    const double progress = qBound(0.0, task.progress, 1.0);
    const QString text = task.progressText;
    logFailure(m_storage.write([id, progress, text](rt::storage::StorageContext &c) { return c.tasks().setProgress(id, progress, text); }),
        "progress", id);
}

void StorageTaskStore::savePayload(const TaskInfo &task)
{
    const qint64 id = task.id;
    const QJsonObject payload = payloadWithHost(task);
    logFailure(m_storage.write([id, payload](rt::storage::StorageContext &c) { return c.tasks().setPayload(id, payload); }), "payload", id);
}

void StorageTaskStore::purgeFinished(const QDateTime &before)
{
    logFailure(m_storage.write([before](rt::storage::StorageContext &c) { return c.tasks().purgeFinished(before); }), "purge", 0);
}

} // namespace rt::tasks
