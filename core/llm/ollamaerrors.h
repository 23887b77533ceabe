#pragma once

#include "common/result.h"

#include <QNetworkReply>
#include <QUrl>

namespace rt::llm {

// Stable error codes (rt::Error::code) used across the client.
namespace ErrorCode {
inline const QString Unreachable = QStringLiteral("unreachable"); // refused, host not found, no route
inline const QString ConnectTimeout = QStringLiteral("connect_timeout");
inline const QString FirstTokenTimeout = QStringLiteral("first_token_timeout");
inline const QString Stalled = QStringLiteral("stalled"); // silent mid-stream
inline const QString ModelNotFound = QStringLiteral("model_not_found");
inline const QString EndpointMissing = QStringLiteral("endpoint_missing"); // plain-text 404: server too old
inline const QString BadRequest = QStringLiteral("bad_request");
inline const QString ServerError = QStringLiteral("server_error");
inline const QString Busy = QStringLiteral("busy");
inline const QString StreamError = QStringLiteral("stream_error"); // {"error"} line mid-stream
inline const QString InvalidStream = QStringLiteral("invalid_stream"); // not NDJSON
inline const QString Truncated = QStringLiteral("truncated"); // ended without done:true
inline const QString Cancelled = QStringLiteral("cancelled");
inline const QString Network = QStringLiteral("network");
} // namespace ErrorCode

// What the HTTP exchange produced, for mapping into a readable error.
struct HttpFailure {
    QNetworkReply::NetworkError networkError = QNetworkReply::NoError;
    QString networkErrorString;
    int httpStatus = 0;
    QByteArray body;
    QByteArray contentType;
};

// Maps a failed exchange to one clear sentence that names the host and, where
// it helps, the model and what to do next.
Error describeFailure(const HttpFailure &failure, const QUrl &baseUrl, const QString &path, const QString &model);

// The "error" text of an Ollama JSON error body, or empty.
QString ollamaErrorText(const QByteArray &body);

} // namespace rt::llm
