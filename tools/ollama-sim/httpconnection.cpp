#include "httpconnection.h"

#include "wireformat.h"

#include <QTcpSocket>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace rt::sim {

namespace {
constexpr qsizetype kMaxHeaderBytes = 1 << 20;
constexpr qint64 kMaxBodyBytes = qint64(512) << 20;
constexpr qint64 kHighWater = 512 * 1024;
constexpr qint64 kLowWater = 128 * 1024;
quint64 g_nextId = 1; // only touched from the server thread
} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_id(g_nextId++)
{
    m_socket->setParent(this);
    // Go's net/http sets TCP_NODELAY; so do we, so small chunks leave at once.
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_trickleTimer.setInterval(0);
    connect(&m_trickleTimer, &QTimer::timeout, this, &HttpConnection::trickleStep);
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::bytesWritten, this, &HttpConnection::onBytesWritten);
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::onDisconnected);
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
        if (m_socket->state() == QAbstractSocket::UnconnectedState)
            onDisconnected();
    });
    if (m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
}

HttpConnection::~HttpConnection() = default;

QByteArray HttpConnection::reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 411:
        return "Length Required";
    case 413:
        return "Request Entity Too Large";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    default:
        return "Unknown";
    }
}

void HttpConnection::onReadyRead()
{
    if (!m_open)
        return;
    m_in.append(m_socket->readAll());
    if (m_state == State::Idle)
        processBuffer();
}

void HttpConnection::processBuffer()
{
    m_processQueued = false;
    if (!m_open || m_state != State::Idle || m_in.isEmpty())
        return;

    const qsizetype headerEnd = m_in.indexOf("\r\n\r\n");
    if (headerEnd < 0) {
        if (m_in.size() > kMaxHeaderBytes)
            sendSimpleError(431, "431 Request Header Fields Too Large");
        return;
    }

    HttpRequest req;
    const QList<QByteArray> lines = QByteArrayView(m_in).first(headerEnd).toByteArray().split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    if (requestLine.size() != 3 || !requestLine.at(2).startsWith("HTTP/1.")) {
        sendSimpleError(400, "400 Bad Request");
        return;
    }
    req.method = requestLine.at(0);
    req.target = requestLine.at(1);
    req.version = requestLine.at(2);
    const qsizetype q = req.target.indexOf('?');
    req.path = QUrl::fromPercentEncoding(q < 0 ? req.target : req.target.left(q));
    qint64 contentLength = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        if (line.isEmpty())
            continue;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) {
            sendSimpleError(400, "400 Bad Request: malformed header");
            return;
        }
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        req.headers.append({ name, value });
        if (name == "content-length") {
            bool ok = false;
            contentLength = value.toLongLong(&ok);
            if (!ok || contentLength < 0) {
                sendSimpleError(400, "400 Bad Request: bad Content-Length");
                return;
            }
        }
    }
    if (req.header("transfer-encoding").toLower().contains("chunked")) {
        sendSimpleError(501, "501 Not Implemented: chunked request bodies");
        return;
    }
    if (contentLength > kMaxBodyBytes) {
        sendSimpleError(413, "413 Request Entity Too Large");
        return;
    }
    const qsizetype bodyStart = headerEnd + 4;
    if (m_in.size() - bodyStart < contentLength) {
        // curl and others wait for this before sending a large body.
        if (!m_continueSent && req.header("expect").toLower() == "100-continue") {
            m_continueSent = true;
            m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
            m_socket->flush();
        }
        return;
    }
    m_continueSent = false;
    req.body = m_in.mid(bodyStart, contentLength);
    m_in.remove(0, bodyStart + contentLength);

    const QByteArray connection = req.header("connection").toLower();
    if (req.version == "HTTP/1.0")
        req.keepAlive = connection.contains("keep-alive");
    else
        req.keepAlive = !connection.contains("close");

    m_state = State::Responding;
    m_keepAlive = req.keepAlive;
    m_headRequest = req.method == "HEAD";
    m_trickle = false;
    m_chunked = false;
    m_headersSent = false;
    Q_EMIT requestReceived(req);
}

QByteArray HttpConnection::statusLineAndHeaders(int status, const QByteArray &contentType, const HttpHeaders &headers) const
{
    QByteArray out;
    out.reserve(256);
    out += "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    if (!contentType.isEmpty())
        out += "Content-Type: " + contentType + "\r\n";
    out += "Date: " + wire::httpDateNow() + "\r\n";
    for (const auto &h : headers)
        out += h.first + ": " + h.second + "\r\n";
    if (!m_keepAlive)
        out += "Connection: close\r\n";
    return out;
}

void HttpConnection::sendResponse(int status, const QByteArray &contentType, const QByteArray &body, const HttpHeaders &extraHeaders)
{
    if (!m_open || m_state != State::Responding)
        return;
    HttpHeaders headers = extraHeaders;
    headers.append({ "Content-Length", QByteArray::number(body.size()) });
    QByteArray out = statusLineAndHeaders(status, contentType, headers);
    out += "\r\n";
    if (!m_headRequest)
        out += body;
    m_headersSent = true;
    write(out);
    responseComplete();
}

void HttpConnection::beginChunked(int status, const QByteArray &contentType)
{
    m_chunked = true;
    m_pendingStatus = status;
    m_pendingContentType = contentType;
}

void HttpConnection::sendChunk(const QByteArray &data)
{
    if (!m_open || m_state != State::Responding || data.isEmpty())
        return;
    m_frame.resize(0);
    if (!m_headersSent) {
        m_frame += statusLineAndHeaders(m_pendingStatus, m_pendingContentType, { { "Transfer-Encoding", "chunked" } });
        m_frame += "\r\n";
        m_headersSent = true;
    }
    char hex[20];
    const int n = std::snprintf(hex, sizeof hex, "%llx\r\n", static_cast<unsigned long long>(data.size()));
    m_frame.append(hex, n);
    m_frame.append(data);
    m_frame.append("\r\n", 2);
    write(m_frame);
}

void HttpConnection::endChunked()
{
    if (!m_open || m_state != State::Responding)
        return;
    m_frame.resize(0);
    if (!m_headersSent) {
        m_frame += statusLineAndHeaders(m_pendingStatus, m_pendingContentType, { { "Transfer-Encoding", "chunked" } });
        m_frame += "\r\n";
        m_headersSent = true;
    }
    m_frame.append("0\r\n\r\n", 5);
    write(m_frame);
    responseComplete();
}

void HttpConnection::writeRaw(const QByteArray &bytes)
{
    if (!m_open)
        return;
    m_headersSent = true;
    write(bytes);
}

void HttpConnection::finishRawAndClose()
{
    m_keepAlive = false;
    responseComplete();
}

void HttpConnection::dropConnection()
{
    if (!m_open)
        return;
    if (m_trickleOffset < m_trickleBuffer.size()) {
        m_afterTrickle = AfterTrickle::Close;
        return;
    }
    m_state = State::Closing;
    m_socket->disconnectFromHost();
}

void HttpConnection::write(const QByteArray &bytes)
{
    if (m_trickle) {
        m_trickleBuffer.append(bytes);
        if (!m_trickleTimer.isActive())
            m_trickleTimer.start();
        return;
    }
    // One write (and one flush, so one send()) per call: a chunk leaves as
    // its own segment, as Go's http server flushes each streamed line.
    m_socket->write(bytes.constData(), bytes.size());
    m_socket->flush();
}

void HttpConnection::trickleStep()
{
    if (!m_open) {
        m_trickleTimer.stop();
        return;
    }
    if (m_trickleOffset < m_trickleBuffer.size()) {
        m_socket->write(m_trickleBuffer.constData() + m_trickleOffset, 1);
        m_socket->flush();
        ++m_trickleOffset;
    }
    const qsizetype pending = m_trickleBuffer.size() - m_trickleOffset;
    if (pending == kLowWater)
        Q_EMIT writable();
    if (pending > 0)
        return;
    m_trickleTimer.stop();
    m_trickleBuffer.clear();
    m_trickleOffset = 0;
    const AfterTrickle after = std::exchange(m_afterTrickle, AfterTrickle::Nothing);
    if (after == AfterTrickle::Complete) {
        responseComplete();
    } else if (after == AfterTrickle::Close) {
        m_state = State::Closing;
        m_socket->disconnectFromHost();
    } else {
        Q_EMIT writable();
    }
}

bool HttpConnection::isBacklogged() const
{
    return m_socket->bytesToWrite() + (m_trickleBuffer.size() - m_trickleOffset) > kHighWater;
}

void HttpConnection::onBytesWritten()
{
    if (m_open && m_state == State::Responding && m_socket->bytesToWrite() < kLowWater && m_trickleOffset >= m_trickleBuffer.size())
        Q_EMIT writable();
}

void HttpConnection::responseComplete()
{
    if (m_trickleOffset < m_trickleBuffer.size()) {
        m_afterTrickle = AfterTrickle::Complete;
        return;
    }
    m_trickle = false;
    m_chunked = false;
    if (!m_keepAlive) {
        m_state = State::Closing;
        m_socket->disconnectFromHost();
        return;
    }
    m_state = State::Idle;
    if (!m_processQueued) {
        m_processQueued = true;
        QMetaObject::invokeMethod(this, &HttpConnection::processBuffer, Qt::QueuedConnection);
    }
}

void HttpConnection::sendSimpleError(int status, const QByteArray &message)
{
    // As Go's server does for unparseable requests: plain text, then close.
    m_keepAlive = false;
    m_state = State::Responding;
    m_trickle = false;
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status)
        + "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n" + message;
    write(out);
    m_state = State::Closing;
    m_socket->disconnectFromHost();
}

void HttpConnection::onDisconnected()
{
    if (!m_open)
        return;
    m_open = false;
    m_trickleTimer.stop();
    Q_EMIT closed();
    deleteLater();
}

} // namespace rt::sim
