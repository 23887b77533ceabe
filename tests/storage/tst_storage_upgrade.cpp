// Schema 2 on databases made by schema 1: the agent weight and the task host,
// which schema 1 kept inside JSON, move to their own columns and leave the
// JSON. Checked on a database file made by the schema-1 build of Roundtable
// itself (fixtures/v1.sqlite, see fixtures/README.md), and on both backends
// with rows written the way schema 1 wrote them.
#include "agents/storageagentstore.h"
#include "pgtest.h"
#include "storage/storagecontext.h"
#include "tempdatabase.h"
#include "testpaths.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest/QTest>

using namespace rt::storage;

class TstStorageUpgrade final : public QObject {
    Q_OBJECT

private slots:
    void fromVersion1File();
    void hiddenValuesMove_data() { rt::test::addBackendRows(); }
    void hiddenValuesMove();

private:
    static int schemaVersion(Database &db);
    static QJsonObject jsonColumn(Database &db, const QString &sql, qint64 id);
};

int TstStorageUpgrade::schemaVersion(Database &db)
{
    auto q = db.query(QStringLiteral("SELECT MAX(version) FROM schema_version"));
    return q.ok() && q->next() ? int(q->integer(0)) : -1;
}

QJsonObject TstStorageUpgrade::jsonColumn(Database &db, const QString &sql, qint64 id)
{
    auto q = db.query(sql, { id });
    return q.ok() && q->next() ? q->jsonObject(0) : QJsonObject { { QStringLiteral("missing"), true } };
}

void TstStorageUpgrade::fromVersion1File()
{
    const QString fixture = rt::test::sourceDir() + QStringLiteral("/tests/storage/fixtures/v1.sqlite");
    QVERIFY2(QFile::exists(fixture), qPrintable(fixture));
    rt::test::TempDatabase tmp;
    QVERIFY(QFile::copy(fixture, tmp.sqlitePath()));
    QVERIFY(QFile::setPermissions(tmp.sqlitePath(), QFile::ReadOwner | QFile::WriteOwner));
    {
        // Untouched, it is a schema-1 database with the values hidden in JSON.
        auto raw = Database::connect(tmp.location());
        QVERIFY(raw.ok());
        QCOMPARE(schemaVersion(*raw.value()), 1);
        auto q = raw.value()->query(
            QStringLiteral("SELECT count(*) FROM agents WHERE json_extract(options, '$._roundtable.weight') IS NOT NULL"));
        QVERIFY(q.ok() && q->next());
        QCOMPARE(q->integer(0), 12);
    }

    auto opened = openDatabase(tmp.location(), rt::test::TempDatabase::noRecovery());
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
    QCOMPARE(opened->report.migration.fromVersion, 1);
    QCOMPARE(opened->report.migration.toVersion, builtinMigrations(Dialect::Sqlite).last().version);
    QVERIFY2(opened->report.migration.applied.contains(u"0002_hidden_columns"), qPrintable(opened->report.migration.applied.join(u", ")));
    Database &db = *opened.value().database;
    StorageContext c(db);

    // Agents: weights in the new column, options without the hidden key.
    auto agents = c.agents().list();
    QVERIFY2(agents.ok(), qPrintable(agents.ok() ? QString() : agents.error().message));
    QCOMPARE(agents->size(), 12); // 9 built-ins and 3 of the user's
    QHash<QString, AgentRecord> byName;
    for (const AgentRecord &a : std::as_const(*agents)) {
        byName.insert(a.name, a);
        QVERIFY2(!a.options.contains(u"_roundtable"), qPrintable(a.name));
    }
    const QHash<QString, double> weights { { QStringLiteral("Doubter"), 2.5 }, { QStringLiteral("Optimist"), 0.5 },
        { QStringLiteral("Referee"), 1.0 }, { QStringLiteral("Judge"), 3.0 }, { QStringLiteral("Moderator"), 0.0 },
        { QStringLiteral("Synthesizer"), 0.0 }, { QStringLiteral("Skeptic"), 1.0 } };
    for (auto it = weights.cbegin(); it != weights.cend(); ++it) {
        QVERIFY2(byName.contains(it.key()), qPrintable(it.key()));
        QCOMPARE(byName.value(it.key()).weight, it.value());
    }
    const AgentRecord doubter = byName.value(QStringLiteral("Doubter"));
    QCOMPARE(doubter.model, QStringLiteral("llama3.2:1b"));
    QCOMPARE(doubter.fallbackModels, QStringList { QStringLiteral("qwen3:0.6b") });
    QCOMPARE(doubter.systemPrompt, QStringLiteral("Doubt everything, kindly."));
    QVERIFY(doubter.options.isEmpty());
    QCOMPARE(byName.value(QStringLiteral("Optimist")).options, (QJsonObject { { QStringLiteral("temperature"), 0.3 } }));
    QCOMPARE(byName.value(QStringLiteral("Judge")).options, (QJsonObject { { QStringLiteral("temperature"), 0.2 } }));
    QVERIFY(byName.value(QStringLiteral("Judge")).builtin);
    // The domain sees the same weight.
    QCOMPARE(rt::agents::StorageAgentStore::fromRecord(doubter).weight, 2.5);
    QCOMPARE(rt::agents::StorageAgentStore::fromRecord(byName.value(QStringLiteral("Moderator"))).weight, 0.0);

    // The task: host in its column, payload without the hidden key.
    auto tasks = c.tasks().list();
    QVERIFY2(tasks.ok(), qPrintable(tasks.ok() ? QString() : tasks.error().message));
    QCOMPARE(tasks->size(), 1);
    const TaskRecord &task = tasks->first();
    QCOMPARE(task.kind, QStringLiteral("pull"));
    QCOMPARE(task.title, QStringLiteral("Pull tinyllama"));
    QVERIFY2(!task.host.isEmpty(), "the task's host was lost");
    QCOMPARE(task.host, QStringLiteral("fixture-sim"));
    QVERIFY(!task.payload.contains(u"_host"));
    QCOMPARE(task.payload.value(u"model").toString(), QStringLiteral("tinyllama"));
    RT_COMPARE_ENUM(task.status, TaskStatus::Succeeded);

    // The debate with its seats, turns and rounds.
    auto debates = c.debates().list(10, 0);
    QVERIFY2(debates.ok(), qPrintable(debates.ok() ? QString() : debates.error().message));
    QCOMPARE(debates->size(), 1);
    const Debate &debate = debates->first();
    QCOMPARE(debate.question, QStringLiteral("Is a fixture worth committing?"));
    RT_COMPARE_ENUM(debate.status, DebateStatus::Finished);
    QVERIFY(debate.finishedAt.isValid());
    QCOMPARE(debate.stopReason, QStringLiteral("max_rounds"));
    QVERIFY(debate.consensusScore.has_value());
    auto participants = c.debates().participants(debate.id);
    QVERIFY(participants.ok());
    QCOMPARE(participants->size(), 4); // the three agents and an implicit synthesiser
    QStringList seated;
    for (const DebateParticipant &p : std::as_const(*participants))
        seated.append(p.agent.value(u"name").toString());
    QCOMPARE(seated,
        (QStringList { QStringLiteral("Doubter"), QStringLiteral("Optimist"), QStringLiteral("Referee"), QStringLiteral("Synthesizer") }));
    auto turns = c.debates().turns(debate.id);
    QVERIFY2(turns.ok(), qPrintable(turns.ok() ? QString() : turns.error().message));
    QCOMPARE(turns->size(), 7); // 3 agents x 2 rounds, then the synthesis
    for (const DebateTurn &t : std::as_const(*turns)) {
        RT_COMPARE_ENUM(t.status, TurnStatus::Complete);
        QVERIFY2(!t.content.isEmpty(), qPrintable(QString::number(t.id)));
    }
    RT_COMPARE_ENUM(turns->at(0).kind, TurnKind::Turn);
    QCOMPARE(turns->at(0).agentName, QStringLiteral("Doubter"));
    RT_COMPARE_ENUM(turns->last().kind, TurnKind::Synthesis);
    auto rounds = c.debates().rounds(debate.id);
    QVERIFY(rounds.ok());
    QCOMPARE(rounds->size(), 2);
    auto markdown = c.exporter().exportDebate(debate.id, ExportFormat::Markdown);
    QVERIFY2(markdown.ok(), qPrintable(markdown.ok() ? QString() : markdown.error().message));
    QVERIFY(markdown->startsWith("# Is a fixture worth committing?"));

    // The chat: system prompt, question and the complete reply.
    auto conversations = c.conversations().list(10, 0);
    QVERIFY(conversations.ok());
    QCOMPARE(conversations->size(), 1);
    QCOMPARE(conversations->first().systemPrompt, QStringLiteral("Be brief."));
    auto messages = c.messages().all(conversations->first().id);
    QVERIFY2(messages.ok(), qPrintable(messages.ok() ? QString() : messages.error().message));
    QCOMPARE(messages->size(), 3);
    RT_COMPARE_ENUM(messages->at(0).role, MessageRole::System);
    QCOMPARE(messages->at(1).content, QStringLiteral("What is a fixture?"));
    RT_COMPARE_ENUM(messages->at(2).role, MessageRole::Assistant);
    RT_COMPARE_ENUM(messages->at(2).status, MessageStatus::Complete);
    QVERIFY(!messages->at(2).content.isEmpty());
    QCOMPARE(messages->at(2).metrics.evalCount, std::optional<qint64>(40));

    // Full-text search still covers the old rows.
    auto hits = c.search().search(QStringLiteral("fixture"));
    QVERIFY2(hits.ok(), qPrintable(hits.ok() ? QString() : hits.error().message));
    QVERIFY(!hits->isEmpty());
    auto problems = c.maintenance().integrityCheck();
    QVERIFY(problems.ok());
    QVERIFY2(problems->isEmpty(), qPrintable(problems->join(u'\n')));
}

void TstStorageUpgrade::hiddenValuesMove()
{
    QFETCH(QString, backend);
    if (backend == u"postgresql")
        RT_REQUIRE_POSTGRES();
    rt::test::TempDatabase tmp(backend);
    QVERIFY2(tmp.isValid(), qPrintable(tmp.error()));
    const Dialect dialect = tmp.location().dialect;
    OpenOptions options = rt::test::TempDatabase::noRecovery();
    options.migrations = builtinMigrations(dialect).mid(0, 1);
    struct Agent {
        const char *name;
        const char *options; // as schema 1 stored them
        double weight; // expected after the upgrade
        const char *left; // expected options after the upgrade
    };
    const Agent agents[] = {
        { "Weighted", R"({"temperature":0.2,"_roundtable":{"weight":3}})", 3.0, R"({"temperature":0.2})" },
        { "Fractional", R"({"_roundtable":{"weight":0.25}})", 0.25, "{}" },
        { "Plain", R"({"seed":7})", 1.0, R"({"seed":7})" },
        { "NotANumber", R"({"_roundtable":{"weight":"heavy"}})", 1.0, "{}" },
        { "Negative", R"({"_roundtable":{"weight":-2}})", 1.0, "{}" },
    };
    struct Task {
        const char *title;
        const char *payload;
        const char *host;
        const char *left;
    };
    const Task tasks[] = {
        { "hosted", R"({"model":"llama3.2:1b","_host":"gpu-box"})", "gpu-box", R"({"model":"llama3.2:1b"})" },
        { "no host", R"({"model":"qwen3:0.6b"})", "", R"({"model":"qwen3:0.6b"})" },
        { "odd host", R"({"_host":42})", "", "{}" },
    };
    QHash<QString, qint64> agentIds, taskIds;
    {
        auto old = openDatabase(tmp.location(), options);
        QVERIFY2(old.ok(), qPrintable(old.ok() ? QString() : old.error().message));
        QCOMPARE(old->report.schemaVersion, 1);
        Database &db = *old.value().database;
        const QVariant now = db.timeValue(db.now());
        for (const Agent &a : agents) {
            auto id
                = db.insert(QStringLiteral("INSERT INTO agents (name, options, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id"),
                    { QString::fromLatin1(a.name), QString::fromLatin1(a.options), now, now });
            QVERIFY2(id.ok(), qPrintable(id.ok() ? QString() : id.error().message));
            agentIds.insert(QString::fromLatin1(a.name), *id);
        }
        for (const Task &t : tasks) {
            auto id = db.insert(
                QStringLiteral("INSERT INTO tasks (kind, title, payload, created_at, updated_at) VALUES ('pull', ?, ?, ?, ?) RETURNING id"),
                { QString::fromLatin1(t.title), QString::fromLatin1(t.payload), now, now });
            QVERIFY2(id.ok(), qPrintable(id.ok() ? QString() : id.error().message));
            taskIds.insert(QString::fromLatin1(t.title), *id);
        }
    }

    options.migrations.reset();
    auto upgraded = openDatabase(tmp.location(), options);
    QVERIFY2(upgraded.ok(), qPrintable(upgraded.ok() ? QString() : upgraded.error().message));
    QCOMPARE(upgraded->report.migration.fromVersion, 1);
    Database &db = *upgraded.value().database;
    StorageContext c(db);
    for (const Agent &a : agents) {
        const QString name = QString::fromLatin1(a.name);
        auto record = c.agents().get(agentIds.value(name));
        QVERIFY2(record.ok(), qPrintable(name));
        QCOMPARE(record->weight, a.weight);
        const QJsonObject left = QJsonDocument::fromJson(a.left).object();
        QCOMPARE(record->options, left);
        QCOMPARE(jsonColumn(db, QStringLiteral("SELECT options FROM agents WHERE id = ?"), record->id), left);
    }
    for (const Task &t : tasks) {
        const QString title = QString::fromLatin1(t.title);
        auto record = c.tasks().get(taskIds.value(title));
        QVERIFY2(record.ok(), qPrintable(title));
        QCOMPARE(record->host, QString::fromLatin1(t.host));
        QCOMPARE(record->payload, QJsonDocument::fromJson(t.left).object());
    }

    // New rows keep them in the columns, and the weight must not be negative.
    AgentRecord fresh;
    fresh.name = QStringLiteral("Fresh");
    fresh.weight = 4.5;
    const qint64 freshId = c.agents().create(fresh).valueOr(0);
    QVERIFY(freshId > 0);
    QCOMPARE(c.agents().get(freshId)->weight, 4.5);
    QVERIFY(c.agents().get(freshId)->options.isEmpty());
    fresh.name = QStringLiteral("Below zero");
    fresh.weight = -1;
    QCOMPARE(c.agents().create(fresh).error().code, QStringLiteral("constraint"));
    TaskRecord task;
    task.kind = QStringLiteral("pull");
    task.host = QStringLiteral("laptop");
    const qint64 taskId = c.tasks().create(task).valueOr(0);
    QCOMPARE(c.tasks().get(taskId)->host, QStringLiteral("laptop"));
    QVERIFY(c.tasks().get(taskId)->payload.isEmpty());
}

QTEST_GUILESS_MAIN(TstStorageUpgrade)
#include "tst_storage_upgrade.moc"
