#include "ollamaerrors.h"

#include "ollamahost.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace rt::llm {

QString ollamaErrorText(const QByteArray &body)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (!doc.isObject())
        return {};
    const QJsonValue error = doc.object().value(QStringLiteral("error"));
    if (error.isString())
        return error.toString();
    if (error.isObject()) // OpenAI-compatible shape
        return error.toObject().value(QStringLiteral("message")).toString();
    return {};
}

Error describeFailure(const HttpFailure &failure, const QUrl &baseUrl, const QString &path, const QString &model)
{
    const QString host = displayHost(baseUrl);
    switch (failure.networkError) {
    case QNetworkReply::ConnectionRefusedError:
        return { ErrorCode::Unreachable,
            QStringLiteral("Ollama is not running at %1. Start it with \"ollama serve\", or point Roundtable at the right host with "
                           "--ollama-host or OLLAMA_HOST.")
                .arg(host) };
    case QNetworkReply::HostNotFoundError:
        return { ErrorCode::Unreachable,
            QStringLiteral("The host in %1 could not be found. Check the address given with --ollama-host or OLLAMA_HOST.").arg(host) };
    case QNetworkReply::UnknownNetworkError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
        if (failure.httpStatus == 0)
            return { ErrorCode::Unreachable,
                QStringLiteral("Ollama at %1 could not be reached (%2).").arg(host, failure.networkErrorString) };
        break;
    case QNetworkReply::RemoteHostClosedError:
        if (failure.httpStatus == 0)
            return { ErrorCode::Network,
                QStringLiteral("Ollama at %1 closed the connection before answering. It may have crashed or restarted; try again.")
                    .arg(host) };
        break;
    case QNetworkReply::SslHandshakeFailedError:
        return { ErrorCode::Unreachable, QStringLiteral("The secure connection to %1 failed: %2").arg(host, failure.networkErrorString) };
    default:
        break;
    }

    const QString serverText = ollamaErrorText(failure.body);
    const QString detail = serverText.isEmpty() ? QString::fromUtf8(failure.body.left(200)).trimmed() : serverText;
    switch (failure.httpStatus) {
    case 0:
        return { ErrorCode::Network, QStringLiteral("The request to Ollama at %1 failed: %2").arg(host, failure.networkErrorString) };
    case 404:
        // A JSON body means Ollama knows the endpoint but not the model; a
        // plain-text "404 page not found" means the server lacks the endpoint.
        if (!serverText.isEmpty()) {
            if (!model.isEmpty())
                return { ErrorCode::ModelNotFound,
                    QStringLiteral(
                        "The model \"%1\" is not installed on %2. Pull it first with \"ollama pull %1\" (or roundtable models pull %1).")
                        .arg(model, host) };
            return { ErrorCode::ModelNotFound, QStringLiteral("Ollama at %1 answered: %2").arg(host, serverText) };
        }
        return { ErrorCode::EndpointMissing,
            QStringLiteral(
                "The server at %1 does not offer %2. It may be an older Ollama, or not Ollama at all: update Ollama or check the address.")
                .arg(host, path) };
    case 400:
        return { ErrorCode::BadRequest, QStringLiteral("Ollama rejected the request: %1").arg(detail) };
    case 503:
        return { ErrorCode::Busy,
            QStringLiteral("Ollama at %1 is busy and did not take the request (%2). Wait a moment and try again.").arg(host, detail) };
    case 403:
        return { ErrorCode::BadRequest,
            QStringLiteral("Ollama at %1 refused the request (403: %2). Check OLLAMA_ORIGINS and the host name.").arg(host, detail) };
    default:
        if (failure.httpStatus >= 500)
            return { ErrorCode::ServerError,
                QStringLiteral("Ollama at %1 failed with an internal error (%2): %3").arg(host).arg(failure.httpStatus).arg(detail) };
        return { ErrorCode::BadRequest,
            QStringLiteral("Ollama at %1 answered with HTTP %2: %3").arg(host).arg(failure.httpStatus).arg(detail) };
    }
}

} // namespace rt::llm
