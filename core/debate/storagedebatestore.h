#pragma once

#include "debate/debatestore.h"

#include <QHash>

namespace rt::storage {
class Storage;
}

namespace rt::debate {

// DebateStore over the application's Storage (SQLite or PostgreSQL): every
// call is one write or read on the storage thread; the callback runs when its
// QFuture is ready, on the context's thread.
class StorageDebateStore final : public DebateStore {
public:
    explicit StorageDebateStore(rt::storage::Storage *storage)
        : m_storage(storage)
    {
    }

    void createDebate(const DebateConfig &config, const QList<Seat> &seats, QObject *context, IdCallback done) override;
    void appendTurn(qint64 debateId, const TurnRecord &turn, QObject *context, IdCallback done) override;
    void saveRound(qint64 debateId, const ConsensusSnapshot &round, QObject *context, StatusCallback done) override;
    void updateStatus(qint64 debateId, DebateStatus status, const DebateOutcome *outcome, QObject *context, StatusCallback done) override;
    void loadDebate(qint64 debateId, QObject *context, LoadCallback done) override;

private:
    rt::storage::Storage *m_storage;
    QHash<qint64, QJsonObject> m_settings; // debate id -> settings as created
};

} // namespace rt::debate
