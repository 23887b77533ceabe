// Schema migrations: fresh database, upgrade from every earlier version,
// refusal of a newer schema, and rollback of a failed migration. Runs the
// built-in migrations and an injected test-only set, on SQLite and PostgreSQL.
#include "pgtest.h"
#include "storage/database.h"
#include "storage/migrator.h"
#include "tempdatabase.h"

#include <QCryptographicHash>
#include <QFile>
#include <QtTest/QTest>

using namespace rt::storage;

class TstStorageMigrations final : public QObject {
    Q_OBJECT

private slots:
    void splitStatements();
    void builtinSetsAreConsistent();
    void freshDatabase_data() { rt::test::addBackendRows(); }
    void freshDatabase();
    void upgradeFromEveryEarlierVersion_data() { rt::test::addBackendRows(); }
    void upgradeFromEveryEarlierVersion();
    void builtinUpgradeFromEveryEarlierVersion_data() { rt::test::addBackendRows(); }
    void builtinUpgradeFromEveryEarlierVersion();
    void newerVersionIsRefused_data() { rt::test::addBackendRows(); }
    void newerVersionIsRefused();
    void failedMigrationRollsBack_data() { rt::test::addBackendRows(); }
    void failedMigrationRollsBack();
    void sqliteFileUnchangedByRefusal();

private:
    static QList<Migration> testSet(int upTo, bool broken = false);
    static QStringList tables(Database &db);
};

QList<Migration> TstStorageMigrations::testSet(int upTo, bool broken)
{
    QList<Migration> all {
        { 1, QStringLiteral("notes"),
            QStringLiteral("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\n"
                           "INSERT INTO notes (id, body) VALUES (1, 'first; with a semicolon');") },
        { 2, QStringLiteral("tags"),
            QStringLiteral("CREATE TABLE tags (note_id INTEGER NOT NULL REFERENCES notes (id), tag TEXT NOT NULL);\n"
                           "-- a comment; with a semicolon\n"
                           "INSERT INTO tags VALUES (1, 'a');") },
        { 3, QStringLiteral("notes_title"),
            QStringLiteral("ALTER TABLE notes ADD COLUMN title TEXT NOT NULL DEFAULT 'untitled';\n"
                           "UPDATE notes SET title = 'v3';") },
    };
    if (broken) {
        all.append({ 4, QStringLiteral("half_done"),
            QStringLiteral("CREATE TABLE half (x INTEGER);\n"
                           "INSERT INTO half VALUES (1);\n"
                           "UPDATE notes SET body = 'changed by 4';\n"
                           "THIS IS NOT SQL;") });
    }
    QList<Migration> set;
    for (const Migration &m : std::as_const(all)) {
        if (m.version <= upTo)
            set.append(m);
    }
    return set;
}

QStringList TstStorageMigrations::tables(Database &db)
{
    const QString sql = db.isSqlite()
        ? QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        : QStringLiteral("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1");
    QStringList names;
    auto q = db.query(sql);
    while (q.ok() && q->next())
        names.append(q->text(0));
    return names;
}

void TstStorageMigrations::splitStatements()
{
    const QString script = QStringLiteral("CREATE TABLE a (x TEXT DEFAULT 'semi;colon'); -- trailing; comment\n"
                                          "/* block; comment */ INSERT INTO a VALUES ('it''s; fine');\n"
                                          "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n"
                                          "  INSERT INTO b VALUES (CASE WHEN new.x = 'y' THEN 1 ELSE 2 END);\n"
                                          "  DELETE FROM c;\n"
                                          "END;\n"
                                          "CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql;\n"
                                          "CREATE FUNCTION g() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\n"
                                          "SELECT \"odd;name\" FROM a;\n"
                                          ";;\n");
    const QStringList parts = splitSqlStatements(script);
    QCOMPARE(parts.size(), 6);
    QVERIFY(parts.at(0).startsWith(u"CREATE TABLE a"));
    QVERIFY(parts.at(1).contains(u"'it''s; fine'"));
    QVERIFY(parts.at(2).startsWith(u"CREATE TRIGGER"));
    QVERIFY(parts.at(2).endsWith(u"END"));
    QVERIFY(parts.at(2).contains(u"DELETE FROM c"));
    QVERIFY(parts.at(3).contains(u"RETURN 1; END; $$ LANGUAGE plpgsql"));
    QVERIFY(parts.at(4).contains(u"$body$ SELECT 1; $body$"));
    QCOMPARE(parts.at(5), QStringLiteral("SELECT \"odd;name\" FROM a"));
}

void TstStorageMigrations::builtinSetsAreConsistent()
{
    const QList<Migration> sqlite = builtinMigrations(Dialect::Sqlite);
    const QList<Migration> postgres = builtinMigrations(Dialect::Postgres);
    QVERIFY2(!sqlite.isEmpty(), "no SQLite migrations in the resources");
    QCOMPARE(sqlite.size(), postgres.size());
    for (qsizetype i = 0; i < sqlite.size(); ++i) {
        QCOMPARE(sqlite.at(i).version, int(i + 1)); // numbered 1, 2, 3 without gaps
        QCOMPARE(postgres.at(i).version, sqlite.at(i).version);
        QCOMPARE(postgres.at(i).name, sqlite.at(i).name);
        QVERIFY(!splitSqlStatements(sqlite.at(i).sql).isEmpty());
    }
}

void TstStorageMigrations::freshDatabase()
{
    QFETCH(QString, backend);
    if (backend == u"postgresql")
        RT_REQUIRE_POSTGRES();
    rt::test::TempDatabase tmp(backend);
    QVERIFY2(tmp.isValid(), qPrintable(tmp.error()));
    auto opened = openDatabase(tmp.location());
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
    const int latest = builtinMigrations(tmp.location().dialect).last().version;
    QCOMPARE(opened->report.migration.fromVersion, 0);
    QCOMPARE(opened->report.migration.toVersion, latest);
    QCOMPARE(opened->report.schemaVersion, latest);
    Database &db = *opened.value().database;
    const QStringList names = tables(db);
    for (const char *table : { "agents", "models", "conversations", "messages", "debates", "debate_participants", "debate_turns",
             "debate_rounds", "tasks", "metric_samples", "schema_version" })
        QVERIFY2(names.contains(QString::fromLatin1(table)), table);
    if (db.isSqlite()) {
        QVERIFY(names.contains(u"messages_fts"_qs));
        auto mode = db.query(QStringLiteral("PRAGMA journal_mode"));
        QVERIFY(mode->next());
        QCOMPARE(mode->text(0), QStringLiteral("wal"));
        mode = db.query(QStringLiteral("PRAGMA foreign_keys"));
        QVERIFY(mode->next());
        QCOMPARE(mode->integer(0), 1);
        mode = db.query(QStringLiteral("PRAGMA synchronous"));
        QVERIFY(mode->next());
        QCOMPARE(mode->integer(0), 1); // NORMAL
    }
    opened.value().database.reset();
    // Opening again applies nothing.
    auto again = openDatabase(tmp.location());
    QVERIFY(again.ok());
    QVERIFY(again->report.migration.applied.isEmpty());
    QCOMPARE(again->report.schemaVersion, latest);
}

void TstStorageMigrations::upgradeFromEveryEarlierVersion()
{
    QFETCH(QString, backend);
    if (backend == u"postgresql")
        RT_REQUIRE_POSTGRES();
    const int latest = testSet(99).last().version;
    for (int start = 0; start < latest; ++start) {
        rt::test::TempDatabase tmp(backend);
        QVERIFY2(tmp.isValid(), qPrintable(tmp.error()));
        OpenOptions options = rt::test::TempDatabase::noRecovery();
        if (start > 0) {
            options.migrations = testSet(start);
            auto old = openDatabase(tmp.location(), options);
            QVERIFY2(old.ok(), qPrintable(old.ok() ? QString() : old.error().message));
            QCOMPARE(old->report.schemaVersion, start);
        }
        options.migrations = testSet(latest);
        auto upgraded = openDatabase(tmp.location(), options);
        QVERIFY2(upgraded.ok(), qPrintable(upgraded.ok() ? QString() : upgraded.error().message));
        QCOMPARE(upgraded->report.migration.fromVersion, start);
        QCOMPARE(upgraded->report.migration.toVersion, latest);
        QCOMPARE(upgraded->report.migration.applied.size(), latest - start);
        Database &db = *upgraded.value().database;
        auto q = db.query(QStringLiteral("SELECT body, title FROM notes WHERE id = 1"));
        QVERIFY(q.ok() && q->next());
        QCOMPARE(q->text(0), QStringLiteral("first; with a semicolon"));
        QCOMPARE(q->text(1), QStringLiteral("v3"));
        q = db.query(QStringLiteral("SELECT count(*) FROM schema_version"));
        QVERIFY(q->next());
        QCOMPARE(q->integer(0), latest);
    }
}

void TstStorageMigrations::builtinUpgradeFromEveryEarlierVersion()
{
    QFETCH(QString, backend);
    if (backend == u"postgresql")
        RT_REQUIRE_POSTGRES();
    const Dialect dialect = backend == u"postgresql" ? Dialect::Postgres : Dialect::Sqlite;
    const QList<Migration> all = builtinMigrations(dialect);
    for (int start = 0; start < all.last().version; ++start) {
        rt::test::TempDatabase tmp(backend);
        QVERIFY2(tmp.isValid(), qPrintable(tmp.error()));
        OpenOptions options = rt::test::TempDatabase::noRecovery();
        if (start > 0) {
            options.migrations = all.mid(0, start);
            QVERIFY(openDatabase(tmp.location(), options).ok());
        }
        options.migrations.reset();
        auto upgraded = openDatabase(tmp.location(), options);
        QVERIFY2(upgraded.ok(), qPrintable(upgraded.ok() ? QString() : upgraded.error().message));
        QCOMPARE(upgraded->report.schemaVersion, all.last().version);
        QCOMPARE(upgraded->report.migration.fromVersion, start);
    }
}

void TstStorageMigrations::newerVersionIsRefused()
{
    QFETCH(QString, backend);
    if (backend == u"postgresql")
        RT_REQUIRE_POSTGRES();
    rt::test::TempDatabase tmp(backend);
    QVERIFY2(tmp.isValid(), qPrintable(tmp.error()));
    {
        auto opened = tmp.open();
        QVERIFY(opened.ok());
        Database &db = *opened.value();
        QVERIFY(db.exec(QStringLiteral("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)"),
                      { 999, QStringLiteral("from_the_future"), db.timeValue(db.now()) })
                    .ok());
        QVERIFY(db.exec(QStringLiteral("INSERT INTO conversations (title, created_at, updated_at) VALUES ('keep me', ?, ?)"),
                      { db.timeValue(db.now()), db.timeValue(db.now()) })
                    .ok());
    }
    auto refused = openDatabase(tmp.location());
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, QStringLiteral("schema_too_new"));
    QVERIFY2(refused.error().message.contains(u"newer version of Roundtable"), qPrintable(refused.error().message));
    QVERIFY(refused.error().message.contains(u"999"));

    // Untouched: the data and the version row are still there.
    auto raw = Database::connect(tmp.location());
    QVERIFY(raw.ok());
    auto q = raw.value()->query(QStringLiteral("SELECT count(*) FROM conversations WHERE title = 'keep me'"));
    QVERIFY(q->next());
    QCOMPARE(q->integer(0), 1);
}

void TstStorageMigrations::failedMigrationRollsBack()
{
    QFETCH(QString, backend);
    if (backend == u"postgresql")
        RT_REQUIRE_POSTGRES();
    rt::test::TempDatabase tmp(backend);
    QVERIFY2(tmp.isValid(), qPrintable(tmp.error()));
    OpenOptions options = rt::test::TempDatabase::noRecovery();
    options.migrations = testSet(1);
    QVERIFY(openDatabase(tmp.location(), options).ok());

    // 2 and 3 are fine, 4 breaks halfway: none of 2..4 may remain.
    options.migrations = testSet(99, true);
    auto failed = openDatabase(tmp.location(), options);
    QVERIFY(!failed.ok());
    QCOMPARE(failed.error().code, QStringLiteral("migration_failed"));
    QVERIFY2(failed.error().message.contains(u"nothing was changed"), qPrintable(failed.error().message));
    QVERIFY(failed.error().message.contains(u"half_done"));

    auto raw = Database::connect(tmp.location());
    QVERIFY(raw.ok());
    Database &db = *raw.value();
    const QStringList names = tables(db);
    QVERIFY(names.contains(u"notes"_qs));
    QVERIFY2(!names.contains(u"tags"_qs), qPrintable(names.join(u',')));
    QVERIFY(!names.contains(u"half"_qs));
    auto q = db.query(QStringLiteral("SELECT MAX(version) FROM schema_version"));
    QVERIFY(q->next());
    QCOMPARE(q->integer(0), 1);
    q = db.query(QStringLiteral("SELECT body FROM notes WHERE id = 1"));
    QVERIFY(q->next());
    QCOMPARE(q->text(0), QStringLiteral("first; with a semicolon"));
    q = rt::Result<Query>(Query());

    // Fixed set: the upgrade now goes through.
    options.migrations = testSet(99);
    auto fixed = openDatabase(tmp.location(), options);
    QVERIFY(fixed.ok());
    QCOMPARE(fixed->report.schemaVersion, 3);
}

void TstStorageMigrations::sqliteFileUnchangedByRefusal()
{
    rt::test::TempDatabase tmp;
    {
        auto opened = tmp.open();
        QVERIFY(opened.ok());
        Database &db = *opened.value();
        QVERIFY(db.exec(QStringLiteral("INSERT INTO schema_version (version, name, applied_at) VALUES (42, 'future', ?)"),
                      { db.timeValue(db.now()) })
                    .ok());
        QVERIFY(db.execDirect(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")).ok());
    }
    auto hash = [&] {
        QFile f(tmp.sqlitePath());
        if (!f.open(QIODevice::ReadOnly))
            return QByteArray();
        return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
    };
    const QByteArray before = hash();
    QVERIFY(!before.isEmpty());
    QCOMPARE(openDatabase(tmp.location()).error().code, QStringLiteral("schema_too_new"));
    QCOMPARE(hash(), before);
}

QTEST_GUILESS_MAIN(TstStorageMigrations)
#include "tst_storage_migrations.moc"
