#include "storagemodelcache.h"

#include "common/logging.h"
#include "storage/storage.h"

namespace rt::llm {

StorageModelCache::StorageModelCache(rt::storage::Storage &storage)
    : m_storage(storage)
{
}

rt::storage::ModelRecord StorageModelCache::toRecord(const QString &hostKey, const ModelInfo &m)
{
    rt::storage::ModelRecord r;
    r.host = hostKey;
    r.name = m.name;
    r.digest = m.digest;
    r.size = qMax<qint64>(0, m.sizeBytes);
    r.family = m.family;
    r.parameterSize = m.parameterSize;
    r.quantization = m.quantization;
    if (m.contextLength > 0)
        r.contextLength = m.contextLength;
    r.capabilities = m.capabilities;
    r.details = QJsonObject { { QStringLiteral("format"), m.format },
        { QStringLiteral("modified_at"), m.modifiedAt.toString(Qt::ISODateWithMs) } };
    return r;
}

ModelInfo StorageModelCache::fromRecord(const rt::storage::ModelRecord &r)
{
    ModelInfo m;
    m.name = r.name;
    m.digest = r.digest;
    m.sizeBytes = r.size;
    m.family = r.family;
    m.parameterSize = r.parameterSize;
    m.quantization = r.quantization;
    m.contextLength = int(r.contextLength.value_or(0));
    m.capabilities = r.capabilities;
    m.format = r.details.value(QStringLiteral("format")).toString();
    m.modifiedAt = QDateTime::fromString(r.details.value(QStringLiteral("modified_at")).toString(), Qt::ISODateWithMs);
    return m;
}

QFuture<rt::Result<ModelCacheStore::Lists>> StorageModelCache::loadAll()
{
    return m_storage.read([](rt::storage::StorageContext &c) -> rt::Result<Lists> {
        auto hosts = c.models().hosts();
        if (!hosts)
            return hosts.error();
        Lists lists;
        for (const QString &host : hosts.value()) {
            auto models = c.models().forHost(host);
            if (!models)
                return models.error();
            QList<ModelInfo> list;
            list.reserve(models->size());
            for (const auto &r : models.value())
                list.append(fromRecord(r));
            lists.insert(host, list);
        }
        return lists;
    });
}

void StorageModelCache::save(const QString &hostKey, const QList<ModelInfo> &models)
{
    QList<rt::storage::ModelRecord> records;
    for (const ModelInfo &m : models)
        records.append(toRecord(hostKey, m));
    m_storage.write([hostKey, records](rt::storage::StorageContext &c) { return c.models().replaceHost(hostKey, records); })
        .then([hostKey](const rt::Status &status) {
            if (!status.ok())
                qCWarning(lcLlm).noquote() << "caching the model list of" << hostKey << "failed:" << status.error().message;
        });
}

} // namespace rt::llm
