#include "taskrepository.h"

#include "database.h"

#include <QCoreApplication>
#include <algorithm>

namespace rt::storage {

namespace {
const QString kColumns = QStringLiteral(
    "id, kind, title, status, progress, progress_text, payload, error, created_at, started_at, finished_at, updated_at, host");

rt::Result<TaskRecord> readTask(const Query &q)
{
    TaskRecord t;
    t.id = q.integer(0);
    t.kind = q.text(1);
    t.title = q.text(2);
    const QString status = q.text(3);
    auto parsedStatus = storedValue(parseTaskStatus(status), u"tasks", t.id, u"status", status);
    if (!parsedStatus)
        return parsedStatus.error();
    t.status = *parsedStatus;
    t.progress = q.real(4);
    t.progressText = q.text(5);
    t.payload = q.jsonObject(6);
    t.error = q.text(7);
    t.createdAt = q.time(8);
    t.startedAt = q.time(9);
    t.finishedAt = q.time(10);
    t.updatedAt = q.time(11);
    t.host = q.text(12);
    return t;
}

rt::Error taskNotFound(qint64 id)
{
    return makeError(errc::NotFound, QCoreApplication::translate("rt::storage", "There is no task with id %1.").arg(id));
}

bool isFinal(TaskStatus s)
{
    return s == TaskStatus::Succeeded || s == TaskStatus::Failed || s == TaskStatus::Cancelled || s == TaskStatus::Interrupted;
}
} // namespace

rt::Result<qint64> TaskRepository::create(const TaskRecord &t)
{
    const QDateTime now = m_db.now();
    const QDateTime created = t.createdAt.isValid() ? t.createdAt : now;
    return m_db.insert(
        QStringLiteral("INSERT INTO tasks (kind, title, status, progress, progress_text, payload, host, error, created_at, started_at, "
                       "finished_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
        { t.kind, t.title, toString(t.status), std::clamp(t.progress, 0.0, 1.0), t.progressText, Database::jsonValue(t.payload), t.host,
            t.error, m_db.timeValue(created), m_db.timeValue(t.startedAt), m_db.timeValue(t.finishedAt),
            m_db.timeValue(t.updatedAt.isValid() ? t.updatedAt : created) });
}

rt::Status TaskRepository::setStatus(qint64 id, TaskStatus status, const QString &error)
{
    const QVariant now = m_db.timeValue(m_db.now());
    auto n = m_db.exec(QStringLiteral("UPDATE tasks SET status = ?, error = ?, updated_at = ?, "
                                      "started_at = CASE WHEN ? AND started_at IS NULL THEN ? ELSE started_at END, "
                                      "finished_at = CASE WHEN ? THEN ? ELSE finished_at END WHERE id = ?"),
        { toString(status), error, now, status == TaskStatus::Running, now, isFinal(status), now, id });
    if (!n.ok())
        return n.error();
    if (*n == 0)
        return taskNotFound(id);
    return {};
}

rt::Status TaskRepository::setProgress(qint64 id, double progress, const QString &text)
{
    auto n = m_db.exec(QStringLiteral("UPDATE tasks SET progress = ?, progress_text = ?, updated_at = ? WHERE id = ?"),
        { std::clamp(progress, 0.0, 1.0), text, m_db.timeValue(m_db.now()), id });
    if (!n.ok())
        return n.error();
    if (*n == 0)
        return taskNotFound(id);
    return {};
}

rt::Status TaskRepository::setPayload(qint64 id, const QJsonObject &payload)
{
    auto n = m_db.exec(QStringLiteral("UPDATE tasks SET payload = ?, updated_at = ? WHERE id = ?"),
        { Database::jsonValue(payload), m_db.timeValue(m_db.now()), id });
    if (!n.ok())
        return n.error();
    if (*n == 0)
        return taskNotFound(id);
    return {};
}

rt::Result<TaskRecord> TaskRepository::get(qint64 id)
{
    auto q = m_db.query(QStringLiteral("SELECT %1 FROM tasks WHERE id = ?").arg(kColumns), { id });
    if (!q.ok())
        return q.error();
    if (!q->next())
        return taskNotFound(id);
    return readTask(*q);
}

rt::Result<QList<TaskRecord>> TaskRepository::list(const QList<TaskStatus> &statuses, int limit)
{
    QString sql = QStringLiteral("SELECT %1 FROM tasks").arg(kColumns);
    QVariantList binds;
    if (!statuses.isEmpty()) {
        QStringList marks;
        for (TaskStatus s : statuses) {
            marks.append(QStringLiteral("?"));
            binds.append(toString(s));
        }
        sql += QStringLiteral(" WHERE status IN (%1)").arg(marks.join(u", "));
    }
    sql += QStringLiteral(" ORDER BY id DESC LIMIT ?");
    binds.append(limit);
    auto q = m_db.query(sql, binds);
    if (!q.ok())
        return q.error();
    return readRows(*q, readTask);
}

rt::Result<int> TaskRepository::purgeFinished(const QDateTime &before)
{
    return m_db.exec(QStringLiteral("DELETE FROM tasks WHERE finished_at IS NOT NULL AND finished_at < ?"), { m_db.timeValue(before) });
}

} // namespace rt::storage
