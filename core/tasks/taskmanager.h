#pragma once

#include "common/result.h"
#include "job.h"
#include "task.h"
#include "taskstore.h"

#include <QElapsedTimer>
#include <QFuture>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>
#include <functional>
#include <map>
#include <memory>

namespace rt::metrics {
class MetricsRegistry;
}

namespace rt::tasks {

struct TaskOptions {
    QString host; // concurrency group: at most concurrencyLimit(host) run at once
    QJsonObject payload; // what a resumer needs
};

// Runs long work (debates, pulls, exports) as tasks: queued until a slot of
// their host is free, then running with progress, and finally succeeded,
// failed, cancelled or interrupted. Every task is persisted; a task left
// running by a crash is marked interrupted when restore() finds its owner
// process gone, and can be resumed by the resumer registered for its kind.
// Signals cover every change.
//
// Several processes may share one database (the window, `roundtable models
// pull`, `roundtable tasks`). Each task records its owner (pid, host name,
// process start time). restore() shows tasks of other live processes as
// foreign (isForeign): their rows are re-read every second, cancel() asks
// their owner through the store, and they become interrupted when the owner
// is gone (same host) or its row has not changed for foreignStaleSeconds
// (another host). A running task's own row is touched every few seconds so
// it never looks stale, and the owner notices a cancel request in its row.
//
// Never blocks: store calls complete in callbacks. Lives on one thread (the
// GUI thread); call it from there.
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
    // The future is ready once the tasks are loaded (tasks() lists them).
    QFuture<rt::Status> restore(int limit = 200);

    // Resumers re-create a job from a stored task (its kind and payload).
    void registerResumer(const QString &kind, JobFactory factory);
    // Publishes roundtable_tasks{kind,state}: how many tasks of each kind are
    // in each state, updated on every change.
    void setMetrics(std::shared_ptr<rt::metrics::MetricsRegistry> registry);

    // The future holds the new task's id once it is stored (taskAdded has
    // been emitted by then); the job starts when a slot of its host is free.
    QFuture<rt::Result<qint64>> submit(
        const QString &kind, const QString &title, std::unique_ptr<Job> job, const TaskOptions &options = {});
    // Queued: cancelled at once. Running/paused: the job is asked to stop.
    // Interrupted: dismissed (cancelled, no longer offered for resume).
    // Running in another process: its owner is asked (through the store) and
    // the task finishes when the owner has stopped it.
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
    // The job of a task running here (null otherwise), e.g. for a view that
    // shows more than the progress text.
    Job *job(qint64 id) const;
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
    // How often rows are re-read (cancel requests for our tasks, the state of
    // foreign ones) and how often a running task's row is touched.
    void setPollIntervalMs(int ms);
    void setHeartbeatMs(int ms) { m_heartbeatMs = ms; }
    // A foreign task of another host whose row is older than this is
    // considered left behind by a crash.
    void setForeignStaleSeconds(int seconds) { m_foreignStaleSeconds = seconds; }

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
        qint64 lastProgressSaveMs = -1; // also the last heartbeat
        bool progressDirty = false;
    };

    void attach(Entry &entry, Job *job);
    void poll();
    void updatePolling();
    void onPolled(qint64 id, const TaskInfo &row);
    void markLeftBehind(Entry &entry);
    void publishCounts();
    // For a row not owned by this process: left behind (true) or live elsewhere (false).
    bool leftBehind(const TaskInfo &info) const;
    bool isMine(const TaskInfo &info) const;
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
    int m_heartbeatMs = 3'000;
    int m_foreignStaleSeconds = 600;
    QTimer m_pollTimer;
    bool m_pollInFlight = false;
    TaskOwner m_self;
    qint64 m_seq = 0;
    bool m_runScheduled = false;
    std::shared_ptr<rt::metrics::MetricsRegistry> m_metrics;
    QSet<QPair<QString, QString>> m_publishedCounts; // kind, state pairs with a series
    QElapsedTimer m_clock;
};

} // namespace rt::tasks
