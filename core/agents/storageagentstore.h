#pragma once

#include "agentstore.h"

namespace rt::storage {
class Storage;
struct AgentRecord;
} // namespace rt::storage

namespace rt::agents {

// Keeps agents in the database's agents table through rt::storage::Storage.
// Each call is one short read or transaction on the storage thread; it
// returns at once with a future filled there.
class StorageAgentStore final : public AgentStore {
public:
    explicit StorageAgentStore(rt::storage::Storage &storage);

    QFuture<rt::Result<QList<Agent>>> loadAll() override;
    QFuture<rt::Result<QList<Agent>>> save(const QList<Agent> &agents) override;
    QFuture<rt::Status> remove(qint64 id) override;

    static rt::storage::AgentRecord toRecord(const Agent &agent);
    static Agent fromRecord(const rt::storage::AgentRecord &record);

private:
    rt::storage::Storage &m_storage;
};

} // namespace rt::agents
