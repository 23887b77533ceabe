#include "commands.h"

#include "llm/ollamaerrors.h"

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

const QList<Command> &commands()
{
    static const QList<Command> list = {
        { "chat", "Send a prompt to a model and stream the reply", &runChat },
        { "models", "Manage models: list, show, ps, pull, rm", &runModels },
        { "hosts", "Manage Ollama hosts: list, add, rm, check", &runHosts },
        { "tasks", "Long work as tasks: list, show, cancel, resume", &runTasks },
        { "debate", "Let several agents debate a question; --resume an interrupted one", &runDebate },
        { "eval", "Compare a single agent, a vote and a debate on questions with known answers", &runEval },
        { "agents", "Manage agents: list, show, add, edit, rm, import, export", &runAgents },
        { "history", "List, show, search, export and import stored chats and debates", &runHistory },
        { "db", "Check or back up the database", &runDb },
        { "serve", "Run the local server: /metrics for Prometheus, /health and live viewers", &runServe },
        { "metrics", "Print stored metric samples (table, --json or --prometheus)", &runMetrics },
        { "watch", "Watch a live debate of another Roundtable from its viewer link (read-only)", &runWatch },
    };
    return list;
}
} // namespace rt::cli
