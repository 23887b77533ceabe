#pragma once

#include "common/result.h"
#include "localserver.h"

#include <QFuture>
#include <QObject>
#include <QThread>
#include <QUrl>
#include <memory>

namespace rt::llm {
class EndpointPool;
}
namespace rt::storage {
class Storage;
}
namespace rt::tasks {
class TaskManager;
}

namespace rt::metrics {
class MetricsRegistry;
class MetricsSampler;
} // namespace rt::metrics

namespace rt::server {

class LiveFeed;

// The metrics of one process and its local server: the registry (fed by the
// pool, storage, tasks and debates it is attached to), the sampler (charts,
// health, persistence) and, when started, the LocalServer on a thread of its
// own, so scrapes and (#11) viewers never wait for the window.
class MetricsService final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MetricsService)
public:
    explicit MetricsService(QObject *parent = nullptr);
    ~MetricsService() override; // stops the server first

    const std::shared_ptr<rt::metrics::MetricsRegistry> &registry() const { return m_registry; }
    rt::metrics::MetricsSampler *sampler() const { return m_sampler; }
    // What remote viewers see; debates on an attached pool publish there.
    const std::shared_ptr<LiveFeed> &feed() const { return m_feed; }

    // Feeds the registry from these (each may be null) and persists samples
    // into `storage` (MetricsPersistSec, MetricsRetentionDays).
    void attach(rt::llm::EndpointPool *pool, rt::storage::Storage *storage, rt::tasks::TaskManager *tasks);

    // Starts the server thread and listens; the future holds the server's URL.
    // A fresh viewer token is made when options.viewerToken is empty.
    QFuture<rt::Result<QUrl>> startServer(const ServerOptions &options);
    void stopServer();
    bool isServing() const { return m_serverThread != nullptr; }
    QUrl serverUrl() const { return m_url; }
    QString token() const { return m_options.token; }
    QString viewerToken() const { return m_options.viewerToken; }
    // The link to share: the viewer page with the token. For a server that
    // listens on every interface, the host is this machine's first network
    // address others can reach (loopback when it has none).
    QUrl viewerUrl() const;
    // The same for `url` (a server URL) and `token`.
    static QUrl viewerUrlFor(const QUrl &serverUrl, const QHostAddress &bound, const QString &token);

    // The /metrics token of this installation (AppSettings::ServerToken),
    // generated and saved on first use.
    static QString storedToken();
    // The options from the settings (port, bind address, token, loopback rule).
    static ServerOptions optionsFromSettings();

signals:
    void serverStarted(const QUrl &url);
    void serverStopped();

private:
    std::shared_ptr<rt::metrics::MetricsRegistry> m_registry;
    std::shared_ptr<LiveFeed> m_feed;
    rt::metrics::MetricsSampler *m_sampler = nullptr;
    QThread *m_serverThread = nullptr;
    QObject *m_anchor = nullptr; // lives on m_serverThread; the LocalServer is its child
    ServerOptions m_options;
    QUrl m_url;
};

} // namespace rt::server
