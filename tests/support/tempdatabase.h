#pragma once

#include "storage/database.h"
#include "storage/migrator.h"
#include "storage/records.h"
#include "storage/storage.h"

#include <QString>
#include <QTemporaryDir>
#include <QtTest/QTest>
#include <memory>

namespace rt::test {

// A throwaway Roundtable database: a SQLite file in a temporary folder, or a
// fresh database on the PostgreSQL test server (dropped again at the end).
class TempDatabase final {
public:
    enum class Backend { Sqlite, Postgres };

    explicit TempDatabase(Backend backend = Backend::Sqlite);
    explicit TempDatabase(const QString &backendName); // "sqlite" or "postgresql"
    ~TempDatabase();
    TempDatabase(const TempDatabase &) = delete;
    TempDatabase &operator=(const TempDatabase &) = delete;

    bool isValid() const { return m_error.isEmpty(); }
    QString error() const { return m_error; }
    Backend backend() const { return m_backend; }
    rt::storage::DatabaseLocation location() const { return m_location; }
    QString dbArgument() const; // for --db / ROUNDTABLE_DB
    QString dir() const { return m_dir.path(); } // temporary folder (both backends)
    QString sqlitePath() const { return m_location.sqlitePath; }

    // Opens a connection for the calling thread: migrated; recover=false by default.
    rt::Result<std::unique_ptr<rt::storage::Database>> open(rt::storage::OpenOptions options = noRecovery()) const;
    static rt::storage::OpenOptions noRecovery();

private:
    void createPostgres();
    Backend m_backend;
    QTemporaryDir m_dir;
    rt::storage::DatabaseLocation m_location;
    rt::storage::DatabaseLocation m_admin;
    QString m_error;
};

// A Storage (with its own thread) on a SQLite file, opened without recovery,
// for tests that look at what the window or another process stored. Waits
// with the event loop running.
rt::Result<std::unique_ptr<rt::storage::Storage>> openStorage(const QString &sqlitePath);

// Data rows "sqlite" and "postgresql" in a column "backend".
void addBackendRows();

} // namespace rt::test

// QCOMPARE for the storage enums by their stored names (rt::storage::toString
// would otherwise shadow QTest::toString through argument-dependent lookup).
#define RT_COMPARE_ENUM(actual, expected) QCOMPARE(rt::storage::toString(actual), rt::storage::toString(expected))

// In a data-driven test: `var` becomes a TempDatabase for the row's backend,
// `db` an open connection to it; skips/fails the PostgreSQL row without a server.
#define RT_TEMP_DATABASE(var, db)                                                                                                          \
    QFETCH(QString, backend);                                                                                                              \
    if (backend == QLatin1String("postgresql"))                                                                                            \
        RT_REQUIRE_POSTGRES();                                                                                                             \
    rt::test::TempDatabase var(backend);                                                                                                   \
    QVERIFY2(var.isValid(), qPrintable(var.error()));                                                                                      \
    auto var##Opened = var.open();                                                                                                         \
    QVERIFY2(var##Opened.ok(), qPrintable(var##Opened.ok() ? QString() : var##Opened.error().message));                                    \
    rt::storage::Database &db = *var##Opened.value()
