#pragma once

#include "common/result.h"
#include "debate/consensusmeter.h"
#include "debate/debatestate.h"
#include "debate/promptbuilder.h"
#include "debate/stance.h"

#include <QJsonObject>
#include <QList>
#include <functional>
#include <memory>

namespace rt::debate {

// One turn the format wants next.
struct PlannedTurn {
    int round = 0;
    int seat = -1;
    TurnKind kind = TurnKind::Turn;

    bool operator==(const PlannedTurn &) const = default;
};

// What to send for a turn.
struct TurnPrompt {
    PromptParts parts;
    ReplyShape shape = ReplyShape::Stance;
    QJsonObject schema;
};

// A debate format: who speaks when, what each speaker sees, when to stop and
// how the result is read. Stateless; everything lives in DebateState, so a
// debate restored from storage continues exactly where it was.
class DebateFormat {
public:
    virtual ~DebateFormat() = default;
    static std::unique_ptr<DebateFormat> create(FormatKind kind);

    virtual FormatKind kind() const = 0;
    // Seats for the configured agents: roles assigned, and an implicit judge,
    // chair or synthesiser added when the format needs one nobody brought.
    virtual rt::Result<QList<Seat>> arrange(const DebateConfig &config) const = 0;
    virtual int roundLimit(const DebateConfig &config) const { return config.maxRounds; }
    virtual QString phase(int round) const;
    virtual QList<PlannedTurn> planRound(const DebateState &state, int round) const = 0;
    // Whether the planned turns of this kind in this round are independent of
    // each other (none sees another's answer of the same round), so they may
    // run at the same time. Turns after the rounds (closing) always run alone.
    virtual bool concurrentTurns(const DebateState &state, int round, TurnKind kind) const
    {
        Q_UNUSED(state);
        Q_UNUSED(round);
        Q_UNUSED(kind);
        return false;
    }
    // Turns after the last round (synthesis), given why the rounds stopped.
    virtual QList<PlannedTurn> closing(const DebateState &state, StopReason reason) const;
    // The positions a completed round is measured on; *missing counts speakers without one.
    virtual QList<StanceInput> roundStances(const DebateState &state, int round, int *missing) const;
    // Why to stop after this round (the snapshot is already in state.rounds), or None.
    virtual StopReason decide(const DebateState &state, const ConsensusSnapshot &snapshot) const;
    virtual TurnPrompt prompt(const DebateState &state, const PlannedTurn &turn) const = 0;
    // Fills the answer, dissent, synthesis and format-specific parts of the result.
    virtual void finalize(const DebateState &state, DebateOutcome &outcome) const;

    static ConsensusMeter::Options meterOptions(const DebateConfig &config);
    static StanceInput stanceInput(const TurnRecord &turn, const Seat *seat);
    // Latest answer of each speaking seat, for the final result.
    static QList<StanceInput> latestStances(const DebateState &state, int *missing);
    static rt::agents::Agent implicitAgent(SeatRole role, const rt::agents::Agent &modelSource, const QList<rt::agents::Agent> &taken);
    static QString roleKey(const rt::agents::Agent &agent);

protected:
    QString systemPrompt(const DebateState &state, const Seat &seat, const QString &formatText) const;
    static QString answerInstructions();
    static QString intensityText(const DebateConfig &config);
    static QStringList peerNames(const DebateState &state, int seat);
    static QStringList notesFor(const DebateState &state);
    // The synthesiser's prompt after simultaneous or round-robin rounds.
    TurnPrompt synthesisPrompt(const DebateState &state, const PlannedTurn &turn) const;
    // Debaters plus, when synthesis is on, a synthesiser (brought or implicit).
    static rt::Result<QList<Seat>> arrangeDiscussion(const DebateConfig &config, int minDebaters, bool allowSynthesizer);
    // Fills answer, score and dissent from the meter over the latest stances,
    // and the synthesis from the last synthesis turn.
    static void finalizeFromMeter(const DebateState &state, DebateOutcome &outcome);
    // The one way every format lists dissent: each speaking seat whose deciding
    // turn (`deciding`: the turn that counts for that seat, or nullptr) has an
    // answer that `agrees` does not accept as the outcome's. Reasons are the
    // turn's key points, else the start of its argument.
    static QList<Dissent> collectDissent(const DebateState &state, const std::function<const TurnRecord *(int seat)> &deciding,
        const std::function<bool(const TurnRecord &)> &agrees);
    // Dissent from each seat's latest turn against an answer, compared the
    // way the meter compares answers.
    static QList<Dissent> dissentFromLatest(const DebateState &state, const QString &answer);
};

} // namespace rt::debate
