#include "metricsservice.h"

#include "common/appsettings.h"
#include "common/futurecallback.h"
#include "common/logging.h"
#include "livefeed.h"
#include "llm/endpointpool.h"
#include "metrics/metricnames.h"
#include "metrics/metricsregistry.h"
#include "metrics/metricssampler.h"
#include "storage/storage.h"
#include "tasks/taskmanager.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QNetworkInterface>
#include <QPromise>
#include <QUrlQuery>
#include <mutex>

namespace rt::server {

namespace {
// The `metrics` event viewers get every 2 s: the health status, tokens per
// second since the last one, and the streams in flight. Runs on the server
// thread; reads only thread-safe sources.
ViewerHub::MetricsSource viewerMetrics(std::shared_ptr<rt::metrics::MetricsRegistry> registry, rt::metrics::MetricsSampler *sampler)
{
    struct Rate {
        std::mutex mutex;
        QElapsedTimer clock;
        double tokens = 0;
    };
    auto rate = std::make_shared<Rate>();
    return [registry, sampler, rate] {
        const double tokens = registry->sum(rt::metrics::name::Tokens);
        double perSecond = 0;
        {
            std::lock_guard lock(rate->mutex);
            if (rate->clock.isValid() && rate->clock.elapsed() > 0)
                perSecond = (tokens - rate->tokens) * 1000.0 / double(rate->clock.elapsed());
            rate->clock.start();
            rate->tokens = tokens;
        }
        const rt::metrics::HealthReport health = sampler->health();
        return QJsonObject { { QStringLiteral("status"), rt::metrics::toString(health.status) },
            { QStringLiteral("summary"), health.summary }, { QStringLiteral("tokens_per_second"), std::round(perSecond * 10) / 10 },
            { QStringLiteral("active_streams"), registry->sum(rt::metrics::name::ActiveStreams) } };
    };
}
} // namespace

MetricsService::MetricsService(QObject *parent)
    : QObject(parent)
    , m_registry(rt::metrics::createRegistry())
    , m_feed(std::make_shared<LiveFeed>())
    , m_sampler(new rt::metrics::MetricsSampler(m_registry, this))
{
    m_sampler->start();
}

MetricsService::~MetricsService()
{
    stopServer();
}

void MetricsService::attach(rt::llm::EndpointPool *pool, rt::storage::Storage *storage, rt::tasks::TaskManager *tasks)
{
    if (pool) {
        pool->setMetrics(m_registry);
        pool->setLiveFeed(m_feed);
    }
    if (storage) {
        storage->setMetrics(m_registry);
        m_sampler->setStorage(storage, AppSettings::value(AppSettings::MetricsPersistSec).toInt(),
            AppSettings::value(AppSettings::MetricsRetentionDays).toInt());
    }
    if (tasks)
        tasks->setMetrics(m_registry);
    m_sampler->sampleNow(); // /health knows the hosts from the start, not a second later
}

QString MetricsService::storedToken()
{
    QString token = AppSettings::value(AppSettings::ServerToken).toString();
    if (token.isEmpty()) {
        token = LocalServer::generateToken();
        AppSettings::setValue(AppSettings::ServerToken, token);
    }
    return token;
}

ServerOptions MetricsService::optionsFromSettings()
{
    ServerOptions options;
    const QString bind = AppSettings::value(AppSettings::ServerBind).toString();
    options.address = bind.isEmpty() ? QHostAddress(QHostAddress::LocalHost) : QHostAddress(bind);
    options.port = quint16(AppSettings::value(AppSettings::ServerPort).toUInt());
    options.token = storedToken();
    options.loopbackWithoutToken = AppSettings::value(AppSettings::ServerLoopbackWithoutToken).toBool();
    options.shareDebates = AppSettings::value(AppSettings::ServerShareDebates).toBool();
    options.viewerLimits.maxViewers = qMax(1, AppSettings::value(AppSettings::ServerMaxViewers).toInt());
    options.certificateFile = AppSettings::value(AppSettings::ServerCertificate).toString();
    options.keyFile = AppSettings::value(AppSettings::ServerKey).toString();
    return options;
}

QFuture<rt::Result<QUrl>> MetricsService::startServer(const ServerOptions &options)
{
    using R = rt::Result<QUrl>;
    stopServer();
    if (options.address.isNull())
        return QtFuture::makeReadyFuture(R(rt::Error { QStringLiteral("usage"), tr("The address to listen on is not valid.") }));
    m_options = options;
    if (m_options.viewerToken.isEmpty())
        m_options.viewerToken = LocalServer::generateToken();
    m_serverThread = new QThread(this);
    m_serverThread->setObjectName(QStringLiteral("rt-server"));
    rt::metrics::MetricsSampler *sampler = m_sampler;
    // The sampler outlives the server (stopServer() runs first in the destructor),
    // and health() is safe from any thread.
    // The server is created on its thread (so everything Qt HttpServer makes
    // inside it belongs there too) as a child of this anchor, which goes when
    // the thread finishes.
    m_anchor = new QObject;
    m_anchor->moveToThread(m_serverThread);
    connect(m_serverThread, &QThread::finished, m_anchor, &QObject::deleteLater);
    // The server thread gets Qt's plain Unix event loop instead of glib's:
    // with a thousand viewers glib's socket-notifier bookkeeping (a list
    // walked for every notifier switched on or off, once per frame per
    // viewer) took about 40% of the thread (bench-remote, perf). Qt picks
    // the dispatcher when the thread starts, from QT_NO_GLIB; it is set for
    // that moment only, unless the user set it.
    const bool setNoGlib = !qEnvironmentVariableIsSet("QT_NO_GLIB");
    if (setNoGlib) {
        qputenv("QT_NO_GLIB", "1");
        connect(
            m_serverThread, &QThread::started, m_serverThread, [] { qunsetenv("QT_NO_GLIB"); }, Qt::DirectConnection);
    }
    m_serverThread->start();

    auto promise = std::make_shared<QPromise<R>>();
    promise->start();
    QFuture<R> future = promise->future();
    std::shared_ptr<rt::metrics::MetricsRegistry> registry = m_registry;
    std::shared_ptr<LiveFeed> feed = m_feed;
    QObject *anchor = m_anchor;
    QMetaObject::invokeMethod(
        anchor,
        [anchor, registry, feed, sampler, options = m_options, promise] {
            auto *server = new LocalServer(
                registry, [sampler] { return sampler->health(); }, anchor);
            server->setLiveFeed(feed, viewerMetrics(registry, sampler));
            const rt::Result<quint16> port = server->start(options);
            if (!port.ok()) {
                promise->addResult(R(port.error()));
            } else {
                QUrl url;
                url.setScheme(options.tls() ? QStringLiteral("https") : QStringLiteral("http"));
                // A wildcard bind is reached through loopback on this machine.
                const bool any = options.address == QHostAddress::Any || options.address == QHostAddress::AnyIPv4
                    || options.address == QHostAddress::AnyIPv6;
                url.setHost(any ? QStringLiteral("127.0.0.1") : options.address.toString());
                url.setPort(port.value());
                promise->addResult(R(url));
            }
            promise->finish();
        },
        Qt::QueuedConnection);
    // The caller's future: finished here, on this thread, once the state is set.
    auto outer = std::make_shared<QPromise<R>>();
    outer->start();
    QFuture<R> answer = outer->future();
    rt::whenReady(future, this, [this, outer](const R &result) {
        if (!result.ok()) {
            stopServer();
        } else {
            m_url = result.value();
            emit serverStarted(m_url);
        }
        outer->addResult(result);
        outer->finish();
    });
    return answer;
}

QUrl MetricsService::viewerUrlFor(const QUrl &serverUrl, const QHostAddress &bound, const QString &token)
{
    if (!serverUrl.isValid())
        return {};
    QUrl url = serverUrl;
    const bool any = bound == QHostAddress::Any || bound == QHostAddress::AnyIPv4 || bound == QHostAddress::AnyIPv6;
    if (any) {
        // Others cannot use 127.0.0.1: offer an address of this machine on its network.
        for (const QHostAddress &a : QNetworkInterface::allAddresses()) {
            if (!a.isLoopback() && a.protocol() == QAbstractSocket::IPv4Protocol && !a.isLinkLocal()) {
                url.setHost(a.toString());
                break;
            }
        }
    }
    url.setPath(QStringLiteral("/"));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("token"), token);
    url.setQuery(query);
    return url;
}

QUrl MetricsService::viewerUrl() const
{
    return viewerUrlFor(m_url, m_options.address, m_options.viewerToken);
}

void MetricsService::stopServer()
{
    if (!m_serverThread)
        return;
    // Viewers are told why (1001 "server stopping"); the close frames get a
    // moment to leave before the sockets go.
    QMetaObject::invokeMethod(
        m_anchor,
        [anchor = m_anchor] {
            auto *server = anchor->findChild<LocalServer *>();
            if (!server || !server->viewers() || server->viewers()->viewerCount() == 0)
                return;
            server->viewers()->closeAll();
            QDeadlineTimer deadline(300);
            while (!deadline.hasExpired() && server->viewers()->closingCount() > 0)
                QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        },
        Qt::BlockingQueuedConnection);
    m_serverThread->quit();
    m_serverThread->wait(); // the server is deleted on the thread's finished()
    delete m_serverThread;
    m_serverThread = nullptr;
    m_anchor = nullptr;
    m_url.clear();
    emit serverStopped();
}

} // namespace rt::server
