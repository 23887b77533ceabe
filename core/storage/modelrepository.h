#pragma once

#include "common/result.h"
#include "records.h"

#include <QList>
#include <optional>

namespace rt::storage {

class Database;

// Cache of what each Ollama host offers (so the UI can show models offline).
class ModelRepository final {
public:
    explicit ModelRepository(Database &db)
        : m_db(db)
    {
    }

    // Makes the cache for `host` exactly `models` (adds, updates, drops).
    rt::Status replaceHost(const QString &host, const QList<ModelRecord> &models);
    rt::Status upsert(const ModelRecord &model);
    rt::Result<QList<ModelRecord>> forHost(const QString &host); // by name
    rt::Result<std::optional<ModelRecord>> find(const QString &host, const QString &name);
    rt::Result<QStringList> hosts();
    rt::Status removeHost(const QString &host);

private:
    Database &m_db;
};

} // namespace rt::storage
