// The engine over the real storage (SQLite through rt::storage::Storage and
// StorageDebateStore): what is written reads back the same, and a debate
// interrupted mid-turn continues from its last durable turn.
#include "debate/storagedebatestore.h"
#include "debaterecorder.h"
#include "pgtest.h"
#include "simprocess.h"
#include "storage/storage.h"
#include "tempdatabase.h"

#include <QStandardPaths>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using namespace rt::debate;
using rt::test::DebateRecorder;
using rt::test::makeAgent;

class TestDebateStorage final : public QObject {
    Q_OBJECT

    rt::test::SimProcess m_sim;

    static std::unique_ptr<rt::storage::Storage> open(const rt::test::TempDatabase &db)
    {
        auto storage = std::make_unique<rt::storage::Storage>();
        auto future = storage->open(db.location());
        future.waitForFinished();
        if (!future.result().ok())
            return nullptr;
        return storage;
    }

    static rt::Result<StoredDebate> load(rt::storage::Storage *storage, qint64 id)
    {
        StorageDebateStore store(storage);
        QObject context;
        std::optional<rt::Result<StoredDebate>> loaded;
        store.loadDebate(id, &context, [&](const rt::Result<StoredDebate> &d) { loaded = d; });
        if (!QTest::qWaitFor([&] { return loaded.has_value(); }, 10000))
            return rt::Error { u"timeout"_s, u"no answer from storage"_s };
        return *loaded;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_sim.start({ u"--debate-accuracy"_s, u"llama3.2:1b=1,gemma3:1b=1,qwen3:0.6b=0"_s, u"--debate-persuadability"_s,
            u"*=0,qwen3:0.6b=1"_s, u"--debate-malformed"_s, u"gemma3:1b=prose"_s }));
    }

    void roundTrip_data() { rt::test::addBackendRows(); }

    void roundTrip()
    {
        QFETCH(QString, backend);
        if (backend == u"postgresql"_s)
            RT_REQUIRE_POSTGRES();
        rt::test::TempDatabase db(backend);
        QVERIFY2(db.isValid(), qPrintable(db.error()));
        auto storage = open(db);
        QVERIFY(storage);
        auto client = rt::test::makePool(m_sim.url());
        StorageDebateStore store(storage.get());
        DebateEngine engine(client.get(), &store);
        DebateRecorder rec(&engine);
        bool noted = false;
        connect(&engine, &DebateEngine::turnFinished, this, [&](const TurnRecord &) {
            if (!noted) {
                noted = true;
                engine.interject(u"Mind the precedence."_s);
            }
        });
        DebateConfig c;
        c.question = rt::test::arithmeticQuestion();
        c.seed = 3;
        c.consensusThreshold = 1.0;
        c.agents = { makeAgent(u"Ada"_s, u"llama3.2:1b"_s), makeAgent(u"Bo"_s, u"gemma3:1b"_s), makeAgent(u"Cy"_s, u"qwen3:0.6b"_s) };
        c.agents[2].weight = 0.5;
        QVERIFY(engine.start(c));
        QVERIFY(rec.waitEnded());
        QVERIFY2(rec.finished, qPrintable(rec.log.join(u", "_s)));

        const rt::Result<StoredDebate> loaded = load(storage.get(), engine.debateId());
        QVERIFY2(loaded.ok(), qPrintable(loaded.ok() ? QString() : loaded.error().message));
        const StoredDebate &d = *loaded;
        QVERIFY(d.status == DebateStatus::Finished);
        RT_COMPARE_NAME(d.stopReason, rec.outcome.stopReason);
        QCOMPARE(d.finalAnswer, rec.outcome.answer);
        QCOMPARE(d.synthesis, rec.outcome.synthesis);
        QCOMPARE(d.config.question, c.question);
        QCOMPARE(*d.config.seed, 3);
        QCOMPARE(d.config.consensusThreshold, 1.0);
        QCOMPARE(d.seats.size(), 4);
        RT_COMPARE_NAME(d.seats.at(3).role, SeatRole::Synthesizer);
        QVERIFY(d.seats.at(3).implicit);
        QCOMPARE(d.seats.at(2).agent.weight, 0.5);
        QCOMPARE(d.rounds.size(), rec.snapshots.size());
        QCOMPARE(d.rounds.constLast().groups.size(), rec.snapshots.constLast().groups.size());
        QCOMPARE(d.rounds.constLast().leadingAnswer, rec.snapshots.constLast().leadingAnswer);
        QCOMPARE(d.rounds.constLast().flips, rec.snapshots.constLast().flips);

        // Everything the engine recorded, in order: turns, the repair rows, the note.
        const QList<TurnRecord> &mine = engine.debate().turns;
        QCOMPARE(d.turns.size(), mine.size());
        int interjections = 0, repairs = 0;
        for (qsizetype i = 0; i < mine.size(); ++i) {
            const TurnRecord &a = mine.at(i);
            const TurnRecord &b = d.turns.at(i);
            RT_COMPARE_NAME(b.info.kind, a.info.kind);
            QCOMPARE(b.storageId, a.storageId);
            QCOMPARE(b.info.round, a.info.round);
            QCOMPARE(b.info.seat, a.info.seat);
            QCOMPARE(b.info.agentName, a.info.agentName);
            QCOMPARE(b.info.model, a.info.model);
            QCOMPARE(b.content, a.content);
            QCOMPARE(b.stance.answer, a.stance.answer);
            QCOMPARE(b.stance.confidence, a.stance.confidence);
            QCOMPARE(b.stance.source, a.stance.source);
            QCOMPARE(b.changed, a.changed);
            QCOMPARE(b.calls, a.calls);
            QCOMPARE(b.repairRequested, a.repairRequested);
            QCOMPARE(b.metrics.evalCount, a.metrics.evalCount);
            RT_COMPARE_NAME(b.status, a.status);
            interjections += b.info.kind == TurnKind::Interjection ? 1 : 0;
            repairs += b.info.kind == TurnKind::Repair ? 1 : 0;
        }
        QCOMPARE(interjections, 1);
        QVERIFY(repairs >= 1); // Bo answers in prose first
        RT_COMPARE_NAME(d.turns.at(1).info.kind, TurnKind::Interjection); // added right after the first turn
        QCOMPARE(d.turns.at(1).content, u"Mind the precedence."_s);
        QCOMPARE(d.turns.at(1).info.seat, -1);
    }

    void interruptAndRestoreFromDatabase_data() { rt::test::addBackendRows(); }

    void interruptAndRestoreFromDatabase()
    {
        QFETCH(QString, backend);
        if (backend == u"postgresql"_s)
            RT_REQUIRE_POSTGRES();
        rt::test::TempDatabase db(backend);
        QVERIFY2(db.isValid(), qPrintable(db.error()));
        qint64 id = 0;
        {
            auto storage = open(db);
            QVERIFY(storage);
            auto client = rt::test::makePool(m_sim.url());
            StorageDebateStore store(storage.get());
            DebateEngine engine(client.get(), &store);
            DebateRecorder rec(&engine);
            connect(&engine, &DebateEngine::tokenDelta, this, [&](const TokenDelta &delta) {
                if (delta.turn.round == 2 && delta.turn.seat == 1)
                    engine.interrupt();
            });
            DebateConfig c;
            c.question = rt::test::arithmeticQuestion();
            c.consensusThreshold = 1.0;
            c.stallRounds = 0;
            // Cy starts wrong (qwen3 has accuracy 0), so round 1 ends without agreement.
            c.agents = { makeAgent(u"Ada"_s, u"llama3.2:1b"_s), makeAgent(u"Bo"_s, u"llama3.2:1b"_s), makeAgent(u"Cy"_s, u"qwen3:0.6b"_s) };
            c.seed = 9;
            QVERIFY(engine.start(c));
            QVERIFY(rec.waitEnded());
            QVERIFY2(rec.interrupted, qPrintable(rec.log.join(u", "_s)));
            id = engine.debateId();
        }
        // A new process, in effect: new Storage, new engine.
        auto storage = open(db);
        QVERIFY(storage);
        auto client = rt::test::makePool(m_sim.url());
        StorageDebateStore store(storage.get());
        DebateEngine engine(client.get(), &store);
        DebateRecorder rec(&engine);
        engine.restore(id);
        QVERIFY(rec.waitEnded());
        QVERIFY2(rec.finished, qPrintable(rec.log.join(u", "_s)));
        QVERIFY(rec.started.at(0).resumed);
        QCOMPARE(rec.turnsStarted.at(0).round, 2);
        QCOMPARE(rec.turnsStarted.at(0).seat, 1);
        const rt::Result<StoredDebate> d = load(storage.get(), id);
        QVERIFY(d.ok());
        QMap<QString, int> finished;
        for (const TurnRecord &t : d->turns) {
            if (t.info.kind == TurnKind::Turn && t.isFinished())
                finished[u"%1/%2"_s.arg(t.info.round).arg(t.info.seat)] += 1;
        }
        for (auto it = finished.cbegin(); it != finished.cend(); ++it)
            QVERIFY2(it.value() == 1, qPrintable(it.key()));
        QCOMPARE(finished.size(), 3 * rec.outcome.rounds);
        QVERIFY(d->status == DebateStatus::Finished);
        QCOMPARE(d->rounds.size(), rec.outcome.rounds);
    }
};

QTEST_GUILESS_MAIN(TestDebateStorage)
#include "tst_debatestorage.moc"
