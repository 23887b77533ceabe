#pragma once

#include "livefeed.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <QUrl>
#include <deque>
#include <functional>
#include <memory>
#include <unordered_map>

class QWebSocket;

namespace rt::metrics {
class MetricsRegistry;
}

namespace rt::server {

// Limits of the viewer side of the local server (docs/remote-protocol.md).
struct ViewerLimits {
    int maxViewers = 1000;
    qint64 maxIncomingBytes = 4096; // frame and message
    qint64 maxQueueBytes = 1 << 20; // waiting to be sent to one viewer
    int heartbeatMs = 15000; // ping interval
    int heartbeatTimeoutMs = 30000; // an unanswered ping this old drops the viewer
    int handshakeMs = 5000; // to send the token as the first frame
    int connectionsPerMinute = 30; // per address
    bool limitLoopback = false; // also count connections from this machine (tests)
    int badTokensPerMinute = 10; // per address, then refused for the rest of the minute
    int commandsPerMinute = 20; // refused commands before the viewer is closed
    int batchMs = 50; // text batches
    int metricsMs = 2000; // metrics events
};

// The remote viewers of one server start: accepts WebSocket connections that
// the LocalServer hands over, checks path, Origin, token and limits, sends
// each viewer hello and a snapshot, then broadcasts the LiveFeed's events
// (the same bytes to everyone) and drops the viewers that cannot keep up or
// stop answering. Lives on the server thread; talks to the window only
// through the thread-safe LiveFeed and registry.
class ViewerHub final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ViewerHub)
public:
    using MetricsSource = std::function<QJsonObject()>;

    ViewerHub(std::shared_ptr<LiveFeed> feed, std::shared_ptr<rt::metrics::MetricsRegistry> registry, QString token, ViewerLimits limits,
        MetricsSource metrics, QObject *parent = nullptr);
    ~ViewerHub() override; // closes every viewer with 1001

    // Whether a WebSocket upgrade request may go on (Qt HttpServer 6.4 asks
    // the server before it upgrades): path, Origin, rate limits and room.
    // Refused requests get `status` (an HTTP code) and a reason in words;
    // they are counted. The token is checked after the upgrade (accept()).
    struct Admission {
        int status = 0; // 0 = go on
        QString reason;
        bool ok() const { return status == 0; }
    };
    Admission admit(const QUrl &url, const QByteArray &origin, const QByteArray &host, const QHostAddress &peer, bool secure);
    // An upgraded connection that admit() let through.
    void accept(std::unique_ptr<QWebSocket> socket);
    // Closes every viewer with 1001 "server stopping".
    void closeAll();
    int viewerCount() const { return int(m_viewers.size()); }
    // Connections told to close whose peer has not hung up yet.
    int closingCount() const { return int(m_closing.size()); }

    static QString serverName();

private:
    struct Viewer {
        quint64 id = 0;
        std::unique_ptr<QWebSocket> socket;
        QHostAddress address;
        bool authed = false;
        bool awaitingPong = false;
        qint64 pingSentMs = 0;
        std::deque<qint64> commandTimes;
        QTimer *handshake = nullptr;
    };
    struct AddressLog {
        std::deque<qint64> connects;
        std::deque<qint64> badTokens;
    };

    void closeAndReap(QWebSocket *socket, int code, const QString &reason);
    void refuse(QWebSocket *socket, int code, const QString &reason, const QString &metricReason);
    void forget(quint64 id); // the connection is gone: let it go
    void drop(quint64 id, int code, const QString &reason, const QString &metricReason);
    void authorise(Viewer &v);
    void onText(quint64 id, const QString &message);
    void flush(); // sends what the feed has
    void send(LiveFeed::Drained drained);
    void tick(); // every batchMs
    void heartbeat();
    void broadcast(const QList<QByteArray> &frames);
    void updateGauges();
    bool tokenMatches(const QString &candidate) const;
    static bool originAllowed(const QByteArray &origin, const QByteArray &host, bool secure);

    std::shared_ptr<LiveFeed> m_feed;
    std::shared_ptr<rt::metrics::MetricsRegistry> m_registry;
    QString m_token;
    ViewerLimits m_limits;
    MetricsSource m_metrics;
    std::unordered_map<quint64, Viewer> m_viewers;
    QHash<QString, AddressLog> m_addresses;
    QSet<QWebSocket *> m_closing;
    quint64 m_nextId = 1;
    quint64 m_lastSeq = 0;
    QTimer m_batchTimer;
    QTimer m_heartbeatTimer;
    QTimer m_metricsTimer;
    qint64 m_nextDue = 0;
    bool m_flushQueued = false;
    QElapsedTimer m_clock;
};

} // namespace rt::server
