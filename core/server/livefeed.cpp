#include "livefeed.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QMutexLocker>

namespace rt::server {

using namespace Qt::StringLiterals;

namespace {
QJsonObject eventObject(const QString &type, const QJsonObject &fields)
{
    QJsonObject o = fields;
    o.insert(u"type"_s, type);
    return o;
}

QByteArray frameBytes(QJsonObject o, quint64 seq)
{
    o.insert(u"v"_s, LiveFeed::Version);
    o.insert(u"seq"_s, double(seq));
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}
} // namespace

LiveFeed::LiveFeed() = default;
LiveFeed::~LiveFeed() = default;

void LiveFeed::setShareDebates(bool on)
{
    QMutexLocker lock(&m_mutex);
    m_shareDebates = on;
}

bool LiveFeed::sharesDebates() const
{
    QMutexLocker lock(&m_mutex);
    return m_shareDebates;
}

void LiveFeed::setKeepFinished(int count)
{
    QMutexLocker lock(&m_mutex);
    m_keepFinished = qMax(0, count);
    prune();
}

void LiveFeed::attachConsumer(std::function<void()> wake)
{
    QMutexLocker lock(&m_mutex);
    m_wake = std::move(wake);
    m_wakePending = false;
    m_pending.clear();
    m_batch.clear();
}

void LiveFeed::detachConsumer()
{
    QMutexLocker lock(&m_mutex);
    m_wake = nullptr;
    m_pending.clear();
    m_batch.clear();
}

void LiveFeed::queue(QJsonObject event)
{
    if (!m_wake)
        return;
    // Text streamed before this event reaches viewers before it.
    closeTextBatch(QDateTime::currentMSecsSinceEpoch());
    m_pending.push_back({ std::move(event), false });
    if (!m_wakePending) {
        m_wakePending = true;
        m_wake();
    }
}

void LiveFeed::closeTextBatch(qint64 dueMs)
{
    if (m_batch.empty())
        return;
    QJsonArray deltas;
    QJsonArray chats;
    for (const TextEntry &e : m_batch) {
        if (e.debateId != 0) {
            deltas.append(QJsonObject { { u"debate_id"_s, double(e.debateId) }, { u"seat"_s, e.seat }, { u"index"_s, e.index },
                { u"text"_s, e.text }, { u"attempt"_s, e.attempt } });
        } else {
            chats.append(QJsonObject { { u"conversation_id"_s, double(e.conversationId) }, { u"text"_s, e.text } });
        }
    }
    m_batch.clear();
    m_pending.push_back(
        { QJsonObject { { u"type"_s, u"tokens"_s }, { u"due"_s, double(dueMs) }, { u"deltas"_s, deltas }, { u"chats"_s, chats } }, true });
}

void LiveFeed::debateEvent(const QString &type, qint64 debateId, const QJsonObject &fields)
{
    QMutexLocker lock(&m_mutex);
    if (!m_shareDebates || debateId <= 0)
        return;
    applyDebate(type, debateId, fields);
    queue(eventObject(type, fields));
}

void LiveFeed::applyDebate(const QString &type, qint64 debateId, const QJsonObject &fields)
{
    if (type == "debate_started"_L1) {
        Debate &d = m_debates[debateId];
        const bool known = d.id == debateId;
        d.id = debateId;
        if (!known)
            d.order = ++m_order;
        d.info = fields.value(u"debate"_s).toObject();
        d.phase = u"running"_s;
        d.pause = QJsonValue::Null;
        d.outcome = QJsonValue::Null;
        d.ended = false;
        return;
    }
    auto it = m_debates.find(debateId);
    if (it == m_debates.end()) {
        // Joined halfway (the feed started after the debate): keep what comes.
        it = m_debates.insert(debateId, Debate {});
        it->id = debateId;
        it->order = ++m_order;
        it->phase = u"running"_s;
    }
    Debate &d = *it;
    if (type == "round_started"_L1) {
        d.round = fields.value(u"round"_s);
    } else if (type == "turn_started"_L1) {
        const QJsonObject turn = fields.value(u"turn"_s).toObject();
        d.live.insert(turn.value(u"seat"_s).toInt(), LiveText { turn, QString(), 1 });
    } else if (type == "turn_finished"_L1) {
        const QJsonObject turn = fields.value(u"turn"_s).toObject();
        d.turns.append(turn);
        const int seat = turn.value(u"seat"_s).toInt();
        if (d.live.value(seat).turn.value(u"index"_s).toInt(-1) == turn.value(u"index"_s).toInt())
            d.live.remove(seat);
    } else if (type == "consensus"_L1) {
        const QJsonObject c = fields.value(u"consensus"_s).toObject();
        const int round = c.value(u"round"_s).toInt();
        if (!d.consensus.isEmpty() && d.consensus.last().toObject().value(u"round"_s).toInt() == round)
            d.consensus.replace(d.consensus.size() - 1, c);
        else
            d.consensus.append(c);
    } else if (type == "note"_L1) {
        d.notes.append(fields.value(u"note"_s));
    } else if (type == "paused"_L1) {
        d.phase = u"paused"_s;
        d.pause = fields.value(u"pause"_s);
    } else if (type == "resumed"_L1) {
        d.phase = u"running"_s;
        d.pause = QJsonValue::Null;
    } else if (type == "finished"_L1 || type == "interrupted"_L1) {
        if (type == "finished"_L1) {
            d.outcome = fields.value(u"outcome"_s);
            d.phase = d.outcome.toObject().value(u"status"_s).toString(u"finished"_s) == "failed"_L1 ? u"failed"_s : u"finished"_s;
        } else {
            d.phase = u"interrupted"_s;
        }
        d.live.clear();
        d.round = QJsonValue::Null;
        d.ended = true;
        prune();
    }
}

void LiveFeed::prune()
{
    QList<std::pair<qint64, qint64>> ended; // order, id
    for (const Debate &d : std::as_const(m_debates)) {
        if (d.ended)
            ended.append({ d.order, d.id });
    }
    std::sort(ended.begin(), ended.end());
    for (qsizetype i = 0; i + m_keepFinished < ended.size(); ++i)
        m_debates.remove(ended.at(i).second);
}

void LiveFeed::debateTokens(qint64 debateId, int seat, int turnIndex, int attempt, const QString &text)
{
    QMutexLocker lock(&m_mutex);
    if (!m_shareDebates || debateId <= 0)
        return;
    auto it = m_debates.find(debateId);
    if (it != m_debates.end()) {
        auto live = it->live.find(seat);
        if (live != it->live.end()) {
            if (attempt != live->attempt) {
                live->attempt = attempt;
                live->text.clear();
            }
            live->text += text;
        }
    }
    if (m_wake)
        appendText(TextEntry { debateId, 0, seat, turnIndex, attempt, text });
}

void LiveFeed::appendText(TextEntry entry)
{
    // One entry per stream (a seat of a debate, or a chat) and turn in each
    // batch; a new turn or attempt of the same stream starts a new entry.
    for (auto e = m_batch.rbegin(); e != m_batch.rend(); ++e) {
        if (e->debateId == entry.debateId && e->conversationId == entry.conversationId && e->seat == entry.seat) {
            if (e->index == entry.index && e->attempt == entry.attempt) {
                e->text += entry.text;
                return;
            }
            break;
        }
    }
    m_batch.push_back(std::move(entry));
}

void LiveFeed::shareChat(qint64 conversationId, const QString &title, const QString &model, const QJsonArray &messages)
{
    QMutexLocker lock(&m_mutex);
    Chat &c = m_chats[conversationId];
    if (c.id != conversationId)
        c.order = ++m_order;
    c.id = conversationId;
    c.title = title;
    c.model = model;
    c.messages = messages;
    queue(QJsonObject { { u"type"_s, u"chat_shared"_s }, { u"chat"_s, chatJson(c) } });
}

void LiveFeed::unshareChat(qint64 conversationId)
{
    QMutexLocker lock(&m_mutex);
    if (m_chats.remove(conversationId) == 0)
        return;
    std::erase_if(m_batch, [conversationId](const TextEntry &e) { return e.debateId == 0 && e.conversationId == conversationId; });
    queue(QJsonObject { { u"type"_s, u"chat_unshared"_s }, { u"conversation_id"_s, double(conversationId) } });
}

bool LiveFeed::isChatShared(qint64 conversationId) const
{
    QMutexLocker lock(&m_mutex);
    return m_chats.contains(conversationId);
}

void LiveFeed::chatReplyStarted(qint64 conversationId, const QString &model)
{
    QMutexLocker lock(&m_mutex);
    auto it = m_chats.find(conversationId);
    if (it == m_chats.end())
        return;
    it->replying = true;
    it->reply.clear();
    it->replyModel = model;
    queue(QJsonObject { { u"type"_s, u"chat_reply_started"_s }, { u"conversation_id"_s, double(conversationId) }, { u"model"_s, model } });
}

void LiveFeed::chatMessage(qint64 conversationId, const QJsonObject &message)
{
    QMutexLocker lock(&m_mutex);
    auto it = m_chats.find(conversationId);
    if (it == m_chats.end())
        return;
    it->messages.append(message);
    if (message.value(u"role"_s).toString() == "assistant"_L1) {
        it->replying = false;
        it->reply.clear();
    }
    queue(QJsonObject { { u"type"_s, u"chat_message"_s }, { u"conversation_id"_s, double(conversationId) }, { u"message"_s, message } });
}

void LiveFeed::chatTokens(qint64 conversationId, const QString &text)
{
    QMutexLocker lock(&m_mutex);
    auto it = m_chats.find(conversationId);
    if (it == m_chats.end())
        return;
    it->reply += text;
    if (m_wake)
        appendText(TextEntry { 0, conversationId, 0, 0, 1, text });
}

void LiveFeed::publishMetrics(const QJsonObject &metrics)
{
    QMutexLocker lock(&m_mutex);
    m_metrics = metrics;
    queue(QJsonObject { { u"type"_s, u"metrics"_s }, { u"metrics"_s, metrics } });
}

bool LiveFeed::hasPendingText() const
{
    QMutexLocker lock(&m_mutex);
    return !m_batch.empty();
}

LiveFeed::Drained LiveFeed::drain(qint64 dueMs, bool withSnapshot)
{
    std::vector<Pending> taken;
    QJsonObject snapshot;
    quint64 first = 0;
    Drained out;
    {
        QMutexLocker lock(&m_mutex);
        closeTextBatch(dueMs);
        taken.swap(m_pending);
        m_wakePending = false;
        first = m_seq + 1;
        m_seq += taken.size();
        out.seq = m_seq;
        if (withSnapshot)
            snapshot = snapshotLocked(m_seq);
    }
    // Serialised outside the lock, once for every viewer.
    out.frames.reserve(qsizetype(taken.size()));
    for (std::size_t i = 0; i < taken.size(); ++i) {
        const quint64 seq = first + i;
        out.frames.append(Frame { seq, frameBytes(std::move(taken[i].event), seq) });
    }
    if (withSnapshot)
        out.snapshot = QJsonDocument(snapshot).toJson(QJsonDocument::Compact);
    return out;
}

QJsonObject LiveFeed::chatJson(const Chat &c) const
{
    QJsonValue live = QJsonValue::Null;
    if (c.replying)
        live = QJsonObject { { u"model"_s, c.replyModel }, { u"text"_s, c.reply } };
    return { { u"conversation_id"_s, double(c.id) }, { u"title"_s, c.title }, { u"model"_s, c.model }, { u"messages"_s, c.messages },
        { u"live"_s, live } };
}

QJsonObject LiveFeed::snapshotLocked(quint64 seq) const
{
    QList<const Debate *> debates;
    for (const Debate &d : m_debates)
        debates.append(&d);
    std::sort(debates.begin(), debates.end(), [](const Debate *a, const Debate *b) { return a->order < b->order; });
    QJsonArray debateList;
    for (const Debate *d : std::as_const(debates)) {
        QJsonArray live;
        for (const LiveText &l : d->live)
            live.append(QJsonObject { { u"turn"_s, l.turn }, { u"text"_s, l.text }, { u"attempt"_s, l.attempt } });
        debateList.append(QJsonObject { { u"debate"_s, d->info.isEmpty() ? QJsonObject { { u"debate_id"_s, double(d->id) } } : d->info },
            { u"phase"_s, d->phase }, { u"round"_s, d->round.isUndefined() ? QJsonValue(QJsonValue::Null) : d->round },
            { u"turns"_s, d->turns }, { u"live"_s, live }, { u"consensus"_s, d->consensus }, { u"notes"_s, d->notes },
            { u"pause"_s, d->pause.isUndefined() ? QJsonValue(QJsonValue::Null) : d->pause },
            { u"outcome"_s, d->outcome.isUndefined() ? QJsonValue(QJsonValue::Null) : d->outcome } });
    }
    QList<const Chat *> chats;
    for (const Chat &c : m_chats)
        chats.append(&c);
    std::sort(chats.begin(), chats.end(), [](const Chat *a, const Chat *b) { return a->order < b->order; });
    QJsonArray chatList;
    for (const Chat *c : std::as_const(chats))
        chatList.append(chatJson(*c));
    return { { u"v"_s, Version }, { u"type"_s, u"snapshot"_s }, { u"seq"_s, double(seq) }, { u"debates"_s, debateList },
        { u"chats"_s, chatList }, { u"metrics"_s, m_metrics } };
}

QJsonObject LiveFeed::snapshotObject() const
{
    QMutexLocker lock(&m_mutex);
    return snapshotLocked(m_seq);
}

} // namespace rt::server
