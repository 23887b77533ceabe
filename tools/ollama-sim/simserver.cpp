#include "simserver.h"

#include "httpconnection.h"
#include "simapi.h"

#include <QHostAddress>
#include <QTcpSocket>

using namespace Qt::StringLiterals;

namespace rt::sim {

SimServer::SimServer(const SimOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{
    connect(&m_server, &QTcpServer::newConnection, this, &SimServer::onNewConnection);
}

SimServer::~SimServer()
{
    // Connections (and the streams they own) report to the API's stats when
    // they go; delete them while the API still exists.
    m_server.close();
    qDeleteAll(findChildren<HttpConnection *>(Qt::FindDirectChildrenOnly));
    delete m_api;
    m_api = nullptr;
}

bool SimServer::start(QString *error)
{
    if (!m_options.modelsFile.isEmpty() && !m_models.loadFile(m_options.modelsFile, error))
        return false;
    m_api = new SimApi(m_options, &m_models, this);
    QHostAddress address;
    if (m_options.host == u"localhost"_s)
        address = QHostAddress(QHostAddress::LocalHost);
    else if (!address.setAddress(m_options.host)) {
        *error = u"--host must be an IP address, got \"%1\""_s.arg(m_options.host);
        return false;
    }
    m_server.setMaxPendingConnections(512);
    if (!m_server.listen(address, m_options.port)) {
        *error = u"cannot listen on %1:%2: %3"_s.arg(m_options.host).arg(m_options.port).arg(m_server.errorString());
        return false;
    }
    return true;
}

QString SimServer::baseUrl() const
{
    const QHostAddress a = m_server.serverAddress();
    QString host = a.toString();
    if (a == QHostAddress(QHostAddress::AnyIPv4) || a == QHostAddress(QHostAddress::Any))
        host = u"127.0.0.1"_s;
    else if (a == QHostAddress(QHostAddress::AnyIPv6))
        host = u"[::1]"_s;
    else if (a.protocol() == QAbstractSocket::IPv6Protocol)
        host = u'[' + host + u']';
    return u"http://%1:%2"_s.arg(host).arg(m_server.serverPort());
}

void SimServer::onNewConnection()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        auto *conn = new HttpConnection(socket, this);
        connect(conn, &HttpConnection::requestReceived, m_api, [this, conn](const HttpRequest &request) { m_api->handle(conn, request); });
    }
}

} // namespace rt::sim
