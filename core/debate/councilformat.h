#pragma once

#include "debate/debateformat.h"

#include <QMap>

namespace rt::debate {

// llm-council: every member answers alone (round 1); every member ranks all
// answers under shuffled anonymous labels (round 2); a chair, who sees the
// names, writes the final answer from the answers and the Borda count of the
// rankings. A member's vote for its own answer is not counted.
class CouncilFormat final : public DebateFormat {
public:
    FormatKind kind() const override { return FormatKind::Council; }
    rt::Result<QList<Seat>> arrange(const DebateConfig &config) const override;
    int roundLimit(const DebateConfig &config) const override;
    QString phase(int round) const override;
    QList<PlannedTurn> planRound(const DebateState &state, int round) const override;
    bool concurrentTurns(const DebateState &state, int round, TurnKind kind) const override;
    QList<StanceInput> roundStances(const DebateState &state, int round, int *missing) const override;
    StopReason decide(const DebateState &state, const ConsensusSnapshot &snapshot) const override;
    QList<PlannedTurn> closing(const DebateState &state, StopReason reason) const override;
    TurnPrompt prompt(const DebateState &state, const PlannedTurn &turn) const override;
    void finalize(const DebateState &state, DebateOutcome &outcome) const override;

    // Anonymous labels ("Response A", ...) in presentation order -> seat. Stable
    // for a debate (derived from its seed or question), so a resumed debate
    // keeps its labels.
    static QList<QPair<QString, int>> labels(const DebateState &state);
    // Borda points per seat from the ranking turns, self-votes excluded.
    static QMap<int, double> borda(const DebateState &state);
    // Removes agent and model names from text shown anonymously.
    static QString anonymise(const DebateState &state, QString text);
};

} // namespace rt::debate
