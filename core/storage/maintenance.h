#pragma once

#include "common/result.h"
#include "records.h"

#include <QStringList>

namespace rt::storage {

class Database;

struct DatabaseStats {
    int schemaVersion = 0;
    qint64 conversations = 0;
    qint64 messages = 0;
    qint64 debates = 0;
    qint64 debateTurns = 0;
    qint64 agents = 0;
    qint64 tasks = 0;
    qint64 metricSamples = 0;
    qint64 sizeBytes = -1; // SQLite file size (main file + WAL), -1 if unknown
};

// Start-up recovery, integrity checks and backups.
class Maintenance final {
public:
    explicit Maintenance(Database &db)
        : m_db(db)
    {
    }

    // Leftovers of a crash become 'interrupted': partial messages and turns,
    // running debates (tasks are judged by their owner process in TaskManager). Only rows idle for staleAfterSeconds count, so
    // a second Roundtable process on the same database does not mark the
    // first one's live work (0: everything, as after a crash).
    rt::Result<InterruptedCounts> markInterrupted(int staleAfterSeconds = 0);

    // Problems found; empty when the database is sound. SQLite: integrity_check,
    // foreign_key_check and the FTS indexes. PostgreSQL: schema and foreign keys.
    rt::Result<QStringList> integrityCheck();

    // SQLite online backup (VACUUM INTO) while the app keeps running. Refuses to
    // overwrite an existing file.
    rt::Status backupTo(const QString &path);

    rt::Result<DatabaseStats> stats();

    // PostgreSQL exactly-once journal: drop entries older than this.
    rt::Result<int> pruneWriteJournal(int olderThanSeconds = 7 * 24 * 3600);

private:
    Database &m_db;
};

} // namespace rt::storage
