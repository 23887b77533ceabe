#include "maintenance.h"

#include "common/translate.h"
#include "database.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace rt::storage {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::storage)
};
} // namespace

rt::Result<InterruptedCounts> Maintenance::markInterrupted(int staleAfterSeconds)
{
    const QDateTime now = m_db.now();
    // Rows touched at or after the cutoff are live; with 0 seconds everything counts.
    const QVariant cutoff = m_db.timeValue(staleAfterSeconds > 0 ? now.addSecs(-staleAfterSeconds) : now.addYears(100));
    const QVariant stamp = m_db.timeValue(now);
    return m_db.transaction([&]() -> rt::Result<InterruptedCounts> {
        InterruptedCounts counts;
        auto n = m_db.exec(
            QStringLiteral("UPDATE messages SET status = 'interrupted', updated_at = ? WHERE status = 'partial' AND updated_at < ?"),
            { stamp, cutoff });
        if (!n.ok())
            return n.error();
        counts.messages = *n;
        n = m_db.exec(
            QStringLiteral("UPDATE debate_turns SET status = 'interrupted', updated_at = ? WHERE status = 'partial' AND updated_at < ?"),
            { stamp, cutoff });
        if (!n.ok())
            return n.error();
        counts.turns = *n;
        n = m_db.exec(
            QStringLiteral("UPDATE debates SET status = 'interrupted', updated_at = ? WHERE status = 'running' AND updated_at < ?"),
            { stamp, cutoff });
        if (!n.ok())
            return n.error();
        counts.debates = *n;
        // Tasks are not judged by age here: the task layer knows their owner
        // process and marks a task interrupted only when its owner is gone.
        return counts;
    });
}

rt::Result<QStringList> Maintenance::integrityCheck()
{
    QStringList problems;
    if (m_db.isSqlite()) {
        auto q = m_db.query(QStringLiteral("PRAGMA integrity_check"));
        if (!q.ok())
            return q.error();
        while (q->next()) {
            const QString line = q->text(0);
            if (line != u"ok")
                problems.append(line);
        }
        q = m_db.query(QStringLiteral("PRAGMA foreign_key_check"));
        if (!q.ok())
            return q.error();
        while (q->next())
            problems.append(Tr::tr("Row %1 of table %2 points to a missing row in %3.").arg(q->text(1), q->text(0), q->text(2)));
        q = rt::Result<Query>(Query());
        for (const char *fts : { "messages_fts", "debate_turns_fts" }) {
            const QString table = QString::fromLatin1(fts);
            if (auto done = m_db.execDirect(QStringLiteral("INSERT INTO %1 (%1) VALUES ('integrity-check')").arg(table)); !done.ok()) {
                if (done.error().code == errc::Locked)
                    return done.error();
                problems.append(Tr::tr("The search index %1 is out of step with its table: %2").arg(table, done.error().message));
            }
        }
        return problems;
    }
    // PostgreSQL guards page integrity itself; check what is ours to check.
    for (const char *table : { "conversations", "messages", "debates", "debate_turns", "agents", "tasks", "metric_samples", "models" }) {
        auto q = m_db.query(QStringLiteral("SELECT to_regclass(?) IS NOT NULL"), { QString::fromLatin1(table) });
        if (!q.ok())
            return q.error();
        if (!q->next() || !q->boolean(0))
            problems.append(Tr::tr("The table %1 is missing.").arg(QString::fromLatin1(table)));
    }
    auto q = m_db.query(QStringLiteral("SELECT conrelid::regclass::text, conname FROM pg_constraint "
                                       "WHERE NOT convalidated AND connamespace = current_schema()::regnamespace"));
    if (!q.ok())
        return q.error();
    while (q->next())
        problems.append(Tr::tr("The constraint %2 on %1 is not validated.").arg(q->text(0), q->text(1)));
    return problems;
}

rt::Status Maintenance::backupTo(const QString &path)
{
    if (!m_db.isSqlite()) {
        return makeError(errc::Unsupported,
            Tr::tr("Backups of a PostgreSQL database are made with the server's tools, for example: pg_dump -Fc -f roundtable.dump %1")
                .arg(m_db.location().databaseName));
    }
    const QString target = QFileInfo(path).absoluteFilePath();
    if (QFileInfo::exists(target))
        return makeError(errc::InvalidInput,
            Tr::tr("The backup file %1 already exists. Choose a new file name, or delete the old backup first.").arg(target));
    if (!QFileInfo(QFileInfo(target).absolutePath()).isDir())
        return makeError(errc::CannotOpen,
            Tr::tr("The folder %1 does not exist. Create it or choose another place for the backup.")
                .arg(QFileInfo(target).absolutePath()));
    if (m_db.transactionDepth() > 0)
        return makeError(errc::InvalidInput, Tr::tr("A backup cannot run inside a transaction (a bug in Roundtable)."));
    // VACUUM INTO writes a consistent, compacted copy from one read transaction;
    // other connections keep reading and writing meanwhile (WAL).
    auto done = m_db.exec(QStringLiteral("VACUUM INTO ?"), { target });
    if (!done.ok()) {
        return makeError(done.error().code == errc::Locked ? errc::Locked : errc::CannotOpen,
            Tr::tr("The backup to %1 failed: %2").arg(target, done.error().message));
    }
    return {};
}

rt::Result<DatabaseStats> Maintenance::stats()
{
    DatabaseStats s;
    auto count = [&](const char *table) -> rt::Result<qint64> {
        auto q = m_db.query(QStringLiteral("SELECT count(*) FROM %1").arg(QString::fromLatin1(table)));
        if (!q.ok())
            return q.error();
        return q->next() ? q->integer(0) : 0;
    };
    struct Item {
        const char *table;
        qint64 *target;
    };
    for (const Item &item : { Item { "conversations", &s.conversations }, Item { "messages", &s.messages }, Item { "debates", &s.debates },
             Item { "debate_turns", &s.debateTurns }, Item { "agents", &s.agents }, Item { "tasks", &s.tasks },
             Item { "metric_samples", &s.metricSamples } }) {
        auto n = count(item.table);
        if (!n.ok())
            return n.error();
        *item.target = *n;
    }
    auto q = m_db.query(QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_version"));
    if (!q.ok())
        return q.error();
    s.schemaVersion = q->next() ? int(q->integer(0)) : 0;
    if (m_db.isSqlite() && m_db.location().sqlitePath != u":memory:") {
        const QFileInfo main(m_db.location().sqlitePath);
        const QFileInfo wal(m_db.location().sqlitePath + QStringLiteral("-wal"));
        s.sizeBytes = main.size() + (wal.exists() ? wal.size() : 0);
    }
    return s;
}

rt::Result<int> Maintenance::pruneWriteJournal(int olderThanSeconds)
{
    if (m_db.isSqlite())
        return 0;
    return m_db.exec(
        QStringLiteral("DELETE FROM write_journal WHERE created_at < ?"), { m_db.timeValue(m_db.now().addSecs(-olderThanSeconds)) });
}

} // namespace rt::storage
