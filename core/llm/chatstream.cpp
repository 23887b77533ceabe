#include "chatstream.h"

#include "common/logging.h"

#include <QJsonArray>

namespace rt::llm {

ChatStream::ChatStream(NdjsonStream *stream, ChatRequest request, QObject *parent)
    : QObject(parent)
    , m_stream(stream)
    , m_request(std::move(request))
{
    m_stream->setParent(this);
    m_result.model = m_request.model;
    m_result.correlationId = m_stream->correlationId();
    connect(m_stream, &NdjsonStream::waiting, this, &ChatStream::waiting);
    connect(m_stream, &NdjsonStream::retrying, this, &ChatStream::retrying);
    connect(m_stream, &NdjsonStream::objectReceived, this, &ChatStream::onObject);
    connect(m_stream, &NdjsonStream::finished, this, &ChatStream::onFinished);
}

void ChatStream::cancel()
{
    m_stream->cancel();
}

void ChatStream::onObject(const QJsonObject &object)
{
    ++m_result.metrics.chunks;
    // /api/chat puts text in message.content; /api/generate in response.
    const QJsonObject message = object.value(QStringLiteral("message")).toObject();
    const QString content
        = message.isEmpty() ? object.value(QStringLiteral("response")).toString() : message.value(QStringLiteral("content")).toString();
    const QString thinking
        = message.isEmpty() ? object.value(QStringLiteral("thinking")).toString() : message.value(QStringLiteral("thinking")).toString();
    if (const QJsonArray calls = message.value(QStringLiteral("tool_calls")).toArray(); !calls.isEmpty()) {
        for (const QJsonValue &call : calls)
            m_result.toolCalls.append(call);
    }
    if (const QString model = object.value(QStringLiteral("model")).toString(); !model.isEmpty())
        m_result.model = model;

    if (!content.isEmpty() || !thinking.isEmpty()) {
        if (m_result.metrics.timeToFirstTokenMs < 0) {
            m_result.metrics.timeToFirstTokenMs = m_stream->elapsedMs();
            emit firstToken(m_result.metrics.timeToFirstTokenMs);
        }
        m_result.content += content;
        m_result.thinking += thinking;
        emit delta(content, thinking);
    }

    if (object.value(QStringLiteral("done")).toBool()) {
        m_result.doneReason = object.value(QStringLiteral("done_reason")).toString();
        m_result.metrics.readFinalChunk(object);
    }
}

void ChatStream::onFinished(const NdjsonStream::Outcome &outcome)
{
    m_running = false;
    m_result.metrics.wallTimeMs = m_stream->elapsedMs();
    m_result.attempts = outcome.attempts;
    switch (outcome.kind) {
    case NdjsonStream::Outcome::Kind::Completed:
        m_result.status = ChatStatus::Completed;
        m_result.warning = detectTruncation(m_request, m_result.metrics);
        if (!m_result.warning.isEmpty())
            qCWarning(lcLlm).noquote() << m_result.correlationId << m_result.warning;
        break;
    case NdjsonStream::Outcome::Kind::Cancelled:
        m_result.status = ChatStatus::Cancelled;
        m_result.error = outcome.error;
        break;
    case NdjsonStream::Outcome::Kind::Failed:
        m_result.status = ChatStatus::Failed;
        m_result.error = outcome.error;
        break;
    }
    emit finished(m_result);
    deleteLater();
}

} // namespace rt::llm
