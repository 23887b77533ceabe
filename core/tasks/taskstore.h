#pragma once

#include "common/result.h"
#include "task.h"

#include <QFuture>
#include <QHash>
#include <QList>
#include <QMutex>
#include <memory>

namespace rt::tasks {

// Where TaskManager keeps its tasks. Nothing here blocks: reads and create()
// return futures (TaskManager continues in a callback on its own thread); the
// save calls are queued in the order they were made and their failures logged.
class TaskStore {
public:
    virtual ~TaskStore() = default;

    // Recent tasks, newest first.
    virtual QFuture<rt::Result<QList<TaskInfo>>> loadAll(int limit) = 0;
    virtual QFuture<rt::Result<TaskInfo>> load(qint64 id) = 0;
    // Gives the task its id.
    virtual QFuture<rt::Result<qint64>> create(const TaskInfo &task) = 0;
    // Status, error and owner (times follow the status); authoritative, so it
    // also clears a cancel request when the task runs again.
    virtual void saveStatus(const TaskInfo &task) = 0;
    // Progress and text; also the heartbeat that keeps a running task's row fresh.
    virtual void saveProgress(const TaskInfo &task) = 0;
    // What resume needs; keeps a cancel request another process made meanwhile.
    virtual void savePayload(const TaskInfo &task) = 0;
    // Asks the process that runs the task to cancel it (it reads its rows
    // every second); fails when the task has already finished.
    virtual QFuture<rt::Status> requestCancel(qint64 id) = 0;
    // Forgets finished tasks that ended before `before`.
    virtual void purgeFinished(const QDateTime &before) = 0;
};

// In memory; copies share their rows, so a "restarted" manager in a test can
// see what an earlier one left behind. Futures are ready at once.
class MemoryTaskStore final : public TaskStore {
public:
    MemoryTaskStore();

    QFuture<rt::Result<QList<TaskInfo>>> loadAll(int limit) override;
    QFuture<rt::Result<TaskInfo>> load(qint64 id) override;
    QFuture<rt::Result<qint64>> create(const TaskInfo &task) override;
    void saveStatus(const TaskInfo &task) override;
    void saveProgress(const TaskInfo &task) override;
    void savePayload(const TaskInfo &task) override;
    QFuture<rt::Status> requestCancel(qint64 id) override;
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
