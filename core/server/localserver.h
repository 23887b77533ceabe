#pragma once

#include "common/result.h"
#include "metrics/health.h"
#include "viewerhub.h"

#include <QAbstractHttpServer>
#include <QHostAddress>
#include <QString>
#include <functional>
#include <memory>

namespace rt::metrics {
class MetricsRegistry;
}

namespace rt::server {

struct ServerOptions {
    QHostAddress address = QHostAddress::LocalHost; // loopback unless the user picks an interface
    quint16 port = 0; // 0 = any free port
    QString token; // bearer token for /metrics and the details of /health
    bool loopbackWithoutToken = false; // requests from this machine need no token
    // Remote viewers (docs/remote-protocol.md): the token of this start
    // (MetricsService makes a fresh one when empty) and the limits.
    QString viewerToken;
    ViewerLimits viewerLimits;
    bool shareDebates = true;
    // TLS (https and wss) when both are set: PEM files.
    QString certificateFile;
    QString keyFile;

    bool tls() const { return !certificateFile.isEmpty() || !keyFile.isEmpty(); }
};

// The local HTTP server on one port: GET /metrics (Prometheus text format
// 0.0.4), GET /health (JSON; HTTP 503 when down), the viewer page (GET /,
// /viewer.js, /viewer.css) and WebSocket viewers on /ws (ViewerHub). Built on Qt HttpServer's
// QAbstractHttpServer, which parses HTTP and hands WebSocket upgrades over;
// routing and access are ours. Lives on the server thread (see
// MetricsService); reads only thread-safe sources.
class LocalServer final : public QAbstractHttpServer {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LocalServer)
public:
    using HealthSource = std::function<rt::metrics::HealthReport()>;

    LocalServer(std::shared_ptr<rt::metrics::MetricsRegistry> registry, HealthSource health, QObject *parent = nullptr);
    // Viewers on /ws are handed to `feed`'s hub, made at start(); without a
    // feed, WebSocket upgrades are closed.
    void setLiveFeed(std::shared_ptr<LiveFeed> feed, ViewerHub::MetricsSource metrics);
    ViewerHub *viewers() const { return m_viewers; }
    ~LocalServer() override;

    // Listens on options.address:options.port; the port actually bound, or an error.
    rt::Result<quint16> start(const ServerOptions &options);

    static QString generateToken(); // 128 random bits, hex
    // Constant-time comparison, so a token cannot be guessed byte by byte.
    static bool sameToken(const QByteArray &a, const QByteArray &b);
    static QByteArray contentTypeMetrics();

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    bool authorized(const QHttpServerRequest &request) const;
    void acceptViewers();
    bool serveViewerFile(const QString &path, QHttpServerResponder &responder);
    void count(const QString &path, int code);

    std::shared_ptr<rt::metrics::MetricsRegistry> m_registry;
    HealthSource m_health;
    ServerOptions m_options;
    std::shared_ptr<LiveFeed> m_feed;
    ViewerHub::MetricsSource m_feedMetrics;
    ViewerHub *m_viewers = nullptr; // child
};

} // namespace rt::server
