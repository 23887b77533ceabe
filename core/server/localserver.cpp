#include "localserver.h"

#include "common/logging.h"
#include "common/translate.h"
#include "livefeed.h"
#include "metrics/metricnames.h"
#include "metrics/metricsregistry.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QFile>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QWebSocket>
#include <mutex>

namespace rt::server {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::server)
};

using Status = QHttpServerResponder::StatusCode;

QByteArray errorJson(const QString &message)
{
    return QJsonDocument(QJsonObject { { QStringLiteral("error"), message } }).toJson(QJsonDocument::Compact) + '\n';
}

// A request header by its case-insensitive name, trimmed (the last one wins).
QByteArray headerValue(const QHttpServerRequest &request, QByteArrayView name)
{
    QByteArray found;
    for (const auto &[key, value] : request.headers()) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            found = value.trimmed();
    }
    return found;
}

} // namespace

namespace {
// Qt HttpServer 6.4 warns "WebSocket received but no slots connected ... or
// request not handled" for every upgrade this server refused (and already
// answered with a status and reason); viewers refused are counted in the
// metrics instead. Other filters keep working.
QLoggingCategory::CategoryFilter previousFilter = nullptr;
void quietUpgradeRefusals(QLoggingCategory *category)
{
    if (previousFilter)
        previousFilter(category);
    if (qstrcmp(category->categoryName(), "qt.httpserver") == 0)
        category->setEnabled(QtWarningMsg, false);
}
} // namespace

LocalServer::LocalServer(std::shared_ptr<rt::metrics::MetricsRegistry> registry, HealthSource health, QObject *parent)
    : QAbstractHttpServer(parent)
    , m_registry(std::move(registry))
    , m_health(std::move(health))
{
    static std::once_flag once;
    std::call_once(once, [] { previousFilter = QLoggingCategory::installFilter(quietUpgradeRefusals); });
}

LocalServer::~LocalServer() = default;

void LocalServer::setLiveFeed(std::shared_ptr<LiveFeed> feed, ViewerHub::MetricsSource metrics)
{
    m_feed = std::move(feed);
    m_feedMetrics = std::move(metrics);
}

bool LocalServer::sameToken(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

QString LocalServer::generateToken()
{
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(words), sizeof words).toHex());
}

QByteArray LocalServer::contentTypeMetrics()
{
    return QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8");
}

rt::Result<quint16> LocalServer::start(const ServerOptions &options)
{
    m_options = options;
    // Our own QTcpServer, so a failure to bind gets its reason in words.
    std::unique_ptr<QTcpServer> tcp;
    if (options.tls()) {
        if (!QSslSocket::supportsSsl())
            return rt::Error { QStringLiteral("tls_unavailable"), Tr::tr("TLS is not available on this system (no TLS backend for Qt).") };
        auto readFile = [](const QString &path, QByteArray *data) {
            QFile f(path);
            if (!f.open(QIODevice::ReadOnly))
                return f.errorString();
            *data = f.readAll();
            return QString();
        };
        QByteArray certPem;
        QByteArray keyPem;
        if (const QString why = readFile(options.certificateFile, &certPem); !why.isEmpty())
            return rt::Error { QStringLiteral("tls_certificate"),
                Tr::tr("Cannot read the certificate %1: %2.").arg(options.certificateFile, why) };
        if (const QString why = readFile(options.keyFile, &keyPem); !why.isEmpty())
            return rt::Error { QStringLiteral("tls_key"), Tr::tr("Cannot read the private key %1: %2.").arg(options.keyFile, why) };
        const QList<QSslCertificate> chain = QSslCertificate::fromData(certPem, QSsl::Pem);
        if (chain.isEmpty())
            return rt::Error { QStringLiteral("tls_certificate"), Tr::tr("%1 holds no PEM certificate.").arg(options.certificateFile) };
        QSslKey key(keyPem, QSsl::Rsa, QSsl::Pem);
        if (key.isNull())
            key = QSslKey(keyPem, QSsl::Ec, QSsl::Pem);
        if (key.isNull())
            return rt::Error { QStringLiteral("tls_key"),
                Tr::tr("%1 holds no unencrypted PEM private key (RSA or EC).").arg(options.keyFile) };
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.setLocalCertificateChain(chain);
        config.setPrivateKey(key);
        config.setPeerVerifyMode(QSslSocket::VerifyNone);
        auto ssl = std::make_unique<QSslServer>();
        ssl->setSslConfiguration(config);
        tcp = std::move(ssl);
    } else {
        tcp = std::make_unique<QTcpServer>();
    }
    if (!tcp->listen(options.address, options.port)) {
        return rt::Error { QStringLiteral("listen_failed"),
            Tr::tr("Cannot listen on %1 port %2: %3. Choose another port or stop what uses it.")
                .arg(options.address.toString())
                .arg(options.port)
                .arg(tcp->errorString()) };
    }
    const quint16 port = tcp->serverPort();
    tcp->setParent(this);
    bind(tcp.release());
    if (m_feed) {
        m_feed->setShareDebates(options.shareDebates);
        m_viewers = new ViewerHub(m_feed, m_registry, options.viewerToken, options.viewerLimits, m_feedMetrics, this);
    }
    connect(this, &QAbstractHttpServer::newWebSocketConnection, this, &LocalServer::acceptViewers);
    qCDebug(lcRemote).noquote() << "listening on" << options.address.toString() << port << (options.tls() ? "(TLS)" : "") << "with"
                                << QAbstractEventDispatcher::instance()->metaObject()->className();
    return port;
}

void LocalServer::acceptViewers()
{
    while (hasPendingWebSocketConnections()) {
        std::unique_ptr<QWebSocket> socket = nextPendingWebSocketConnection();
        if (!socket)
            break;
        if (m_viewers) {
            m_viewers->accept(std::move(socket));
        } else {
            count(QStringLiteral("/ws"), 404);
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("no viewers on this server"));
            socket.release()->deleteLater();
        }
    }
}

bool LocalServer::serveViewerFile(const QString &path, QHttpServerResponder &responder)
{
    static const QHash<QString, std::pair<QString, QByteArray>> files {
        { QStringLiteral("/"), { QStringLiteral(":/viewer/index.html"), "text/html; charset=utf-8" } },
        { QStringLiteral("/index.html"), { QStringLiteral(":/viewer/index.html"), "text/html; charset=utf-8" } },
        { QStringLiteral("/viewer.js"), { QStringLiteral(":/viewer/viewer.js"), "text/javascript; charset=utf-8" } },
        { QStringLiteral("/viewer.css"), { QStringLiteral(":/viewer/viewer.css"), "text/css; charset=utf-8" } },
    };
    const auto it = files.constFind(path);
    if (it == files.cend())
        return false;
    QFile f(it->first);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    count(path == QLatin1String("/index.html") ? QStringLiteral("/") : path, 200);
    // The page holds no secret (the token is in its URL, read by the script),
    // and never loads anything from elsewhere.
    responder.write(f.readAll(),
        { { "Content-Type", it->second }, { "Cache-Control", "no-cache" }, { "X-Content-Type-Options", "nosniff" },
            { "Referrer-Policy", "no-referrer" },
            { "Content-Security-Policy",
                "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                "frame-ancestors 'none'" } },
        Status::Ok);
    return true;
}

bool LocalServer::authorized(const QHttpServerRequest &request) const
{
    if (m_options.loopbackWithoutToken && request.remoteAddress().isLoopback())
        return true;
    if (m_options.token.isEmpty())
        return false;
    const QByteArray header = headerValue(request, "authorization");
    static const QByteArray scheme = QByteArrayLiteral("bearer ");
    if (header.size() <= scheme.size() || header.left(scheme.size()).compare(scheme, Qt::CaseInsensitive) != 0)
        return false;
    return sameToken(header.mid(scheme.size()).trimmed(), m_options.token.toUtf8());
}

void LocalServer::count(const QString &path, int code)
{
    m_registry->counter(rt::metrics::name::HttpRequests, { path, QString::number(code) })->add();
}

namespace {
// Qt HttpServer 6.4 keeps the connection open even when the client asked to
// close it; HTTP/1.1 says the server closes after the response (RFC 9112 9.6).
bool wantsClose(const QHttpServerRequest &request)
{
    return headerValue(request, "connection").compare("close", Qt::CaseInsensitive) == 0;
}
} // namespace

bool LocalServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    // Qt HttpServer 6.4 asks here before it upgrades a WebSocket request: true
    // (and nothing written) lets it upgrade; a refusal is a real HTTP answer,
    // then false, and Qt closes the connection.
    if (headerValue(request, "upgrade").compare("websocket", Qt::CaseInsensitive) == 0) {
        ViewerHub::Admission admission { 404, Tr::tr("This server has no viewers.") };
        if (m_viewers) {
            admission = m_viewers->admit(
                request.url(), headerValue(request, "origin"), headerValue(request, "host"), request.remoteAddress(), m_options.tls());
        }
        if (admission.ok())
            return true;
        count(QStringLiteral("/ws"), admission.status);
        QHttpServerResponder responder = makeResponder(request, socket);
        responder.write(
            errorJson(admission.reason), { { "Content-Type", "application/json" }, { "Connection", "close" } }, Status(admission.status));
        return false;
    }
    const QString path = request.url().path();
    const bool viewerFile = path == QLatin1String("/") || path == QLatin1String("/index.html") || path == QLatin1String("/viewer.js")
        || path == QLatin1String("/viewer.css");
    const bool known = path == QLatin1String("/metrics") || path == QLatin1String("/health") || path == QLatin1String("/ws") || viewerFile;
    if (!known)
        return false; // missingHandler answers 404
    // Runs after the responder below is gone: the answer is queued, then the close.
    const auto closeAfter = qScopeGuard([socket, close = wantsClose(request)] {
        if (close)
            socket->disconnectFromHost();
    });
    QHttpServerResponder responder = makeResponder(request, socket);
    if (request.method() == QHttpServerRequest::Method::Get && viewerFile && serveViewerFile(path, responder))
        return true;
    if (path == QLatin1String("/ws")) {
        count(path, 426);
        responder.write(errorJson(Tr::tr("/ws is for WebSocket viewers: open the viewer page instead.")),
            { { "Content-Type", "application/json" }, { "Upgrade", "websocket" }, { "Connection", "Upgrade" } }, Status::UpgradeRequired);
        return true;
    }
    if (request.method() != QHttpServerRequest::Method::Get) {
        count(path, 405);
        responder.write(errorJson(Tr::tr("Only GET is allowed on %1.").arg(path)),
            { { "Content-Type", "application/json" }, { "Allow", "GET" } }, Status::MethodNotAllowed);
        return true;
    }
    if (viewerFile) {
        count(path, 404);
        responder.write(
            errorJson(Tr::tr("The viewer page is not part of this build.")), { { "Content-Type", "application/json" } }, Status::NotFound);
        return true;
    }
    const bool authorizedRequest = authorized(request);
    if (path == QLatin1String("/metrics")) {
        if (!authorizedRequest) {
            count(path, 401);
            responder.write(errorJson(Tr::tr("A valid bearer token is required: send “Authorization: Bearer TOKEN” with the token "
                                             "shown in Settings or printed by roundtable serve.")),
                { { "Content-Type", "application/json" }, { "WWW-Authenticate", "Bearer realm=\"roundtable\"" } }, Status::Unauthorized);
            return true;
        }
        count(path, 200);
        responder.write(
            m_registry->renderPrometheus(), { { "Content-Type", contentTypeMetrics() }, { "Cache-Control", "no-store" } }, Status::Ok);
        return true;
    }
    // /health: the status for anyone (load balancers, uptime checks); the
    // details (host names, versions, figures) only with the token.
    const rt::metrics::HealthReport report = m_health ? m_health() : rt::metrics::HealthReport {};
    QJsonObject body;
    if (authorizedRequest) {
        body = report.toJson();
    } else {
        body = QJsonObject { { QStringLiteral("status"), rt::metrics::toString(report.status) },
            { QStringLiteral("uptime_seconds"), double(report.uptimeSeconds) },
            { QStringLiteral("details"), Tr::tr("Send the bearer token for hosts and figures.") } };
    }
    const bool down = report.status == rt::metrics::HealthStatus::Down;
    count(path, down ? 503 : 200);
    responder.write(QJsonDocument(body).toJson(QJsonDocument::Compact) + '\n',
        { { "Content-Type", "application/json" }, { "Cache-Control", "no-store" } }, down ? Status::ServiceUnavailable : Status::Ok);
    return true;
}

void LocalServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    // A refused WebSocket upgrade was answered in handleRequest; Qt 6.4 asks
    // here as well when that returned false.
    if (headerValue(request, "upgrade").compare("websocket", Qt::CaseInsensitive) == 0)
        return;
    const auto closeAfter = qScopeGuard([socket, close = wantsClose(request)] {
        if (close)
            socket->disconnectFromHost();
    });
    count(QStringLiteral("other"), 404);
    makeResponder(request, socket)
        .write(errorJson(Tr::tr("Nothing here: %1. Try /metrics, /health or / (the viewer page).").arg(request.url().path())),
            { { "Content-Type", "application/json" } }, Status::NotFound);
}

} // namespace rt::server
