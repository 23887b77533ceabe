#include "ollamaerrors.h"

#include "common/translate.h"
#include "ollamahost.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace rt::llm {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::llm)
};
} // namespace

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
            //: %1 is the address of an Ollama host; "ollama serve", --ollama-host and OLLAMA_HOST are not translated
            Tr::tr("Ollama is not running at %1. Start it with \"ollama serve\", or point Roundtable at the right host with "
                   "--ollama-host or OLLAMA_HOST.")
                .arg(host) };
    case QNetworkReply::HostNotFoundError:
        return { ErrorCode::Unreachable,
            //: %1 is the address of an Ollama host
            Tr::tr("The host in %1 could not be found. Check the address given with --ollama-host or OLLAMA_HOST.").arg(host) };
    case QNetworkReply::UnknownNetworkError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
        if (failure.httpStatus == 0)
            return { ErrorCode::Unreachable,
                //: %1 is the address of an Ollama host, %2 the network error
                Tr::tr("Ollama at %1 could not be reached (%2).").arg(host, failure.networkErrorString) };
        break;
    case QNetworkReply::RemoteHostClosedError:
        if (failure.httpStatus == 0)
            return { ErrorCode::Network,
                //: %1 is the address of an Ollama host
                Tr::tr("Ollama at %1 closed the connection before answering. It may have crashed or restarted; try again.").arg(host) };
        break;
    case QNetworkReply::SslHandshakeFailedError:
        //: %1 is the address of an Ollama host, %2 the TLS error
        return { ErrorCode::Unreachable, Tr::tr("The secure connection to %1 failed: %2").arg(host, failure.networkErrorString) };
    default:
        break;
    }

    const QString serverText = ollamaErrorText(failure.body);
    const QString detail = serverText.isEmpty() ? QString::fromUtf8(failure.body.left(200)).trimmed() : serverText;
    switch (failure.httpStatus) {
    case 0:
        //: %1 is the address of an Ollama host, %2 the network error
        return { ErrorCode::Network, Tr::tr("The request to Ollama at %1 failed: %2").arg(host, failure.networkErrorString) };
    case 404:
        // A JSON body means Ollama knows the endpoint but not the model; a
        // plain-text "404 page not found" means the server lacks the endpoint.
        if (!serverText.isEmpty()) {
            if (!model.isEmpty())
                return { ErrorCode::ModelNotFound,
                    //: %1 is a model name, %2 the address of an Ollama host
                    Tr::tr("The model \"%1\" is not installed on %2. Pull it first with \"ollama pull %1\" (or roundtable models pull %1).")
                        .arg(model, host) };
            //: %1 is the address of an Ollama host, %2 its error message
            return { ErrorCode::ModelNotFound, Tr::tr("Ollama at %1 answered: %2").arg(host, serverText) };
        }
        return { ErrorCode::EndpointMissing,
            //: %1 is the address of a server, %2 the API path it lacks (such as /api/chat)
            Tr::tr(
                "The server at %1 does not offer %2. It may be an older Ollama, or not Ollama at all: update Ollama or check the address.")
                .arg(host, path) };
    case 400:
        //: %1 is the error message from Ollama
        return { ErrorCode::BadRequest, Tr::tr("Ollama rejected the request: %1").arg(detail) };
    case 503:
        return { ErrorCode::Busy,
            //: %1 is the address of an Ollama host, %2 its error message
            Tr::tr("Ollama at %1 is busy and did not take the request (%2). Wait a moment and try again.").arg(host, detail) };
    case 403:
        return { ErrorCode::BadRequest,
            //: %1 is the address of an Ollama host, %2 its error message; OLLAMA_ORIGINS is not translated
            Tr::tr("Ollama at %1 refused the request (403: %2). Check OLLAMA_ORIGINS and the host name.").arg(host, detail) };
    default:
        if (failure.httpStatus >= 500)
            return { ErrorCode::ServerError,
                //: %1 is the address of an Ollama host, %2 the HTTP status code, %3 its error message
                Tr::tr("Ollama at %1 failed with an internal error (%2): %3").arg(host).arg(failure.httpStatus).arg(detail) };
        return { ErrorCode::BadRequest,
            //: %1 is the address of an Ollama host, %2 the HTTP status code, %3 its error message
            Tr::tr("Ollama at %1 answered with HTTP %2: %3").arg(host).arg(failure.httpStatus).arg(detail) };
    }
}

} // namespace rt::llm
