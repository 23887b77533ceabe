// Bad input: a file that is not a database, a read-only folder, a locked
// database, a 10 MB message, NUL bytes / invalid UTF-8 / lone surrogates, and
// SQL metacharacters in stored text, and stored names (statuses, kinds, roles)
// this build does not know.
#include "pgtest.h"
#include "storage/storagecontext.h"
#include "tempdatabase.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QtTest/QTest>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace rt::storage;

class TstStorageBadInput final : public QObject {
    Q_OBJECT

private slots:
    void notADatabase();
    void folderInsteadOfFile();
    void readOnlyFolder();
    void lockedDatabase();
    void hugeMessage_data() { rt::test::addBackendRows(); }
    void hugeMessage();
    void nulAndInvalidUtf8_data() { rt::test::addBackendRows(); }
    void nulAndInvalidUtf8();
    void sqlMetacharactersStoredLiterally_data() { rt::test::addBackendRows(); }
    void sqlMetacharactersStoredLiterally();
    void unknownStoredValues_data() { rt::test::addBackendRows(); }
    void unknownStoredValues();
    void badPostgresUrl();
};

namespace {
// Root ignores file permissions; drop the file-system identity of this thread
// to 'nobody' so a read-only folder is read-only for the test too.
class AsNobody final {
public:
    AsNobody()
    {
        if (::geteuid() == 0) {
            ::setfsgid(65534);
            ::setfsuid(65534);
            m_dropped = true;
        }
    }
    ~AsNobody()
    {
        if (m_dropped) {
            ::setfsuid(0);
            ::setfsgid(0);
        }
    }
    AsNobody(const AsNobody &) = delete;
    AsNobody &operator=(const AsNobody &) = delete;

private:
    bool m_dropped = false;
};

QByteArray fileHash(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}
} // namespace

void TstStorageBadInput::notADatabase()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("notes.txt"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    for (int i = 0; i < 200; ++i)
        f.write("This is a shopping list, not a database. Eggs, milk, bread.\n");
    f.close();
    const QByteArray before = fileHash(path);

    auto location = parseDatabaseLocation(path);
    QVERIFY(location.ok());
    auto opened = openDatabase(*location);
    QVERIFY(!opened.ok());
    QCOMPARE(opened.error().code, QStringLiteral("not_a_database"));
    QVERIFY2(opened.error().message.contains(u"is not a Roundtable database"), qPrintable(opened.error().message));
    QVERIFY(opened.error().message.contains(path));
    QVERIFY(opened.error().message.contains(u"--db"));
    QCOMPARE(fileHash(path), before); // not touched
}

void TstStorageBadInput::folderInsteadOfFile()
{
    QTemporaryDir dir;
    auto opened = openDatabase(*parseDatabaseLocation(dir.path()));
    QVERIFY(!opened.ok());
    QCOMPARE(opened.error().code, QStringLiteral("cannot_open"));
    QVERIFY2(opened.error().message.contains(u"folder"), qPrintable(opened.error().message));
}

void TstStorageBadInput::readOnlyFolder()
{
    QTemporaryDir dir;
    QVERIFY(::chmod(QFile::encodeName(dir.path()).constData(), 0755) == 0);
    const QString ro = dir.filePath(QStringLiteral("ro"));
    QVERIFY(QDir().mkpath(ro));
    // An existing database inside, closed cleanly (no -wal/-shm left).
    const QString existing = QDir(ro).filePath(QStringLiteral("existing.sqlite"));
    {
        auto created = openDatabase(*parseDatabaseLocation(existing));
        QVERIFY(created.ok());
    }
    QVERIFY(::chmod(QFile::encodeName(existing).constData(), 0644) == 0);
    QVERIFY(::chmod(QFile::encodeName(ro).constData(), 0555) == 0);
    AsNobody nobody;
    {
        QFile probe(QDir(ro).filePath(QStringLiteral("probe")));
        if (probe.open(QIODevice::WriteOnly)) {
            probe.remove();
            QSKIP("Cannot make a folder read-only for this process (running with capabilities that bypass permissions).");
        }
    }

    // New database in a read-only folder.
    auto fresh = openDatabase(*parseDatabaseLocation(QDir(ro).filePath(QStringLiteral("new.sqlite"))));
    QVERIFY(!fresh.ok());
    QVERIFY2(fresh.error().code == u"cannot_open" || fresh.error().code == u"read_only", qPrintable(fresh.error().code));
    QVERIFY2(
        fresh.error().message.contains(u"writable") || fresh.error().message.contains(u"read-only"), qPrintable(fresh.error().message));
    QVERIFY(fresh.error().message.contains(u"--db"));

    // A nested folder that cannot be created.
    auto nested = openDatabase(*parseDatabaseLocation(QDir(ro).filePath(QStringLiteral("sub/dir/x.sqlite"))));
    QVERIFY(!nested.ok());
    QCOMPARE(nested.error().code, QStringLiteral("cannot_open"));
    QVERIFY2(nested.error().message.contains(u"Cannot create the folder"), qPrintable(nested.error().message));

    // Existing database: WAL needs files beside it, so it cannot be opened for writing.
    auto old = openDatabase(*parseDatabaseLocation(existing));
    QVERIFY(!old.ok());
    QVERIFY2(
        old.error().code == u"cannot_open" || old.error().code == u"read_only", qPrintable(old.error().code + u' ' + old.error().message));
    QVERIFY(!old.error().message.isEmpty());
    ::chmod(QFile::encodeName(ro).constData(), 0755);
}

void TstStorageBadInput::lockedDatabase()
{
    rt::test::TempDatabase tmp;
    auto holder = tmp.open();
    QVERIFY(holder.ok());
    Database &other = *holder.value();
    // Another program holds the write lock (a long transaction).
    QVERIFY(other.begin().ok());
    QVERIFY(other
                .exec(QStringLiteral("INSERT INTO conversations (title, created_at, updated_at) VALUES ('x', ?, ?)"),
                    { other.timeValue(other.now()), other.timeValue(other.now()) })
                .ok());

    OpenOptions options;
    options.connection.busyTimeoutMs = 300;
    options.recover = true; // recovery writes
    QElapsedTimer timer;
    timer.start();
    auto opened = openDatabase(tmp.location(), options);
    QVERIFY(!opened.ok());
    QCOMPARE(opened.error().code, QStringLiteral("locked"));
    QVERIFY2(opened.error().message.contains(u"locked by another program"), qPrintable(opened.error().message));
    QVERIFY(timer.elapsed() < 10000); // waits for the busy timeout, not forever

    // Reading still works while another writer holds the lock (WAL) ...
    options.recover = false;
    auto reader = openDatabase(tmp.location(), options);
    QVERIFY2(reader.ok(), qPrintable(reader.ok() ? QString() : reader.error().message));
    StorageContext c(*reader.value().database);
    QVERIFY(c.conversations().list().ok());
    // ... writing does not, with the same clear error.
    auto write = c.conversations().create({});
    QVERIFY(!write.ok());
    QCOMPARE(write.error().code, QStringLiteral("locked"));

    other.rollback();
    QVERIFY(c.conversations().create({}).ok());
}

void TstStorageBadInput::hugeMessage()
{
    RT_TEMP_DATABASE(tmp, db);
    StorageContext c(db);
    const qint64 conv = *c.conversations().create({});
    QString big = QStringLiteral("needle ");
    big.reserve(10 * 1024 * 1024 + 100);
    const QString chunk = QStringLiteral("Lorem ipsum dolor sit amet, consectetur adipiscing elit — ünïcödé ✓ 🚀 ");
    while (big.size() < 10 * 1024 * 1024)
        big += chunk;
    QVERIFY(big.toUtf8().size() > 10 * 1024 * 1024);

    // Streamed: checkpointed as it grows, then finished.
    const qint64 id = *c.messages().beginAssistant(conv, QStringLiteral("m"));
    QVERIFY(c.messages().checkpoint(id, big.left(5 * 1024 * 1024)).ok());
    auto finished = c.messages().finish(id, Completion { big });
    QVERIFY2(finished.ok(), qPrintable(finished.ok() ? QString() : finished.error().message));
    auto back = c.messages().get(id);
    QVERIFY(back.ok());
    QCOMPARE(back->content.size(), big.size());
    QVERIFY(back->content == big);

    auto hits = c.search().search(QStringLiteral("needle"));
    QVERIFY2(hits.ok(), qPrintable(hits.ok() ? QString() : hits.error().message));
    QCOMPARE(hits->size(), 1);
    QVERIFY(hits->at(0).snippet.size() < 2000);
    auto problems = c.maintenance().integrityCheck();
    QVERIFY(problems.ok() && problems->isEmpty());
}

void TstStorageBadInput::nulAndInvalidUtf8()
{
    RT_TEMP_DATABASE(tmp, db);
    StorageContext c(db);
    const QChar nul(u'\0');
    const QString withNul = QStringLiteral("before") + nul + QStringLiteral("after");
    const QString invalidUtf8 = QString::fromUtf8("bad \xff\xfe bytes \xc3( and cut \xe2\x82");
    QString loneSurrogate = QStringLiteral("lone ");
    loneSurrogate += QChar(0xD800);
    loneSurrogate += QStringLiteral(" high, ");
    loneSurrogate += QChar(0xDC00);
    loneSurrogate += QStringLiteral(" low, pair ");
    loneSurrogate += QString::fromUtf8("🚀");
    const QChar rep(QChar::ReplacementCharacter);

    Conversation conv;
    conv.title = withNul;
    const auto convId = c.conversations().create(conv);
    QVERIFY2(convId.ok(), qPrintable(convId.ok() ? QString() : convId.error().message));
    QCOMPARE(c.conversations().get(*convId)->title, QStringLiteral("before") + rep + QStringLiteral("after"));

    for (const QString &text : { withNul, invalidUtf8, loneSurrogate }) {
        Message m;
        m.conversationId = *convId;
        m.content = text;
        m.thinking = text;
        m.error = text;
        auto id = c.messages().append(m);
        QVERIFY2(id.ok(), qPrintable(id.ok() ? QString() : id.error().message));
        auto back = c.messages().get(*id);
        QVERIFY(back.ok());
        const QString expected = Database::cleanText(text);
        QCOMPARE(back->content, expected);
        QCOMPARE(back->thinking, expected);
        QVERIFY(!back->content.contains(nul));
        QCOMPARE(QString::fromUtf8(back->content.toUtf8()), back->content); // valid UTF-16 -> UTF-8 round trip
    }
    QCOMPARE(Database::cleanText(withNul), QStringLiteral("before") + rep + QStringLiteral("after"));
    QVERIFY(Database::cleanText(loneSurrogate).contains(QString::fromUtf8("🚀")));
    QCOMPARE(Database::cleanText(loneSurrogate).count(rep), 2);

    // JSON with NUL in strings (PostgreSQL's jsonb rejects \u0000).
    Debate d;
    d.question = withNul;
    d.settings = QJsonObject { { QStringLiteral("note"), withNul } };
    auto debateId = c.debates().create(d);
    QVERIFY2(debateId.ok(), qPrintable(debateId.ok() ? QString() : debateId.error().message));
    QCOMPARE(c.debates().get(*debateId)->settings.value(u"note").toString(), QStringLiteral("before") + rep + QStringLiteral("after"));

    // Search with such text neither fails nor matches garbage.
    for (const QString &query : { withNul, invalidUtf8, loneSurrogate, QString(nul) }) {
        auto hits = c.search().search(query);
        QVERIFY2(hits.ok(), qPrintable(hits.ok() ? QString() : hits.error().message));
    }
    QCOMPARE(c.search().search(QStringLiteral("bytes"))->size(), 1);
}

void TstStorageBadInput::sqlMetacharactersStoredLiterally()
{
    RT_TEMP_DATABASE(tmp, db);
    StorageContext c(db);
    const QStringList nasty { QStringLiteral("'); DROP TABLE messages; --"), QStringLiteral("\" OR 1=1 --"), QStringLiteral("?"),
        QStringLiteral("$1 $$ $tag$"), QStringLiteral("%_\\"), QStringLiteral("\\'; SELECT pg_sleep(5); --"),
        QStringLiteral("NEAR(a b) * ^ : -x") };
    Conversation conv;
    conv.title = nasty.join(u' ');
    const qint64 convId = *c.conversations().create(conv);
    for (const QString &text : nasty) {
        Message m;
        m.conversationId = convId;
        m.content = text;
        auto id = c.messages().append(m);
        QVERIFY(id.ok());
        QCOMPARE(c.messages().get(*id)->content, text);
        QVERIFY(c.search().search(text).ok());
        AgentRecord a;
        a.name = text;
        QVERIFY(c.agents().create(a).ok());
        QVERIFY(c.agents().findByName(text)->has_value());
    }
    QCOMPARE(c.conversations().get(convId)->title, nasty.join(u' '));
    QCOMPARE(*c.messages().count(convId), int(nasty.size()));
    QCOMPARE(c.search().search(QStringLiteral("DROP TABLE"))->size(), 1);
}

// A status, kind or role this build does not know (a newer Roundtable wrote
// it, or someone edited the row) is an error naming the table, the row and
// the value, never silently read as some default.
void TstStorageBadInput::unknownStoredValues()
{
    RT_TEMP_DATABASE(tmp, db);
    StorageContext c(db);
    // The schema's CHECK constraints refuse such names; step around them the
    // way a newer schema or a hand edit would.
    if (db.isSqlite()) {
        QVERIFY(db.execDirect(QStringLiteral("PRAGMA ignore_check_constraints = ON")).ok());
    } else {
        for (const char *constraint :
            { "debates DROP CONSTRAINT debates_status_check", "debate_turns DROP CONSTRAINT debate_turns_kind_check",
                "debate_turns DROP CONSTRAINT debate_turns_status_check", "tasks DROP CONSTRAINT tasks_status_check",
                "messages DROP CONSTRAINT messages_role_check", "messages DROP CONSTRAINT messages_status_check" }) {
            const rt::Status dropped = db.execDirect(QStringLiteral("ALTER TABLE ") + QString::fromLatin1(constraint));
            QVERIFY2(dropped.ok(), dropped.ok() ? constraint : qPrintable(dropped.error().message));
        }
    }
    auto expectUnknown = [](const rt::Error &error, const char *table, qint64 row, const char *column, const char *value) {
        QCOMPARE(error.code, QStringLiteral("unknown_value"));
        const QString m = error.message;
        QVERIFY2(m.contains(QStringLiteral("table %1").arg(QLatin1String(table))), qPrintable(m));
        QVERIFY2(m.contains(QStringLiteral("Row %1 ").arg(row)), qPrintable(m));
        QVERIFY2(m.contains(QStringLiteral("%1 \u201c%2\u201d").arg(QLatin1String(column), QLatin1String(value))), qPrintable(m));
    };

    Debate d;
    d.question = QStringLiteral("Is a hot dog a sandwich?");
    const qint64 debate = c.debates().create(d).valueOr(0);
    QVERIFY(debate > 0);
    QCOMPARE(*db.exec(QStringLiteral("UPDATE debates SET status = 'exploded' WHERE id = ?"), { debate }), 1);
    auto got = c.debates().get(debate);
    QVERIFY(!got.ok());
    expectUnknown(got.error(), "debates", debate, "status", "exploded");
    auto listed = c.debates().list(10, 0);
    QVERIFY(!listed.ok());
    expectUnknown(listed.error(), "debates", debate, "status", "exploded");
    // The same error reaches the user through the exporter.
    auto exported = c.exporter().exportDebate(debate, ExportFormat::Markdown);
    QVERIFY(!exported.ok());
    expectUnknown(exported.error(), "debates", debate, "status", "exploded");
    QVERIFY(c.debates().setStatus(debate, DebateStatus::Finished).ok());
    QVERIFY(c.debates().get(debate).ok()); // a known name reads again

    DebateTurn t;
    t.debateId = debate;
    t.agentName = QStringLiteral("Chef");
    t.content = QStringLiteral("It is a taco.");
    const qint64 turn = c.debates().appendTurn(t).valueOr(0);
    QVERIFY(turn > 0);
    QCOMPARE(*db.exec(QStringLiteral("UPDATE debate_turns SET kind = 'monologue' WHERE id = ?"), { turn }), 1);
    auto turns = c.debates().turns(debate);
    QVERIFY(!turns.ok());
    expectUnknown(turns.error(), "debate_turns", turn, "kind", "monologue");
    QCOMPARE(*db.exec(QStringLiteral("UPDATE debate_turns SET kind = 'turn', status = 'half-done' WHERE id = ?"), { turn }), 1);
    auto one = c.debates().turn(turn);
    QVERIFY(!one.ok());
    expectUnknown(one.error(), "debate_turns", turn, "status", "half-done");

    TaskRecord task;
    task.kind = QStringLiteral("pull");
    task.title = QStringLiteral("Pull llama3.2:1b");
    const qint64 taskId = c.tasks().create(task).valueOr(0);
    QVERIFY(taskId > 0);
    QCOMPARE(*db.exec(QStringLiteral("UPDATE tasks SET status = 'teleported' WHERE id = ?"), { taskId }), 1);
    auto taskGot = c.tasks().get(taskId);
    QVERIFY(!taskGot.ok());
    expectUnknown(taskGot.error(), "tasks", taskId, "status", "teleported");
    QVERIFY(!c.tasks().list().ok());

    const qint64 conv = c.conversations().create({}).valueOr(0);
    Message m;
    m.conversationId = conv;
    m.content = QStringLiteral("beep");
    const qint64 message = c.messages().append(m).valueOr(0);
    QVERIFY(message > 0);
    QCOMPARE(*db.exec(QStringLiteral("UPDATE messages SET role = 'robot' WHERE id = ?"), { message }), 1);
    auto messages = c.messages().all(conv);
    QVERIFY(!messages.ok());
    expectUnknown(messages.error(), "messages", message, "role", "robot");
    QCOMPARE(*db.exec(QStringLiteral("UPDATE messages SET role = 'user', status = 'sort-of' WHERE id = ?"), { message }), 1);
    auto messageGot = c.messages().get(message);
    QVERIFY(!messageGot.ok());
    expectUnknown(messageGot.error(), "messages", message, "status", "sort-of");
}

void TstStorageBadInput::badPostgresUrl()
{
    auto bad = parseDatabaseLocation(QStringLiteral("postgresql://user@/"));
    QVERIFY(!bad.ok());
    QVERIFY(bad.error().message.contains(u"postgresql://user:password@host:port/database"));
    auto other = parseDatabaseLocation(QStringLiteral("mysql://x@y/z"));
    QVERIFY(!other.ok());
    QVERIFY(other.error().message.contains(u"Unsupported"));

    // Nothing listens on this port: a clear, quick error.
    DatabaseLocation nowhere = *parseDatabaseLocation(QStringLiteral("postgresql://nobody:secret@127.0.0.1:1/none"));
    QElapsedTimer timer;
    timer.start();
    auto opened = openDatabase(nowhere);
    QVERIFY(!opened.ok());
    QCOMPARE(opened.error().code, QStringLiteral("cannot_connect"));
    QVERIFY2(opened.error().message.contains(u"Cannot connect to PostgreSQL at"), qPrintable(opened.error().message));
    QVERIFY2(!opened.error().message.contains(u"secret"), "the password must not appear in messages");
    QVERIFY(timer.elapsed() < 15000);
}

QTEST_GUILESS_MAIN(TstStorageBadInput)
#include "tst_storage_badinput.moc"
