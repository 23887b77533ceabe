#pragma once

#include "common/result.h"
#include "debate/debatetypes.h"

#include <QList>
#include <QObject>
#include <functional>

namespace rt::debate {

// A debate as read back for resuming or showing.
struct StoredDebate {
    qint64 id = 0;
    DebateConfig config;
    DebateStatus status = DebateStatus::Running;
    StopReason stopReason = StopReason::None;
    QString finalAnswer;
    QString synthesis;
    std::optional<double> score;
    QList<Seat> seats;
    QList<TurnRecord> turns; // in the order they were stored
    QList<ConsensusSnapshot> rounds;
};

// Where the engine makes its progress durable. Every call is asynchronous:
// the callback runs later on the context object's thread (never inside the
// call) and is dropped if the context is gone. The engine waits for each
// callback before it goes on: a finished turn is durable before the next one
// starts (turns that run together are appended one at a time, in plan order).
class DebateStore {
public:
    using IdCallback = std::function<void(const rt::Result<qint64> &)>;
    using StatusCallback = std::function<void(const rt::Status &)>;
    using LoadCallback = std::function<void(const rt::Result<StoredDebate> &)>;

    virtual ~DebateStore() = default;
    virtual void createDebate(const DebateConfig &config, const QList<Seat> &seats, QObject *context, IdCallback done) = 0;
    virtual void appendTurn(qint64 debateId, const TurnRecord &turn, QObject *context, IdCallback done) = 0;
    virtual void saveRound(qint64 debateId, const ConsensusSnapshot &round, QObject *context, StatusCallback done) = 0;
    // outcome may be null (paused, interrupted, running again).
    virtual void updateStatus(qint64 debateId, DebateStatus status, const DebateOutcome *outcome, QObject *context, StatusCallback done)
        = 0;
    virtual void loadDebate(qint64 debateId, QObject *context, LoadCallback done) = 0;
};

// Keeps debates in memory: unit tests of formats and consensus, and `eval`,
// which runs many throwaway debates.
class MemoryDebateStore final : public DebateStore {
public:
    void createDebate(const DebateConfig &config, const QList<Seat> &seats, QObject *context, IdCallback done) override;
    void appendTurn(qint64 debateId, const TurnRecord &turn, QObject *context, IdCallback done) override;
    void saveRound(qint64 debateId, const ConsensusSnapshot &round, QObject *context, StatusCallback done) override;
    void updateStatus(qint64 debateId, DebateStatus status, const DebateOutcome *outcome, QObject *context, StatusCallback done) override;
    void loadDebate(qint64 debateId, QObject *context, LoadCallback done) override;

    const QList<StoredDebate> &debates() const { return m_debates; }
    const StoredDebate *find(qint64 id) const;
    // Test hook: make the next write fail with this error.
    void failNextWrite(const rt::Error &error) { m_failNext = error; }

private:
    StoredDebate *findMutable(qint64 id);
    std::optional<rt::Error> takeFailure();

    QList<StoredDebate> m_debates;
    qint64 m_nextDebateId = 1;
    qint64 m_nextTurnId = 1;
    std::optional<rt::Error> m_failNext;
};

} // namespace rt::debate
