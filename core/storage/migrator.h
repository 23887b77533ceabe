#pragma once

#include "common/result.h"
#include "database.h"
#include "records.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <memory>
#include <optional>

namespace rt::storage {

// One schema step: resources/storage/<dialect>/NNNN_name.sql.
struct Migration {
    int version = 0;
    QString name;
    QString sql; // several statements separated by ';'
};

// The migrations built into the app for a dialect, sorted by version. Adding one
// is a matter of dropping resources/storage/<dialect>/NNNN_name.sql next to the
// others and listing it in core/storage/CMakeLists.txt.
QList<Migration> builtinMigrations(Dialect dialect);

// Splits a script into statements, respecting quotes, comments, dollar quoting
// ($$...$$) and trigger bodies (BEGIN ... END).
QStringList splitSqlStatements(const QString &script);

struct MigrationReport {
    int fromVersion = 0;
    int toVersion = 0;
    QStringList applied; // "0002_agents_index", ...
};

// Brings a database to the newest schema of a migration set. All pending steps
// run in one transaction: on failure nothing changes. A database whose version
// is newer than the set is refused untouched.
class Migrator final {
public:
    explicit Migrator(Database &db, QList<Migration> migrations);
    rt::Result<int> currentVersion(); // 0 for an empty database
    int latestVersion() const;
    rt::Result<MigrationReport> migrate();

private:
    rt::Status ensureVersionTable();
    Database &m_db;
    QList<Migration> m_migrations;
};

// Everything Storage does at start-up, usable on any thread (tests, the CLI).
struct OpenOptions {
    ConnectionOptions connection;
    bool migrate = true; // apply pending migrations
    bool recover = true; // markInterrupted() leftovers from a crash
    // Only rows idle this long count as leftovers, so a second process (GUI and
    // CLI at once, or a team on one PostgreSQL) never marks live work; streamed
    // rows are checkpointed every 2 s. Rows still fresh at start-up are checked
    // again once they would be stale. 0: everything, at once.
    int staleAfterSeconds = 10;
    std::optional<QList<Migration>> migrations; // tests inject their own set
};

struct OpenReport {
    DatabaseLocation location;
    int schemaVersion = 0;
    MigrationReport migration;
    InterruptedCounts interrupted;
};

struct OpenedDatabase {
    std::unique_ptr<Database> database;
    OpenReport report;
};

// Connects, migrates, and marks leftovers of a crash as interrupted.
rt::Result<OpenedDatabase> openDatabase(const DatabaseLocation &location, const OpenOptions &options = {});

} // namespace rt::storage

Q_DECLARE_METATYPE(rt::storage::OpenReport)
