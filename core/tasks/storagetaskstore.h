#pragma once

#include "taskstore.h"

namespace rt::storage {
class Storage;
struct TaskRecord;
} // namespace rt::storage

namespace rt::tasks {

// Keeps tasks in the database's tasks table through rt::storage::Storage.
// create() waits for its id; the other writes are queued on the storage
// thread (in order) and their failures logged.
class StorageTaskStore final : public TaskStore {
public:
    explicit StorageTaskStore(rt::storage::Storage &storage);

    rt::Result<QList<TaskInfo>> loadAll(int limit) override;
    rt::Result<qint64> create(const TaskInfo &task) override;
    void saveStatus(const TaskInfo &task) override;
    void saveProgress(const TaskInfo &task) override;
    void savePayload(const TaskInfo &task) override;
    void purgeFinished(const QDateTime &before) override;

    // The table has no host column: it rides in the payload as "_host".
    static rt::storage::TaskRecord toRecord(const TaskInfo &task);
    static TaskInfo fromRecord(const rt::storage::TaskRecord &record);

private:
    rt::storage::Storage &m_storage;
};

} // namespace rt::tasks
