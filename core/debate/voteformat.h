#pragma once

#include "debate/debateformat.h"

namespace rt::debate {

// The honest baseline: independent answers and a confidence-weighted
// majority, no discussion. With R rounds every agent answers R times
// (different seeds), so a vote can use as many model calls as a debate.
class VoteFormat final : public DebateFormat {
public:
    FormatKind kind() const override { return FormatKind::Vote; }
    rt::Result<QList<Seat>> arrange(const DebateConfig &config) const override;
    QString phase(int round) const override;
    QList<PlannedTurn> planRound(const DebateState &state, int round) const override;
    bool concurrentTurns(const DebateState &state, int round, TurnKind kind) const override;
    QList<PlannedTurn> closing(const DebateState &state, StopReason reason) const override;
    QList<StanceInput> roundStances(const DebateState &state, int round, int *missing) const override;
    StopReason decide(const DebateState &state, const ConsensusSnapshot &snapshot) const override;
    TurnPrompt prompt(const DebateState &state, const PlannedTurn &turn) const override;
    void finalize(const DebateState &state, DebateOutcome &outcome) const override;
};

} // namespace rt::debate
