#pragma once

#include "agentstore.h"

namespace rt::storage {
class Storage;
struct AgentRecord;
} // namespace rt::storage

namespace rt::agents {

// Keeps agents in the database's agents table through rt::storage::Storage.
// Each call waits for the storage thread (a single short transaction); call
// it from any thread but the storage thread.
class StorageAgentStore final : public AgentStore {
public:
    explicit StorageAgentStore(rt::storage::Storage &storage);

    rt::Result<QList<Agent>> loadAll() override;
    rt::Result<QList<Agent>> save(const QList<Agent> &agents) override;
    rt::Status remove(qint64 id) override;

    // The agents table has no weight column: the vote weight rides in the
    // options JSON under "_roundtable" and is taken out again on reading.
    static rt::storage::AgentRecord toRecord(const Agent &agent);
    static Agent fromRecord(const rt::storage::AgentRecord &record);

private:
    rt::storage::Storage &m_storage;
};

} // namespace rt::agents
