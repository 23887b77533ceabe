#include "databaselocation.h"

#include "common/appsettings.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QUrl>

namespace rt::storage {

QString DatabaseLocation::displayName() const
{
    if (isSqlite())
        return sqlitePath;
    QString text = QStringLiteral("postgresql://");
    if (!user.isEmpty())
        text += user + u'@';
    return text + host + u':' + QString::number(port) + u'/' + databaseName;
}

QString defaultSqlitePath()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return QDir(dir).filePath(QStringLiteral("roundtable.sqlite"));
}

rt::Result<DatabaseLocation> parseDatabaseLocation(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) {
        return rt::Error { QStringLiteral("usage"),
            QCoreApplication::translate("rt::storage", "No database given. Pass a SQLite file path or a postgresql:// URL.") };
    }
    DatabaseLocation location;
    if (trimmed.startsWith(u"postgresql://") || trimmed.startsWith(u"postgres://")) {
        const QUrl url(trimmed, QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty() || url.path().size() < 2) {
            return rt::Error { QStringLiteral("usage"),
                QCoreApplication::translate(
                    "rt::storage", "\"%1\" is not a valid PostgreSQL URL. Use postgresql://user:password@host:port/database.")
                    .arg(url.isValid() ? url.toDisplayString(QUrl::RemovePassword) : QStringLiteral("(invalid)")) };
        }
        location.dialect = Dialect::Postgres;
        location.host = url.host();
        location.port = url.port(5432);
        location.user = url.userName(QUrl::FullyDecoded);
        location.password = url.password(QUrl::FullyDecoded);
        location.databaseName = url.path(QUrl::FullyDecoded).mid(1);
        return location;
    }
    if (trimmed.startsWith(u"sqlite://"))
        return parseDatabaseLocation(trimmed.mid(9));
    if (trimmed.contains(u"://")) {
        return rt::Error { QStringLiteral("usage"),
            QCoreApplication::translate(
                "rt::storage", "Unsupported database URL \"%1\". Use a SQLite file path or postgresql://user:password@host:port/database.")
                .arg(trimmed.section(u'@', -1)) };
    }
    location.dialect = Dialect::Sqlite;
    if (trimmed == u":memory:") {
        location.sqlitePath = trimmed;
        return location;
    }
    QString path = trimmed;
    if (path == u"~" || path.startsWith(u"~/"))
        path = QDir::homePath() + path.mid(1);
    location.sqlitePath = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
    return location;
}

rt::Result<DatabaseLocation> resolveDatabaseLocation(const QString &cliValue)
{
    if (!cliValue.trimmed().isEmpty())
        return parseDatabaseLocation(cliValue);
    const QString env = qEnvironmentVariable("ROUNDTABLE_DB");
    if (!env.trimmed().isEmpty())
        return parseDatabaseLocation(env);
    // The window's Settings (Database), shared by the command line.
    const QString saved = rt::AppSettings::value(rt::AppSettings::Database).toString();
    if (!saved.trimmed().isEmpty())
        return parseDatabaseLocation(saved);
    return parseDatabaseLocation(defaultSqlitePath());
}

} // namespace rt::storage
