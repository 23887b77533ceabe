#pragma once

#include "common/result.h"
#include "records.h"

#include <QList>

namespace rt::storage {

class Database;

// Messages of conversations, with paging for long ones and the streaming
// life cycle: beginAssistant() (partial) -> checkpoint() every ~2 s -> finish().
class MessageRepository final {
public:
    explicit MessageRepository(Database &db)
        : m_db(db)
    {
    }

    // Stores a message as given (timestamps default to now) and bumps the
    // conversation's updated_at.
    rt::Result<qint64> append(const Message &message);
    // Many messages in one transaction (imports, benchmarks); returns the ids.
    rt::Result<QList<qint64>> appendBatch(const QList<Message> &messages);
    // Creates an empty assistant reply with status 'partial'.
    rt::Result<qint64> beginAssistant(qint64 conversationId, const QString &model, std::optional<qint64> agentId = std::nullopt);
    // Saves the text streamed so far; only for a message still partial.
    rt::Status checkpoint(qint64 id, const QString &content, const QString &thinking = {});
    // Final text, status and metrics.
    rt::Status finish(qint64 id, const Completion &completion);

    rt::Result<Message> get(qint64 id);
    // The newest `limit` messages, oldest first (what a chat view shows on open).
    rt::Result<QList<Message>> last(qint64 conversationId, int limit);
    // The `limit` messages before `beforeId`, oldest first (scrolling back).
    rt::Result<QList<Message>> olderThan(qint64 conversationId, qint64 beforeId, int limit);
    rt::Result<QList<Message>> all(qint64 conversationId);
    rt::Result<int> count(qint64 conversationId);
    rt::Status remove(qint64 id);

private:
    rt::Result<qint64> insert(const Message &message);
    rt::Result<QList<Message>> fetch(const QString &where, const QVariantList &binds, bool newestFirst, int limit);
    Database &m_db;
};

} // namespace rt::storage
