#include "localserver.h"

#include "common/logging.h"
#include "common/translate.h"
#include "metrics/metricnames.h"
#include "metrics/metricsregistry.h"

#include <QCoreApplication>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QTcpServer>
#include <QTcpSocket>

namespace rt::server {

namespace {
RT_TRANSLATION_CONTEXT("rt::server")

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

// Constant-time comparison, so the token cannot be guessed byte by byte.
bool sameToken(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}
} // namespace

LocalServer::LocalServer(std::shared_ptr<rt::metrics::MetricsRegistry> registry, HealthSource health, QObject *parent)
    : QAbstractHttpServer(parent)
    , m_registry(std::move(registry))
    , m_health(std::move(health))
{
}

LocalServer::~LocalServer() = default;

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
    auto *tcp = new QTcpServer(this);
    if (!tcp->listen(options.address, options.port)) {
        const QString reason = tcp->errorString();
        delete tcp;
        return rt::Error { QStringLiteral("listen_failed"),
            tr("Cannot listen on %1 port %2: %3. Choose another port or stop what uses it.")
                .arg(options.address.toString())
                .arg(options.port)
                .arg(reason) };
    }
    bind(tcp);
    qCDebug(lcRemote).noquote() << "listening on" << options.address.toString() << tcp->serverPort();
    return tcp->serverPort();
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
    const QString path = request.url().path();
    const bool known = path == QLatin1String("/metrics") || path == QLatin1String("/health");
    if (!known)
        return false; // missingHandler answers 404
    // Runs after the responder below is gone: the answer is queued, then the close.
    const auto closeAfter = qScopeGuard([socket, close = wantsClose(request)] {
        if (close)
            socket->disconnectFromHost();
    });
    QHttpServerResponder responder = makeResponder(request, socket);
    if (request.method() != QHttpServerRequest::Method::Get) {
        count(path, 405);
        responder.write(errorJson(tr("Only GET is allowed on %1.").arg(path)),
            { { "Content-Type", "application/json" }, { "Allow", "GET" } }, Status::MethodNotAllowed);
        return true;
    }
    const bool authorizedRequest = authorized(request);
    if (path == QLatin1String("/metrics")) {
        if (!authorizedRequest) {
            count(path, 401);
            responder.write(errorJson(tr("A valid bearer token is required: send “Authorization: Bearer TOKEN” with the token "
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
            { QStringLiteral("details"), tr("Send the bearer token for hosts and figures.") } };
    }
    const bool down = report.status == rt::metrics::HealthStatus::Down;
    count(path, down ? 503 : 200);
    responder.write(QJsonDocument(body).toJson(QJsonDocument::Compact) + '\n',
        { { "Content-Type", "application/json" }, { "Cache-Control", "no-store" } }, down ? Status::ServiceUnavailable : Status::Ok);
    return true;
}

void LocalServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    const auto closeAfter = qScopeGuard([socket, close = wantsClose(request)] {
        if (close)
            socket->disconnectFromHost();
    });
    count(QStringLiteral("other"), 404);
    makeResponder(request, socket)
        .write(errorJson(tr("Nothing here: %1. Try /metrics or /health.").arg(request.url().path())),
            { { "Content-Type", "application/json" } }, Status::NotFound);
}

} // namespace rt::server
