#pragma once

#include "debate/debateengine.h"
#include "debate/debatestore.h"
#include "debate/debatetypes.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <optional>

namespace rt::server {
class RemoteTable;
}

namespace rt::ui {

// Everything known about one debate, in one place, whether it is running
// here (fed by its engine's signals) or read back from storage. The debate
// view draws only from this, so a live debate and a revisited one look the
// same, and a view opened halfway through a debate starts from what has
// happened so far.
class DebateSession final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DebateSession)
public:
    enum class Phase { Starting, Running, Paused, Finished, Failed, Interrupted };
    Q_ENUM(Phase)

    // A turn being written now (one per seat at most).
    struct LiveTurn {
        rt::debate::TurnInfo info;
        QString text; // visible text so far (the argument, decoded as it streams)
        int attempt = 1;
    };
    struct TimelineEntry { // the transcript in order: turns, notes, round headers
        enum class Kind { Round, Turn, Note } kind = Kind::Turn;
        int index = -1; // into rounds()/turns()/notes() of the session (rounds: the round number)
    };

    explicit DebateSession(QObject *parent = nullptr);

    // Live: follows the engine until it is destroyed. Call before start().
    void follow(rt::debate::DebateEngine *engine);
    // Remote: one debate of another instance, read-only, from its snapshot
    // and events (docs/remote-protocol.md); rebuilt at each fresh snapshot.
    void followRemote(rt::server::RemoteTable *table, qint64 debateId);
    bool isRemote() const { return !m_remote.isNull(); }
    // What followRemote() connects: a protocol snapshot, and one event.
    void applySnapshot(const QJsonObject &snapshot);
    void applyEvent(const QJsonObject &event);
    // Stored: everything at once (phase from the stored status). A session
    // that follows an engine resuming this debate keeps following it.
    void load(const rt::debate::StoredDebate &debate);

    qint64 debateId() const { return m_info.debateId; }
    const rt::debate::DebateInfo &info() const { return m_info; }
    const QList<rt::debate::Seat> &seats() const { return m_info.seats; }
    Phase phase() const { return m_phase; }
    bool isLive() const { return !m_engine.isNull(); }
    rt::debate::DebateEngine *engine() const { return m_engine; }
    const QList<rt::debate::TurnRecord> &turns() const { return m_turns; }
    const QList<rt::debate::ConsensusSnapshot> &rounds() const { return m_rounds; }
    const QList<rt::debate::DebateNote> &notes() const { return m_notes; }
    const QList<TimelineEntry> &timeline() const { return m_timeline; }
    const QHash<int, LiveTurn> &liveTurns() const { return m_live; } // by seat
    std::optional<rt::debate::RoundInfo> currentRound() const { return m_round; }
    const std::optional<rt::debate::DebateOutcome> &outcome() const { return m_outcome; }
    const std::optional<rt::debate::PauseInfo> &pauseInfo() const { return m_pause; }
    // The visible text each finished turn showed while it streamed (by turn
    // index), so a test can compare the screen with the stored record.
    QString streamedText(int turnIndex) const { return m_streamed.value(turnIndex); }
    // The last finished turn of a seat, if any.
    const rt::debate::TurnRecord *lastTurnOf(int seat) const;

signals:
    void reset(); // started, loaded: redraw everything
    void phaseChanged(rt::ui::DebateSession::Phase phase);
    // A round began; when it is new to the timeline, its header is the last
    // timeline entry.
    void roundStarted(const rt::debate::RoundInfo &round);
    void turnStarted(int seat);
    // Text arrived for a seat's live turn; `replaced` when a repair attempt
    // started over.
    void textAppended(int seat, const QString &text, bool replaced);
    void turnFinished(int turnIndex); // index into turns()
    void noteAdded(int noteIndex);
    void consensusUpdated(int roundIndex); // index into rounds()
    void outcomeChanged();
    // The engine is gone (its task ended): the session is a record now.
    void liveEnded();

private:
    void setPhase(Phase phase);
    void addTurn(const rt::debate::TurnRecord &turn);
    void clearRecord(); // turns, rounds, notes, live text, pause and outcome
    // Finished turns with a round header before each new round; the last round.
    int addRecordedTurns(const QList<rt::debate::TurnRecord> &turns);
    // One handler per engine signal; remote events arrive at the same ones.
    void onStarted(const rt::debate::DebateInfo &info);
    void onRound(const rt::debate::RoundInfo &round);
    void onTurnStarted(const rt::debate::TurnInfo &turn);
    void onText(const rt::debate::TurnInfo &turn, const QString &text, int attempt);
    void onTurnFinished(const rt::debate::TurnRecord &turn);
    void onConsensus(const rt::debate::ConsensusSnapshot &snapshot);
    void onNote(const rt::debate::DebateNote &note);
    void onPaused(const rt::debate::PauseInfo &info);
    void onResumed();
    void onEnded(const rt::debate::DebateOutcome &outcome, Phase phase);
    void onInterrupted();

    QPointer<rt::debate::DebateEngine> m_engine;
    QPointer<rt::server::RemoteTable> m_remote;
    rt::debate::DebateInfo m_info;
    Phase m_phase = Phase::Starting;
    QList<rt::debate::TurnRecord> m_turns;
    QList<rt::debate::ConsensusSnapshot> m_rounds;
    QList<rt::debate::DebateNote> m_notes;
    QList<TimelineEntry> m_timeline;
    QHash<int, LiveTurn> m_live;
    QHash<int, QString> m_streamed;
    std::optional<rt::debate::RoundInfo> m_round;
    std::optional<rt::debate::DebateOutcome> m_outcome;
    std::optional<rt::debate::PauseInfo> m_pause;
};

} // namespace rt::ui
