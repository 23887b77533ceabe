#pragma once

#include "common/result.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <QUrl>
#include <memory>

class QWebSocket;

namespace rt::server {

// A viewer of another Roundtable's table (docs/remote-protocol.md): connects
// to the viewer link, checks the version and the sequence numbers, and hands
// on the snapshot and each event; reconnects with growing pauses (0.5 s to
// 10 s) after a drop or a gap and starts again from a fresh snapshot. A
// refusal (wrong token, another protocol version) is final. Used by the
// window ("Connect to a remote table…") and `roundtable watch`.
class RemoteTable final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RemoteTable)
public:
    enum class State { Idle, Connecting, Connected, Reconnecting, Refused };
    Q_ENUM(State)

    explicit RemoteTable(QObject *parent = nullptr);
    ~RemoteTable() override;

    // The WebSocket URL for a viewer link (http(s)://HOST:PORT/?token=T, or
    // ws(s)://HOST:PORT/ws?token=T as is); an error in words when it is not one.
    static rt::Result<QUrl> webSocketUrl(const QString &viewerLink);

    void open(const QUrl &webSocketUrl);
    void close();
    // Lets a client (tests, a self-signed server the user trusts) accept TLS errors.
    void setIgnoreSslErrors(bool ignore) { m_ignoreSsl = ignore; }
    // Pause before the first reconnect (doubles up to 10 s).
    void setRetryDelay(int ms) { m_firstDelayMs = ms; }

    State state() const { return m_state; }
    QString stateText() const { return m_stateText; } // "Connected to host:port", the refusal in words...
    int connects() const { return m_connects; } // hellos received
    const QJsonObject &hello() const { return m_hello; }
    const QJsonObject &snapshot() const { return m_snapshot; }
    quint64 lastSeq() const { return m_lastSeq; }

signals:
    void stateChanged(rt::server::RemoteTable::State state, const QString &text);
    // A fresh snapshot: rebuild everything from it.
    void snapshotReceived(const QJsonObject &snapshot);
    // One event after the snapshot, in order (tokens included).
    void eventReceived(const QJsonObject &event);

private:
    void setState(State state, const QString &text);
    void connectNow();
    void onText(const QString &message);
    void onClosed();
    void retry(const QString &why);

    std::unique_ptr<QWebSocket> m_socket;
    QUrl m_url;
    State m_state = State::Idle;
    QString m_stateText;
    QJsonObject m_hello;
    QJsonObject m_snapshot;
    quint64 m_lastSeq = 0;
    bool m_haveSnapshot = false;
    int m_connects = 0;
    int m_firstDelayMs = 500;
    int m_delayMs = 500;
    bool m_ignoreSsl = false;
    bool m_closing = false;
    QTimer m_retry;
};

} // namespace rt::server
