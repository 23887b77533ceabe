#include "ollamaclient.h"

#include "common/logging.h"
#include "common/translate.h"
#include "metrics/metricnames.h"
#include "metrics/metricsregistry.h"
#include "ollamaerrors.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace rt::llm {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::llm)
};
} // namespace

OllamaClient::OllamaClient(const ClientConfig &config, QNetworkAccessManager *nam, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_nam(nam ? nam : new QNetworkAccessManager(this))
{
}

ChatStream *OllamaClient::chat(const ChatRequest &request)
{
    auto *stream = openStream("POST", QStringLiteral("/api/chat"), request.toJson(), request.model,
        [](const QJsonObject &object) { return object.value(QStringLiteral("done")).toBool(); });
    auto *chat = new ChatStream(stream, request, this);
    stream->start();
    return chat;
}

NdjsonStream *OllamaClient::openStream(
    const QByteArray &verb, const QString &path, const QJsonObject &body, const QString &model, NdjsonStream::FinalPredicate isFinal)
{
    return new NdjsonStream(m_nam, m_config, verb, path, body, model, std::move(isFinal), this);
}

void OllamaClient::setMetrics(std::shared_ptr<rt::metrics::MetricsRegistry> registry, const QString &host)
{
    m_metrics = std::move(registry);
    m_metricsHost = host;
}

void OllamaClient::requestJson(const QByteArray &verb, const QString &path, const QJsonObject &body, const QString &model, QObject *context,
    Callback<QJsonObject> callback, int timeoutMs)
{
    if (m_metrics) {
        namespace mn = rt::metrics::name;
        const QString kind = path.section(QLatin1Char('/'), -1);
        m_metrics->counter(mn::Requests, { m_metricsHost, model, kind })->add();
        callback
            = [registry = m_metrics, host = m_metricsHost, model, kind, callback = std::move(callback)](const Result<QJsonObject> &result) {
                  if (!result)
                      registry->counter(mn::RequestFailures, { host, model, kind, result.error().code })->add();
                  callback(result);
              };
    }
    QUrl url = m_config.baseUrl;
    url.setPath(url.path() + path);
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setTransferTimeout(timeoutMs);
    const QByteArray payload = body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact);
    QNetworkReply *reply = verb == "GET" ? m_nam->get(request) : m_nam->sendCustomRequest(request, verb, payload);
    const QUrl base = m_config.baseUrl;
    connect(reply, &QNetworkReply::finished, context, [reply, base, path, model, callback = std::move(callback), timeoutMs] {
        reply->deleteLater();
        HttpFailure failure;
        failure.networkError = reply->error();
        failure.networkErrorString = reply->errorString();
        failure.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        failure.body = reply->readAll();
        if (failure.networkError == QNetworkReply::OperationCanceledError && failure.httpStatus == 0) {
            callback(Error { ErrorCode::ConnectTimeout,
                //: %1 is the address of an Ollama host, %2 the API path (such as /api/tags), %3 a number of seconds
                Tr::tr("Ollama at %1 did not answer %2 within %3 s.")
                    .arg(base.toString(QUrl::StripTrailingSlash), path)
                    .arg(timeoutMs / 1000) });
            return;
        }
        if (failure.httpStatus >= 400 || (failure.httpStatus == 0 && failure.networkError != QNetworkReply::NoError)) {
            callback(describeFailure(failure, base, path, model));
            return;
        }
        if (failure.body.trimmed().isEmpty()) {
            callback(QJsonObject());
            return;
        }
        QJsonParseError parseError {};
        const QJsonDocument doc = QJsonDocument::fromJson(failure.body, &parseError);
        if (!doc.isObject()) {
            callback(Error { ErrorCode::InvalidStream,
                //: %1 is the address of an Ollama host, %2 the API path (such as /api/tags), %3 the parse error
                Tr::tr("Ollama at %1 answered %2 with something that is not JSON (%3).")
                    .arg(base.toString(QUrl::StripTrailingSlash), path, parseError.errorString()) });
            return;
        }
        callback(doc.object());
    });
    // If the context dies first, the reply still gets cleaned up.
    connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
}

void OllamaClient::fetchVersion(QObject *context, Callback<QString> callback)
{
    requestJson(
        "GET", QStringLiteral("/api/version"), {}, {}, context, [callback = std::move(callback)](const Result<QJsonObject> &result) {
            if (!result)
                callback(result.error());
            else
                callback(result->value(QStringLiteral("version")).toString());
        });
}

void OllamaClient::fetchModels(QObject *context, Callback<QList<ModelInfo>> callback)
{
    requestJson("GET", QStringLiteral("/api/tags"), {}, {}, context, [callback = std::move(callback)](const Result<QJsonObject> &result) {
        if (!result)
            callback(result.error());
        else
            callback(ModelInfo::listFromTags(*result));
    });
}

void OllamaClient::showModel(const QString &name, QObject *context, Callback<QJsonObject> callback)
{
    requestJson("POST", QStringLiteral("/api/show"), { { QStringLiteral("model"), name } }, name, context, std::move(callback));
}

void OllamaClient::fetchRunning(QObject *context, Callback<QJsonObject> callback)
{
    requestJson("GET", QStringLiteral("/api/ps"), {}, {}, context, std::move(callback));
}

void OllamaClient::deleteModel(const QString &name, QObject *context, Callback<QJsonObject> callback)
{
    requestJson("DELETE", QStringLiteral("/api/delete"), { { QStringLiteral("model"), name } }, name, context, std::move(callback));
}

void OllamaClient::embed(const QString &model, const QStringList &inputs, QObject *context, Callback<QList<QList<double>>> callback)
{
    const QJsonObject body { { QStringLiteral("model"), model }, { QStringLiteral("input"), QJsonArray::fromStringList(inputs) } };
    requestJson(
        "POST", QStringLiteral("/api/embed"), body, model, context,
        [callback = std::move(callback)](const Result<QJsonObject> &result) {
            if (!result) {
                callback(result.error());
                return;
            }
            QList<QList<double>> vectors;
            const QJsonArray embeddings = result->value(QStringLiteral("embeddings")).toArray();
            for (const QJsonValue &row : embeddings) {
                QList<double> vector;
                const QJsonArray values = row.toArray();
                vector.reserve(values.size());
                for (const QJsonValue &v : values)
                    vector.append(v.toDouble());
                vectors.append(std::move(vector));
            }
            callback(std::move(vectors));
        },
        m_config.firstTokenTimeoutMs);
}

} // namespace rt::llm
