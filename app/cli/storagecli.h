#pragma once

#include "clicommon.h"
#include "storage/storage.h"

#include <QCommandLineParser>
#include <QFuture>
#include <memory>

// Shared by the history and db commands (and chat, to store the exchange).
namespace rt::cli {

// Resolves --db (then $ROUNDTABLE_DB, then the default file) and opens the
// database on a storage thread. On failure prints the reason and returns null;
// *exitCode then holds the exit code to return.
// recover: mark crash leftovers as interrupted (commands that write a chat do;
// read-only commands must not touch another running process's live rows).
std::unique_ptr<rt::storage::Storage> openStorage(const QString &dbValue, bool recover, int *exitCode);

// For commands: block on a storage future (no event loop needed).
template<typename T> T waitFor(QFuture<T> future)
{
    future.waitForFinished();
    return future.result();
}

// Exit code for a storage error (prints nothing).
int exitCodeFor(const rt::Error &error);

// Prints "Error: ..." and returns exitCodeFor(error).
int fail(const rt::Error &error);

} // namespace rt::cli
