// The async Storage facade: work runs on the storage thread, results arrive
// as futures that can continue on the caller's thread, queued writes are
// finished on shutdown, and a lost PostgreSQL connection is survived without
// losing or duplicating writes.
#include "pgtest.h"
#include "storage/storage.h"
#include "tempdatabase.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QThread>
#include <QtTest/QTest>
#include <limits>

using namespace rt::storage;

class TstStorageFacade final : public QObject {
    Q_OBJECT

private slots:
    void openReadWrite_data() { rt::test::addBackendRows(); }
    void openReadWrite();
    void journalCodecRoundTrip();
    void continuationsRunOnCallerThread();
    void genericReadWriteAndErrors();
    void failedOpenFailsLaterCalls();
    void shutdownFinishesQueuedWrites_data() { rt::test::addBackendRows(); }
    void shutdownFinishesQueuedWrites();
    void staleLeftoversFoundAfterStart();
    void postgresConnectionLoss();
};

void TstStorageFacade::openReadWrite()
{
    QFETCH(QString, backend);
    if (backend == u"postgresql")
        RT_REQUIRE_POSTGRES();
    rt::test::TempDatabase tmp(backend);
    QVERIFY2(tmp.isValid(), qPrintable(tmp.error()));
    Storage storage;
    auto opened = storage.open(tmp.location());
    opened.waitForFinished();
    QVERIFY2(opened.result().ok(), qPrintable(opened.result().ok() ? QString() : opened.result().error().message));
    QVERIFY(opened.result()->schemaVersion >= 1);
    QCOMPARE(storage.open(tmp.location()).result().error().code, QStringLiteral("invalid_input")); // only once

    Conversation conv;
    conv.title = QStringLiteral("async");
    const qint64 id = storage.startConversation(conv).result().value();
    Message user;
    user.conversationId = id;
    user.content = QStringLiteral("hello");
    QVERIFY(storage.appendMessage(user).result().ok());
    // Streaming without waiting in between: order is kept on the storage thread.
    auto begun = storage.beginAssistantMessage(id, QStringLiteral("m"));
    const qint64 reply = begun.result().value();
    storage.checkpointMessage(reply, QStringLiteral("Hel"));
    storage.checkpointMessage(reply, QStringLiteral("Hello th"));
    auto finished = storage.finishMessage(reply, Completion { QStringLiteral("Hello there.") });
    auto last = storage.lastMessages(id, 10);
    QVERIFY(finished.result().ok());
    QVERIFY(last.result().ok());
    QCOMPARE(last.result()->size(), 2);
    QCOMPARE(last.result()->at(1).content, QStringLiteral("Hello there."));
    RT_COMPARE_ENUM(last.result()->at(1).status, MessageStatus::Complete);
    QCOMPARE(storage.conversations().result()->size(), 1);
    QCOMPARE(storage.search(QStringLiteral("there")).result()->size(), 1);
    QVERIFY(storage.olderMessages(id, reply, 10).result()->size() == 1);
    QVERIFY(storage.integrityCheck().result()->isEmpty());
    auto exported = storage.exportConversation(id, ExportFormat::Json).result();
    QVERIFY(exported.ok());
    auto imported = storage.importJson(*exported).result();
    QVERIFY(imported.ok());
    QVERIFY(imported->id != id);
    QCOMPARE(imported->items, 2);
    if (backend == u"postgresql") {
        // The exactly-once journal keeps each write's result as JSON: the
        // import as an object with named parts, an id as a number.
        auto raw = Database::connect(tmp.location());
        QVERIFY(raw.ok());
        auto q = raw.value()->query(QStringLiteral("SELECT result FROM write_journal WHERE jsonb_typeof(result) = 'object'"));
        QVERIFY(q.ok());
        QVERIFY(q->next());
        const QJsonObject entry = q->jsonObject(0);
        QCOMPARE(entry.value(u"kind").toString(), QStringLiteral("conversation"));
        QCOMPARE(entry.value(u"id").toInteger(), imported->id);
        QCOMPARE(entry.value(u"items").toInt(), 2);
        QVERIFY(!q->next());
        q = raw.value()->query(QStringLiteral("SELECT count(*) FROM write_journal WHERE result = to_jsonb(?::bigint)"), { id });
        QVERIFY(q.ok() && q->next());
        QVERIFY(q->integer(0) >= 1); // startConversation's id (a message may have the same one)
        q = raw.value()->query(QStringLiteral("SELECT count(*) FROM write_journal WHERE jsonb_typeof(result) = 'string'"));
        QVERIFY(q.ok() && q->next());
        QCOMPARE(q->integer(0), 0); // nothing is kept as text to split
        q = rt::Result<Query>(Query());
    }

    Debate d;
    d.question = QStringLiteral("?");
    const qint64 debate = storage.createDebate(d).result().value();
    DebateTurn t;
    t.debateId = debate;
    const qint64 turn = storage.beginTurn(t).result().value();
    storage.checkpointTurn(turn, QStringLiteral("thinking aloud"));
    t.content = QStringLiteral("done");
    QVERIFY(storage.finishTurn(turn, t).result().ok());
    QVERIFY(storage.saveRound(DebateRound { debate, 0, 0.5 }).result().ok());
    QVERIFY(storage.setDebateStatus(debate, DebateStatus::Interrupted).result().ok());
    QCOMPARE(storage.interruptedDebates().result()->size(), 1);
    Debate outcome;
    outcome.status = DebateStatus::Finished;
    QVERIFY(storage.finishDebate(debate, outcome).result().ok());
    QVERIFY(storage.interruptedDebates().result()->isEmpty());
}

void TstStorageFacade::journalCodecRoundTrip()
{
    using namespace rt::storage::detail;
    for (qint64 v : { qint64(0), qint64(42), (qint64(1) << 53) + 1, std::numeric_limits<qint64>::max() })
        QCOMPARE(JournalCodec<qint64>::decode(JournalCodec<qint64>::encode(v)), v);
    QCOMPARE(JournalCodec<int>::decode(JournalCodec<int>::encode(-7)), -7);
    QCOMPARE(JournalCodec<bool>::decode(JournalCodec<bool>::encode(true)), true);
    QCOMPARE(JournalCodec<bool>::decode(JournalCodec<bool>::encode(false)), false);
    const QString text = QStringLiteral("a, b; \"c\" 1 2 3");
    QCOMPARE(JournalCodec<QString>::decode(JournalCodec<QString>::encode(text)), text);
    const ImportResult r { ImportResult::Kind::Debate, 1234567890123, 17 };
    const QJsonValue encoded = JournalCodec<ImportResult>::encode(r);
    QVERIFY(encoded.isObject());
    QCOMPARE(encoded.toObject().value(u"kind").toString(), QStringLiteral("debate"));
    const ImportResult back = JournalCodec<ImportResult>::decode(encoded);
    QVERIFY(back.kind == ImportResult::Kind::Debate);
    QCOMPARE(back.id, r.id);
    QCOMPARE(back.items, r.items);
    // Stored and read back as text, as the journal column does.
    const QJsonValue stored = QJsonDocument::fromJson(Database::jsonValue(encoded).toString().toUtf8()).object();
    QCOMPARE(JournalCodec<ImportResult>::decode(stored).id, r.id);
}

void TstStorageFacade::continuationsRunOnCallerThread()
{
    rt::test::TempDatabase tmp;
    Storage storage;
    QThread *storageThread = nullptr;
    bool openedOk = false;
    storage.open(tmp.location()).then(this, [&](const rt::Result<OpenReport> &r) { openedOk = r.ok(); });
    QTRY_VERIFY(openedOk);
    QThread *continuationThread = nullptr;
    qint64 id = 0;
    storage
        .write([&storageThread](StorageContext &c) {
            storageThread = QThread::currentThread();
            return c.conversations().create({});
        })
        .then(this, [&](const rt::Result<qint64> &r) {
            continuationThread = QThread::currentThread();
            id = r.valueOr(-1);
        });
    QTRY_VERIFY(id != 0);
    QVERIFY(id > 0);
    QCOMPARE(continuationThread, QThread::currentThread());
    QVERIFY(storageThread != nullptr);
    QVERIFY(storageThread != QThread::currentThread());
}

void TstStorageFacade::genericReadWriteAndErrors()
{
    rt::test::TempDatabase tmp;
    Storage storage;
    QVERIFY(storage.open(tmp.location()).result().ok());
    AgentRecord agent;
    agent.name = QStringLiteral("Judge");
    auto id = storage.write([agent](StorageContext &c) { return c.agents().create(agent); }).result();
    QVERIFY(id.ok());
    auto dup = storage.write([agent](StorageContext &c) { return c.agents().create(agent); }).result();
    QVERIFY(!dup.ok());
    QCOMPARE(dup.error().code, QStringLiteral("duplicate"));
    auto found = storage.read([](StorageContext &c) { return c.agents().findByName(QStringLiteral("judge")); }).result();
    QVERIFY(found.ok() && found->has_value());
    auto missing = storage.conversation(424242).result();
    QCOMPARE(missing.error().code, QStringLiteral("not_found"));
    // A failing write function leaves nothing behind (its transaction rolls back).
    auto failed = storage
                      .write([](StorageContext &c) -> rt::Status {
                          if (auto r = c.conversations().create({}); !r.ok())
                              return r.error();
                          return makeError(errc::InvalidInput, QStringLiteral("changed my mind"));
                      })
                      .result();
    QVERIFY(!failed.ok());
    QCOMPARE(storage.read([](StorageContext &c) { return c.conversations().count(); }).result().value(), 0);
    QVERIFY(!storage.backupTo(tmp.sqlitePath()).result().ok()); // exists already
    const QString backup = tmp.dir() + QStringLiteral("/backup.sqlite");
    QVERIFY(storage.backupTo(backup).result().ok());
    QVERIFY(QFileInfo(backup).size() > 0);
}

void TstStorageFacade::failedOpenFailsLaterCalls()
{
    QTemporaryDir dir;
    QFile junk(dir.filePath(QStringLiteral("junk.sqlite")));
    QVERIFY(junk.open(QIODevice::WriteOnly));
    junk.write(QByteArray(4096, 'J'));
    junk.close();
    Storage storage;
    auto opened = storage.open(*parseDatabaseLocation(junk.fileName()));
    auto write = storage.startConversation({}); // queued behind the open
    QCOMPARE(opened.result().error().code, QStringLiteral("not_a_database"));
    QCOMPARE(write.result().error().code, QStringLiteral("not_a_database"));
    QCOMPARE(storage.conversations().result().error().code, QStringLiteral("not_a_database"));
    Storage never;
    QVERIFY(!never.conversations().result().ok()); // not opened at all
}

void TstStorageFacade::shutdownFinishesQueuedWrites()
{
    QFETCH(QString, backend);
    if (backend == u"postgresql")
        RT_REQUIRE_POSTGRES();
    rt::test::TempDatabase tmp(backend);
    QVERIFY2(tmp.isValid(), qPrintable(tmp.error()));
    qint64 conv = 0;
    {
        Storage storage;
        storage.open(tmp.location());
        conv = storage.startConversation({}).result().value();
        for (int i = 0; i < 300; ++i) {
            Message m;
            m.conversationId = conv;
            m.content = QStringLiteral("queued %1").arg(i);
            storage.appendMessage(m); // nobody waits for these
        }
    } // destructor: drains, then stops the thread
    auto db = tmp.open();
    QVERIFY(db.ok());
    StorageContext c(*db.value());
    QCOMPARE(*c.messages().count(conv), 300);
    QCOMPARE(c.messages().last(conv, 1)->at(0).content, QStringLiteral("queued 299"));
}

void TstStorageFacade::staleLeftoversFoundAfterStart()
{
    rt::test::TempDatabase tmp;
    qint64 partial = 0;
    {
        auto db = tmp.open();
        StorageContext c(*db.value());
        partial = *c.messages().beginAssistant(*c.conversations().create({}), QStringLiteral("m"));
    }
    Storage storage;
    QSignalSpy found(&storage, &Storage::interruptedFound);
    OpenOptions options;
    options.staleAfterSeconds = 1; // the row is fresh: another process might own it
    auto report = storage.open(tmp.location(), options).result();
    QVERIFY(report.ok());
    QCOMPARE(report->interrupted.total(), 0);
    QVERIFY(found.wait(5000));
    QCOMPARE(found.first().first().value<InterruptedCounts>().messages, 1);
    RT_COMPARE_ENUM(
        storage.read([partial](StorageContext &c) { return c.messages().get(partial); }).result()->status, MessageStatus::Interrupted);
}

void TstStorageFacade::postgresConnectionLoss()
{
    RT_REQUIRE_POSTGRES();
    rt::test::TempDatabase tmp(rt::test::TempDatabase::Backend::Postgres);
    QVERIFY2(tmp.isValid(), qPrintable(tmp.error()));
    auto admin = Database::connect(*parseDatabaseLocation(rt::test::postgresUrl()));
    QVERIFY(admin.ok());
    auto killConnections = [&] {
        auto n = admin.value()->query(
            QStringLiteral("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()"),
            { tmp.location().databaseName });
        return n.ok() && n->next() ? n->integer(0) : -1;
    };

    Storage storage;
    QSignalSpy lost(&storage, &Storage::connectionLost);
    QSignalSpy restored(&storage, &Storage::connectionRestored);
    QVERIFY(storage.open(tmp.location()).result().ok());
    const qint64 conv = storage.startConversation({}).result().value();

    constexpr int Rounds = 3;
    constexpr int PerRound = 20;
    for (int round = 0; round < Rounds; ++round) {
        QCOMPARE(killConnections(), 1);
        QList<QFuture<rt::Result<qint64>>> writes;
        for (int i = 0; i < PerRound; ++i) {
            Message m;
            m.conversationId = conv;
            m.content = QStringLiteral("round %1 message %2").arg(round).arg(i);
            writes.append(storage.appendMessage(m));
        }
        for (auto &w : writes) {
            w.waitForFinished();
            QVERIFY2(w.result().ok(), qPrintable(w.result().ok() ? QString() : w.result().error().message));
        }
        // Reads work again after the reconnect.
        QVERIFY(storage.lastMessages(conv, 1).result().ok());
    }
    QTRY_COMPARE(lost.size(), Rounds);
    QTRY_COMPARE(restored.size(), Rounds);
    QVERIFY(lost.first().first().toString().contains(u"reconnect"));

    // Exactly once: every message present, none twice.
    auto all = storage.read([conv](StorageContext &c) { return c.messages().all(conv); }).result();
    QVERIFY(all.ok());
    QCOMPARE(all->size(), Rounds * PerRound);
    QSet<QString> texts;
    for (const Message &m : std::as_const(*all))
        texts.insert(m.content);
    QCOMPARE(texts.size(), Rounds * PerRound);
}

QTEST_GUILESS_MAIN(TstStorageFacade)
#include "tst_storage_facade.moc"
