#pragma once

#include "debate/debateformat.h"

namespace rt::debate {

// MAD (Liang et al.): a proponent and an opponent argue; after each round a
// judge decides whether the question is settled (adaptive break) and, in the
// last round, must give a verdict with reasons.
class AdversarialFormat final : public DebateFormat {
public:
    FormatKind kind() const override { return FormatKind::Adversarial; }
    rt::Result<QList<Seat>> arrange(const DebateConfig &config) const override;
    QString phase(int round) const override;
    QList<PlannedTurn> planRound(const DebateState &state, int round) const override;
    QList<PlannedTurn> closing(const DebateState &state, StopReason reason) const override;
    StopReason decide(const DebateState &state, const ConsensusSnapshot &snapshot) const override;
    TurnPrompt prompt(const DebateState &state, const PlannedTurn &turn) const override;
    void finalize(const DebateState &state, DebateOutcome &outcome) const override;
};

} // namespace rt::debate
