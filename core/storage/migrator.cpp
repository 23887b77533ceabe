#include "migrator.h"

#include "common/logging.h"
#include "common/translate.h"
#include "maintenance.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <algorithm>

namespace rt::storage {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::storage)
};

bool isWordChar(QChar c)
{
    return c.isLetterOrNumber() || c == u'_';
}
} // namespace

QList<Migration> builtinMigrations(Dialect dialect)
{
    const QString dirPath = dialect == Dialect::Sqlite ? QStringLiteral(":/storage/sqlite") : QStringLiteral(":/storage/postgresql");
    static const QRegularExpression pattern(QStringLiteral("^(\\d+)_([A-Za-z0-9_]+)\\.sql$"));
    QList<Migration> list;
    const QStringList files = QDir(dirPath).entryList({ QStringLiteral("*.sql") }, QDir::Files, QDir::Name);
    for (const QString &file : files) {
        const QRegularExpressionMatch match = pattern.match(file);
        if (!match.hasMatch()) {
            qCWarning(lcStorage) << "ignoring migration with an unexpected name:" << file;
            continue;
        }
        QFile f(QDir(dirPath).filePath(file));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        list.append(Migration { match.captured(1).toInt(), match.captured(2), QString::fromUtf8(f.readAll()) });
    }
    std::sort(list.begin(), list.end(), [](const Migration &a, const Migration &b) { return a.version < b.version; });
    return list;
}

QStringList splitSqlStatements(const QString &script)
{
    QStringList statements;
    QString current;
    const qsizetype n = script.size();
    int blockDepth = 0; // BEGIN/CASE ... END inside CREATE TRIGGER
    bool inTrigger = false;
    QString lastWords; // recent keywords of the current statement
    auto flush = [&] {
        const QString trimmed = current.trimmed();
        if (!trimmed.isEmpty())
            statements.append(trimmed);
        current.clear();
        blockDepth = 0;
        inTrigger = false;
        lastWords.clear();
    };
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = script.at(i);
        if (c == u'-' && i + 1 < n && script.at(i + 1) == u'-') { // line comment
            while (i < n && script.at(i) != u'\n')
                ++i;
            current += u'\n';
            continue;
        }
        if (c == u'/' && i + 1 < n && script.at(i + 1) == u'*') { // block comment
            const qsizetype end = script.indexOf(QStringLiteral("*/"), i + 2);
            i = end < 0 ? n : end + 1;
            current += u' ';
            continue;
        }
        if (c == u'\'' || c == u'"') { // quoted text or identifier; doubled quote escapes
            const qsizetype start = i;
            ++i;
            while (i < n) {
                if (script.at(i) == c) {
                    if (i + 1 < n && script.at(i + 1) == c) {
                        i += 2;
                        continue;
                    }
                    break;
                }
                ++i;
            }
            current += script.mid(start, i - start + 1);
            continue;
        }
        if (c == u'$') { // PostgreSQL dollar quoting: $tag$ ... $tag$
            qsizetype j = i + 1;
            while (j < n && isWordChar(script.at(j)))
                ++j;
            if (j < n && script.at(j) == u'$') {
                const QString tag = script.mid(i, j - i + 1);
                const qsizetype end = script.indexOf(tag, j + 1);
                const qsizetype stop = end < 0 ? n : end + tag.size();
                current += script.mid(i, stop - i);
                i = stop - 1;
                continue;
            }
        }
        if (isWordChar(c) && (i == 0 || !isWordChar(script.at(i - 1)))) {
            qsizetype j = i;
            while (j < n && isWordChar(script.at(j)))
                ++j;
            const QString word = script.mid(i, j - i).toUpper();
            if (!inTrigger) {
                lastWords = (lastWords + u' ' + word).right(40);
                if (lastWords.contains(u"CREATE TRIGGER") || lastWords.contains(u"CREATE TEMP TRIGGER"))
                    inTrigger = true;
            } else if (word == u"BEGIN" || word == u"CASE") {
                ++blockDepth;
            } else if (word == u"END") {
                --blockDepth;
            }
            current += script.mid(i, j - i);
            i = j - 1;
            continue;
        }
        if (c == u';' && !(inTrigger && blockDepth > 0)) {
            flush();
            continue;
        }
        current += c;
    }
    flush();
    return statements;
}

// ---------------------------------------------------------------- Migrator

Migrator::Migrator(Database &db, QList<Migration> migrations)
    : m_db(db)
    , m_migrations(std::move(migrations))
{
    std::sort(m_migrations.begin(), m_migrations.end(), [](const Migration &a, const Migration &b) { return a.version < b.version; });
}

int Migrator::latestVersion() const
{
    return m_migrations.isEmpty() ? 0 : m_migrations.last().version;
}

rt::Status Migrator::ensureVersionTable()
{
    const QString sql = m_db.isSqlite()
        ? QStringLiteral(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
        : QStringLiteral(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)");
    return m_db.execDirect(sql);
}

rt::Result<int> Migrator::currentVersion()
{
    const QString exists = m_db.isSqlite()
        ? QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")
        : QStringLiteral(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_version'");
    auto q = m_db.query(exists);
    if (!q.ok())
        return q.error();
    if (!q->next() || q->integer(0) == 0)
        return 0;
    q = m_db.query(QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_version"));
    if (!q.ok())
        return q.error();
    return q->next() ? int(q->integer(0)) : 0;
}

rt::Result<MigrationReport> Migrator::migrate()
{
    auto version = currentVersion();
    if (!version.ok())
        return version.error();
    MigrationReport report;
    report.fromVersion = *version;
    report.toVersion = *version;
    if (*version > latestVersion()) {
        return makeError(errc::SchemaTooNew,
            Tr::tr("The database %1 was created by a newer version of Roundtable (schema %2; this version knows up to %3). It was left "
                   "untouched. Update Roundtable, or use another database with --db.")
                .arg(m_db.location().displayName())
                .arg(*version)
                .arg(latestVersion()));
    }
    QList<Migration> pending;
    for (const Migration &m : std::as_const(m_migrations)) {
        if (m.version > *version)
            pending.append(m);
    }
    if (pending.isEmpty())
        return report;

    const QString applyError = Tr::tr("Updating the database schema");
    auto result = m_db.transaction([&]() -> rt::Result<MigrationReport> {
        if (m_db.isPostgres()) {
            // Two apps starting at once against one server: the second waits here.
            if (auto locked = m_db.execDirect(QStringLiteral("SELECT pg_advisory_xact_lock(7262731)")); !locked.ok())
                return locked.error();
        }
        if (auto created = ensureVersionTable(); !created.ok())
            return created.error();
        // Re-read under the lock: another process may have migrated meanwhile.
        auto now = currentVersion();
        if (!now.ok())
            return now.error();
        MigrationReport inner;
        inner.fromVersion = *now;
        inner.toVersion = *now;
        for (const Migration &m : std::as_const(pending)) {
            if (m.version <= *now)
                continue;
            const QStringList statements = splitSqlStatements(m.sql);
            for (const QString &statement : statements) {
                if (auto done = m_db.execDirect(statement); !done.ok()) {
                    return makeError(errc::MigrationFailed,
                        Tr::tr("Updating the database to schema %1 (%2) failed, so nothing was changed: %3")
                            .arg(m.version)
                            .arg(m.name, done.error().message));
                }
            }
            auto recorded = m_db.exec(QStringLiteral("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)"),
                { m.version, m.name, m_db.timeValue(m_db.now()) });
            if (!recorded.ok())
                return recorded.error();
            inner.applied.append(QStringLiteral("%1_%2").arg(m.version, 4, 10, QLatin1Char('0')).arg(m.name));
            inner.toVersion = m.version;
        }
        return inner;
    });
    if (!result.ok()) {
        if (result.error().code == errc::MigrationFailed || result.error().code == errc::Locked)
            return result.error();
        return makeError(errc::MigrationFailed, Tr::tr("%1 failed, so nothing was changed: %2").arg(applyError, result.error().message));
    }
    if (!result->applied.isEmpty())
        qCDebug(lcStorage) << "schema migrated from" << result->fromVersion << "to" << result->toVersion << result->applied;
    return result;
}

rt::Result<OpenedDatabase> openDatabase(const DatabaseLocation &location, const OpenOptions &options)
{
    auto connected = Database::connect(location, options.connection);
    if (!connected.ok())
        return connected.error();
    OpenedDatabase opened;
    opened.database = std::move(connected.value());
    opened.report.location = location;
    Database &db = *opened.database;

    Migrator migrator(db, options.migrations ? *options.migrations : builtinMigrations(location.dialect));
    if (options.migrate) {
        auto migrated = migrator.migrate();
        if (!migrated.ok())
            return migrated.error();
        opened.report.migration = *migrated;
        opened.report.schemaVersion = migrated->toVersion;
    } else {
        auto version = migrator.currentVersion();
        if (!version.ok())
            return version.error();
        if (*version > migrator.latestVersion()) {
            return makeError(errc::SchemaTooNew,
                QCoreApplication::translate("rt::storage",
                    "The database %1 was created by a newer version of Roundtable (schema %2; this version knows up to %3). Update "
                    "Roundtable, or use another database with --db.")
                    .arg(location.displayName())
                    .arg(*version)
                    .arg(migrator.latestVersion()));
        }
        if (*version < migrator.latestVersion()) {
            return makeError(errc::MigrationFailed,
                QCoreApplication::translate("rt::storage",
                    "The database %1 uses an older schema (%2) and was opened read-only, so it cannot be updated. Run Roundtable once "
                    "without read-only access to update it.")
                    .arg(location.displayName())
                    .arg(*version));
        }
        opened.report.schemaVersion = *version;
    }
    if (options.recover) {
        auto counts = Maintenance(db).markInterrupted(options.staleAfterSeconds);
        if (!counts.ok())
            return counts.error();
        opened.report.interrupted = *counts;
        if (counts->total() > 0)
            qCDebug(lcStorage) << "marked interrupted after an unclean exit: messages" << counts->messages << "turns" << counts->turns
                               << "debates" << counts->debates << "tasks" << counts->tasks;
    }
    return opened;
}

} // namespace rt::storage
