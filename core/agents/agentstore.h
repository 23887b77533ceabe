#pragma once

#include "agent.h"
#include "common/result.h"

#include <QHash>
#include <QList>
#include <QMutex>

namespace rt::agents {

// Where AgentRegistry keeps its agents. The registry calls it with its write
// lock held, one call at a time, and only updates memory when the call
// succeeded; so a failed save leaves both sides unchanged. Implementations may
// block briefly (a database write).
class AgentStore {
public:
    virtual ~AgentStore() = default;

    virtual rt::Result<QList<Agent>> loadAll() = 0;
    // Stores new agents (id 0) and updates existing ones (id > 0) in one
    // transaction: all or nothing. Returns them with their ids.
    virtual rt::Result<QList<Agent>> save(const QList<Agent> &agents) = 0;
    virtual rt::Status remove(qint64 id) = 0;
};

// Keeps agents in memory only: for tests and for running without a database.
// failNextWrite() makes the next save/remove fail, to test rollback.
class MemoryAgentStore final : public AgentStore {
public:
    rt::Result<QList<Agent>> loadAll() override;
    rt::Result<QList<Agent>> save(const QList<Agent> &agents) override;
    rt::Status remove(qint64 id) override;

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
