#pragma once

#include "taskstore.h"

namespace rt::storage {
class Storage;
struct TaskRecord;
} // namespace rt::storage

namespace rt::tasks {

// Keeps tasks in the database's tasks table through rt::storage::Storage.
// Every call returns at once: reads and create() with a future filled on the
// storage thread, writes queued there in order (failures are logged).
class StorageTaskStore final : public TaskStore {
public:
    explicit StorageTaskStore(rt::storage::Storage &storage);

    QFuture<rt::Result<QList<TaskInfo>>> loadAll(int limit) override;
    QFuture<rt::Result<TaskInfo>> load(qint64 id) override;
    QFuture<rt::Result<qint64>> create(const TaskInfo &task) override;
    void saveStatus(const TaskInfo &task) override;
    void saveProgress(const TaskInfo &task) override;
    void savePayload(const TaskInfo &task) override;
    QFuture<rt::Status> requestCancel(qint64 id) override;
    void purgeFinished(const QDateTime &before) override;

    // The table has no owner or cancel column: they ride in the payload
    // as "_owner" {pid, host, start} and "_cancel_requested". The host has
    // its own column since schema 2.
    static rt::storage::TaskRecord toRecord(const TaskInfo &task);
    static TaskInfo fromRecord(const rt::storage::TaskRecord &record);

private:
    rt::storage::Storage &m_storage;
};

} // namespace rt::tasks
