#include "remotetable.h"

#include "common/logging.h"
#include "livefeed.h"

#include <QJsonDocument>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QUrlQuery>
#include <QWebSocket>

namespace rt::server {

using namespace Qt::StringLiterals;

namespace {
constexpr int MaxDelayMs = 10000;

QString hostPort(const QUrl &url)
{
    return url.port() > 0 ? u"%1:%2"_s.arg(url.host()).arg(url.port()) : url.host();
}
} // namespace

RemoteTable::RemoteTable(QObject *parent)
    : QObject(parent)
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &RemoteTable::connectNow);
}

RemoteTable::~RemoteTable()
{
    const QSignalBlocker quiet(this); // nobody listens to an object going away
    close();
}

rt::Result<QUrl> RemoteTable::webSocketUrl(const QString &viewerLink)
{
    const QUrl link = QUrl::fromUserInput(viewerLink.trimmed());
    const QString scheme = link.scheme().toLower();
    const auto invalid = [&viewerLink] {
        return rt::Error { u"usage"_s,
            QObject::tr("“%1” is not a viewer link: it looks like http://HOST:PORT/?token=TOKEN (Settings → Local Server, or what "
                        "roundtable serve prints).")
                .arg(viewerLink.trimmed()) };
    };
    if (!link.isValid() || link.host().isEmpty()
        || !(scheme == "http"_L1 || scheme == "https"_L1 || scheme == "ws"_L1 || scheme == "wss"_L1))
        return invalid();
    const QString token = QUrlQuery(link).queryItemValue(u"token"_s, QUrl::FullyDecoded);
    if (token.isEmpty())
        return rt::Error { u"usage"_s, QObject::tr("The viewer link has no token (…/?token=TOKEN): copy the whole link.") };
    QUrl ws = link;
    ws.setScheme(scheme == "https"_L1 || scheme == "wss"_L1 ? u"wss"_s : u"ws"_s);
    ws.setPath(u"/ws"_s);
    QUrlQuery query;
    query.addQueryItem(u"token"_s, token);
    ws.setQuery(query);
    ws.setFragment({});
    return ws;
}

void RemoteTable::setState(State state, const QString &text)
{
    if (m_state == state && m_stateText == text)
        return;
    m_state = state;
    m_stateText = text;
    emit stateChanged(state, text);
}

void RemoteTable::open(const QUrl &webSocketUrl)
{
    close();
    m_url = webSocketUrl;
    m_delayMs = m_firstDelayMs;
    m_closing = false;
    connectNow();
}

void RemoteTable::close()
{
    m_closing = true;
    m_retry.stop();
    if (m_socket) {
        QWebSocket *s = m_socket.release();
        disconnect(s, nullptr, this, nullptr);
        s->close();
        s->deleteLater();
    }
    if (m_state != State::Refused)
        setState(State::Idle, tr("Not connected."));
}

void RemoteTable::connectNow()
{
    if (m_socket) {
        QWebSocket *s = m_socket.release();
        disconnect(s, nullptr, this, nullptr);
        s->abort();
        s->deleteLater();
    }
    m_haveSnapshot = false;
    m_closing = false;
    m_socket = std::make_unique<QWebSocket>();
    m_socket->setMaxAllowedIncomingMessageSize(256 * 1024 * 1024);
    connect(m_socket.get(), &QWebSocket::textMessageReceived, this, &RemoteTable::onText);
    connect(m_socket.get(), &QWebSocket::disconnected, this, &RemoteTable::onClosed);
    connect(m_socket.get(), &QWebSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
        if (m_ignoreSsl)
            m_socket->ignoreSslErrors(errors);
    });
    setState(m_connects == 0 ? State::Connecting : State::Reconnecting, tr("Connecting to %1…").arg(hostPort(m_url)));
    m_socket->open(QNetworkRequest(m_url));
}

void RemoteTable::retry(const QString &why)
{
    if (m_closing)
        return;
    const int jitter = int(QRandomGenerator::global()->bounded(m_delayMs / 5 + 1));
    const int wait = m_delayMs + jitter;
    m_delayMs = qMin(MaxDelayMs, m_delayMs * 2);
    setState(State::Reconnecting, tr("%1 Trying again in %2 s.").arg(why).arg(wait / 1000.0, 0, 'f', 1));
    m_retry.start(wait);
}

void RemoteTable::onClosed()
{
    if (!m_socket || m_closing)
        return;
    const int code = int(m_socket->closeCode());
    const QString reason = m_socket->closeReason();
    const QString error = m_socket->errorString();
    qCDebug(lcRemote).noquote() << "remote table closed:" << code << reason << error;
    // A refusal before the upgrade arrives as an HTTP status in the error text.
    const bool unauthorized = error.contains(u"401"_s);
    if (code == 1008 || unauthorized) {
        m_closing = true;
        setState(State::Refused,
            reason == "invalid token"_L1 || unauthorized
                ? tr("The viewer link's token is not valid (it changes at every server start): ask for a new link.")
                : tr("The table refused this viewer: %1.").arg(reason.isEmpty() ? error : reason));
        return;
    }
    retry(m_connects > 0 ? tr("The connection to %1 was lost.").arg(hostPort(m_url))
                         : tr("Cannot reach %1 (%2).").arg(hostPort(m_url), reason.isEmpty() ? error : reason));
}

void RemoteTable::onText(const QString &message)
{
    QJsonParseError parseError;
    const QJsonObject frame = QJsonDocument::fromJson(message.toUtf8(), &parseError).object();
    if (parseError.error != QJsonParseError::NoError)
        return; // not ours to judge: ignore what cannot be read
    const QString type = frame.value(u"type"_s).toString();
    if (frame.value(u"v"_s).toInt() != LiveFeed::Version) {
        m_closing = true;
        m_socket->close();
        setState(State::Refused,
            tr("The table speaks protocol version %1; this Roundtable knows version %2. Update one of them.")
                .arg(frame.value(u"v"_s).toInt())
                .arg(LiveFeed::Version));
        return;
    }
    const quint64 seq = quint64(frame.value(u"seq"_s).toDouble());
    if (type == "hello"_L1) {
        m_hello = frame;
        return;
    }
    if (type == "snapshot"_L1) {
        m_snapshot = frame;
        m_lastSeq = seq;
        m_haveSnapshot = true;
        ++m_connects;
        m_delayMs = m_firstDelayMs;
        setState(State::Connected, tr("Watching %1 (read-only).").arg(hostPort(m_url)));
        emit snapshotReceived(frame);
        return;
    }
    if (type == "error"_L1 || !m_haveSnapshot)
        return;
    if (seq <= m_lastSeq)
        return; // already in the snapshot
    if (seq != m_lastSeq + 1) {
        // Something was missed: start again from a fresh snapshot.
        qCDebug(lcRemote) << "gap: expected" << m_lastSeq + 1 << "got" << seq;
        m_retry.stop();
        m_delayMs = m_firstDelayMs;
        QWebSocket *s = m_socket.release();
        disconnect(s, nullptr, this, nullptr);
        s->close(QWebSocketProtocol::CloseCodeNormal, u"missed events"_s);
        s->deleteLater();
        retry(tr("Some events were missed."));
        return;
    }
    m_lastSeq = seq;
    emit eventReceived(frame);
}

} // namespace rt::server
