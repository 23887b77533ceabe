#include "connectioncheck.h"

#include "common/translate.h"
#include "database.h"
#include "migrator.h"

#include <QDir>
#include <QFileInfo>
#include <algorithm>

namespace rt::storage {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::storage)
};
} // namespace

QString ConnectionCheck::summary() const
{
    if (willCreate)
        return Tr::tr("%1 — the file does not exist yet; Roundtable creates it on first use.").arg(server);
    if (schemaVersion == 0)
        return Tr::tr("%1 — empty database; Roundtable sets it up on first use.").arg(server);
    if (schemaVersion > latestVersion)
        return Tr::tr("%1 — written by a newer Roundtable (schema %2, this one knows %3); it would be refused.")
            .arg(server)
            .arg(schemaVersion)
            .arg(latestVersion);
    return Tr::tr("%1 — %n conversation(s), ", nullptr, int(conversations)).arg(server) + Tr::tr("%n debate(s).", nullptr, int(debates));
}

namespace {

rt::Result<qint64> count(Database &db, const QString &table)
{
    auto q = db.query(QStringLiteral("SELECT COUNT(*) FROM %1").arg(table));
    if (!q)
        return q.error();
    return q->next() ? q->integer(0) : 0;
}

} // namespace

rt::Result<ConnectionCheck> checkConnection(const DatabaseLocation &location, int connectTimeoutSeconds)
{
    ConnectionCheck check;
    for (const Migration &migration : builtinMigrations(location.dialect))
        check.latestVersion = std::max(check.latestVersion, migration.version);
    ConnectionOptions options;
    options.connectTimeoutSeconds = connectTimeoutSeconds;
    if (location.isSqlite() && location.sqlitePath != u":memory:") {
        const QFileInfo file(location.sqlitePath);
        if (!file.exists()) {
            const QFileInfo folder(file.absolutePath());
            if (!folder.exists() && !QDir().mkpath(folder.absoluteFilePath()))
                return rt::Error(Tr::tr("The folder %1 does not exist and cannot be created.").arg(folder.absoluteFilePath()));
            if (!QFileInfo(file.absolutePath()).isWritable())
                return rt::Error(Tr::tr("The folder %1 is not writable.").arg(file.absolutePath()));
            check.server = QStringLiteral("SQLite");
            check.willCreate = true;
            return check;
        }
        if (file.isDir())
            return rt::Error(Tr::tr("%1 is a folder, not a database file.").arg(location.sqlitePath));
        options.readOnly = true; // asking changes nothing
    }
    auto connected = Database::connect(location, options);
    if (!connected)
        return connected.error();
    Database &db = **connected;
    auto version = db.query(
        location.isSqlite() ? QStringLiteral("SELECT sqlite_version()") : QStringLiteral("SELECT current_setting('server_version')"));
    if (!version)
        return version.error();
    const QString number = version->next() ? version->text(0).section(u' ', 0, 0) : QString();
    check.server = location.isSqlite() ? QStringLiteral("SQLite %1").arg(number) : QStringLiteral("PostgreSQL %1").arg(number);

    auto current = Migrator(db, builtinMigrations(location.dialect)).currentVersion();
    if (!current)
        return current.error();
    check.schemaVersion = *current;
    if (check.schemaVersion > 0 && check.schemaVersion <= check.latestVersion) {
        auto conversations = count(db, QStringLiteral("conversations"));
        auto debates = count(db, QStringLiteral("debates"));
        if (!conversations)
            return conversations.error();
        if (!debates)
            return debates.error();
        check.conversations = *conversations;
        check.debates = *debates;
    }
    return check;
}

} // namespace rt::storage
