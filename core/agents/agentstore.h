#pragma once

#include "agent.h"
#include "common/result.h"

#include <QFuture>
#include <QHash>
#include <QList>
#include <QMutex>

namespace rt::agents {

// Where AgentRegistry keeps its agents. Nothing here blocks: every call
// returns a future (filled on the storage thread, or at once in memory). The
// registry makes one call at a time, holds no lock while it is pending, and
// updates memory only when it succeeded; so a failed save leaves both sides
// unchanged.
class AgentStore {
public:
    virtual ~AgentStore() = default;

    virtual QFuture<rt::Result<QList<Agent>>> loadAll() = 0;
    // Stores new agents (id 0) and updates existing ones (id > 0) in one
    // transaction: all or nothing. Returns them with their ids.
    virtual QFuture<rt::Result<QList<Agent>>> save(const QList<Agent> &agents) = 0;
    virtual QFuture<rt::Status> remove(qint64 id) = 0;
};

// Keeps agents in memory only: for tests and for running without a database.
// failNextWrite() makes the next save/remove fail, to test rollback.
class MemoryAgentStore final : public AgentStore {
public:
    QFuture<rt::Result<QList<Agent>>> loadAll() override;
    QFuture<rt::Result<QList<Agent>>> save(const QList<Agent> &agents) override;
    QFuture<rt::Status> remove(qint64 id) override;

    void failNextWrite(const QString &message);
    int writes() const;

private:
    mutable QMutex m_mutex;
    QHash<qint64, Agent> m_agents;
    qint64 m_nextId = 1;
    QString m_failMessage;
    int m_writes = 0;
};

} // namespace rt::agents
