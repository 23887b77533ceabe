#include "storagetaskstore.h"

#include "common/logging.h"
#include "storage/storage.h"

#include <QCoreApplication>

namespace rt::tasks {

namespace {
const QString OwnerKey = QStringLiteral("_owner");
const QString CancelKey = QStringLiteral("_cancel_requested");

QJsonObject storedPayload(const TaskInfo &task)
{
    QJsonObject payload = task.payload;
    if (task.ownerPid > 0) {
        payload.insert(OwnerKey,
            QJsonObject { { QStringLiteral("pid"), double(task.ownerPid) }, { QStringLiteral("host"), task.ownerHost },
                { QStringLiteral("start"), double(task.ownerStartTicks) } });
    }
    if (task.cancelRequested)
        payload.insert(CancelKey, true);
    return payload;
}

template<typename T> void logFailure(QFuture<T> future, const char *what, qint64 id)
{
    // Runs on the storage thread (where the future is filled); only logs.
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
    r.status = task.status; // one TaskStatus, shared with storage
    r.progress = qBound(0.0, task.progress, 1.0);
    r.progressText = task.progressText;
    r.payload = storedPayload(task);
    r.host = task.host;
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
    t.status = r.status;
    t.progress = r.progress;
    t.progressText = r.progressText;
    t.payload = r.payload;
    t.host = r.host;
    const QJsonObject owner = t.payload.take(OwnerKey).toObject();
    t.ownerPid = qint64(owner.value(QStringLiteral("pid")).toDouble());
    t.ownerHost = owner.value(QStringLiteral("host")).toString();
    t.ownerStartTicks = qint64(owner.value(QStringLiteral("start")).toDouble());
    t.cancelRequested = t.payload.take(CancelKey).toBool();
    t.error = r.error;
    t.createdAt = r.createdAt;
    t.startedAt = r.startedAt;
    t.finishedAt = r.finishedAt;
    t.updatedAt = r.updatedAt;
    return t;
}

QFuture<rt::Result<QList<TaskInfo>>> StorageTaskStore::loadAll(int limit)
{
    return m_storage.read([limit](rt::storage::StorageContext &c) -> rt::Result<QList<TaskInfo>> {
        auto records = c.tasks().list({}, limit);
        if (!records)
            return records.error();
        QList<TaskInfo> list;
        list.reserve(records->size());
        for (const auto &r : records.value())
            list.append(fromRecord(r));
        return list;
    });
}

QFuture<rt::Result<TaskInfo>> StorageTaskStore::load(qint64 id)
{
    return m_storage.read([id](rt::storage::StorageContext &c) -> rt::Result<TaskInfo> {
        auto record = c.tasks().get(id);
        if (!record)
            return record.error();
        return fromRecord(record.value());
    });
}

QFuture<rt::Result<qint64>> StorageTaskStore::create(const TaskInfo &task)
{
    const rt::storage::TaskRecord record = toRecord(task);
    return m_storage.write([record](rt::storage::StorageContext &c) { return c.tasks().create(record); });
}

void StorageTaskStore::saveStatus(const TaskInfo &task)
{
    const qint64 id = task.id;
    const TaskStatus status = task.status;
    const QString error = task.error;
    const QJsonObject payload = storedPayload(task);
    logFailure(m_storage.write([id, status, error, payload](rt::storage::StorageContext &c) -> rt::Status {
        if (rt::Status s = c.tasks().setStatus(id, status, error); !s)
            return s;
        return c.tasks().setPayload(id, payload);
    }),
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
    const QJsonObject payload = storedPayload(task);
    logFailure(m_storage.write([id, payload](rt::storage::StorageContext &c) -> rt::Status {
        // One transaction: a cancel request written by another process in
        // between is kept.
        QJsonObject merged = payload;
        if (auto current = c.tasks().get(id); current && current->payload.value(CancelKey).toBool())
            merged.insert(CancelKey, true);
        return c.tasks().setPayload(id, merged);
    }),
        "payload", id);
}

QFuture<rt::Status> StorageTaskStore::requestCancel(qint64 id)
{
    return m_storage.write([id](rt::storage::StorageContext &c) -> rt::Status {
        auto current = c.tasks().get(id);
        if (!current)
            return current.error();
        if (isFinal(current->status))
            return rt::Error { QStringLiteral("invalid_state"),
                QCoreApplication::translate("rt::tasks", "The task “%1” has already finished.").arg(current->title) };
        QJsonObject payload = current->payload;
        payload.insert(CancelKey, true);
        return c.tasks().setPayload(id, payload);
    });
}

void StorageTaskStore::purgeFinished(const QDateTime &before)
{
    logFailure(m_storage.write([before](rt::storage::StorageContext &c) { return c.tasks().purgeFinished(before); }), "purge", 0);
}

} // namespace rt::tasks
