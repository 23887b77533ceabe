#include "debatestore.h"

#include <QMetaObject>

using namespace Qt::StringLiterals;

namespace rt::debate {

namespace {
template<typename Fn> void later(QObject *context, Fn fn)
{
    QMetaObject::invokeMethod(context, std::move(fn), Qt::QueuedConnection);
}
} // namespace

const StoredDebate *MemoryDebateStore::find(qint64 id) const
{
    for (const StoredDebate &d : m_debates) {
        if (d.id == id)
            return &d;
    }
    return nullptr;
}

StoredDebate *MemoryDebateStore::findMutable(qint64 id)
{
    for (StoredDebate &d : m_debates) {
        if (d.id == id)
            return &d;
    }
    return nullptr;
}

std::optional<rt::Error> MemoryDebateStore::takeFailure()
{
    std::optional<rt::Error> e = m_failNext;
    m_failNext.reset();
    return e;
}

void MemoryDebateStore::createDebate(const DebateConfig &config, const QList<Seat> &seats, QObject *context, IdCallback done)
{
    if (auto e = takeFailure()) {
        later(context, [done, error = *e] { done(error); });
        return;
    }
    StoredDebate d;
    d.id = m_nextDebateId++;
    d.config = config;
    d.seats = seats;
    m_debates.append(d);
    later(context, [done, id = d.id] { done(id); });
}

void MemoryDebateStore::appendTurn(qint64 debateId, const TurnRecord &turn, QObject *context, IdCallback done)
{
    StoredDebate *d = findMutable(debateId);
    std::optional<rt::Error> e = takeFailure();
    if (!d && !e)
        e = rt::Error { u"not_found"_s, u"No debate %1."_s.arg(debateId) };
    if (e) {
        later(context, [done, error = *e] { done(error); });
        return;
    }
    TurnRecord stored = turn;
    stored.storageId = m_nextTurnId++;
    stored.embedding.clear();
    d->turns.append(stored);
    later(context, [done, id = stored.storageId] { done(id); });
}

void MemoryDebateStore::saveRound(qint64 debateId, const ConsensusSnapshot &round, QObject *context, StatusCallback done)
{
    StoredDebate *d = findMutable(debateId);
    if (auto e = takeFailure()) {
        later(context, [done, error = *e] { done(error); });
        return;
    }
    if (d) {
        d->rounds.removeIf([&](const ConsensusSnapshot &s) { return s.round == round.round; });
        d->rounds.append(round);
    }
    later(context, [done] { done(rt::Status()); });
}

void MemoryDebateStore::updateStatus(
    qint64 debateId, DebateStatus status, const DebateOutcome *outcome, QObject *context, StatusCallback done)
{
    if (auto e = takeFailure()) {
        later(context, [done, error = *e] { done(error); });
        return;
    }
    if (StoredDebate *d = findMutable(debateId)) {
        d->status = status;
        if (outcome) {
            d->stopReason = outcome->stopReason;
            d->finalAnswer = outcome->answer;
            d->synthesis = outcome->synthesis;
            d->score = outcome->score;
        }
    }
    later(context, [done] { done(rt::Status()); });
}

void MemoryDebateStore::loadDebate(qint64 debateId, QObject *context, LoadCallback done)
{
    const StoredDebate *d = find(debateId);
    if (!d) {
        later(context, [done, debateId] { done(rt::Error { u"not_found"_s, u"There is no debate %1."_s.arg(debateId) }); });
        return;
    }
    later(context, [done, copy = *d] { done(copy); });
}

} // namespace rt::debate
