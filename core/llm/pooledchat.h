#pragma once

#include "chattypes.h"
#include "common/result.h"
#include "endpointpool.h"

#include <QObject>
#include <QPointer>
#include <QSet>
#include <QStringList>
#include <QTimer>
#include <memory>

namespace rt::metrics {
class Value;
}

namespace rt::llm {

class ChatStream;

// A chat request that the pool routes, queues for a slot, and moves
// elsewhere when it fails before its first token: a missing model goes to the
// next host that has it or to the next fallback model; a failing host counts
// against its breaker and the request moves to another host. After the first
// token, a failure ends the chat with the partial text (never replayed).
// Same signals as ChatStream, plus routing news.
class PooledChat final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PooledChat)
public:
    PooledChat(EndpointPool *pool, ChatRequest request, QStringList modelsToTry, QString preferredHost, QObject *parent = nullptr);
    ~PooledChat() override;

    void start();
    QString host() const { return m_host; } // current or last host
    QString model() const { return m_model; } // current or last model
    bool isRunning() const { return m_running; }
    QString content() const; // text received so far
    QString thinking() const;
    // The agent this chat speaks for, as a metrics label (tokens per agent).
    void setAgent(const QString &agent) { m_agent = agent; }

public slots:
    void cancel();

signals:
    void queued(const QString &host); // waiting for a free slot on host
    void waitingForHost(const QString &reason); // every host offline; waiting (options.waitForHostMs)
    void routed(const QString &host, const QString &model, int attempt);
    void notice(const QString &message); // "qwen3 is not on gpu-box; trying local." for the UI
    void waiting(qint64 elapsedMs); // no token yet: model loading
    void retrying(int attempt, int delayMs, const QString &reason);
    void firstToken(qint64 elapsedMs);
    void delta(const QString &content, const QString &thinking);
    void finished(const rt::llm::ChatResult &result);

private:
    void attempt();
    void onGranted(HostLease lease);
    void onStreamFinished(const ChatResult &result);
    void finish(ChatResult result);
    void failWith(const Error &error);
    void recordAttempt(const ChatResult &result); // metrics of one request to one host

    QPointer<EndpointPool> m_pool;
    ChatRequest m_request;
    QStringList m_models;
    QString m_preferred;
    QString m_host;
    QString m_model;
    QSet<QString> m_excludedHosts; // failed for this request
    HostLease m_lease;
    quint64 m_ticket = 0;
    QPointer<class ChatStream> m_stream;
    QTimer m_hostWait;
    QMetaObject::Connection m_availabilityConnection;
    Error m_lastError;
    QString m_agent;
    std::shared_ptr<rt::metrics::Value> m_tokenCounter; // this attempt's host, model and agent
    int m_attempts = 0;
    bool m_gotToken = false;
    bool m_running = false;
    bool m_cancelled = false;
};

} // namespace rt::llm
