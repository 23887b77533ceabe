#pragma once

#include "debate/debatetypes.h"

#include <QList>

namespace rt::debate {

// Everything known about a running debate; formats read it to plan turns and
// build prompts, the engine writes it. Holds only finished turns (and
// interjections), in the order they became durable.
struct DebateState {
    qint64 debateId = 0;
    DebateConfig config;
    QList<Seat> seats;
    QList<TurnRecord> turns;
    QList<ConsensusSnapshot> rounds; // completed rounds, in order
    QList<DebateNote> notes; // skips, fallbacks, warnings (not interjections)

    const Seat *seat(int index) const;
    const Seat *seatWithRole(SeatRole role) const;
    QList<int> speakingSeats() const; // seats that answer in rounds, in seat order

    // Finished turns of a kind in a round (round 0 = any round), in order.
    QList<const TurnRecord *> turnsOf(int round, TurnKind kind = TurnKind::Turn) const;
    const TurnRecord *find(int round, int seat, TurnKind kind) const;
    // The seat's latest finished turn of `kind` before `beforeIndex` (a position in turns).
    const TurnRecord *latestOf(int seat, TurnKind kind = TurnKind::Turn, qsizetype beforeIndex = -1) const;
    QList<const TurnRecord *> interjections() const;
    const ConsensusSnapshot *roundSummary(int round) const;
    int completedRounds() const { return int(rounds.size()); }
};

} // namespace rt::debate
