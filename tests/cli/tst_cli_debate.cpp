// `roundtable debate` and `roundtable eval` as a user runs them: against the
// simulator over HTTP, with a real SQLite database. Includes the crash test:
// the CLI is killed with SIGKILL in the middle of turns several times and
// `--resume` finishes the debate with no finished turn lost or duplicated.
#include "pgtest.h"
#include "simprocess.h"
#include "storage/debaterepository.h"
#include "tempdatabase.h"
#include "testpaths.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest/QTest>
#include <csignal>

using namespace Qt::StringLiterals;

namespace {
const QString kQuestion = u"What is the result of 27+12*24+28-13*1? Answer with a single number."_s;
const QString kAgents = u"Skeptic=llama3.2:1b,Pragmatist=gemma3:1b,Ethicist=qwen3:0.6b"_s;

struct Run {
    int code = -1;
    QString out;
    QString err;
};
} // namespace

class TestDebateCli final : public QObject {
    Q_OBJECT

    QTemporaryDir m_home;
    rt::test::SimProcess m_sim;

    QProcessEnvironment env() const
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(u"HOME"_s, m_home.path());
        e.insert(u"XDG_CONFIG_HOME"_s, m_home.path() + u"/config"_s);
        e.insert(u"XDG_DATA_HOME"_s, m_home.path() + u"/data"_s);
        e.remove(u"OLLAMA_HOST"_s);
        e.remove(u"ROUNDTABLE_DB"_s);
        return e;
    }

    Run run(const QStringList &command, const QStringList &args, const QUrl &host = {}, int timeoutMs = 60000) const
    {
        QProcess p;
        QStringList full = command;
        full << u"--ollama-host"_s << (host.isValid() ? host : m_sim.url()).toString() << args;
        p.setProcessEnvironment(env());
        p.start(rt::test::appPath(), full);
        Run r;
        if (!p.waitForFinished(timeoutMs)) {
            p.kill();
            p.waitForFinished();
        }
        r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = QString::fromUtf8(p.readAllStandardOutput());
        r.err = QString::fromUtf8(p.readAllStandardError());
        return r;
    }

    static QList<rt::storage::DebateTurn> storedTurns(const rt::test::TempDatabase &db, qint64 id)
    {
        auto opened = db.open();
        if (!opened.ok())
            return {};
        rt::storage::DebateRepository repo(*opened.value());
        auto turns = repo.turns(id);
        return turns.ok() ? *turns : QList<rt::storage::DebateTurn>();
    }
    static rt::storage::Debate storedDebate(const rt::test::TempDatabase &db, qint64 id)
    {
        auto opened = db.open();
        if (!opened.ok())
            return {};
        rt::storage::DebateRepository repo(*opened.value());
        auto d = repo.get(id);
        return d.ok() ? *d : rt::storage::Debate();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        QVERIFY2(
            m_sim.start({ u"--debate-accuracy"_s, u"llama3.2:1b=0.9,gemma3:1b=0.7,qwen3:0.6b=0.4"_s }), qPrintable(m_sim.errorString()));
    }

    void jsonDocumentAndDatabase()
    {
        rt::test::TempDatabase db;
        const Run r = run({ u"debate"_s },
            { u"--question"_s, kQuestion, u"--agents"_s, kAgents, u"--json"_s, u"--seed"_s, u"5"_s, u"--db"_s, db.dbArgument() });
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject doc = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(doc.value(u"status"_s).toString(), u"finished"_s);
        QCOMPARE(doc.value(u"exit_code"_s).toInt(), 0);
        const QJsonObject result = doc.value(u"result"_s).toObject();
        QVERIFY(!result.value(u"stop_reason"_s).toString().isEmpty());
        QCOMPARE(result.value(u"answer"_s).toString(), u"330"_s);
        QVERIFY(!result.value(u"synthesis"_s).toString().isEmpty());
        const QJsonArray turns = doc.value(u"turns"_s).toArray();
        const QJsonArray rounds = doc.value(u"rounds"_s).toArray();
        QCOMPARE(rounds.size(), result.value(u"rounds"_s).toInt());
        QCOMPARE(turns.size(), 3 * rounds.size() + 1);
        for (const QJsonValue &v : turns) {
            const QJsonObject t = v.toObject();
            QVERIFY(t.value(u"stance"_s).isObject());
            QVERIFY(t.value(u"parse_ok"_s).toBool());
            QVERIFY(!t.value(u"agent"_s).toString().isEmpty());
            QVERIFY(!t.value(u"colour"_s).toString().isEmpty());
        }
        QCOMPARE(doc.value(u"debate"_s).toObject().value(u"seats"_s).toArray().size(), 4);
        for (const QJsonValue &v : rounds)
            QVERIFY(v.toObject().contains(u"score"_s));

        // Everything is in the database too.
        const qint64 id = qint64(doc.value(u"debate"_s).toObject().value(u"debate_id"_s).toDouble());
        const rt::storage::Debate d = storedDebate(db, id);
        RT_COMPARE_ENUM(d.status, rt::storage::DebateStatus::Finished);
        QCOMPARE(d.stopReason, result.value(u"stop_reason"_s).toString());
        QCOMPARE(d.finalAnswer, u"330"_s);
        QVERIFY(d.consensusScore.has_value());
        QVERIFY(d.finishedAt.isValid());
        QCOMPARE(d.settings.value(u"outcome"_s).toObject().value(u"answer"_s).toString(), u"330"_s);
        const auto stored = storedTurns(db, id);
        QCOMPARE(stored.size(), turns.size());
        QVERIFY(stored.at(0).stance.isObject());
        QVERIFY(stored.at(0).confidence.has_value());
        QVERIFY(stored.at(0).metrics.evalCount.has_value());
    }

    void liveOutput()
    {
        rt::test::TempDatabase db;
        const Run r = run(
            { u"debate"_s }, { u"--question"_s, kQuestion, u"--agents"_s, kAgents, u"--rounds"_s, u"2"_s, u"--db"_s, db.dbArgument() });
        QVERIFY2(r.code == 0, qPrintable(r.err));
        for (const QString &needle :
            { u"Debate 1: "_s, u"Round 1 of 2"_s, u"▸ Skeptic [llama3.2:1b]"_s, u"  ↳ stance: "_s, u"Round 1 consensus: "_s,
                u"══ Result ══"_s, u"Answer:     330"_s, u"Stopped:    after "_s, u"Synthesis (Synthesizer): "_s, u"Saved as debate 1."_s })
            QVERIFY2(r.out.contains(needle), qPrintable(needle + u"\n"_s + r.out));
        QVERIFY(!r.out.contains(u"{\"argument\""_s)); // the argument is shown, not the JSON
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("no question") << QStringList { u"--agents"_s, kAgents } << u"--question"_s;
        QTest::newRow("unknown agent") << QStringList { u"--question"_s, u"q"_s, u"--agents"_s, u"Nobody"_s } << u"Known agents"_s;
        QTest::newRow("bad format") << QStringList { u"--question"_s, u"q"_s, u"--format"_s, u"brawl"_s } << u"--format"_s;
        QTest::newRow("too many rounds") << QStringList { u"--question"_s, u"q"_s, u"--rounds"_s, u"11"_s } << u"--rounds"_s;
        QTest::newRow("bad resume") << QStringList { u"--resume"_s, u"abc"_s } << u"--resume"_s;
        // (Agents without a model get the first installed chat model: tst_cli_hosts.)
        QTest::newRow("adversarial with four") << QStringList { u"--question"_s, u"q"_s, u"--format"_s, u"adversarial"_s, u"--model"_s,
            u"llama3.2:1b"_s, u"--agents"_s, u"Skeptic,Pragmatist,Ethicist,Judge"_s }
                                               << u"2 or 3 agents"_s;
    }
    void usageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        rt::test::TempDatabase db;
        const Run r = run({ u"debate"_s }, args << u"--db"_s << db.dbArgument());
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }

    void resumeUnknownOrFinished()
    {
        rt::test::TempDatabase db;
        Run r = run({ u"debate"_s }, { u"--resume"_s, u"999"_s, u"--db"_s, db.dbArgument() });
        QCOMPARE(r.code, 2);
        QVERIFY(!r.err.isEmpty());
        r = run({ u"debate"_s }, { u"--question"_s, kQuestion, u"--agents"_s, kAgents, u"--db"_s, db.dbArgument() });
        QCOMPARE(r.code, 0);
        r = run({ u"debate"_s }, { u"--resume"_s, u"1"_s, u"--db"_s, db.dbArgument() });
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(u"nothing to resume"_s), qPrintable(r.err));
    }

    void unreachableAndMissingModel()
    {
        rt::test::TempDatabase db;
        Run r = run({ u"debate"_s }, { u"--question"_s, kQuestion, u"--agents"_s, kAgents, u"--db"_s, db.dbArgument() },
            QUrl(u"http://127.0.0.1:9"_s));
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.contains(u"--resume 1"_s), qPrintable(r.err));
        RT_COMPARE_ENUM(storedDebate(db, 1).status, rt::storage::DebateStatus::Paused);
        r = run({ u"debate"_s },
            { u"--question"_s, kQuestion, u"--agents"_s, u"Skeptic,Pragmatist"_s, u"--model"_s, u"missing:1b"_s, u"--db"_s,
                db.dbArgument() });
        QCOMPARE(r.code, 4);
        QVERIFY2(r.err.contains(u"missing:1b"_s), qPrintable(r.err));
        // The paused debate resumes once Ollama is reachable.
        r = run({ u"debate"_s }, { u"--resume"_s, u"1"_s, u"--db"_s, db.dbArgument() });
        QVERIFY2(r.code == 0, qPrintable(r.err));
        RT_COMPARE_ENUM(storedDebate(db, 1).status, rt::storage::DebateStatus::Finished);
    }

    void ctrlCInterruptsResumably()
    {
        rt::test::TempDatabase db;
        QProcess p;
        p.setProcessEnvironment(env());
        p.start(rt::test::appPath(),
            { u"debate"_s, u"--ollama-host"_s, m_sim.url().toString(), u"--question"_s, kQuestion, u"--agents"_s,
                u"Skeptic=sim-slow:latest,Pragmatist=sim-slow:latest"_s, u"--db"_s, db.dbArgument() });
        QVERIFY(p.waitForStarted());
        QString out;
        QVERIFY(QTest::qWaitFor(
            [&] {
                out += QString::fromUtf8(p.readAllStandardOutput());
                return out.contains(u"▸ Skeptic"_s);
            },
            20000));
        QTest::qWait(400);
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 130);
        QVERIFY(QString::fromUtf8(p.readAllStandardError()).contains(u"--resume 1"_s));
        RT_COMPARE_ENUM(storedDebate(db, 1).status, rt::storage::DebateStatus::Interrupted);
        const auto turns = storedTurns(db, 1);
        QCOMPARE(turns.size(), 1);
        RT_COMPARE_ENUM(turns.at(0).status, rt::storage::TurnStatus::Interrupted); // the partial text is kept
        QVERIFY(!turns.at(0).content.isEmpty());
    }

    void interactiveNotesAndPause()
    {
        rt::test::SimProcess sim; // slow enough that the debate is still running when we type
        QVERIFY(sim.start({ u"--debate-accuracy"_s, u"*=1"_s, u"--tps"_s, u"100"_s }));
        rt::test::TempDatabase db;
        QProcess p;
        p.setProcessEnvironment(env());
        p.start(rt::test::appPath(),
            { u"debate"_s, u"--ollama-host"_s, sim.url().toString(), u"--question"_s, kQuestion, u"--agents"_s, kAgents, u"--interactive"_s,
                u"--db"_s, db.dbArgument() });
        QVERIFY(p.waitForStarted());
        QString out, errText;
        const auto read = [&] {
            out += QString::fromUtf8(p.readAllStandardOutput());
            errText += QString::fromUtf8(p.readAllStandardError());
        };
        QVERIFY(QTest::qWaitFor(
            [&] {
                read();
                return out.contains(u"Debate 1:"_s);
            },
            20000));
        p.write("/pause\nRemember operator precedence.\n");
        QVERIFY(QTest::qWaitFor(
            [&] {
                read();
                return errText.contains(u"Type /resume"_s);
            },
            20000));
        QVERIFY(QTest::qWaitFor(
            [&] {
                read();
                return out.contains(u"Moderator: Remember operator precedence."_s);
            },
            20000));
        const qsizetype turnsWhilePaused = out.count(u"↳"_s);
        QTest::qWait(300);
        read();
        QCOMPARE(out.count(u"↳"_s), turnsWhilePaused); // nothing happens while paused
        QCOMPARE(p.state(), QProcess::Running);
        p.write("/resume\n");
        QVERIFY(p.waitForFinished(30000));
        read();
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(errText.contains(u"Resumed."_s));
        QVERIFY(out.contains(u"══ Result ══"_s));
        bool found = false;
        for (const auto &t : storedTurns(db, 1))
            found = found || (t.kind == rt::storage::TurnKind::Interjection && t.content == u"Remember operator precedence."_s);
        QVERIFY(found);
    }

    void crashAndResume_data() { rt::test::addBackendRows(); }

    // kill -9 in the middle of turns, several times; --resume finishes the
    // debate; every turn is there exactly once.
    void crashAndResume()
    {
        rt::test::SimProcess sim;
        QVERIFY(sim.start({ u"--debate-accuracy"_s, u"*=0"_s, u"--debate-persuadability"_s, u"*=0"_s, u"--tps"_s, u"60"_s }));
        QFETCH(QString, backend);
        if (backend == u"postgresql"_s)
            RT_REQUIRE_POSTGRES();
        rt::test::TempDatabase db(backend);
        QVERIFY2(db.isValid(), qPrintable(db.error()));
        const QStringList start { u"debate"_s, u"--ollama-host"_s, sim.url().toString(), u"--db"_s, db.dbArgument(), u"--question"_s,
            kQuestion, u"--agents"_s, kAgents, u"--rounds"_s, u"3"_s, u"--consensus"_s, u"1"_s, u"--stall-rounds"_s, u"0"_s };
        const QStringList resume { u"debate"_s, u"--ollama-host"_s, sim.url().toString(), u"--db"_s, db.dbArgument(), u"--resume"_s,
            u"1"_s };
        const auto finishedTurns = [&] {
            int n = 0;
            for (const auto &t : storedTurns(db, 1))
                n += t.status == rt::storage::TurnStatus::Complete && t.kind != rt::storage::TurnKind::Repair ? 1 : 0;
            return n;
        };
        int kills = 0;
        int before = 0;
        for (int attempt = 0; attempt < 4; ++attempt) {
            QProcess p;
            p.setProcessEnvironment(env());
            p.start(rt::test::appPath(), attempt == 0 ? start : resume);
            QVERIFY(p.waitForStarted());
            // Wait until one more turn is durable and the next one is streaming, then kill.
            QString out;
            const bool midTurn = QTest::qWaitFor(
                [&] {
                    out += QString::fromUtf8(p.readAllStandardOutput());
                    const qsizetype done = out.count(u"↳"_s);
                    return done >= 1 && out.lastIndexOf(u"▸"_s) > out.lastIndexOf(u"↳"_s);
                },
                30000);
            if (p.state() != QProcess::Running || !midTurn)
                break;
            QTest::qWait(100 + 50 * attempt); // a turn takes about a second at 60 tokens per second
            ::kill(pid_t(p.processId()), SIGKILL);
            QVERIFY(p.waitForFinished(5000));
            QCOMPARE(p.exitStatus(), QProcess::CrashExit);
            ++kills;
            const int now = finishedTurns();
            QVERIFY2(now > before, qPrintable(u"no progress after kill %1"_s.arg(kills)));
            before = now;
        }
        QVERIFY2(kills >= 3, qPrintable(u"only %1 kills landed mid-debate"_s.arg(kills)));
        QVERIFY(sim.stats().value(u"client_closed_early"_s).toInt() >= kills); // each kill cut a reply short

        QProcess last;
        last.setProcessEnvironment(env());
        last.start(rt::test::appPath(), resume);
        QVERIFY(last.waitForFinished(120000));
        const QString out = QString::fromUtf8(last.readAllStandardOutput());
        QVERIFY2(last.exitCode() == 0, qPrintable(QString::fromUtf8(last.readAllStandardError())));
        QVERIFY(out.contains(u"Resuming: "_s));
        QVERIFY(out.contains(u"══ Result ══"_s));

        const rt::storage::Debate d = storedDebate(db, 1);
        RT_COMPARE_ENUM(d.status, rt::storage::DebateStatus::Finished);
        QCOMPARE(d.stopReason, u"max_rounds"_s);
        QMap<QString, int> seen;
        for (const auto &t : storedTurns(db, 1)) {
            if (t.status == rt::storage::TurnStatus::Complete && t.kind != rt::storage::TurnKind::Repair)
                seen[u"%1/%2/%3"_s.arg(rt::storage::toString(t.kind)).arg(t.round).arg(t.seat)] += 1;
        }
        QCOMPARE(seen.size(), 3 * 3 + 1); // 3 rounds of 3 agents, then the synthesis
        for (auto it = seen.cbegin(); it != seen.cend(); ++it)
            QVERIFY2(it.value() == 1, qPrintable(it.key()));
        auto opened = db.open();
        QVERIFY(opened.ok());
        rt::storage::DebateRepository repo(*opened.value());
        QCOMPARE(repo.rounds(1)->size(), 3);

        // One debate, one task: each --resume continued the interrupted task.
        const Run listed = run({ u"tasks"_s }, { u"list"_s, u"--json"_s, u"--db"_s, db.dbArgument() }, sim.url());
        QCOMPARE(listed.code, 0);
        const QJsonArray tasks = QJsonDocument::fromJson(listed.out.toUtf8()).object().value(u"tasks"_s).toArray();
        QCOMPARE(tasks.size(), 1);
        QCOMPARE(tasks.at(0)[u"kind"_s].toString(), u"debate"_s);
        QCOMPARE(tasks.at(0)[u"status"_s].toString(), u"succeeded"_s);
        QCOMPARE(tasks.at(0)[u"payload"_s][u"debate_id"_s].toInt(), 1);
    }

    void crashThenTasksResume_data() { rt::test::addBackendRows(); }

    // kill -9 in the middle of a turn: the debate's task is found interrupted,
    // and `roundtable tasks resume ID` finishes the debate.
    void crashThenTasksResume()
    {
        rt::test::SimProcess sim;
        QVERIFY(sim.start({ u"--debate-accuracy"_s, u"*=0"_s, u"--debate-persuadability"_s, u"*=0"_s, u"--tps"_s, u"60"_s }));
        QFETCH(QString, backend);
        if (backend == u"postgresql"_s)
            RT_REQUIRE_POSTGRES();
        rt::test::TempDatabase db(backend);
        QVERIFY2(db.isValid(), qPrintable(db.error()));
        QProcess p;
        p.setProcessEnvironment(env());
        p.start(rt::test::appPath(),
            { u"debate"_s, u"--ollama-host"_s, sim.url().toString(), u"--db"_s, db.dbArgument(), u"--question"_s, kQuestion, u"--agents"_s,
                kAgents, u"--rounds"_s, u"2"_s, u"--consensus"_s, u"1"_s, u"--stall-rounds"_s, u"0"_s, u"--no-synthesis"_s });
        QVERIFY(p.waitForStarted());
        QString out;
        QVERIFY(QTest::qWaitFor(
            [&] {
                out += QString::fromUtf8(p.readAllStandardOutput());
                return out.count(u"↳"_s) >= 1 && out.lastIndexOf(u"▸"_s) > out.lastIndexOf(u"↳"_s);
            },
            30000));
        ::kill(pid_t(p.processId()), SIGKILL);
        QVERIFY(p.waitForFinished(5000));

        Run listed = run({ u"tasks"_s }, { u"list"_s, u"--json"_s, u"--db"_s, db.dbArgument() }, sim.url());
        QCOMPARE(listed.code, 0);
        QJsonArray tasks = QJsonDocument::fromJson(listed.out.toUtf8()).object().value(u"tasks"_s).toArray();
        QCOMPARE(tasks.size(), 1);
        const QJsonObject task = tasks.at(0).toObject();
        QCOMPARE(task[u"kind"_s].toString(), u"debate"_s);
        QCOMPARE(task[u"status"_s].toString(), u"interrupted"_s);
        QVERIFY(task[u"resumable"_s].toBool());
        QCOMPARE(task[u"payload"_s][u"debate_id"_s].toInt(), 1);

        const Run resumed
            = run({ u"tasks"_s }, { u"resume"_s, QString::number(task[u"id"_s].toInt()), u"--db"_s, db.dbArgument() }, sim.url(), 120000);
        QVERIFY2(resumed.code == 0, qPrintable(resumed.err + resumed.out));
        QVERIFY2(resumed.out.contains(u"Debate 1 finished"_s), qPrintable(resumed.out));
        const rt::storage::Debate d = storedDebate(db, 1);
        RT_COMPARE_ENUM(d.status, rt::storage::DebateStatus::Finished);
        QMap<QString, int> seen;
        for (const auto &t : storedTurns(db, 1)) {
            if (t.status == rt::storage::TurnStatus::Complete && t.kind == rt::storage::TurnKind::Turn)
                seen[u"%1/%2"_s.arg(t.round).arg(t.seat)] += 1;
        }
        QCOMPARE(seen.size(), 2 * 3);
        for (auto it = seen.cbegin(); it != seen.cend(); ++it)
            QVERIFY2(it.value() == 1, qPrintable(it.key()));
        listed = run({ u"tasks"_s }, { u"list"_s, u"--json"_s, u"--db"_s, db.dbArgument() }, sim.url());
        tasks = QJsonDocument::fromJson(listed.out.toUtf8()).object().value(u"tasks"_s).toArray();
        QCOMPARE(tasks.size(), 1);
        QCOMPARE(tasks.at(0)[u"status"_s].toString(), u"succeeded"_s);
    }

    void evalBuiltin()
    {
        rt::test::TempDatabase db;
        Run r = run(
            { u"eval"_s }, { u"--agents"_s, kAgents, u"--questions"_s, u"builtin"_s, u"--limit"_s, u"4"_s, u"--db"_s, db.dbArgument() });
        QVERIFY2(r.code == 0, qPrintable(r.err));
        for (const QString &needle : { u"single "_s, u"vote "_s, u"debate "_s, u"accuracy"_s, u"calls"_s, u"position changes per round"_s,
                 u"describe the debate engine, not the quality of any real model"_s })
            QVERIFY2(r.out.contains(needle), qPrintable(needle + u"\n"_s + r.out));

        r = run({ u"eval"_s }, { u"--agents"_s, kAgents, u"--limit"_s, u"6"_s, u"--json"_s, u"--db"_s, db.dbArgument() });
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject report = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QVERIFY(report.value(u"simulated"_s).toBool());
        QVERIFY(!report.value(u"note"_s).toString().isEmpty());
        const QJsonObject modes = report.value(u"modes"_s).toObject();
        QCOMPARE(modes.value(u"single"_s).toObject().value(u"calls"_s).toInt(), 6);
        // The vote gets as many model calls as the debate used.
        QCOMPARE(
            modes.value(u"vote"_s).toObject().value(u"calls"_s).toInt(), modes.value(u"debate"_s).toObject().value(u"calls"_s).toInt());
        QCOMPARE(report.value(u"items"_s).toArray().size(), 18);
        for (const auto &m : { u"single"_s, u"vote"_s, u"debate"_s }) {
            QCOMPARE(modes.value(m).toObject().value(u"questions"_s).toInt(), 6);
            QVERIFY(modes.value(m).toObject().value(u"accuracy"_s).toDouble() > 0.0);
        }
    }

    // Equal model calls, exactly, whatever the format: the vote is sized from
    // the debate's actual calls, repairs included, with no cap.
    void evalEqualCallsPerFormat_data()
    {
        QTest::addColumn<QString>("format");
        for (const char *f : { "simultaneous", "round-robin", "adversarial", "council" })
            QTest::newRow(f) << QString::fromLatin1(f);
    }

    void evalEqualCallsPerFormat()
    {
        QFETCH(QString, format);
        rt::test::TempDatabase db;
        const Run r = run({ u"eval"_s },
            { u"--agents"_s, kAgents, u"--format"_s, format, u"--limit"_s, u"2"_s, u"--json"_s, u"--db"_s, db.dbArgument() });
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject report = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QHash<QString, int> debateCalls, voteCalls;
        for (const QJsonValue &v : report.value(u"items"_s).toArray()) {
            const QJsonObject item = v.toObject();
            if (item.value(u"mode"_s).toString() == u"debate"_s)
                debateCalls[item.value(u"id"_s).toString()] = item.value(u"calls"_s).toInt();
            else if (item.value(u"mode"_s).toString() == u"vote"_s)
                voteCalls[item.value(u"id"_s).toString()] = item.value(u"calls"_s).toInt();
        }
        QCOMPARE(debateCalls.size(), 2);
        QCOMPARE(voteCalls, debateCalls); // per question, not only in total
        for (int calls : std::as_const(debateCalls))
            QVERIFY(calls >= 3);
    }

    void evalCustomQuestions()
    {
        rt::test::TempDatabase db;
        const QString path = m_home.path() + u"/questions.jsonl"_s;
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"question\": \"Is 91 a prime number? Answer yes or no.\", \"answer\": \"no\"}\n"
                "{\"question\": \"What is the capital city of Australia? Answer with the city name only.\", \"answer\": \"Canberra\"}\n");
        f.close();
        Run r = run({ u"eval"_s }, { u"--agents"_s, kAgents, u"--questions"_s, path, u"--json"_s, u"--db"_s, db.dbArgument() });
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object().value(u"items"_s).toArray().size(), 6);
        r = run({ u"eval"_s }, { u"--agents"_s, kAgents, u"--questions"_s, m_home.path() + u"/none.json"_s, u"--db"_s, db.dbArgument() });
        QCOMPARE(r.code, 2);
    }
};

QTEST_GUILESS_MAIN(TestDebateCli)
#include "tst_cli_debate.moc"
