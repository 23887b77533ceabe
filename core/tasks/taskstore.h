#pragma once

#include "common/result.h"
#include "task.h"

#include <QHash>
#include <QList>
#include <QMutex>
#include <memory>

namespace rt::tasks {

// Where TaskManager keeps its tasks. create() is called once per task and may
// block briefly (it gives the task its id); the save calls may complete later,
// in the order they were made.
class TaskStore {
public:
    virtual ~TaskStore() = default;

    // Recent tasks, newest first.
    virtual rt::Result<QList<TaskInfo>> loadAll(int limit) = 0;
    virtual rt::Result<qint64> create(const TaskInfo &task) = 0;
    virtual void saveStatus(const TaskInfo &task) = 0; // status, error (times follow the status)
    virtual void saveProgress(const TaskInfo &task) = 0;
    virtual void savePayload(const TaskInfo &task) = 0;
    // Forgets finished tasks that ended before `before`.
    virtual void purgeFinished(const QDateTime &before) = 0;
};

// In memory; copies share their rows, so a "restarted" manager in a test can
// see what an earlier one left behind.
class MemoryTaskStore final : public TaskStore {
public:
    MemoryTaskStore();

    rt::Result<QList<TaskInfo>> loadAll(int limit) override;
    rt::Result<qint64> create(const TaskInfo &task) override;
    void saveStatus(const TaskInfo &task) override;
    void saveProgress(const TaskInfo &task) override;
    void savePayload(const TaskInfo &task) override;
    void purgeFinished(const QDateTime &before) override;

    // Tests: what is stored, and writing a row as a crashed run left it.
    std::optional<TaskInfo> row(qint64 id) const;
    void putRow(const TaskInfo &task);

private:
    struct Shared {
        mutable QMutex mutex;
        QHash<qint64, TaskInfo> rows;
        qint64 nextId = 1;
    };
    std::shared_ptr<Shared> m_shared;
};

} // namespace rt::tasks
