#pragma once

#include "common/result.h"
#include "databaselocation.h"

#include <QDateTime>
#include <QJsonValue>
#include <QList>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStringView>
#include <QVariant>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>

class QSqlError;

namespace rt::storage {

// Stable error codes (rt::Error::code) produced by core/storage.
namespace errc {
inline constexpr QStringView Locked = u"locked"; // another program holds the database
inline constexpr QStringView NotADatabase = u"not_a_database"; // the file is not SQLite / damaged header
inline constexpr QStringView CannotOpen = u"cannot_open"; // missing folder, no permission
inline constexpr QStringView ReadOnly = u"read_only";
inline constexpr QStringView Corrupt = u"corrupt";
inline constexpr QStringView DiskFull = u"disk_full";
inline constexpr QStringView Constraint = u"constraint"; // CHECK / NOT NULL / FOREIGN KEY
inline constexpr QStringView Duplicate = u"duplicate"; // UNIQUE
inline constexpr QStringView NotFound = u"not_found";
inline constexpr QStringView ConnectionLost = u"connection_lost";
inline constexpr QStringView CannotConnect = u"cannot_connect";
inline constexpr QStringView SchemaTooNew = u"schema_too_new";
inline constexpr QStringView MigrationFailed = u"migration_failed";
inline constexpr QStringView Unsupported = u"unsupported";
inline constexpr QStringView InvalidInput = u"invalid_input";
inline constexpr QStringView UnknownValue = u"unknown_value"; // a stored name this build does not know
inline constexpr QStringView Sql = u"sql"; // anything else from the driver
} // namespace errc

rt::Error makeError(QStringView code, QString message);

// A stored status, kind or role this build does not know (a newer Roundtable
// wrote it, or the row was edited by hand): an errc::UnknownValue error that
// names the table, the row, the column and the value.
rt::Error unknownValue(QStringView table, qint64 row, QStringView column, const QString &value);

// The enum for a stored name, or unknownValue(); for the row readers.
template<typename E>
rt::Result<E> storedValue(std::optional<E> parsed, QStringView table, qint64 row, QStringView column, const QString &value)
{
    if (parsed)
        return *parsed;
    return unknownValue(table, row, column, value);
}

struct ConnectionOptions {
    int busyTimeoutMs = 5000; // SQLite: how long to wait for another writer
    bool readOnly = false; // SQLite: open without write access (no WAL switch)
    int connectTimeoutSeconds = 5; // PostgreSQL
};

namespace detail {
struct CachedStatement;
}

// One row-set from Database::query(). Finishes (resets) its statement when
// destroyed so SQLite read locks are not held longer than needed.
class Query final {
public:
    Query();
    Query(Query &&other) noexcept;
    Query &operator=(Query &&other) noexcept;
    Query(const Query &) = delete;
    Query &operator=(const Query &) = delete;
    ~Query();

    bool next() const; // const so it works through rt::Result::operator->
    QVariant value(int column) const;
    bool isNull(int column) const;
    QString text(int column) const;
    qint64 integer(int column) const;
    std::optional<qint64> optionalInteger(int column) const;
    double real(int column) const;
    std::optional<double> optionalReal(int column) const;
    bool boolean(int column) const;
    QDateTime time(int column) const; // UTC; null for NULL
    QJsonValue json(int column) const; // NULL -> QJsonValue::Null
    QJsonObject jsonObject(int column) const;
    QStringList jsonStringList(int column) const;

private:
    friend class Database;
    Query(detail::CachedStatement *statement, std::unique_ptr<detail::CachedStatement> owned);
    void release();
    detail::CachedStatement *m_statement = nullptr;
    std::unique_ptr<detail::CachedStatement> m_owned;
};

// Every remaining row of a query through a reader that may refuse a row
// (an unknown stored value); the first refusal is the result.
template<typename T> rt::Result<QList<T>> readRows(const Query &q, rt::Result<T> (*read)(const Query &))
{
    QList<T> list;
    while (q.next()) {
        rt::Result<T> row = read(q);
        if (!row)
            return row.error();
        list.append(std::move(row).value());
    }
    return list;
}

// A connection to the Roundtable database for the calling thread. Create,
// use and destroy it on one thread (Qt's QSqlDatabase rule); every thread that
// needs the database opens its own. Statements are prepared once and cached.
class Database final {
public:
    // Opens the connection and applies the session settings; runs no migrations
    // (see openDatabase() in migrator.h for the full start-up sequence).
    static rt::Result<std::unique_ptr<Database>> connect(const DatabaseLocation &location, const ConnectionOptions &options = {});
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    Dialect dialect() const { return m_location.dialect; }
    bool isSqlite() const { return m_location.isSqlite(); }
    bool isPostgres() const { return !isSqlite(); }
    const DatabaseLocation &location() const { return m_location; }
    QSqlDatabase connection() const;

    // Runs one statement with positional '?' parameters. Strings are cleaned
    // (NUL and lone surrogates become U+FFFD) so every backend accepts them.
    rt::Result<Query> query(const QString &sql, const QVariantList &binds = {});
    rt::Result<int> exec(const QString &sql, const QVariantList &binds = {}); // rows affected
    rt::Result<qint64> insert(const QString &sql, const QVariantList &binds = {}); // "... RETURNING id"
    // One statement without parameters and without caching (DDL, PRAGMA).
    rt::Status execDirect(const QString &sql);

    // Transactions nest: the outermost is BEGIN (BEGIN IMMEDIATE on SQLite, so a
    // writer waits for the lock up front instead of failing on upgrade), inner
    // ones are savepoints.
    rt::Status begin();
    rt::Status commit();
    void rollback();
    int transactionDepth() const { return m_depth; }

    template<typename Fn> auto transaction(Fn &&fn) -> decltype(fn())
    {
        using R = decltype(fn());
        if (auto started = begin(); !started.ok())
            return R(started.error());
        R result = fn();
        if (!result.ok()) {
            rollback();
            return result;
        }
        if (auto committed = commit(); !committed.ok()) {
            rollback();
            return R(committed.error());
        }
        return result;
    }

    // Value helpers for binding.
    QVariant timeValue(const QDateTime &time) const; // NULL for an invalid time
    static QVariant jsonValue(const QJsonValue &value); // compact text; NULL for QJsonValue::Null
    template<typename T> static QVariant nullable(const std::optional<T> &value)
    {
        return value ? QVariant::fromValue(*value) : QVariant();
    }
    static QString cleanText(QString text);

    // The clock used for created_at/updated_at; tests may inject one.
    QDateTime now() const;
    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }

    // PostgreSQL: true after an error that closed the connection; reconnect() tries again.
    bool connectionLost() const { return m_connectionLost; }
    rt::Status reconnect();

    // Turns a driver error into a user-readable rt::Error ("<what> failed: ...").
    rt::Error errorFrom(const QSqlError &error, const QString &what);

private:
    Database(const DatabaseLocation &location, const ConnectionOptions &options, QString connectionName);
    rt::Status openConnection();
    rt::Status applySessionSettings();
    detail::CachedStatement *statement(const QString &sql);
    rt::Result<Query> run(const QString &sql, const QVariantList &binds);
    bool probeConnectionLost();

    DatabaseLocation m_location;
    ConnectionOptions m_options;
    QString m_connectionName;
    std::unordered_map<QString, std::unique_ptr<detail::CachedStatement>> m_statements;
    std::function<QDateTime()> m_clock;
    int m_depth = 0;
    bool m_connectionLost = false;
};

} // namespace rt::storage
