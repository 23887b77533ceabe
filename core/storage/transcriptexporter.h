#pragma once

#include "common/result.h"
#include "records.h"

#include <QByteArray>
#include <QJsonObject>

namespace rt::storage {

class Database;

enum class ExportFormat { Markdown, Json };

struct ImportResult {
    enum class Kind { Conversation, Debate };
    Kind kind = Kind::Conversation;
    qint64 id = 0; // the new conversation or debate id
    int items = 0; // messages or turns imported
};

// A conversation or debate as Markdown (to read and share) or JSON (to move
// between databases). The JSON form imports back losslessly: new ids, same
// text, statuses, metrics, stances and timestamps. Agents are referred to by
// name and relinked on import when an agent of that name exists.
class TranscriptExporter final {
public:
    static constexpr int FormatVersion = 1;

    explicit TranscriptExporter(Database &db)
        : m_db(db)
    {
    }

    rt::Result<QByteArray> exportConversation(qint64 id, ExportFormat format);
    rt::Result<QByteArray> exportDebate(qint64 id, ExportFormat format);
    // One transaction: either everything is imported or nothing.
    rt::Result<ImportResult> importJson(const QByteArray &json);

private:
    // Everything an export shows, read once; JSON and Markdown are both made from it.
    struct ConversationData;
    struct DebateData;
    rt::Result<ConversationData> loadConversation(qint64 id);
    rt::Result<DebateData> loadDebate(qint64 id);
    QJsonObject conversationJson(const ConversationData &data) const;
    QJsonObject debateJson(const DebateData &data) const;
    static QString conversationMarkdown(const ConversationData &data);
    static QString debateMarkdown(const DebateData &data);
    rt::Result<ImportResult> importConversation(const QJsonObject &root);
    rt::Result<ImportResult> importDebate(const QJsonObject &root);
    rt::Result<QString> agentName(std::optional<qint64> agentId);
    rt::Result<std::optional<qint64>> agentIdFor(const QJsonValue &name);
    Database &m_db;
};

} // namespace rt::storage
