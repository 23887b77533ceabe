#include "viewerhub.h"

#include "common/logging.h"
#include "livefeed.h"
#include "localserver.h"
#include "metrics/metricnames.h"
#include "metrics/metricsregistry.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>
#include <QWebSocket>

namespace rt::server {

using namespace Qt::StringLiterals;

namespace {
// Qt 6.4's CloseCode has no 1013; codes 4000+ cannot be held by the enum
// without undefined behaviour, so both drops use 1013 with their reason.
constexpr int CloseTryAgainLater = 1013;
constexpr int CloseTooSlow = CloseTryAgainLater;
constexpr int CloseNoPong = CloseTryAgainLater;
constexpr qint64 MinuteMs = 60000;

void expire(std::deque<qint64> &times, qint64 now)
{
    while (!times.empty() && now - times.front() >= MinuteMs)
        times.pop_front();
}

} // namespace

ViewerHub::ViewerHub(std::shared_ptr<LiveFeed> feed, std::shared_ptr<rt::metrics::MetricsRegistry> registry, QString token,
    ViewerLimits limits, MetricsSource metrics, QObject *parent)
    : QObject(parent)
    , m_feed(std::move(feed))
    , m_registry(std::move(registry))
    , m_token(std::move(token))
    , m_limits(limits)
    , m_metrics(std::move(metrics))
{
    m_clock.start();
    // Called from a producer's thread: only posts a flush to this one.
    m_feed->attachConsumer([this] { QMetaObject::invokeMethod(this, &ViewerHub::flush, Qt::QueuedConnection); });
    m_batchTimer.setTimerType(Qt::PreciseTimer);
    m_batchTimer.setInterval(m_limits.batchMs);
    connect(&m_batchTimer, &QTimer::timeout, this, &ViewerHub::tick);
    m_nextDue = QDateTime::currentMSecsSinceEpoch() + m_limits.batchMs;
    m_batchTimer.start();
    m_heartbeatTimer.setInterval(qMax(100, m_limits.heartbeatMs));
    connect(&m_heartbeatTimer, &QTimer::timeout, this, &ViewerHub::heartbeat);
    m_heartbeatTimer.start();
    if (m_metrics && m_limits.metricsMs > 0) {
        m_metricsTimer.setInterval(m_limits.metricsMs);
        connect(&m_metricsTimer, &QTimer::timeout, this, [this] {
            QJsonObject m = m_metrics();
            m.insert(u"viewers"_s, viewerCount());
            m_feed->publishMetrics(m);
        });
        m_metricsTimer.start();
    }
    updateGauges();
}

ViewerHub::~ViewerHub()
{
    m_feed->detachConsumer();
    closeAll();
    // The closing sockets are children and go with this object; they must
    // not call back into it on the way.
    for (QWebSocket *socket : std::as_const(m_closing))
        disconnect(socket, nullptr, this, nullptr);
    m_closing.clear();
}

QString ViewerHub::serverName()
{
    return u"Roundtable %1"_s.arg(QCoreApplication::applicationVersion());
}

void ViewerHub::closeAll()
{
    std::vector<quint64> ids;
    for (const auto &[id, v] : m_viewers)
        ids.push_back(id);
    for (quint64 id : ids)
        drop(id, QWebSocketProtocol::CloseCodeGoingAway, u"server stopping"_s, QString());
}

bool ViewerHub::tokenMatches(const QString &candidate) const
{
    return !m_token.isEmpty() && LocalServer::sameToken(candidate.toUtf8(), m_token.toUtf8());
}

bool ViewerHub::originAllowed(const QByteArray &origin, const QByteArray &host, bool secure)
{
    if (origin.isEmpty())
        return true; // not a browser
    // The page this server served: same scheme, host and port as the request.
    const QUrl o(QString::fromLatin1(origin));
    const QUrl h(QStringLiteral("%1://%2").arg(secure ? u"https"_s : u"http"_s, QString::fromLatin1(host)));
    const int defaultPort = secure ? 443 : 80;
    return o.isValid() && h.isValid() && o.scheme() == h.scheme() && o.host().compare(h.host(), Qt::CaseInsensitive) == 0
        && o.port(defaultPort) == h.port(defaultPort);
}

ViewerHub::Admission ViewerHub::admit(
    const QUrl &url, const QByteArray &origin, const QByteArray &host, const QHostAddress &peer, bool secure)
{
    const auto refuse = [this, &peer](int status, const QString &reason, const QString &metric) {
        qCDebug(lcRemote).noquote() << "viewer refused:" << peer.toString() << status << reason;
        m_registry->counter(rt::metrics::name::ViewerRefused, { metric })->add();
        return Admission { status, reason };
    };
    const qint64 now = m_clock.elapsed();
    AddressLog &log = m_addresses[peer.toString()];
    expire(log.connects, now);
    expire(log.badTokens, now);
    if (log.badTokens.size() >= std::size_t(m_limits.badTokensPerMinute))
        return refuse(429, tr("Too many wrong tokens from your address; try again in a minute."), u"rate"_s);
    if (m_limits.connectionsPerMinute > 0 && (m_limits.limitLoopback || !peer.isLoopback())) {
        if (log.connects.size() >= std::size_t(m_limits.connectionsPerMinute))
            return refuse(429, tr("Too many connections from your address; try again in a minute."), u"rate"_s);
        log.connects.push_back(now);
    }
    if (url.path() != "/ws"_L1)
        return refuse(404, tr("Viewers connect to /ws."), u"path"_s);
    if (!originAllowed(origin, host, secure))
        return refuse(403, tr("This page may not watch: its origin %1 is not this server.").arg(QString::fromLatin1(origin)), u"origin"_s);
    if (viewerCount() >= m_limits.maxViewers)
        return refuse(503, tr("The table is full: %n viewer(s) are watching already.", nullptr, viewerCount()), u"full"_s);
    // A wrong token is let through the upgrade and closed at once with 1008
    // "invalid token" (accept()): a browser sees nothing of an HTTP 401 but
    // a failed connection it would retry, while a close reason it can show.
    return {};
}

// Closes with a code and reason, then lets the socket go once the peer has
// answered (or after two seconds, for a peer that does not read).
void ViewerHub::closeAndReap(QWebSocket *socket, int code, const QString &reason)
{
    socket->setParent(this);
    QObject::disconnect(socket, nullptr, this, nullptr);
    m_closing.insert(socket);
    connect(socket, &QObject::destroyed, this, [this, socket] { m_closing.remove(socket); });
    connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
    socket->close(QWebSocketProtocol::CloseCode(code), reason);
    QTimer::singleShot(2000, socket, [socket] {
        socket->abort();
        socket->deleteLater();
    });
}

void ViewerHub::refuse(QWebSocket *socket, int code, const QString &reason, const QString &metricReason)
{
    qCDebug(lcRemote).noquote() << "viewer refused:" << socket->peerAddress().toString() << reason;
    if (!metricReason.isEmpty())
        m_registry->counter(rt::metrics::name::ViewerRefused, { metricReason })->add();
    closeAndReap(socket, code, reason);
}

void ViewerHub::accept(std::unique_ptr<QWebSocket> socketPtr)
{
    QWebSocket *socket = socketPtr.release(); // owned by m_viewers below, or closed and reaped
    socket->setMaxAllowedIncomingFrameSize(quint64(m_limits.maxIncomingBytes));
    socket->setMaxAllowedIncomingMessageSize(quint64(m_limits.maxIncomingBytes));
    const qint64 now = m_clock.elapsed();
    const QHostAddress address = socket->peerAddress();
    // admit() has seen the request; the room may have gone meanwhile.
    if (viewerCount() >= m_limits.maxViewers)
        return refuse(socket, CloseTryAgainLater, u"server full: too many viewers"_s, u"full"_s);

    const quint64 id = m_nextId++;
    Viewer &v = m_viewers[id];
    v.id = id;
    v.socket.reset(socket);
    v.address = address;
    connect(socket, &QWebSocket::textMessageReceived, this, [this, id](const QString &message) { onText(id, message); });
    connect(socket, &QWebSocket::binaryMessageReceived, this,
        [this, id] { drop(id, QWebSocketProtocol::CloseCodeDatatypeNotSupported, u"binary frames are not accepted"_s, u"binary"_s); });
    connect(socket, &QWebSocket::pong, this, [this, id] {
        if (auto it = m_viewers.find(id); it != m_viewers.end())
            it->second.awaitingPong = false;
    });
    // QWebSocket does not always say disconnected() (a peer that vanishes
    // while it closes on a broken frame only changes state): either goes.
    connect(socket, &QWebSocket::disconnected, this, [this, id] { forget(id); });
    connect(socket, &QWebSocket::stateChanged, this, [this, id](QAbstractSocket::SocketState state) {
        if (state == QAbstractSocket::UnconnectedState)
            QMetaObject::invokeMethod(
                this, [this, id] { forget(id); }, Qt::QueuedConnection);
    });

    const QString token = QUrlQuery(socket->requestUrl()).queryItemValue(u"token"_s, QUrl::FullyDecoded);
    if (!token.isEmpty()) {
        if (!tokenMatches(token)) {
            m_addresses[address.toString()].badTokens.push_back(now);
            return drop(id, QWebSocketProtocol::CloseCodePolicyViolated, u"invalid token"_s, u"token"_s);
        }
        authorise(v);
        return;
    }
    // The token may come as the first frame instead.
    v.handshake = new QTimer(socket);
    v.handshake->setSingleShot(true);
    connect(v.handshake, &QTimer::timeout, this,
        [this, id] { drop(id, QWebSocketProtocol::CloseCodePolicyViolated, u"no token sent in time"_s, u"token"_s); });
    v.handshake->start(m_limits.handshakeMs);
    updateGauges();
}

void ViewerHub::forget(quint64 id)
{
    auto it = m_viewers.find(id);
    if (it == m_viewers.end())
        return;
    // QWebSocket closes by itself on oversized or malformed frames; say why in the metrics.
    const auto code = it->second.socket->closeCode();
    if (code == QWebSocketProtocol::CloseCodeTooMuchData || code == QWebSocketProtocol::CloseCodeProtocolError
        || code == QWebSocketProtocol::CloseCodeWrongDatatype) {
        const QString reason = code == QWebSocketProtocol::CloseCodeTooMuchData ? u"too_big"_s : u"protocol"_s;
        m_registry->counter(rt::metrics::name::ViewerDropped, { reason })->add();
    }
    QWebSocket *socket = it->second.socket.release();
    disconnect(socket, nullptr, this, nullptr);
    socket->deleteLater();
    m_viewers.erase(it);
    updateGauges();
}

void ViewerHub::drop(quint64 id, int code, const QString &reason, const QString &metricReason)
{
    auto it = m_viewers.find(id);
    if (it == m_viewers.end())
        return;
    const bool authed = it->second.authed;
    QWebSocket *socket = it->second.socket.release();
    m_viewers.erase(it);
    if (!metricReason.isEmpty()) {
        const QString &counter = authed ? rt::metrics::name::ViewerDropped : rt::metrics::name::ViewerRefused;
        m_registry->counter(counter, { metricReason })->add();
    }
    qCDebug(lcRemote).noquote() << "viewer" << id << "closed:" << code << reason;
    closeAndReap(socket, code, reason);
    updateGauges();
}

void ViewerHub::authorise(Viewer &v)
{
    if (v.handshake) {
        v.handshake->stop();
        v.handshake->deleteLater();
        v.handshake = nullptr;
    }
    // Everything before the snapshot goes to the others first; the snapshot
    // is the state after it, and this viewer's first event is the next one.
    LiveFeed::Drained drained = m_feed->drain(QDateTime::currentMSecsSinceEpoch(), true);
    const QByteArray snapshot = std::move(drained.snapshot);
    send(std::move(drained));
    const QJsonObject hello { { u"v"_s, LiveFeed::Version }, { u"type"_s, u"hello"_s }, { u"seq"_s, double(m_lastSeq) },
        { u"server"_s, serverName() }, { u"protocol"_s, LiveFeed::Version },
        { u"capabilities"_s, QJsonArray { u"debates"_s, u"chats"_s, u"tokens"_s, u"metrics"_s } }, { u"batch_ms"_s, m_limits.batchMs },
        { u"heartbeat_s"_s, m_limits.heartbeatMs / 1000.0 }, { u"viewer"_s, double(v.id) },
        { u"time"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs) } };
    v.socket->sendTextMessage(QString::fromUtf8(QJsonDocument(hello).toJson(QJsonDocument::Compact)));
    v.socket->sendTextMessage(QString::fromUtf8(snapshot));
    v.authed = true;
    updateGauges();
}

void ViewerHub::onText(quint64 id, const QString &message)
{
    auto it = m_viewers.find(id);
    if (it == m_viewers.end())
        return;
    Viewer &v = it->second;
    const qint64 now = m_clock.elapsed();
    if (!v.authed) {
        const QJsonObject o = QJsonDocument::fromJson(message.toUtf8()).object();
        if (o.value(u"type"_s).toString() == "auth"_L1 && tokenMatches(o.value(u"token"_s).toString())) {
            authorise(v);
            return;
        }
        AddressLog &log = m_addresses[v.address.toString()];
        expire(log.badTokens, now);
        log.badTokens.push_back(now);
        drop(id, QWebSocketProtocol::CloseCodePolicyViolated, u"invalid token"_s, u"token"_s);
        return;
    }
    m_registry->counter(rt::metrics::name::ViewerRefused, { u"command"_s })->add();
    expire(v.commandTimes, now);
    v.commandTimes.push_back(now);
    if (v.commandTimes.size() > std::size_t(m_limits.commandsPerMinute)) {
        drop(id, QWebSocketProtocol::CloseCodePolicyViolated, u"viewers are read-only: too many commands"_s, QString());
        return;
    }
    const QJsonObject error { { u"v"_s, LiveFeed::Version }, { u"type"_s, u"error"_s }, { u"seq"_s, double(m_lastSeq) },
        { u"code"_s, u"read_only"_s }, { u"message"_s, tr("Viewers are read-only: nothing sent here changes the table.") } };
    v.socket->sendTextMessage(QString::fromUtf8(QJsonDocument(error).toJson(QJsonDocument::Compact)));
}

void ViewerHub::tick()
{
    // The batch is stamped with the end of its window, not with when it is
    // sent, so a viewer sees how far behind the server is.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now - m_nextDue > 10 * m_limits.batchMs || m_nextDue - now > 10 * m_limits.batchMs)
        m_nextDue = now; // the clock jumped, or we slept: start again
    // A late timer skips ticks rather than catching up: the windows it
    // missed are closed together, stamped with the last one that has ended.
    while (m_nextDue + m_limits.batchMs <= now)
        m_nextDue += m_limits.batchMs;
    const qint64 due = m_nextDue;
    m_nextDue += m_limits.batchMs;
    if (m_feed->hasPendingText())
        send(m_feed->drain(due, false));
}

void ViewerHub::flush()
{
    // An event closes the open text batch early: that text is due now.
    send(m_feed->drain(QDateTime::currentMSecsSinceEpoch(), false));
}

void ViewerHub::send(LiveFeed::Drained drained)
{
    QList<QByteArray> frames;
    frames.reserve(drained.frames.size());
    for (LiveFeed::Frame &f : drained.frames)
        frames.append(std::move(f.json));
    m_lastSeq = drained.seq;
    broadcast(frames);
}

void ViewerHub::broadcast(const QList<QByteArray> &frames)
{
    if (frames.isEmpty())
        return;
    std::vector<std::pair<quint64, qint64>> slow;
    qint64 sentFrames = 0;
    qint64 sentBytes = 0;
    for (const QByteArray &bytes : frames) {
        const QString text = QString::fromUtf8(bytes);
        for (auto &[id, v] : m_viewers) {
            if (!v.authed)
                continue;
            const qint64 waiting = v.socket->bytesToWrite();
            if (waiting > m_limits.maxQueueBytes) {
                if (std::find_if(slow.begin(), slow.end(), [id = id](const auto &s) { return s.first == id; }) == slow.end())
                    slow.emplace_back(id, waiting);
                continue;
            }
            v.socket->sendTextMessage(text);
            ++sentFrames;
            sentBytes += bytes.size();
        }
    }
    m_registry->counter(rt::metrics::name::ViewerFrames)->add(double(sentFrames));
    m_registry->counter(rt::metrics::name::ViewerBytes)->add(double(sentBytes));
    for (const auto &[id, waiting] : slow)
        drop(id, CloseTooSlow, u"too slow: %1 KiB waiting to be sent"_s.arg(waiting / 1024), u"slow"_s);
}

void ViewerHub::heartbeat()
{
    const qint64 now = m_clock.elapsed();
    std::vector<quint64> silent;
    std::vector<quint64> gone;
    for (auto &[id, v] : m_viewers) {
        if (v.socket->state() == QAbstractSocket::UnconnectedState) {
            gone.push_back(id);
            continue;
        }
        if (v.awaitingPong) {
            if (now - v.pingSentMs >= m_limits.heartbeatTimeoutMs)
                silent.push_back(id);
            continue;
        }
        v.awaitingPong = true;
        v.pingSentMs = now;
        v.socket->ping();
    }
    for (quint64 id : gone)
        forget(id);
    for (quint64 id : silent)
        drop(id, CloseNoPong, u"no answer to ping"_s, u"heartbeat"_s);
    // Forget addresses that have been quiet for a minute.
    for (auto it = m_addresses.begin(); it != m_addresses.end();) {
        expire(it->connects, now);
        expire(it->badTokens, now);
        it = it->connects.empty() && it->badTokens.empty() ? m_addresses.erase(it) : std::next(it);
    }
}

void ViewerHub::updateGauges()
{
    int authed = 0;
    for (const auto &[id, v] : m_viewers)
        authed += v.authed ? 1 : 0;
    m_registry->gauge(rt::metrics::name::Viewers)->set(authed);
    m_registry->gauge(rt::metrics::name::ViewersPeak)->raiseTo(authed);
}

} // namespace rt::server
