#include "simprocess.h"

#include "testpaths.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTcpSocket>

using namespace Qt::StringLiterals;

namespace rt::test {

QByteArray HttpReply::header(QByteArrayView name) const
{
    const QByteArray lower = name.toByteArray().toLower();
    for (const auto &h : headers) {
        if (h.first == lower)
            return h.second;
    }
    return {};
}

QJsonObject HttpReply::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QList<QJsonObject> HttpReply::lines() const
{
    QList<QJsonObject> out;
    for (const QByteArray &line : body.split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        QJsonParseError err {};
        const QJsonDocument doc = QJsonDocument::fromJson(line, &err);
        if (err.error == QJsonParseError::NoError && doc.isObject())
            out.append(doc.object());
    }
    return out;
}

SimProcess::SimProcess() = default;

SimProcess::~SimProcess()
{
    stop();
}

bool SimProcess::start(const QStringList &extraArgs, int timeoutMs)
{
    stop();
    m_error.clear();
    m_url = QUrl();
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QStringList args { u"--port"_s, u"0"_s, u"--quiet"_s };
    args += extraArgs;
    m_process->start(simulatorPath(), args);
    if (!m_process->waitForStarted(timeoutMs)) {
        m_error = u"cannot start %1: %2"_s.arg(simulatorPath(), m_process->errorString());
        return false;
    }
    static const QRegularExpression listening(u"listening on (http://\\S+)"_s);
    QByteArray out;
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        out += m_process->readAllStandardOutput();
        const auto m = listening.match(QString::fromUtf8(out));
        if (m.hasMatch()) {
            m_url = QUrl(m.captured(1));
            return true;
        }
        if (m_process->state() == QProcess::NotRunning) {
            m_error = u"simulator exited (code %1) before listening; output: %2"_s.arg(m_process->exitCode()).arg(QString::fromUtf8(out));
            return false;
        }
        m_process->waitForReadyRead(int(std::min<qint64>(100, deadline.remainingTime())));
    }
    m_error = u"simulator did not report its port within %1 ms; output: %2"_s.arg(timeoutMs).arg(QString::fromUtf8(out));
    kill();
    return false;
}

bool SimProcess::isRunning() const
{
    return m_process && m_process->state() != QProcess::NotRunning;
}

qint64 SimProcess::pid() const
{
    return m_process ? m_process->processId() : 0;
}

QJsonObject SimProcess::stats()
{
    return httpGet(m_url, u"/_sim/stats"_s).json();
}

bool SimProcess::setFault(const QString &mode, const QString &arg, int count, const QString &path)
{
    QJsonObject o { { u"mode"_s, mode }, { u"arg"_s, arg }, { u"count"_s, count } };
    if (!path.isEmpty())
        o.insert(u"path"_s, path);
    const HttpReply r = httpPost(m_url, u"/_sim/fault"_s, QJsonDocument(o).toJson(QJsonDocument::Compact));
    if (r.status != 200)
        m_error = u"setFault failed: %1 %2"_s.arg(r.status).arg(QString::fromUtf8(r.body));
    return r.status == 200;
}

bool SimProcess::reset()
{
    return httpPost(m_url, u"/_sim/reset"_s, "{}").status == 200;
}

bool SimProcess::stop()
{
    if (!m_process)
        return false;
    bool clean = false;
    if (m_process->state() != QProcess::NotRunning) {
        m_process->terminate();
        if (!m_process->waitForFinished(5000)) {
            m_process->kill();
            m_process->waitForFinished(5000);
        } else {
            clean = m_process->exitStatus() == QProcess::NormalExit && m_process->exitCode() == 0;
        }
    }
    return clean;
}

void SimProcess::kill()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->kill();
        m_process->waitForFinished(5000);
    }
}

bool SimProcess::waitForExit(int timeoutMs)
{
    return m_process && (m_process->state() == QProcess::NotRunning || m_process->waitForFinished(timeoutMs));
}

int SimProcess::exitCode() const
{
    return m_process ? m_process->exitCode() : -1;
}

QProcess::ExitStatus SimProcess::exitStatus() const
{
    return m_process ? m_process->exitStatus() : QProcess::CrashExit;
}

QByteArray SimProcess::buildRequest(
    const QUrl &base, const QByteArray &method, const QString &path, const QByteArray &body, const RawHeaders &headers, bool keepAlive)
{
    QByteArray req = method + ' ' + path.toUtf8() + " HTTP/1.1\r\n";
    req += "Host: " + base.host().toUtf8() + ':' + QByteArray::number(base.port()) + "\r\n";
    bool hasType = false;
    for (const auto &h : headers) {
        req += h.first + ": " + h.second + "\r\n";
        hasType = hasType || h.first.toLower() == "content-type";
    }
    if (!body.isEmpty() || method == "POST" || method == "DELETE") {
        if (!hasType)
            req += "Content-Type: application/json\r\n";
        req += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    }
    if (!keepAlive)
        req += "Connection: close\r\n";
    req += "\r\n";
    req += body;
    return req;
}

HttpReply SimProcess::parseResponse(const QByteArray &raw, bool closed, bool headRequest)
{
    HttpReply r;
    const qsizetype headerEnd = raw.indexOf("\r\n\r\n");
    if (headerEnd < 0)
        return r;
    const QList<QByteArray> lines = raw.left(headerEnd).split('\n');
    const QList<QByteArray> statusParts = lines.value(0).trimmed().split(' ');
    r.status = statusParts.value(1).toInt();
    qint64 contentLength = -1;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        r.headers.append({ name, value });
        if (name == "content-length")
            contentLength = value.toLongLong();
        if (name == "transfer-encoding" && value.toLower().contains("chunked"))
            r.chunked = true;
    }
    qsizetype pos = headerEnd + 4;
    if (headRequest) {
        r.complete = true;
    } else if (r.chunked) {
        while (true) {
            const qsizetype lineEnd = raw.indexOf("\r\n", pos);
            if (lineEnd < 0)
                break;
            bool ok = false;
            const qint64 size = raw.mid(pos, lineEnd - pos).trimmed().toLongLong(&ok, 16);
            if (!ok) {
                r.error = u"bad chunk size line at offset %1"_s.arg(pos);
                break;
            }
            if (size == 0) {
                if (raw.size() >= lineEnd + 4) {
                    r.complete = raw.mid(lineEnd + 2, 2) == "\r\n";
                    if (!r.complete)
                        r.error = u"bad chunk terminator"_s;
                    pos = lineEnd + 4;
                }
                break;
            }
            if (raw.size() < lineEnd + 2 + size + 2)
                break;
            const QByteArray payload = raw.mid(lineEnd + 2, size);
            if (raw.mid(lineEnd + 2 + size, 2) != "\r\n") {
                r.error = u"chunk not followed by CRLF at offset %1"_s.arg(lineEnd + 2 + size);
                break;
            }
            r.chunks.append(payload);
            r.body += payload;
            pos = lineEnd + 2 + size + 2;
        }
    } else if (contentLength >= 0) {
        r.body = raw.mid(pos, contentLength);
        r.complete = r.body.size() == contentLength;
        pos += r.body.size();
    } else {
        r.body = raw.mid(pos);
        r.complete = closed;
        pos = raw.size();
    }
    r.consumed = pos;
    return r;
}

HttpReply SimProcess::request(
    const QUrl &base, const QByteArray &method, const QString &path, const QByteArray &body, const RawHeaders &headers, int timeoutMs)
{
    HttpReply r;
    QTcpSocket socket;
    socket.connectToHost(base.host(), quint16(base.port()));
    if (!socket.waitForConnected(timeoutMs)) {
        r.error = u"connect to %1 failed: %2"_s.arg(base.toString(), socket.errorString());
        return r;
    }
    socket.write(buildRequest(base, method, path, body, headers, false));
    socket.flush();
    QByteArray raw;
    QDeadlineTimer deadline(timeoutMs);
    bool closed = false;
    while (!deadline.hasExpired()) {
        if (socket.bytesAvailable() == 0 && !socket.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime())))) {
            if (socket.state() != QAbstractSocket::ConnectedState) {
                closed = true;
                break;
            }
            continue;
        }
        raw += socket.readAll();
        const HttpReply partial = parseResponse(raw, false, method == "HEAD");
        if (partial.complete)
            return partial;
    }
    raw += socket.readAll();
    r = parseResponse(raw, closed, method == "HEAD");
    if (!r.complete && r.error.isEmpty())
        r.error = closed ? u"connection closed before the response was complete"_s : u"timed out"_s;
    return r;
}

HttpReply SimProcess::httpGet(const QUrl &base, const QString &path, int timeoutMs)
{
    return request(base, "GET", path, {}, {}, timeoutMs);
}

HttpReply SimProcess::httpPost(const QUrl &base, const QString &path, const QByteArray &body, int timeoutMs)
{
    return request(base, "POST", path, body, {}, timeoutMs);
}

} // namespace rt::test
