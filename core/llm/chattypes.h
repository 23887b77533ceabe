#pragma once

#include "common/result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <optional>

namespace rt::llm {

struct ChatMessage {
    QString role; // system, user, assistant, tool
    QString content;
    QString thinking;
    QStringList images; // base64, no data: prefix
    QJsonArray toolCalls;

    static ChatMessage system(const QString &text) { return { QStringLiteral("system"), text, {}, {}, {} }; }
    static ChatMessage user(const QString &text) { return { QStringLiteral("user"), text, {}, {}, {} }; }
    static ChatMessage assistant(const QString &text) { return { QStringLiteral("assistant"), text, {}, {}, {} }; }
    QJsonObject toJson() const;
};

// Per-request generation options; unset values are left to the server.
struct GenerationOptions {
    std::optional<double> temperature;
    std::optional<qint64> seed;
    std::optional<int> numCtx;
    std::optional<int> numPredict;
    std::optional<double> topP;
    std::optional<int> topK;
    QJsonObject extra; // any other Ollama option, passed through

    QJsonObject toJson() const;
    static GenerationOptions fromJson(const QJsonObject &object);
    bool isEmpty() const { return toJson().isEmpty(); }
};

struct ChatRequest {
    QString model;
    QList<ChatMessage> messages;
    GenerationOptions options;
    QJsonValue format = QJsonValue::Undefined; // "json" or a JSON-Schema object
    QJsonValue keepAlive = QJsonValue::Undefined; // "5m" or seconds
    QJsonValue think = QJsonValue::Undefined; // bool or "low"/"medium"/"high"
    bool stream = true;

    QJsonObject toJson() const;
    qsizetype promptCharacters() const;
};

// Figures Ollama reports on the final chunk, plus what the client measured.
struct ResponseMetrics {
    qint64 totalDurationNs = 0;
    qint64 loadDurationNs = 0;
    qint64 promptEvalDurationNs = 0;
    qint64 evalDurationNs = 0;
    qint64 promptEvalCount = 0;
    qint64 evalCount = 0;
    qint64 timeToFirstTokenMs = -1; // measured by the client; -1 = no token arrived
    qint64 wallTimeMs = 0; // request start to end, measured by the client
    qint64 chunks = 0;

    // Generation speed from Ollama's own eval figures, else from the client's clock.
    double tokensPerSecond() const;
    void readFinalChunk(const QJsonObject &chunk);
    QJsonObject toJson() const;
};

enum class ChatStatus { Completed, Cancelled, Failed };

struct ChatResult {
    ChatStatus status = ChatStatus::Failed;
    QString model;
    QString content;
    QString thinking;
    QJsonArray toolCalls;
    QString doneReason;
    ResponseMetrics metrics;
    Error error; // set unless Completed
    QString warning; // e.g. likely context truncation
    QString correlationId;
    int attempts = 1;

    bool ok() const { return status == ChatStatus::Completed; }
    bool isPartial() const { return status != ChatStatus::Completed && !(content.isEmpty() && thinking.isEmpty()); }
    QString statusName() const;
    QJsonObject toJson() const;
};

// Heuristic for Ollama's silent context truncation: the server drops old
// messages without saying so; the only sign is a prompt_eval_count far below
// what the prompt should cost. Returns a warning or an empty string.
QString detectTruncation(const ChatRequest &request, const ResponseMetrics &metrics);

} // namespace rt::llm

Q_DECLARE_METATYPE(rt::llm::ChatResult)
Q_DECLARE_METATYPE(rt::llm::ChatRequest)
