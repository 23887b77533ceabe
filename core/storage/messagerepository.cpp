#include "messagerepository.h"

#include "common/translate.h"
#include "database.h"

#include <QCoreApplication>
#include <QHash>
#include <algorithm>

namespace rt::storage {

namespace {
const QString kColumns = QStringLiteral(
    "id, conversation_id, role, content, thinking, agent_id, model, status, prompt_eval_count, eval_count, "
    "total_duration_ns, load_duration_ns, prompt_eval_duration_ns, eval_duration_ns, ttft_ms, error, created_at, updated_at");

struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::storage)
};

rt::Result<Message> readMessage(const Query &q)
{
    Message m;
    m.id = q.integer(0);
    m.conversationId = q.integer(1);
    const QString role = q.text(2);
    auto parsedRole = storedValue(parseMessageRole(role), u"messages", m.id, u"role", role);
    if (!parsedRole)
        return parsedRole.error();
    m.role = *parsedRole;
    m.content = q.text(3);
    m.thinking = q.text(4);
    m.agentId = q.optionalInteger(5);
    m.model = q.text(6);
    const QString status = q.text(7);
    auto parsedStatus = storedValue(parseMessageStatus(status), u"messages", m.id, u"status", status);
    if (!parsedStatus)
        return parsedStatus.error();
    m.status = *parsedStatus;
    m.metrics.promptEvalCount = q.optionalInteger(8);
    m.metrics.evalCount = q.optionalInteger(9);
    m.metrics.totalDurationNs = q.optionalInteger(10);
    m.metrics.loadDurationNs = q.optionalInteger(11);
    m.metrics.promptEvalDurationNs = q.optionalInteger(12);
    m.metrics.evalDurationNs = q.optionalInteger(13);
    m.metrics.ttftMs = q.optionalInteger(14);
    m.error = q.text(15);
    m.createdAt = q.time(16);
    m.updatedAt = q.time(17);
    return m;
}

Error messageNotFound(qint64 id)
{
    return makeError(errc::NotFound, Tr::tr("There is no message with id %1.").arg(id));
}
} // namespace

rt::Result<qint64> MessageRepository::append(const Message &message)
{
    auto id = insert(message);
    if (!id.ok() && id.error().code == errc::Constraint) {
        // Explain a missing conversation; checked after the (nested) rollback so
        // a PostgreSQL transaction is usable again.
        auto exists = m_db.query(QStringLiteral("SELECT 1 FROM conversations WHERE id = ?"), { message.conversationId });
        if (exists.ok() && !exists->next())
            return makeError(
                errc::NotFound, Tr::tr("There is no conversation with id %1 to add the message to.").arg(message.conversationId));
    }
    return id;
}

rt::Result<qint64> MessageRepository::insert(const Message &message)
{
    return m_db.transaction([&]() -> rt::Result<qint64> {
        const QDateTime now = m_db.now();
        const QDateTime created = message.createdAt.isValid() ? message.createdAt : now;
        const QDateTime updated = message.updatedAt.isValid() ? message.updatedAt : created;
        const GenerationMetrics &mx = message.metrics;
        auto id = m_db.insert(QStringLiteral("INSERT INTO messages (conversation_id, role, content, thinking, agent_id, model, status, "
                                             "prompt_eval_count, eval_count, total_duration_ns, load_duration_ns, prompt_eval_duration_ns, "
                                             "eval_duration_ns, ttft_ms, error, created_at, updated_at) "
                                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
            { message.conversationId, toString(message.role), message.content, message.thinking, Database::nullable(message.agentId),
                message.model, toString(message.status), Database::nullable(mx.promptEvalCount), Database::nullable(mx.evalCount),
                Database::nullable(mx.totalDurationNs), Database::nullable(mx.loadDurationNs), Database::nullable(mx.promptEvalDurationNs),
                Database::nullable(mx.evalDurationNs), Database::nullable(mx.ttftMs), message.error, m_db.timeValue(created),
                m_db.timeValue(updated) });
        if (!id.ok())
            return id;
        auto touched = m_db.exec(QStringLiteral("UPDATE conversations SET updated_at = ? WHERE id = ? AND updated_at < ?"),
            { m_db.timeValue(updated), message.conversationId, m_db.timeValue(updated) });
        if (!touched.ok())
            return touched.error();
        return id;
    });
}

rt::Result<QList<qint64>> MessageRepository::appendBatch(const QList<Message> &messages)
{
    return m_db.transaction([&]() -> rt::Result<QList<qint64>> {
        QList<qint64> ids;
        ids.reserve(messages.size());
        QHash<qint64, QDateTime> newest;
        const QDateTime now = m_db.now();
        for (const Message &message : messages) {
            const QDateTime created = message.createdAt.isValid() ? message.createdAt : now;
            const QDateTime updated = message.updatedAt.isValid() ? message.updatedAt : created;
            const GenerationMetrics &mx = message.metrics;
            auto id = m_db.insert(
                QStringLiteral("INSERT INTO messages (conversation_id, role, content, thinking, agent_id, model, status, "
                               "prompt_eval_count, eval_count, total_duration_ns, load_duration_ns, prompt_eval_duration_ns, "
                               "eval_duration_ns, ttft_ms, error, created_at, updated_at) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
                { message.conversationId, toString(message.role), message.content, message.thinking, Database::nullable(message.agentId),
                    message.model, toString(message.status), Database::nullable(mx.promptEvalCount), Database::nullable(mx.evalCount),
                    Database::nullable(mx.totalDurationNs), Database::nullable(mx.loadDurationNs),
                    Database::nullable(mx.promptEvalDurationNs), Database::nullable(mx.evalDurationNs), Database::nullable(mx.ttftMs),
                    message.error, m_db.timeValue(created), m_db.timeValue(updated) });
            if (!id.ok())
                return id.error();
            ids.append(*id);
            QDateTime &latest = newest[message.conversationId];
            if (!latest.isValid() || latest < updated)
                latest = updated;
        }
        for (auto it = newest.cbegin(); it != newest.cend(); ++it) {
            auto touched = m_db.exec(QStringLiteral("UPDATE conversations SET updated_at = ? WHERE id = ? AND updated_at < ?"),
                { m_db.timeValue(it.value()), it.key(), m_db.timeValue(it.value()) });
            if (!touched.ok())
                return touched.error();
        }
        return ids;
    });
}

rt::Result<qint64> MessageRepository::beginAssistant(qint64 conversationId, const QString &model, std::optional<qint64> agentId)
{
    Message m;
    m.conversationId = conversationId;
    m.role = MessageRole::Assistant;
    m.model = model;
    m.agentId = agentId;
    m.status = MessageStatus::Partial;
    return append(m);
}

rt::Status MessageRepository::checkpoint(qint64 id, const QString &content, const QString &thinking)
{
    auto n = m_db.exec(QStringLiteral("UPDATE messages SET content = ?, thinking = ?, status = 'partial', updated_at = ? "
                                      "WHERE id = ? AND status IN ('partial', 'interrupted')"),
        { content, thinking, m_db.timeValue(m_db.now()), id });
    if (!n.ok())
        return n.error();
    if (*n == 0) {
        auto existing = get(id);
        if (!existing.ok())
            return existing.error();
        return makeError(errc::InvalidInput,
            Tr::tr("Message %1 is already %2, so its text cannot change any more.").arg(id).arg(toString(existing->status)));
    }
    return {};
}

rt::Status MessageRepository::finish(qint64 id, const Completion &c)
{
    return m_db.transaction([&]() -> rt::Status {
        const QVariant now = m_db.timeValue(m_db.now());
        const GenerationMetrics &mx = c.metrics;
        auto n = m_db.exec(
            QStringLiteral("UPDATE messages SET content = ?, thinking = ?, status = ?, prompt_eval_count = ?, eval_count = ?, "
                           "total_duration_ns = ?, load_duration_ns = ?, prompt_eval_duration_ns = ?, eval_duration_ns = ?, "
                           "ttft_ms = ?, error = ?, updated_at = ? WHERE id = ?"),
            { c.content, c.thinking, toString(c.status), Database::nullable(mx.promptEvalCount), Database::nullable(mx.evalCount),
                Database::nullable(mx.totalDurationNs), Database::nullable(mx.loadDurationNs), Database::nullable(mx.promptEvalDurationNs),
                Database::nullable(mx.evalDurationNs), Database::nullable(mx.ttftMs), c.error, now, id });
        if (!n.ok())
            return n.error();
        if (*n == 0)
            return messageNotFound(id);
        auto touched = m_db.exec(QStringLiteral("UPDATE conversations SET updated_at = ? "
                                                "WHERE id = (SELECT conversation_id FROM messages WHERE id = ?)"),
            { now, id });
        if (!touched.ok())
            return touched.error();
        return {};
    });
}

rt::Result<Message> MessageRepository::get(qint64 id)
{
    auto q = m_db.query(QStringLiteral("SELECT %1 FROM messages WHERE id = ?").arg(kColumns), { id });
    if (!q.ok())
        return q.error();
    if (!q->next())
        return messageNotFound(id);
    return readMessage(*q);
}

rt::Result<QList<Message>> MessageRepository::fetch(const QString &where, const QVariantList &binds, bool newestFirst, int limit)
{
    QString sql = QStringLiteral("SELECT %1 FROM messages WHERE %2 ORDER BY id %3")
                      .arg(kColumns, where, newestFirst ? QStringLiteral("DESC") : QStringLiteral("ASC"));
    QVariantList all = binds;
    if (limit > 0) {
        sql += QStringLiteral(" LIMIT ?");
        all.append(limit);
    }
    auto q = m_db.query(sql, all);
    if (!q.ok())
        return q.error();
    auto read = readRows(*q, readMessage);
    if (!read)
        return read.error();
    QList<Message> list = std::move(read).value();
    if (newestFirst)
        std::reverse(list.begin(), list.end());
    return list;
}

rt::Result<QList<Message>> MessageRepository::last(qint64 conversationId, int limit)
{
    return fetch(QStringLiteral("conversation_id = ?"), { conversationId }, true, std::max(limit, 1));
}

rt::Result<QList<Message>> MessageRepository::olderThan(qint64 conversationId, qint64 beforeId, int limit)
{
    return fetch(QStringLiteral("conversation_id = ? AND id < ?"), { conversationId, beforeId }, true, std::max(limit, 1));
}

rt::Result<QList<Message>> MessageRepository::all(qint64 conversationId)
{
    return fetch(QStringLiteral("conversation_id = ?"), { conversationId }, false, 0);
}

rt::Result<int> MessageRepository::count(qint64 conversationId)
{
    auto q = m_db.query(QStringLiteral("SELECT count(*) FROM messages WHERE conversation_id = ?"), { conversationId });
    if (!q.ok())
        return q.error();
    return q->next() ? int(q->integer(0)) : 0;
}

rt::Status MessageRepository::remove(qint64 id)
{
    auto n = m_db.exec(QStringLiteral("DELETE FROM messages WHERE id = ?"), { id });
    if (!n.ok())
        return n.error();
    if (*n == 0)
        return messageNotFound(id);
    return {};
}

} // namespace rt::storage
