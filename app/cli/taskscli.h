#pragma once

#include "common/result.h"

#include <QEventLoop>
#include <QFuture>
#include <QFutureWatcher>
#include <QString>

namespace rt::llm {
class EndpointPool;
class ModelCatalog;
} // namespace rt::llm
namespace rt::debate {
class DebateStore;
}
namespace rt::storage {
class Storage;
}
namespace rt::tasks {
class TaskManager;
class TaskStore;
} // namespace rt::tasks

// Tasks on the command line: shared by `models pull`, `tasks` and (for
// debates run as tasks) `debate`.
namespace rt::cli {

// The error of a future abandoned without a result (code "cancelled").
rt::Error abandonedError();

// Command line only: runs the event loop until `future` is ready. Stores,
// the agent registry and the task manager finish their futures in callbacks
// on this thread, so a plain waitForFinished() here would never return.
// T is a Result type; a future abandoned without a result becomes an error.
template<typename T> T await(const QFuture<T> &future)
{
    if (!future.isFinished()) {
        QEventLoop loop;
        QFutureWatcher<T> watcher;
        QObject::connect(&watcher, &QFutureWatcherBase::finished, &loop, &QEventLoop::quit);
        watcher.setFuture(future);
        if (!future.isFinished())
            loop.exec();
    }
    if (future.resultCount() == 0)
        return T(abandonedError());
    return future.result();
}

// The resumers `tasks resume` needs: "pull" (a re-pull continues where
// Ollama left it) and "debate" (a DebateJob restoring the payload's
// debate_id). catalog and debates may be null (that kind then cannot resume).
void registerResumers(
    rt::tasks::TaskManager &tasks, rt::llm::EndpointPool &pool, rt::llm::ModelCatalog *catalog, rt::debate::DebateStore *debates);

// The task store for a command: the database when it opens (without touching
// what other processes are doing), else memory, so the work runs all the same.
std::unique_ptr<rt::tasks::TaskStore> openTaskStore(const QString &dbArgument, std::unique_ptr<rt::storage::Storage> *storage);

// Runs task `id` (already submitted or resumed) in the foreground until it
// ends: progress on stdout (pulls: the pull progress; others: their progress
// text), Ctrl-C cancels it. Returns the exit code and prints the outcome.
int runTaskInForeground(rt::tasks::TaskManager &tasks, qint64 id);

// Exit code for an Ollama error (3 unreachable, 4 model not found, 130 cancelled, else `otherwise`).
int exitCodeForLlmError(const rt::Error &error, int otherwise);

} // namespace rt::cli
