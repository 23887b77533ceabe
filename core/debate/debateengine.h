#pragma once

#include "common/result.h"
#include "debate/debateformat.h"
#include "debate/debatestate.h"
#include "debate/debatestore.h"
#include "debate/debatetypes.h"
#include "debate/modelfactscache.h"
#include "debate/visibletextstreamer.h"
#include "llm/chattypes.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QStringList>
#include <QTimer>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace rt::llm {
class EndpointPool;
class OllamaClient;
class PooledChat;
} // namespace rt::llm

namespace rt::debate {

// Runs one debate: plans turns with its format, streams each turn from
// Ollama through the endpoint pool (one path for every request: routing to a
// host that has the agent's model, fallback models, the circuit breaker, and
// moving a turn to another host when its host dies), parses the stance, measures consensus, and makes every finished
// turn durable in the store before anything that depends on it starts. Driven entirely by
// signals and callbacks: it never blocks, so it can live on the GUI thread.
//
// With setConcurrentTurns(true), the turns of a round that do not see each
// other (DebateFormat::concurrentTurns: simultaneous rounds, vote samples,
// council answers and rankings) start at once and stream side by side; the
// pool's per-host slots decide how many really run. Their signals carry the
// seat (TurnInfo), so listeners can tell them apart. They are stored in plan
// order (a turn that finishes early waits for the ones planned before it), so
// TurnInfo::index is the same from turnStarted to the stored record.
//
// Everything that happens is announced by a signal carrying a value type;
// the UI, metrics and remote viewers need nothing else.
class DebateEngine final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DebateEngine)
public:
    enum class State { Idle, Running, Paused, Finished, Failed, Interrupted };
    Q_ENUM(State)

    // pool and store are not owned and must outlive the engine.
    DebateEngine(rt::llm::EndpointPool *pool, DebateStore *store, QObject *parent = nullptr);
    ~DebateEngine() override;

    // Why agents without a model of their own use config.defaultModel
    // ("the default model in the settings"); announced once as a note.
    void setDefaultModelSource(const QString &source) { m_defaultModelSource = source; }
    // The pool host each seat starts on (spread over the hosts that have its model).
    QHash<int, QString> seatHosts() const { return m_seatHosts; }
    // Lets the independent turns of a round run at the same time (off by
    // default: one turn at a time, for listeners that show one stream).
    // Takes effect from the next round of turns that is started.
    void setConcurrentTurns(bool on) { m_concurrent = on; }
    bool concurrentTurns() const { return m_concurrent; }

    // Starts a new debate. A configuration that cannot run is refused at once
    // (error code "usage"); everything later is reported by signals.
    rt::Status start(const DebateConfig &config);
    // Continues a stored debate that was interrupted, paused, or left running
    // by a crash, from its last durable turn.
    void restore(qint64 debateId);

    // Pause takes effect when the turns in flight have finished (nothing is lost).
    void pause();
    void resume();
    // Ends the debate now: every turn in flight is aborted and kept, marked
    // partial; the result is computed from what exists.
    void stop();
    // Aborts the turns in flight and leaves the debate resumable (Ctrl-C).
    void interrupt();
    // A human note, added when no turn is in flight; the turns started after
    // it see it as a moderator note.
    void interject(const QString &text);

    State state() const { return m_stateKind; }
    qint64 debateId() const { return m_state.debateId; }
    const DebateState &debate() const { return m_state; }
    const DebateOutcome &outcome() const { return m_outcome; }
    int currentRound() const { return m_round; }

signals:
    void debateStarted(const rt::debate::DebateInfo &info);
    void roundStarted(const rt::debate::RoundInfo &info);
    void turnStarted(const rt::debate::TurnInfo &turn);
    void tokenDelta(const rt::debate::TokenDelta &delta);
    // The exact request sent for a turn (attempt 2 = the repair request), for
    // prompt inspection and metrics.
    void requestSent(const rt::debate::TurnInfo &turn, const rt::llm::ChatRequest &request, int attempt);
    void turnFinished(const rt::debate::TurnRecord &turn);
    void consensusUpdated(const rt::debate::ConsensusSnapshot &snapshot);
    void noteAdded(const rt::debate::DebateNote &note);
    void debatePaused(const rt::debate::PauseInfo &info);
    void debateResumed(qint64 debateId);
    void debateFinished(const rt::debate::DebateOutcome &outcome);
    void debateFailed(const rt::debate::DebateOutcome &outcome);
    // Stopped by interrupt(); the debate can be continued with restore().
    void debateInterrupted(qint64 debateId);

private:
    // Stop or interrupt: sets the flag and ends the turns in flight (or advances).
    void requestEnd(bool &flag);
    enum class Phase { Rounds, Closing, Done };
    // One turn from its start to its durable record. Everything that belongs
    // to a single turn lives here, so several can be in flight at once;
    // callbacks find their turn by token and ignore it when it is gone.
    struct Turn {
        quint64 token = 0;
        PlannedTurn plan;
        qsizetype planPos = 0; // position in the round's (or closing) plan
        TurnInfo info;
        TurnPrompt prompt;
        QStringList models;
        qsizetype modelIndex = 0;
        QString host; // the pool host chosen for the next request
        QSet<QString> excludedHosts; // hosts that failed this turn
        QString moveReason; // why the turn left its seat's host
        int restarts = 0; // restarts on another host after losing one mid-reply
        rt::llm::ChatRequest request;
        QPointer<rt::llm::PooledChat> stream;
        VisibleTextStreamer streamer;
        bool announced = false;
        bool repairing = false;
        QString firstReply;
        rt::llm::ResponseMetrics firstMetrics;
        rt::llm::ResponseMetrics metrics;
        int calls = 0;
        QElapsedTimer clock;
        std::optional<TurnRecord> ready; // finished, waiting for its turn to be stored
        std::optional<TurnRecord> repairRow; // the unusable first reply, stored after the round's turns
    };

    void begin(bool resumed, int finishedTurns);
    void announceStart(bool resumed, int finishedTurns);
    void advance();
    void announceRound();
    QList<PlannedTurn> &currentPlan() { return m_phase == Phase::Rounds ? m_plan : m_closing; }
    qsizetype &currentCursor() { return m_phase == Phase::Rounds ? m_cursor : m_closingCursor; }
    bool recorded(const PlannedTurn &plan) const { return m_state.find(plan.round, plan.seat, plan.kind) != nullptr; }
    bool runsAlongside(const PlannedTurn &plan) const;
    void startTurns();
    void startTurn(const PlannedTurn &plan, qsizetype planPos);
    Turn *findTurn(quint64 token) const;
    qsizetype positionOf(quint64 token) const;
    void removeTurn(quint64 token);
    void turnGone(); // a turn left m_turns: store the next finished one, or go on
    void cancelStreams();
    bool idle() const { return !m_busy && !m_starting && m_turns.empty(); }
    void tryModel(Turn &t);
    void sendRequest(Turn &t, const ModelFacts &facts);
    rt::llm::PooledChat *openChat(Turn &t, const rt::llm::ChatRequest &request, int attempt);
    void onRouted(quint64 token, const QString &host, const QString &model);
    bool restartElsewhere(Turn &t, const rt::llm::ChatResult &result);
    void noteFallback(int seat, const QString &agentName, const QString &missing, const QString &used);
    void assignSeatHosts();
    void refreshHostModels(std::function<void()> done);
    void onStreamFinished(quint64 token, const rt::llm::ChatResult &result);
    void requestRepair(Turn &t, const rt::llm::ChatResult &first);
    void completeTurn(Turn &t, TurnRecord record, const QString &repairContent);
    void markReady(quint64 token, TurnRecord record, std::optional<TurnRecord> repairRow);
    void commitReady();
    void persistRow(TurnRecord row);
    void skipTurn(Turn &t, const QString &reason, const rt::Error &error);
    void dropTurn(quint64 token); // stopped before anything was said: nothing to keep
    void completeRound();
    void enterClosing(StopReason reason);
    void finish(StopReason reason);
    void failWith(const rt::Error &error);
    void enterPause(const QString &reason, const QString &message, const QString &errorCode);
    void finishInterrupt();
    void persistInterjection(const QString &text);
    void addNote(NoteKind kind, int seat, const QString &text);
    void setStatus(DebateStatus status, const DebateOutcome *outcome, std::function<void()> then);
    bool budgetExceeded() const;
    bool tokenBudgetExceeded() const;
    int availableSpeakers() const;
    bool seatCanSpeak(int seat) const;
    rt::llm::OllamaClient *controlClientFor(const QString &model) const;
    std::optional<qint64> seedFor(const Seat &seat, const PlannedTurn &plan) const;
    int contextTokensFor(const rt::agents::Agent &agent, const ModelFacts &facts) const;
    bool stopping() const { return m_stopRequested || m_interruptRequested || m_budgetHit; }
    // Embeddings for free-text answers: callback gets one vector per text, or
    // an empty list when no embedding model is available.
    void embed(const QStringList &texts, std::function<void(const QList<QList<double>> &)> done);
    void fillEmbeddings(QList<TurnRecord *> turns, std::function<void()> done);
    DebateOutcome makeOutcome(StopReason reason, DebateStatus status) const;

    rt::llm::EndpointPool *m_pool;
    DebateStore *m_store;
    QString m_defaultModelSource;
    QStringList m_defaulted; // agents given config.defaultModel
    QSet<QString> m_refreshFailed; // hosts whose model list could not be read at the start
    QHash<int, QString> m_seatHosts; // seat -> pool host it speaks on now
    std::unique_ptr<DebateFormat> m_format;
    DebateState m_state;
    DebateOutcome m_outcome;
    State m_stateKind = State::Idle;
    Phase m_phase = Phase::Rounds;
    int m_round = 1;
    QList<PlannedTurn> m_plan;
    qsizetype m_cursor = 0;
    bool m_roundAnnounced = false;
    QList<PlannedTurn> m_closing;
    qsizetype m_closingCursor = 0;
    StopReason m_stopReason = StopReason::None;
    // Turns in flight, in plan order; the first one is the next to be stored.
    std::vector<std::unique_ptr<Turn>> m_turns;
    QList<TurnRecord> m_pendingRows; // repair rows, stored when the round's turns are
    quint64 m_nextToken = 1;
    int m_recordedRows = 0;
    bool m_concurrent = false;
    bool m_busy = false; // an engine-wide step (storage, model lists, round) is under way
    bool m_starting = false; // startTurns() is starting turns
    bool m_committing = false; // a finished turn is being stored
    std::optional<PauseInfo> m_pendingPause; // too few speakers: pause when the turns in flight are done
    bool m_pauseRequested = false;
    bool m_stopRequested = false;
    bool m_interruptRequested = false;
    bool m_budgetHit = false;
    QStringList m_pendingInterjections;
    QSet<int> m_unavailableSeats; // none of its models on any reachable host
    QSet<std::pair<int, QString>> m_fallbackNoted; // (seat, missing model) already announced
    ModelFactsCache m_facts;
    enum class EmbedState { Unknown, Resolving, Ready, Off };
    EmbedState m_embedState = EmbedState::Unknown;
    QString m_embedModel;
    QList<std::function<void()>> m_embedWaiters;
    qint64 m_promptTokens = 0;
    qint64 m_evalTokens = 0;
    int m_calls = 0;
    QElapsedTimer m_clock;
    QTimer m_budgetTimer;
};

} // namespace rt::debate
