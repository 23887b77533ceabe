#pragma once

#include "debate/debateformat.h"

namespace rt::debate {

// Agents speak one after another and each sees the whole transcript so far,
// including earlier speakers of the same round. The first speaker rotates
// every round so nobody always speaks first or last.
class RoundRobinFormat final : public DebateFormat {
public:
    FormatKind kind() const override { return FormatKind::RoundRobin; }
    rt::Result<QList<Seat>> arrange(const DebateConfig &config) const override;
    QString phase(int round) const override;
    QList<PlannedTurn> planRound(const DebateState &state, int round) const override;
    TurnPrompt prompt(const DebateState &state, const PlannedTurn &turn) const override;
};

} // namespace rt::debate
