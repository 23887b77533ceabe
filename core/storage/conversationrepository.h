#pragma once

#include "common/result.h"
#include "records.h"

#include <QList>

namespace rt::storage {

class Database;

// Conversations (a chat with one model). Messages live in MessageRepository.
class ConversationRepository final {
public:
    explicit ConversationRepository(Database &db)
        : m_db(db)
    {
    }

    // created_at/updated_at default to now when not set.
    rt::Result<qint64> create(const Conversation &conversation);
    rt::Result<Conversation> get(qint64 id);
    // Most recently active first, with message counts.
    rt::Result<QList<Conversation>> list(int limit = 50, int offset = 0);
    rt::Result<int> count();
    rt::Status rename(qint64 id, const QString &title);
    rt::Status setUpdatedAt(qint64 id, const QDateTime &time);
    rt::Status remove(qint64 id); // deletes its messages too

private:
    Database &m_db;
};

} // namespace rt::storage
