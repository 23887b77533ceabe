#pragma once

#include "common/result.h"
#include "records.h"

#include <QList>
#include <optional>

namespace rt::storage {

class Database;

// Agents (roles with a model and a prompt). Names are unique, ignoring case.
class AgentRepository final {
public:
    explicit AgentRepository(Database &db)
        : m_db(db)
    {
    }

    rt::Result<qint64> create(const AgentRecord &agent); // errc::Duplicate when the name is taken
    rt::Status update(const AgentRecord &agent); // by agent.id
    // Creates the agent or updates the one with the same name; returns its id.
    rt::Result<qint64> upsertByName(const AgentRecord &agent);
    rt::Status remove(qint64 id); // messages keep their text; their agent_id becomes NULL
    rt::Result<AgentRecord> get(qint64 id);
    rt::Result<std::optional<AgentRecord>> findByName(const QString &name);
    rt::Result<QList<AgentRecord>> list(); // by name

private:
    Database &m_db;
};

} // namespace rt::storage
