#include "database.h"

#include "common/logging.h"
#include "common/translate.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDriver>
#include <QSqlError>

namespace rt::storage {

namespace detail {
struct CachedStatement {
    explicit CachedStatement(const QSqlDatabase &db)
        : query(db)
    {
        query.setForwardOnly(true);
    }
    QSqlQuery query;
    bool prepared = false;
    bool busy = false;
};
} // namespace detail

namespace {

struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::storage)
};

QAtomicInteger<quint64> g_connectionCounter; // names must be unique per process

QJsonValue cleanJson(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return Database::cleanText(value.toString());
    case QJsonValue::Array: {
        QJsonArray array;
        for (const QJsonValue &item : value.toArray())
            array.append(cleanJson(item));
        return array;
    }
    case QJsonValue::Object: {
        QJsonObject object;
        const QJsonObject source = value.toObject();
        for (auto it = source.begin(); it != source.end(); ++it)
            object.insert(Database::cleanText(it.key()), cleanJson(it.value()));
        return object;
    }
    default:
        return value;
    }
}

QJsonValue parseJson(const QString &text)
{
    if (text.isEmpty())
        return QJsonValue::Null;
    // Wrapped in an array so scalars parse too.
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray("[") + text.toUtf8() + QByteArray("]"));
    if (!doc.isArray() || doc.array().isEmpty())
        return QJsonValue::Null;
    return doc.array().at(0);
}

} // namespace

rt::Error makeError(QStringView code, QString message)
{
    return rt::Error { code.toString(), std::move(message) };
}

Error unknownValue(QStringView table, qint64 row, QStringView column, const QString &value)
{
    return makeError(errc::UnknownValue,
        Tr::tr("Row %1 of table %2 has %3 “%4”, which this version of Roundtable does not know. A newer "
               "version may have written it: update Roundtable, or correct that row.")
            .arg(row)
            .arg(table, column, value));
}

// ---------------------------------------------------------------- Query

Query::Query(detail::CachedStatement *statement, std::unique_ptr<detail::CachedStatement> owned)
    : m_statement(statement)
    , m_owned(std::move(owned))
{
}

Query::Query() = default;

Query::Query(Query &&other) noexcept
    : m_statement(std::exchange(other.m_statement, nullptr))
    , m_owned(std::move(other.m_owned))
{
}

Query &Query::operator=(Query &&other) noexcept
{
    if (this != &other) {
        release();
        m_statement = std::exchange(other.m_statement, nullptr);
        m_owned = std::move(other.m_owned);
    }
    return *this;
}

Query::~Query()
{
    release();
}

void Query::release()
{
    if (m_statement) {
        m_statement->query.finish();
        m_statement->busy = false;
        m_statement = nullptr;
    }
    m_owned.reset();
}

bool Query::next() const
{
    return m_statement && m_statement->query.next();
}

QVariant Query::value(int column) const
{
    return m_statement ? m_statement->query.value(column) : QVariant();
}

bool Query::isNull(int column) const
{
    return !m_statement || m_statement->query.isNull(column);
}

QString Query::text(int column) const
{
    return value(column).toString();
}

qint64 Query::integer(int column) const
{
    return value(column).toLongLong();
}

std::optional<qint64> Query::optionalInteger(int column) const
{
    if (isNull(column))
        return std::nullopt;
    return value(column).toLongLong();
}

double Query::real(int column) const
{
    return value(column).toDouble();
}

std::optional<double> Query::optionalReal(int column) const
{
    if (isNull(column))
        return std::nullopt;
    return value(column).toDouble();
}

bool Query::boolean(int column) const
{
    const QVariant v = value(column);
    if (v.typeId() == QMetaType::QString)
        return v.toString() == u"t" || v.toString() == u"true" || v.toString() == u"1";
    return v.toBool();
}

QDateTime Query::time(int column) const
{
    if (isNull(column))
        return {};
    const QVariant v = value(column);
    if (v.typeId() == QMetaType::QDateTime)
        return v.toDateTime().toUTC();
    QString text = v.toString();
    // PostgreSQL text form "2024-01-02 03:04:05.678+00"; SQLite stores ISO 8601 with Z.
    if (text.size() > 10 && text.at(10) == u' ')
        text[10] = u'T';
    if (text.endsWith(u"+00"))
        text = text.left(text.size() - 3) + u'Z';
    QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid())
        time = QDateTime::fromString(text, Qt::ISODate);
    return time.toUTC();
}

QJsonValue Query::json(int column) const
{
    if (isNull(column))
        return QJsonValue::Null;
    return parseJson(text(column));
}

QJsonObject Query::jsonObject(int column) const
{
    return json(column).toObject();
}

QStringList Query::jsonStringList(int column) const
{
    QStringList list;
    for (const QJsonValue &item : json(column).toArray())
        list.append(item.toString());
    return list;
}

// ---------------------------------------------------------------- Database

Database::Database(const DatabaseLocation &location, const ConnectionOptions &options, QString connectionName)
    : m_location(location)
    , m_options(options)
    , m_connectionName(std::move(connectionName))
{
}

Database::~Database()
{
    m_statements.clear(); // queries must go before the connection
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

QSqlDatabase Database::connection() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

rt::Result<std::unique_ptr<Database>> Database::connect(const DatabaseLocation &location, const ConnectionOptions &options)
{
    const QString name = QStringLiteral("rt-storage-%1").arg(++g_connectionCounter);
    const QString driver = location.isSqlite() ? QStringLiteral("QSQLITE") : QStringLiteral("QPSQL");
    if (!QSqlDatabase::isDriverAvailable(driver)) {
        return makeError(errc::Unsupported,
            Tr::tr("The Qt database driver %1 is not installed. Install the package libqt6sql6-%2 and try again.")
                .arg(driver, location.isSqlite() ? QStringLiteral("sqlite") : QStringLiteral("psql")));
    }
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(driver, name);
        if (location.isSqlite()) {
            db.setDatabaseName(location.sqlitePath);
            QString connectOptions = QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(options.busyTimeoutMs);
            if (options.readOnly)
                connectOptions += QStringLiteral(";QSQLITE_OPEN_READONLY");
            db.setConnectOptions(connectOptions);
        } else {
            db.setHostName(location.host);
            db.setPort(location.port);
            db.setUserName(location.user);
            db.setPassword(location.password);
            db.setDatabaseName(location.databaseName);
            db.setConnectOptions(QStringLiteral("connect_timeout=%1;application_name=roundtable").arg(options.connectTimeoutSeconds));
        }
    }
    std::unique_ptr<Database> database(new Database(location, options, name));

    if (location.isSqlite() && location.sqlitePath != u":memory:") {
        const QFileInfo info(location.sqlitePath);
        if (info.exists() && !info.isFile()) {
            return makeError(errc::CannotOpen,
                Tr::tr("Cannot open the database %1: it is a folder or a device, not a file. Choose a file path with --db.")
                    .arg(location.sqlitePath));
        }
        if (!info.exists() && !options.readOnly && !QDir().mkpath(info.absolutePath())) {
            return makeError(errc::CannotOpen,
                Tr::tr("Cannot create the folder %1 for the database. Check its permissions or choose another location with --db or "
                       "ROUNDTABLE_DB.")
                    .arg(info.absolutePath()));
        }
        if (!info.exists() && options.readOnly) {
            return makeError(errc::NotFound,
                Tr::tr("There is no database at %1 yet. Check the path, or run roundtable once to create it.").arg(location.sqlitePath));
        }
    }
    if (auto opened = database->openConnection(); !opened.ok())
        return opened.error();
    return database;
}

rt::Status Database::openConnection()
{
    QSqlDatabase db = connection();
    if (!db.open()) {
        const QSqlError error = db.lastError();
        if (isSqlite())
            return errorFrom(error, Tr::tr("Opening the database %1").arg(m_location.sqlitePath));
        return makeError(errc::CannotConnect,
            Tr::tr(
                "Cannot connect to PostgreSQL at %1: %2. Check that the server is running and that the URL, user and password are right.")
                .arg(m_location.displayName(), error.text().trimmed()));
    }
    return applySessionSettings();
}

rt::Status Database::applySessionSettings()
{
    if (isSqlite()) {
        // Fails with "file is not a database" for a foreign file, so do it first.
        if (auto probe = query(QStringLiteral("SELECT count(*) FROM sqlite_master")); !probe.ok())
            return probe.error();
        if (!m_options.readOnly && m_location.sqlitePath != u":memory:") {
            auto mode = query(QStringLiteral("PRAGMA journal_mode=WAL"));
            if (!mode.ok())
                return mode.error();
        }
        // WAL + synchronous=NORMAL: a commit is durable against an application
        // crash (the WAL is written before COMMIT returns); only an OS crash or
        // power loss can roll back the last few commits, never corrupt the file.
        // FULL would fsync on every commit, which makes the 2 s checkpoints of a
        // streamed reply cost a disk flush each for little real gain.
        for (const char *pragma : { "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON", "PRAGMA temp_store=MEMORY" }) {
            if (auto done = execDirect(QString::fromLatin1(pragma)); !done.ok())
                return done;
        }
        return {};
    }
    for (const char *setting : { "SET TIME ZONE 'UTC'", "SET client_min_messages TO WARNING" }) {
        if (auto done = execDirect(QString::fromLatin1(setting)); !done.ok())
            return done;
    }
    return {};
}

rt::Status Database::reconnect()
{
    m_statements.clear();
    m_depth = 0;
    QSqlDatabase db = connection();
    db.close();
    if (auto opened = openConnection(); !opened.ok())
        return opened;
    m_connectionLost = false;
    return {};
}

detail::CachedStatement *Database::statement(const QString &sql)
{
    auto it = m_statements.find(sql);
    if (it != m_statements.end())
        return it->second->busy ? nullptr : it->second.get();
    return m_statements.emplace(sql, std::make_unique<detail::CachedStatement>(connection())).first->second.get();
}

rt::Result<Query> Database::run(const QString &sql, const QVariantList &binds)
{
    detail::CachedStatement *st = statement(sql);
    std::unique_ptr<detail::CachedStatement> spare; // the cached one is still being read (nested use)
    if (!st) {
        spare = std::make_unique<detail::CachedStatement>(connection());
        st = spare.get();
    }
    if (!st->prepared) {
        if (!st->query.prepare(sql))
            return errorFrom(st->query.lastError(), Tr::tr("Preparing a statement"));
        st->prepared = true;
    }
    for (qsizetype i = 0; i < binds.size(); ++i) {
        const QVariant &value = binds.at(i);
        if (value.typeId() == QMetaType::QString) {
            // A null QString would bind as SQL NULL; text columns are NOT NULL.
            const QString text = value.toString();
            st->query.bindValue(int(i), text.isNull() ? QStringLiteral("") : cleanText(text));
        } else
            st->query.bindValue(int(i), value);
    }
    if (!st->query.exec()) {
        const QSqlError error = st->query.lastError();
        st->query.finish();
        return errorFrom(error, Tr::tr("A database statement"));
    }
    st->busy = true;
    return Query(st, std::move(spare));
}

rt::Result<Query> Database::query(const QString &sql, const QVariantList &binds)
{
    return run(sql, binds);
}

rt::Result<int> Database::exec(const QString &sql, const QVariantList &binds)
{
    auto q = run(sql, binds);
    if (!q.ok())
        return q.error();
    return q->m_statement->query.numRowsAffected();
}

rt::Result<qint64> Database::insert(const QString &sql, const QVariantList &binds)
{
    auto q = run(sql, binds);
    if (!q.ok())
        return q.error();
    if (!q->next())
        return makeError(errc::Sql, Tr::tr("The database did not return the id of the new row."));
    return q->integer(0);
}

rt::Status Database::execDirect(const QString &sql)
{
    QSqlQuery q(connection());
    if (!q.exec(sql))
        return errorFrom(q.lastError(), Tr::tr("A database statement"));
    return {};
}

rt::Status Database::begin()
{
    QString sql;
    if (m_depth == 0)
        sql = isSqlite() ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN");
    else
        sql = QStringLiteral("SAVEPOINT rt_sp%1").arg(m_depth);
    if (auto done = execDirect(sql); !done.ok())
        return done;
    ++m_depth;
    return {};
}

rt::Status Database::commit()
{
    if (m_depth <= 0)
        return makeError(errc::Sql, Tr::tr("Commit without a transaction (a bug in Roundtable)."));
    const QString sql = m_depth == 1 ? QStringLiteral("COMMIT") : QStringLiteral("RELEASE SAVEPOINT rt_sp%1").arg(m_depth - 1);
    if (auto done = execDirect(sql); !done.ok())
        return done; // the caller rolls back
    --m_depth;
    return {};
}

void Database::rollback()
{
    if (m_depth <= 0)
        return;
    if (m_depth == 1) {
        QSqlQuery(connection()).exec(QStringLiteral("ROLLBACK"));
    } else {
        QSqlQuery q(connection());
        q.exec(QStringLiteral("ROLLBACK TO SAVEPOINT rt_sp%1").arg(m_depth - 1));
        q.exec(QStringLiteral("RELEASE SAVEPOINT rt_sp%1").arg(m_depth - 1));
    }
    --m_depth;
}

QVariant Database::timeValue(const QDateTime &time) const
{
    if (!time.isValid())
        return QVariant();
    // Fixed-width ISO 8601 in UTC: sorts as text in SQLite, casts to timestamptz in PostgreSQL.
    return time.toUTC().toString(Qt::ISODateWithMs);
}

QVariant Database::jsonValue(const QJsonValue &value)
{
    if (value.isNull() || value.isUndefined())
        return QVariant();
    QJsonArray wrapper { cleanJson(value) };
    QByteArray text = QJsonDocument(wrapper).toJson(QJsonDocument::Compact);
    // strip the wrapping brackets
    return QString::fromUtf8(text.mid(1, text.size() - 2));
}

QString Database::cleanText(QString text)
{
    // PostgreSQL rejects NUL in text and both backends mangle unpaired surrogates;
    // replace them so a stray byte from a model never makes a message unsavable.
    const qsizetype n = text.size();
    const QChar *data = text.constData();
    qsizetype i = 0;
    for (; i < n; ++i) {
        const QChar c = data[i];
        if (c.unicode() == 0 || c.isSurrogate())
            break;
    }
    if (i == n)
        return text;
    QChar *out = text.data();
    for (; i < n; ++i) {
        const QChar c = out[i];
        if (c.unicode() == 0) {
            out[i] = QChar(QChar::ReplacementCharacter);
        } else if (c.isHighSurrogate()) {
            if (i + 1 < n && out[i + 1].isLowSurrogate())
                ++i;
            else
                out[i] = QChar(QChar::ReplacementCharacter);
        } else if (c.isLowSurrogate()) {
            out[i] = QChar(QChar::ReplacementCharacter);
        }
    }
    return text;
}

QDateTime Database::now() const
{
    QDateTime t = m_clock ? m_clock() : QDateTime::currentDateTimeUtc();
    t = t.toUTC();
    return t;
}

bool Database::probeConnectionLost()
{
    QSqlQuery probe(connection());
    if (probe.exec(QStringLiteral("SELECT 1")))
        return false;
    const QString code = probe.lastError().nativeErrorCode();
    return code != u"25P02"; // "current transaction is aborted": connection alive
}

rt::Error Database::errorFrom(const QSqlError &error, const QString &what)
{
    const QString native = error.nativeErrorCode();
    const QString detail = error.text().trimmed();
    // The caller gets the error as a Result; log for --verbose only.
    qCDebug(lcStorage).noquote() << what << "failed:" << detail << "(native code" << native << ")";
    if (isSqlite()) {
        const QString path = m_location.sqlitePath;
        // Primary SQLite result codes (the driver reports extended ones), see sqlite3.h
        switch (native.toInt() & 0xff) {
        case 5: // SQLITE_BUSY
        case 6: // SQLITE_LOCKED
            return makeError(errc::Locked,
                Tr::tr(
                    "The database %1 is locked by another program (perhaps another Roundtable window or command). Close it or wait for it "
                    "to finish, then try again.")
                    .arg(path));
        case 26: // SQLITE_NOTADB
            return makeError(errc::NotADatabase,
                Tr::tr("The file %1 is not a Roundtable database, or it is damaged. Choose another file with --db, or restore a backup.")
                    .arg(path));
        case 11: // SQLITE_CORRUPT
            return makeError(errc::Corrupt,
                Tr::tr("The database %1 is damaged (%2). Run 'roundtable db check', and restore a backup if it reports problems.")
                    .arg(path, detail));
        case 14: // SQLITE_CANTOPEN
            return makeError(errc::CannotOpen,
                Tr::tr("Cannot open the database %1: the file or its folder is missing or not writable. Check the permissions, or choose "
                       "another location with --db or ROUNDTABLE_DB.")
                    .arg(path));
        case 8: // SQLITE_READONLY
            return makeError(errc::ReadOnly,
                Tr::tr("Cannot write to the database %1: it or its folder is read-only. Check the permissions, or choose another location "
                       "with "
                       "--db.")
                    .arg(path));
        case 13: // SQLITE_FULL
            return makeError(errc::DiskFull, Tr::tr("The disk holding %1 is full. Free some space and try again.").arg(path));
        case 19: // SQLITE_CONSTRAINT
            if (detail.contains(u"UNIQUE", Qt::CaseInsensitive))
                return makeError(errc::Duplicate, Tr::tr("%1 failed: an entry with the same name or key already exists.").arg(what));
            return makeError(errc::Constraint, Tr::tr("%1 failed: the data was rejected as invalid (%2).").arg(what, detail));
        default:
            break;
        }
        return makeError(errc::Sql, Tr::tr("%1 failed: %2").arg(what, detail));
    }

    // PostgreSQL: SQLSTATE codes
    if (native == u"23505")
        return makeError(errc::Duplicate, Tr::tr("%1 failed: an entry with the same name or key already exists.").arg(what));
    if (native.startsWith(u"23"))
        return makeError(errc::Constraint, Tr::tr("%1 failed: the data was rejected as invalid (%2).").arg(what, detail));
    if (native == u"53100")
        return makeError(errc::DiskFull, Tr::tr("The PostgreSQL server's disk is full. Ask its administrator to free space."));
    const bool lost = native.startsWith(u"08") || native.startsWith(u"57P0") || error.type() == QSqlError::ConnectionError
        || ((native.isEmpty() || native.startsWith(u"XX")) && probeConnectionLost());
    if (lost) {
        m_connectionLost = true;
        return makeError(errc::ConnectionLost,
            Tr::tr("The connection to PostgreSQL at %1 was lost. Roundtable keeps unsaved changes and reconnects automatically.")
                .arg(m_location.displayName()));
    }
    return makeError(errc::Sql, Tr::tr("%1 failed: %2").arg(what, detail));
}

} // namespace rt::storage
