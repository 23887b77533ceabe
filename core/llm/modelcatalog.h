#pragma once

#include "common/result.h"
#include "modelinfo.h"
#include "pullprogress.h"

#include <QDateTime>
#include <QFuture>
#include <QHash>
#include <QJsonObject>
#include <QMetaType>
#include <QMutex>
#include <QObject>
#include <QPointer>
#include <functional>
#include <memory>
#include <optional>

namespace rt::llm {

class EndpointPool;
class ModelPull;

// One entry of GET /api/ps: a model loaded in memory.
struct RunningModel {
    QString name;
    qint64 sizeBytes = 0;
    qint64 sizeVramBytes = 0; // less than sizeBytes: partly on the CPU
    QDateTime expiresAt; // unload time (UTC)
    int contextLength = 0; // the num_ctx it was loaded with, 0 = unknown (old server)

    bool isPartlyOnCpu() const { return sizeVramBytes < sizeBytes; }
    QJsonObject toJson() const;
    static QList<RunningModel> listFromPs(const QJsonObject &ps);
};

// What /api/show adds to a model.
struct ModelDetails {
    ModelInfo info; // tags entry merged with show
    QString parameters; // "temperature 0.7\nstop ..." as Ollama prints them
    QString templateText;
    QString systemPrompt;
    QString license;
    QJsonObject raw; // the whole answer
};

// Where the last known model lists live between runs (the models table).
// Never blocks: loadAll() returns a future, save() is queued.
class ModelCacheStore {
public:
    using Lists = QHash<QString, QList<ModelInfo>>;
    virtual ~ModelCacheStore() = default;
    // key: the host's URL as displayHost() prints it.
    virtual QFuture<rt::Result<Lists>> loadAll() = 0;
    // Replaces the list of one host; may complete later (fire and forget).
    virtual void save(const QString &hostKey, const QList<ModelInfo> &models) = 0;
};

class MemoryModelCacheStore final : public ModelCacheStore {
public:
    QFuture<rt::Result<Lists>> loadAll() override;
    void save(const QString &hostKey, const QList<ModelInfo> &models) override;

private:
    QMutex m_mutex;
    QHash<QString, QList<ModelInfo>> m_lists;
};

// The models of every host in the pool: list (/api/tags), details (/api/show),
// loaded models (/api/ps), pull with progress, delete. Keeps the last known
// list per host in a cache, so the app starts with it while Ollama is down.
// Feeds the pool's routing with what each host has. Lives on the pool's thread;
// models() may be called from any thread.
class ModelCatalog final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ModelCatalog)
public:
    template<typename T> using Callback = std::function<void(const rt::Result<T> &)>;

    explicit ModelCatalog(EndpointPool *pool, std::unique_ptr<ModelCacheStore> cache = {}, QObject *parent = nullptr);
    ~ModelCatalog() override;

    // Reads the cached lists (start-up). The pool learns them as a first guess.
    // The future is ready once they are in (models() lists them).
    QFuture<rt::Status> loadCache();
    // Refreshes a host when it is added or comes back online.
    void setAutoRefresh(bool enabled);

    // Known models: of one host, or of all hosts (first host wins on duplicates).
    QList<ModelInfo> models(const QString &host = {}) const;
    std::optional<ModelInfo> model(const QString &name, const QString &host = {}) const;
    QStringList hostsWithModel(const QString &name) const;
    // true when the host's list came from the host in this session, false when
    // it is the cached list from an earlier run (or unknown).
    bool isFresh(const QString &host) const;
    QDateTime lastRefreshed(const QString &host) const;
    bool hasAnyList() const;

    // /api/tags on one host, or on every online host when host is empty.
    void refresh(const QString &host = {});
    void refresh(const QString &host, QObject *context, Callback<QList<ModelInfo>> callback);
    void show(const QString &name, const QString &host, QObject *context, Callback<ModelDetails> callback);
    void running(const QString &host, QObject *context, Callback<QList<RunningModel>> callback);
    void remove(const QString &name, const QString &host, QObject *context, Callback<bool> callback);
    // Starts a pull on host (empty = default host); refreshes the list when
    // it succeeds. nullptr if the host is unknown.
    ModelPull *pull(const QString &name, const QString &host = {});

    QString hostKey(const QString &host) const; // the cache key (URL) of a pool host

signals:
    void modelsChanged(const QString &host);
    void refreshFailed(const QString &host, const QString &message);
    void pullStarted(const QString &host, const QString &model);
    void pullFinished(const QString &host, const rt::llm::PullResult &result);
    void modelRemoved(const QString &host, const QString &name);

private:
    QString resolveHost(const QString &host) const;
    void storeList(const QString &host, const QList<ModelInfo> &models, bool fresh);
    rt::Error unknownHost(const QString &host) const;

    QPointer<EndpointPool> m_pool;
    std::unique_ptr<ModelCacheStore> m_cache;
    mutable QMutex m_mutex; // guards the three members below
    QHash<QString, QList<ModelInfo>> m_lists; // pool host name -> models
    QHash<QString, QDateTime> m_refreshedAt; // fresh lists only
    QHash<QString, QList<ModelInfo>> m_cachedByKey; // from the cache store, by URL
    bool m_autoRefresh = true;
};

} // namespace rt::llm

Q_DECLARE_METATYPE(rt::llm::RunningModel)
Q_DECLARE_METATYPE(rt::llm::ModelDetails)
