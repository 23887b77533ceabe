#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <optional>

namespace rt::tasks {

enum class TaskStatus { Queued, Running, Paused, Succeeded, Failed, Cancelled, Interrupted };

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

    bool isFinished() const { return isFinal(status); }
    QJsonObject toJson() const;
};

} // namespace rt::tasks

Q_DECLARE_METATYPE(rt::tasks::TaskInfo)
Q_DECLARE_METATYPE(rt::tasks::TaskStatus)
