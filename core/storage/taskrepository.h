#pragma once

#include "common/result.h"
#include "records.h"

#include <QList>

namespace rt::storage {

class Database;

// Background jobs (model pulls, debates run as tasks, exports) and their progress.
class TaskRepository final {
public:
    explicit TaskRepository(Database &db)
        : m_db(db)
    {
    }

    rt::Result<qint64> create(const TaskRecord &task);
    // Sets started_at on the first move to running and finished_at on a final
    // status (succeeded, failed, cancelled, interrupted).
    rt::Status setStatus(qint64 id, TaskStatus status, const QString &error = {});
    rt::Status setProgress(qint64 id, double progress, const QString &text = {}); // progress clamped to 0..1
    rt::Status setPayload(qint64 id, const QJsonObject &payload);
    rt::Result<TaskRecord> get(qint64 id);
    // Newest first; all statuses when `statuses` is empty.
    rt::Result<QList<TaskRecord>> list(const QList<TaskStatus> &statuses = {}, int limit = 200);
    // Deletes finished tasks whose finished_at is before `before`; returns how many.
    rt::Result<int> purgeFinished(const QDateTime &before);

private:
    Database &m_db;
};

} // namespace rt::storage
