#include "metricsservice.h"

#include "common/appsettings.h"
#include "common/futurecallback.h"
#include "common/logging.h"
#include "llm/endpointpool.h"
#include "metrics/metricnames.h"
#include "metrics/metricsregistry.h"
#include "metrics/metricssampler.h"
#include "storage/storage.h"
#include "tasks/taskmanager.h"

#include <QPromise>

namespace rt::server {

MetricsService::MetricsService(QObject *parent)
    : QObject(parent)
    , m_registry(rt::metrics::createRegistry())
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
    if (pool)
        pool->setMetrics(m_registry);
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
    return options;
}

QFuture<rt::Result<QUrl>> MetricsService::startServer(const ServerOptions &options)
{
    using R = rt::Result<QUrl>;
    stopServer();
    if (options.address.isNull())
        return QtFuture::makeReadyFuture(R(rt::Error { QStringLiteral("usage"), tr("The address to listen on is not valid.") }));
    m_options = options;
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
    m_serverThread->start();

    auto promise = std::make_shared<QPromise<R>>();
    promise->start();
    QFuture<R> future = promise->future();
    std::shared_ptr<rt::metrics::MetricsRegistry> registry = m_registry;
    QObject *anchor = m_anchor;
    QMetaObject::invokeMethod(
        anchor,
        [anchor, registry, sampler, options, promise] {
            auto *server = new LocalServer(
                registry, [sampler] { return sampler->health(); }, anchor);
            const rt::Result<quint16> port = server->start(options);
            if (!port.ok()) {
                promise->addResult(R(port.error()));
            } else {
                QUrl url;
                url.setScheme(QStringLiteral("http"));
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

void MetricsService::stopServer()
{
    if (!m_serverThread)
        return;
    m_serverThread->quit();
    m_serverThread->wait(); // the server is deleted on the thread's finished()
    delete m_serverThread;
    m_serverThread = nullptr;
    m_anchor = nullptr;
    m_url.clear();
    emit serverStopped();
}

} // namespace rt::server
