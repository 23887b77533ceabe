#pragma once

#include "chattypes.h"
#include "clientconfig.h"
#include "common/result.h"
#include "hostconfig.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QStringList>
#include <QTimer>
#include <QUrl>
#include <deque>
#include <functional>
#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace rt::server {
class LiveFeed;
}
namespace rt::metrics {
class MetricsRegistry;
}

namespace rt::llm {

class OllamaClient;
class EndpointPool;
class ModelPull;
class PooledChat;

// A request slot on one host. Returns the slot when destroyed or released.
class HostLease final {
public:
    HostLease() = default;
    HostLease(HostLease &&other) noexcept;
    HostLease &operator=(HostLease &&other) noexcept;
    HostLease(const HostLease &) = delete;
    HostLease &operator=(const HostLease &) = delete;
    ~HostLease();

    bool isValid() const { return m_client != nullptr; }
    QString host() const { return m_host; }
    OllamaClient *client() const { return m_client; }
    void release();

private:
    friend class EndpointPool;
    QPointer<EndpointPool> m_pool;
    QString m_host;
    OllamaClient *m_client = nullptr;
    int m_lane = -1;
    quint64 m_generation = 0;
};

// Where a request should go.
struct Route {
    QString host;
    QString model;
};

// Several Ollama hosts behind one face: routing to a host that has the model,
// a per-host concurrency limit (Qt 6.4's QNetworkAccessManager opens at most 6
// connections per host, so each host gets a manager per 6 slots plus one for
// control requests and one for downloads), a circuit breaker per host
// (online -> offline after repeated failures -> probing after a cool-down ->
// online), and background health checks. Lives on one thread (normally the
// GUI thread); call it from there.
class EndpointPool final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EndpointPool)
public:
    struct Options {
        int failureThreshold = 3; // consecutive request failures that take a host offline
        int cooldownMs = 5'000; // first wait before probing an offline host
        int maxCooldownMs = 60'000; // doubles per failed probe up to this
        int healthIntervalMs = 15'000; // probe of online hosts; 0 = off
        int probeTimeoutMs = 5'000;
        int waitForHostMs = 0; // chat(): how long to wait for a host to come back; 0 = fail at once
    };

    explicit EndpointPool(QObject *parent = nullptr);
    EndpointPool(const QList<HostConfig> &hosts, QObject *parent = nullptr);
    ~EndpointPool() override;

    void setOptions(const Options &options);
    const Options &options() const { return m_options; }

    // Metrics of every request through the pool (requests, failures, latency,
    // tokens, slots, breaker state, probes, loaded models); null = none.
    void setMetrics(std::shared_ptr<rt::metrics::MetricsRegistry> registry);
    const std::shared_ptr<rt::metrics::MetricsRegistry> &metrics() const { return m_metrics; }
    // What remote viewers see (#11): debates run on this pool publish their
    // events there. Set by MetricsService::attach; null when nobody watches.
    void setLiveFeed(std::shared_ptr<rt::server::LiveFeed> feed) { m_liveFeed = std::move(feed); }
    const std::shared_ptr<rt::server::LiveFeed> &liveFeed() const { return m_liveFeed; }

    // Hosts
    rt::Status addHost(const HostConfig &config);
    rt::Status removeHost(const QString &name);
    // Changes a host's URL or limit; a new URL resets its breaker and probes it.
    rt::Status updateHost(const HostConfig &config);
    QStringList hostNames() const;
    bool hasHost(const QString &name) const { return m_hosts.contains(name); }
    QString defaultHost() const; // the first configured host
    std::optional<HostConfig> hostConfig(const QString &name) const;
    HostStatus status(const QString &name) const;
    QList<HostStatus> statuses() const;
    bool isAvailable(const QString &name) const;
    bool anyAvailable() const;
    // For control requests (/api/tags, /api/show, /api/ps, /api/delete): a
    // manager of its own, so probes never queue behind streams.
    OllamaClient *controlClient(const QString &name) const;

    // What each host has installed, from ModelCatalog; learned as well from
    // replies ("model not found" / success).
    void setHostModels(const QString &host, const QStringList &models);
    void noteModelMissing(const QString &host, const QString &model);
    void noteModelPresent(const QString &host, const QString &model);
    // Forgets that hosts lack `model` (the user retries, or may have pulled it
    // meanwhile): the next request asks the hosts again.
    void recheckModel(const QString &model);
    // true/false when known, nullopt when the host's list is not known.
    std::optional<bool> hostHasModel(const QString &host, const QString &model) const;
    QStringList hostsWithModel(const QString &model) const; // known to have it

    // The first model of `modelsToTry` that an online host has (or may have,
    // when its list is unknown), on the least busy such host. An empty model
    // list routes to the least busy online host with an empty model.
    rt::Result<Route> route(
        const QStringList &modelsToTry, const QSet<QString> &excludeHosts = {}, const QString &preferredHost = {}) const;
    // The base client settings (timeouts, retries) of every host.
    void setClientConfig(const ClientConfig &config);

    // Request slots. Calls `granted` with a lease, at once if a slot is free,
    // else later in FIFO order (never if `context` is destroyed first).
    // Returns a ticket for cancelAcquire().
    quint64 acquire(const QString &host, QObject *context, std::function<void(HostLease)> granted);
    void cancelAcquire(quint64 ticket);

    // Breaker input: outcome of a request to `host`.
    void reportSuccess(const QString &host);
    void reportFailure(const QString &host, const rt::Error &error);
    // Errors that say the host (not the request) is the problem.
    static bool isHostFailure(const rt::Error &error);

    // Health: probes every host now (online ones for liveness, offline ones
    // ahead of their cool-down).
    void probeNow(const QString &host = {});
    void startHealthChecks();
    void stopHealthChecks();

    // A chat routed through the pool, see PooledChat (pooledchat.h). Already started: its
    // first signal comes from the event loop, so connect right after calling.
    // Deletes itself after finished().
    PooledChat *chat(const ChatRequest &request, const QStringList &modelsToTry, const QString &preferredHost = {});
    // A pull on a host, using its download manager; started by the caller.
    ModelPull *pull(const QString &host, const QString &model);

signals:
    void hostAdded(const QString &host);
    void hostRemoved(const QString &host);
    void hostStateChanged(const QString &host, rt::llm::HostState state, const QString &message);
    // false = every host is offline (show the offline banner); true = back.
    void availabilityChanged(bool anyAvailable);
    void hostModelsChanged(const QString &host);
    void slotsChanged(const QString &host, int active, int queued);

private:
    struct Waiter {
        quint64 ticket = 0;
        QPointer<QObject> context;
        bool hasContext = false;
        std::function<void(HostLease)> granted;
    };
    struct Host {
        HostConfig config;
        QNetworkAccessManager *controlNam = nullptr;
        OllamaClient *control = nullptr;
        QNetworkAccessManager *transferNam = nullptr;
        OllamaClient *transfer = nullptr;
        QList<QNetworkAccessManager *> streamNams;
        QList<OllamaClient *> lanes;
        QList<int> laneActive;
        int active = 0;
        std::deque<Waiter> waiters;
        HostState state = HostState::Online;
        int failures = 0;
        int cooldownMs = 0;
        QString lastError;
        QDateTime lastSuccess;
        QDateTime retryAt;
        QString version;
        bool probing = false;
        quint64 generation = 1; // bumps when the host is replaced, so old leases are ignored
        std::optional<QSet<QString>> models; // normalised names, when the list is known
        QSet<QString> missing; // learned from "model not found" replies
        QTimer *cooldown = nullptr;
    };

    friend class HostLease;
    void releaseLease(const QString &host, int lane, quint64 generation);
    void scheduleGrants(const QString &host);
    void grantWaiting(const QString &host);
    void buildHost(Host &host);
    void destroyHost(Host &host);
    void setState(Host &host, HostState state, const QString &message);
    void openBreaker(Host &host, const QString &reason);
    void probe(const QString &name);
    void onHealthTick();
    void emitSlots(const Host &host);
    void publishHost(const Host &host); // state gauges
    void fetchLoadedModels(const QString &name); // /api/ps into the registry
    double load(const Host &host) const;

    Options m_options;
    ClientConfig m_clientConfig;
    QHash<QString, std::shared_ptr<Host>> m_hosts;
    QStringList m_order;
    QHash<quint64, QString> m_tickets; // waiting ticket -> host
    quint64 m_nextTicket = 1;
    QTimer m_healthTimer;
    bool m_lastAvailability = true;
    std::shared_ptr<rt::metrics::MetricsRegistry> m_metrics;
    std::shared_ptr<rt::server::LiveFeed> m_liveFeed;
};

} // namespace rt::llm
