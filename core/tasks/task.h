#pragma once

#include "common/vocabulary.h"

#include <QDateTime>
#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <optional>

namespace rt::tasks {

// Shared with core/storage, which stores it: one definition in common/vocabulary.h.
using rt::TaskStatus;

// "queued", "running", ... as stored in the tasks table.
QString statusName(TaskStatus status);
std::optional<TaskStatus> parseTaskStatus(QStringView name);
// Succeeded, failed, cancelled and interrupted tasks do not run again by
// themselves (an interrupted one may be resumed).
bool isFinal(TaskStatus status);

// One piece of long work as the UI shows it. A value type: copies are snapshots.
struct TaskInfo {
    qint64 id = 0;
    QString kind; // "debate", "pull", "export", ...
    QString title; // "Pull llama3.2:1b"
    TaskStatus status = TaskStatus::Queued;
    double progress = 0.0; // 0..1; -1 = indeterminate
    QString progressText; // "Downloading 42% (1.2 GB of 2.9 GB, 35 MB/s, 48 s left)"
    QJsonObject payload; // what the job needs to resume (e.g. debate id, model name)
    QString host; // pool host whose concurrency limit applies; empty = none
    QString error; // why it failed, or how it was interrupted
    QDateTime createdAt; // UTC
    QDateTime startedAt;
    QDateTime finishedAt;
    QDateTime updatedAt;
    bool resumable = false; // a resumer is registered for this kind and the task can resume
    // The process that runs (or last ran) the task, so another process can
    // tell a live task from one a crash left behind. Set when it starts.
    qint64 ownerPid = 0;
    QString ownerHost; // QSysInfo::machineHostName()
    qint64 ownerStartTicks = 0; // the owner's start time (Linux: /proc/PID/stat), against pid reuse
    bool cancelRequested = false; // another process asked the owner to cancel
    bool isForeign = false; // running in another live process: shown, not controlled here

    bool isFinished() const { return isFinal(status); }
    QJsonObject toJson() const;
};

// This process as a task owner.
struct TaskOwner {
    qint64 pid = 0;
    QString host;
    qint64 startTicks = 0;

    static TaskOwner current();
    // On this host: whether the process still exists (and is the same one,
    // when its start time is known). Another host cannot be asked: nullopt.
    static std::optional<bool> isAlive(qint64 pid, const QString &host, qint64 startTicks);
};

} // namespace rt::tasks

Q_DECLARE_METATYPE(rt::tasks::TaskInfo)
