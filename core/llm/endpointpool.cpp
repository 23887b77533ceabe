#include "endpointpool.h"

#include "chatstream.h"
#include "common/appsettings.h"
#include "common/logging.h"
#include "common/translate.h"
#include "metrics/metricnames.h"
#include "metrics/metricsregistry.h"
#include "modelname.h"
#include "modelpull.h"
#include "ollamaclient.h"
#include "ollamaerrors.h"
#include "ollamahost.h"
#include "pooledchat.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>

namespace rt::llm {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::llm)
};
} // namespace

namespace {
constexpr int ConnectionsPerManager = 6; // Qt 6.4: HTTP/1.1 connections per host:port per QNetworkAccessManager
}

// ---------------------------------------------------------------- HostLease

HostLease::HostLease(HostLease &&other) noexcept
    : m_pool(std::move(other.m_pool))
    , m_host(std::move(other.m_host))
    , m_client(std::exchange(other.m_client, nullptr))
    , m_lane(std::exchange(other.m_lane, -1))
    , m_generation(other.m_generation)
{
}

HostLease &HostLease::operator=(HostLease &&other) noexcept
{
    if (this != &other) {
        release();
        m_pool = std::move(other.m_pool);
        m_host = std::move(other.m_host);
        m_client = std::exchange(other.m_client, nullptr);
        m_lane = std::exchange(other.m_lane, -1);
        m_generation = other.m_generation;
    }
    return *this;
}

HostLease::~HostLease()
{
    release();
}

void HostLease::release()
{
    if (!m_client)
        return;
    m_client = nullptr;
    if (EndpointPool *pool = m_pool)
        pool->releaseLease(m_host, m_lane, m_generation);
    m_pool = nullptr;
}

// ---------------------------------------------------------------- EndpointPool

EndpointPool::EndpointPool(QObject *parent)
    : QObject(parent)
    , m_clientConfig(ClientConfig::fromSettings({}))
{
    qRegisterMetaType<rt::llm::HostState>();
    qRegisterMetaType<rt::llm::HostStatus>();
    qRegisterMetaType<rt::llm::ChatResult>();
    connect(&m_healthTimer, &QTimer::timeout, this, &EndpointPool::onHealthTick);
}

EndpointPool::EndpointPool(const QList<HostConfig> &hosts, QObject *parent)
    : EndpointPool(parent)
{
    for (const HostConfig &h : hosts) {
        if (auto added = addHost(h); !added)
            qCWarning(lcLlm).noquote() << added.error().message;
    }
}

EndpointPool::~EndpointPool()
{
    // Waiters are dropped; children (clients, streams) go with the pool.
    for (const auto &h : std::as_const(m_hosts))
        h->waiters.clear();
}

void EndpointPool::setOptions(const Options &options)
{
    m_options = options;
    if (m_healthTimer.isActive()) {
        if (m_options.healthIntervalMs > 0)
            m_healthTimer.start(m_options.healthIntervalMs);
        else
            m_healthTimer.stop();
    }
}

void EndpointPool::setClientConfig(const ClientConfig &config)
{
    m_clientConfig = config;
    for (const auto &h : std::as_const(m_hosts)) {
        ClientConfig c = config;
        c.baseUrl = h->config.url;
        h->control->setConfig(c);
        h->transfer->setConfig(c);
        for (OllamaClient *lane : std::as_const(h->lanes))
            lane->setConfig(c);
    }
}

void EndpointPool::buildHost(Host &h)
{
    ClientConfig c = m_clientConfig;
    c.baseUrl = h.config.url;
    h.controlNam = new QNetworkAccessManager(this);
    h.control = new OllamaClient(c, h.controlNam, this);
    h.transferNam = new QNetworkAccessManager(this);
    h.transfer = new OllamaClient(c, h.transferNam, this);
    const int lanes = (h.config.maxConcurrent + ConnectionsPerManager - 1) / ConnectionsPerManager;
    while (h.lanes.size() < lanes) {
        auto *nam = new QNetworkAccessManager(this);
        h.streamNams.append(nam);
        h.lanes.append(new OllamaClient(c, nam, this));
        h.laneActive.append(0);
    }
    if (m_metrics) {
        h.control->setMetrics(m_metrics, h.config.name);
        h.transfer->setMetrics(m_metrics, h.config.name);
    }
    h.cooldown = new QTimer(this);
    h.cooldown->setSingleShot(true);
    const QString name = h.config.name;
    connect(h.cooldown, &QTimer::timeout, this, [this, name] { probe(name); });
}

void EndpointPool::destroyHost(Host &h)
{
    delete h.cooldown;
    h.cooldown = nullptr;
    if (h.active > 0)
        return; // streams still hang off the clients; they go with the pool
    delete h.control;
    delete h.controlNam;
    delete h.transfer;
    delete h.transferNam;
    qDeleteAll(h.lanes);
    qDeleteAll(h.streamNams);
    h.lanes.clear();
    h.streamNams.clear();
}

rt::Status EndpointPool::addHost(const HostConfig &input)
{
    HostConfig config = input;
    config.name = config.name.trimmed();
    if (config.name.isEmpty())
        return Error { QStringLiteral("invalid"), Tr::tr("An Ollama host needs a name.") };
    for (const QString &existing : std::as_const(m_order)) {
        if (existing.compare(config.name, Qt::CaseInsensitive) == 0)
            return Error { QStringLiteral("duplicate_name"),
                Tr::tr("An Ollama host named “%1” already exists; choose another name.").arg(config.name) };
    }
    if (!config.url.isValid() || config.url.host().isEmpty())
        return Error { QStringLiteral("invalid"),
            Tr::tr("The URL of the Ollama host “%1” is not valid; use a form like http://127.0.0.1:11434.").arg(config.name) };
    config.maxConcurrent = qBound(1, config.maxConcurrent, HostConfig::MaxConcurrentLimit);
    auto host = std::make_shared<Host>();
    host->config = config;
    host->cooldownMs = 0;
    buildHost(*host);
    m_hosts.insert(config.name, host);
    m_order.append(config.name);
    publishHost(*host);
    emitSlots(*host);
    qCDebug(lcLlm).noquote() << "host" << config.name << "at" << displayHost(config.url) << "max" << config.maxConcurrent;
    emit hostAdded(config.name);
    return {};
}

rt::Status EndpointPool::removeHost(const QString &name)
{
    const auto host = m_hosts.value(name);
    if (!host)
        return Error { QStringLiteral("not_found"), Tr::tr("There is no Ollama host named “%1”.").arg(name) };
    m_hosts.remove(name);
    m_order.removeAll(name);
    host->generation = 0;
    std::deque<Waiter> waiters;
    waiters.swap(host->waiters);
    destroyHost(*host);
    if (m_metrics) {
        namespace mn = rt::metrics::name;
        for (const QString &family : { mn::ActiveStreams, mn::QueuedRequests, mn::HostUp, mn::HostBreaker, mn::HostProbeSeconds,
                 mn::HostInfo, mn::HostModelBytes, mn::HostModelVramBytes, mn::HostModelExpiry })
            m_metrics->removeWhere(family, QStringLiteral("host"), name);
    }
    emit hostRemoved(name);
    // Waiting requests learn the host is gone (an invalid lease) and re-route.
    for (Waiter &w : waiters) {
        m_tickets.remove(w.ticket);
        if (!w.hasContext || w.context)
            w.granted(HostLease {});
    }
    const bool available = anyAvailable();
    if (available != m_lastAvailability) {
        m_lastAvailability = available;
        emit availabilityChanged(available);
    }
    return {};
}

rt::Status EndpointPool::updateHost(const HostConfig &config)
{
    const auto host = m_hosts.value(config.name);
    if (!host)
        return Error { QStringLiteral("not_found"), Tr::tr("There is no Ollama host named “%1”.").arg(config.name) };
    if (!config.url.isValid() || config.url.host().isEmpty())
        return Error { QStringLiteral("invalid"),
            Tr::tr("The URL of the Ollama host “%1” is not valid; use a form like http://127.0.0.1:11434.").arg(config.name) };
    const bool urlChanged = host->config.url != config.url;
    host->config.url = config.url;
    host->config.maxConcurrent = qBound(1, config.maxConcurrent, HostConfig::MaxConcurrentLimit);
    ClientConfig c = m_clientConfig;
    c.baseUrl = config.url;
    host->control->setConfig(c);
    host->transfer->setConfig(c);
    for (OllamaClient *lane : std::as_const(host->lanes))
        lane->setConfig(c);
    const int lanes = (host->config.maxConcurrent + ConnectionsPerManager - 1) / ConnectionsPerManager;
    while (host->lanes.size() < lanes) {
        auto *nam = new QNetworkAccessManager(this);
        host->streamNams.append(nam);
        host->lanes.append(new OllamaClient(c, nam, this));
        host->laneActive.append(0);
    }
    if (urlChanged) {
        host->models.reset();
        host->missing.clear();
        host->failures = 0;
        host->cooldownMs = 0;
        host->cooldown->stop();
        probe(config.name);
    }
    scheduleGrants(config.name);
    return {};
}

QStringList EndpointPool::hostNames() const
{
    return m_order;
}

QString EndpointPool::defaultHost() const
{
    return m_order.value(0);
}

std::optional<HostConfig> EndpointPool::hostConfig(const QString &name) const
{
    const auto host = m_hosts.value(name);
    if (!host)
        return std::nullopt;
    return host->config;
}

HostStatus EndpointPool::status(const QString &name) const
{
    HostStatus s;
    const auto h = m_hosts.value(name);
    if (!h)
        return s;
    s.config = h->config;
    s.state = h->state;
    s.consecutiveFailures = h->failures;
    s.lastError = h->lastError;
    s.lastSuccess = h->lastSuccess;
    s.retryAt = h->retryAt;
    s.version = h->version;
    s.active = h->active;
    s.queued = int(h->waiters.size());
    s.modelsKnown = h->models.has_value();
    if (h->models) {
        s.models = QStringList(h->models->cbegin(), h->models->cend());
        s.models.sort();
    }
    return s;
}

QList<HostStatus> EndpointPool::statuses() const
{
    QList<HostStatus> list;
    for (const QString &name : m_order)
        list.append(status(name));
    return list;
}

bool EndpointPool::isAvailable(const QString &name) const
{
    const auto h = m_hosts.value(name);
    return h && h->state == HostState::Online;
}

bool EndpointPool::anyAvailable() const
{
    for (const auto &h : m_hosts) {
        if (h->state == HostState::Online)
            return true;
    }
    return false;
}

OllamaClient *EndpointPool::controlClient(const QString &name) const
{
    const auto h = m_hosts.value(name);
    return h ? h->control : nullptr;
}

// ------------------------------------------------------------ model knowledge

void EndpointPool::setHostModels(const QString &name, const QStringList &models)
{
    const auto h = m_hosts.value(name);
    if (!h)
        return;
    QSet<QString> set;
    for (const QString &m : models)
        set.insert(normalizeModelName(m));
    const bool changed = !h->models || *h->models != set;
    h->models = set;
    h->missing.clear();
    if (changed)
        emit hostModelsChanged(name);
}

void EndpointPool::noteModelMissing(const QString &name, const QString &model)
{
    const auto h = m_hosts.value(name);
    if (!h || model.isEmpty())
        return;
    const QString norm = normalizeModelName(model);
    h->missing.insert(norm);
    if (h->models && h->models->remove(norm))
        emit hostModelsChanged(name);
}

void EndpointPool::noteModelPresent(const QString &name, const QString &model)
{
    const auto h = m_hosts.value(name);
    if (!h || model.isEmpty())
        return;
    const QString norm = normalizeModelName(model);
    h->missing.remove(norm);
    if (h->models && !h->models->contains(norm)) {
        h->models->insert(norm);
        emit hostModelsChanged(name);
    }
}

void EndpointPool::recheckModel(const QString &model)
{
    const QString norm = normalizeModelName(model);
    for (const auto &h : std::as_const(m_hosts)) {
        h->missing.remove(norm);
        if (h->models && !h->models->contains(norm))
            h->models.reset(); // unknown until the next list
    }
}

std::optional<bool> EndpointPool::hostHasModel(const QString &name, const QString &model) const
{
    const auto h = m_hosts.value(name);
    if (!h)
        return false;
    const QString norm = normalizeModelName(model);
    if (h->missing.contains(norm))
        return false;
    if (!h->models)
        return std::nullopt;
    return h->models->contains(norm);
}

QStringList EndpointPool::hostsWithModel(const QString &model) const
{
    QStringList list;
    for (const QString &name : m_order) {
        if (hostHasModel(name, model).value_or(false))
            list.append(name);
    }
    return list;
}

// ------------------------------------------------------------------- routing

double EndpointPool::load(const Host &h) const
{
    return double(h.active + int(h.waiters.size())) / double(h.config.maxConcurrent);
}

rt::Result<Route> EndpointPool::route(const QStringList &modelsToTry, const QSet<QString> &excludeHosts, const QString &preferredHost) const
{
    QList<const Host *> online;
    for (const QString &name : m_order) {
        const Host *h = m_hosts.value(name).get();
        if (h->state == HostState::Online && !excludeHosts.contains(name))
            online.append(h);
    }
    if (online.isEmpty()) {
        if (m_order.isEmpty())
            return Error { ErrorCode::Unreachable, Tr::tr("No Ollama host is configured; add one in the settings.") };
        QStringList why;
        for (const QString &name : m_order) {
            const Host *h = m_hosts.value(name).get();
            if (!excludeHosts.contains(name) || h->state != HostState::Online)
                why.append(h->lastError.isEmpty() ? QStringLiteral("%1 (%2)").arg(name, hostStateName(h->state)) : h->lastError);
        }
        const bool single = m_order.size() == 1;
        return Error { ErrorCode::Unreachable,
            single ? why.value(0, Tr::tr("The Ollama host is offline; check that Ollama is running."))
                   : Tr::tr("No Ollama host is reachable right now; check that Ollama is running. %1").arg(why.join(QLatin1Char(' '))) };
    }

    auto pick = [&](const QList<const Host *> &hosts) -> const Host * {
        const Host *best = nullptr;
        for (const Host *h : hosts) {
            if (h->config.name == preferredHost)
                return h;
            if (!best || load(*h) < load(*best))
                best = h;
        }
        return best;
    };

    QStringList models;
    for (const QString &m : modelsToTry) {
        if (!m.trimmed().isEmpty())
            models.append(m.trimmed());
    }
    if (models.isEmpty())
        return Route { pick(online)->config.name, QString() };

    for (const QString &model : std::as_const(models)) {
        QList<const Host *> known, unknown;
        for (const Host *h : std::as_const(online)) {
            const std::optional<bool> has = hostHasModel(h->config.name, model);
            if (has.has_value() && *has)
                known.append(h);
            else if (!has.has_value())
                unknown.append(h);
        }
        if (!known.isEmpty())
            return Route { pick(known)->config.name, model };
        if (!unknown.isEmpty())
            return Route { pick(unknown)->config.name, model };
    }
    const bool several = models.size() > 1;
    return Error { ErrorCode::ModelNotFound,
        several ? Tr::tr("None of the models %1 is installed on a reachable Ollama host; pull one with: roundtable models pull %2")
                      .arg(models.join(QStringLiteral(", ")), models.first())
                : Tr::tr("The model “%1” is not installed on a reachable Ollama host; pull it with: roundtable models pull %1")
                      .arg(models.first()) };
}

// --------------------------------------------------------------------- slots

quint64 EndpointPool::acquire(const QString &name, QObject *context, std::function<void(HostLease)> granted)
{
    const auto h = m_hosts.value(name);
    if (!h) {
        granted(HostLease {});
        return 0;
    }
    const quint64 ticket = m_nextTicket++;
    h->waiters.push_back(Waiter { ticket, QPointer<QObject>(context), context != nullptr, std::move(granted) });
    m_tickets.insert(ticket, name);
    if (h->active < h->config.maxConcurrent && h->waiters.size() == 1) {
        grantWaiting(name); // a free slot: granted before returning
        return m_tickets.contains(ticket) ? ticket : 0;
    }
    if (h->active < h->config.maxConcurrent)
        scheduleGrants(name);
    emitSlots(*h);
    return ticket;
}

void EndpointPool::cancelAcquire(quint64 ticket)
{
    const QString name = m_tickets.take(ticket);
    const auto h = m_hosts.value(name);
    if (!h)
        return;
    for (auto it = h->waiters.begin(); it != h->waiters.end(); ++it) {
        if (it->ticket == ticket) {
            h->waiters.erase(it);
            emitSlots(*h);
            return;
        }
    }
}

void EndpointPool::grantWaiting(const QString &name)
{
    const auto h = m_hosts.value(name);
    if (!h)
        return;
    while (h->active < h->config.maxConcurrent && !h->waiters.empty()) {
        Waiter w = std::move(h->waiters.front());
        h->waiters.pop_front();
        m_tickets.remove(w.ticket);
        if (w.hasContext && !w.context)
            continue; // the requester is gone
        int lane = 0;
        for (int i = 1; i < h->lanes.size(); ++i) {
            if (h->laneActive[i] < h->laneActive[lane])
                lane = i;
        }
        ++h->active;
        ++h->laneActive[lane];
        HostLease lease;
        lease.m_pool = this;
        lease.m_host = name;
        lease.m_client = h->lanes[lane];
        lease.m_lane = lane;
        lease.m_generation = h->generation;
        emitSlots(*h);
        w.granted(std::move(lease));
    }
    emitSlots(*h);
}

void EndpointPool::releaseLease(const QString &name, int lane, quint64 generation)
{
    const auto h = m_hosts.value(name);
    if (!h || h->generation != generation || generation == 0)
        return;
    --h->active;
    if (lane >= 0 && lane < h->laneActive.size())
        --h->laneActive[lane];
    emitSlots(*h);
    scheduleGrants(name);
}

void EndpointPool::scheduleGrants(const QString &name)
{
    // Later, not inside the releasing caller's stack.
    QMetaObject::invokeMethod(
        this, [this, name] { grantWaiting(name); }, Qt::QueuedConnection);
}

void EndpointPool::emitSlots(const Host &h)
{
    if (m_metrics) {
        namespace mn = rt::metrics::name;
        m_metrics->gauge(mn::ActiveStreams, { h.config.name })->set(h.active);
        m_metrics->gauge(mn::QueuedRequests, { h.config.name })->set(double(h.waiters.size()));
        int total = 0;
        for (const auto &host : std::as_const(m_hosts))
            total += host->active;
        m_metrics->gauge(mn::ConnectionsPeak)->raiseTo(total);
    }
    emit slotsChanged(h.config.name, h.active, int(h.waiters.size()));
}

void EndpointPool::setMetrics(std::shared_ptr<rt::metrics::MetricsRegistry> registry)
{
    m_metrics = std::move(registry);
    for (const auto &h : std::as_const(m_hosts)) {
        h->control->setMetrics(m_metrics, h->config.name);
        h->transfer->setMetrics(m_metrics, h->config.name);
        publishHost(*h);
        emitSlots(*h);
    }
}

void EndpointPool::publishHost(const Host &h)
{
    if (!m_metrics)
        return;
    namespace mn = rt::metrics::name;
    m_metrics->gauge(mn::HostUp, { h.config.name })->set(h.state == HostState::Online ? 1 : 0);
    m_metrics->gauge(mn::HostBreaker, { h.config.name })->set(h.state == HostState::Online ? 0 : h.state == HostState::Probing ? 2 : 1);
}

void EndpointPool::fetchLoadedModels(const QString &name)
{
    const auto h = m_hosts.value(name);
    if (!h || !m_metrics)
        return;
    const quint64 generation = h->generation;
    h->control->fetchRunning(this, [this, name, generation](const Result<QJsonObject> &result) {
        const auto h = m_hosts.value(name);
        if (!h || h->generation != generation || !result || !m_metrics)
            return;
        namespace mn = rt::metrics::name;
        for (const QString &family : { mn::HostModelBytes, mn::HostModelVramBytes, mn::HostModelExpiry })
            m_metrics->removeWhere(family, QStringLiteral("host"), name);
        const QJsonArray models = result->value(QStringLiteral("models")).toArray();
        for (const QJsonValue &value : models) {
            const QJsonObject m = value.toObject();
            const QString model = m.value(QStringLiteral("name")).toString(m.value(QStringLiteral("model")).toString());
            m_metrics->gauge(mn::HostModelBytes, { name, model })->set(m.value(QStringLiteral("size")).toDouble());
            m_metrics->gauge(mn::HostModelVramBytes, { name, model })->set(m.value(QStringLiteral("size_vram")).toDouble());
            const QDateTime expires = QDateTime::fromString(m.value(QStringLiteral("expires_at")).toString(), Qt::ISODateWithMs);
            if (expires.isValid())
                m_metrics->gauge(mn::HostModelExpiry, { name, model })->set(double(expires.toMSecsSinceEpoch()) / 1000.0);
        }
    });
}

// ------------------------------------------------------------------- breaker

bool EndpointPool::isHostFailure(const rt::Error &error)
{
    return error.code == ErrorCode::Unreachable || error.code == ErrorCode::ConnectTimeout || error.code == ErrorCode::Network
        || error.code == ErrorCode::FirstTokenTimeout;
}

void EndpointPool::reportSuccess(const QString &name)
{
    const auto h = m_hosts.value(name);
    if (!h)
        return;
    h->failures = 0;
    h->lastSuccess = QDateTime::currentDateTimeUtc();
    if (h->state == HostState::Online)
        h->lastError.clear();
}

void EndpointPool::reportFailure(const QString &name, const rt::Error &error)
{
    const auto h = m_hosts.value(name);
    if (!h || !isHostFailure(error))
        return;
    ++h->failures;
    h->lastError = error.message;
    qCDebug(lcLlm).noquote() << "host" << name << "failure" << h->failures << error.code;
    // A refused connection is as conclusive as a failed probe: nothing listens
    // there now. Timeouts and dropped streams may be passing, so they count.
    const bool refused = error.code == ErrorCode::Unreachable;
    if (h->state == HostState::Online && (refused || h->failures >= m_options.failureThreshold))
        openBreaker(*h, error.message);
}

void EndpointPool::setState(Host &h, HostState state, const QString &message)
{
    if (h.state == state)
        return;
    h.state = state;
    publishHost(h);
    qCInfo(lcLlm).noquote() << "host" << h.config.name << "is" << hostStateName(state) << "-" << message;
    emit hostStateChanged(h.config.name, state, message);
    const bool available = anyAvailable();
    if (available != m_lastAvailability) {
        m_lastAvailability = available;
        emit availabilityChanged(available);
    }
}

void EndpointPool::openBreaker(Host &h, const QString &reason)
{
    h.cooldownMs = h.cooldownMs <= 0 ? m_options.cooldownMs : qMin(h.cooldownMs * 2, m_options.maxCooldownMs);
    h.retryAt = QDateTime::currentDateTimeUtc().addMSecs(h.cooldownMs);
    h.lastError = reason;
    h.cooldown->start(h.cooldownMs);
    const QString name = h.config.name;
    setState(h, HostState::Offline,
        Tr::tr("Ollama host “%1” at %2 is offline (%3); retrying in %4 s.")
            .arg(name, displayHost(h.config.url), reason)
            .arg((h.cooldownMs + 999) / 1000));
    // Requests queued for this host move elsewhere: they get an invalid lease.
    std::deque<Waiter> waiters;
    waiters.swap(h.waiters);
    for (Waiter &w : waiters)
        m_tickets.remove(w.ticket);
    emitSlots(h);
    for (Waiter &w : waiters) {
        if (!w.hasContext || w.context)
            w.granted(HostLease {});
    }
}

void EndpointPool::probe(const QString &name)
{
    const auto h = m_hosts.value(name);
    if (!h || h->probing)
        return;
    h->probing = true;
    const bool halfOpen = h->state != HostState::Online;
    if (halfOpen) {
        h->cooldown->stop();
        setState(*h, HostState::Probing, Tr::tr("Checking whether Ollama host “%1” is back.").arg(name));
    }
    const quint64 generation = h->generation;
    QElapsedTimer clock;
    clock.start();
    h->control->requestJson(
        "GET", QStringLiteral("/api/version"), {}, {}, this,
        [this, name, generation, halfOpen, clock](const Result<QJsonObject> &result) {
            const auto h = m_hosts.value(name);
            if (!h || h->generation != generation)
                return;
            h->probing = false;
            if (result) {
                h->version = result->value(QStringLiteral("version")).toString();
                if (m_metrics) {
                    namespace mn = rt::metrics::name;
                    m_metrics->gauge(mn::HostProbeSeconds, { name })->set(double(clock.elapsed()) / 1000.0);
                    m_metrics->removeWhere(mn::HostInfo, QStringLiteral("host"), name);
                    m_metrics->gauge(mn::HostInfo, { name, h->version })->set(1);
                    fetchLoadedModels(name);
                }
                h->failures = 0;
                h->cooldownMs = 0;
                h->lastSuccess = QDateTime::currentDateTimeUtc();
                h->lastError.clear();
                if (h->state != HostState::Online)
                    setState(*h, HostState::Online, Tr::tr("Ollama host “%1” is back online.").arg(name));
                scheduleGrants(name);
                return;
            }
            // A failed probe is conclusive: the cheapest request did not work.
            if (!halfOpen && h->state != HostState::Online)
                return; // a request failure opened it meanwhile
            openBreaker(*h, result.error().message);
        },
        m_options.probeTimeoutMs);
}

void EndpointPool::probeNow(const QString &name)
{
    const QStringList names = name.isEmpty() ? m_order : QStringList { name };
    for (const QString &n : names)
        probe(n);
}

void EndpointPool::onHealthTick()
{
    for (const QString &name : std::as_const(m_order)) {
        const auto h = m_hosts.value(name);
        if (h && h->state == HostState::Online)
            probe(name);
    }
}

void EndpointPool::startHealthChecks()
{
    probeNow();
    if (m_options.healthIntervalMs > 0)
        m_healthTimer.start(m_options.healthIntervalMs);
}

void EndpointPool::stopHealthChecks()
{
    m_healthTimer.stop();
}

PooledChat *EndpointPool::chat(const ChatRequest &request, const QStringList &modelsToTry, const QString &preferredHost)
{
    QStringList models = modelsToTry;
    if (models.isEmpty() && !request.model.isEmpty())
        models.append(request.model);
    auto *chat = new PooledChat(this, request, models, preferredHost, this);
    chat->start();
    return chat;
}

ModelPull *EndpointPool::pull(const QString &name, const QString &model)
{
    const auto h = m_hosts.value(name);
    if (!h)
        return nullptr;
    return new ModelPull(h->transfer, model, name, this);
}

} // namespace rt::llm
