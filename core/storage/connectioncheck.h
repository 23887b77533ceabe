#pragma once

#include "common/result.h"
#include "databaselocation.h"

#include <QString>

namespace rt::storage {

// What a database answered when asked before switching to it.
struct ConnectionCheck {
    QString server; // "SQLite 3.40.1", "PostgreSQL 15.10"
    int schemaVersion = 0; // 0: empty, Roundtable will set it up on first use
    int latestVersion = 0; // the schema this build writes
    bool willCreate = false; // SQLite: the file does not exist yet (nothing was created)
    qint64 conversations = -1; // when the schema is there
    qint64 debates = -1;

    // One line for people: "PostgreSQL 15.10 — 12 conversations, 3 debates."
    QString summary() const;
};

// Connects to `location` the way the app would (no migrations, nothing
// written), and reports the server version and what is stored there; or the
// exact error. A SQLite file that does not exist yet is not created: its
// folder is checked for writing instead. Blocks for up to the connect
// timeout: call it off the GUI thread.
rt::Result<ConnectionCheck> checkConnection(const DatabaseLocation &location, int connectTimeoutSeconds = 5);

} // namespace rt::storage
