// Export -> import is lossless: a conversation and a debate exported as JSON
// and imported (into the same backend, and across SQLite <-> PostgreSQL) come
// back with new ids and identical content and metadata.
#include "pgtest.h"
#include "storage/storagecontext.h"
#include "tempdatabase.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest/QTest>

using namespace rt::storage;

class TstStorageExportImport final : public QObject {
    Q_OBJECT

private slots:
    void conversationRoundTrip_data() { rt::test::addBackendRows(); }
    void conversationRoundTrip();
    void debateRoundTrip_data() { rt::test::addBackendRows(); }
    void debateRoundTrip();
    void acrossBackends();
    void markdown();
    void badImports();

private:
    static qint64 makeConversation(StorageContext &c);
    static qint64 makeDebate(StorageContext &c);
    static QJsonObject withoutVolatile(QJsonObject export_);
};

// Records a failure but goes on (for helpers that return a value).
#define CHECK(x) QTest::qVerify(static_cast<bool>(x), #x, "", __FILE__, __LINE__)

namespace {
QDateTime at(int s)
{
    return QDateTime(QDate(2024, 2, 29), QTime(23, 59, 58, 123), Qt::UTC).addSecs(s);
}
} // namespace

qint64 TstStorageExportImport::makeConversation(StorageContext &c)
{
    AgentRecord agent;
    agent.name = QStringLiteral("Historian");
    const qint64 agentId = *c.agents().upsertByName(agent);
    Conversation conv;
    conv.title = QStringLiteral("Rome «eternal» 🏛");
    conv.model = QStringLiteral("llama3:70b");
    conv.systemPrompt = QStringLiteral("You are precise.\nCite sources.");
    conv.createdAt = at(0);
    const qint64 id = *c.conversations().create(conv);
    Message sys;
    sys.conversationId = id;
    sys.role = MessageRole::System;
    sys.content = conv.systemPrompt;
    sys.createdAt = at(1);
    CHECK(c.messages().append(sys).ok());
    Message user;
    user.conversationId = id;
    user.content = QStringLiteral("When was Rome founded?\n\n```\ncode;\n```");
    user.createdAt = at(2);
    CHECK(c.messages().append(user).ok());
    Message reply;
    reply.conversationId = id;
    reply.role = MessageRole::Assistant;
    reply.content = QStringLiteral("Traditionally 753 BC.");
    reply.thinking = QStringLiteral("Livy says...");
    reply.agentId = agentId;
    reply.model = QStringLiteral("llama3:70b");
    reply.metrics = GenerationMetrics { 11, 22, 9'007'199'254'740'993LL, 44, 55, 66, 77 }; // > 2^53 survives
    reply.createdAt = at(3);
    reply.updatedAt = at(9);
    CHECK(c.messages().append(reply).ok());
    Message cut;
    cut.conversationId = id;
    cut.role = MessageRole::Assistant;
    cut.content = QStringLiteral("And then Remu");
    cut.status = MessageStatus::Interrupted;
    cut.error = QStringLiteral("connection reset");
    cut.createdAt = at(10);
    CHECK(c.messages().append(cut).ok());
    Message tool;
    tool.conversationId = id;
    tool.role = MessageRole::Tool;
    tool.content = QStringLiteral("{\"result\": 1}");
    tool.status = MessageStatus::Cancelled;
    tool.createdAt = at(11);
    CHECK(c.messages().append(tool).ok());
    CHECK(c.conversations().setUpdatedAt(id, at(100)).ok());
    return id;
}

qint64 TstStorageExportImport::makeDebate(StorageContext &c)
{
    AgentRecord agent;
    agent.name = QStringLiteral("Skeptic");
    const qint64 agentId = *c.agents().upsertByName(agent);
    Debate d;
    d.question = QStringLiteral("Should we rewrite it in Rust?");
    d.format = QStringLiteral("oxford");
    d.settings = QJsonObject { { QStringLiteral("rounds"), 3 },
        { QStringLiteral("nested"), QJsonObject { { QStringLiteral("a"), QJsonArray { 1, 2.5, QStringLiteral("x") } } } } };
    d.createdAt = at(0);
    const qint64 id = *c.debates().create(d);
    CHECK(c.debates()
              .setParticipants(id,
                  { { id, 0, agentId,
                        QJsonObject {
                            { QStringLiteral("name"), QStringLiteral("Skeptic") }, { QStringLiteral("model"), QStringLiteral("m1") } } },
                      { id, 1, std::nullopt, QJsonObject { { QStringLiteral("name"), QStringLiteral("Gone") } } } })
              .ok());
    DebateTurn t;
    t.debateId = id;
    t.round = 1;
    t.seat = 0;
    t.agentName = QStringLiteral("Skeptic");
    t.content = QStringLiteral("No.");
    t.thinking = QStringLiteral("hmm");
    t.stance = QJsonObject { { QStringLiteral("position"), QStringLiteral("against") },
        { QStringLiteral("reasons"), QJsonArray { QStringLiteral("cost") } } };
    t.confidence = 0.75;
    t.model = QStringLiteral("m1");
    t.metrics.evalCount = 5;
    t.metrics.ttftMs = 120;
    t.createdAt = at(5);
    CHECK(c.debates().appendTurn(t).ok());
    DebateTurn t2 = t;
    t2.seat = 1;
    t2.agentName = QStringLiteral("Gone");
    t2.kind = TurnKind::Repair;
    t2.stance = QJsonValue::Null;
    t2.confidence.reset();
    t2.parseOk = false;
    t2.changed = true;
    t2.status = TurnStatus::Failed;
    t2.error = QStringLiteral("model not found");
    t2.createdAt = at(6);
    CHECK(c.debates().appendTurn(t2).ok());
    DebateTurn synth = t;
    synth.seat = -1;
    synth.round = 2;
    synth.kind = TurnKind::Synthesis;
    synth.agentName = QString();
    synth.stance = QJsonArray { QStringLiteral("scalar-ish") };
    synth.createdAt = at(7);
    CHECK(c.debates().appendTurn(synth).ok());
    CHECK(c.debates().saveRound({ id, 1, 0.25, QJsonArray { QJsonArray { 0 }, QJsonArray { 1 } }, 0 }).ok());
    CHECK(c.debates().saveRound({ id, 2, std::nullopt, QJsonValue::Null, 3 }).ok());
    Debate outcome;
    outcome.status = DebateStatus::Finished;
    outcome.consensusScore = 0.5;
    outcome.stopReason = QStringLiteral("max rounds");
    outcome.finalAnswer = QStringLiteral("Not now.");
    outcome.synthesis = QStringLiteral("Costs outweigh benefits today.");
    outcome.updatedAt = at(20);
    outcome.finishedAt = at(20);
    CHECK(c.debates().finish(id, outcome).ok());
    return id;
}

QJsonObject TstStorageExportImport::withoutVolatile(QJsonObject e)
{
    e.remove(u"exported_at");
    for (const char *key : { "conversation", "debate" }) {
        QJsonObject inner = e.value(QLatin1String(key)).toObject();
        if (!inner.isEmpty()) {
            inner.remove(u"id");
            e.insert(QLatin1String(key), inner);
        }
    }
    return e;
}

void TstStorageExportImport::conversationRoundTrip()
{
    RT_TEMP_DATABASE(tmp, db);
    StorageContext c(db);
    const qint64 id = makeConversation(c);
    auto json = c.exporter().exportConversation(id, ExportFormat::Json);
    QVERIFY2(json.ok(), qPrintable(json.ok() ? QString() : json.error().message));
    auto imported = c.exporter().importJson(*json);
    QVERIFY2(imported.ok(), qPrintable(imported.ok() ? QString() : imported.error().message));
    QCOMPARE(int(imported->kind), int(ImportResult::Kind::Conversation));
    QVERIFY(imported->id != id);
    QCOMPARE(imported->items, 5);

    auto original = c.conversations().get(id);
    auto copy = c.conversations().get(imported->id);
    Conversation expected = *original;
    expected.id = copy->id;
    QCOMPARE(*copy, expected);
    const QList<Message> a = *c.messages().all(id);
    const QList<Message> b = *c.messages().all(imported->id);
    QCOMPARE(b.size(), a.size());
    for (qsizetype i = 0; i < a.size(); ++i) {
        Message m = a.at(i);
        m.id = b.at(i).id;
        m.conversationId = imported->id;
        QCOMPARE(b.at(i), m); // every field, agent link and timestamps included
    }
    auto again = c.exporter().exportConversation(imported->id, ExportFormat::Json);
    QCOMPARE(withoutVolatile(QJsonDocument::fromJson(*again).object()), withoutVolatile(QJsonDocument::fromJson(*json).object()));
}

void TstStorageExportImport::debateRoundTrip()
{
    RT_TEMP_DATABASE(tmp, db);
    StorageContext c(db);
    const qint64 id = makeDebate(c);
    auto json = c.exporter().exportDebate(id, ExportFormat::Json);
    QVERIFY2(json.ok(), qPrintable(json.ok() ? QString() : json.error().message));
    auto imported = c.exporter().importJson(*json);
    QVERIFY2(imported.ok(), qPrintable(imported.ok() ? QString() : imported.error().message));
    QCOMPARE(int(imported->kind), int(ImportResult::Kind::Debate));
    QCOMPARE(imported->items, 3);

    Debate expected = *c.debates().get(id);
    expected.id = imported->id;
    QCOMPARE(*c.debates().get(imported->id), expected);
    QList<DebateParticipant> seats = *c.debates().participants(id);
    for (DebateParticipant &p : seats)
        p.debateId = imported->id;
    QCOMPARE(*c.debates().participants(imported->id), seats);
    const QList<DebateTurn> a = *c.debates().turns(id);
    const QList<DebateTurn> b = *c.debates().turns(imported->id);
    QCOMPARE(b.size(), a.size());
    for (qsizetype i = 0; i < a.size(); ++i) {
        DebateTurn t = a.at(i);
        t.id = b.at(i).id;
        t.debateId = imported->id;
        QCOMPARE(b.at(i), t);
    }
    QList<DebateRound> rounds = *c.debates().rounds(id);
    for (DebateRound &r : rounds)
        r.debateId = imported->id;
    QCOMPARE(*c.debates().rounds(imported->id), rounds);
    auto again = c.exporter().exportDebate(imported->id, ExportFormat::Json);
    QCOMPARE(withoutVolatile(QJsonDocument::fromJson(*again).object()), withoutVolatile(QJsonDocument::fromJson(*json).object()));
}

void TstStorageExportImport::acrossBackends()
{
    RT_REQUIRE_POSTGRES();
    rt::test::TempDatabase sqlite;
    rt::test::TempDatabase postgres(rt::test::TempDatabase::Backend::Postgres);
    QVERIFY2(postgres.isValid(), qPrintable(postgres.error()));
    auto from = sqlite.open();
    auto to = postgres.open();
    QVERIFY(from.ok() && to.ok());
    StorageContext a(*from.value());
    StorageContext b(*to.value());
    const qint64 conv = makeConversation(a);
    const qint64 debate = makeDebate(a);
    // The agents exist on both sides, so links are restored by name.
    const auto agents = a.agents().list();
    QVERIFY(agents.ok());
    for (const AgentRecord &agent : agents.value())
        QVERIFY(b.agents().upsertByName(agent).ok());

    const QByteArray convJson = *a.exporter().exportConversation(conv, ExportFormat::Json);
    const QByteArray debateJson = *a.exporter().exportDebate(debate, ExportFormat::Json);
    auto c1 = b.exporter().importJson(convJson);
    auto d1 = b.exporter().importJson(debateJson);
    QVERIFY2(c1.ok() && d1.ok(), "import into PostgreSQL failed");
    QCOMPARE(withoutVolatile(QJsonDocument::fromJson(*b.exporter().exportConversation(c1->id, ExportFormat::Json)).object()),
        withoutVolatile(QJsonDocument::fromJson(convJson).object()));
    QCOMPARE(withoutVolatile(QJsonDocument::fromJson(*b.exporter().exportDebate(d1->id, ExportFormat::Json)).object()),
        withoutVolatile(QJsonDocument::fromJson(debateJson).object()));
    // And back.
    auto c2 = a.exporter().importJson(*b.exporter().exportConversation(c1->id, ExportFormat::Json));
    QVERIFY(c2.ok());
    QCOMPARE(withoutVolatile(QJsonDocument::fromJson(*a.exporter().exportConversation(c2->id, ExportFormat::Json)).object()),
        withoutVolatile(QJsonDocument::fromJson(convJson).object()));
}

void TstStorageExportImport::markdown()
{
    rt::test::TempDatabase tmp;
    auto opened = tmp.open();
    StorageContext c(*opened.value());
    const QString conv = QString::fromUtf8(*c.exporter().exportConversation(makeConversation(c), ExportFormat::Markdown));
    QVERIFY(conv.startsWith(QStringLiteral("# Rome «eternal» 🏛\n")));
    QVERIFY(conv.contains(u"## Historian (llama3:70b)"));
    QVERIFY(conv.contains(u"Traditionally 753 BC."));
    QVERIFY(conv.contains(u"Status: interrupted"));
    QVERIFY(conv.contains(u"Error: connection reset"));
    QVERIFY(conv.contains(u"<summary>Thinking</summary>"));
    const QString debate = QString::fromUtf8(*c.exporter().exportDebate(makeDebate(c), ExportFormat::Markdown));
    QVERIFY(debate.startsWith(QStringLiteral("# Should we rewrite it in Rust?")));
    QVERIFY(debate.contains(u"## Participants"));
    QVERIFY(debate.contains(u"## Round 1"));
    QVERIFY(debate.contains(u"confidence 75%"));
    QVERIFY(debate.contains(u"## Synthesis\n\nCosts outweigh benefits today."));
    QVERIFY(debate.contains(u"## Final answer"));
}

void TstStorageExportImport::badImports()
{
    rt::test::TempDatabase tmp;
    auto opened = tmp.open();
    StorageContext c(*opened.value());
    const auto before = *c.maintenance().stats();
    for (const QByteArray &bad : { QByteArray("not json"), QByteArray("{}"), QByteArray("[1,2]"),
             QByteArray(R"({"format":"roundtable.export","version":99,"kind":"conversation"})"),
             QByteArray(R"({"format":"roundtable.export","version":1,"kind":"spreadsheet"})"),
             QByteArray(R"({"format":"roundtable.export","version":1,"kind":"conversation","conversation":{"title":"t"},)"
                        R"("messages":[{"role":"user","content":"ok"},{"role":"robot","content":"bad"}]})") }) {
        auto r = c.exporter().importJson(bad);
        QVERIFY2(!r.ok(), bad.constData());
        QVERIFY(r.error().message.contains(u"not a Roundtable export"));
    }
    // All or nothing: the half-valid file left no conversation behind.
    const auto after = *c.maintenance().stats();
    QCOMPARE(after.conversations, before.conversations);
    QCOMPARE(after.messages, before.messages);
}

QTEST_GUILESS_MAIN(TstStorageExportImport)
#include "tst_storage_exportimport.moc"
