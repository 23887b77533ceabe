#include "commands.h"

#include "llm/ollamaerrors.h"

#include <QCoreApplication>

namespace rt::cli {

int exitCodeForErrorCode(const QString &code, int otherwise)
{
    using namespace rt::llm;
    if (code == ErrorCode::Unreachable || code == ErrorCode::ConnectTimeout)
        return ExitUnreachable;
    if (code == ErrorCode::ModelNotFound)
        return ExitModelNotFound;
    if (code == ErrorCode::Cancelled)
        return ExitCancelled;
    if (code == QLatin1String("usage"))
        return ExitUsage;
    return otherwise;
}

// The summaries are translated where they are printed, in the context "rt::cli".
const QList<Command> &commands()
{
    static const QList<Command> list = {
        { "chat", QT_TRANSLATE_NOOP("rt::cli", "Send a prompt to a model and stream the reply"), &runChat },
        { "models", QT_TRANSLATE_NOOP("rt::cli", "Manage models: list, show, ps, pull, rm"), &runModels },
        { "hosts", QT_TRANSLATE_NOOP("rt::cli", "Manage Ollama hosts: list, add, rm, check"), &runHosts },
        { "tasks", QT_TRANSLATE_NOOP("rt::cli", "Long work as tasks: list, show, cancel, resume"), &runTasks },
        { "debate", QT_TRANSLATE_NOOP("rt::cli", "Let several agents debate a question; --resume an interrupted one"), &runDebate },
        { "eval", QT_TRANSLATE_NOOP("rt::cli", "Compare a single agent, a vote and a debate on questions with known answers"), &runEval },
        { "agents", QT_TRANSLATE_NOOP("rt::cli", "Manage agents: list, show, add, edit, rm, import, export"), &runAgents },
        { "history", QT_TRANSLATE_NOOP("rt::cli", "List, show, search, export and import stored chats and debates"), &runHistory },
        { "db", QT_TRANSLATE_NOOP("rt::cli", "Check or back up the database"), &runDb },
        { "serve", QT_TRANSLATE_NOOP("rt::cli", "Run the local server: /metrics for Prometheus, /health and live viewers"), &runServe },
        { "metrics", QT_TRANSLATE_NOOP("rt::cli", "Print stored metric samples (table, --json or --prometheus)"), &runMetrics },
        { "watch", QT_TRANSLATE_NOOP("rt::cli", "Watch a live debate of another Roundtable from its viewer link (read-only)"), &runWatch },
    };
    return list;
}
} // namespace rt::cli
