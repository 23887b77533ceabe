#pragma once

// Clients for the remote-viewer tests: Viewer, a real QWebSocket that records
// every frame; RawClient, a TCP socket that speaks the WebSocket wire format
// by hand, to misbehave (not read, not answer pings, send broken frames).

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTest>
#include <QUrlQuery>
#include <QWebSocket>
#include <functional>

namespace rt::test {

class Viewer final : public QObject {
    Q_OBJECT
public:
    struct Frame {
        QByteArray raw;
        QJsonObject json;
        QString type() const { return json.value(QStringLiteral("type")).toString(); }
        quint64 seq() const { return quint64(json.value(QStringLiteral("seq")).toDouble()); }
    };

    explicit Viewer(QObject *parent = nullptr)
        : QObject(parent)
    {
        connect(&socket, &QWebSocket::textMessageReceived, this, [this](const QString &m) {
            frames.append(Frame { m.toUtf8(), QJsonDocument::fromJson(m.toUtf8()).object() });
        });
        connect(&socket, &QWebSocket::disconnected, this, [this] {
            closed = true;
            closeCode = int(socket.closeCode());
            closeReason = socket.closeReason();
        });
        connect(&socket, &QWebSocket::sslErrors, this, [this](const QList<QSslError> &) { socket.ignoreSslErrors(); });
    }
    // Qt 6.4's ~QWebSocket leaks the reason string of the close it sends when
    // it is destroyed while connected; a viewer that goes away hangs up first.
    ~Viewer() override
    {
        disconnect(&socket, nullptr, this, nullptr);
        socket.abort();
    }

    void open(const QUrl &url, const QByteArray &origin = {})
    {
        QNetworkRequest request(url);
        if (!origin.isEmpty())
            request.setRawHeader("Origin", origin);
        socket.open(request);
    }
    bool waitConnected(int ms = 10000)
    {
        return socket.state() == QAbstractSocket::ConnectedState || QSignalSpy(&socket, &QWebSocket::connected).wait(ms);
    }
    bool waitFor(const std::function<bool()> &done, int ms = 20000)
    {
        QElapsedTimer t;
        t.start();
        while (!done()) {
            if (t.elapsed() > ms)
                return false;
            QTest::qWait(5);
        }
        return true;
    }
    bool waitType(const QString &type, int ms = 20000)
    {
        return waitFor([this, type] { return indexOf(type) >= 0; }, ms);
    }
    bool waitClosed(int ms = 10000)
    {
        return waitFor([this] { return closed; }, ms);
    }
    qsizetype indexOf(const QString &type, qsizetype from = 0) const
    {
        for (qsizetype i = from; i < frames.size(); ++i) {
            if (frames.at(i).type() == type)
                return i;
        }
        return -1;
    }
    QList<Frame> ofType(const QString &type) const
    {
        QList<Frame> out;
        for (const Frame &f : frames) {
            if (f.type() == type)
                out.append(f);
        }
        return out;
    }
    // Empty when the stream is hello, snapshot, then events numbered one by
    // one from the snapshot's seq; else what is wrong.
    QString sequenceProblem() const
    {
        if (frames.size() < 2)
            return QStringLiteral("fewer than two frames");
        if (frames.at(0).type() != QLatin1String("hello") || frames.at(1).type() != QLatin1String("snapshot"))
            return QStringLiteral("first frames are %1, %2").arg(frames.at(0).type(), frames.at(1).type());
        quint64 last = frames.at(1).seq();
        if (frames.at(0).seq() != last)
            return QStringLiteral("hello seq %1 != snapshot seq %2").arg(frames.at(0).seq()).arg(last);
        for (qsizetype i = 2; i < frames.size(); ++i) {
            const Frame &f = frames.at(i);
            if (f.json.value(QStringLiteral("v")).toInt() != 1)
                return QStringLiteral("frame %1 without v=1").arg(i);
            if (f.type() == QLatin1String("error"))
                continue;
            if (f.seq() != last + 1)
                return QStringLiteral("frame %1 (%2) has seq %3 after %4").arg(i).arg(f.type()).arg(f.seq()).arg(last);
            last = f.seq();
        }
        return {};
    }
    quint64 lastSeq() const { return frames.isEmpty() ? 0 : frames.constLast().seq(); }

    QWebSocket socket;
    QList<Frame> frames;
    bool closed = false;
    int closeCode = -1;
    QString closeReason;
};

// One WebSocket frame as a client sends it (masked unless told otherwise).
inline QByteArray wsFrame(int opcode, const QByteArray &payload, bool fin = true, bool mask = true, qint64 lengthOverride = -1)
{
    QByteArray out;
    out.append(char((fin ? 0x80 : 0) | (opcode & 0x0f)));
    const quint64 len = lengthOverride >= 0 ? quint64(lengthOverride) : quint64(payload.size());
    const char maskBit = mask ? char(0x80) : 0;
    if (len < 126) {
        out.append(char(maskBit | char(len)));
    } else if (len < 65536) {
        out.append(char(maskBit | 126));
        out.append(char(len >> 8));
        out.append(char(len & 0xff));
    } else {
        out.append(char(maskBit | 127));
        for (int i = 7; i >= 0; --i)
            out.append(char((len >> (8 * i)) & 0xff));
    }
    if (mask) {
        const quint32 key = QRandomGenerator::global()->generate();
        const char k[4] = { char(key >> 24), char(key >> 16), char(key >> 8), char(key) };
        out.append(k, 4);
        QByteArray masked = payload;
        for (qsizetype i = 0; i < masked.size(); ++i)
            masked[i] = char(masked[i] ^ k[i % 4]);
        out.append(masked);
    } else {
        out.append(payload);
    }
    return out;
}

// A WebSocket client written by hand on a TCP socket.
class RawClient final : public QObject {
    Q_OBJECT
public:
    // Sends the upgrade request; `extraHeaders` lines end with \r\n.
    bool connectTo(quint16 port, const QString &pathAndQuery, const QByteArray &extraHeaders = {}, int ms = 5000)
    {
        socket.connectToHost(QHostAddress::LocalHost, port);
        if (!socket.waitForConnected(ms))
            return false;
        const QByteArray request = "GET " + pathAndQuery.toUtf8() + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
              "Sec-WebSocket-Version: 13\r\n"
            + extraHeaders + "\r\n";
        socket.write(request);
        return socket.flush() || socket.bytesToWrite() == 0;
    }
    // The HTTP status of the answer to the upgrade (101 when it went through), 0 on timeout.
    int readStatus(int ms = 5000)
    {
        QElapsedTimer t;
        t.start();
        while (!buffer.contains("\r\n\r\n") && t.elapsed() < ms) {
            wait();
            buffer += socket.readAll();
        }
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return 0;
        head = buffer.left(end);
        buffer.remove(0, end + 4);
        const QList<QByteArray> parts = head.split(' ');
        return parts.size() > 1 ? parts.at(1).toInt() : 0;
    }
    // Reads frames until a close frame arrives or the peer hangs up; the close code (or -1).
    int readUntilClosed(int ms, QByteArray *reason = nullptr)
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < ms) {
            while (buffer.size() >= 2) {
                const int opcode = buffer.at(0) & 0x0f;
                quint64 len = quint8(buffer.at(1)) & 0x7f;
                qsizetype headerSize = 2;
                if (len == 126) {
                    if (buffer.size() < 4)
                        break;
                    len = (quint64(quint8(buffer.at(2))) << 8) | quint8(buffer.at(3));
                    headerSize = 4;
                } else if (len == 127) {
                    if (buffer.size() < 10)
                        break;
                    len = 0;
                    for (int i = 0; i < 8; ++i)
                        len = (len << 8) | quint8(buffer.at(2 + i));
                    headerSize = 10;
                }
                if (quint64(buffer.size()) < headerSize + len)
                    break;
                const QByteArray payload = buffer.mid(headerSize, qsizetype(len));
                buffer.remove(0, headerSize + qsizetype(len));
                if (opcode == 0x1)
                    texts.append(payload);
                if (opcode == 0x9)
                    ++pings;
                if (opcode == 0x8) {
                    if (reason)
                        *reason = payload.mid(2);
                    return payload.size() >= 2 ? (quint8(payload.at(0)) << 8) | quint8(payload.at(1)) : 1005;
                }
            }
            if (socket.state() != QAbstractSocket::ConnectedState && !socket.bytesAvailable())
                return -1;
            wait();
            buffer += socket.readAll();
        }
        return -2; // still open
    }

    // Everything until the peer hangs up (or `ms` pass).
    QByteArray readToEnd(int ms)
    {
        QElapsedTimer t;
        t.start();
        while (socket.state() == QAbstractSocket::ConnectedState && t.elapsed() < ms) {
            wait();
            buffer += socket.readAll();
        }
        buffer += socket.readAll();
        return buffer;
    }
    // Lets the event loop run (the other clients of the test keep answering).
    void wait()
    {
        if (!socket.bytesAvailable())
            QTest::qWait(5);
    }

    QTcpSocket socket;
    QByteArray buffer;
    QByteArray head;
    QList<QByteArray> texts;
    int pings = 0;
};

} // namespace rt::test
