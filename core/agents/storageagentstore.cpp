#include "storageagentstore.h"

#include "storage/storage.h"

#include <QCoreApplication>

namespace rt::agents {

namespace {
// User-visible text, translatable (lupdate reads tr()).
[[maybe_unused]] QString tr(const char *text)
{
    return QCoreApplication::translate("rt::agents", text);
}
} // namespace

namespace {
const QString ExtraKey = QStringLiteral("_roundtable");
}

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
    r.options.insert(ExtraKey, QJsonObject { { QStringLiteral("weight"), agent.weight } });
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
    QJsonObject options = r.options;
    const QJsonObject extra = options.take(ExtraKey).toObject();
    a.options = rt::llm::GenerationOptions::fromJson(options);
    a.weight = extra.value(QStringLiteral("weight")).toDouble(1.0);
    a.colour = r.colour;
    a.avatar = r.avatar;
    a.builtin = r.builtin;
    return a;
}

rt::Result<QList<Agent>> StorageAgentStore::loadAll()
{
    auto records = m_storage.read([](rt::storage::StorageContext &c) { return c.agents().list(); }).result();
    if (!records)
        return records.error();
    QList<Agent> agents;
    agents.reserve(records->size());
    for (const auto &r : records.value())
        agents.append(fromRecord(r));
    return agents;
}

rt::Result<QList<Agent>> StorageAgentStore::save(const QList<Agent> &agents)
{
    QList<rt::storage::AgentRecord> records;
    for (const Agent &a : agents)
        records.append(toRecord(a));
    // One transaction; the ids come back as text (what Storage::write carries).
    auto ids = m_storage
                   .write([records](rt::storage::StorageContext &c) -> rt::Result<QString> {
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
                   })
                   .result();
    if (!ids)
        return ids.error();
    const QStringList parts = ids->split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (parts.size() != agents.size())
        return Error { QStringLiteral("storage"), tr("Saving the agents returned an unexpected answer from the database; try again.") };
    QList<Agent> saved = agents;
    for (qsizetype i = 0; i < saved.size(); ++i)
        saved[i].id = parts.at(i).toLongLong();
    return saved;
}

rt::Status StorageAgentStore::remove(qint64 id)
{
    return m_storage.write([id](rt::storage::StorageContext &c) { return c.agents().remove(id); }).result();
}

} // namespace rt::agents
