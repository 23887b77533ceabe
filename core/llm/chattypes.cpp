#include "chattypes.h"

#include "common/translate.h"

namespace rt::llm {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::llm)
};
} // namespace

QJsonObject ChatMessage::toJson() const
{
    QJsonObject object { { QStringLiteral("role"), role }, { QStringLiteral("content"), content } };
    if (!thinking.isEmpty())
        object.insert(QStringLiteral("thinking"), thinking);
    if (!images.isEmpty())
        object.insert(QStringLiteral("images"), QJsonArray::fromStringList(images));
    if (!toolCalls.isEmpty())
        object.insert(QStringLiteral("tool_calls"), toolCalls);
    return object;
}

QJsonObject GenerationOptions::toJson() const
{
    QJsonObject object = extra;
    if (temperature)
        object.insert(QStringLiteral("temperature"), *temperature);
    if (seed)
        object.insert(QStringLiteral("seed"), *seed);
    if (numCtx)
        object.insert(QStringLiteral("num_ctx"), *numCtx);
    if (numPredict)
        object.insert(QStringLiteral("num_predict"), *numPredict);
    if (topP)
        object.insert(QStringLiteral("top_p"), *topP);
    if (topK)
        object.insert(QStringLiteral("top_k"), *topK);
    return object;
}

GenerationOptions GenerationOptions::fromJson(const QJsonObject &object)
{
    GenerationOptions options;
    QJsonObject rest = object;
    auto take = [&rest](const QString &key) {
        const QJsonValue value = rest.value(key);
        rest.remove(key);
        return value;
    };
    if (const QJsonValue v = take(QStringLiteral("temperature")); v.isDouble())
        options.temperature = v.toDouble();
    if (const QJsonValue v = take(QStringLiteral("seed")); v.isDouble())
        options.seed = qint64(v.toDouble());
    if (const QJsonValue v = take(QStringLiteral("num_ctx")); v.isDouble())
        options.numCtx = v.toInt();
    if (const QJsonValue v = take(QStringLiteral("num_predict")); v.isDouble())
        options.numPredict = v.toInt();
    if (const QJsonValue v = take(QStringLiteral("top_p")); v.isDouble())
        options.topP = v.toDouble();
    if (const QJsonValue v = take(QStringLiteral("top_k")); v.isDouble())
        options.topK = v.toInt();
    options.extra = rest;
    return options;
}

QJsonObject ChatRequest::toJson() const
{
    QJsonArray list;
    for (const ChatMessage &message : messages)
        list.append(message.toJson());
    QJsonObject object { { QStringLiteral("model"), model }, { QStringLiteral("messages"), list }, { QStringLiteral("stream"), stream } };
    if (const QJsonObject opts = options.toJson(); !opts.isEmpty())
        object.insert(QStringLiteral("options"), opts);
    if (!format.isUndefined() && !format.isNull())
        object.insert(QStringLiteral("format"), format);
    if (!keepAlive.isUndefined() && !keepAlive.isNull())
        object.insert(QStringLiteral("keep_alive"), keepAlive);
    if (!think.isUndefined() && !think.isNull())
        object.insert(QStringLiteral("think"), think);
    return object;
}

qsizetype ChatRequest::promptCharacters() const
{
    qsizetype total = 0;
    for (const ChatMessage &message : messages)
        total += message.content.size();
    return total;
}

double ResponseMetrics::tokensPerSecond() const
{
    if (evalCount > 0 && evalDurationNs > 0)
        return double(evalCount) * 1e9 / double(evalDurationNs);
    const qint64 streamingMs = wallTimeMs - qMax<qint64>(0, timeToFirstTokenMs);
    if (chunks > 1 && streamingMs > 0)
        return double(chunks - 1) * 1000.0 / double(streamingMs);
    return 0.0;
}

void ResponseMetrics::readFinalChunk(const QJsonObject &chunk)
{
    // Ollama omits these when zero.
    const auto ns = [&chunk](const char *key) { return qint64(chunk.value(QLatin1String(key)).toDouble()); };
    totalDurationNs = ns("total_duration");
    loadDurationNs = ns("load_duration");
    promptEvalDurationNs = ns("prompt_eval_duration");
    evalDurationNs = ns("eval_duration");
    promptEvalCount = ns("prompt_eval_count");
    evalCount = ns("eval_count");
}

QJsonObject ResponseMetrics::toJson() const
{
    return {
        { QStringLiteral("total_duration_ns"), double(totalDurationNs) },
        { QStringLiteral("load_duration_ns"), double(loadDurationNs) },
        { QStringLiteral("prompt_eval_duration_ns"), double(promptEvalDurationNs) },
        { QStringLiteral("eval_duration_ns"), double(evalDurationNs) },
        { QStringLiteral("prompt_eval_count"), double(promptEvalCount) },
        { QStringLiteral("eval_count"), double(evalCount) },
        { QStringLiteral("time_to_first_token_ms"), double(timeToFirstTokenMs) },
        { QStringLiteral("wall_time_ms"), double(wallTimeMs) },
        { QStringLiteral("tokens_per_second"), tokensPerSecond() },
    };
}

QString ChatResult::statusName() const
{
    switch (status) {
    case ChatStatus::Completed:
        return QStringLiteral("completed");
    case ChatStatus::Cancelled:
        return QStringLiteral("cancelled");
    case ChatStatus::Failed:
        break;
    }
    return QStringLiteral("failed");
}

QJsonObject ChatResult::toJson() const
{
    QJsonObject object {
        { QStringLiteral("status"), statusName() },
        { QStringLiteral("model"), model },
        { QStringLiteral("content"), content },
        { QStringLiteral("done_reason"), doneReason },
        { QStringLiteral("metrics"), metrics.toJson() },
        { QStringLiteral("attempts"), attempts },
        { QStringLiteral("partial"), isPartial() },
    };
    if (!thinking.isEmpty())
        object.insert(QStringLiteral("thinking"), thinking);
    if (!toolCalls.isEmpty())
        object.insert(QStringLiteral("tool_calls"), toolCalls);
    if (!ok())
        object.insert(
            QStringLiteral("error"), QJsonObject { { QStringLiteral("code"), error.code }, { QStringLiteral("message"), error.message } });
    if (!warning.isEmpty())
        object.insert(QStringLiteral("warning"), warning);
    return object;
}

QString detectTruncation(const ChatRequest &request, const ResponseMetrics &metrics)
{
    if (metrics.promptEvalCount <= 0)
        return {};
    // ~4 characters per token for most tokenizers; be conservative (x0.4).
    const qint64 expectedTokens = request.promptCharacters() / 4;
    if (expectedTokens >= 256 && metrics.promptEvalCount < expectedTokens * 4 / 10) {
        //: %1 and %2 are numbers of tokens; num_ctx is an option name (not translated)
        return Tr::tr("The model read only %1 prompt tokens where about %2 were expected: Ollama probably "
                      "dropped the oldest messages to fit its context window. Raise num_ctx or shorten the conversation.")
            .arg(metrics.promptEvalCount)
            .arg(expectedTokens);
    }
    if (request.options.numCtx && *request.options.numCtx > 0 && metrics.promptEvalCount >= qint64(*request.options.numCtx) * 98 / 100) {
        //: %1 and %2 are numbers of tokens; num_ctx is an option name (not translated)
        return Tr::tr("The prompt filled the whole context window (%1 of %2 tokens): older text was probably cut. "
                      "Raise num_ctx or shorten the conversation.")
            .arg(metrics.promptEvalCount)
            .arg(*request.options.numCtx);
    }
    return {};
}

} // namespace rt::llm
