// Every repository against SQLite in a temporary folder and against a real
// PostgreSQL server: the same test code, one data row per backend.
#include "pgtest.h"
#include "storage/storagecontext.h"
#include "tempdatabase.h"

#include <QJsonArray>
#include <QtTest/QTest>

using namespace rt::storage;

class TstStorageRepositories final : public QObject {
    Q_OBJECT

private slots:
    void conversations_data() { rt::test::addBackendRows(); }
    void conversations();
    void messagePaging_data() { rt::test::addBackendRows(); }
    void messagePaging();
    void streamingLifecycle_data() { rt::test::addBackendRows(); }
    void streamingLifecycle();
    void constraintsKeepBadDataOut_data() { rt::test::addBackendRows(); }
    void constraintsKeepBadDataOut();
    void debates_data() { rt::test::addBackendRows(); }
    void debates();
    void agents_data() { rt::test::addBackendRows(); }
    void agents();
    void models_data() { rt::test::addBackendRows(); }
    void models();
    void tasks_data() { rt::test::addBackendRows(); }
    void tasks();
    void metrics_data() { rt::test::addBackendRows(); }
    void metrics();
    void search_data() { rt::test::addBackendRows(); }
    void search();
    void searchFilters_data() { rt::test::addBackendRows(); }
    void searchFilters();
    void markInterrupted_data() { rt::test::addBackendRows(); }
    void markInterrupted();
    void integrityAndStats_data() { rt::test::addBackendRows(); }
    void integrityAndStats();
};

namespace {
QDateTime at(int seconds)
{
    return QDateTime(QDate(2024, 5, 1), QTime(12, 0), Qt::UTC).addSecs(seconds);
}
} // namespace

void TstStorageRepositories::conversations()
{
    RT_TEMP_DATABASE(tmp, db);
    StorageContext c(db);
    Conversation in;
    in.title = QStringLiteral("Über tea");
    in.model = QStringLiteral("llama3:8b");
    in.systemPrompt = QStringLiteral("Be brief.");
    in.createdAt = at(0);
    auto a = c.conversations().create(in);
    QVERIFY2(a.ok(), qPrintable(a.ok() ? QString() : a.error().message));
    in.title = QStringLiteral("Second");
    in.createdAt = at(10);
    auto b = c.conversations().create(in);
    QVERIFY(b.ok());

    auto got = c.conversations().get(*a);
    QVERIFY(got.ok());
    QCOMPARE(got->title, QStringLiteral("Über tea"));
    QCOMPARE(got->model, QStringLiteral("llama3:8b"));
    QCOMPARE(got->systemPrompt, QStringLiteral("Be brief."));
    QCOMPARE(got->createdAt, at(0));
    QCOMPARE(got->updatedAt, at(0));
    QCOMPARE(got->createdAt.timeSpec(), Qt::UTC);

    auto list = c.conversations().list();
    QVERIFY(list.ok());
    QCOMPARE(list->size(), 2);
    QCOMPARE(list->at(0).id, *b); // most recently active first

    Message m;
    m.conversationId = *a;
    m.content = QStringLiteral("hi");
    m.createdAt = at(20);
    QVERIFY(c.messages().append(m).ok());
    list = c.conversations().list();
    QCOMPARE(list->at(0).id, *a); // the message bumped it
    QCOMPARE(list->at(0).messageCount, 1);
    QCOMPARE(*c.conversations().count(), 2);

    QVERIFY(c.conversations().rename(*a, QStringLiteral("Renamed")).ok());
    QCOMPARE(c.conversations().get(*a)->title, QStringLiteral("Renamed"));
    QVERIFY(c.conversations().remove(*a).ok());
    QCOMPARE(c.conversations().get(*a).error().code, QStringLiteral("not_found"));
    QCOMPARE(*c.messages().count(*a), 0); // cascaded
    QCOMPARE(c.conversations().remove(999999).error().code, QStringLiteral("not_found"));
}

void TstStorageRepositories::messagePaging()
{
    RT_TEMP_DATABASE(tmp, db);
    StorageContext c(db);
    const qint64 conv = *c.conversations().create({});
    const qint64 other = *c.conversations().create({});
    QVERIFY(db.begin().ok());
    QList<qint64> ids;
    for (int i = 0; i < 250; ++i) {
        Message m;
        m.conversationId = conv;
        m.role = i % 2 ? MessageRole::Assistant : MessageRole::User;
        m.content = QStringLiteral("message %1").arg(i);
        ids.append(*c.messages().append(m));
        if (i % 10 == 0) {
            m.conversationId = other;
            QVERIFY(c.messages().append(m).ok());
        }
    }
    QVERIFY(db.commit().ok());

    auto last = c.messages().last(conv, 100);
    QVERIFY(last.ok());
    QCOMPARE(last->size(), 100);
    QCOMPARE(last->first().content, QStringLiteral("message 150"));
    QCOMPARE(last->last().content, QStringLiteral("message 249"));
    QCOMPARE(last->last().id, ids.last());

    auto older = c.messages().olderThan(conv, last->first().id, 100);
    QVERIFY(older.ok());
    QCOMPARE(older->size(), 100);
    QCOMPARE(older->first().content, QStringLiteral("message 50"));
    QCOMPARE(older->last().content, QStringLiteral("message 149"));
    older = c.messages().olderThan(conv, older->first().id, 100);
    QCOMPARE(older->size(), 50);
    QCOMPARE(older->first().content, QStringLiteral("message 0"));
    older = c.messages().olderThan(conv, older->first().id, 100);
    QVERIFY(older.ok());
    QVERIFY(older->isEmpty());

    QCOMPARE(c.messages().all(conv)->size(), 250);
    QCOMPARE(*c.messages().count(other), 25);
    RT_COMPARE_ENUM(c.messages().get(ids.at(7))->role, MessageRole::Assistant);
}

void TstStorageRepositories::streamingLifecycle()
{
    RT_TEMP_DATABASE(tmp, db);
    StorageContext c(db);
    const qint64 conv = *c.conversations().create({});
    auto id = c.messages().beginAssistant(conv, QStringLiteral("qwen2.5"));
    QVERIFY(id.ok());
    auto m = c.messages().get(*id);
    RT_COMPARE_ENUM(m->status, MessageStatus::Partial);
    RT_COMPARE_ENUM(m->role, MessageRole::Assistant);
    QVERIFY(m->content.isEmpty());

    QVERIFY(c.messages().checkpoint(*id, QStringLiteral("Hello, wo"), QStringLiteral("thinking...")).ok());
    m = c.messages().get(*id);
    QCOMPARE(m->content, QStringLiteral("Hello, wo"));
    QCOMPARE(m->thinking, QStringLiteral("thinking..."));
    RT_COMPARE_ENUM(m->status, MessageStatus::Partial);

    Completion done;
    done.content = QStringLiteral("Hello, world.");
    done.metrics.promptEvalCount = 12;
    done.metrics.evalCount = 34;
    done.metrics.totalDurationNs = 5'000'000'000'123LL;
    done.metrics.loadDurationNs = 1;
    done.metrics.promptEvalDurationNs = 2;
    done.metrics.evalDurationNs = 3;
    done.metrics.ttftMs = 456;
    QVERIFY(c.messages().finish(*id, done).ok());
    m = c.messages().get(*id);
    RT_COMPARE_ENUM(m->status, MessageStatus::Complete);
    QCOMPARE(m->content, QStringLiteral("Hello, world."));
    QCOMPARE(m->metrics, done.metrics);
    QVERIFY(m->thinking.isEmpty());

    // A finished message does not take checkpoints any more.
    auto late = c.messages().checkpoint(*id, QStringLiteral("x"));
    QVERIFY(!late.ok());
    QCOMPARE(late.error().code, QStringLiteral("invalid_input"));
    QCOMPARE(c.messages().checkpoint(123456, QStringLiteral("x")).error().code, QStringLiteral("not_found"));

    // Failure keeps the text and says why.
    auto failed = *c.messages().beginAssistant(conv, QStringLiteral("m"));
    Completion broken;
    broken.content = QStringLiteral("partial answ");
    broken.status = MessageStatus::Failed;
    broken.error = QStringLiteral("stream truncated");
    QVERIFY(c.messages().finish(failed, broken).ok());
    QCOMPARE(c.messages().get(failed)->error, QStringLiteral("stream truncated"));
    RT_COMPARE_ENUM(c.messages().get(failed)->status, MessageStatus::Failed);
}

void TstStorageRepositories::constraintsKeepBadDataOut()
{
    RT_TEMP_DATABASE(tmp, db);
    StorageContext c(db);
    Message orphan;
    orphan.conversationId = 424242;
    auto r = c.messages().append(orphan);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, QStringLiteral("not_found"));

    const qint64 conv = *c.conversations().create({});
    // CHECK constraints hold even against SQL that bypasses the typed API.
    auto bad = db.exec(
        QStringLiteral("INSERT INTO messages (conversation_id, role, content, created_at, updated_at) VALUES (?, 'robot', '', ?, ?)"),
        { conv, db.timeValue(at(0)), db.timeValue(at(0)) });
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error().code, QStringLiteral("constraint"));
    bad = db.exec(
        QStringLiteral("INSERT INTO debate_turns (debate_id, round, seat, confidence, created_at, updated_at) VALUES (?, 0, 0, 1.5, ?, ?)"),
        { conv, db.timeValue(at(0)), db.timeValue(at(0)) });
    QVERIFY(!bad.ok());
    Debate d;
    d.question = QStringLiteral("q");
    d.consensusScore = 2.0;
    QVERIFY(!c.debates().create(d).ok());
}

void TstStorageRepositories::debates()
{
    RT_TEMP_DATABASE(tmp, db);
    StorageContext c(db);
    AgentRecord skeptic;
    skeptic.name = QStringLiteral("Skeptic");
    const qint64 agentId = *c.agents().create(skeptic);

    Debate d;
    d.question = QStringLiteral("Is P = NP?");
    d.format = QStringLiteral("round-robin");
    d.settings = QJsonObject { { QStringLiteral("rounds"), 3 }, { QStringLiteral("threshold"), 0.8 } };
    auto id = c.debates().create(d);
    QVERIFY2(id.ok(), qPrintable(id.ok() ? QString() : id.error().message));
    auto got = c.debates().get(*id);
    RT_COMPARE_ENUM(got->status, DebateStatus::Running);
    QCOMPARE(got->settings, d.settings);
    QVERIFY(!got->finishedAt.isValid());

    const QList<DebateParticipant> seats {
        { *id, 0, agentId,
            QJsonObject { { QStringLiteral("name"), QStringLiteral("Skeptic") }, { QStringLiteral("model"), QStringLiteral("llama3") } } },
        { *id, 1, std::nullopt, QJsonObject { { QStringLiteral("name"), QStringLiteral("Optimist") } } },
    };
    QVERIFY(c.debates().setParticipants(*id, seats).ok());
    QCOMPARE(*c.debates().participants(*id), seats);

    DebateTurn t;
    t.debateId = *id;
    t.round = 1;
    t.seat = 0;
    t.agentName = QStringLiteral("Skeptic");
    t.content = QStringLiteral("No.");
    t.stance = QJsonObject { { QStringLiteral("position"), QStringLiteral("no") }, { QStringLiteral("confidence"), 0.7 } };
    t.confidence = 0.7;
    t.model = QStringLiteral("llama3");
    t.metrics.evalCount = 10;
    auto first = c.debates().appendTurn(t);
    QVERIFY2(first.ok(), qPrintable(first.ok() ? QString() : first.error().message));

    DebateTurn second = t;
    second.seat = 1;
    second.agentName = QStringLiteral("Optimist");
    second.content.clear();
    second.stance = QJsonValue::Null;
    second.confidence.reset();
    auto streaming = c.debates().beginTurn(second);
    QVERIFY(streaming.ok());
    RT_COMPARE_ENUM(c.debates().turn(*streaming)->status, TurnStatus::Partial);
    QVERIFY(c.debates().checkpointTurn(*streaming, QStringLiteral("Perhaps")).ok());
    // The partial one is not durable yet.
    auto durable = c.debates().lastDurableTurn(*id);
    QVERIFY(durable.ok());
    QVERIFY(durable->has_value());
    QCOMPARE((*durable)->id, *first);

    second.content = QStringLiteral("Perhaps yes.");
    second.stance = QJsonObject { { QStringLiteral("position"), QStringLiteral("yes") } };
    second.confidence = 0.4;
    second.changed = true;
    second.parseOk = false;
    second.status = TurnStatus::Complete;
    QVERIFY(c.debates().finishTurn(*streaming, second).ok());
    durable = c.debates().lastDurableTurn(*id);
    QCOMPARE((*durable)->id, *streaming);
    QCOMPARE((*durable)->changed, true);
    QCOMPARE((*durable)->parseOk, false);
    QCOMPARE((*durable)->confidence, std::optional<double>(0.4));
    QCOMPARE((*durable)->stance.toObject().value(u"position").toString(), QStringLiteral("yes"));

    auto turns = c.debates().turns(*id);
    QCOMPARE(turns->size(), 2);
    QCOMPARE(turns->at(0).stance, t.stance);
    QCOMPARE(turns->at(0).metrics.evalCount, std::optional<qint64>(10));
    QVERIFY(!turns->at(0).changed);

    DebateRound r { *id, 1, 0.55, QJsonArray { QJsonArray { 0 }, QJsonArray { 1 } }, 1 };
    QVERIFY(c.debates().saveRound(r).ok());
    r.score = 0.9;
    r.flips = 2;
    QVERIFY(c.debates().saveRound(r).ok()); // replaces
    auto rounds = c.debates().rounds(*id);
    QCOMPARE(rounds->size(), 1);
    QCOMPARE(rounds->at(0), r);

    QVERIFY(c.debates().setStatus(*id, DebateStatus::Interrupted).ok());
    auto interrupted = c.debates().interrupted();
    QCOMPARE(interrupted->size(), 1);
    QCOMPARE(interrupted->at(0).id, *id);

    Debate outcome;
    outcome.status = DebateStatus::Finished;
    outcome.consensusScore = 0.9;
    outcome.stopReason = QStringLiteral("consensus");
    outcome.finalAnswer = QStringLiteral("Unknown.");
    outcome.synthesis = QStringLiteral("They agree it is open.");
    QVERIFY(c.debates().finish(*id, outcome).ok());
    got = c.debates().get(*id);
    RT_COMPARE_ENUM(got->status, DebateStatus::Finished);
    QCOMPARE(got->consensusScore, std::optional<double>(0.9));
    QCOMPARE(got->synthesis, outcome.synthesis);
    QVERIFY(got->finishedAt.isValid());
    QVERIFY(c.debates().interrupted()->isEmpty());
    QCOMPARE(c.debates().list()->size(), 1);

    // Deleting the agent keeps the seat and its snapshot.
    QVERIFY(c.agents().remove(agentId).ok());
    QCOMPARE(c.debates().participants(*id)->at(0).agentId, std::optional<qint64>());
    QCOMPARE(c.debates().participants(*id)->at(0).agent, seats.at(0).agent);

    QVERIFY(c.debates().remove(*id).ok());
    QVERIFY(c.debates().turns(*id)->isEmpty());
}

void TstStorageRepositories::agents()
{
    RT_TEMP_DATABASE(tmp, db);
    StorageContext c(db);
    AgentRecord a;
    a.name = QStringLiteral("Devil's Advocate");
    a.role = QStringLiteral("contrarian");
    a.description = QStringLiteral("Argues the other side");
    a.systemPrompt = QStringLiteral("Disagree politely.");
    a.model = QStringLiteral("llama3:8b");
    a.fallbackModels = { QStringLiteral("mistral"), QStringLiteral("phi3") };
    a.options = QJsonObject { { QStringLiteral("temperature"), 0.9 } };
    a.colour = QStringLiteral("#aa3300");
    a.avatar = QStringLiteral("😈");
    a.builtin = true;
    auto id = c.agents().create(a);
    QVERIFY2(id.ok(), qPrintable(id.ok() ? QString() : id.error().message));
    auto got = c.agents().get(*id);
    QVERIFY(got.ok());
    AgentRecord expected = a;
    expected.id = *id;
    expected.createdAt = got->createdAt;
    expected.updatedAt = got->updatedAt;
    QCOMPARE(*got, expected);

    // Unique regardless of case, with a message a user understands.
    a.name = QStringLiteral("DEVIL'S ADVOCATE");
    auto dup = c.agents().create(a);
    QVERIFY(!dup.ok());
    QCOMPARE(dup.error().code, QStringLiteral("duplicate"));
    QVERIFY(dup.error().message.contains(QStringLiteral("already exists")));

    auto found = c.agents().findByName(QStringLiteral("devil's advocate"));
    QVERIFY(found.ok() && found->has_value());
    QCOMPARE((*found)->id, *id);
    QVERIFY(!c.agents().findByName(QStringLiteral("nobody"))->has_value());

    AgentRecord b;
    b.name = QStringLiteral("Analyst");
    const qint64 bId = *c.agents().create(b);
    b.id = bId;
    b.name = QStringLiteral("devil's advocate");
    QCOMPARE(c.agents().update(b).error().code, QStringLiteral("duplicate"));
    b.name = QStringLiteral("Analyst 2");
    b.model = QStringLiteral("gemma");
    QVERIFY(c.agents().update(b).ok());
    QCOMPARE(c.agents().get(bId)->model, QStringLiteral("gemma"));

    AgentRecord up;
    up.name = QStringLiteral("analyst 2");
    up.model = QStringLiteral("qwen");
    QCOMPARE(*c.agents().upsertByName(up), bId);
    QCOMPARE(c.agents().get(bId)->model, QStringLiteral("qwen"));
    up.name = QStringLiteral("Brand new");
    QVERIFY(*c.agents().upsertByName(up) != bId);

    QCOMPARE(c.agents().list()->size(), 3);
    AgentRecord empty;
    empty.name = QStringLiteral("   ");
    QCOMPARE(c.agents().create(empty).error().code, QStringLiteral("invalid_input"));
    QVERIFY(c.agents().remove(bId).ok());
    QCOMPARE(c.agents().get(bId).error().code, QStringLiteral("not_found"));
}

void TstStorageRepositories::models()
{
    RT_TEMP_DATABASE(tmp, db);
    StorageContext c(db);
    const QString host = QStringLiteral("http://127.0.0.1:11434");
    ModelRecord llama { host, QStringLiteral("llama3:8b"), QStringLiteral("sha256:abc"), 4'700'000'000LL, QStringLiteral("llama"),
        QStringLiteral("8B"), QStringLiteral("Q4_0"), 8192, { QStringLiteral("completion"), QStringLiteral("tools") },
        QJsonObject { { QStringLiteral("format"), QStringLiteral("gguf") } }, at(0) };
    ModelRecord phi = llama;
    phi.name = QStringLiteral("phi3");
    phi.contextLength.reset();
    QVERIFY(c.models().replaceHost(host, { llama, phi }).ok());
    auto list = c.models().forHost(host);
    QCOMPARE(list->size(), 2);
    QCOMPARE(list->at(0), llama);
    QCOMPARE(list->at(1).contextLength, std::optional<qint64>());

    llama.size = 1;
    QVERIFY(c.models().replaceHost(host, { llama }).ok()); // phi3 is gone from the host
    list = c.models().forHost(host);
    QCOMPARE(list->size(), 1);
    QCOMPARE(list->at(0).size, 1);
    QVERIFY(c.models().upsert(ModelRecord { QStringLiteral("http://gpu:11434"), QStringLiteral("mixtral") }).ok());
    QCOMPARE(c.models().hosts()->size(), 2);
    QVERIFY(c.models().find(host, QStringLiteral("llama3:8b"))->has_value());
    QVERIFY(!c.models().find(host, QStringLiteral("phi3"))->has_value());
    QVERIFY(c.models().removeHost(host).ok());
    QCOMPARE(c.models().hosts()->size(), 1);
}

void TstStorageRepositories::tasks()
{
    RT_TEMP_DATABASE(tmp, db);
    StorageContext c(db);
    TaskRecord t;
    t.kind = QStringLiteral("pull");
    t.title = QStringLiteral("Pull llama3");
    t.payload = QJsonObject { { QStringLiteral("model"), QStringLiteral("llama3") } };
    auto id = c.tasks().create(t);
    QVERIFY(id.ok());
    auto got = c.tasks().get(*id);
    RT_COMPARE_ENUM(got->status, TaskStatus::Queued);
    QVERIFY(!got->startedAt.isValid());

    QVERIFY(c.tasks().setStatus(*id, TaskStatus::Running).ok());
    QVERIFY(c.tasks().setProgress(*id, 0.5, QStringLiteral("2.3 GB of 4.7 GB")).ok());
    QVERIFY(c.tasks().setProgress(*id, 7.0).ok()); // clamped
    got = c.tasks().get(*id);
    RT_COMPARE_ENUM(got->status, TaskStatus::Running);
    QCOMPARE(got->progress, 1.0);
    QVERIFY(got->startedAt.isValid());
    QVERIFY(!got->finishedAt.isValid());
    QVERIFY(c.tasks().setStatus(*id, TaskStatus::Failed, QStringLiteral("disk full")).ok());
    got = c.tasks().get(*id);
    QCOMPARE(got->error, QStringLiteral("disk full"));
    QVERIFY(got->finishedAt.isValid());
    QVERIFY(c.tasks().setPayload(*id, QJsonObject { { QStringLiteral("retry"), true } }).ok());
    QCOMPARE(c.tasks().get(*id)->payload.value(u"retry").toBool(), true);

    TaskRecord other;
    other.kind = QStringLiteral("export");
    QVERIFY(c.tasks().create(other).ok());
    QCOMPARE(c.tasks().list()->size(), 2);
    QCOMPARE(c.tasks().list({ TaskStatus::Queued })->size(), 1);
    QCOMPARE(c.tasks().list({ TaskStatus::Failed, TaskStatus::Running })->size(), 1);
    QCOMPARE(*c.tasks().purgeFinished(QDateTime::currentDateTimeUtc().addSecs(60)), 1);
    QCOMPARE(c.tasks().list()->size(), 1);
    QCOMPARE(c.tasks().setStatus(987654, TaskStatus::Running).error().code, QStringLiteral("not_found"));
}

void TstStorageRepositories::metrics()
{
    RT_TEMP_DATABASE(tmp, db);
    StorageContext c(db);
    const QDateTime now = at(100 * 24 * 3600);
    const QJsonObject labelsA { { QStringLiteral("model"), QStringLiteral("llama3") } };
    const QJsonObject labelsB { { QStringLiteral("model"), QStringLiteral("phi3") } };
    QList<MetricSample> samples;
    // 100 days ago .. now, one sample every 6 hours per label set; plus fine
    // samples in the last hour.
    for (int h = 0; h <= 100 * 24; h += 6) {
        samples.append({ QStringLiteral("roundtable_tokens_total"), labelsA, now.addSecs(-h * 3600), double(h) });
        samples.append({ QStringLiteral("roundtable_tokens_total"), labelsB, now.addSecs(-h * 3600), 1.0 });
    }
    for (int s = 0; s < 60; ++s)
        samples.append({ QStringLiteral("roundtable_viewers"), {}, now.addSecs(-s * 10), double(s) });
    QVERIFY(c.metrics().insert(samples).ok());
    QCOMPARE(c.metrics().names()->size(), 2);

    auto range = c.metrics().range(QStringLiteral("roundtable_tokens_total"), now.addSecs(-24 * 3600), now.addSecs(1), labelsA);
    QVERIFY(range.ok());
    QCOMPARE(range->size(), 5); // -24h, -18h, -12h, -6h, 0
    QCOMPARE(range->first().ts, now.addSecs(-24 * 3600));
    QCOMPARE(range->last().value, 0.0);
    QCOMPARE(c.metrics().range(QStringLiteral("roundtable_viewers"), now.addSecs(-3600), now.addSecs(1))->size(), 60);

    RetentionPolicy policy;
    policy.rawSeconds = 7 * 24 * 3600;
    policy.bucketSeconds = 24 * 3600;
    policy.keepSeconds = 90 * 24 * 3600;
    auto report = c.metrics().applyRetention(policy, now);
    QVERIFY2(report.ok(), qPrintable(report.ok() ? QString() : report.error().message));
    QVERIFY(report->deleted > 0);
    QVERIFY(report->downsampledFrom > report->downsampledTo);
    QVERIFY(report->downsampledTo > 0);
    auto old
        = c.metrics().range(QStringLiteral("roundtable_tokens_total"), now.addSecs(-200 * 24 * 3600), now.addSecs(-8 * 24 * 3600), labelsB);
    QVERIFY(!old->isEmpty());
    for (const MetricSample &s : std::as_const(*old)) {
        QCOMPARE(s.bucketSeconds, policy.bucketSeconds);
        QCOMPARE(s.value, 1.0); // average of ones
        QVERIFY(s.ts >= now.addSecs(-policy.keepSeconds - policy.bucketSeconds));
    }
    // Nothing older than keepSeconds survives; recent raw samples are untouched.
    QVERIFY(c.metrics().range(QStringLiteral("roundtable_tokens_total"), at(-1000000), now.addSecs(-91 * 24 * 3600))->isEmpty());
    QCOMPARE(c.metrics().range(QStringLiteral("roundtable_viewers"), now.addSecs(-3600), now.addSecs(1))->size(), 60);
    // Idempotent.
    auto again = c.metrics().applyRetention(policy, now);
    QCOMPARE(again->downsampledFrom, 0);
}

void TstStorageRepositories::search()
{
    RT_TEMP_DATABASE(tmp, db);
    StorageContext c(db);
    Conversation conv;
    conv.title = QStringLiteral("Gardening");
    const qint64 convId = *c.conversations().create(conv);
    const QStringList texts {
        QStringLiteral("Tomatoes need sun and regular watering."),
        QStringLiteral("Tomatoes, tomatoes, tomatoes: the tomato harvest is huge this year."),
        QStringLiteral("Roses prefer morning sun."),
        QStringLiteral("He said \"NEAR\" * AND OR NOT ( ) ^ : and then '; DROP TABLE messages; -- left"),
        QStringLiteral("Crème brûlée is a dessert."),
    };
    QList<qint64> ids;
    for (const QString &text : texts) {
        Message m;
        m.conversationId = convId;
        m.content = text;
        ids.append(*c.messages().append(m));
    }
    Debate d;
    d.question = QStringLiteral("Best vegetable?");
    const qint64 debateId = *c.debates().create(d);
    DebateTurn t;
    t.debateId = debateId;
    t.agentName = QStringLiteral("Farmer");
    t.content = QStringLiteral("Tomatoes win, obviously.");
    const qint64 turnId = *c.debates().appendTurn(t);

    auto hits = c.search().search(QStringLiteral("tomatoes"));
    QVERIFY2(hits.ok(), qPrintable(hits.ok() ? QString() : hits.error().message));
    QCOMPARE(hits->size(), 3);
    QCOMPARE(hits->at(0).id, ids.at(1)); // the one that says it most ranks first
    QVERIFY(hits->at(0).score >= hits->at(1).score);
    QVERIFY2(hits->at(0).snippet.contains(QStringLiteral("**")), qPrintable(hits->at(0).snippet));
    QCOMPARE(hits->at(0).parentTitle, QStringLiteral("Gardening"));
    bool sawTurn = false;
    for (const SearchHit &h : std::as_const(*hits)) {
        if (h.kind == SearchHit::Kind::DebateTurn) {
            sawTurn = true;
            QCOMPARE(h.id, turnId);
            QCOMPARE(h.parentId, debateId);
            QCOMPARE(h.who, QStringLiteral("Farmer"));
            QCOMPARE(h.parentTitle, QStringLiteral("Best vegetable?"));
        }
    }
    QVERIFY(sawTurn);

    SearchOptions only;
    only.debateTurns = false;
    only.highlightStart = QStringLiteral("<b>");
    only.highlightEnd = QStringLiteral("</b>");
    hits = c.search().search(QStringLiteral("SUN"), only);
    QCOMPARE(hits->size(), 2);
    QVERIFY2(hits->at(0).snippet.contains(QStringLiteral("<b>sun</b>")), qPrintable(hits->at(0).snippet));
    QCOMPARE(c.search().search(QStringLiteral("roses morning"))->size(), 1); // all words
    SearchOptions newestOnly;
    newestOnly.debateTurns = false;
    newestOnly.limit = 1;
    newestOnly.rankWindow = 1; // rank only the newest match
    hits = c.search().search(QStringLiteral("sun"), newestOnly);
    QCOMPARE(hits->size(), 1);
    QCOMPARE(hits->at(0).id, ids.at(2));
    QCOMPARE(c.search().search(QStringLiteral("roses tomatoes"))->size(), 0);
    QCOMPARE(c.search().search(QStringLiteral("creme"))->size(), db.isSqlite() ? 1 : 0); // FTS5 folds accents

    // Syntax and SQL are searched as words, never executed.
    for (const QString &query :
        { QStringLiteral("\"NEAR\""), QStringLiteral("NEAR"), QStringLiteral("'; DROP TABLE messages; --"), QStringLiteral("\"unbalanced"),
            QStringLiteral("*"), QStringLiteral("AND OR NOT"), QStringLiteral("(^:)"), QStringLiteral("NEAR(tomatoes roses, 2)"),
            QStringLiteral("tomat*"), QStringLiteral("content:roses"), QStringLiteral("\\x00 %_ ' \" ;"), QString() }) {
        auto r = c.search().search(query);
        QVERIFY2(r.ok(), qPrintable(query + QStringLiteral(": ") + (r.ok() ? QString() : r.error().message)));
    }
    hits = c.search().search(QStringLiteral("'; DROP TABLE messages; --"));
    QCOMPARE(hits->size(), 1);
    QCOMPARE(hits->at(0).id, ids.at(3));
    QCOMPARE(c.search().search(QStringLiteral("NEAR"))->size(), 1);
    QCOMPARE(c.search().search(QStringLiteral("tomat*"))->size(), 0); // no prefix operator
    QCOMPARE(*c.messages().count(convId), 5); // the table is still there
    QCOMPARE(c.search().search(QStringLiteral("\"NEAR\" *"))->size(), 1);

    // The index follows updates and deletes.
    QVERIFY(c.messages().remove(ids.at(2)).ok());
    QCOMPARE(c.search().search(QStringLiteral("roses"))->size(), 0);
    const qint64 streaming = *c.messages().beginAssistant(convId, QStringLiteral("m"));
    QVERIFY(c.messages().checkpoint(streaming, QStringLiteral("zucchini")).ok());
    QCOMPARE(c.search().search(QStringLiteral("zucchini"))->size(), 1);
    QVERIFY(c.messages().finish(streaming, Completion { QStringLiteral("pumpkin") }).ok());
    QCOMPARE(c.search().search(QStringLiteral("zucchini"))->size(), 0);
    QCOMPARE(c.search().search(QStringLiteral("pumpkin"))->size(), 1);

    // Paging
    SearchOptions page;
    page.limit = 2;
    QCOMPARE(c.search().search(QStringLiteral("tomatoes"), page)->size(), 2);
    page.offset = 2;
    QCOMPARE(c.search().search(QStringLiteral("tomatoes"), page)->size(), 1);
}

void TstStorageRepositories::searchFilters()
{
    RT_TEMP_DATABASE(tmp, db);
    StorageContext c(db);
    AgentRecord helper;
    helper.name = QStringLiteral("Helper");
    const qint64 helperId = *c.agents().create(helper);
    Conversation llama;
    llama.title = QStringLiteral("Llama chat");
    llama.model = QStringLiteral("llama3.2:1b");
    const qint64 llamaId = *c.conversations().create(llama);
    Conversation gemma;
    gemma.title = QStringLiteral("Gemma chat");
    gemma.model = QStringLiteral("gemma3:1b");
    const qint64 gemmaId = *c.conversations().create(gemma);
    auto message = [&](qint64 conv, MessageRole role, const QString &model, int seconds, std::optional<qint64> agent = std::nullopt) {
        Message m;
        m.conversationId = conv;
        m.role = role;
        m.model = model;
        m.agentId = agent;
        m.content = QStringLiteral("The orchard has apples.");
        m.createdAt = at(seconds);
        return *c.messages().append(m);
    };
    const qint64 llamaPrompt = message(llamaId, MessageRole::User, QString(), 0); // model from its conversation
    const qint64 llamaReply = message(llamaId, MessageRole::Assistant, QStringLiteral("llama3.2:1b"), 10, helperId);
    const qint64 gemmaReply = message(gemmaId, MessageRole::Assistant, QStringLiteral("gemma3:1b"), 3600);
    Debate d;
    d.question = QStringLiteral("Apples or pears?");
    const qint64 debateId = *c.debates().create(d);
    auto turn = [&](const QString &agent, const QString &model, int seconds) {
        DebateTurn t;
        t.debateId = debateId;
        t.agentName = agent;
        t.model = model;
        t.content = QStringLiteral("Apples, from the orchard.");
        t.createdAt = at(seconds);
        return *c.debates().appendTurn(t);
    };
    const qint64 skepticTurn = turn(QStringLiteral("Skeptic"), QStringLiteral("gemma3:1b"), 20);
    const qint64 optimistTurn = turn(QStringLiteral("Optimist"), QStringLiteral("qwen3:0.6b"), 7200);

    auto ids = [&](const SearchOptions &o) {
        auto hits = c.search().search(QStringLiteral("orchard apples"), o);
        QList<qint64> out;
        if (!hits.ok()) {
            qWarning().noquote() << "search failed:" << hits.error().message;
            return QList<qint64> { 0 }; // fails the comparison
        }
        for (const SearchHit &h : hits.value())
            out.append(h.kind == SearchHit::Kind::Message ? h.id : -h.id); // turns negative
        std::sort(out.begin(), out.end());
        return out;
    };
    auto sorted = [](QList<qint64> l) {
        std::sort(l.begin(), l.end());
        return l;
    };
    SearchOptions all;
    QCOMPARE(ids(all), sorted({ llamaPrompt, llamaReply, gemmaReply, -skepticTurn, -optimistTurn }));

    SearchOptions chats;
    chats.debateTurns = false;
    QCOMPARE(ids(chats), sorted({ llamaPrompt, llamaReply, gemmaReply }));
    SearchOptions debates;
    debates.messages = false;
    QCOMPARE(ids(debates), sorted({ -skepticTurn, -optimistTurn }));

    SearchOptions model;
    model.model = QStringLiteral("gemma3:1b"); // a reply of that model and a turn
    QCOMPARE(ids(model), sorted({ gemmaReply, -skepticTurn }));
    model.model = QStringLiteral("llama3.2:1b"); // the prompt counts by its conversation's model
    QCOMPARE(ids(model), sorted({ llamaPrompt, llamaReply }));
    model.debateTurns = false;
    model.model = QStringLiteral("qwen3:0.6b");
    QCOMPARE(ids(model), QList<qint64>());

    SearchOptions agent;
    agent.agent = QStringLiteral("skeptic"); // case-insensitive
    QCOMPARE(ids(agent), QList<qint64>({ -skepticTurn }));
    agent.agent = QStringLiteral("helper"); // a message written by an agent
    QCOMPARE(ids(agent), QList<qint64>({ llamaReply }));

    SearchOptions dates;
    dates.from = at(10);
    dates.to = at(3600); // exclusive
    QCOMPARE(ids(dates), sorted({ llamaReply, -skepticTurn }));
    dates.to = QDateTime();
    QCOMPARE(ids(dates), sorted({ llamaReply, gemmaReply, -skepticTurn, -optimistTurn }));

    // Filters combine, and snippets are still highlighted.
    SearchOptions both;
    both.model = QStringLiteral("gemma3:1b");
    both.from = at(100);
    both.highlightStart = QStringLiteral("[");
    both.highlightEnd = QStringLiteral("]");
    auto hits = c.search().search(QStringLiteral("orchard"), both);
    QVERIFY(hits.ok());
    QCOMPARE(hits->size(), 1);
    QCOMPARE(hits->at(0).id, gemmaReply);
    QVERIFY2(hits->at(0).snippet.contains(QStringLiteral("[orchard]")), qPrintable(hits->at(0).snippet));
    QCOMPARE(hits->at(0).parentTitle, QStringLiteral("Gemma chat"));
}

void TstStorageRepositories::markInterrupted()
{
    RT_TEMP_DATABASE(tmp, db);
    StorageContext c(db);
    const qint64 conv = *c.conversations().create({});
    const qint64 partial = *c.messages().beginAssistant(conv, QStringLiteral("m"));
    QVERIFY(c.messages().checkpoint(partial, QStringLiteral("half a sent")).ok());
    Message done;
    done.conversationId = conv;
    done.content = QStringLiteral("complete");
    const qint64 complete = *c.messages().append(done);
    Debate d;
    d.question = QStringLiteral("q");
    const qint64 running = *c.debates().create(d);
    d.status = DebateStatus::Paused;
    const qint64 paused = *c.debates().create(d);
    DebateTurn t;
    t.debateId = running;
    const qint64 turn = *c.debates().beginTurn(t);
    TaskRecord task;
    task.kind = QStringLiteral("pull");
    const qint64 taskId = *c.tasks().create(task);
    QVERIFY(c.tasks().setStatus(taskId, TaskStatus::Running).ok());
    const qint64 queued = *c.tasks().create(task);

    // A second process must not mark live work: nothing is stale yet.
    auto none = c.maintenance().markInterrupted(60);
    QVERIFY(none.ok());
    QCOMPARE(none->total(), 0);

    auto counts = c.maintenance().markInterrupted();
    QVERIFY(counts.ok());
    QCOMPARE(counts->messages, 1);
    QCOMPARE(counts->turns, 1);
    QCOMPARE(counts->debates, 1);
    QCOMPARE(counts->tasks, 0); // tasks are judged by their owner process (TaskManager), not by age
    RT_COMPARE_ENUM(c.messages().get(partial)->status, MessageStatus::Interrupted);
    QCOMPARE(c.messages().get(partial)->content, QStringLiteral("half a sent")); // never dropped
    RT_COMPARE_ENUM(c.messages().get(complete)->status, MessageStatus::Complete);
    RT_COMPARE_ENUM(c.debates().get(running)->status, DebateStatus::Interrupted);
    RT_COMPARE_ENUM(c.debates().get(paused)->status, DebateStatus::Paused);
    RT_COMPARE_ENUM(c.debates().turn(turn)->status, TurnStatus::Interrupted);
    RT_COMPARE_ENUM(c.tasks().get(taskId)->status, TaskStatus::Running);
    RT_COMPARE_ENUM(c.tasks().get(queued)->status, TaskStatus::Queued);
    QCOMPARE(c.debates().interrupted()->size(), 1);
    QCOMPARE(c.maintenance().markInterrupted()->total(), 0);

    // The user may continue an interrupted reply.
    QVERIFY(c.messages().checkpoint(partial, QStringLiteral("half a sentence")).ok());
    RT_COMPARE_ENUM(c.messages().get(partial)->status, MessageStatus::Partial);
}

void TstStorageRepositories::integrityAndStats()
{
    RT_TEMP_DATABASE(tmp, db);
    StorageContext c(db);
    const qint64 conv = *c.conversations().create({});
    Message m;
    m.conversationId = conv;
    m.content = QStringLiteral("x");
    QVERIFY(c.messages().append(m).ok());
    auto problems = c.maintenance().integrityCheck();
    QVERIFY2(problems.ok(), qPrintable(problems.ok() ? QString() : problems.error().message));
    QVERIFY2(problems->isEmpty(), qPrintable(problems->join(u'\n')));
    auto stats = c.maintenance().stats();
    QVERIFY(stats.ok());
    QCOMPARE(stats->conversations, 1);
    QCOMPARE(stats->messages, 1);
    QCOMPARE(stats->schemaVersion, builtinMigrations(db.dialect()).last().version);
    if (db.isSqlite())
        QVERIFY(stats->sizeBytes > 0);
}

QTEST_GUILESS_MAIN(TstStorageRepositories)
#include "tst_storage_repositories.moc"
