#include "ndjsonstream.h"

#include "common/correlationid.h"
#include "common/logging.h"
#include "common/translate.h"
#include "ollamaerrors.h"
#include "ollamahost.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>

namespace rt::llm {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::llm)
};

constexpr int WatchdogIntervalMs = 250;
} // namespace

NdjsonStream::NdjsonStream(QNetworkAccessManager *nam, const ClientConfig &config, QByteArray verb, QString path, QJsonObject body,
    QString model, FinalPredicate isFinal, QObject *parent)
    : QObject(parent)
    , m_nam(nam)
    , m_config(config)
    , m_verb(std::move(verb))
    , m_path(std::move(path))
    , m_body(body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact))
    , m_model(std::move(model))
    , m_isFinal(std::move(isFinal))
    , m_correlationId(rt::nextCorrelationId())
{
    m_watchdog.setInterval(WatchdogIntervalMs);
    connect(&m_watchdog, &QTimer::timeout, this, &NdjsonStream::onWatchdog);
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &NdjsonStream::startAttempt);
}

NdjsonStream::~NdjsonStream()
{
    detachReply();
}

void NdjsonStream::start()
{
    if (m_running)
        return;
    m_running = true;
    m_clock.start();
    qCDebug(lcLlm).noquote() << m_correlationId << m_verb << m_path << "model" << m_model << "to" << displayHost(m_config.baseUrl);
    startAttempt();
}

void NdjsonStream::startAttempt()
{
    if (!m_running)
        return;
    ++m_attempts;
    m_reader.reset();
    m_errorBody.clear();
    m_httpStatus = 0;
    m_gotData = false;
    m_sawFinal = false;
    m_loadingNoticeSent = false;
    m_streamError.clear();
    m_connectStartedMs = -1;
    m_attemptClock.start();

    QUrl url = m_config.baseUrl;
    url.setPath(url.path() + m_path);
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Accept", "application/x-ndjson, application/json");
    // No transfer timeout: it also runs while Ollama loads a model and sends
    // nothing, and closing the connection would abort the load. The watchdog
    // below applies separate connect, first-token and idle limits.
    request.setTransferTimeout(0);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);

    m_reply = m_verb == "GET" ? m_nam->get(request) : m_nam->sendCustomRequest(request, m_verb, m_body);
    QNetworkReply *reply = m_reply;
    connect(reply, &QNetworkReply::socketStartedConnecting, this, [this] { m_connectStartedMs = m_attemptClock.elapsed(); });
    connect(reply, &QNetworkReply::requestSent, this, [this] { m_connectStartedMs = -1; });
    connect(reply, &QNetworkReply::readyRead, this, &NdjsonStream::onReadyRead);
    connect(reply, &QNetworkReply::finished, this, &NdjsonStream::onReplyFinished);
    m_watchdog.start();
}

void NdjsonStream::feed(QByteArrayView bytes)
{
    if (m_httpStatus >= 400) {
        m_errorBody.append(bytes);
        return;
    }
    const auto status = m_reader.feed(bytes, [this](const QJsonObject &object) {
        if (!m_running || !m_streamError.isEmpty())
            return; // cancelled by a receiver, or already failed: ignore the rest
        if (const QJsonValue error = object.value(QStringLiteral("error")); !error.isUndefined()) {
            m_streamError = error.isString() ? error.toString() : QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
            return;
        }
        if (m_isFinal && m_isFinal(object))
            m_sawFinal = true;
        emit objectReceived(object);
    });
    if (!m_running)
        return;
    if (!m_streamError.isEmpty()) {
        //: %1 is the error message from Ollama
        failWith({ ErrorCode::StreamError, Tr::tr("Ollama stopped with an error in the middle of the reply: %1").arg(m_streamError) });
    } else if (status != NdjsonReader::Status::Ok) {
        failWith({ ErrorCode::InvalidStream,
            //: %1 is the address of an Ollama host, %2 what was wrong with the reply
            Tr::tr("Ollama at %1 sent a reply that could not be read (%2); the text received so far is kept.")
                .arg(displayHost(m_config.baseUrl), m_reader.errorString()) });
    }
}

void NdjsonStream::onReadyRead()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    if (!m_gotData) {
        m_gotData = true;
        m_httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        emit firstDataReceived(m_clock.elapsed());
        if (!m_reply)
            return;
    }
    m_lastActivityMs = m_attemptClock.elapsed();
    // Read into one reused buffer rather than allocating per chunk.
    while (m_reply && reply->bytesAvailable() > 0) {
        const qint64 available = reply->bytesAvailable();
        if (m_readBuffer.size() < available)
            m_readBuffer.resize(qMax<qint64>(available, 16 * 1024));
        const qint64 n = reply->read(m_readBuffer.data(), available);
        if (n <= 0)
            break;
        feed(QByteArrayView(m_readBuffer.constData(), n));
    }
}

void NdjsonStream::onWatchdog()
{
    if (!m_reply)
        return;
    const qint64 now = m_attemptClock.elapsed();
    if (m_connectStartedMs >= 0 && now - m_connectStartedMs > m_config.connectTimeoutMs) {
        failWith({ ErrorCode::ConnectTimeout,
            //: %1 is the address of an Ollama host, %2 a number of seconds
            Tr::tr("Could not connect to Ollama at %1 within %2 s. Check that the host is up and reachable.")
                .arg(displayHost(m_config.baseUrl))
                .arg(m_config.connectTimeoutMs / 1000.0) });
        return;
    }
    if (!m_gotData) {
        if (!m_loadingNoticeSent && now >= m_config.loadingNoticeMs) {
            m_loadingNoticeSent = true;
            emit waiting(m_clock.elapsed());
            if (!m_reply)
                return;
        }
        if (now > m_config.firstTokenTimeoutMs) {
            failWith({ ErrorCode::FirstTokenTimeout,
                //: %1 is the address of an Ollama host, %2 a number of seconds
                Tr::tr("Ollama at %1 did not start answering within %2 s. A large model may still be loading: try again, or raise "
                       "the first-token timeout in the settings.")
                    .arg(displayHost(m_config.baseUrl))
                    .arg(m_config.firstTokenTimeoutMs / 1000) });
        }
        return;
    }
    if (now - m_lastActivityMs > m_config.idleTimeoutMs) {
        failWith({ ErrorCode::Stalled,
            //: %1 is the address of an Ollama host, %2 a number of seconds
            Tr::tr("Ollama at %1 stopped sending in the middle of the reply (silent for %2 s); the text received so far is kept.")
                .arg(displayHost(m_config.baseUrl))
                .arg(m_config.idleTimeoutMs / 1000.0) });
    }
}

void NdjsonStream::onReplyFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    if (reply->bytesAvailable() > 0)
        onReadyRead();
    if (!m_running || !m_reply)
        return; // an error line or bad data already finished us

    HttpFailure failure;
    failure.networkError = reply->error();
    failure.networkErrorString = reply->errorString();
    failure.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    failure.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    detachReply();

    if (failure.httpStatus >= 400 || (failure.httpStatus == 0 && failure.networkError != QNetworkReply::NoError)) {
        failure.body = m_errorBody;
        Error error = describeFailure(failure, m_config.baseUrl, m_path, m_model);
        if (error.code == ErrorCode::Busy && m_attempts <= m_config.busyRetries) {
            // Retry only before the first token: nothing has been shown yet.
            const int base = m_config.retryBaseDelayMs * (1 << (m_attempts - 1));
            const int delay = base / 2 + int(QRandomGenerator::global()->bounded(base)); // 50-150% jitter
            qCDebug(lcLlm).noquote() << m_correlationId << "busy, retry" << m_attempts << "in" << delay << "ms";
            emit retrying(m_attempts, delay, error.message);
            m_retryTimer.start(delay);
            return;
        }
        finish(Outcome::Kind::Failed, error);
        return;
    }

    // 2xx. A complete reply ends with a final object; anything else is cut off.
    if (m_reader.hasPartialLine()) {
        // stream:false bodies and the last line may lack the newline.
        feed(QByteArrayView("\n", 1));
        if (!m_running)
            return;
    }
    if (m_sawFinal) {
        finish(Outcome::Kind::Completed);
        return;
    }
    const QString why = failure.networkError != QNetworkReply::NoError
        ? failure.networkErrorString
        //: Why a reply ended early; it is shown inside the next message in parentheses
        : Tr::tr("the connection closed");
    finish(Outcome::Kind::Failed,
        { ErrorCode::Truncated,
            //: %1 is the address of an Ollama host, %2 why the reply ended (a network error, or "the connection closed")
            Tr::tr("The reply from Ollama at %1 ended before it was complete (%2); the text received so far is kept.")
                .arg(displayHost(m_config.baseUrl), why) });
}

void NdjsonStream::cancel()
{
    if (!m_running)
        return;
    m_cancelled = true;
    m_retryTimer.stop();
    detachReply(); // abort(): the server notices the closed connection and stops generating
    finish(Outcome::Kind::Cancelled, { ErrorCode::Cancelled, Tr::tr("Stopped by the user.") });
}

void NdjsonStream::failWith(Error error)
{
    detachReply();
    finish(Outcome::Kind::Failed, std::move(error));
}

void NdjsonStream::detachReply()
{
    m_watchdog.stop();
    if (QNetworkReply *reply = m_reply) {
        m_reply = nullptr;
        disconnect(reply, nullptr, this, nullptr);
        if (reply->isRunning())
            reply->abort();
        reply->deleteLater();
    }
}

void NdjsonStream::finish(Outcome::Kind kind, Error error)
{
    if (!m_running)
        return;
    m_running = false;
    m_watchdog.stop();
    m_retryTimer.stop();
    Outcome outcome;
    outcome.kind = kind;
    outcome.error = std::move(error);
    outcome.attempts = m_attempts;
    outcome.receivedData = m_gotData;
    qCDebug(lcLlm).noquote() << m_correlationId << "finished" << int(kind) << outcome.error.code << "after" << m_clock.elapsed() << "ms";
    emit finished(outcome);
}

} // namespace rt::llm
