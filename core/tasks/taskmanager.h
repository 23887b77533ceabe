#pragma once

#include "common/result.h"
#include "job.h"
#include "task.h"
#include "taskstore.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <functional>
#include <map>
#include <memory>

namespace rt::tasks {

struct TaskOptions {
    QString host; // concurrency group: at most concurrencyLimit(host) run at once
    QJsonObject payload; // what a resumer needs
};

// Runs long work (debates, pulls, exports) as tasks: queued until a slot of
// their host is free, then running with progress, and finally succeeded,
// failed, cancelled or interrupted. Every task is persisted; a task left
// running by a crash is marked interrupted at start-up and can be resumed by
// the resumer registered for its kind. Signals cover every change.
// Lives on one thread (the GUI thread); call it from there.
class TaskManager final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TaskManager)
public:
    using JobFactory = std::function<std::unique_ptr<Job>(const TaskInfo &task)>;

    explicit TaskManager(QObject *parent = nullptr); // in memory
    explicit TaskManager(std::unique_ptr<TaskStore> store, QObject *parent = nullptr);
    // Running tasks are saved as interrupted (resumable next time).
    ~TaskManager() override;

    // Loads recent tasks; tasks a crash left queued or running become
    // interrupted. Emits interruptedFound() when there are any to offer.
    rt::Status restore(int limit = 200);

    // Resumers re-create a job from a stored task (its kind and payload).
    void registerResumer(const QString &kind, JobFactory factory);

    rt::Result<qint64> submit(const QString &kind, const QString &title, std::unique_ptr<Job> job, const TaskOptions &options = {});
    // Queued: cancelled at once. Running/paused: the job is asked to stop.
    // Interrupted: dismissed (cancelled, no longer offered for resume).
    rt::Status cancel(qint64 id);
    rt::Status pause(qint64 id);
    // A paused task continues; an interrupted or failed one starts again
    // through its resumer (queued like a new task).
    rt::Status resume(qint64 id);
    bool canResume(qint64 id) const;
    // Drops finished tasks from the list (and the store).
    void clearFinished();

    QList<TaskInfo> tasks() const; // newest first
    std::optional<TaskInfo> task(qint64 id) const;
    QList<TaskInfo> interruptedTasks() const;
    int runningCount(const QString &host) const;
    int queuedCount(const QString &host) const;

    // Tasks of one host that may run at once (default: setDefaultConcurrencyLimit).
    void setConcurrencyLimit(const QString &host, int limit);
    int concurrencyLimit(const QString &host) const;
    void setDefaultConcurrencyLimit(int limit);
    // How often progress is written to the store (status changes go at once).
    void setProgressSaveIntervalMs(int ms) { m_progressSaveMs = ms; }
    // How long a job may take to stop after cancel() before it is dropped.
    void setCancelGraceMs(int ms) { m_cancelGraceMs = ms; }

signals:
    void taskAdded(const rt::tasks::TaskInfo &task);
    void taskChanged(const rt::tasks::TaskInfo &task); // status, progress, text, payload
    void taskFinished(const rt::tasks::TaskInfo &task);
    void taskRemoved(qint64 id);
    void interruptedFound(const QList<rt::tasks::TaskInfo> &tasks);

private:
    struct Entry {
        TaskInfo info;
        QPointer<Job> job;
        bool started = false; // job->start() was called
        bool cancelRequested = false;
        bool resumeRequested = false; // queued to continue a paused job
        qint64 seq = 0; // submission order for the queue
        qint64 lastProgressSaveMs = -1;
        bool progressDirty = false;
    };

    void attach(Entry &entry, std::unique_ptr<Job> job);
    void scheduleRun();
    void runQueued();
    void onJobProgress(qint64 id, double fraction, const QString &text);
    void onJobFinished(qint64 id, TaskStatus status, const QString &error);
    void setStatus(Entry &entry, TaskStatus status, const QString &error = {});
    void flushProgress(Entry &entry);
    void changed(const Entry &entry);
    bool resumableLocked(const TaskInfo &info) const;
    Entry *find(qint64 id);
    const Entry *find(qint64 id) const;

    std::unique_ptr<TaskStore> m_store;
    std::map<qint64, Entry> m_entries; // node-based: references stay valid while signals run
    QHash<QString, JobFactory> m_resumers;
    QHash<QString, int> m_limits;
    int m_defaultLimit = 2;
    int m_progressSaveMs = 1000;
    int m_cancelGraceMs = 10'000;
    qint64 m_seq = 0;
    bool m_runScheduled = false;
    QElapsedTimer m_clock;
};

} // namespace rt::tasks
