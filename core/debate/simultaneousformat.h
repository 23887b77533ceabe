#pragma once

#include "debate/debateformat.h"

namespace rt::debate {

// Du et al.: in round 1 everyone answers alone; in each later round everyone
// sees all answers of the previous round and may revise. Nobody sees a turn
// of the round in progress, so a round's turns may run at the same time.
class SimultaneousFormat final : public DebateFormat {
public:
    FormatKind kind() const override { return FormatKind::Simultaneous; }
    rt::Result<QList<Seat>> arrange(const DebateConfig &config) const override;
    QList<PlannedTurn> planRound(const DebateState &state, int round) const override;
    bool concurrentTurns(const DebateState &state, int round, TurnKind kind) const override;
    TurnPrompt prompt(const DebateState &state, const PlannedTurn &turn) const override;
};

} // namespace rt::debate
