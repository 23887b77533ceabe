// roundtable eval: single agent vs vote vs debate on questions with known answers.
#include "agents/agentregistry.h"
#include "agents/storageagentstore.h"
#include "agentselection.h"
#include "clicommon.h"
#include "commands.h"
#include "common/appsettings.h"
#include "common/translate.h"
#include "debate/evalrunner.h"
#include "llm/endpointpool.h"
#include "llm/ollamaclient.h"
#include "llm/ollamaerrors.h"
#include "storagecli.h"
#include "taskscli.h"

#include <QCoreApplication>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace rt::cli {

namespace {

struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::cli::eval)
};

QString padded(const QString &s, int width)
{
    return s.leftJustified(width);
}

} // namespace

int runEval(const QStringList &arguments)
{
    using namespace rt::debate;
    QCommandLineParser parser;
    parser.setApplicationDescription(Tr::tr("Answer a set of questions with known answers three ways: the first agent alone, a vote "
                                            "of independent answers using as many model calls as the debate, and the debate. Prints "
                                            "accuracy, model calls, rounds, tokens and position changes per round, so you can judge "
                                            "debate on your own models."));
    CommonOptions common;
    common.addTo(parser, true);
    const QCommandLineOption agentsOpt(u"agents"_s,
        Tr::tr("Agents by name, comma-separated; NAME=MODEL sets the model (default Proponent,Skeptic,Pragmatist)."), u"list"_s);
    const QCommandLineOption questionsOpt(
        u"questions"_s, Tr::tr("Question file (JSON or JSON lines with question and answer), or builtin (default)."), u"file"_s);
    const QCommandLineOption formatOpt(u"format"_s, Tr::tr("Debate format (default simultaneous)."), u"name"_s);
    const QCommandLineOption roundsOpt(u"rounds"_s, Tr::tr("Maximum debate rounds (default 3)."), u"n"_s);
    const QCommandLineOption consensusOpt(u"consensus"_s, Tr::tr("Consensus threshold (default 0.8)."), u"share"_s);
    const QCommandLineOption modelOpt(u"model"_s, Tr::tr("Model for agents that have none."), u"name"_s);
    const QCommandLineOption seedOpt(u"seed"_s, Tr::tr("Base seed (default 1)."), u"n"_s);
    const QCommandLineOption limitOpt(u"limit"_s, Tr::tr("Only the first N questions."), u"n"_s);
    const QCommandLineOption jsonOpt(u"json"_s, Tr::tr("Print the report as JSON."));
    parser.addOptions({ agentsOpt, questionsOpt, formatOpt, roundsOpt, consensusOpt, modelOpt, seedOpt, limitOpt, jsonOpt });
    if (!parseOrExplain(parser, arguments))
        return ExitUsage;
    common.apply(parser);

    DebateConfig base;
    base.question = u"?"_s;
    base.synthesis = false; // the answer is the consensus; a summary would only add calls
    base.seed = 1;
    if (parser.isSet(formatOpt)) {
        const auto kind = parseFormatKind(parser.value(formatOpt));
        if (!kind || *kind == FormatKind::Vote) {
            err(Tr::tr("--format must be simultaneous, round-robin, adversarial or council (vote is always run as the baseline)."));
            return ExitUsage;
        }
        base.format = *kind;
    }
    bool ok = true;
    if (parser.isSet(roundsOpt))
        base.maxRounds = parser.value(roundsOpt).toInt(&ok);
    if (ok && parser.isSet(consensusOpt))
        base.consensusThreshold = parser.value(consensusOpt).toDouble(&ok);
    if (ok && parser.isSet(seedOpt))
        base.seed = parser.value(seedOpt).toLongLong(&ok);
    int limit = 0;
    if (ok && parser.isSet(limitOpt))
        limit = parser.value(limitOpt).toInt(&ok);
    if (!ok || limit < 0) {
        err(Tr::tr("--rounds, --consensus, --seed and --limit take numbers."));
        return ExitUsage;
    }

    rt::Result<QuestionSet> set = QuestionSet::load(parser.value(questionsOpt));
    if (!set) {
        err(set.error().message);
        return ExitUsage;
    }
    QuestionSet questions = *set;
    if (limit > 0 && limit < questions.questions.size())
        questions.questions.resize(limit);

    int exitCode = ExitOk;
    std::unique_ptr<rt::storage::Storage> storage = openStorage(parser.value(common.db), false, &exitCode);
    if (!storage)
        return exitCode;
    {
        rt::agents::AgentRegistry registry(std::make_unique<rt::agents::StorageAgentStore>(*storage));
        if (const rt::Status loaded = await(registry.loadAsync()); !loaded)
            return fail(loaded.error());
        const QString list = parser.isSet(agentsOpt) ? parser.value(agentsOpt) : u"Proponent,Skeptic,Pragmatist"_s;
        rt::Result<QList<rt::agents::Agent>> agents = resolveAgents(registry, list);
        if (!agents)
            return fail(agents.error());
        base.agents = *agents;
    }
    const std::unique_ptr<rt::llm::EndpointPool> pool = common.makePool(parser);
    {
        const rt::Result<DefaultModelChoice> fallback = chooseDefaultModel(base.agents, parser.value(modelOpt), *pool);
        if (!fallback) {
            err(fallback.error().message);
            return fallback.error().code == rt::llm::ErrorCode::ModelNotFound ? ExitModelNotFound : ExitUnreachable;
        }
        base.defaultModel = fallback->model;
    }
    if (const QString problem = base.validate(); !problem.isEmpty()) {
        err(problem);
        return ExitUsage;
    }

    const bool jsonOutput = parser.isSet(jsonOpt);
    EvalRunner runner(pool.get());
    InterruptWatcher interrupts;
    QObject::connect(&interrupts, &InterruptWatcher::interrupted, &runner, [&] {
        err(Tr::tr("Cancelling the evaluation..."));
        runner.cancel();
        exitCode = ExitCancelled;
    });
    QObject::connect(&runner, &EvalRunner::progress, &runner, [&](int done, int total, const QString &id, const QString &mode) {
        //: Progress: %1 of %2 steps, %3 the question id, %4 the mode (single, vote or debate: not translated)
        err(Tr::tr("[%1/%2] %3: %4").arg(done + 1).arg(total).arg(id, mode));
    });
    QObject::connect(&runner, &EvalRunner::failed, &runner, [&](const rt::Error &error) {
        if (exitCode != ExitCancelled) {
            err(Tr::tr("The evaluation stopped: %1").arg(error.message));
            exitCode = error.code == rt::llm::ErrorCode::ModelNotFound                              ? ExitModelNotFound
                : (error.code == rt::llm::ErrorCode::Unreachable || error.code == u"unreachable"_s) ? ExitUnreachable
                                                                                                    : ExitFailure;
        }
        QCoreApplication::exit(exitCode);
    });
    QObject::connect(&runner, &EvalRunner::finished, &runner, [&](const EvalReport &report) {
        if (jsonOutput) {
            outLine(QString::fromUtf8(QJsonDocument(report.toJson()).toJson(QJsonDocument::Indented)));
            flushOut();
            QCoreApplication::exit(ExitOk);
            return;
        }
        QStringList names;
        for (const rt::agents::Agent &a : base.agents)
            names.append(u"%1 (%2)"_s.arg(a.name, a.model.isEmpty() ? base.defaultModel : a.model));
        //: %1 is the name of the question set
        outLine(Tr::tr("Question set: %1 (%n question(s))", nullptr, int(questions.questions.size())).arg(report.questionSet));
        //: %1 the agents with their models, %2 the first agent, %3 the debate format (not translated), %4 the most rounds
        outLine(Tr::tr("Agents: %1 · single = %2 alone · debate: %3, up to %4 round(s)")
                    .arg(names.join(u", "_s), base.agents.constFirst().name, toString(base.format))
                    .arg(base.maxRounds));
        outLine(QString());
        //: Column headings of the report; calls/q and rounds/q are per question. Keep them short.
        outLine(padded(Tr::tr("mode"), 8) + padded(Tr::tr("accuracy"), 16) + padded(Tr::tr("calls"), 8) + padded(Tr::tr("calls/q"), 9)
            + padded(Tr::tr("rounds/q"), 10) + padded(Tr::tr("tokens"), 10) + Tr::tr("position changes per round"));
        for (const EvalModeStats &m : report.modes) {
            const double n = std::max(1, m.questions);
            QStringList flips;
            for (qsizetype r = 0; r < m.flipsPerRound.size(); ++r) {
                if (r > 0 || m.flipsPerRound.at(r) > 0)
                    flips.append(u"r%1: %2"_s.arg(r + 1).arg(m.flipsPerRound.at(r)));
            }
            outLine(padded(m.mode, 8) + padded(u"%1/%2 %3%"_s.arg(m.correct).arg(m.questions).arg(qRound(m.accuracy() * 100)), 16)
                + padded(QString::number(m.calls), 8) + padded(QString::number(m.calls / n, 'f', 1), 9)
                + padded(QString::number(m.rounds / n, 'f', 1), 10) + padded(QString::number(m.tokens), 10)
                + (m.mode == u"debate"_s ? (flips.isEmpty() ? u"-"_s : flips.join(u", "_s)) : u"-"_s));
        }
        for (const EvalModeStats &m : report.modes) {
            if (m.mode != u"debate"_s)
                continue;
            QStringList reasons;
            for (auto it = m.stopReasons.cbegin(); it != m.stopReasons.cend(); ++it)
                reasons.append(u"%1 %2"_s.arg(it.key()).arg(it.value()));
            //: %1 and %2 are counts of position changes, %3 the reasons the debates stopped with their counts
            outLine(Tr::tr("Debate: %1 right-to-wrong and %2 wrong-to-right changes; stopped by %3.")
                        .arg(m.correctToWrong)
                        .arg(m.wrongToCorrect)
                        .arg(reasons.join(u", "_s)));
        }
        // Say exactly what was compared: every model request, repairs included.
        const EvalModeStats *debateStats = nullptr;
        const EvalModeStats *voteStats = nullptr;
        for (const EvalModeStats &m : report.modes) {
            if (m.mode == u"debate"_s)
                debateStats = &m;
            else if (m.mode == u"vote"_s)
                voteStats = &m;
        }
        if (debateStats && voteStats) {
            outLine(Tr::tr("Model calls compared: debate %1 (%2 repairs), vote %3 (%4 repairs). The vote asks for exactly as many "
                           "answers as the debate made calls; its own repairs are the only difference. Much of debate's gain over a "
                           "single model usually comes from voting.")
                        .arg(debateStats->calls)
                        .arg(debateStats->repairCalls)
                        .arg(voteStats->calls)
                        .arg(voteStats->repairCalls));
        }
        if (report.simulated)
            outLine(Tr::tr("Note: %1").arg(EvalReport::simulatedNote()));
        flushOut();
        QCoreApplication::exit(ExitOk);
    });

    // Is this the simulator? Then every figure must say so.
    pool->controlClient(pool->defaultHost())
        ->requestJson(
            "GET", u"/_sim/stats"_s, {}, {}, &runner,
            [&](const rt::Result<QJsonObject> &stats) { runner.start(base, questions, stats.ok()); }, 5000);
    QCoreApplication::exec();
    return exitCode;
}

} // namespace rt::cli
