#pragma once

#include "httprequest.h"

#include <QObject>
#include <QTimer>

class QTcpSocket;

namespace rt::sim {

// One accepted TCP connection speaking HTTP/1.1: parses requests (one at a
// time; pipelined bytes wait), and writes one response per request, either
// with Content-Length or chunked. Chunked headers are held back until the
// first chunk, as Ollama sends nothing before its first token.
class HttpConnection final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpConnection)

public:
    explicit HttpConnection(QTcpSocket *socket, QObject *parent = nullptr);
    ~HttpConnection() override;

    quint64 id() const { return m_id; }
    bool isOpen() const { return m_open; }

    // Complete response with Content-Length (HEAD: headers only).
    void sendResponse(int status, const QByteArray &contentType, const QByteArray &body, const HttpHeaders &extraHeaders = {});
    // Chunked response; nothing goes out until the first sendChunk().
    void beginChunked(int status, const QByteArray &contentType);
    void sendChunk(const QByteArray &data);
    void endChunked();
    // Close after what has been written so far (no chunk terminator).
    void dropConnection();
    // Raw bytes (used for responses that must not be well-formed).
    void writeRaw(const QByteArray &bytes);
    void finishRawAndClose();

    // Write everything of the current response one byte per write.
    void setTrickle(bool on) { m_trickle = on; }
    // More than the high-water mark is waiting to be sent.
    bool isBacklogged() const;
    bool headersSent() const { return m_headersSent; }

    static QByteArray reasonPhrase(int status);

Q_SIGNALS:
    void requestReceived(const rt::sim::HttpRequest &request);
    // The backlog fell below the low-water mark.
    void writable();
    // The connection is gone (either side closed it).
    void closed();

private:
    void onReadyRead();
    void processBuffer();
    void onBytesWritten();
    void onDisconnected();
    void write(const QByteArray &bytes);
    void trickleStep();
    void responseComplete();
    void sendSimpleError(int status, const QByteArray &message);
    QByteArray statusLineAndHeaders(int status, const QByteArray &contentType, const HttpHeaders &headers) const;

    enum class State { Idle, Responding, Closing };

    QTcpSocket *m_socket;
    quint64 m_id;
    QByteArray m_in;
    State m_state = State::Idle;
    bool m_open = true;
    bool m_keepAlive = true;
    bool m_headRequest = false;
    bool m_trickle = false;
    bool m_chunked = false;
    bool m_headersSent = false;
    bool m_processQueued = false;
    bool m_continueSent = false;
    int m_pendingStatus = 200;
    QByteArray m_pendingContentType;
    QByteArray m_frame; // reused for each chunk
    QByteArray m_trickleBuffer;
    qsizetype m_trickleOffset = 0;
    enum class AfterTrickle { Nothing, Complete, Close } m_afterTrickle = AfterTrickle::Nothing;
    QTimer m_trickleTimer;
};

} // namespace rt::sim
