// AgentRegistry: validation messages, built-in roles, import/export, many
// threads at once, and persistence through the real storage (SQLite).
#include "agents/agentio.h"
#include "agents/agentregistry.h"
#include "agents/builtinroles.h"
#include "agents/storageagentstore.h"
#include "awaitfuture.h"
#include "latenessprobe.h"
#include "llm/modelinfo.h"
#include "storage/storage.h"
#include "tempdatabase.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <atomic>

using namespace rt::agents;
using rt::test::await;

namespace {
// Waits (running the event loop) for a future of the registry.
// In a thread that is not the registry's: block until the registry has done it.
template<typename T> T blockOn(QFuture<T> future)
{
    future.waitForFinished();
    return future.result();
}

Agent custom(const QString &name, const QString &model = QStringLiteral("llama3.2:1b"))
{
    Agent a;
    a.name = name;
    a.role = QStringLiteral("custom");
    a.description = QStringLiteral("test agent");
    a.systemPrompt = QStringLiteral("You are %1.").arg(name);
    a.model = model;
    a.options.temperature = 0.7;
    a.colour = QStringLiteral("#112233");
    return a;
}

rt::llm::ModelInfo modelInfo(const QString &name, int ctx)
{
    rt::llm::ModelInfo m;
    m.name = name;
    m.contextLength = ctx;
    return m;
}

// A store whose every call first waits 200 ms on the storage thread (a slow
// disk, a far database server). A blocking wait on the registry's thread
// shows up as a late timer there.
class SlowAgentStore final : public AgentStore {
public:
    explicit SlowAgentStore(rt::storage::Storage &storage)
        : m_storage(storage)
        , m_inner(storage)
    {
    }
    QFuture<rt::Result<QList<Agent>>> loadAll() override { return jam(), m_inner.loadAll(); }
    QFuture<rt::Result<QList<Agent>>> save(const QList<Agent> &agents) override { return jam(), m_inner.save(agents); }
    QFuture<rt::Status> remove(qint64 id) override { return jam(), m_inner.remove(id); }
    int calls() const { return m_calls; }

private:
    void jam()
    {
        ++m_calls;
        rt::test::delayStorage(m_storage, 200);
    }
    rt::storage::Storage &m_storage;
    StorageAgentStore m_inner;
    int m_calls = 0;
};

// Loads a registry over a store the test keeps a pointer to.
struct Fixture {
    MemoryAgentStore *store = nullptr;
    std::unique_ptr<AgentRegistry> registry;
    Fixture()
    {
        auto owned = std::make_unique<MemoryAgentStore>();
        store = owned.get();
        registry = std::make_unique<AgentRegistry>(std::move(owned));
    }
};
} // namespace

class TestAgentRegistry final : public QObject {
    Q_OBJECT

private slots:
    void builtinRolesAreShipped()
    {
        const QList<Agent> roles = BuiltinRoles::all();
        QCOMPARE(roles.size(), 9);
        QCOMPARE(BuiltinRoles::keys().size(), 9);
        QSet<QString> prompts, names, colours;
        for (const Agent &a : roles) {
            QVERIFY(a.builtin);
            QVERIFY2(a.systemPrompt.size() > 600, qPrintable(a.name)); // carefully written, not a one-liner
            QVERIFY2(a.systemPrompt.contains(QStringLiteral("structured stance")), qPrintable(a.name));
            QVERIFY2(validateAgent(a, {}).ok(), qPrintable(validateAgent(a, {}).firstError()));
            prompts.insert(a.systemPrompt);
            names.insert(a.name.toLower());
            colours.insert(a.colour);
        }
        QCOMPARE(prompts.size(), 9);
        QCOMPARE(names.size(), 9);
        QCOMPARE(colours.size(), 9);
        QVERIFY(BuiltinRoles::find(QStringLiteral("opponent"))->systemPrompt.contains(QStringLiteral("devil's advocate")));
        QVERIFY(BuiltinRoles::find(QStringLiteral("skeptic"))->systemPrompt.contains(QStringLiteral("fact-checker")));
        QVERIFY(BuiltinRoles::find(QStringLiteral("judge"))->systemPrompt.contains(QStringLiteral("verdict")));
        QVERIFY(!BuiltinRoles::find(QStringLiteral("nope")));
    }

    void loadSeedsBuiltinsOnce()
    {
        Fixture f;
        QSignalSpy reset(f.registry.get(), &AgentRegistry::agentsReset);
        QVERIFY(await(f.registry->loadAsync()).ok());
        QCOMPARE(reset.size(), 1);
        QCOMPARE(f.registry->count(), 9);
        const QList<Agent> list = f.registry->agents();
        QCOMPARE(list.first().role, QStringLiteral("moderator"));
        QCOMPARE(list.last().role, QStringLiteral("judge"));
        for (const Agent &a : list)
            QVERIFY(a.id > 0);
        const int writes = f.store->writes();
        QVERIFY(await(f.registry->loadAsync()).ok()); // again: nothing missing, no new rows
        QCOMPARE(f.registry->count(), 9);
        QCOMPARE(f.store->writes(), writes);
    }

    void validationMessages()
    {
        Fixture f;
        QVERIFY(await(f.registry->loadAsync()).ok());

        auto added = await(f.registry->add(custom(QStringLiteral("   "))));
        QVERIFY(!added.ok());
        QCOMPARE(added.error().message, QStringLiteral("The agent needs a name."));

        added = await(f.registry->add(custom(QStringLiteral("sKePtIc"))));
        QVERIFY(!added.ok());
        QCOMPARE(added.error().code, QStringLiteral("duplicate_name"));
        QCOMPARE(added.error().message, QStringLiteral("An agent named “sKePtIc” already exists; choose another name."));

        Agent hot = custom(QStringLiteral("Hot"));
        hot.options.temperature = 2.5;
        added = await(f.registry->add(hot));
        QVERIFY(!added.ok());
        QCOMPARE(added.error().message, QStringLiteral("The temperature must be between 0 and 2 (it is 2.5)."));
        hot.options.temperature = -0.1;
        QVERIFY(!await(f.registry->add(hot)).ok());
        hot.options.temperature = 2.0;
        QVERIFY(await(f.registry->add(hot)).ok());

        Agent colour = custom(QStringLiteral("Colour"));
        colour.colour = QStringLiteral("red");
        added = await(f.registry->add(colour));
        QVERIFY(!added.ok());
        QCOMPARE(added.error().message, QStringLiteral("The colour “red” is not a #RRGGBB value such as #1E88E5."));

        // Unknown model: silent while nothing is known, a warning (not an error) once it is.
        QStringList warnings;
        warnings = f.registry->validate(custom(QStringLiteral("Ghost1"), QStringLiteral("ghost:7b"))).warnings();
        QVERIFY(await(f.registry->add(custom(QStringLiteral("Ghost1"), QStringLiteral("ghost:7b")))).ok());
        QVERIFY(warnings.isEmpty());
        f.registry->setKnownModels({ modelInfo(QStringLiteral("llama3.2:1b"), 131072), modelInfo(QStringLiteral("tiny:latest"), 1024) });
        warnings = f.registry->validate(custom(QStringLiteral("Ghost2"), QStringLiteral("ghost:7b"))).warnings();
        QVERIFY(await(f.registry->add(custom(QStringLiteral("Ghost2"), QStringLiteral("ghost:7b")))).ok());
        QCOMPARE(warnings,
            QStringList { QStringLiteral("The model “ghost:7b” is not installed on any connected Ollama host; pull it (roundtable models "
                                         "pull ghost:7b) or choose another.") });
        // "tiny" means tiny:latest.
        warnings = f.registry->validate(custom(QStringLiteral("Tiny ok"), QStringLiteral("TINY"))).warnings();
        QVERIFY(await(f.registry->add(custom(QStringLiteral("Tiny ok"), QStringLiteral("TINY")))).ok());
        QVERIFY(warnings.isEmpty());

        // Prompt vs. context: too long for the trained context is an error ...
        Agent verbose = custom(QStringLiteral("Verbose"), QStringLiteral("tiny"));
        verbose.systemPrompt = QString(6000, QLatin1Char('x')); // ~1500 tokens > 1024
        added = await(f.registry->add(verbose));
        QVERIFY(!added.ok());
        QCOMPARE(added.error().message,
            QStringLiteral("The role prompt (about 1500 tokens) does not fit the model's 1024-token context; shorten it or choose a model "
                           "with a longer context."));
        // ... and num_ctx, when set, is what counts.
        verbose.options.numCtx = 8192;
        warnings = f.registry->validate(verbose).warnings();
        QVERIFY(await(f.registry->add(verbose)).ok());
        QVERIFY(warnings.isEmpty());
        // More than half of the context: saved, with a warning.
        Agent half = custom(QStringLiteral("Half"), QStringLiteral("tiny"));
        half.systemPrompt = QString(2400, QLatin1Char('y')); // 600 tokens of 1024
        warnings = f.registry->validate(half).warnings();
        QVERIFY(await(f.registry->add(half)).ok());
        QCOMPARE(warnings.size(), 1);
        QVERIFY(warnings.first().contains(QStringLiteral("more than half of the 1024-token context")));

        // validate() reports without saving.
        Agent bad = custom(QString());
        bad.options.temperature = 9;
        const ValidationReport report = f.registry->validate(bad);
        QCOMPARE(report.errors().size(), 2);
        QVERIFY(!f.registry->findByName(QString()));
    }

    void builtinsProtectedDuplicatedAndReset()
    {
        Fixture f;
        QVERIFY(await(f.registry->loadAsync()).ok());
        const Agent skeptic = *f.registry->builtin(QStringLiteral("skeptic"));

        QSignalSpy removed(f.registry.get(), &AgentRegistry::agentRemoved);
        auto status = await(f.registry->remove(skeptic.id));
        QVERIFY(!status.ok());
        QCOMPARE(status.error().code, QStringLiteral("builtin_protected"));
        QVERIFY(status.error().message.contains(QStringLiteral("cannot be deleted")));
        QCOMPARE(f.registry->count(), 9);
        QCOMPARE(removed.size(), 0);

        auto copy = await(f.registry->duplicate(skeptic.id));
        QVERIFY(copy.ok());
        QCOMPARE(copy->name, QStringLiteral("Skeptic (copy)"));
        QVERIFY(!copy->builtin);
        QCOMPARE(copy->role, QStringLiteral("skeptic"));
        QCOMPARE(copy->systemPrompt, skeptic.systemPrompt);
        QCOMPARE(await(f.registry->duplicate(skeptic.id))->name, QStringLiteral("Skeptic (copy 2)"));
        QVERIFY(await(f.registry->remove(copy->id)).ok());
        QCOMPARE(removed.size(), 1);

        // Built-ins can be edited; the flag and role stay whatever the caller sends.
        Agent edited = skeptic;
        edited.systemPrompt = QStringLiteral("Doubt everything.");
        edited.name = QStringLiteral("Doubter");
        edited.builtin = false;
        edited.role = QStringLiteral("custom");
        auto updated = await(f.registry->update(edited));
        QVERIFY(updated.ok());
        QVERIFY(updated->builtin);
        QCOMPARE(updated->role, QStringLiteral("skeptic"));
        QCOMPARE(f.registry->agent(skeptic.id)->systemPrompt, QStringLiteral("Doubt everything."));

        auto restored = await(f.registry->resetToDefault(skeptic.id));
        QVERIFY(restored.ok());
        QCOMPARE(restored->name, QStringLiteral("Skeptic"));
        QCOMPARE(restored->systemPrompt, BuiltinRoles::find(QStringLiteral("skeptic"))->systemPrompt);
        QCOMPARE(restored->id, skeptic.id);

        auto mine = await(f.registry->add(custom(QStringLiteral("Mine"))));
        QVERIFY(mine.ok());
        QVERIFY(!await(f.registry->resetToDefault(mine->id)).ok());
        QVERIFY(!await(f.registry->remove(424242)).ok());
    }

    void storeFailureChangesNothing()
    {
        Fixture f;
        QVERIFY(await(f.registry->loadAsync()).ok());
        QSignalSpy added(f.registry.get(), &AgentRegistry::agentAdded);
        f.store->failNextWrite(QStringLiteral("The disk is full; free some space and try again."));
        auto result = await(f.registry->add(custom(QStringLiteral("Lost"))));
        QVERIFY(!result.ok());
        QCOMPARE(result.error().message, QStringLiteral("The disk is full; free some space and try again."));
        QVERIFY(!f.registry->findByName(QStringLiteral("Lost")));
        QCOMPARE(added.size(), 0);
        QVERIFY(await(f.registry->add(custom(QStringLiteral("Lost")))).ok()); // the name is still free
    }

    void importExportRoundTrip()
    {
        Fixture a;
        QVERIFY(await(a.registry->loadAsync()).ok());
        Agent rich = custom(QStringLiteral("Rich"));
        rich.fallbackModels = { QStringLiteral("qwen3:0.6b"), QStringLiteral("gemma3:1b") };
        rich.options.seed = 7;
        rich.options.numCtx = 4096;
        rich.options.numPredict = 300;
        rich.avatar = QStringLiteral("🦊");
        rich.weight = 2.5;
        const Agent stored = *await(a.registry->add(rich));
        const QByteArray json = a.registry->exportJson({ stored.id });
        const QJsonObject root = QJsonDocument::fromJson(json).object();
        QCOMPARE(root.value(QStringLiteral("version")).toInt(), 1);
        QCOMPARE(root.value(QStringLiteral("agents")).toArray().size(), 1);
        QVERIFY(!root.value(QStringLiteral("agents")).toArray().first().toObject().contains(QStringLiteral("id")));

        Fixture b;
        QVERIFY(await(b.registry->loadAsync()).ok());
        auto imported = await(b.registry->importJson(json));
        QVERIFY(imported.ok());
        QCOMPARE(imported->size(), 1);
        Agent back = imported->first();
        QVERIFY(back.id > 0);
        back.id = stored.id;
        QCOMPARE(back, stored);

        // Everything: a file with 9 built-ins + Rich imports with renaming, as customs.
        Fixture c;
        QVERIFY(await(c.registry->loadAsync()).ok());
        auto all = await(c.registry->importJson(a.registry->exportJson(), AgentRegistry::ImportPolicy::Rename));
        QVERIFY2(all.ok(), qPrintable(all.ok() ? QString() : all.error().message));
        QCOMPARE(all->size(), 10);
        QCOMPARE(c.registry->count(), 19);
        QVERIFY(c.registry->findByName(QStringLiteral("Skeptic (2)")));
        QVERIFY(!c.registry->findByName(QStringLiteral("Skeptic (2)"))->builtin);
    }

    void importIsAllOrNothing_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("message");
        QTest::newRow("not json") << QByteArray("{\"agents\": [") << QStringLiteral("The agents file is not valid JSON");
        QTest::newRow("no agents") << QByteArray("{\"version\":1,\"agents\":[]}")
                                   << QStringLiteral("The agents file contains no agents; nothing was imported.");
        QTest::newRow("newer version")
            << QByteArray(R"({"version":2,"agents":[{"name":"A"}]})")
            << QStringLiteral(
                   "The agents file uses format version 2, newer than this Roundtable understands (1); update Roundtable to import it.");
        QTest::newRow("second invalid") << QByteArray(
            R"({"version":1,"agents":[{"name":"Good one","model":"llama3.2:1b"},{"name":"Hot","options":{"temperature":5}}]})")
                                        << QStringLiteral(
                                               "Agent 2 (“Hot”): The temperature must be between 0 and 2 (it is 5). Nothing was imported.");
        QTest::newRow("wrong type")
            << QByteArray(R"({"version":1,"agents":[{"name":"Good one"},{"name":"Typed","fallback_models":"qwen3"}]})")
            << QStringLiteral(
                   "Agent 2 (“Typed”) in the file is invalid: “fallback_models” must be a list of model names; nothing was imported.");
        QTest::newRow("option type")
            << QByteArray(R"([{"name":"Good one"},{"name":"Seedy","options":{"seed":"seven"}}])")
            << QStringLiteral("Agent 2 (“Seedy”) in the file is invalid: the option “seed” must be a number; nothing was imported.");
        QTest::newRow("nameless") << QByteArray(R"({"agents":[{"name":"Good one"},{"role":"x"}]})")
                                  << QStringLiteral("Agent 2 in the file is invalid: it has no “name”; nothing was imported.");
        QTest::newRow("twice in file") << QByteArray(R"({"agents":[{"name":"Twin"},{"name":"twin"}]})")
                                       << QStringLiteral("Agent 2 (“twin”): the file contains this name twice; nothing was imported.");
        QTest::newRow("conflict") << QByteArray(R"({"agents":[{"name":"Good one"},{"name":"Judge"}]})")
                                  << QStringLiteral("Agent 2 (“Judge”): an agent with this name already exists; nothing was imported. "
                                                    "Import with renaming or replacing instead.");
        QTest::newRow("not an object") << QByteArray(R"({"agents":[{"name":"Good one"}, 7]})")
                                       << QStringLiteral("Agent 2 in the file is not a JSON object; nothing was imported.");
    }

    void importIsAllOrNothing()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, message);
        Fixture f;
        QVERIFY(await(f.registry->loadAsync()).ok());
        const int writes = f.store->writes();
        QSignalSpy added(f.registry.get(), &AgentRegistry::agentAdded);
        auto result = await(f.registry->importJson(json));
        QVERIFY(!result.ok());
        QVERIFY2(result.error().message.startsWith(message), qPrintable(result.error().message));
        QCOMPARE(f.registry->count(), 9);
        QVERIFY(!f.registry->findByName(QStringLiteral("Good one")));
        QCOMPARE(f.store->writes(), writes);
        QCOMPARE(added.size(), 0);
    }

    void importReplaceKeepsIdAndBuiltin()
    {
        Fixture f;
        QVERIFY(await(f.registry->loadAsync()).ok());
        const Agent judge = *f.registry->builtin(QStringLiteral("judge"));
        QSignalSpy changed(f.registry.get(), &AgentRegistry::agentChanged);
        auto result
            = await(f.registry->importJson(R"({"version":1,"agents":[{"name":"judge","system_prompt":"Be brief.","role":"custom"}]})",
                AgentRegistry::ImportPolicy::Replace));
        QVERIFY(result.ok());
        const Agent now = *f.registry->agent(judge.id);
        QCOMPARE(now.systemPrompt, QStringLiteral("Be brief."));
        QVERIFY(now.builtin);
        QCOMPARE(now.role, QStringLiteral("judge"));
        QCOMPARE(f.registry->count(), 9);
        QCOMPARE(changed.size(), 1);
    }

    // Many threads add, update, rename, remove and read at once. Every thread
    // knows exactly what it did, so the final state is known exactly.
    void concurrentReadersAndWriters()
    {
        Fixture f;
        QVERIFY(await(f.registry->loadAsync()).ok());
        QObject receiver; // lives in this (the main) thread
        std::atomic<int> addedSignals { 0 }, changedSignals { 0 }, removedSignals { 0 };
        std::atomic<bool> wrongThread { false };
        QThread *main = QThread::currentThread();
        connect(f.registry.get(), &AgentRegistry::agentAdded, &receiver, [&](const Agent &) {
            wrongThread = wrongThread || QThread::currentThread() != main;
            ++addedSignals;
        });
        connect(f.registry.get(), &AgentRegistry::agentChanged, &receiver, [&](const Agent &) { ++changedSignals; });
        connect(f.registry.get(), &AgentRegistry::agentRemoved, &receiver, [&](qint64, const QString &) { ++removedSignals; });

        constexpr int Writers = 6, Readers = 3, PerWriter = 120;
        std::atomic<int> contestedWins { 0 }, readerErrors { 0 };
        std::atomic<bool> stop { false };
        QList<QThread *> threads;
        for (int w = 0; w < Writers; ++w) {
            threads.append(QThread::create([&, w] {
                for (int i = 0; i < PerWriter; ++i) {
                    auto a = blockOn(f.registry->add(custom(QStringLiteral("W%1-%2").arg(w).arg(i))));
                    if (!a.ok())
                        continue;
                    Agent edit = *a;
                    edit.description = QStringLiteral("edited by %1").arg(w);
                    edit.name = QStringLiteral("w%1-%2 renamed").arg(w).arg(i);
                    if (!blockOn(f.registry->update(edit)).ok())
                        continue;
                    if (i % 3 == 0)
                        (void)blockOn(f.registry->remove(a->id));
                    // Everyone races for the same name; exactly one wins per round.
                    if (i % 20 == 0 && blockOn(f.registry->add(custom(QStringLiteral("Contested %1").arg(i)))).ok())
                        ++contestedWins;
                }
            }));
        }
        for (int r = 0; r < Readers; ++r) {
            threads.append(QThread::create([&] {
                while (!stop) {
                    const QList<Agent> list = f.registry->agents();
                    QSet<QString> names;
                    for (const Agent &a : list) {
                        if (names.contains(a.name.toCaseFolded()) || a.id <= 0)
                            ++readerErrors;
                        names.insert(a.name.toCaseFolded());
                    }
                    if (list.size() < 9 || !f.registry->builtin(QStringLiteral("judge")))
                        ++readerErrors;
                }
            }));
        }
        for (QThread *t : std::as_const(threads))
            t->start();
        // The writers wait for their futures; the registry's thread (this one) keeps running its loop.
        for (int i = 0; i < Writers; ++i)
            QTRY_VERIFY_WITH_TIMEOUT(threads[i]->isFinished(), 120000);
        stop = true;
        for (QThread *t : std::as_const(threads)) {
            QVERIFY(t->wait(30000));
            delete t;
        }

        const int removedPerWriter = (PerWriter + 2) / 3;
        const int contestRounds = PerWriter / 20;
        QCOMPARE(contestedWins.load(), contestRounds);
        QCOMPARE(readerErrors.load(), 0);
        QCOMPARE(int(f.registry->count()), 9 + Writers * (PerWriter - removedPerWriter) + contestRounds);
        for (int w = 0; w < Writers; ++w) {
            for (int i = 0; i < PerWriter; ++i) {
                const auto found = f.registry->findByName(QStringLiteral("W%1-%2 RENAMED").arg(w).arg(i));
                QCOMPARE(found.has_value(), i % 3 != 0);
                if (found)
                    QCOMPARE(found->description, QStringLiteral("edited by %1").arg(w));
                QVERIFY(!f.registry->findByName(QStringLiteral("W%1-%2").arg(w).arg(i)));
            }
        }
        // The store holds exactly what the registry shows.
        auto stored = f.store->loadAll().result();
        QVERIFY(stored.ok());
        QCOMPARE(stored->size(), f.registry->count());
        for (const Agent &a : stored.value())
            QCOMPARE(*f.registry->agent(a.id), a);

        // Signals arrive on the receiver's thread, one per change.
        QTRY_COMPARE_WITH_TIMEOUT(addedSignals.load(), Writers * PerWriter + contestRounds, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(changedSignals.load(), Writers * PerWriter, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(removedSignals.load(), Writers * removedPerWriter, 10000);
        QVERIFY(!wrongThread);
    }

    // Every storage call takes 200 ms. The registry's thread never waits for
    // one, and readers (any thread) see the last committed state at once
    // while a write is pending: no lock is held across a storage round trip.
    void slowStorageNeverBlocksTheRegistry()
    {
        rt::test::TempDatabase temp;
        QVERIFY2(temp.isValid(), qPrintable(temp.error()));
        rt::storage::Storage storage;
        QVERIFY(storage.open(temp.location(), rt::test::TempDatabase::noRecovery()).result().ok());
        auto owned = std::make_unique<SlowAgentStore>(storage);
        SlowAgentStore *store = owned.get();
        AgentRegistry registry(std::move(owned));

        rt::test::LatenessProbe probe;
        QFuture<rt::Status> loaded = registry.loadAsync(); // a read, then the built-ins are saved
        QFuture<rt::Result<Agent>> added = registry.add(custom(QStringLiteral("Slowpoke")));
        QVERIFY(!added.isFinished());
        QCOMPARE(registry.count(), 0); // nothing committed yet, and reading did not wait
        QVERIFY(await(loaded).ok());
        QCOMPARE(registry.count(), 9);
        // A reader on another thread is not held up by the pending add either.
        qint64 readMs = -1;
        QElapsedTimer readClock;
        std::unique_ptr<QThread> reader(QThread::create([&] {
            readClock.start();
            (void)registry.agents();
            (void)registry.findByName(QStringLiteral("Slowpoke"));
            readMs = readClock.elapsed();
        }));
        reader->start();
        QTRY_VERIFY_WITH_TIMEOUT(reader->isFinished(), 5000);
        QVERIFY2(readMs >= 0 && readMs < 50, qPrintable(QString::number(readMs)));
        QVERIFY(!added.isFinished());
        const rt::Result<Agent> slowpoke = await(added);
        QVERIFY(slowpoke.ok());
        Agent edited = slowpoke.value();
        edited.description = QStringLiteral("edited");
        QFuture<rt::Result<Agent>> updated = registry.update(edited);
        QFuture<rt::Result<Agent>> copy = registry.duplicate(slowpoke->id);
        QFuture<rt::Result<QList<Agent>>> imported = registry.importJson(R"({"agents":[{"name":"Imported"}]})");
        QFuture<rt::Status> removed = registry.remove(slowpoke->id);
        QVERIFY(await(updated).ok());
        QCOMPARE(await(copy).value().description, QStringLiteral("edited")); // ran after the update
        QVERIFY(await(imported).ok());
        QVERIFY(await(removed).ok());
        QCOMPARE(registry.count(), 11);
        QVERIFY(!registry.findByName(QStringLiteral("Slowpoke")));
        QVERIFY(store->calls() >= 7);
        QVERIFY2(probe.worstMs() < 100, qPrintable(QStringLiteral("the registry's thread was blocked for %1 ms").arg(probe.worstMs())));
    }

    void persistsInSqlite()
    {
        rt::test::TempDatabase temp;
        QVERIFY2(temp.isValid(), qPrintable(temp.error()));
        qint64 richId = 0, skepticId = 0;
        Agent rich = custom(QStringLiteral("Rich"));
        rich.fallbackModels = { QStringLiteral("qwen3:0.6b") };
        rich.options.seed = 11;
        rich.options.numPredict = 256;
        rich.options.extra.insert(QStringLiteral("repeat_penalty"), 1.1);
        rich.weight = 0.5;
        {
            rt::storage::Storage storage;
            auto opened = storage.open(temp.location()).result();
            QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
            AgentRegistry registry(std::make_unique<StorageAgentStore>(storage));
            QVERIFY(await(registry.loadAsync()).ok());
            QCOMPARE(registry.count(), 9);
            auto added = await(registry.add(rich));
            QVERIFY2(added.ok(), qPrintable(added.ok() ? QString() : added.error().message));
            richId = added->id;
            Agent skeptic = *registry.builtin(QStringLiteral("skeptic"));
            skepticId = skeptic.id;
            skeptic.model = QStringLiteral("gemma3:1b");
            QVERIFY(await(registry.update(skeptic)).ok());
            auto gone = await(registry.add(custom(QStringLiteral("Gone"))));
            QVERIFY(gone.ok());
            QVERIFY(await(registry.remove(gone->id)).ok());
            // The database refuses what the registry would have refused too.
            QVERIFY(!await(registry.add(custom(QStringLiteral("RICH")))).ok());
            auto imported = await(registry.importJson(R"({"agents":[{"name":"Imported A"},{"name":"Imported B"}]})"));
            QVERIFY(imported.ok());
        }
        {
            rt::storage::Storage storage;
            QVERIFY(storage.open(temp.location()).result().ok());
            AgentRegistry registry(std::make_unique<StorageAgentStore>(storage));
            QVERIFY(await(registry.loadAsync()).ok());
            QCOMPARE(registry.count(), 12); // 9 built-ins (not seeded twice) + Rich + 2 imported
            Agent back = *registry.agent(richId);
            rich.id = richId;
            QCOMPARE(back, rich);
            QCOMPARE(back.weight, 0.5);
            QCOMPARE(back.options.toJson().value(QStringLiteral("repeat_penalty")).toDouble(), 1.1);
            QVERIFY(!back.options.extra.contains(QStringLiteral("_roundtable")));
            QCOMPARE(registry.agent(skepticId)->model, QStringLiteral("gemma3:1b"));
            QVERIFY(registry.agent(skepticId)->builtin);
            QVERIFY(!registry.findByName(QStringLiteral("Gone")));
            QVERIFY(registry.findByName(QStringLiteral("imported b")));
        }
    }
};

QTEST_GUILESS_MAIN(TestAgentRegistry)
#include "tst_agentregistry.moc"
