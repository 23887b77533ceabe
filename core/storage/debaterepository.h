#pragma once

#include "common/result.h"
#include "records.h"

#include <QList>
#include <optional>

namespace rt::storage {

class Database;

// Debates with their participants (agent snapshots), turns and per-round
// consensus figures. A turn is durable once appendTurn()/finishTurn() returns,
// so a debate interrupted by a crash can resume from lastDurableTurn().
class DebateRepository final {
public:
    explicit DebateRepository(Database &db)
        : m_db(db)
    {
    }

    rt::Result<qint64> create(const Debate &debate);
    rt::Result<Debate> get(qint64 id);
    rt::Result<QList<Debate>> list(int limit = 50, int offset = 0); // newest first
    rt::Result<QList<Debate>> interrupted(); // status 'interrupted', newest first
    rt::Status setStatus(qint64 id, DebateStatus status);
    rt::Status updateSettings(qint64 id, const QJsonObject &settings);
    // Records the outcome: status, consensus score, stop reason, final answer,
    // synthesis; sets finished_at (keeps debate.finishedAt when valid).
    rt::Status finish(qint64 id, const Debate &outcome);
    rt::Status remove(qint64 id);

    rt::Status setParticipants(qint64 debateId, const QList<DebateParticipant> &participants); // replaces all seats
    rt::Result<QList<DebateParticipant>> participants(qint64 debateId);

    // A finished (or failed) turn in one step.
    rt::Result<qint64> appendTurn(const DebateTurn &turn);
    // Streaming: beginTurn() stores it as 'partial', checkpointTurn() saves text,
    // finishTurn() stores everything from `turn` (content, stance, status, ...).
    rt::Result<qint64> beginTurn(const DebateTurn &turn);
    rt::Status checkpointTurn(qint64 id, const QString &content, const QString &thinking = {});
    rt::Status finishTurn(qint64 id, const DebateTurn &turn);
    rt::Result<DebateTurn> turn(qint64 id);
    rt::Result<QList<DebateTurn>> turns(qint64 debateId);
    // The newest turn with status 'complete', if any.
    rt::Result<std::optional<DebateTurn>> lastDurableTurn(qint64 debateId);

    rt::Status saveRound(const DebateRound &round); // insert or replace (debate_id, round)
    rt::Result<QList<DebateRound>> rounds(qint64 debateId);

private:
    rt::Status touch(qint64 debateId);
    Database &m_db;
};

} // namespace rt::storage
