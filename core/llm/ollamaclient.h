#pragma once

#include "chatstream.h"
#include "chattypes.h"
#include "clientconfig.h"
#include "common/result.h"
#include "modelinfo.h"
#include "ndjsonstream.h"

#include <QJsonObject>
#include <QObject>
#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace rt::metrics {
class MetricsRegistry;
}

namespace rt::llm {

// Talks to one Ollama host over its HTTP API. All calls are asynchronous and
// share one QNetworkAccessManager; callbacks run on the client's thread and are
// dropped if their context object is gone.
class OllamaClient final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OllamaClient)
public:
    template<typename T> using Callback = std::function<void(const Result<T> &)>;

    // Uses nam if given (not owned), else creates its own.
    explicit OllamaClient(const ClientConfig &config, QNetworkAccessManager *nam = nullptr, QObject *parent = nullptr);

    const ClientConfig &config() const { return m_config; }
    QUrl baseUrl() const { return m_config.baseUrl; }
    void setConfig(const ClientConfig &config) { m_config = config; }
    QNetworkAccessManager *networkManager() const { return m_nam; }
    // Counts every JSON request (requests and failures by host, model and
    // kind) in `registry` under the host name `host`; chats are counted by
    // PooledChat, which knows the agent and the first token.
    void setMetrics(std::shared_ptr<rt::metrics::MetricsRegistry> registry, const QString &host);

    // Streams (or, with request.stream = false, fetches) a chat reply. The
    // returned object is already started and deletes itself after finished().
    ChatStream *chat(const ChatRequest &request);

    // A raw NDJSON stream, e.g. /api/pull; started by the caller with start().
    NdjsonStream *openStream(
        const QByteArray &verb, const QString &path, const QJsonObject &body, const QString &model, NdjsonStream::FinalPredicate isFinal);

    // One JSON request/response. An empty body answers an empty object.
    void requestJson(const QByteArray &verb, const QString &path, const QJsonObject &body, const QString &model, QObject *context,
        Callback<QJsonObject> callback, int timeoutMs = 30'000);

    void fetchVersion(QObject *context, Callback<QString> callback);
    void fetchModels(QObject *context, Callback<QList<ModelInfo>> callback);
    void showModel(const QString &name, QObject *context, Callback<QJsonObject> callback);
    void fetchRunning(QObject *context, Callback<QJsonObject> callback);
    void deleteModel(const QString &name, QObject *context, Callback<QJsonObject> callback);
    void embed(const QString &model, const QStringList &inputs, QObject *context, Callback<QList<QList<double>>> callback);

private:
    ClientConfig m_config;
    QNetworkAccessManager *m_nam;
    std::shared_ptr<rt::metrics::MetricsRegistry> m_metrics;
    QString m_metricsHost;
};

} // namespace rt::llm
