#include "debatestate.h"

namespace rt::debate {

const Seat *DebateState::seat(int index) const
{
    for (const Seat &s : seats) {
        if (s.index == index)
            return &s;
    }
    return nullptr;
}

const Seat *DebateState::seatWithRole(SeatRole role) const
{
    for (const Seat &s : seats) {
        if (s.role == role)
            return &s;
    }
    return nullptr;
}

QList<int> DebateState::speakingSeats() const
{
    QList<int> list;
    for (const Seat &s : seats) {
        if (s.speaksInRounds())
            list.append(s.index);
    }
    return list;
}

QList<const TurnRecord *> DebateState::turnsOf(int round, TurnKind kind) const
{
    QList<const TurnRecord *> list;
    for (const TurnRecord &t : turns) {
        if (t.info.kind == kind && (round == 0 || t.info.round == round) && t.isFinished())
            list.append(&t);
    }
    return list;
}

const TurnRecord *DebateState::find(int round, int seat, TurnKind kind) const
{
    for (const TurnRecord &t : turns) {
        if (t.info.round == round && t.info.seat == seat && t.info.kind == kind && t.isFinished())
            return &t;
    }
    return nullptr;
}

const TurnRecord *DebateState::latestOf(int seat, TurnKind kind, qsizetype beforeIndex) const
{
    const qsizetype end = beforeIndex < 0 ? turns.size() : std::min(beforeIndex, turns.size());
    for (qsizetype i = end - 1; i >= 0; --i) {
        const TurnRecord &t = turns.at(i);
        if (t.info.seat == seat && t.info.kind == kind && t.isFinished())
            return &t;
    }
    return nullptr;
}

QList<const TurnRecord *> DebateState::interjections() const
{
    return turnsOf(0, TurnKind::Interjection);
}

const ConsensusSnapshot *DebateState::roundSummary(int round) const
{
    for (const ConsensusSnapshot &s : rounds) {
        if (s.round == round)
            return &s;
    }
    return nullptr;
}

} // namespace rt::debate
