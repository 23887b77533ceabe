#include "modelcatalog.h"

#include "common/futurecallback.h"
#include "common/logging.h"
#include "common/translate.h"
#include "endpointpool.h"
#include "modelname.h"
#include "modelpull.h"
#include "ollamaclient.h"
#include "ollamaerrors.h"
#include "ollamahost.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace rt::llm {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::llm)
};
} // namespace

QJsonObject RunningModel::toJson() const
{
    return { { QStringLiteral("name"), name }, { QStringLiteral("size"), double(sizeBytes) },
        { QStringLiteral("size_vram"), double(sizeVramBytes) }, { QStringLiteral("expires_at"), expiresAt.toString(Qt::ISODate) },
        { QStringLiteral("context_length"), contextLength } };
}

QList<RunningModel> RunningModel::listFromPs(const QJsonObject &ps)
{
    QList<RunningModel> list;
    const QJsonArray models = ps.value(QStringLiteral("models")).toArray();
    for (const QJsonValue &v : models) {
        const QJsonObject o = v.toObject();
        RunningModel m;
        m.name = o.value(QStringLiteral("name")).toString();
        if (m.name.isEmpty())
            m.name = o.value(QStringLiteral("model")).toString();
        m.sizeBytes = qint64(o.value(QStringLiteral("size")).toDouble());
        m.sizeVramBytes = qint64(o.value(QStringLiteral("size_vram")).toDouble());
        m.expiresAt = QDateTime::fromString(o.value(QStringLiteral("expires_at")).toString(), Qt::ISODateWithMs).toUTC();
        m.contextLength = o.value(QStringLiteral("context_length")).toInt();
        list.append(m);
    }
    return list;
}

QFuture<rt::Result<ModelCacheStore::Lists>> MemoryModelCacheStore::loadAll()
{
    QMutexLocker locker(&m_mutex);
    return rt::readyFuture(rt::Result<Lists>(m_lists));
}

void MemoryModelCacheStore::save(const QString &hostKey, const QList<ModelInfo> &models)
{
    QMutexLocker locker(&m_mutex);
    m_lists.insert(hostKey, models);
}

ModelCatalog::ModelCatalog(EndpointPool *pool, std::unique_ptr<ModelCacheStore> cache, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_cache(cache ? std::move(cache) : std::make_unique<MemoryModelCacheStore>())
{
    qRegisterMetaType<rt::llm::PullResult>();
    connect(pool, &EndpointPool::hostStateChanged, this, [this](const QString &host, HostState state) {
        if (m_autoRefresh && state == HostState::Online)
            refresh(host);
    });
    connect(pool, &EndpointPool::hostAdded, this, [this](const QString &host) {
        const QString key = hostKey(host);
        QList<ModelInfo> cached;
        {
            QMutexLocker locker(&m_mutex);
            cached = m_cachedByKey.value(key);
        }
        if (!cached.isEmpty())
            storeList(host, cached, false);
        if (m_autoRefresh)
            refresh(host);
    });
    connect(pool, &EndpointPool::hostRemoved, this, [this](const QString &host) {
        {
            QMutexLocker locker(&m_mutex);
            m_lists.remove(host);
            m_refreshedAt.remove(host);
        }
        emit modelsChanged(host);
    });
}

ModelCatalog::~ModelCatalog() = default;

void ModelCatalog::setAutoRefresh(bool enabled)
{
    m_autoRefresh = enabled;
}

QString ModelCatalog::hostKey(const QString &host) const
{
    if (!m_pool)
        return {};
    const auto config = m_pool->hostConfig(host);
    return config ? displayHost(config->url) : QString();
}

QString ModelCatalog::resolveHost(const QString &host) const
{
    if (!m_pool)
        return {};
    return host.isEmpty() ? m_pool->defaultHost() : host;
}

rt::Error ModelCatalog::unknownHost(const QString &host) const
{
    return { QStringLiteral("unknown_host"),
        Tr::tr("There is no Ollama host named “%1”; the configured hosts are: %2.")
            .arg(host, m_pool ? m_pool->hostNames().join(QStringLiteral(", ")) : QString()) };
}

QFuture<rt::Status> ModelCatalog::loadCache()
{
    auto promise = rt::startedPromise<rt::Status>();
    rt::whenReady(m_cache->loadAll(), this, [this, promise](const rt::Result<ModelCacheStore::Lists> &loaded) {
        if (!loaded) {
            rt::fulfil(*promise, rt::Status(loaded.error()));
            return;
        }
        {
            QMutexLocker locker(&m_mutex);
            m_cachedByKey = loaded.value();
        }
        if (m_pool) {
            for (const QString &host : m_pool->hostNames()) {
                const QList<ModelInfo> cached = loaded->value(hostKey(host));
                bool fresh = false;
                {
                    QMutexLocker locker(&m_mutex);
                    fresh = m_refreshedAt.contains(host);
                }
                if (!cached.isEmpty() && !fresh) // a list fetched meanwhile wins
                    storeList(host, cached, false);
            }
        }
        rt::fulfil(*promise, rt::Status());
    });
    return promise->future();
}

void ModelCatalog::storeList(const QString &host, const QList<ModelInfo> &input, bool fresh)
{
    QList<ModelInfo> models = input;
    {
        QMutexLocker locker(&m_mutex);
        // Keep what /api/show taught us about models that did not change.
        const QList<ModelInfo> old = m_lists.value(host);
        for (ModelInfo &m : models) {
            for (const ModelInfo &o : old) {
                if (o.name == m.name && o.digest == m.digest) {
                    if (m.contextLength == 0)
                        m.contextLength = o.contextLength;
                    if (m.capabilities.isEmpty())
                        m.capabilities = o.capabilities;
                }
            }
        }
        m_lists.insert(host, models);
        if (fresh)
            m_refreshedAt.insert(host, QDateTime::currentDateTimeUtc());
    }
    if (fresh) {
        const QString key = hostKey(host);
        m_cache->save(key, models);
        QMutexLocker locker(&m_mutex);
        m_cachedByKey.insert(key, models);
    }
    // The pool routes by a fresh list; a cached one is only a first guess,
    // so it is not treated as the truth about "missing" models.
    if (m_pool && fresh) {
        QStringList names;
        for (const ModelInfo &m : std::as_const(models))
            names.append(m.name);
        m_pool->setHostModels(host, names);
    }
    emit modelsChanged(host);
}

QList<ModelInfo> ModelCatalog::models(const QString &host) const
{
    QMutexLocker locker(&m_mutex);
    if (!host.isEmpty())
        return m_lists.value(host);
    QList<ModelInfo> all;
    QSet<QString> seen;
    const QStringList order = m_pool ? m_pool->hostNames() : m_lists.keys();
    for (const QString &h : order) {
        for (const ModelInfo &m : m_lists.value(h)) {
            const QString norm = normalizeModelName(m.name);
            if (!seen.contains(norm)) {
                seen.insert(norm);
                all.append(m);
            }
        }
    }
    return all;
}

std::optional<ModelInfo> ModelCatalog::model(const QString &name, const QString &host) const
{
    for (const ModelInfo &m : models(host)) {
        if (sameModel(m.name, name))
            return m;
    }
    return std::nullopt;
}

QStringList ModelCatalog::hostsWithModel(const QString &name) const
{
    QStringList hosts;
    if (!m_pool)
        return hosts;
    for (const QString &h : m_pool->hostNames()) {
        if (model(name, h))
            hosts.append(h);
    }
    return hosts;
}

bool ModelCatalog::isFresh(const QString &host) const
{
    QMutexLocker locker(&m_mutex);
    return m_refreshedAt.contains(host);
}

QDateTime ModelCatalog::lastRefreshed(const QString &host) const
{
    QMutexLocker locker(&m_mutex);
    return m_refreshedAt.value(host);
}

bool ModelCatalog::hasAnyList() const
{
    QMutexLocker locker(&m_mutex);
    return !m_lists.isEmpty();
}

void ModelCatalog::refresh(const QString &host)
{
    if (!m_pool)
        return;
    const QStringList hosts = host.isEmpty() ? m_pool->hostNames() : QStringList { host };
    for (const QString &h : hosts) {
        if (host.isEmpty() && !m_pool->isAvailable(h))
            continue;
        refresh(h, this, {});
    }
}

void ModelCatalog::refresh(const QString &hostName, QObject *context, Callback<QList<ModelInfo>> callback)
{
    const QString host = resolveHost(hostName);
    OllamaClient *client = m_pool ? m_pool->controlClient(host) : nullptr;
    if (!client) {
        if (callback)
            callback(unknownHost(host));
        return;
    }
    QPointer<QObject> guard(context);
    const bool hasContext = context != nullptr;
    client->fetchModels(this, [this, host, guard, hasContext, callback = std::move(callback)](const Result<QList<ModelInfo>> &result) {
        if (result) {
            storeList(host, result.value(), true);
            if (m_pool)
                m_pool->reportSuccess(host);
        } else {
            qCDebug(lcLlm).noquote() << "model list of" << host << "failed:" << result.error().message;
            if (m_pool)
                m_pool->reportFailure(host, result.error());
            emit refreshFailed(host, result.error().message);
        }
        if (callback && (!hasContext || guard))
            callback(result.ok() ? Result<QList<ModelInfo>>(models(host)) : Result<QList<ModelInfo>>(result.error()));
    });
}

void ModelCatalog::show(const QString &name, const QString &hostName, QObject *context, Callback<ModelDetails> callback)
{
    const QString host = resolveHost(hostName);
    OllamaClient *client = m_pool ? m_pool->controlClient(host) : nullptr;
    if (!client) {
        callback(unknownHost(host));
        return;
    }
    client->showModel(name, context, [this, name, host, callback = std::move(callback)](const Result<QJsonObject> &result) {
        if (!result) {
            callback(result.error());
            return;
        }
        ModelDetails details;
        details.raw = result.value();
        details.info = model(name, host).value_or(ModelInfo {});
        if (details.info.name.isEmpty())
            details.info.name = normalizeModelName(name);
        details.info.mergeShow(details.raw);
        details.parameters = details.raw.value(QStringLiteral("parameters")).toString();
        details.templateText = details.raw.value(QStringLiteral("template")).toString();
        details.systemPrompt = details.raw.value(QStringLiteral("system")).toString();
        details.license = details.raw.value(QStringLiteral("license")).toString();
        bool changed = false;
        {
            QMutexLocker locker(&m_mutex);
            auto it = m_lists.find(host);
            if (it != m_lists.end()) {
                for (ModelInfo &m : *it) {
                    if (sameModel(m.name, name)) {
                        m.contextLength = details.info.contextLength;
                        m.capabilities = details.info.capabilities;
                        m.family = details.info.family;
                        m.parameterSize = details.info.parameterSize;
                        m.quantization = details.info.quantization;
                        changed = true;
                    }
                }
            }
        }
        if (changed) {
            m_cache->save(hostKey(host), models(host));
            emit modelsChanged(host);
        }
        callback(details);
    });
}

void ModelCatalog::running(const QString &hostName, QObject *context, Callback<QList<RunningModel>> callback)
{
    const QString host = resolveHost(hostName);
    OllamaClient *client = m_pool ? m_pool->controlClient(host) : nullptr;
    if (!client) {
        callback(unknownHost(host));
        return;
    }
    client->fetchRunning(context, [callback = std::move(callback)](const Result<QJsonObject> &result) {
        if (!result)
            callback(result.error());
        else
            callback(RunningModel::listFromPs(result.value()));
    });
}

void ModelCatalog::remove(const QString &name, const QString &hostName, QObject *context, Callback<bool> callback)
{
    const QString host = resolveHost(hostName);
    OllamaClient *client = m_pool ? m_pool->controlClient(host) : nullptr;
    if (!client) {
        callback(unknownHost(host));
        return;
    }
    QPointer<QObject> guard(context);
    const bool hasContext = context != nullptr;
    client->deleteModel(
        name, this, [this, name, host, guard, hasContext, callback = std::move(callback)](const Result<QJsonObject> &result) {
            if (result) {
                QList<ModelInfo> list;
                {
                    QMutexLocker locker(&m_mutex);
                    auto it = m_lists.find(host);
                    if (it != m_lists.end()) {
                        it->removeIf([&](const ModelInfo &m) { return sameModel(m.name, name); });
                        list = *it;
                    }
                }
                m_cache->save(hostKey(host), list);
                if (m_pool)
                    m_pool->noteModelMissing(host, name);
                emit modelRemoved(host, name);
                emit modelsChanged(host);
            }
            if (!hasContext || guard)
                callback(result.ok() ? Result<bool>(true) : Result<bool>(result.error()));
        });
}

ModelPull *ModelCatalog::pull(const QString &name, const QString &hostName)
{
    const QString host = resolveHost(hostName);
    ModelPull *job = m_pool ? m_pool->pull(host, name) : nullptr;
    if (!job)
        return nullptr;
    connect(job, &ModelPull::finished, this, [this, host](const PullResult &result) {
        if (result.ok()) {
            if (m_pool)
                m_pool->noteModelPresent(host, result.progress.model);
            refresh(host);
        }
        emit pullFinished(host, result);
    });
    emit pullStarted(host, name);
    job->start();
    return job;
}

} // namespace rt::llm
