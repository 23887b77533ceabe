#include "pooledchat.h"

#include "chatstream.h"
#include "common/translate.h"
#include "metrics/metricnames.h"
#include "metrics/metricsregistry.h"
#include "ollamaclient.h"
#include "ollamaerrors.h"

#include <QCoreApplication>

namespace rt::llm {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::llm)
};
} // namespace

// ---------------------------------------------------------------- PooledChat

PooledChat::PooledChat(EndpointPool *pool, ChatRequest request, QStringList modelsToTry, QString preferredHost, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_request(std::move(request))
    , m_models(std::move(modelsToTry))
    , m_preferred(std::move(preferredHost))
{
    m_hostWait.setSingleShot(true);
    connect(&m_hostWait, &QTimer::timeout, this, [this] {
        failWith(m_lastError.code.isEmpty()
                ? Error { ErrorCode::Unreachable, Tr::tr("No Ollama host came back in time; check that Ollama is running.") }
                : m_lastError);
    });
}

PooledChat::~PooledChat()
{
    if (m_pool && m_ticket)
        m_pool->cancelAcquire(m_ticket);
    if (ChatStream *stream = m_stream) {
        disconnect(stream, nullptr, this, nullptr);
        stream->cancel();
    }
}

QString PooledChat::content() const
{
    return m_stream ? m_stream->content() : QString();
}

QString PooledChat::thinking() const
{
    return m_stream ? m_stream->thinking() : QString();
}

void PooledChat::start()
{
    if (m_running)
        return;
    m_running = true;
    // From the event loop, so the caller can connect to every signal first.
    QMetaObject::invokeMethod(this, &PooledChat::attempt, Qt::QueuedConnection);
}

void PooledChat::attempt()
{
    if (!m_running || m_cancelled)
        return;
    EndpointPool *pool = m_pool;
    if (!pool) {
        failWith({ ErrorCode::Unreachable, Tr::tr("The connection pool was closed.") });
        return;
    }
    const int limit = int(pool->hostNames().size()) * (int(m_models.size()) + 1) + 2;
    if (++m_attempts > limit) {
        failWith(m_lastError.code.isEmpty()
                ? Error { ErrorCode::Unreachable, Tr::tr("The request could not be placed on any Ollama host.") }
                : m_lastError);
        return;
    }
    auto route = pool->route(m_models, m_excludedHosts, m_preferred);
    if (!route) {
        const Error &error = route.error();
        if (error.code == ErrorCode::Unreachable && !pool->anyAvailable() && pool->options().waitForHostMs > 0
            && !pool->hostNames().isEmpty()) {
            if (!m_hostWait.isActive()) {
                m_lastError = error;
                m_hostWait.start(pool->options().waitForHostMs);
                emit waitingForHost(error.message);
                m_availabilityConnection = connect(pool, &EndpointPool::availabilityChanged, this, [this](bool available) {
                    if (!available)
                        return;
                    disconnect(m_availabilityConnection);
                    m_hostWait.stop();
                    m_excludedHosts.clear();
                    --m_attempts;
                    attempt();
                });
            }
            return;
        }
        if (error.code == ErrorCode::ModelNotFound || m_lastError.code.isEmpty())
            failWith(error);
        else
            failWith(m_lastError);
        return;
    }
    m_host = route->host;
    m_model = route->model;
    const quint64 ticket = pool->acquire(m_host, this, [this](HostLease lease) { onGranted(std::move(lease)); });
    if (ticket != 0) {
        m_ticket = ticket;
        emit queued(m_host);
    }
}

void PooledChat::onGranted(HostLease lease)
{
    m_ticket = 0;
    if (!m_running || m_cancelled)
        return;
    if (!lease.isValid() || !m_pool || !m_pool->isAvailable(lease.host())) {
        // The host went away while we waited; choose again.
        QMetaObject::invokeMethod(this, &PooledChat::attempt, Qt::QueuedConnection);
        return;
    }
    m_lease = std::move(lease);
    ChatRequest request = m_request;
    request.model = m_model.isEmpty() ? m_request.model : m_model;
    ChatStream *stream = m_lease.client()->chat(request);
    m_stream = stream;
    if (const auto &metrics = m_pool->metrics()) {
        namespace mn = rt::metrics::name;
        metrics->counter(mn::Requests, { m_host, request.model, QStringLiteral("chat") })->add();
        m_tokenCounter = metrics->counter(mn::Tokens, { m_host, request.model, m_agent });
    }
    connect(stream, &ChatStream::waiting, this, &PooledChat::waiting);
    connect(stream, &ChatStream::retrying, this, &PooledChat::retrying);
    connect(stream, &ChatStream::firstToken, this, [this](qint64 ms) {
        m_gotToken = true;
        emit firstToken(ms);
    });
    connect(stream, &ChatStream::delta, this, [this](const QString &content, const QString &thinking) {
        m_gotToken = true;
        if (m_tokenCounter)
            m_tokenCounter->add();
        emit delta(content, thinking);
    });
    connect(stream, &ChatStream::finished, this, &PooledChat::onStreamFinished);
    emit routed(m_host, request.model, m_attempts);
}

void PooledChat::onStreamFinished(const ChatResult &result)
{
    m_stream = nullptr;
    m_lease.release();
    recordAttempt(result);
    EndpointPool *pool = m_pool;
    if (result.ok()) {
        if (pool) {
            pool->reportSuccess(m_host);
            pool->noteModelPresent(m_host, m_model);
        }
        finish(result);
        return;
    }
    if (result.status == ChatStatus::Cancelled || m_cancelled || !pool) {
        finish(result);
        return;
    }
    m_lastError = result.error;
    const bool hostFailure = EndpointPool::isHostFailure(result.error);
    if (hostFailure)
        pool->reportFailure(m_host, result.error);
    else if (result.error.code != ErrorCode::ModelNotFound)
        pool->reportSuccess(m_host); // it answered: the host itself is fine
    const bool beforeFirstToken = !m_gotToken && result.content.isEmpty() && result.thinking.isEmpty();
    if (!beforeFirstToken) {
        finish(result); // the partial text stays; never replay a half-given answer
        return;
    }
    if (result.error.code == ErrorCode::ModelNotFound) {
        pool->noteModelMissing(m_host, m_model);
        emit notice(Tr::tr("The model “%1” is not installed on %2; trying another host or fallback model.").arg(m_model, m_host));
        attempt();
        return;
    }
    if (hostFailure) {
        m_excludedHosts.insert(m_host);
        emit notice(Tr::tr("Ollama host %1 failed (%2); trying another host.").arg(m_host, result.error.message));
        attempt();
        return;
    }
    finish(result);
}

void PooledChat::cancel()
{
    if (!m_running || m_cancelled)
        return;
    m_cancelled = true;
    if (m_stream) {
        m_stream->cancel(); // finished(Cancelled) follows through onStreamFinished
        if (!m_running)
            return;
    }
    if (m_ticket && m_pool)
        m_pool->cancelAcquire(m_ticket);
    m_ticket = 0;
    ChatResult result;
    result.status = ChatStatus::Cancelled;
    result.model = m_model.isEmpty() ? m_models.value(0) : m_model;
    result.error = { ErrorCode::Cancelled, Tr::tr("Stopped by the user.") };
    finish(result);
}

void PooledChat::failWith(const Error &error)
{
    ChatResult result;
    result.status = ChatStatus::Failed;
    result.model = m_model.isEmpty() ? m_models.value(0) : m_model;
    result.error = error;
    // No host took it (every host down, model nowhere): still a failed request.
    if (m_pool && m_pool->metrics() && !m_tokenCounter) {
        namespace mn = rt::metrics::name;
        m_pool->metrics()->counter(mn::Requests, { m_host, result.model, QStringLiteral("chat") })->add();
        m_pool->metrics()->counter(mn::RequestFailures, { m_host, result.model, QStringLiteral("chat"), error.code })->add();
    }
    finish(result);
}

void PooledChat::recordAttempt(const ChatResult &result)
{
    const auto &metrics = m_pool ? m_pool->metrics() : nullptr;
    if (!metrics)
        return;
    namespace mn = rt::metrics::name;
    const QString model = m_model.isEmpty() ? m_request.model : m_model;
    if (result.ok()) {
        metrics->histogram(mn::ResponseSeconds, { m_host, model })->observe(double(result.metrics.wallTimeMs) / 1000.0);
        const double tps = result.metrics.tokensPerSecond();
        if (tps > 0)
            metrics->gauge(mn::TokensPerSecond, { m_host, model })->set(tps);
    } else if (result.status == ChatStatus::Failed) {
        metrics->counter(mn::RequestFailures, { m_host, model, QStringLiteral("chat"), result.error.code })->add();
    }
    if (result.metrics.timeToFirstTokenMs >= 0)
        metrics->histogram(mn::FirstTokenSeconds, { m_host, model })->observe(double(result.metrics.timeToFirstTokenMs) / 1000.0);
}

void PooledChat::finish(ChatResult result)
{
    if (!m_running)
        return;
    m_running = false;
    m_hostWait.stop();
    disconnect(m_availabilityConnection);
    m_lease.release();
    if (result.model.isEmpty())
        result.model = m_model;
    emit finished(result);
    deleteLater();
}

} // namespace rt::llm
