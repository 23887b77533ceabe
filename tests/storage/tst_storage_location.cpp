// Where the database lives: --db, then $ROUNDTABLE_DB, then Settings, then the app data folder.
#include "common/appsettings.h"
#include "storage/databaselocation.h"

#include <QDir>
#include <QSettings>
#include <QStandardPaths>
#include <QtTest/QTest>

using namespace rt::storage;

class TstStorageLocation final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("RoundtableTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_storage_location"));
        QSettings().clear();
    }
    void precedence();
    void parsing();
};

void TstStorageLocation::precedence()
{
    qunsetenv("ROUNDTABLE_DB");
    auto fallback = resolveDatabaseLocation(QString());
    QVERIFY(fallback.ok());
    QVERIFY(fallback->isSqlite());
    QCOMPARE(fallback->sqlitePath,
        QDir::cleanPath(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/roundtable.sqlite")));
    QCOMPARE(fallback->sqlitePath, defaultSqlitePath());

    // The Settings choice comes before the default file, after the environment.
    rt::AppSettings::setValue(rt::AppSettings::Database, QStringLiteral("/tmp/from-settings.sqlite"));
    QCOMPARE(resolveDatabaseLocation(QString())->sqlitePath, QStringLiteral("/tmp/from-settings.sqlite"));
    qputenv("ROUNDTABLE_DB", "/tmp/from-env.sqlite");
    QCOMPARE(resolveDatabaseLocation(QString())->sqlitePath, QStringLiteral("/tmp/from-env.sqlite"));
    QCOMPARE(resolveDatabaseLocation(QStringLiteral("/tmp/from-cli.sqlite"))->sqlitePath, QStringLiteral("/tmp/from-cli.sqlite"));
    qputenv("ROUNDTABLE_DB", "postgresql://team@db.example:6543/roundtable");
    auto pg = resolveDatabaseLocation(QStringLiteral("   "));
    QVERIFY(pg.ok());
    QCOMPARE(pg->dialect, Dialect::Postgres);
    qunsetenv("ROUNDTABLE_DB");
    QSettings().clear();
}

void TstStorageLocation::parsing()
{
    auto pg = parseDatabaseLocation(QStringLiteral("postgresql://al%40ice:p%3Ass@db.local:6543/round_table"));
    QVERIFY(pg.ok());
    QCOMPARE(pg->user, QStringLiteral("al@ice"));
    QCOMPARE(pg->password, QStringLiteral("p:ss"));
    QCOMPARE(pg->host, QStringLiteral("db.local"));
    QCOMPARE(pg->port, 6543);
    QCOMPARE(pg->databaseName, QStringLiteral("round_table"));
    QVERIFY(!pg->displayName().contains(u"p:ss"));
    QCOMPARE(parseDatabaseLocation(QStringLiteral("postgres://h/db"))->port, 5432);

    auto rel = parseDatabaseLocation(QStringLiteral("some/dir/../x.sqlite"));
    QVERIFY(rel.ok());
    QCOMPARE(rel->sqlitePath, QDir::current().absoluteFilePath(QStringLiteral("some/x.sqlite")));
    QCOMPARE(parseDatabaseLocation(QStringLiteral("~/r.sqlite"))->sqlitePath, QDir::homePath() + QStringLiteral("/r.sqlite"));
    QCOMPARE(parseDatabaseLocation(QStringLiteral("sqlite:///tmp/a.db"))->sqlitePath, QStringLiteral("/tmp/a.db"));
    QCOMPARE(parseDatabaseLocation(QStringLiteral(":memory:"))->sqlitePath, QStringLiteral(":memory:"));
    QVERIFY(!parseDatabaseLocation(QString()).ok());
    QVERIFY(!parseDatabaseLocation(QStringLiteral("postgresql://")).ok());
    QVERIFY(!parseDatabaseLocation(QStringLiteral("http://example.com/db")).ok());
}

QTEST_GUILESS_MAIN(TstStorageLocation)
#include "tst_storage_location.moc"
