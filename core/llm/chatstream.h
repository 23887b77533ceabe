#pragma once

#include "chattypes.h"
#include "ndjsonstream.h"

#include <QObject>

namespace rt::llm {

// A chat reply being streamed. Created by OllamaClient::chat(), already
// started; emits finished() exactly once and then deletes itself later.
class ChatStream final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChatStream)
public:
    ChatStream(NdjsonStream *stream, ChatRequest request, QObject *parent = nullptr);

    const ChatRequest &request() const { return m_request; }
    QString correlationId() const { return m_stream->correlationId(); }
    // The text received so far (e.g. for checkpoints while streaming).
    QString content() const { return m_result.content; }
    QString thinking() const { return m_result.thinking; }
    bool isRunning() const { return m_running; }

public slots:
    // Stops generation on the server (the connection is closed); finished()
    // then reports Cancelled with the partial text.
    void cancel();

signals:
    void waiting(qint64 elapsedMs); // no token yet: the model is probably loading
    void retrying(int attempt, int delayMs, const QString &reason);
    void firstToken(qint64 elapsedMs);
    // New text since the last delta; thinking is kept apart from the answer.
    void delta(const QString &content, const QString &thinking);
    void finished(const rt::llm::ChatResult &result);

private:
    void onObject(const QJsonObject &object);
    void onFinished(const NdjsonStream::Outcome &outcome);

    NdjsonStream *m_stream;
    ChatRequest m_request;
    ChatResult m_result;
    bool m_running = true;
};

} // namespace rt::llm
