#include "conversationrepository.h"

#include "database.h"

#include <QCoreApplication>

namespace rt::storage {

namespace {
const QString kColumns = QStringLiteral("c.id, c.title, c.model, c.system_prompt, c.created_at, c.updated_at, "
                                        "(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id)");

Conversation readConversation(const Query &q)
{
    Conversation c;
    c.id = q.integer(0);
    c.title = q.text(1);
    c.model = q.text(2);
    c.systemPrompt = q.text(3);
    c.createdAt = q.time(4);
    c.updatedAt = q.time(5);
    c.messageCount = int(q.integer(6));
    return c;
}

rt::Error notFound(qint64 id)
{
    return makeError(errc::NotFound,
        QCoreApplication::translate("rt::storage", "There is no conversation with id %1. Run 'roundtable history list' to see the ids.")
            .arg(id));
}
} // namespace

rt::Result<qint64> ConversationRepository::create(const Conversation &conversation)
{
    const QDateTime now = m_db.now();
    const QDateTime created = conversation.createdAt.isValid() ? conversation.createdAt : now;
    const QDateTime updated = conversation.updatedAt.isValid() ? conversation.updatedAt : created;
    return m_db.insert(QStringLiteral("INSERT INTO conversations (title, model, system_prompt, created_at, updated_at) "
                                      "VALUES (?, ?, ?, ?, ?) RETURNING id"),
        { conversation.title, conversation.model, conversation.systemPrompt, m_db.timeValue(created), m_db.timeValue(updated) });
}

rt::Result<Conversation> ConversationRepository::get(qint64 id)
{
    auto q = m_db.query(QStringLiteral("SELECT %1 FROM conversations c WHERE c.id = ?").arg(kColumns), { id });
    if (!q.ok())
        return q.error();
    if (!q->next())
        return notFound(id);
    return readConversation(*q);
}

rt::Result<QList<Conversation>> ConversationRepository::list(int limit, int offset)
{
    auto q
        = m_db.query(QStringLiteral("SELECT %1 FROM conversations c ORDER BY c.updated_at DESC, c.id DESC LIMIT ? OFFSET ?").arg(kColumns),
            { limit, offset });
    if (!q.ok())
        return q.error();
    QList<Conversation> list;
    while (q->next())
        list.append(readConversation(*q));
    return list;
}

rt::Result<int> ConversationRepository::count()
{
    auto q = m_db.query(QStringLiteral("SELECT count(*) FROM conversations"));
    if (!q.ok())
        return q.error();
    return q->next() ? int(q->integer(0)) : 0;
}

rt::Status ConversationRepository::rename(qint64 id, const QString &title)
{
    auto n = m_db.exec(
        QStringLiteral("UPDATE conversations SET title = ?, updated_at = ? WHERE id = ?"), { title, m_db.timeValue(m_db.now()), id });
    if (!n.ok())
        return n.error();
    if (*n == 0)
        return notFound(id);
    return {};
}

rt::Status ConversationRepository::setUpdatedAt(qint64 id, const QDateTime &time)
{
    auto n = m_db.exec(QStringLiteral("UPDATE conversations SET updated_at = ? WHERE id = ?"), { m_db.timeValue(time), id });
    if (!n.ok())
        return n.error();
    if (*n == 0)
        return notFound(id);
    return {};
}

rt::Status ConversationRepository::remove(qint64 id)
{
    auto n = m_db.exec(QStringLiteral("DELETE FROM conversations WHERE id = ?"), { id });
    if (!n.ok())
        return n.error();
    if (*n == 0)
        return notFound(id);
    return {};
}

} // namespace rt::storage
