#pragma once

#include "modelcatalog.h"

namespace rt::storage {
class Storage;
struct ModelRecord;
} // namespace rt::storage

namespace rt::llm {

// The model lists of every host in the database's models table, so the app
// starts with the last known lists while Ollama is down.
class StorageModelCache final : public ModelCacheStore {
public:
    explicit StorageModelCache(rt::storage::Storage &storage);

    QFuture<rt::Result<Lists>> loadAll() override; // filled on the storage thread
    void save(const QString &hostKey, const QList<ModelInfo> &models) override; // queued

    static rt::storage::ModelRecord toRecord(const QString &hostKey, const ModelInfo &model);
    static ModelInfo fromRecord(const rt::storage::ModelRecord &record);

private:
    rt::storage::Storage &m_storage;
};

} // namespace rt::llm
