// DebateEngine control and failure handling against roundtable-ollama-sim:
// malformed and empty replies (one repair, then tolerant parsing), the
// num_predict cap, a host that is down, a missing model with fallbacks,
// pause/resume/stop/interject/interrupt through the API, restore, and storage
// failures.
#include "debate/debateengine.h"
#include "debaterecorder.h"
#include "llm/ollamaerrors.h"
#include "simprocess.h"

#include <QSet>
#include <QStandardPaths>
#include <QTcpServer>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using namespace rt::debate;
using rt::test::DebateRecorder;
using rt::test::makeAgent;
using rt::test::SentRequestCheck;

namespace {
const QString kLlama = u"llama3.2:1b"_s;
const QString kGemma = u"gemma3:1b"_s;
const QString kQwen = u"qwen3:0.6b"_s;

DebateConfig baseConfig()
{
    DebateConfig c;
    c.question = rt::test::arithmeticQuestion();
    c.seed = 11;
    c.agents = { makeAgent(u"Ada"_s, kLlama), makeAgent(u"Bo"_s, kGemma), makeAgent(u"Cy"_s, kQwen) };
    return c;
}

// A loopback port nobody listens on.
QUrl deadUrl()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    const quint16 port = server.serverPort();
    server.close();
    return QUrl(u"http://127.0.0.1:%1"_s.arg(port));
}

int chatRequests(rt::test::SimProcess &sim)
{
    return sim.stats().value(u"by_path"_s).toObject().value(u"/api/chat"_s).toInt();
}
} // namespace

class TestDebateEngine final : public QObject {
    Q_OBJECT

    rt::test::SimProcess m_sim;
    std::unique_ptr<rt::llm::EndpointPool> m_client;

    bool restartSim(const QStringList &args)
    {
        m_sim.stop();
        if (!m_sim.start(args)) {
            qWarning() << m_sim.errorString();
            return false;
        }
        m_client = rt::test::makePool(m_sim.url());
        return true;
    }

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    // A model that answers in prose: exactly one repair request per turn, then
    // the answer is read from the text; the debate goes on.
    void proseRepliesGetOneRepairThenFallback()
    {
        QVERIFY(restartSim({ u"--debate-accuracy"_s, u"*=1"_s, u"--debate-malformed"_s, u"qwen3:0.6b=prose:all"_s }));
        MemoryDebateStore store;
        DebateEngine engine(m_client.get(), &store);
        DebateRecorder rec(&engine);
        DebateConfig c = baseConfig();
        c.maxRounds = 1;
        c.synthesis = false;
        QVERIFY(engine.start(c));
        QVERIFY(rec.waitEnded());
        QVERIFY(rec.finished);
        QCOMPARE(rec.requestsFor(1, 2, 1).size(), 1);
        QCOMPARE(rec.requestsFor(1, 2, 2).size(), 1); // exactly one repair
        QCOMPARE(rec.requestsFor(1, 0, 2).size(), 0); // none for well-behaved models
        const SentRequestCheck check { rec.requestsFor(1, 2, 2).at(0) };
        QCOMPARE(check.roles(), (QStringList { u"system"_s, u"user"_s, u"assistant"_s, u"user"_s }));
        QVERIFY(check.last().contains(u"could not be used"_s));
        QCOMPARE(chatRequests(m_sim), 4);
        const TurnRecord cy = rec.turnsOfKind(TurnKind::Turn).at(2);
        QCOMPARE(cy.calls, 2);
        QVERIFY(cy.repairRequested);
        QCOMPARE(cy.stance.source, Stance::Source::Fallback);
        QVERIFY(!cy.stance.parseOk());
        QCOMPARE(cy.stance.answer, rt::test::arithmeticAnswer()); // "... the answer is 330."
        QVERIFY(!cy.stance.confidence);
        QCOMPARE(rec.outcome.answer, rt::test::arithmeticAnswer());
        // The unusable first reply is kept, as a repair row.
        const StoredDebate *d = store.find(engine.debateId());
        QCOMPARE(std::count_if(d->turns.cbegin(), d->turns.cend(), [](const TurnRecord &t) { return t.info.kind == TurnKind::Repair; }), 1);
        QCOMPARE(rec.outcome.calls, 4);
        bool noted = false;
        for (const DebateNote &n : rec.notes)
            noted = noted || (n.kind == NoteKind::Warning && n.seat == 2);
        QVERIFY(noted);
    }

    void repairSucceeds()
    {
        QVERIFY(restartSim({ u"--debate-accuracy"_s, u"*=1"_s, u"--debate-malformed"_s, u"qwen3:0.6b=prose"_s }));
        MemoryDebateStore store;
        DebateEngine engine(m_client.get(), &store);
        DebateRecorder rec(&engine);
        DebateConfig c = baseConfig();
        c.maxRounds = 1;
        c.synthesis = false;
        QVERIFY(engine.start(c));
        QVERIFY(rec.waitEnded());
        const TurnRecord cy = rec.turnsOfKind(TurnKind::Turn).at(2);
        QCOMPARE(cy.stance.source, Stance::Source::Repaired);
        QVERIFY(cy.stance.parseOk());
        QVERIFY(cy.stance.confidence.has_value());
        QCOMPARE(cy.calls, 2);
        QCOMPARE(chatRequests(m_sim), 4);
        // The repair's reply streams as attempt 2: its text replaces attempt 1's.
        QCOMPARE(rec.deltaText.value(cy.info.index).isEmpty(), false);
    }

    void fencedJsonIsRecoveredTolerantly()
    {
        QVERIFY(restartSim({ u"--debate-accuracy"_s, u"*=1"_s, u"--debate-malformed"_s, u"*=fenced:all"_s }));
        MemoryDebateStore store;
        DebateEngine engine(m_client.get(), &store);
        DebateRecorder rec(&engine);
        DebateConfig c = baseConfig();
        c.maxRounds = 1;
        c.synthesis = false;
        QVERIFY(engine.start(c));
        QVERIFY(rec.waitEnded());
        QVERIFY(rec.finished);
        QCOMPARE(chatRequests(m_sim), 6); // every turn: one reply, one repair
        for (const TurnRecord &t : rec.turnsOfKind(TurnKind::Turn)) {
            QCOMPARE(t.stance.source, Stance::Source::Tolerant);
            QVERIFY(t.stance.confidence.has_value());
            QCOMPARE(t.stance.answer, rt::test::arithmeticAnswer());
        }
        RT_COMPARE_NAME(rec.outcome.stopReason, StopReason::Unanimous);
    }

    void emptyRepliesGiveNoStance()
    {
        QVERIFY(restartSim({ u"--debate-accuracy"_s, u"*=1"_s, u"--debate-malformed"_s, u"gemma3:1b=empty:all"_s }));
        MemoryDebateStore store;
        DebateEngine engine(m_client.get(), &store);
        DebateRecorder rec(&engine);
        DebateConfig c = baseConfig();
        c.maxRounds = 2;
        QVERIFY(engine.start(c));
        QVERIFY(rec.waitEnded());
        QVERIFY(rec.finished);
        const TurnRecord bo = rec.turnsOfKind(TurnKind::Turn).at(1);
        QVERIFY(bo.stance.isNone());
        QCOMPARE(bo.calls, 2);
        RT_COMPARE_NAME(bo.status, TurnStatus::Complete);
        // Two agree, one has nothing to say: a consensus, but not a unanimous one.
        QCOMPARE(rec.snapshots.at(0).missing, 1);
        QVERIFY(!rec.snapshots.at(0).unanimous);
        RT_COMPARE_NAME(rec.outcome.stopReason, StopReason::Threshold);
        // The synthesiser sees that Bo gave no answer.
        RT_COMPARE_NAME(rec.requests.last().turn.kind, TurnKind::Synthesis);
        QVERIFY(rec.requests.last().userText().contains(u"[Bo] gave no clear answer"_s));
    }

    void numPredictCap()
    {
        QVERIFY(restartSim({ u"--debate-accuracy"_s, u"*=1"_s }));
        MemoryDebateStore store;
        DebateEngine engine(m_client.get(), &store);
        DebateRecorder rec(&engine);
        DebateConfig c = baseConfig();
        c.maxRounds = 1;
        c.synthesis = false;
        c.numPredictCap = 16; // far too short for a stance: the reply is cut off
        c.agents[0].options.numPredict = 8; // below the cap: kept
        c.agents[1].options.numPredict = 100000; // above the cap: capped
        QVERIFY(engine.start(c));
        QVERIFY(rec.waitEnded(30000));
        QVERIFY(rec.finished);
        QCOMPARE(*rec.requestsFor(1, 0).at(0).request.options.numPredict, 8);
        QCOMPARE(*rec.requestsFor(1, 1).at(0).request.options.numPredict, 16);
        QCOMPARE(*rec.requestsFor(1, 2).at(0).request.options.numPredict, 16);
        for (const TurnRecord &t : rec.turnsOfKind(TurnKind::Turn)) {
            QVERIFY(t.metrics.evalCount <= 16 * 2); // reply + repair, both capped
            QVERIFY(!t.stance.parseOk());
            QVERIFY(t.repairRequested);
        }
    }

    // A host that is down from the start: the seats sit on the host that
    // answers, every turn is spoken, and nobody is skipped.
    void hostDownAtStartSeatsEveryoneOnTheLiveHost()
    {
        QVERIFY(restartSim({ u"--debate-accuracy"_s, u"llama3.2:1b=1,gemma3:1b=0"_s, u"--debate-persuadability"_s, u"*=0"_s }));
        auto pool = rt::test::makePool({ { u"dead"_s, deadUrl() }, { u"live"_s, m_sim.url() } });
        MemoryDebateStore store;
        DebateEngine engine(pool.get(), &store);
        DebateRecorder rec(&engine);
        DebateConfig c = baseConfig();
        c.synthesis = false;
        c.consensusThreshold = 1.0;
        c.stallRounds = 0;
        c.maxRounds = 2;
        QVERIFY(engine.start(c));
        QVERIFY(rec.waitEnded());
        QVERIFY(rec.finished);
        QCOMPARE(rec.order(), (QStringList { u"0:turn"_s, u"1:turn"_s, u"2:turn"_s, u"0:turn"_s, u"1:turn"_s, u"2:turn"_s }));
        const QHash<int, QString> seats = engine.seatHosts();
        QCOMPARE(seats.size(), 3);
        for (const QString &host : seats)
            QCOMPARE(host, u"live"_s);
        for (const DebateNote &n : rec.notes)
            QVERIFY2(n.kind != NoteKind::Skipped, qPrintable(n.text));
        QVERIFY(rec.pauses.isEmpty());
    }

    // Everyone's host is down: the debate pauses; when Ollama is back, resume finishes it.
    void allHostsDownPausesThenResumes()
    {
        QVERIFY(restartSim({ u"--debate-accuracy"_s, u"*=1"_s }));
        auto pool = rt::test::makePool(deadUrl());
        MemoryDebateStore store;
        DebateEngine engine(pool.get(), &store);
        DebateRecorder rec(&engine);
        QVERIFY(engine.start(baseConfig()));
        QVERIFY(rec.waitPaused());
        QCOMPARE(rec.pauses.at(0).reason, u"unreachable"_s);
        QCOMPARE(rec.pauses.at(0).errorCode, rt::llm::ErrorCode::Unreachable);
        QVERIFY(rec.pauses.at(0).message.contains(u"paused"_s));
        QVERIFY(rec.turns.isEmpty());
        QVERIFY(engine.state() == DebateEngine::State::Paused);
        QVERIFY(store.find(engine.debateId())->status == DebateStatus::Paused);
        // The host comes back (here: at another address).
        rt::llm::HostConfig host = *pool->hostConfig(u"local"_s);
        host.url = m_sim.url();
        QVERIFY(pool->updateHost(host));
        QTRY_VERIFY(pool->isAvailable(u"local"_s));
        engine.resume();
        QVERIFY(rec.waitEnded());
        QVERIFY(rec.finished);
        QCOMPARE(rec.resumed, 1);
        for (const DebateNote &n : rec.notes)
            qInfo() << "note:" << n.text;
        QCOMPARE(rec.turnsOfKind(TurnKind::Turn).size(), 3);
        QCOMPARE(rec.turnsOfKind(TurnKind::Turn).at(0).info.seat, 0); // the skipped turn is retried first
    }

    void missingModelFallsBack()
    {
        QVERIFY(restartSim({ u"--debate-accuracy"_s, u"*=1"_s }));
        MemoryDebateStore store;
        DebateEngine engine(m_client.get(), &store);
        DebateRecorder rec(&engine);
        DebateConfig c = baseConfig();
        c.agents[1].model = u"not-installed:7b"_s;
        c.agents[1].fallbackModels = { u"also-missing:1b"_s, kGemma };
        c.consensusThreshold = 1.0;
        c.stallRounds = 0;
        c.maxRounds = 2;
        c.synthesis = false;
        QVERIFY(engine.start(c));
        QVERIFY(rec.waitEnded());
        QVERIFY(rec.finished);
        const QList<TurnRecord> bo = [&] {
            QList<TurnRecord> out;
            for (const TurnRecord &t : rec.turns)
                if (t.info.seat == 1)
                    out.append(t);
            return out;
        }();
        QVERIFY(!bo.isEmpty());
        for (const TurnRecord &t : bo)
            QCOMPARE(t.info.model, kGemma);
        int fallbacks = 0;
        for (const DebateNote &n : rec.notes)
            fallbacks += n.kind == NoteKind::Fallback ? 1 : 0;
        QCOMPARE(fallbacks, 2); // once per missing model, not every round
    }

    void noModelAnywherePauses()
    {
        QVERIFY(restartSim({}));
        MemoryDebateStore store;
        DebateEngine engine(m_client.get(), &store);
        DebateRecorder rec(&engine);
        DebateConfig c = baseConfig();
        c.agents[0].model = u"gone:1b"_s;
        c.agents[1].model = u"gone:2b"_s;
        QVERIFY(engine.start(c));
        QVERIFY(rec.waitPaused());
        QCOMPARE(rec.pauses.at(0).reason, u"no_speakers"_s);
        QCOMPARE(rec.pauses.at(0).errorCode, rt::llm::ErrorCode::ModelNotFound);
        QVERIFY(rec.pauses.at(0).message.contains(u"gone:2b"_s));
        QCOMPARE(chatRequests(m_sim), 0); // /api/show answered; no chat was wasted
        engine.stop();
        QVERIFY(rec.waitEnded());
        RT_COMPARE_NAME(rec.outcome.stopReason, StopReason::UserStop);
    }

    void pauseInterjectResume()
    {
        QVERIFY(restartSim({ u"--debate-accuracy"_s, u"*=1"_s }));
        MemoryDebateStore store;
        DebateEngine engine(m_client.get(), &store);
        DebateRecorder rec(&engine);
        connect(&engine, &DebateEngine::turnStarted, this, [&](const TurnInfo &t) {
            if (t.seat == 0 && t.round == 1)
                engine.pause(); // mid-turn: takes effect after this turn
        });
        DebateConfig c = baseConfig();
        c.synthesis = false;
        QVERIFY(engine.start(c));
        QVERIFY(rec.waitPaused());
        QCOMPARE(rec.pauses.at(0).reason, u"user"_s);
        QCOMPARE(rec.turns.size(), 1); // the turn in flight was finished, not lost
        QTest::qWait(300);
        QCOMPARE(rec.turnsStarted.size(), 1); // nothing runs while paused
        engine.interject(u"Please show your working."_s);
        QTRY_COMPARE(rec.notes.size(), 1);
        RT_COMPARE_NAME(rec.notes.at(0).kind, NoteKind::Interjection);
        QCOMPARE(rec.turnsStarted.size(), 1); // still paused
        engine.resume();
        QVERIFY(rec.waitEnded());
        QVERIFY(rec.finished);
        QCOMPARE(rec.resumed, 1);
        // Everyone after the note sees it as a moderator note; Ada's first turn did not.
        QVERIFY(!rec.requestsFor(1, 0).at(0).userText().contains(u"Moderator notes"_s));
        const QString bo = rec.requestsFor(1, 1).at(0).userText();
        QVERIFY(bo.contains(u"Moderator notes"_s));
        QVERIFY(bo.contains(u"Please show your working."_s));
        const StoredDebate *d = store.find(engine.debateId());
        QCOMPARE(
            std::count_if(d->turns.cbegin(), d->turns.cend(), [](const TurnRecord &t) { return t.info.kind == TurnKind::Interjection; }),
            1);
        QVERIFY(rec.log.indexOf(u"paused user"_s) < rec.log.indexOf(u"note interjection"_s));
    }

    void interjectWhileRunning()
    {
        QVERIFY(restartSim({ u"--debate-accuracy"_s, u"*=1"_s }));
        MemoryDebateStore store;
        DebateEngine engine(m_client.get(), &store);
        DebateRecorder rec(&engine);
        bool sent = false;
        connect(&engine, &DebateEngine::tokenDelta, this, [&](const TokenDelta &d) {
            if (!sent && d.turn.seat == 1) {
                sent = true;
                engine.interject(u"Consider the order of operations."_s);
            }
        });
        DebateConfig c = baseConfig();
        c.synthesis = false;
        QVERIFY(engine.start(c));
        QVERIFY(rec.waitEnded());
        QVERIFY(rec.finished);
        // Added between turns: after Bo's turn, before Cy's.
        QVERIFY(rec.log.indexOf(u"note interjection"_s) > rec.log.indexOf(u"done Bo"_s));
        QVERIFY(rec.log.indexOf(u"note interjection"_s) < rec.log.indexOf(u"turn Cy turn"_s));
        QVERIFY(!rec.requestsFor(1, 1).at(0).userText().contains(u"order of operations"_s));
        QVERIFY(rec.requestsFor(1, 2).at(0).userText().contains(u"order of operations"_s));
    }

    void stopMidTurnKeepsPartialText()
    {
        QVERIFY(restartSim({}));
        MemoryDebateStore store;
        DebateEngine engine(m_client.get(), &store);
        DebateRecorder rec(&engine);
        int deltas = 0;
        connect(&engine, &DebateEngine::tokenDelta, this, [&](const TokenDelta &) {
            if (++deltas == 5)
                engine.stop();
        });
        DebateConfig c = baseConfig();
        for (auto &a : c.agents)
            a.model = u"sim-slow:latest"_s;
        QVERIFY(engine.start(c));
        QVERIFY(rec.waitEnded(20000));
        QVERIFY(rec.finished);
        RT_COMPARE_NAME(rec.outcome.stopReason, StopReason::UserStop);
        QCOMPARE(rec.turns.size(), 1);
        RT_COMPARE_NAME(rec.turns.at(0).status, TurnStatus::Partial);
        QVERIFY(!rec.turns.at(0).content.isEmpty());
        QVERIFY(rec.turns.at(0).stance.isNone());
        QVERIFY(rec.outcome.durationMs < 5000); // aborted, not waited for
        QTRY_VERIFY(m_sim.stats().value(u"client_closed_early"_s).toInt() >= 1);
        QVERIFY(store.find(engine.debateId())->status == DebateStatus::Finished);
    }

    // Interrupt mid-turn, then continue with a fresh engine: no finished turn
    // is lost or repeated, and the interrupted one is done again.
    void interruptThenRestore()
    {
        QVERIFY(restartSim({ u"--debate-accuracy"_s, u"*=0"_s, u"--debate-persuadability"_s, u"*=0"_s, u"--tps"_s, u"400"_s }));
        MemoryDebateStore store;
        qint64 id = 0;
        {
            DebateEngine engine(m_client.get(), &store);
            DebateRecorder rec(&engine);
            connect(&engine, &DebateEngine::tokenDelta, this, [&](const TokenDelta &d) {
                if (d.turn.seat == 1 && d.turn.round == 1)
                    engine.interrupt();
            });
            DebateConfig c = baseConfig();
            c.consensusThreshold = 1.0;
            c.stallRounds = 0;
            c.maxRounds = 2;
            c.synthesis = false;
            QVERIFY(engine.start(c));
            QVERIFY(rec.waitEnded());
            QVERIFY(rec.interrupted);
            id = engine.debateId();
            QVERIFY(store.find(id)->status == DebateStatus::Interrupted);
            QCOMPARE(rec.turns.size(), 2);
            RT_COMPARE_NAME(rec.turns.at(1).status, TurnStatus::Interrupted);
        }
        DebateEngine engine(m_client.get(), &store);
        DebateRecorder rec(&engine);
        engine.restore(id);
        QVERIFY(rec.waitEnded());
        QVERIFY(rec.finished);
        QVERIFY(rec.started.at(0).resumed);
        QCOMPARE(rec.started.at(0).finishedTurns, 1);
        QCOMPARE(rec.turnsStarted.at(0).seat, 1); // continues with the interrupted turn
        QCOMPARE(rec.turnsStarted.at(0).round, 1);
        const StoredDebate *d = store.find(id);
        QMap<QString, int> finished;
        for (const TurnRecord &t : d->turns) {
            if (t.info.kind == TurnKind::Turn && t.isFinished())
                finished[u"%1/%2"_s.arg(t.info.round).arg(t.info.seat)] += 1;
        }
        QCOMPARE(finished.size(), 6);
        for (int n : finished)
            QCOMPARE(n, 1);
        QVERIFY(d->status == DebateStatus::Finished);
        // A finished debate cannot be resumed.
        DebateEngine again(m_client.get(), &store);
        DebateRecorder rec2(&again);
        again.restore(id);
        QVERIFY(rec2.waitEnded());
        QVERIFY(rec2.failed);
        QCOMPARE(rec2.outcome.error.code, u"not_resumable"_s);
    }

    // Concurrent turns (setConcurrentTurns): every seat of a simultaneous round
    // starts at once and the streams overlap; the turns are stored in plan
    // order, each announced with the index it is stored at.
    void concurrentRoundStreamsTogether()
    {
        QVERIFY(restartSim({ u"--debate-accuracy"_s, u"*=1"_s, u"--tps"_s, u"150"_s }));
        MemoryDebateStore store;
        DebateEngine engine(m_client.get(), &store);
        engine.setConcurrentTurns(true);
        DebateRecorder rec(&engine);
        QStringList events; // "start S", "delta S", "done S" for round 1, in arrival order
        QHash<QString, int> startedIndex; // correlation id -> index announced by turnStarted
        QHash<QString, int> deltaIndex; // correlation id -> index carried by its deltas
        connect(&engine, &DebateEngine::turnStarted, this, [&](const TurnInfo &t) {
            startedIndex.insert(t.correlationId, t.index);
            if (t.round == 1)
                events.append(u"start %1"_s.arg(t.seat));
        });
        connect(&engine, &DebateEngine::tokenDelta, this, [&](const TokenDelta &d) {
            deltaIndex.insert(d.turn.correlationId, d.turn.index);
            if (d.turn.round == 1 && !d.content.isEmpty())
                events.append(u"delta %1"_s.arg(d.turn.seat));
        });
        connect(&engine, &DebateEngine::turnFinished, this, [&](const TurnRecord &t) {
            if (t.info.round == 1)
                events.append(u"done %1"_s.arg(t.info.seat));
        });
        DebateConfig c = baseConfig();
        c.agents.append(makeAgent(u"Di"_s, kLlama));
        c.maxRounds = 2;
        c.consensusThreshold = 1.0;
        c.stallRounds = 0;
        c.synthesis = true;
        QVERIFY(engine.start(c));
        QVERIFY(rec.waitEnded());
        QVERIFY2(rec.finished, qPrintable(rec.log.join(u", "_s)));
        QCOMPARE(rec.outcome.rounds, 1); // unanimous
        const int seats = 4;

        // Every seat's turn started before any turn of the round finished.
        qsizetype lastStart = -1, firstDone = events.size();
        for (qsizetype i = 0; i < events.size(); ++i) {
            if (events.at(i).startsWith(u"start"_s))
                lastStart = i;
            else if (events.at(i).startsWith(u"done"_s))
                firstDone = std::min(firstDone, i);
        }
        QCOMPARE(events.count(u"start 0"_s) + events.count(u"start 1"_s) + events.count(u"start 2"_s) + events.count(u"start 3"_s), seats);
        QVERIFY2(lastStart < firstDone, qPrintable(events.join(u", "_s)));
        // The streams overlap: every seat's first delta comes before any seat's last.
        QHash<int, qsizetype> firstDelta, lastDelta;
        for (qsizetype i = 0; i < events.size(); ++i) {
            if (!events.at(i).startsWith(u"delta"_s))
                continue;
            const int seat = events.at(i).section(u' ', 1).toInt();
            if (!firstDelta.contains(seat))
                firstDelta.insert(seat, i);
            lastDelta.insert(seat, i);
        }
        QCOMPARE(firstDelta.size(), seats);
        const qsizetype latestFirst = *std::max_element(firstDelta.cbegin(), firstDelta.cend());
        const qsizetype earliestLast = *std::min_element(lastDelta.cbegin(), lastDelta.cend());
        QVERIFY2(latestFirst < earliestLast, qPrintable(events.join(u", "_s)));
        QVERIFY(m_sim.stats().value(u"peak_active"_s).toInt() >= 3);

        // Stored in plan order (seat order), then the synthesis after the round, alone.
        QCOMPARE(rec.order(), (QStringList { u"0:turn"_s, u"1:turn"_s, u"2:turn"_s, u"3:turn"_s, u"4:synthesis"_s }));
        QVERIFY(rec.log.indexOf(u"turn Synthesizer synthesis"_s) > rec.log.indexOf(u"consensus 1"_s));
        // One index per turn, the same in every signal and in the store.
        const StoredDebate *d = store.find(engine.debateId());
        QCOMPARE(d->turns.size(), rec.turns.size());
        for (const TurnRecord &t : rec.turns) {
            QCOMPARE(startedIndex.value(t.info.correlationId, -1), t.info.index);
            QCOMPARE(deltaIndex.value(t.info.correlationId, -1), t.info.index);
            QCOMPARE(d->turns.at(t.info.index).storageId, t.storageId);
            QCOMPARE(rec.deltaText.value(t.info.index), t.text); // streamed text = recorded text
        }
        // Nobody saw a turn of its own round.
        for (int seat = 0; seat < seats; ++seat)
            QVERIFY(rec.requestsFor(1, seat).at(0).entries().isEmpty());
    }

    // stop() while every seat streams: each turn in flight is aborted and kept
    // once, as partial; interrupt() the same, resumable, and restore runs each
    // of them again, so every planned turn ends up finished exactly once.
    void stopAndInterruptDuringConcurrentStreaming_data()
    {
        QTest::addColumn<bool>("interrupt");
        QTest::newRow("stop") << false;
        QTest::newRow("interrupt") << true;
    }

    void stopAndInterruptDuringConcurrentStreaming()
    {
        QFETCH(bool, interrupt);
        QVERIFY(restartSim({ u"--debate-accuracy"_s, u"*=1"_s }));
        MemoryDebateStore store;
        qint64 id = 0;
        {
            DebateEngine engine(m_client.get(), &store);
            engine.setConcurrentTurns(true);
            DebateRecorder rec(&engine);
            QHash<int, int> deltas;
            bool ended = false;
            connect(&engine, &DebateEngine::tokenDelta, this, [&](const TokenDelta &d) {
                if (d.content.isEmpty())
                    return;
                ++deltas[d.turn.seat];
                if (ended || deltas.size() < 3)
                    return;
                for (int n : std::as_const(deltas)) {
                    if (n < 2)
                        return;
                }
                ended = true; // all three are streaming now
                if (interrupt)
                    engine.interrupt();
                else
                    engine.stop();
            });
            DebateConfig c = baseConfig();
            for (auto &a : c.agents)
                a.model = u"sim-slow:latest"_s; // 20 tokens per second
            c.maxRounds = 2;
            c.consensusThreshold = 1.0;
            c.stallRounds = 0;
            QVERIFY(engine.start(c));
            QVERIFY(rec.waitEnded(20000));
            QVERIFY(ended);
            QCOMPARE(rec.turnsStarted.size(), 3);
            QCOMPARE(rec.turns.size(), 3);
            QSet<int> seen;
            for (const TurnRecord &t : rec.turns) {
                QVERIFY(!seen.contains(t.info.seat));
                seen.insert(t.info.seat);
                RT_COMPARE_NAME(t.status, interrupt ? TurnStatus::Interrupted : TurnStatus::Partial);
                QVERIFY(!t.content.isEmpty());
                QVERIFY(!t.isFinished());
            }
            QCOMPARE(seen.size(), 3);
            id = engine.debateId();
            const StoredDebate *d = store.find(id);
            QCOMPARE(d->turns.size(), 3); // each kept once
            if (!interrupt) {
                QVERIFY(rec.finished);
                RT_COMPARE_NAME(rec.outcome.stopReason, StopReason::UserStop);
                QVERIFY(rec.outcome.durationMs < 5000); // aborted, not waited for
                QVERIFY(d->status == DebateStatus::Finished);
                QTRY_VERIFY(m_sim.stats().value(u"client_closed_early"_s).toInt() >= 3);
                return;
            }
            QVERIFY(rec.interrupted);
            QVERIFY(d->status == DebateStatus::Interrupted);
        }
        QVERIFY(restartSim({ u"--debate-accuracy"_s, u"*=1"_s, u"--tps"_s, u"400"_s }));
        DebateEngine engine(m_client.get(), &store);
        engine.setConcurrentTurns(true);
        DebateRecorder rec(&engine);
        engine.restore(id);
        QVERIFY(rec.waitEnded());
        QVERIFY2(rec.finished, qPrintable(rec.log.join(u", "_s)));
        QCOMPARE(rec.started.at(0).finishedTurns, 0);
        QCOMPARE(rec.turnsStarted.at(0).round, 1); // round 1 again, all three seats
        QMap<QString, int> finished;
        for (const TurnRecord &t : store.find(id)->turns) {
            if (t.info.kind == TurnKind::Turn && t.isFinished())
                finished[u"%1/%2"_s.arg(t.info.round).arg(t.info.seat)] += 1;
        }
        QCOMPARE(finished.keys(), (QStringList { u"1/0"_s, u"1/1"_s, u"1/2"_s }));
        for (int n : finished)
            QCOMPARE(n, 1);
    }

    // A crash in the middle of a concurrent round: the turns already stored
    // stay, the others run again, together.
    void crashMidConcurrentRoundThenRestore()
    {
        // Cy is wrong and nobody moves: no consensus, so round 2 runs too.
        QVERIFY(restartSim({ u"--debate-accuracy"_s, u"*=1,qwen3:0.6b=0"_s, u"--debate-persuadability"_s, u"*=0"_s }));
        MemoryDebateStore store;
        DebateConfig c = baseConfig();
        c.agents[1].model = u"sim-slow:latest"_s; // Bo is still talking when Ada is stored
        c.maxRounds = 2;
        c.consensusThreshold = 1.0;
        c.stallRounds = 0;
        c.synthesis = false;
        qint64 id = 0;
        {
            auto engine = std::make_unique<DebateEngine>(m_client.get(), &store);
            engine->setConcurrentTurns(true);
            DebateRecorder rec(engine.get());
            QVERIFY(engine->start(c));
            QTRY_COMPARE_WITH_TIMEOUT(rec.turns.size(), 1, 20000);
            QCOMPARE(rec.turns.at(0).info.seat, 0);
            QCOMPARE(rec.turnsStarted.size(), 3);
            id = engine->debateId();
            engine.reset(); // gone without a word, like kill -9
        }
        const StoredDebate *before = store.find(id);
        QVERIFY(before->status == DebateStatus::Running);
        QCOMPARE(before->turns.size(), 1);

        DebateEngine engine(m_client.get(), &store);
        engine.setConcurrentTurns(true);
        DebateRecorder rec(&engine);
        engine.restore(id);
        QVERIFY(rec.waitEnded(30000));
        QVERIFY2(rec.finished, qPrintable(rec.log.join(u", "_s)));
        QCOMPARE(rec.started.at(0).finishedTurns, 1);
        QList<int> round1;
        for (const TurnInfo &t : rec.turnsStarted) {
            if (t.round == 1)
                round1.append(t.seat);
        }
        QCOMPARE(round1, (QList<int> { 1, 2 })); // exactly the ones without a record
        QCOMPARE(rec.turnsStarted.size(), 5);
        QCOMPARE(rec.turnsStarted.at(2).round, 2);
        QCOMPARE(rec.requestsFor(2, 0).at(0).entries().size(), 3); // round 2 sees all of round 1
        QMap<QString, int> finished;
        for (const TurnRecord &t : store.find(id)->turns) {
            if (t.info.kind == TurnKind::Turn && t.isFinished())
                finished[u"%1/%2"_s.arg(t.info.round).arg(t.info.seat)] += 1;
        }
        QCOMPARE(finished.size(), 6);
        for (int n : finished)
            QCOMPARE(n, 1);
    }

    // Turns stored out of plan order (completion order, a partial row among
    // them): restore runs exactly the planned turns without a finished record.
    void restoreRunsTheMissingTurnsWhateverTheStoredOrder()
    {
        QVERIFY(restartSim({ u"--debate-accuracy"_s, u"*=1"_s }));
        MemoryDebateStore store;
        DebateConfig c = baseConfig();
        c.agents.append(makeAgent(u"Di"_s, kLlama));
        c.maxRounds = 1;
        c.synthesis = false;
        const auto seats = DebateFormat::create(c.format)->arrange(c);
        QVERIFY(seats.ok());
        std::optional<qint64> id;
        store.createDebate(c, *seats, this, [&](const rt::Result<qint64> &r) { id = r.value(); });
        QTRY_VERIFY(id.has_value());
        // Stored: Cy, then Ada, then a partial row of Bo; Bo and Di have no finished record.
        const auto row = [&](int seat, TurnStatus status) {
            TurnRecord t;
            t.info.debateId = *id;
            t.info.round = 1;
            t.info.seat = seat;
            t.info.agentName = c.agents.at(seat).name;
            t.info.model = c.agents.at(seat).model;
            t.content = u"{}"_s;
            t.status = status;
            t.stance.answer = rt::test::arithmeticAnswer();
            t.stance.confidence = 0.9;
            bool done = false;
            store.appendTurn(*id, t, this, [&](const rt::Result<qint64> &) { done = true; });
            return QTest::qWaitFor([&] { return done; }, 5000);
        };
        QVERIFY(row(2, TurnStatus::Complete));
        QVERIFY(row(0, TurnStatus::Complete));
        QVERIFY(row(1, TurnStatus::Partial));

        DebateEngine engine(m_client.get(), &store);
        engine.setConcurrentTurns(true);
        DebateRecorder rec(&engine);
        engine.restore(*id);
        QVERIFY(rec.waitEnded());
        QVERIFY2(rec.finished, qPrintable(rec.log.join(u", "_s)));
        QCOMPARE(rec.started.at(0).finishedTurns, 2);
        QCOMPARE(rec.order(), (QStringList { u"1:turn"_s, u"3:turn"_s }));
        QCOMPARE(rec.turns.at(0).info.index, 3); // after the three rows already there
        QCOMPARE(rec.turns.at(1).info.index, 4);
        QCOMPARE(rec.snapshots.size(), 1);
        QCOMPARE(rec.snapshots.at(0).missing, 0); // all four answers measured
        QCOMPARE(store.find(*id)->turns.size(), 5);
    }

    // pause() during a concurrent round takes effect when every turn in flight
    // is done; a note added meanwhile is in every prompt of the next round.
    void pauseDuringConcurrentRound()
    {
        QVERIFY(
            restartSim({ u"--debate-accuracy"_s, u"*=1,qwen3:0.6b=0"_s, u"--debate-persuadability"_s, u"*=0"_s, u"--tps"_s, u"200"_s }));
        MemoryDebateStore store;
        DebateEngine engine(m_client.get(), &store);
        engine.setConcurrentTurns(true);
        DebateRecorder rec(&engine);
        connect(&engine, &DebateEngine::turnStarted, this, [&](const TurnInfo &t) {
            if (t.seat == 2 && t.round == 1)
                engine.pause();
        });
        DebateConfig c = baseConfig();
        c.maxRounds = 2;
        c.consensusThreshold = 1.0;
        c.stallRounds = 0;
        c.synthesis = false;
        QVERIFY(engine.start(c));
        QVERIFY(rec.waitPaused());
        QCOMPARE(rec.turnsStarted.size(), 3);
        QCOMPARE(rec.turns.size(), 3); // every turn in flight finished, none lost
        engine.interject(u"Please show your working."_s);
        QTRY_COMPARE(rec.notes.size(), 1);
        QCOMPARE(rec.turnsStarted.size(), 3); // still paused
        engine.resume();
        QVERIFY(rec.waitEnded());
        QVERIFY(rec.finished);
        QCOMPARE(rec.outcome.rounds, 2);
        for (int seat = 0; seat < 3; ++seat) {
            QCOMPARE(rec.requestsFor(2, seat).size(), 1);
            QVERIFY(!rec.requestsFor(1, seat).at(0).userText().contains(u"Please show your working."_s));
            QVERIFY(rec.requestsFor(2, seat).at(0).userText().contains(u"Please show your working."_s));
        }
    }

    void storageFailureFailsTheDebate()
    {
        QVERIFY(restartSim({ u"--debate-accuracy"_s, u"*=1"_s }));
        MemoryDebateStore store;
        DebateEngine engine(m_client.get(), &store);
        DebateRecorder rec(&engine);
        connect(&engine, &DebateEngine::turnStarted, this, [&](const TurnInfo &) {
            store.failNextWrite(rt::Error { u"io"_s, u"disk full"_s });
        });
        QVERIFY(engine.start(baseConfig()));
        QVERIFY(rec.waitEnded());
        QVERIFY(rec.failed);
        QCOMPARE(rec.outcome.error.code, u"storage"_s);
        QVERIFY(rec.outcome.error.message.contains(u"disk full"_s));
        RT_COMPARE_NAME(rec.outcome.stopReason, StopReason::Error);
        QCOMPARE(rec.turns.size(), 0); // nothing announced that was not durable
        QCOMPARE(chatRequests(m_sim), 1); // and nothing more was asked
    }

    void streamErrorFailsOnlyThatTurn()
    {
        QVERIFY(restartSim({ u"--debate-accuracy"_s, u"*=1"_s }));
        QVERIFY(m_sim.setFault(u"error_midstream"_s, u"5"_s, 1, u"/api/chat"_s));
        MemoryDebateStore store;
        DebateEngine engine(m_client.get(), &store);
        DebateRecorder rec(&engine);
        DebateConfig c = baseConfig();
        c.synthesis = false;
        QVERIFY(engine.start(c));
        QVERIFY(rec.waitEnded());
        QVERIFY(rec.finished);
        RT_COMPARE_NAME(rec.turns.at(0).status, TurnStatus::Failed);
        QVERIFY(!rec.turns.at(0).error.isEmpty());
        QCOMPARE(rec.turns.size(), 3 * rec.outcome.rounds);
        QCOMPARE(rec.outcome.answer, rt::test::arithmeticAnswer());
    }
};

QTEST_GUILESS_MAIN(TestDebateEngine)
#include "tst_debateengine.moc"
