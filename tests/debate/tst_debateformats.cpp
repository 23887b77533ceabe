// Every debate format end to end against roundtable-ollama-sim over real
// HTTP: who speaks when, what each agent sees, the stopping rules and the
// final synthesis. The simulator's debate-participant mode makes the models'
// answers repeatable (--debate-accuracy / --debate-persuadability).
#include "debate/councilformat.h"
#include "debate/debateengine.h"
#include "debaterecorder.h"
#include "simprocess.h"

#include <QJsonDocument>
#include <QStandardPaths>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using namespace rt::debate;
using rt::test::DebateRecorder;
using rt::test::makeAgent;

namespace {
const QString kLlama = u"llama3.2:1b"_s;
const QString kGemma = u"gemma3:1b"_s;
const QString kQwen = u"qwen3:0.6b"_s;
} // namespace

class TestDebateFormats final : public QObject {
    Q_OBJECT

    struct Run {
        std::unique_ptr<rt::test::SimProcess> sim;
        std::unique_ptr<rt::llm::EndpointPool> client;
        MemoryDebateStore store;
        std::unique_ptr<DebateEngine> engine;
        std::unique_ptr<DebateRecorder> rec;
    };

    // Starts a simulator with these flags and runs the debate to its end.
    std::unique_ptr<Run> run(const QStringList &simArgs, DebateConfig config, bool start = true)
    {
        auto r = std::make_unique<Run>();
        r->sim = std::make_unique<rt::test::SimProcess>();
        if (!r->sim->start(simArgs)) {
            qWarning() << "simulator did not start:" << r->sim->errorString();
            return nullptr;
        }
        r->client = rt::test::makePool(r->sim->url());
        r->engine = std::make_unique<DebateEngine>(r->client.get(), &r->store);
        r->rec = std::make_unique<DebateRecorder>(r->engine.get());
        if (!config.seed)
            config.seed = 7;
        if (start) {
            const rt::Status s = r->engine->start(config);
            if (!s) {
                qWarning() << s.error().message;
                return nullptr;
            }
            if (!r->rec->waitEnded(90000))
                qWarning() << "debate did not end:" << r->rec->log;
        }
        return r;
    }

    static DebateConfig threeAgents(FormatKind format = FormatKind::Simultaneous)
    {
        DebateConfig c;
        c.question = rt::test::arithmeticQuestion();
        c.format = format;
        c.agents = { makeAgent(u"Ada"_s, kLlama), makeAgent(u"Bo"_s, kGemma), makeAgent(u"Cy"_s, kQwen) };
        return c;
    }

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    // All agents right at once: unanimous after round 1, then a synthesis.
    void simultaneousStopsEarlyOnConsensus()
    {
        auto r = run({ u"--debate-accuracy"_s, u"*=1"_s }, threeAgents());
        QVERIFY(r);
        QVERIFY2(r->rec->finished, qPrintable(r->rec->log.join(u", "_s)));
        const DebateOutcome &o = r->rec->outcome;
        RT_COMPARE_NAME(o.stopReason, StopReason::Unanimous);
        QCOMPARE(o.rounds, 1);
        QCOMPARE(o.answer, rt::test::arithmeticAnswer());
        QCOMPARE(o.score, 1.0);
        QVERIFY(o.dissent.isEmpty());
        QCOMPARE(r->rec->order(), (QStringList { u"0:turn"_s, u"1:turn"_s, u"2:turn"_s, u"3:synthesis"_s }));
        QCOMPARE(o.synthesisBy, u"Synthesizer"_s); // nobody brought one: an implicit seat
        QVERIFY(o.synthesis.contains(rt::test::arithmeticAnswer()));
        QCOMPARE(r->rec->snapshots.size(), 1);
        QVERIFY(r->rec->snapshots.at(0).unanimous);
        QCOMPARE(r->rec->started.size(), 1);
        QCOMPARE(r->rec->started.at(0).seats.size(), 4);
        QVERIFY(r->rec->started.at(0).seats.at(3).implicit);
        // Round 1: everyone answers alone.
        for (int seat = 0; seat < 3; ++seat) {
            const auto reqs = r->rec->requestsFor(1, seat);
            QCOMPARE(reqs.size(), 1);
            QVERIFY(reqs.at(0).userText().contains(u"Round 1 of 3"_s));
            QVERIFY(reqs.at(0).userText().contains(rt::test::arithmeticQuestion()));
            QVERIFY2(reqs.at(0).entries().isEmpty(), qPrintable(reqs.at(0).userText()));
            QVERIFY(reqs.at(0).request.format.isObject());
            QCOMPARE(*reqs.at(0).request.options.numPredict, 1024);
        }
        // The synthesiser sees every final position.
        const auto synth = r->rec->requestsFor(2, 3);
        QCOMPARE(synth.size(), 1);
        QCOMPARE(synth.at(0).entries().size(), 3);
        for (const TurnRecord &t : r->rec->turnsOfKind(TurnKind::Turn)) {
            QVERIFY(t.stance.parseOk());
            QVERIFY(!t.changed);
            QVERIFY(!t.text.isEmpty());
            QCOMPARE(r->rec->deltaText.value(t.info.index), t.text); // streamed text = recorded text
            QVERIFY(t.metrics.evalCount > 0);
        }
        QCOMPARE(r->sim->stats().value(u"by_path"_s).toObject().value(u"/api/chat"_s).toInt(), 4);
        // /api/show once per model (the synthesiser shares Ada's), for context length and capabilities.
        QCOMPARE(r->sim->stats().value(u"by_path"_s).toObject().value(u"/api/show"_s).toInt(), 3);
        // Thinking models are asked not to think while answering in JSON.
        const auto qwen = r->rec->requestsFor(1, 2);
        QVERIFY(qwen.at(0).request.think.isBool() && !qwen.at(0).request.think.toBool());
        QVERIFY(r->rec->requestsFor(1, 0).at(0).request.think.isUndefined());
    }

    // Two who know the answer and one who follows the majority: correct within two rounds.
    void simultaneousPersuasion()
    {
        DebateConfig c = threeAgents();
        c.consensusThreshold = 1.0;
        c.stallRounds = 0;
        auto r = run(
            { u"--debate-accuracy"_s, u"llama3.2:1b=1,gemma3:1b=1,qwen3:0.6b=0"_s, u"--debate-persuadability"_s, u"*=0,qwen3:0.6b=1"_s },
            c);
        QVERIFY(r);
        QVERIFY(r->rec->finished);
        const DebateOutcome &o = r->rec->outcome;
        RT_COMPARE_NAME(o.stopReason, StopReason::Unanimous);
        QCOMPARE(o.rounds, 2);
        QCOMPARE(o.answer, rt::test::arithmeticAnswer());
        QCOMPARE(o.flipsPerRound, (QList<int> { 0, 1 }));
        QCOMPARE(r->rec->snapshots.size(), 2);
        QVERIFY(!r->rec->snapshots.at(0).unanimous);
        QCOMPARE(r->rec->snapshots.at(0).groups.size(), 2);
        const QList<TurnRecord> turns = r->rec->turnsOfKind(TurnKind::Turn);
        QCOMPARE(turns.size(), 6);
        QVERIFY(turns.at(2).stance.answer != rt::test::arithmeticAnswer()); // Cy, round 1: wrong
        QCOMPARE(turns.at(5).stance.answer, rt::test::arithmeticAnswer()); // Cy, round 2: persuaded
        QVERIFY(turns.at(5).changed);
        QVERIFY(!turns.at(3).changed && !turns.at(4).changed);
        QVERIFY(turns.at(5).stance.agreesWith.contains(u"Ada"_s));

        // Round 2: each agent sees exactly the round-1 answers, its own marked,
        // and nothing of round 2 (not even from earlier speakers).
        QStringList round1;
        for (int i = 0; i < 3; ++i) {
            const TurnRecord &t = turns.at(i);
            round1.append(u"%1=%2@%3"_s.arg(t.info.agentName, t.stance.answer).arg(*t.stance.confidence, 0, 'f', 2));
        }
        for (int seat = 0; seat < 3; ++seat) {
            const auto reqs = r->rec->requestsFor(2, seat);
            QCOMPARE(reqs.size(), 1);
            QStringList expected = round1;
            expected[seat] = expected[seat].replace(u"="_s, u"*="_s);
            QCOMPARE(reqs.at(0).entries(), expected);
            QVERIFY(reqs.at(0).userText().contains(u"Round 2 of 3"_s));
        }
        // The last request really went over the wire with that content.
        const QJsonObject last = r->sim->stats().value(u"last_request"_s).toObject();
        QVERIFY(last.value(u"body"_s).toString().contains(u"Final positions:"_s));
    }

    void simultaneousMaxRoundsAndStall()
    {
        // Everybody wrong and stubborn: no consensus.
        DebateConfig c = threeAgents();
        c.consensusThreshold = 1.0;
        c.stallRounds = 0;
        c.synthesis = false;
        auto r = run({ u"--debate-accuracy"_s, u"*=0"_s, u"--debate-persuadability"_s, u"*=0"_s }, c);
        QVERIFY(r);
        QVERIFY(r->rec->finished);
        RT_COMPARE_NAME(r->rec->outcome.stopReason, StopReason::MaxRounds);
        QCOMPARE(r->rec->outcome.rounds, 3);
        QCOMPARE(r->rec->turns.size(), 9);
        QVERIFY(r->rec->turnsOfKind(TurnKind::Synthesis).isEmpty());
        QVERIFY(!r->rec->outcome.dissent.isEmpty());
        QVERIFY(r->rec->outcome.answer != rt::test::arithmeticAnswer()); // a group can agree on nothing right

        // The same with the stall rule: nobody moved in round 2, so it stops there.
        c.stallRounds = 1;
        r = run({ u"--debate-accuracy"_s, u"*=0"_s, u"--debate-persuadability"_s, u"*=0"_s }, c);
        QVERIFY(r);
        RT_COMPARE_NAME(r->rec->outcome.stopReason, StopReason::Stalled);
        QCOMPARE(r->rec->outcome.rounds, 2);
        QCOMPARE(r->rec->outcome.flipsPerRound, (QList<int> { 0, 0 }));
        QVERIFY(!toString(r->rec->outcome.stopReason).isEmpty());
    }

    void agreementIntensityAndContextTrimming()
    {
        DebateConfig c = threeAgents();
        c.consensusThreshold = 1.0;
        c.stallRounds = 0;
        c.synthesis = false;
        c.agreementIntensity = 7;
        c.contextTokens = 300; // tiny: 1200 characters of prompt at most
        c.numPredictCap = 64;
        for (auto &a : c.agents)
            a.systemPrompt = QString(400, u'x');
        auto r = run({ u"--debate-accuracy"_s, u"*=0"_s, u"--debate-persuadability"_s, u"*=0"_s }, c);
        QVERIFY(r);
        QVERIFY(r->rec->finished);
        QCOMPARE(r->rec->outcome.rounds, 3);
        const auto round1 = r->rec->requestsFor(1, 0).at(0);
        QVERIFY(!round1.userText().contains(u"Agreement intensity"_s));
        const auto round3 = r->rec->requestsFor(3, 2).at(0);
        QVERIFY(round3.userText().contains(u"Agreement intensity 7/10"_s));
        // Round 3 would carry a summary of round 1 and round 2 in full; it had to be
        // trimmed: the summary went first, every round-2 answer line stayed.
        QVERIFY2(round3.userText().contains(u"left out for length"_s), qPrintable(round3.userText()));
        QCOMPARE(round3.entries().size(), 3);
        QVERIFY(round3.userText().contains(rt::test::arithmeticQuestion()));
        QVERIFY(round3.userText().endsWith(u"adopt them about 70% of the time and keep your own otherwise."_s));
    }

    void tokenBudget()
    {
        DebateConfig c = threeAgents();
        c.tokenBudget = 1; // spent by the first turn
        auto r = run({ u"--debate-accuracy"_s, u"*=1"_s }, c);
        QVERIFY(r);
        QVERIFY(r->rec->finished);
        RT_COMPARE_NAME(r->rec->outcome.stopReason, StopReason::Budget);
        QCOMPARE(r->rec->turns.size(), 1);
        QCOMPARE(r->rec->outcome.rounds, 0);
        QVERIFY(r->rec->outcome.promptTokens + r->rec->outcome.evalTokens >= 1);
        QVERIFY(r->rec->outcome.synthesis.isEmpty()); // no synthesis after the budget ran out
    }

    void timeBudgetCutsTheTurn()
    {
        DebateConfig c = threeAgents();
        for (auto &a : c.agents)
            a.model = u"sim-slow:latest"_s; // 20 tokens per second
        c.timeBudgetMs = 700;
        auto r = run({}, c);
        QVERIFY(r);
        QVERIFY(r->rec->finished);
        RT_COMPARE_NAME(r->rec->outcome.stopReason, StopReason::Budget);
        QCOMPARE(r->rec->turns.size(), 1);
        RT_COMPARE_NAME(r->rec->turns.at(0).status, TurnStatus::Partial);
        QVERIFY(!r->rec->turns.at(0).content.isEmpty());
        QVERIFY(r->rec->outcome.durationMs < 5000);
    }

    void roundRobinOrderAndVisibility()
    {
        DebateConfig c = threeAgents(FormatKind::RoundRobin);
        c.consensusThreshold = 1.0;
        c.stallRounds = 0;
        c.maxRounds = 2;
        c.synthesis = false;
        auto r = run({ u"--debate-accuracy"_s, u"*=0"_s, u"--debate-persuadability"_s, u"*=0"_s }, c);
        QVERIFY(r);
        QVERIFY(r->rec->finished);
        // The first speaker rotates.
        QCOMPARE(r->rec->order(), (QStringList { u"0:turn"_s, u"1:turn"_s, u"2:turn"_s, u"1:turn"_s, u"2:turn"_s, u"0:turn"_s }));
        // Later speakers of a round see the earlier ones of the same round.
        QVERIFY(r->rec->requestsFor(1, 0).at(0).entries().isEmpty());
        QCOMPARE(r->rec->requestsFor(1, 1).at(0).entries().size(), 1);
        QVERIFY(r->rec->requestsFor(1, 1).at(0).entries().at(0).startsWith(u"Ada="_s));
        QCOMPARE(r->rec->requestsFor(1, 2).at(0).entries().size(), 2);
        // Ada speaks last in round 2: she sees her own previous turn (marked) and
        // the last full cycle in full (Cy 1, Bo 2, Cy 2); Bo's round-1 turn is summarised.
        const QStringList seen = r->rec->requestsFor(2, 0).at(0).entries();
        QCOMPARE(seen.size(), 4);
        QVERIFY(seen.at(0).startsWith(u"Ada*="_s));
        QVERIFY(seen.at(1).startsWith(u"Cy="_s));
        QVERIFY(seen.at(2).startsWith(u"Bo="_s));
        QVERIFY(seen.at(3).startsWith(u"Cy="_s));
        QVERIFY(r->rec->requestsFor(2, 0).at(0).userText().contains(u"Round 1: Bo "_s));
        // Stubborn agents keep their answers: nobody changed.
        for (const TurnRecord &t : r->rec->turns)
            QVERIFY(!t.changed);
        RT_COMPARE_NAME(r->rec->outcome.stopReason, StopReason::MaxRounds);
    }

    void adversarialJudgeDecides()
    {
        DebateConfig c;
        c.question = rt::test::arithmeticQuestion();
        c.format = FormatKind::Adversarial;
        c.agents = { makeAgent(u"Pro"_s, kLlama, u"proponent"_s), makeAgent(u"Con"_s, kQwen, u"opponent"_s),
            makeAgent(u"Bench"_s, kGemma, u"judge"_s) };
        auto r = run({ u"--debate-accuracy"_s, u"llama3.2:1b=1,gemma3:1b=1,qwen3:0.6b=0"_s, u"--debate-persuadability"_s, u"*=0"_s }, c);
        QVERIFY(r);
        QVERIFY(r->rec->finished);
        const DebateOutcome &o = r->rec->outcome;
        RT_COMPARE_NAME(o.stopReason, StopReason::JudgeDecided);
        QCOMPARE(o.rounds, 1);
        QCOMPARE(r->rec->order(), (QStringList { u"0:turn"_s, u"1:turn"_s, u"2:verdict"_s }));
        QCOMPARE(o.answer, rt::test::arithmeticAnswer());
        QCOMPARE(o.verdictWinner, u"proponent"_s);
        QCOMPARE(o.synthesisBy, u"Bench"_s);
        QVERIFY(!o.synthesis.isEmpty());
        QCOMPARE(o.dissent.size(), 1);
        QCOMPARE(o.dissent.at(0).agentName, u"Con"_s);
        // The opponent answers the proponent's argument; the judge sees both.
        QVERIFY(r->rec->requestsFor(1, 0).at(0).entries().isEmpty());
        QCOMPARE(r->rec->requestsFor(1, 1).at(0).entries().size(), 1);
        QVERIFY(r->rec->requestsFor(1, 1).at(0).entries().at(0).startsWith(u"Pro="_s));
        const auto judge = r->rec->requestsFor(1, 2);
        QCOMPARE(judge.size(), 1);
        QCOMPARE(judge.at(0).entries().size(), 2);
        QVERIFY(judge.at(0).request.format.toObject().value(u"properties"_s).toObject().contains(u"settled"_s));
    }

    void adversarialRunsToFinalVerdict()
    {
        // Two debaters only: an implicit judge who cannot tell, so the last round forces a verdict.
        DebateConfig c;
        c.question = rt::test::arithmeticQuestion();
        c.format = FormatKind::Adversarial;
        c.maxRounds = 2;
        c.agents = { makeAgent(u"Pro"_s, kLlama), makeAgent(u"Con"_s, kQwen) };
        auto r = run({ u"--debate-accuracy"_s, u"llama3.2:1b=0,qwen3:0.6b=0"_s, u"--debate-persuadability"_s, u"*=0"_s }, c);
        QVERIFY(r);
        QVERIFY(r->rec->finished);
        QCOMPARE(r->rec->started.at(0).seats.size(), 3);
        RT_COMPARE_NAME(r->rec->started.at(0).seats.at(2).role, SeatRole::Judge);
        QVERIFY(r->rec->started.at(0).seats.at(2).implicit);
        QCOMPARE(r->rec->order(), (QStringList { u"0:turn"_s, u"1:turn"_s, u"2:verdict"_s, u"0:turn"_s, u"1:turn"_s, u"2:verdict"_s }));
        const QList<TurnRecord> verdicts = r->rec->turnsOfKind(TurnKind::Verdict);
        QCOMPARE(*verdicts.at(0).stance.settled, false);
        QCOMPARE(*verdicts.at(1).stance.settled, true);
        RT_COMPARE_NAME(r->rec->outcome.stopReason, StopReason::MaxRounds);
        QVERIFY(!r->rec->outcome.answer.isEmpty());
        const QString finalJudge = r->rec->requestsFor(2, 2).at(0).userText();
        QVERIFY(finalJudge.contains(u"This is the final round"_s));
        QVERIFY(finalJudge.contains(u"Round 1: "_s)); // the judge remembers round 1 as a summary
        // The proponent's round-2 prompt has the opponent's and the judge's round-1 turns.
        QCOMPARE(r->rec->requestsFor(2, 0).at(0).entries().size(), 3);
    }

    void councilRanksAnonymouslyWithoutSelfVotes()
    {
        DebateConfig c = threeAgents(FormatKind::Council);
        auto r = run({ u"--debate-accuracy"_s, u"llama3.2:1b=1,gemma3:1b=1,qwen3:0.6b=0"_s }, c);
        QVERIFY(r);
        QVERIFY(r->rec->finished);
        QCOMPARE(r->rec->order(),
            (QStringList { u"0:turn"_s, u"1:turn"_s, u"2:turn"_s, u"0:ranking"_s, u"1:ranking"_s, u"2:ranking"_s, u"3:synthesis"_s }));
        RT_COMPARE_NAME(r->rec->started.at(0).seats.at(3).role, SeatRole::Chair);
        // Rankings: no agent names, no model names, every response labelled.
        for (int seat = 0; seat < 3; ++seat) {
            const auto req = r->rec->requestsFor(2, seat);
            QCOMPARE(req.size(), 1);
            const QString all = req.at(0).allText();
            for (const QString &name : { u"Ada"_s, u"Bo"_s, u"Cy"_s, u"llama"_s, u"gemma"_s, u"qwen"_s, u"Chair"_s })
                QVERIFY2(!all.contains(name, Qt::CaseInsensitive), qPrintable(name + u" in: "_s + all));
            QCOMPARE(req.at(0).entries().size(), 3);
            for (const QString &label : { u"Response A"_s, u"Response B"_s, u"Response C"_s })
                QVERIFY(all.contains(u"["_s + label + u"]"_s));
            QVERIFY(!all.contains(u"(you)"_s));
        }
        // Borda with self-votes excluded: each of 3 rankers gives 1 point to its
        // best other response and 0 to the other one, 3 points in all.
        double total = 0;
        for (auto it = r->rec->outcome.ranking.constBegin(); it != r->rec->outcome.ranking.constEnd(); ++it)
            total += it.value().toDouble();
        QCOMPARE(total, 3.0);
        QCOMPARE(r->rec->outcome.ranking.size(), 3);
        // The chair sees names and the aggregated ranking.
        const QString chair = r->rec->requestsFor(3, 3).at(0).userText();
        QVERIFY(chair.contains(u"[Ada] answer:"_s));
        QVERIFY(chair.contains(u"Borda"_s));
        RT_COMPARE_NAME(r->rec->outcome.stopReason, StopReason::JudgeDecided);
        QCOMPARE(r->rec->outcome.answer, rt::test::arithmeticAnswer());
        QCOMPARE(r->rec->outcome.synthesisBy, u"Chair"_s);
    }

    void councilBordaUnit()
    {
        // Self-votes are dropped even when a member ranks itself first.
        DebateState s;
        s.config.question = u"q"_s;
        s.config.seed = 3;
        for (int i = 0; i < 3; ++i) {
            Seat seat;
            seat.index = i;
            seat.agent = makeAgent(u"M%1"_s.arg(i), kLlama);
            s.seats.append(seat);
        }
        const auto labels = CouncilFormat::labels(s);
        QCOMPARE(labels.size(), 3);
        QCOMPARE(CouncilFormat::labels(s), labels); // stable
        for (int ranker = 0; ranker < 3; ++ranker) {
            TurnRecord t;
            t.info.round = 2;
            t.info.seat = ranker;
            t.info.kind = TurnKind::Ranking;
            QString own, others;
            for (const auto &l : labels)
                (l.second == ranker ? own : others) += l.first + u'|';
            t.stance.ranking = (own + others).split(u'|', Qt::SkipEmptyParts); // itself first
            t.stance.source = Stance::Source::Schema;
            s.turns.append(t);
        }
        const QMap<int, double> points = CouncilFormat::borda(s);
        double total = 0;
        for (double p : points)
            total += p;
        QCOMPARE(total, 3.0);
        QCOMPARE(
            CouncilFormat::anonymise(s, u"M1 said llama3.2:1b is fine; m2 agrees"_s), u"a member said a member is fine; a member agrees"_s);
    }

    void voteSamplesWithoutEarlyStop()
    {
        DebateConfig c = threeAgents(FormatKind::Vote);
        c.maxRounds = 2;
        auto r = run({ u"--debate-accuracy"_s, u"*=1"_s }, c);
        QVERIFY(r);
        QVERIFY(r->rec->finished);
        QCOMPARE(r->rec->turns.size(), 6); // round 1 was unanimous, but samples are planned compute
        QCOMPARE(r->rec->outcome.rounds, 2);
        RT_COMPARE_NAME(r->rec->outcome.stopReason, StopReason::Unanimous);
        QVERIFY(r->rec->turnsOfKind(TurnKind::Synthesis).isEmpty());
        for (const auto &req : r->rec->requests) {
            QVERIFY(req.entries().isEmpty()); // nobody sees anybody
            QVERIFY(!req.userText().contains(u"Round "_s));
        }
        for (int seat = 0; seat < 3; ++seat)
            QVERIFY(*r->rec->requestsFor(1, seat).at(0).request.options.seed != *r->rec->requestsFor(2, seat).at(0).request.options.seed);
        for (const TurnRecord &t : r->rec->turns)
            QVERIFY(!t.changed);
        QCOMPARE(r->rec->snapshots.last().stances, 6);
    }

    void sameSeedSameTranscript()
    {
        DebateConfig c = threeAgents();
        c.consensusThreshold = 1.0;
        const QStringList sim { u"--debate-accuracy"_s, u"*=0.5"_s, u"--debate-persuadability"_s, u"*=0.5"_s };
        const auto transcript = [](const DebateRecorder &rec) {
            QStringList out;
            for (const TurnRecord &t : rec.turns)
                out.append(u"%1/%2/%3"_s.arg(t.info.seat).arg(t.info.round).arg(t.content));
            return out;
        };
        auto a = run(sim, c);
        auto b = run(sim, c);
        QVERIFY(a && b);
        QVERIFY(!a->rec->turns.isEmpty());
        QCOMPARE(transcript(*b->rec), transcript(*a->rec));
        QCOMPARE(b->rec->outcome.answer, a->rec->outcome.answer);
    }

    void freeTextGroupedByEmbeddings()
    {
        // A question the simulator does not know: free-text answers, grouped
        // through /api/embed when an embedding model is installed.
        DebateConfig c = threeAgents();
        c.question = u"Should a small team adopt microservices?"_s;
        c.maxRounds = 1;
        c.synthesis = false;
        auto r = run({}, c);
        QVERIFY(r);
        QVERIFY(r->rec->finished);
        QCOMPARE(r->rec->snapshots.size(), 1);
        QCOMPARE(r->rec->snapshots.at(0).method, u"embedding"_s);
        QVERIFY(r->sim->stats().value(u"by_path"_s).toObject().value(u"/api/embed"_s).toInt() >= 1);

        c.embeddingModel = u"none"_s;
        r = run({}, c);
        QVERIFY(r);
        QVERIFY(r->rec->finished);
        QCOMPARE(r->rec->snapshots.at(0).method, u"word-overlap"_s);
        QCOMPARE(r->sim->stats().value(u"by_path"_s).toObject().value(u"/api/embed"_s).toInt(), 0);
    }

    void refusesUnsuitableConfigurations()
    {
        MemoryDebateStore store;
        rt::llm::EndpointPool pool;
        DebateEngine engine(&pool, &store);
        DebateConfig c = threeAgents(FormatKind::Adversarial);
        c.agents.append(makeAgent(u"Dee"_s, kLlama));
        rt::Status s = engine.start(c);
        QVERIFY(!s);
        QCOMPARE(s.error().code, u"usage"_s);
        c = threeAgents();
        c.agents = { c.agents.at(0) };
        QVERIFY(!engine.start(c));
        c = threeAgents();
        c.maxRounds = 11;
        QVERIFY(!engine.start(c));
        c = threeAgents();
        c.agents[1].model.clear();
        QVERIFY(!engine.start(c)); // no model and no default
        c.defaultModel = kLlama;
        QVERIFY(engine.start(c));
        engine.stop();
    }
};

QTEST_GUILESS_MAIN(TestDebateFormats)
#include "tst_debateformats.moc"
