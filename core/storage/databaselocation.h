#pragma once

#include "common/result.h"

#include <QMetaType>
#include <QString>

namespace rt::storage {

enum class Dialect { Sqlite, Postgres };

// Where the data lives: a SQLite file or a PostgreSQL database.
struct DatabaseLocation {
    Dialect dialect = Dialect::Sqlite;
    QString sqlitePath; // SQLite: absolute file path (or ":memory:")
    // PostgreSQL
    QString host;
    int port = 5432;
    QString user;
    QString password;
    QString databaseName;

    bool isSqlite() const { return dialect == Dialect::Sqlite; }
    // For messages and logs; never contains the password.
    QString displayName() const;

    bool operator==(const DatabaseLocation &) const = default;
};

// Parses "postgresql://user:pass@host:port/dbname" (or "postgres://...") or a
// SQLite file path ("~/" is expanded; relative paths become absolute).
rt::Result<DatabaseLocation> parseDatabaseLocation(const QString &text);

// The database to use: the --db value if given, else $ROUNDTABLE_DB, else the
// one chosen in Settings (AppSettings::Database), else roundtable.sqlite in
// QStandardPaths::AppDataLocation.
rt::Result<DatabaseLocation> resolveDatabaseLocation(const QString &cliValue);

// The default SQLite file (AppDataLocation/roundtable.sqlite).
QString defaultSqlitePath();

} // namespace rt::storage

Q_DECLARE_METATYPE(rt::storage::DatabaseLocation)
