// The history and db commands, run as the built roundtable executable in a
// sealed-off environment (temporary HOME and XDG folders, no Ollama).
#include "appprocess.h"
#include "pgtest.h"
#include "storage/storagecontext.h"
#include "tempdatabase.h"
#include "testpaths.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest/QTest>

using namespace rt::storage;

class TstCliHistory final : public QObject {
    Q_OBJECT

private slots:
    void emptyDatabase();
    void historyCommands_data() { rt::test::addBackendRows(); }
    void historyCommands();
    void usageErrors();
    void dbCheckAndBackup();
    void dbCheckAndBackupPostgres();
    void dbCheckFindsDamage();
    void dbCheckNotADatabase();
    void environmentVariable();
    void unknownStoredValueIsReported();

private:
    using Run = rt::test::AppRun;
    Run run(const QStringList &arguments) const { return m_app.run(arguments); }
    Run run(const QStringList &arguments, const QProcessEnvironment &env) const { return m_app.run(arguments, env); }
    static void populate(StorageContext &c, qint64 *conversation, qint64 *debate);
    rt::test::AppEnvironment m_app;
};

void TstCliHistory::populate(StorageContext &c, qint64 *conversation, qint64 *debate)
{
    Conversation conv;
    conv.title = QStringLiteral("Tomato growing");
    conv.model = QStringLiteral("llama3");
    *conversation = c.conversations().create(conv).valueOr(0);
    for (const QString &text : { QStringLiteral("How do I grow tomatoes?"), QStringLiteral("Tomatoes like sun and steady watering.") }) {
        Message m;
        m.conversationId = *conversation;
        m.role = text.endsWith(u'?') ? MessageRole::User : MessageRole::Assistant;
        m.content = text;
        (void)c.messages().append(m);
    }
    Debate d;
    d.question = QStringLiteral("Are tomatoes fruit?");
    *debate = c.debates().create(d).valueOr(0);
    DebateTurn t;
    t.debateId = *debate;
    t.agentName = QStringLiteral("Botanist");
    t.content = QStringLiteral("Botanically, tomatoes are berries.");
    (void)c.debates().appendTurn(t);
}

void TstCliHistory::emptyDatabase()
{
    rt::test::TempDatabase tmp;
    const Run r = run({ QStringLiteral("history"), QStringLiteral("list"), QStringLiteral("--db"), tmp.dbArgument() });
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(u"Nothing stored yet"), qPrintable(r.out + r.err));
    const Run json
        = run({ QStringLiteral("history"), QStringLiteral("list"), QStringLiteral("--json"), QStringLiteral("--db"), tmp.dbArgument() });
    QCOMPARE(json.code, 0);
    QCOMPARE(QJsonDocument::fromJson(json.out.toUtf8()).object().value(u"conversations").toArray().size(), 0);
}

void TstCliHistory::historyCommands()
{
    RT_TEMP_DATABASE(tmp, db);
    StorageContext c(db);
    qint64 conv = 0, debate = 0;
    populate(c, &conv, &debate);
    const QString dbArg = tmp.dbArgument();
    const QString convId = QString::number(conv);

    Run r = run({ QStringLiteral("history"), QStringLiteral("list"), QStringLiteral("--db"), dbArg });
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(u"Tomato growing"), qPrintable(r.out + r.err));
    QVERIFY(r.out.contains(u"Are tomatoes fruit?"));

    r = run({ QStringLiteral("history"), QStringLiteral("list"), QStringLiteral("--json"), QStringLiteral("--db"), dbArg });
    QCOMPARE(r.code, 0);
    const QJsonObject list = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(list.value(u"conversations").toArray().size(), 1);
    QCOMPARE(list.value(u"conversations").toArray().at(0).toObject().value(u"id").toInteger(), conv);
    QCOMPARE(list.value(u"conversations").toArray().at(0).toObject().value(u"messages").toInt(), 2);
    QCOMPARE(list.value(u"debates").toArray().at(0).toObject().value(u"question").toString(), QStringLiteral("Are tomatoes fruit?"));

    r = run({ QStringLiteral("history"), QStringLiteral("show"), convId, QStringLiteral("--db"), dbArg });
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains(u"# Tomato growing"));
    QVERIFY(r.out.contains(u"Tomatoes like sun and steady watering."));
    r = run({ QStringLiteral("history"), QStringLiteral("show"), QString::number(debate), QStringLiteral("--debate"),
        QStringLiteral("--db"), dbArg });
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains(u"Botanically, tomatoes are berries."));
    r = run({ QStringLiteral("history"), QStringLiteral("show"), QStringLiteral("987654"), QStringLiteral("--db"), dbArg });
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(u"no conversation with id 987654"), qPrintable(r.err));

    r = run({ QStringLiteral("history"), QStringLiteral("search"), QStringLiteral("tomatoes"), QStringLiteral("--json"),
        QStringLiteral("--db"), dbArg });
    QCOMPARE(r.code, 0);
    const QJsonArray hits = QJsonDocument::fromJson(r.out.toUtf8()).object().value(u"results").toArray();
    QCOMPARE(hits.size(), 3);
    QVERIFY(hits.at(0).toObject().value(u"snippet").toString().contains(u"**"));
    r = run({ QStringLiteral("history"), QStringLiteral("search"), QStringLiteral("steady"), QStringLiteral("watering"),
        QStringLiteral("--db"), dbArg });
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(u"[steady]"), qPrintable(r.out));
    QVERIFY(r.out.contains(QStringLiteral("conversation %1").arg(conv)));
    for (const QString &nasty : { QStringLiteral("'; DROP TABLE messages; --"), QStringLiteral("\"NEAR\" *"), QStringLiteral("\"") }) {
        r = run({ QStringLiteral("history"), QStringLiteral("search"), nasty, QStringLiteral("--db"), dbArg });
        QVERIFY2(r.code == 0, qPrintable(nasty + u' ' + r.err));
    }

    const QString file = tmp.dir() + QStringLiteral("/export.json");
    r = run({ QStringLiteral("history"), QStringLiteral("export"), convId, QStringLiteral("--format"), QStringLiteral("json"),
        QStringLiteral("-o"), file, QStringLiteral("--db"), dbArg });
    QCOMPARE(r.code, 0);
    QVERIFY(QFile::exists(file));
    r = run({ QStringLiteral("history"), QStringLiteral("import"), file, QStringLiteral("--db"), dbArg });
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(u"Imported conversation"), qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains(u"2 messages"), qPrintable(r.out)); // English plural forms (translations/roundtable_en.ts)
    QCOMPARE(*c.conversations().count(), 2);

    r = run({ QStringLiteral("history"), QStringLiteral("export"), convId, QStringLiteral("--format"), QStringLiteral("md"),
        QStringLiteral("--db"), dbArg });
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.startsWith(u"# Tomato growing"));
    const QString debateFile = tmp.dir() + QStringLiteral("/debate.json");
    r = run({ QStringLiteral("history"), QStringLiteral("export"), QString::number(debate), QStringLiteral("--debate"),
        QStringLiteral("--format"), QStringLiteral("json"), QStringLiteral("-o"), debateFile, QStringLiteral("--db"), dbArg });
    QCOMPARE(r.code, 0);
    r = run({ QStringLiteral("history"), QStringLiteral("import"), debateFile, QStringLiteral("--db"), dbArg });
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(u"Imported debate"), qPrintable(r.out + r.err));

    r = run({ QStringLiteral("db"), QStringLiteral("check"), QStringLiteral("--db"), dbArg });
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(u"OK"), qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains(u"messages: 4"), qPrintable(r.out));
}

void TstCliHistory::usageErrors()
{
    rt::test::TempDatabase tmp;
    const QString dbArg = tmp.dbArgument();
    QCOMPARE(run({ QStringLiteral("history") }).code, 2);
    QCOMPARE(run({ QStringLiteral("history"), QStringLiteral("frobnicate") }).code, 2);
    QCOMPARE(run({ QStringLiteral("history"), QStringLiteral("show"), QStringLiteral("abc"), QStringLiteral("--db"), dbArg }).code, 2);
    QCOMPARE(run({ QStringLiteral("history"), QStringLiteral("show"), QStringLiteral("--db"), dbArg }).code, 2);
    QCOMPARE(run({ QStringLiteral("history"), QStringLiteral("search"), QStringLiteral("--db"), dbArg }).code, 2);
    const Run bad = run({ QStringLiteral("history"), QStringLiteral("export"), QStringLiteral("1"), QStringLiteral("--format"),
        QStringLiteral("pdf"), QStringLiteral("--db"), dbArg });
    QCOMPARE(bad.code, 2);
    QVERIFY(bad.err.contains(u"--format md or --format json"));
    QCOMPARE(run({ QStringLiteral("history"), QStringLiteral("list"), QStringLiteral("--limit"), QStringLiteral("-3"),
                     QStringLiteral("--db"), dbArg })
                 .code,
        2);
    QCOMPARE(run({ QStringLiteral("db") }).code, 2);
    QCOMPARE(run({ QStringLiteral("db"), QStringLiteral("backup"), QStringLiteral("--db"), dbArg }).code, 2);
    const Run missing = run(
        { QStringLiteral("history"), QStringLiteral("import"), tmp.dir() + QStringLiteral("/nope.json"), QStringLiteral("--db"), dbArg });
    QCOMPARE(missing.code, 1);
    QVERIFY(missing.err.contains(u"Cannot read"));
    QCOMPARE(run({ QStringLiteral("history"), QStringLiteral("--help") }).code, 0);
    QCOMPARE(run({ QStringLiteral("history"), QStringLiteral("list"), QStringLiteral("--help") }).code, 0);
}

void TstCliHistory::dbCheckAndBackup()
{
    rt::test::TempDatabase tmp;
    {
        auto db = tmp.open();
        StorageContext c(*db.value());
        qint64 conv = 0, debate = 0;
        populate(c, &conv, &debate);
    }
    const QString backup = tmp.dir() + QStringLiteral("/backup.sqlite");
    Run r = run({ QStringLiteral("db"), QStringLiteral("backup"), backup, QStringLiteral("--db"), tmp.dbArgument() });
    QCOMPARE(r.code, 0);
    QVERIFY2(QFile::exists(backup), qPrintable(r.err));
    r = run({ QStringLiteral("db"), QStringLiteral("check"), QStringLiteral("--db"), backup });
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(u"messages: 2"), qPrintable(r.out));
    r = run({ QStringLiteral("db"), QStringLiteral("backup"), backup, QStringLiteral("--db"), tmp.dbArgument() });
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(u"already exists"), qPrintable(r.err));
}

void TstCliHistory::dbCheckAndBackupPostgres()
{
    RT_REQUIRE_POSTGRES();
    rt::test::TempDatabase pg(rt::test::TempDatabase::Backend::Postgres);
    QVERIFY2(pg.isValid(), qPrintable(pg.error()));
    {
        auto db = pg.open();
        QVERIFY2(db.ok(), qPrintable(db.ok() ? QString() : db.error().message));
        StorageContext c(*db.value());
        qint64 conv = 0, debate = 0;
        populate(c, &conv, &debate);
    }
    // No file backup of a server database: the message names the tool to use.
    const QString target = pg.dir() + QStringLiteral("/pg.sqlite");
    Run r = run({ QStringLiteral("db"), QStringLiteral("backup"), target, QStringLiteral("--db"), pg.dbArgument() });
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(u"pg_dump"), qPrintable(r.err));
    QVERIFY(!QFile::exists(target));
    r = run({ QStringLiteral("db"), QStringLiteral("check"), QStringLiteral("--db"), pg.dbArgument() });
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(u"OK"), qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains(u"messages: 2"), qPrintable(r.out));
}

void TstCliHistory::dbCheckFindsDamage()
{
    rt::test::TempDatabase tmp;
    {
        auto db = tmp.open();
        StorageContext c(*db.value());
        const qint64 conv = *c.conversations().create({});
        QVERIFY(db.value()->begin().ok());
        for (int i = 0; i < 3000; ++i) {
            Message m;
            m.conversationId = conv;
            m.content = QStringLiteral("filler message number %1 with some words to make pages").arg(i);
            QVERIFY(c.messages().append(m).ok());
        }
        QVERIFY(db.value()->commit().ok());
        QVERIFY(db.value()->execDirect(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")).ok());
    }
    // Scribble over pages in the middle of the file (not the header).
    QFile f(tmp.sqlitePath());
    QVERIFY(f.open(QIODevice::ReadWrite));
    const qint64 size = f.size();
    QVERIFY(size > 64 * 1024);
    for (qint64 pos = size / 3; pos < size / 3 + 8 * 4096; pos += 4096) {
        f.seek(pos + 100);
        f.write(QByteArray(1500, '\x5a'));
    }
    f.close();
    const Run r = run({ QStringLiteral("db"), QStringLiteral("check"), QStringLiteral("--db"), tmp.dbArgument() });
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(u"problems") || r.err.contains(u"damaged"), qPrintable(r.out + r.err));
    QVERIFY(r.err.contains(u"backup"));
}

void TstCliHistory::dbCheckNotADatabase()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("notes.txt"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(8192, 'n'));
    f.close();
    const Run r = run({ QStringLiteral("db"), QStringLiteral("check"), QStringLiteral("--db"), path });
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(u"is not a Roundtable database"), qPrintable(r.err));
}

void TstCliHistory::environmentVariable()
{
    rt::test::TempDatabase tmp;
    {
        auto db = tmp.open();
        StorageContext c(*db.value());
        Conversation conv;
        conv.title = QStringLiteral("from the environment");
        QVERIFY(c.conversations().create(conv).ok());
    }
    QProcessEnvironment env = m_app.environment();
    env.insert(QStringLiteral("ROUNDTABLE_DB"), tmp.dbArgument());
    const Run r = run({ QStringLiteral("history"), QStringLiteral("list") }, env);
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(u"from the environment"), qPrintable(r.out + r.err));
}

// A status this build does not know (written by a newer Roundtable, or by
// hand) reaches the user as an error naming the table, the row and the value.
void TstCliHistory::unknownStoredValueIsReported()
{
    rt::test::TempDatabase tmp;
    qint64 debate = 0;
    {
        auto db = tmp.open();
        QVERIFY(db.ok());
        StorageContext c(*db.value());
        qint64 conv = 0;
        populate(c, &conv, &debate);
        QVERIFY(db.value()->execDirect(QStringLiteral("PRAGMA ignore_check_constraints = ON")).ok());
        QCOMPARE(*db.value()->exec(QStringLiteral("UPDATE debates SET status = 'exploded' WHERE id = ?"), { debate }), 1);
    }
    for (const QStringList &command : { QStringList { QStringLiteral("history"), QStringLiteral("list") },
             QStringList { QStringLiteral("history"), QStringLiteral("show"), QString::number(debate), QStringLiteral("--debate") } }) {
        const Run r = run(command + QStringList { QStringLiteral("--db"), tmp.dbArgument() });
        QVERIFY2(r.code == 1, qPrintable(command.join(u' ') + u' ' + QString::number(r.code) + u' ' + r.out + r.err));
        QVERIFY2(r.err.contains(QStringLiteral("Row %1 of table debates").arg(debate)), qPrintable(r.err));
        QVERIFY2(r.err.contains(u"status \u201cexploded\u201d"), qPrintable(r.err));
        QVERIFY2(!r.out.contains(u"Are tomatoes fruit?"), qPrintable(r.out)); // not listed as if it were fine
    }
}

QTEST_GUILESS_MAIN(TstCliHistory)
#include "tst_cli_history.moc"
