#pragma once

#include <QJsonArray>
#include <QJsonValue>
#include <QString>
#include <QStringList>

namespace rt::sim {

// Everything a simulated model may look at to produce its answer.
struct GenerationInput {
    QString endpoint; // "chat" or "generate"
    QString model;
    QJsonArray messages; // chat messages as sent (generate: system + prompt as messages)
    QString lastUserMessage;
    QJsonValue format; // undefined/null, "json", or a JSON Schema object
    QJsonArray tools;
    bool think = false;
    quint64 seed = 0;
    int tokens = 40; // content length in tokens for free text
};

// A reply cut into the pieces the server streams, one piece per chunk.
struct GeneratedReply {
    QStringList thinking;
    QStringList content;
    QJsonArray toolCalls; // api ToolCall objects, sent whole in one chunk

    QString contentText() const { return content.join(QString()); }
    QString thinkingText() const { return thinking.join(QString()); }
};

// Deterministic reply source: the same input (seed, model, last user
// message, format, ...) always gives the same pieces. Free text mixes ASCII
// words with multi-byte UTF-8 (é, ü, —, 日本, 🎲) and characters that JSON
// encoders escape (<, &, ").
class ReplyGenerator final {
public:
    GeneratedReply generate(const GenerationInput &input) const;
    QString generateReply(const GenerationInput &input) const { return generate(input).contentText(); }

    // Splits text into stream pieces of 1-6 code points (JSON replies).
    static QStringList splitIntoPieces(const QString &text, quint64 seed);

private:
    static QStringList freeText(quint64 seed, int tokens, bool forceMultiByte);
    static QString jsonText(const GenerationInput &input, quint64 seed);
    static QJsonArray toolCalls(const GenerationInput &input, quint64 seed);
};

} // namespace rt::sim
