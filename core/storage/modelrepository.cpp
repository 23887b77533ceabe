#include "modelrepository.h"

#include "database.h"

#include <QJsonArray>

namespace rt::storage {

namespace {
const QString kColumns
    = QStringLiteral("host, name, digest, size, family, parameter_size, quantization, context_length, capabilities, details, updated_at");

ModelRecord readModel(const Query &q)
{
    ModelRecord m;
    m.host = q.text(0);
    m.name = q.text(1);
    m.digest = q.text(2);
    m.size = q.integer(3);
    m.family = q.text(4);
    m.parameterSize = q.text(5);
    m.quantization = q.text(6);
    m.contextLength = q.optionalInteger(7);
    m.capabilities = q.jsonStringList(8);
    m.details = q.jsonObject(9);
    m.updatedAt = q.time(10);
    return m;
}
} // namespace

rt::Status ModelRepository::upsert(const ModelRecord &m)
{
    const QDateTime updated = m.updatedAt.isValid() ? m.updatedAt : m_db.now();
    auto n = m_db.exec(
        QStringLiteral("INSERT INTO models (host, name, digest, size, family, parameter_size, quantization, context_length, "
                       "capabilities, details, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT (host, name) DO UPDATE SET digest = excluded.digest, size = excluded.size, "
                       "family = excluded.family, parameter_size = excluded.parameter_size, quantization = excluded.quantization, "
                       "context_length = excluded.context_length, capabilities = excluded.capabilities, "
                       "details = excluded.details, updated_at = excluded.updated_at"),
        { m.host, m.name, m.digest, m.size, m.family, m.parameterSize, m.quantization, Database::nullable(m.contextLength),
            Database::jsonValue(QJsonArray::fromStringList(m.capabilities)), Database::jsonValue(m.details), m_db.timeValue(updated) });
    if (!n.ok())
        return n.error();
    return {};
}

rt::Status ModelRepository::replaceHost(const QString &host, const QList<ModelRecord> &models)
{
    return m_db.transaction([&]() -> rt::Status {
        QStringList keep;
        for (ModelRecord m : models) {
            m.host = host;
            if (auto done = upsert(m); !done.ok())
                return done;
            keep.append(m.name);
        }
        auto existing = forHost(host);
        if (!existing.ok())
            return existing.error();
        for (const ModelRecord &m : std::as_const(*existing)) {
            if (keep.contains(m.name))
                continue;
            if (auto n = m_db.exec(QStringLiteral("DELETE FROM models WHERE host = ? AND name = ?"), { host, m.name }); !n.ok())
                return n.error();
        }
        return {};
    });
}

rt::Result<QList<ModelRecord>> ModelRepository::forHost(const QString &host)
{
    auto q = m_db.query(QStringLiteral("SELECT %1 FROM models WHERE host = ? ORDER BY name").arg(kColumns), { host });
    if (!q.ok())
        return q.error();
    QList<ModelRecord> list;
    while (q->next())
        list.append(readModel(*q));
    return list;
}

rt::Result<std::optional<ModelRecord>> ModelRepository::find(const QString &host, const QString &name)
{
    auto q = m_db.query(QStringLiteral("SELECT %1 FROM models WHERE host = ? AND name = ?").arg(kColumns), { host, name });
    if (!q.ok())
        return q.error();
    if (!q->next())
        return std::optional<ModelRecord>();
    return std::optional<ModelRecord>(readModel(*q));
}

rt::Result<QStringList> ModelRepository::hosts()
{
    auto q = m_db.query(QStringLiteral("SELECT DISTINCT host FROM models ORDER BY host"));
    if (!q.ok())
        return q.error();
    QStringList list;
    while (q->next())
        list.append(q->text(0));
    return list;
}

rt::Status ModelRepository::removeHost(const QString &host)
{
    auto n = m_db.exec(QStringLiteral("DELETE FROM models WHERE host = ?"), { host });
    if (!n.ok())
        return n.error();
    return {};
}

} // namespace rt::storage
