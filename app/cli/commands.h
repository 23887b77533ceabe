#pragma once

#include <QStringList>

// Exit codes of the command line, shared by every subcommand (see README).
namespace rt::cli {
enum ExitCode : int {
    ExitOk = 0,
    ExitFailure = 1, // anything not covered below
    ExitUsage = 2, // bad flags or arguments
    ExitUnreachable = 3, // Ollama not reachable
    ExitModelNotFound = 4,
    ExitStreamFailed = 5, // stream failed, truncated or invalid
    ExitCancelled = 130, // Ctrl-C
};

// The exit code for an error code: 3 unreachable, 4 model not found,
// 130 cancelled, 2 usage; anything else `otherwise`.
int exitCodeForErrorCode(const QString &code, int otherwise = ExitFailure);

// A subcommand receives its own arguments with argv[0] replaced by
// "roundtable <name>", so QCommandLineParser prints the right usage.
using CommandFn = int (*)(const QStringList &arguments);

struct Command {
    const char *name;
    const char *summary; // English; shown as QCoreApplication::translate("rt::cli", summary)
    CommandFn run;
};

int runChat(const QStringList &arguments);
int runModels(const QStringList &arguments);
int runAgents(const QStringList &arguments);
int runHistory(const QStringList &arguments);
int runDb(const QStringList &arguments);
int runDebate(const QStringList &arguments);
int runEval(const QStringList &arguments);
int runHosts(const QStringList &arguments);
int runTasks(const QStringList &arguments);
int runServe(const QStringList &arguments);
int runMetrics(const QStringList &arguments);
int runWatch(const QStringList &arguments);

// Every subcommand, in the order --help lists them.
const QList<Command> &commands();
} // namespace rt::cli
