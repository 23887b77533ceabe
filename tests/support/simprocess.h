#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <memory>

namespace rt::test {

using RawHeaders = QList<QPair<QByteArray, QByteArray>>;

// One HTTP response as read off a raw socket (tests only).
struct HttpReply {
    int status = 0; // 0: no (complete) status line
    RawHeaders headers; // names lower-cased, in wire order
    QByteArray body; // de-chunked
    QList<QByteArray> chunks; // chunk payloads, in order (chunked replies)
    bool chunked = false;
    bool complete = false; // Content-Length met or terminal chunk seen
    qsizetype consumed = 0; // bytes of the input this response used
    QString error; // transport problem, if any

    QByteArray header(QByteArrayView name) const;
    QJsonObject json() const; // body as one JSON object
    QList<QJsonObject> lines() const; // body as NDJSON (unparseable lines skipped)
};

// Runs roundtable-ollama-sim on a free loopback port for one test.
class SimProcess final {
    Q_DISABLE_COPY_MOVE(SimProcess)

public:
    SimProcess();
    ~SimProcess();

    // Starts the simulator with `--port 0 --quiet` plus `extraArgs` and waits
    // for its "listening on" line. On failure see errorString().
    bool start(const QStringList &extraArgs = {}, int timeoutMs = 10000);
    QString errorString() const { return m_error; }
    bool isRunning() const;

    QUrl url() const { return m_url; }
    quint16 port() const { return quint16(m_url.port()); }
    qint64 pid() const;

    // Control API (synchronous; raw sockets, independent of QNAM).
    QJsonObject stats();
    bool setFault(const QString &mode, const QString &arg = {}, int count = 1, const QString &path = {});
    bool reset();

    // SIGTERM and wait (SIGKILL after 5 s); returns true on a clean exit 0.
    bool stop();
    // SIGKILL, for host-down tests.
    void kill();
    bool waitForExit(int timeoutMs);
    int exitCode() const;
    QProcess::ExitStatus exitStatus() const;

    // Synchronous HTTP/1.1 request with `Connection: close`.
    static HttpReply request(const QUrl &base, const QByteArray &method, const QString &path, const QByteArray &body = {},
        const RawHeaders &headers = {}, int timeoutMs = 10000);
    static HttpReply httpGet(const QUrl &base, const QString &path, int timeoutMs = 10000);
    static HttpReply httpPost(const QUrl &base, const QString &path, const QByteArray &body, int timeoutMs = 10000);
    // Parses one response from the start of `raw`; `closed` says the peer has
    // closed, which completes a reply without length or chunking.
    static HttpReply parseResponse(const QByteArray &raw, bool closed = false, bool headRequest = false);
    static QByteArray buildRequest(
        const QUrl &base, const QByteArray &method, const QString &path, const QByteArray &body, const RawHeaders &headers, bool keepAlive);

private:
    std::unique_ptr<QProcess> m_process;
    QUrl m_url;
    QString m_error;
};

} // namespace rt::test
