// roundtable debate: run (or resume) a multi-agent debate in the terminal.
#include "agents/agentregistry.h"
#include "agents/storageagentstore.h"
#include "agentselection.h"
#include "clicommon.h"
#include "commands.h"
#include "common/appsettings.h"
#include "common/translate.h"
#include "debate/debateengine.h"
#include "debate/debateformat.h"
#include "debate/debatejob.h"
#include "debate/storagedebatestore.h"
#include "llm/endpointpool.h"
#include "llm/ollamaerrors.h"
#include "llm/ollamahost.h"
#include "servecli.h"
#include "server/metricsservice.h"
#include "storagecli.h"
#include "tasks/storagetaskstore.h"
#include "tasks/taskmanager.h"
#include "taskscli.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSocketNotifier>
#include <QTimer>
#include <cstdio>
#include <functional>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace rt::cli {

namespace {

struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::cli::debate)
};

struct DebateOptions {
    QCommandLineOption question { u"question"_s, Tr::tr("The question to debate (required unless --resume)."), u"text"_s };
    QCommandLineOption agents { u"agents"_s,
        Tr::tr("Agents by name or id, comma-separated; NAME=MODEL sets the model "
               "(e.g. Skeptic=qwen3:0.6b,Pragmatist,Domain expert). Default: Proponent,Skeptic,Pragmatist."),
        u"list"_s };
    QCommandLineOption format { u"format"_s, Tr::tr("simultaneous (default), round-robin, adversarial, council or vote."), u"name"_s };
    QCommandLineOption rounds { u"rounds"_s, Tr::tr("Maximum rounds, 1-10 (default 3; for vote: answers per agent, default 1)."), u"n"_s };
    QCommandLineOption consensus { u"consensus"_s, Tr::tr("Stop when this share of confidence-weighted support agrees (default 0.8)."),
        u"share"_s };
    QCommandLineOption json { u"json"_s, Tr::tr("Print one JSON document with every turn, stance, round and the result at the end.") };
    QCommandLineOption resume { u"resume"_s, Tr::tr("Continue debate ID from its last finished turn."), u"id"_s };
    QCommandLineOption model { u"model"_s, Tr::tr("Model for agents that have none (default: the last model used)."), u"name"_s };
    QCommandLineOption seed { u"seed"_s, Tr::tr("Base seed, for repeatable debates."), u"n"_s };
    QCommandLineOption stall { u"stall-rounds"_s,
        Tr::tr("Stop when nobody changed position this many rounds in a row (default 1; 0 = never)."), u"n"_s };
    QCommandLineOption tokenBudget { u"token-budget"_s, Tr::tr("Stop after this many tokens (prompt + generated)."), u"n"_s };
    QCommandLineOption timeBudget { u"time-budget"_s, Tr::tr("Stop after this many seconds."), u"seconds"_s };
    QCommandLineOption agreement { u"agreement"_s, Tr::tr("Agreement intensity 0-10: how readily agents adopt others' views."), u"n"_s };
    QCommandLineOption numPredict { u"max-tokens"_s, Tr::tr("Upper bound on generated tokens per turn (default 1024)."), u"n"_s };
    QCommandLineOption embedding { u"embedding-model"_s,
        Tr::tr("Model for grouping free-text answers (default: any installed embedding model; \"none\")."), u"name"_s };
    QCommandLineOption noSynthesis { u"no-synthesis"_s, Tr::tr("Skip the synthesiser's summary at the end.") };
    QCommandLineOption parallel { u"parallel"_s,
        Tr::tr("Run the turns of a round that do not see each other at once, as the window does (each turn is printed when it ends).") };
    QCommandLineOption note { u"note"_s, Tr::tr("Moderator note added before the first turn (repeatable)."), u"text"_s };
    QCommandLineOption serve { u"serve"_s,
        Tr::tr("Serve /metrics, /health and a live view for remote viewers (the viewers link is printed) on this port while the debate "
               "runs (0 "
               "= any free port)."),
        u"port"_s };
    QCommandLineOption linger { u"linger"_s, Tr::tr("With --serve: keep serving this many seconds after the debate ends (default 0)."),
        u"seconds"_s };
    QCommandLineOption interactive { u"interactive"_s,
        Tr::tr("Read standard input while the debate runs: each line is a moderator note added between "
               "turns; /pause, /resume and /stop control the debate.") };
};

// Lines typed (or piped) on standard input while the debate runs.
class StdinLines final : public QObject {
public:
    explicit StdinLines(QObject *parent = nullptr)
        : QObject(parent)
        , m_notifier(STDIN_FILENO, QSocketNotifier::Read, this)
    {
        connect(&m_notifier, &QSocketNotifier::activated, this, [this] {
            char buf[4096];
            const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
            if (n <= 0) { // end of input: stop listening, the debate goes on
                m_notifier.setEnabled(false);
                return;
            }
            m_pending.append(buf, n);
            qsizetype nl;
            while ((nl = m_pending.indexOf('\n')) >= 0) {
                const QString line = QString::fromUtf8(m_pending.left(nl)).trimmed();
                m_pending.remove(0, nl + 1);
                if (!line.isEmpty() && m_onLine)
                    m_onLine(line);
            }
        });
    }
    void onLine(std::function<void(const QString &)> fn) { m_onLine = std::move(fn); }

private:
    QSocketNotifier m_notifier;
    QByteArray m_pending;
    std::function<void(const QString &)> m_onLine;
};

struct Printer {
    bool json = false;
    bool lineOpen = false;
    int attempt = 1;

    void closeLine()
    {
        if (lineOpen) {
            out(u"\n"_s);
            lineOpen = false;
        }
    }
};

QString percent(double v)
{
    return QString::number(v, 'f', 2);
}

QString stanceLine(const rt::debate::TurnRecord &t)
{
    using namespace rt::debate;
    if (t.info.kind == TurnKind::Ranking)
        return Tr::tr("ranking: %1").arg(t.stance.ranking.join(u" > "_s));
    if (t.info.kind == TurnKind::Verdict && t.stance.settled) {
        if (*t.stance.settled) {
            //: A judge's verdict: %1 is the winning agent, %2 the answer
            return Tr::tr("verdict: settled · winner %1 · answer %2").arg(t.stance.winner, t.stance.answer);
        }
        //: A judge's verdict: %1 is the agent judged best, %2 the answer
        return Tr::tr("verdict: not settled · winner %1 · answer %2").arg(t.stance.winner, t.stance.answer);
    }
    if (!t.stance.hasAnswer())
        return Tr::tr("no stance");
    // The parts of the line, joined by " · ".
    //: %1 is the answer an agent took
    QStringList parts { Tr::tr("stance: %1").arg(t.stance.answer.simplified()) };
    if (t.stance.confidence) {
        //: %1 is the agent's confidence, a number from 0.00 to 1.00
        parts.append(Tr::tr("confidence %1").arg(percent(*t.stance.confidence)));
    }
    if (t.changed) {
        //: The agent changed its position in this turn
        parts.append(Tr::tr("changed"));
    }
    if (!t.stance.parseOk())
        parts.append(u"(%1)"_s.arg(rt::debate::Stance::sourceName(t.stance.source)));
    return parts.join(u" · "_s);
}

int exitCodeForError(const QString &code)
{
    // A debate that cannot be resumed or found was named wrongly: a usage error.
    if (code == u"not_resumable"_s || code == u"not_found"_s)
        return ExitUsage;
    return exitCodeForErrorCode(code);
}

} // namespace

int runDebate(const QStringList &arguments)
{
    using namespace rt::debate;
    QCommandLineParser parser;
    parser.setApplicationDescription(Tr::tr("Seat several agents at one table and let them debate a question. Prints the debate "
                                            "as it happens, then the consensus. Every finished turn is saved, so an interrupted "
                                            "debate can be continued with --resume ID."));
    CommonOptions common;
    common.addTo(parser, true);
    const DebateOptions o;
    parser.addOptions({ o.question, o.agents, o.format, o.rounds, o.consensus, o.json, o.resume, o.model, o.seed, o.stall, o.tokenBudget,
        o.timeBudget, o.agreement, o.numPredict, o.embedding, o.noSynthesis, o.parallel, o.note, o.interactive, o.serve, o.linger });
    const ServeOptions serveOptions;
    serveOptions.addTo(parser);
    if (!parseOrExplain(parser, arguments))
        return ExitUsage;
    common.apply(parser);
    int servePort = -1;
    double lingerSeconds = 0;
    if (!readNumber(parser, o.serve, 0, 65535, [&](double v) { servePort = int(v); })
        || !readNumber(parser, o.linger, 0, 86400, [&](double v) { lingerSeconds = v; }))
        return ExitUsage;
    const bool resuming = parser.isSet(o.resume);

    qint64 resumeId = 0;
    if (resuming) {
        bool ok = false;
        resumeId = parser.value(o.resume).toLongLong(&ok);
        if (!ok || resumeId <= 0) {
            err(Tr::tr("--resume needs a debate id, e.g. --resume 12 (roundtable history list shows them)."));
            return ExitUsage;
        }
        // A resumed debate keeps the settings it was started with.
        QStringList ignored;
        for (const QCommandLineOption *option : { &o.question, &o.agents, &o.format, &o.rounds, &o.consensus, &o.model, &o.seed, &o.stall,
                 &o.tokenBudget, &o.timeBudget, &o.agreement, &o.numPredict, &o.embedding, &o.noSynthesis }) {
            if (parser.isSet(*option))
                ignored.append(u"--"_s + option->names().constFirst());
        }
        if (!ignored.isEmpty())
            //: %1 lists options, such as --rounds, --format
            err(Tr::tr("Note: %1 ignored; a resumed debate keeps its own settings.").arg(ignored.join(u", "_s)));
    } else if (parser.value(o.question).trimmed().isEmpty()) {
        err(Tr::tr(
            "Missing --question TEXT, e.g. roundtable debate --question \"Is 91 prime?\" --agents Skeptic,Pragmatist --model llama3.2:1b"));
        return ExitUsage;
    }

    DebateConfig config;
    if (!resuming) {
        config.question = parser.value(o.question).trimmed();
        if (parser.isSet(o.format)) {
            const auto kind = parseFormatKind(parser.value(o.format));
            if (!kind) {
                err(Tr::tr("Unknown --format \"%1\": use simultaneous, round-robin, adversarial, council or vote.")
                        .arg(parser.value(o.format)));
                return ExitUsage;
            }
            config.format = *kind;
        }
        config.maxRounds = config.format == FormatKind::Vote ? 1 : 3;
        if (!readNumber(parser, o.rounds, 1, DebateConfig::kRoundCap, [&](double v) { config.maxRounds = int(v); })
            || !readNumber(parser, o.consensus, 0.01, 1, [&](double v) { config.consensusThreshold = v; })
            || !readNumber(parser, o.seed, 0, 9e15, [&](double v) { config.seed = qint64(v); })
            || !readNumber(parser, o.stall, 0, DebateConfig::kRoundCap, [&](double v) { config.stallRounds = int(v); })
            || !readNumber(parser, o.tokenBudget, 1, 1e12, [&](double v) { config.tokenBudget = qint64(v); })
            || !readNumber(parser, o.timeBudget, 0.1, 1e7, [&](double v) { config.timeBudgetMs = qint64(v * 1000); })
            || !readNumber(parser, o.agreement, 0, 10, [&](double v) { config.agreementIntensity = int(v); })
            || !readNumber(parser, o.numPredict, 16, 1e6, [&](double v) { config.numPredictCap = int(v); }))
            return ExitUsage;
        config.synthesis = !parser.isSet(o.noSynthesis);
        config.embeddingModel = parser.value(o.embedding).trimmed();
    }
    const std::unique_ptr<rt::llm::EndpointPool> pool = common.makePool(parser);
    QString defaultModelSource;

    int exitCode = ExitOk;
    std::unique_ptr<rt::storage::Storage> storage = openStorage(parser.value(common.db), true, &exitCode);
    if (!storage)
        return exitCode;

    if (!resuming) {
        rt::agents::AgentRegistry registry(std::make_unique<rt::agents::StorageAgentStore>(*storage));
        if (const rt::Status loaded = await(registry.loadAsync()); !loaded)
            return fail(loaded.error());
        const QString list = parser.isSet(o.agents) ? parser.value(o.agents) : u"Proponent,Skeptic,Pragmatist"_s;
        rt::Result<QList<rt::agents::Agent>> agents = resolveAgents(registry, list);
        if (!agents)
            return fail(agents.error());
        config.agents = *agents;
        const rt::Result<DefaultModelChoice> fallback = chooseDefaultModel(config.agents, parser.value(o.model), *pool);
        if (!fallback) {
            err(fallback.error().message);
            return exitCodeForError(fallback.error().code);
        }
        config.defaultModel = fallback->model;
        defaultModelSource = fallback->source;
        if (const QString problem = config.validate(); !problem.isEmpty()) {
            err(problem);
            return ExitUsage;
        }
    }

    const bool jsonOutput = parser.isSet(o.json);
    if (!resuming) {
        // What the format would refuse is a usage error, before anything is stored.
        DebateConfig check = config;
        for (rt::agents::Agent &a : check.agents) {
            if (a.model.trimmed().isEmpty())
                a.model = check.defaultModel;
        }
        if (rt::Result<QList<Seat>> seats = DebateFormat::create(check.format)->arrange(check); !seats) {
            err(seats.error().message);
            return exitCodeForError(seats.error().code);
        }
    }

    // The debate runs as a task (kind "debate"): `roundtable tasks` lists it, a
    // killed run is found interrupted, and `tasks resume` or --resume continues it.
    StorageDebateStore store(storage.get());
    rt::tasks::TaskManager tasks(std::make_unique<rt::tasks::StorageTaskStore>(*storage));
    // With --serve, every request, turn and write of this debate is measured
    // (the engine takes the registry from the pool, so attach before the job).
    std::unique_ptr<rt::server::MetricsService> metrics;
    if (servePort >= 0) {
        metrics = std::make_unique<rt::server::MetricsService>();
        metrics->attach(pool.get(), storage.get(), &tasks);
        if (const int started = startServing(*metrics, parser, serveOptions, servePort, true); started != ExitOk)
            return started;
        pool->startHealthChecks(); // /health and the loaded-model gauges stay current
    }
    registerResumers(tasks, *pool, nullptr, &store);
    const rt::Status restored = await(tasks.restore());
    if (!restored)
        err(Tr::tr("The task list could not be read (%1); the debate runs all the same.").arg(restored.error().message));
    rt::debate::DebateJob *job = nullptr;
    if (resuming && restored) {
        // An interrupted task of this debate continues as that task.
        for (const rt::tasks::TaskInfo &t : tasks.interruptedTasks()) {
            if (t.kind == rt::debate::DebateJob::Kind && qint64(t.payload.value(rt::debate::DebateJob::DebateIdKey).toDouble()) == resumeId
                && tasks.resume(t.id).ok()) {
                job = qobject_cast<rt::debate::DebateJob *>(tasks.job(t.id));
                break;
            }
        }
    }
    std::unique_ptr<rt::debate::DebateJob> fresh;
    if (!job) {
        fresh = resuming ? std::make_unique<rt::debate::DebateJob>(pool.get(), &store, resumeId)
                         : std::make_unique<rt::debate::DebateJob>(pool.get(), &store, config);
        job = fresh.get();
    }
    DebateEngine &engine = *job->engine();
    const bool parallelTurns = parser.isSet(o.parallel);
    engine.setConcurrentTurns(parallelTurns);
    engine.setDefaultModelSource(defaultModelSource);
    // What the result needs, kept when the debate ends (the task then lets its job go).
    DebateState finalState;
    DebateOutcome finalOutcome;
    DebateEngine::State finalKind = DebateEngine::State::Idle;
    const auto remember = [&] {
        finalState = engine.debate();
        finalOutcome = engine.outcome();
        finalKind = engine.state();
    };
    QObject::connect(&engine, &DebateEngine::debateFinished, &engine, remember);
    QObject::connect(&engine, &DebateEngine::debateFailed, &engine, remember);
    QObject::connect(&engine, &DebateEngine::debatePaused, &engine, remember);
    QObject::connect(&engine, &DebateEngine::debateInterrupted, &engine, remember);
    InterruptWatcher interrupts;
    OutputFlusher flusher;
    Printer printer;
    printer.json = jsonOutput;
    DebateInfo started;
    QJsonArray noteArray;
    QString pauseReason;
    const bool interactive = parser.isSet(o.interactive);
    std::unique_ptr<StdinLines> stdinLines;
    if (interactive) {
        stdinLines = std::make_unique<StdinLines>();
        stdinLines->onLine([&](const QString &line) {
            if (line == u"/pause"_s)
                engine.pause();
            else if (line == u"/resume"_s)
                engine.resume();
            else if (line == u"/stop"_s)
                engine.stop();
            else if (line.startsWith(u'/'))
                err(Tr::tr("Unknown command %1: use /pause, /resume or /stop; any other line is a moderator note.").arg(line));
            else
                engine.interject(line);
        });
    }

    QObject::connect(&interrupts, &InterruptWatcher::interrupted, &engine, [&] {
        if (engine.state() != DebateEngine::State::Running && engine.state() != DebateEngine::State::Paused) {
            exitCode = ExitCancelled;
            QCoreApplication::exit(exitCode);
            return;
        }
        if (interrupts.count() > 1) {
            err(Tr::tr("Interrupted again; quitting now."));
            std::_Exit(ExitCancelled);
        }
        printer.closeLine();
        err(Tr::tr("Interrupting: the turn in progress is kept as partial. Press Ctrl-C again to quit at once."));
        engine.interrupt();
    });

    QObject::connect(&engine, &DebateEngine::debateStarted, &engine, [&](const DebateInfo &info) {
        started = info;
        for (const QString &n : parser.values(o.note))
            engine.interject(n);
        if (jsonOutput)
            return;
        //: %1 is the debate id, %2 the question
        outLine(Tr::tr("Debate %1: %2").arg(info.debateId).arg(info.question));
        //: %1 is the debate format (not translated), %2 the consensus threshold (0.00 to 1.00)
        outLine(Tr::tr("Format: %1 · up to %n round(s) · consensus at %2", nullptr, info.maxRounds)
                    .arg(toString(info.format))
                    .arg(percent(info.threshold)));
        QStringList seats;
        for (const Seat &s : info.seats) {
            QString seat = u"%1 (%2"_s.arg(s.agent.name, s.agent.model);
            if (s.role != SeatRole::Debater)
                seat += u", "_s + toString(s.role);
            seats.append(seat + u')');
        }
        //: %1 lists the agents with their models and roles
        outLine(Tr::tr("Seats: %1").arg(seats.join(u", "_s)));
        if (info.resumed)
            outLine(Tr::tr("Resuming: %n turn(s) already finished.", nullptr, info.finishedTurns));
        flushOut();
    });
    QObject::connect(&engine, &DebateEngine::roundStarted, &engine, [&](const RoundInfo &info) {
        if (jsonOutput)
            return;
        printer.closeLine();
        if (info.phase == u"synthesis"_s)
            outLine(u"\n── "_s + Tr::tr("Conclusion") + u" ──"_s);
        else
            //: %3 is the round's phase (not translated)
            outLine(u"\n── "_s + Tr::tr("Round %1 of %2 (%3)").arg(info.round).arg(info.maxRounds).arg(info.phase) + u" ──"_s);
    });
    const auto turnHead = [](const TurnInfo &t) {
        QString head = u"▸ %1 [%2]"_s.arg(t.agentName, t.model);
        if (t.kind != TurnKind::Turn)
            head += u" "_s + toString(t.kind);
        return head;
    };
    QObject::connect(&engine, &DebateEngine::turnStarted, &engine, [&](const TurnInfo &t) {
        printer.attempt = 1;
        if (jsonOutput || parallelTurns) // side by side: each turn is printed whole when it ends
            return;
        printer.closeLine();
        outLine(turnHead(t));
        flushOut();
    });
    QObject::connect(&engine, &DebateEngine::tokenDelta, &engine, [&](const TokenDelta &d) {
        if (jsonOutput || parallelTurns)
            return;
        if (d.attempt != printer.attempt) {
            printer.attempt = d.attempt;
            printer.closeLine();
            //: The model is asked again for the same turn; its new reply follows on the same line
            out(Tr::tr("  (asked again) "));
        }
        if (!d.text.isEmpty()) {
            out(d.text);
            printer.lineOpen = true;
        }
    });
    QObject::connect(&engine, &DebateEngine::turnFinished, &engine, [&](const TurnRecord &t) {
        if (jsonOutput)
            return;
        if (parallelTurns)
            outLine(turnHead(t.info));
        if (!printer.lineOpen && !t.text.isEmpty()) {
            out(t.text); // nothing visible streamed, but the parsed reply has text
            printer.lineOpen = true;
        }
        printer.closeLine();
        QString line = u"  ↳ "_s + stanceLine(t);
        if (t.status != TurnStatus::Complete)
            line += u" · "_s + toString(t.status);
        outLine(line);
        flushOut();
    });
    QObject::connect(&engine, &DebateEngine::consensusUpdated, &engine, [&](const ConsensusSnapshot &s) {
        if (jsonOutput)
            return;
        QStringList groups;
        for (const AnswerGroup &g : s.groups)
            groups.append(u"%1 ×%2"_s.arg(g.answer).arg(g.seats.size()));
        QString text;
        if (s.flips > 0) {
            //: %1 is the round, %2 the support (0.00 to 1.00) for the leading answer %3, %4 the answers with their votes;
            //: %n agents changed their position
            text = Tr::tr("Round %1 consensus: %2 on \"%3\" (%4) · %n changed position", nullptr, s.flips);
        } else {
            //: %1 is the round, %2 the support (0.00 to 1.00) for the leading answer %3, %4 the answers with their votes
            text = Tr::tr("Round %1 consensus: %2 on \"%3\" (%4)");
        }
        outLine(text.arg(s.round).arg(percent(s.score)).arg(s.leadingAnswer, groups.join(u", "_s)));
        flushOut();
    });
    QObject::connect(&engine, &DebateEngine::noteAdded, &engine, [&](const DebateNote &n) {
        noteArray.append(n.toJson());
        if (jsonOutput)
            return;
        printer.closeLine();
        if (n.kind == NoteKind::Interjection)
            //: %1 is a note the moderator added
            outLine(Tr::tr("  ✎ Moderator: %1").arg(n.text));
        else
            outLine(Tr::tr("  ! %1").arg(n.text));
        flushOut();
    });
    QObject::connect(&engine, &DebateEngine::debatePaused, &engine, [&](const PauseInfo &p) {
        pauseReason = p.reason;
        printer.closeLine();
        err(p.message);
        if (interactive) {
            err(Tr::tr("Paused. Type /resume to continue or /stop to end the debate."));
            return;
        }
        // Nobody can press resume: leave the debate paused and say how to go on.
        err(Tr::tr("Continue later with: roundtable debate --resume %1").arg(p.debateId));
        exitCode = p.reason == u"unreachable"_s ? ExitUnreachable : exitCodeForError(p.errorCode);
        if (exitCode == ExitOk || exitCode == ExitUsage)
            exitCode = ExitFailure;
        QCoreApplication::exit(exitCode);
    });
    QObject::connect(&engine, &DebateEngine::debateResumed, &engine, [&](qint64) {
        pauseReason.clear();
        if (!jsonOutput)
            err(Tr::tr("Resumed."));
    });
    QObject::connect(&engine, &DebateEngine::debateInterrupted, &engine, [&](qint64 id) {
        printer.closeLine();
        err(Tr::tr("Debate %1 interrupted. Continue with: roundtable debate --resume %1").arg(id));
        exitCode = ExitCancelled;
        QCoreApplication::exit(exitCode);
    });
    QObject::connect(&engine, &DebateEngine::debateFailed, &engine, [&](const DebateOutcome &outcome) {
        printer.closeLine();
        err(Tr::tr("The debate failed: %1").arg(outcome.error.message));
        exitCode = exitCodeForError(outcome.error.code);
        if (exitCode == ExitOk)
            exitCode = ExitFailure;
        QCoreApplication::exit(exitCode);
    });
    QObject::connect(&engine, &DebateEngine::debateFinished, &engine, [&](const DebateOutcome &r) {
        exitCode = ExitOk;
        if (jsonOutput) {
            QCoreApplication::exit(exitCode);
            return;
        }
        printer.closeLine();
        outLine(u"\n══ "_s + Tr::tr("Result") + u" ══"_s);
        outLine(Tr::tr("Answer:     %1").arg(r.answer.isEmpty() ? Tr::tr("(none)") : r.answer));
        if (r.tie) {
            //: %1 is the support for the answer, %2 the threshold (both 0.00 to 1.00); the answers tied
            outLine(Tr::tr("Consensus:  %1 (threshold %2) · tie").arg(percent(r.score), percent(started.threshold)));
        } else {
            //: %1 is the support for the answer, %2 the threshold (both 0.00 to 1.00)
            outLine(Tr::tr("Consensus:  %1 (threshold %2)").arg(percent(r.score), percent(started.threshold)));
        }
        //: %1 is why the debate stopped. Keep the labels of the result lines aligned.
        outLine(Tr::tr("Stopped:    %1").arg(r.stopDetail));
        outLine(Tr::tr("Confidence: %1 (mean)").arg(percent(r.meanConfidence)));
        if (!r.verdictWinner.isEmpty())
            outLine(Tr::tr("Verdict:    %1").arg(r.verdictWinner));
        if (!r.ranking.isEmpty()) {
            QStringList points;
            for (auto it = r.ranking.constBegin(); it != r.ranking.constEnd(); ++it)
                points.append(u"%1 %2"_s.arg(it.key()).arg(it.value().toDouble()));
            //: %1 lists agents with their points
            outLine(Tr::tr("Peer ranking (Borda): %1").arg(points.join(u", "_s)));
        }
        for (const Dissent &d : r.dissent) {
            //: %1 is an agent name, %2 its answer
            QString line = Tr::tr("Dissent:    %1: %2").arg(d.agentName, d.answer);
            if (!d.reasons.isEmpty())
                line += u" — "_s + d.reasons.join(u"; "_s);
            outLine(line);
        }
        if (!r.synthesis.isEmpty())
            //: %1 is the agent who wrote the summary, %2 the summary
            outLine(Tr::tr("Synthesis (%1): %2").arg(r.synthesisBy, r.synthesis));
        QStringList flips;
        for (int f : r.flipsPerRound)
            flips.append(QString::number(f));
        //: %n model requests; %1 and %2 token counts, %3 seconds, %4 the number of agents that changed position in each round
        outLine(Tr::tr(
            "Cost:       %n model call(s) · %1 prompt + %2 generated tokens · %3 s · position changes per round: %4", nullptr, r.calls)
                    .arg(r.promptTokens)
                    .arg(r.evalTokens)
                    .arg(double(r.durationMs) / 1000.0, 0, 'f', 1)
                    .arg(flips.isEmpty() ? u"-"_s : flips.join(u" "_s)));
        outLine(Tr::tr("Saved as debate %1.").arg(r.debateId));
        flushOut();
        QCoreApplication::exit(exitCode);
    });

    // A task that ends without the engine saying so (it could not start).
    qint64 taskId = 0;
    bool ended = false;
    QObject::connect(&engine, &DebateEngine::debateFinished, &tasks, [&] { ended = true; });
    QObject::connect(&engine, &DebateEngine::debateFailed, &tasks, [&] { ended = true; });
    QObject::connect(&engine, &DebateEngine::debateInterrupted, &tasks, [&] { ended = true; });
    // Queued: the task finishes from inside the engine's last signal, before
    // the handlers above have seen it.
    QObject::connect(
        &tasks, &rt::tasks::TaskManager::taskFinished, &tasks,
        [&](const rt::tasks::TaskInfo &t) {
            if (t.id != taskId || ended)
                return;
            err(t.error.isEmpty() ? Tr::tr("The debate could not start.") : t.error);
            exitCode = ExitFailure;
            QCoreApplication::exit(exitCode);
        },
        Qt::QueuedConnection);
    if (fresh) {
        const QString title = resuming ? Tr::tr("Debate %1").arg(resumeId) : rt::debate::DebateJob::title(config.question);
        const rt::Result<qint64> submitted = await(tasks.submit(rt::debate::DebateJob::Kind, title, std::move(fresh)));
        if (!submitted) {
            err(Tr::tr("The debate could not be started as a task: %1").arg(submitted.error().message));
            return ExitFailure;
        }
        taskId = *submitted;
    } else {
        for (const rt::tasks::TaskInfo &t : tasks.tasks()) {
            if (tasks.job(t.id) == job)
                taskId = t.id;
        }
    }
    QCoreApplication::exec();
    if (metrics && lingerSeconds > 0 && exitCode != ExitCancelled) {
        flushOut();
        //: The local server keeps serving after the debate ended
        err(Tr::tr("Serving for %n more second(s); Ctrl-C stops.", nullptr, int(lingerSeconds)));
        QTimer::singleShot(int(lingerSeconds * 1000), &interrupts, [] { QCoreApplication::exit(0); });
        QObject::connect(&interrupts, &InterruptWatcher::interrupted, &interrupts, [] { QCoreApplication::exit(0); });
        QCoreApplication::exec();
    }

    if (jsonOutput) {
        const DebateState &state = finalState;
        QJsonArray turns;
        for (const TurnRecord &t : state.turns)
            turns.append(t.toJson());
        QJsonArray rounds;
        for (const ConsensusSnapshot &s : state.rounds)
            rounds.append(s.toJson());
        QJsonObject doc { { u"debate"_s, started.toJson() },
            { u"status"_s,
                toString(finalKind == DebateEngine::State::Finished     ? DebateStatus::Finished
                        : finalKind == DebateEngine::State::Paused      ? DebateStatus::Paused
                        : finalKind == DebateEngine::State::Interrupted ? DebateStatus::Interrupted
                                                                        : DebateStatus::Failed) },
            { u"turns"_s, turns }, { u"rounds"_s, rounds }, { u"notes"_s, noteArray }, { u"exit_code"_s, exitCode } };
        if (finalKind == DebateEngine::State::Finished || finalKind == DebateEngine::State::Failed)
            doc.insert(u"result"_s, finalOutcome.toJson());
        if (!pauseReason.isEmpty())
            doc.insert(u"paused"_s, pauseReason);
        outLine(QString::fromUtf8(QJsonDocument(doc).toJson(QJsonDocument::Indented)));
        flushOut();
    }
    return exitCode;
}

} // namespace rt::cli
