// Several hosts, one path: a 3-agent debate spread over two simulators keeps
// going when one of them dies in round 2. Its turns move to the other host,
// the breaker opens, notes name both hosts, and every turn is stored once in
// a real SQLite database.
#include "debate/storagedebatestore.h"
#include "debaterecorder.h"
#include "llm/endpointpool.h"
#include "simprocess.h"
#include "storage/storage.h"
#include "tempdatabase.h"

#include <QSet>
#include <QStandardPaths>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using namespace rt::debate;
using rt::test::DebateRecorder;
using rt::test::makeAgent;

class TestDebateFailover final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void hostDiesInRoundTwo()
    {
        // Paced replies, so round 2 is still streaming when alpha is killed;
        // agents hold their answers so the debate runs all three rounds.
        const QStringList simArgs { u"--tps"_s, u"60"_s, u"--debate-accuracy"_s, u"llama3.2:1b=1,gemma3:1b=0,qwen3:0.6b=1"_s,
            u"--debate-persuadability"_s, u"*=0"_s };
        rt::test::SimProcess alpha, beta;
        QVERIFY2(alpha.start(simArgs), qPrintable(alpha.errorString()));
        QVERIFY2(beta.start(simArgs), qPrintable(beta.errorString()));
        auto pool = rt::test::makePool({ { u"alpha"_s, alpha.url() }, { u"beta"_s, beta.url() } });

        rt::test::TempDatabase db;
        rt::storage::Storage storage;
        auto opened = storage.open(db.location());
        opened.waitForFinished();
        QVERIFY(opened.result().ok());
        StorageDebateStore store(&storage);
        DebateEngine engine(pool.get(), &store);
        DebateRecorder rec(&engine);

        QList<rt::llm::HostState> alphaStates;
        connect(pool.get(), &rt::llm::EndpointPool::hostStateChanged, this,
            [&](const QString &host, rt::llm::HostState state, const QString &) {
                if (host == u"alpha"_s)
                    alphaStates.append(state);
            });
        // Kill alpha while a round-2 turn streams from it.
        bool killed = false;
        QString killedDuring;
        connect(&engine, &DebateEngine::tokenDelta, this, [&](const TokenDelta &d) {
            if (killed || d.turn.round != 2 || engine.seatHosts().value(d.turn.seat) != u"alpha"_s || d.content.size() < 1)
                return;
            killed = true;
            killedDuring = d.turn.agentName;
            alpha.kill();
        });

        DebateConfig c;
        c.question = rt::test::arithmeticQuestion();
        c.seed = 5;
        c.consensusThreshold = 1.0;
        c.stallRounds = 0;
        c.maxRounds = 3;
        c.synthesis = false;
        c.agents = { makeAgent(u"Ada"_s, u"llama3.2:1b"_s), makeAgent(u"Bo"_s, u"gemma3:1b"_s), makeAgent(u"Cy"_s, u"qwen3:0.6b"_s) };
        QVERIFY(engine.start(c));
        QVERIFY(QTest::qWaitFor([&] { return !engine.seatHosts().isEmpty(); }, 10000));
        // Spread: the seats sit on both hosts.
        const QHash<int, QString> start = engine.seatHosts();
        QCOMPARE(start.value(0), u"alpha"_s);
        QCOMPARE(start.value(1), u"beta"_s);
        QCOMPARE(start.value(2), u"alpha"_s);

        QVERIFY(rec.waitEnded());
        QVERIFY2(rec.finished, qPrintable(rec.log.join(u", "_s)));
        QVERIFY(killed);
        RT_COMPARE_NAME(rec.outcome.stopReason, StopReason::MaxRounds);

        // The breaker opened, and every seat speaks on beta now.
        QVERIFY(!alphaStates.isEmpty());
        QCOMPARE(alphaStates.constFirst(), rt::llm::HostState::Offline);
        QVERIFY(!pool->isAvailable(u"alpha"_s));
        for (const QString &host : engine.seatHosts())
            QCOMPARE(host, u"beta"_s);

        // The notes say what moved where, naming both hosts.
        QSet<QString> moved;
        for (const DebateNote &n : rec.notes) {
            QVERIFY2(n.kind != NoteKind::Skipped, qPrintable(n.text));
            if (n.kind == NoteKind::HostMoved) {
                QVERIFY2(n.text.contains(u"from host alpha to host beta"_s), qPrintable(n.text));
                QVERIFY(n.text.startsWith(n.agentName));
                moved.insert(n.agentName);
            }
        }
        QCOMPARE(moved, (QSet<QString> { u"Ada"_s, u"Cy"_s }));
        QVERIFY(moved.contains(killedDuring));

        // Every turn is stored once, complete: 3 rounds x 3 seats.
        StorageDebateStore reader(&storage);
        std::optional<rt::Result<StoredDebate>> loaded;
        reader.loadDebate(engine.debateId(), this, [&](const rt::Result<StoredDebate> &d) { loaded = d; });
        QVERIFY(QTest::qWaitFor([&] { return loaded.has_value(); }, 10000));
        QVERIFY(loaded->ok());
        QSet<QString> seen;
        int turns = 0;
        for (const TurnRecord &t : (*loaded)->turns) {
            if (t.info.kind != TurnKind::Turn)
                continue;
            ++turns;
            const QString key = u"%1/%2"_s.arg(t.info.round).arg(t.info.seat);
            QVERIFY2(!seen.contains(key), qPrintable(u"turn stored twice: "_s + key));
            seen.insert(key);
            RT_COMPARE_NAME(t.status, TurnStatus::Complete);
            QVERIFY(t.stance.hasAnswer());
        }
        QCOMPARE(turns, 9);
        QVERIFY((*loaded)->status == DebateStatus::Finished);
    }
};

QTEST_GUILESS_MAIN(TestDebateFailover)
#include "tst_debatefailover.moc"
