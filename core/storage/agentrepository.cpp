#include "agentrepository.h"

#include "common/translate.h"
#include "database.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace rt::storage {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::storage)
};

const QString kColumns = QStringLiteral(
    "id, name, role, description, system_prompt, model, fallback_models, options, colour, avatar, builtin, created_at, updated_at, weight");

AgentRecord readAgent(const Query &q)
{
    AgentRecord a;
    a.id = q.integer(0);
    a.name = q.text(1);
    a.role = q.text(2);
    a.description = q.text(3);
    a.systemPrompt = q.text(4);
    a.model = q.text(5);
    a.fallbackModels = q.jsonStringList(6);
    a.options = q.jsonObject(7);
    a.colour = q.text(8);
    a.avatar = q.text(9);
    a.builtin = q.boolean(10);
    a.createdAt = q.time(11);
    a.updatedAt = q.time(12);
    a.weight = q.real(13);
    return a;
}

Error duplicateName(const QString &name)
{
    return makeError(errc::Duplicate, Tr::tr("An agent named \"%1\" already exists. Choose another name.").arg(name));
}

Error invalidName()
{
    return makeError(errc::InvalidInput, Tr::tr("An agent needs a name."));
}
} // namespace

rt::Result<qint64> AgentRepository::create(const AgentRecord &a)
{
    if (a.name.trimmed().isEmpty())
        return invalidName();
    const QDateTime now = m_db.now();
    const QDateTime created = a.createdAt.isValid() ? a.createdAt : now;
    auto id = m_db.insert(
        QStringLiteral("INSERT INTO agents (name, role, description, system_prompt, model, fallback_models, options, weight, colour, "
                       "avatar, builtin, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
        { a.name.trimmed(), a.role, a.description, a.systemPrompt, a.model,
            Database::jsonValue(QJsonArray::fromStringList(a.fallbackModels)), Database::jsonValue(a.options), a.weight, a.colour, a.avatar,
            a.builtin, m_db.timeValue(created), m_db.timeValue(a.updatedAt.isValid() ? a.updatedAt : created) });
    if (!id.ok() && id.error().code == errc::Duplicate)
        return duplicateName(a.name.trimmed());
    return id;
}

rt::Status AgentRepository::update(const AgentRecord &a)
{
    if (a.name.trimmed().isEmpty())
        return invalidName();
    auto n = m_db.exec(
        QStringLiteral("UPDATE agents SET name = ?, role = ?, description = ?, system_prompt = ?, model = ?, fallback_models = ?, "
                       "options = ?, weight = ?, colour = ?, avatar = ?, builtin = ?, updated_at = ? WHERE id = ?"),
        { a.name.trimmed(), a.role, a.description, a.systemPrompt, a.model,
            Database::jsonValue(QJsonArray::fromStringList(a.fallbackModels)), Database::jsonValue(a.options), a.weight, a.colour, a.avatar,
            a.builtin, m_db.timeValue(m_db.now()), a.id });
    if (!n.ok()) {
        if (n.error().code == errc::Duplicate)
            return duplicateName(a.name.trimmed());
        return n.error();
    }
    if (*n == 0)
        return makeError(errc::NotFound, Tr::tr("There is no agent with id %1.").arg(a.id));
    return {};
}

rt::Result<qint64> AgentRepository::upsertByName(const AgentRecord &agent)
{
    return m_db.transaction([&]() -> rt::Result<qint64> {
        auto existing = findByName(agent.name);
        if (!existing.ok())
            return existing.error();
        if (!existing->has_value())
            return create(agent);
        AgentRecord updated = agent;
        updated.id = (*existing)->id;
        if (auto done = update(updated); !done.ok())
            return done.error();
        return updated.id;
    });
}

rt::Status AgentRepository::remove(qint64 id)
{
    auto n = m_db.exec(QStringLiteral("DELETE FROM agents WHERE id = ?"), { id });
    if (!n.ok())
        return n.error();
    if (*n == 0)
        return makeError(errc::NotFound, Tr::tr("There is no agent with id %1.").arg(id));
    return {};
}

rt::Result<AgentRecord> AgentRepository::get(qint64 id)
{
    auto q = m_db.query(QStringLiteral("SELECT %1 FROM agents WHERE id = ?").arg(kColumns), { id });
    if (!q.ok())
        return q.error();
    if (!q->next())
        return makeError(errc::NotFound, Tr::tr("There is no agent with id %1.").arg(id));
    return readAgent(*q);
}

rt::Result<std::optional<AgentRecord>> AgentRepository::findByName(const QString &name)
{
    auto q = m_db.query(QStringLiteral("SELECT %1 FROM agents WHERE lower(name) = lower(?)").arg(kColumns), { name.trimmed() });
    if (!q.ok())
        return q.error();
    if (!q->next())
        return std::optional<AgentRecord>();
    return std::optional<AgentRecord>(readAgent(*q));
}

rt::Result<QList<AgentRecord>> AgentRepository::list()
{
    auto q = m_db.query(QStringLiteral("SELECT %1 FROM agents ORDER BY lower(name), id").arg(kColumns));
    if (!q.ok())
        return q.error();
    QList<AgentRecord> list;
    while (q->next())
        list.append(readAgent(*q));
    return list;
}

} // namespace rt::storage
