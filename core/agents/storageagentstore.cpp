#include "storageagentstore.h"

#include "common/translate.h"
#include "storage/storage.h"

#include <QCoreApplication>

namespace rt::agents {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::agents)
};
} // namespace

StorageAgentStore::StorageAgentStore(rt::storage::Storage &storage)
    : m_storage(storage)
{
}

rt::storage::AgentRecord StorageAgentStore::toRecord(const Agent &agent)
{
    rt::storage::AgentRecord r;
    r.id = agent.id;
    r.name = agent.name;
    r.role = agent.role;
    r.description = agent.description;
    r.systemPrompt = agent.systemPrompt;
    r.model = agent.model;
    r.fallbackModels = agent.fallbackModels;
    r.options = agent.options.toJson();
    r.weight = agent.weight;
    r.colour = agent.colour;
    r.avatar = agent.avatar;
    r.builtin = agent.builtin;
    return r;
}

Agent StorageAgentStore::fromRecord(const rt::storage::AgentRecord &r)
{
    Agent a;
    a.id = r.id;
    a.name = r.name;
    a.role = r.role;
    a.description = r.description;
    a.systemPrompt = r.systemPrompt;
    a.model = r.model;
    a.fallbackModels = r.fallbackModels;
    a.options = rt::llm::GenerationOptions::fromJson(r.options);
    a.weight = r.weight;
    a.colour = r.colour;
    a.avatar = r.avatar;
    a.builtin = r.builtin;
    return a;
}

QFuture<rt::Result<QList<Agent>>> StorageAgentStore::loadAll()
{
    return m_storage.read([](rt::storage::StorageContext &c) -> rt::Result<QList<Agent>> {
        auto records = c.agents().list();
        if (!records)
            return records.error();
        QList<Agent> agents;
        agents.reserve(records->size());
        for (const auto &r : records.value())
            agents.append(fromRecord(r));
        return agents;
    });
}

QFuture<rt::Result<QList<Agent>>> StorageAgentStore::save(const QList<Agent> &agents)
{
    QList<rt::storage::AgentRecord> records;
    for (const Agent &a : agents)
        records.append(toRecord(a));
    // One transaction; the ids come back as text (what Storage::write carries).
    QFuture<rt::Result<QString>> ids = m_storage.write([records](rt::storage::StorageContext &c) -> rt::Result<QString> {
        QStringList ids;
        for (const auto &r : records) {
            if (r.id > 0) {
                if (auto done = c.agents().update(r); !done)
                    return done.error();
                ids.append(QString::number(r.id));
            } else {
                auto id = c.agents().create(r);
                if (!id)
                    return id.error();
                ids.append(QString::number(id.value()));
            }
        }
        return ids.join(QLatin1Char(','));
    });
    // Runs where the write finished (the storage thread): plain data only.
    return ids.then([agents](const rt::Result<QString> &written) -> rt::Result<QList<Agent>> {
        if (!written)
            return written.error();
        const QStringList parts = written->split(QLatin1Char(','), Qt::SkipEmptyParts);
        if (parts.size() != agents.size())
            return Error { QStringLiteral("storage"),
                Tr::tr("Saving the agents returned an unexpected answer from the database; try again.") };
        QList<Agent> saved = agents;
        for (qsizetype i = 0; i < saved.size(); ++i)
            saved[i].id = parts.at(i).toLongLong();
        return saved;
    });
}

QFuture<rt::Status> StorageAgentStore::remove(qint64 id)
{
    return m_storage.write([id](rt::storage::StorageContext &c) { return c.agents().remove(id); });
}

} // namespace rt::agents
