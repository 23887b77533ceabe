#pragma once

// Value types of the debate engine: its configuration and the payloads of its
// signals. The UI, metrics and remote viewers see a debate only through these,
// so each carries enough to stand alone (ids, round, seat, agent name, colour).

#include "agents/agent.h"
#include "common/result.h"
#include "common/vocabulary.h"
#include "debate/stance.h"
#include "llm/chattypes.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <optional>

namespace rt::debate {

enum class FormatKind { Simultaneous, RoundRobin, Adversarial, Council, Vote };
enum class StopReason { None, Unanimous, Threshold, Stalled, JudgeDecided, MaxRounds, Budget, UserStop, Error };
// Shared with core/storage, which stores them: one definition in common/vocabulary.h.
using rt::DebateStatus;
using rt::TurnKind;
using rt::TurnStatus;
// What a seat does in its format. Debaters answer; the others judge, rank or sum up.
enum class SeatRole { Debater, Proponent, Opponent, Judge, Chair, Synthesizer };
enum class NoteKind { Interjection, Skipped, Fallback, HostMoved, Warning, Info };

// Stable names ("round-robin", "max_rounds", ...) as stored and sent to viewers.
using rt::toString; // TurnKind, TurnStatus, DebateStatus
QString toString(FormatKind kind);
QString toString(StopReason reason);
QString toString(SeatRole role);
QString toString(NoteKind kind);
std::optional<FormatKind> parseFormatKind(QStringView name); // also accepts round_robin, judge (= adversarial)
std::optional<StopReason> parseStopReason(QStringView name);
using rt::parseDebateStatus;
using rt::parseTurnKind;
using rt::parseTurnStatus;
std::optional<SeatRole> parseSeatRole(QStringView name);
// One sentence for people: "the agents agreed unanimously".
QString describe(StopReason reason);

struct DebateConfig {
    static constexpr int kRoundCap = 10;

    QString question;
    QList<rt::agents::Agent> agents; // seats in order
    FormatKind format = FormatKind::Simultaneous;
    int maxRounds = 3; // 1..kRoundCap
    double consensusThreshold = 0.8; // share of confidence-weighted support
    int stallRounds = 1; // stop when nobody changed position this many rounds in a row; 0 = never
    qint64 tokenBudget = 0; // prompt + generated tokens; 0 = unlimited
    qint64 timeBudgetMs = 0; // wall time of this run; 0 = unlimited
    std::optional<qint64> seed; // base seed; turns derive theirs from it
    std::optional<int> agreementIntensity; // 0..10 (Smit et al.); unset = neutral wording
    QString defaultModel; // for agents without a model
    QString embeddingModel; // "" = pick an installed embedding model; "none" = word overlap only
    int numPredictCap = 1024; // upper bound on generated tokens per turn
    int contextTokens = 0; // 0 = agent's num_ctx, else the server's default capped by the model
    bool synthesis = true; // a synthesiser writes the final summary
    bool recalibrate = true; // ReConcile confidence bins

    // Empty when the configuration can run; else a sentence saying what to fix.
    QString validate() const;
    QJsonObject toJson() const; // agents are stored separately as seats
    static DebateConfig fromJson(const QJsonObject &object);
};

// One seat at the table for this debate.
struct Seat {
    int index = 0;
    rt::agents::Agent agent;
    SeatRole role = SeatRole::Debater;
    bool implicit = false; // added by the engine (a synthesiser or judge nobody brought)

    bool speaksInRounds() const { return role == SeatRole::Debater || role == SeatRole::Proponent || role == SeatRole::Opponent; }
    QJsonObject toJson() const;
    static Seat fromJson(const QJsonObject &object);
};

struct DebateInfo {
    qint64 debateId = 0;
    QString question;
    FormatKind format = FormatKind::Simultaneous;
    int maxRounds = 0;
    double threshold = 0.0;
    QList<Seat> seats;
    bool resumed = false;
    int finishedTurns = 0; // already done when resumed
    DebateConfig config;

    QJsonObject toJson() const;
    // The inverse of toJson (remote viewers rebuild a debate from the wire).
    static DebateInfo fromJson(const QJsonObject &object);
};

struct RoundInfo {
    qint64 debateId = 0;
    int round = 0;
    int maxRounds = 0;
    QString phase; // "answers", "revision", "ranking", "arguments", "samples"
    QStringList speakers; // agent names in speaking order

    QJsonObject toJson() const;
    static RoundInfo fromJson(const QJsonObject &object);
};

// Who is speaking; shared by turnStarted, tokenDelta and turnFinished.
struct TurnInfo {
    qint64 debateId = 0;
    int index = 0; // position among the debate's recorded turns, 0-based; the same from turnStarted on
    int round = 0;
    int seat = -1; // -1 for the human moderator
    QString agentName;
    SeatRole role = SeatRole::Debater;
    QString colour;
    QString model;
    TurnKind kind = TurnKind::Turn;
    QString correlationId;

    QJsonObject toJson() const;
    static TurnInfo fromJson(const QJsonObject &object);
};

struct TokenDelta {
    TurnInfo turn;
    QString content; // raw model output since the last delta (JSON while a stance streams)
    QString text; // the visible part of it (the argument), decoded as it streams
    QString thinking;
    int attempt = 1; // 2 while the repair request streams: replace what attempt 1 showed
};

struct TurnRecord {
    TurnInfo info;
    qint64 storageId = 0;
    QString content; // raw reply
    QString text; // visible text: the argument, reason or synthesis
    QString thinking;
    Stance stance;
    TurnStatus status = TurnStatus::Complete;
    bool changed = false; // the answer differs from this seat's previous turn
    bool repairRequested = false; // the first reply did not fit the schema
    int calls = 1; // model requests made for this turn (1, or 2 with a repair)
    rt::llm::ResponseMetrics metrics;
    QString error;
    QDateTime createdAt;
    QList<double> embedding; // of the answer, when embeddings are used; not stored

    bool isFinished() const { return status == TurnStatus::Complete || status == TurnStatus::Failed; }
    qint64 tokens() const { return metrics.promptEvalCount + metrics.evalCount; }
    QJsonObject toJson() const;
    static TurnRecord fromJson(const QJsonObject &object);
};

struct AnswerGroup {
    QString answer; // the first member's wording
    QString key; // normalised form ("n:42", "yn:yes", "opt:b", "t:...")
    QList<int> seats;
    QStringList agents;
    double support = 0.0; // sum of weight x recalibrated confidence
    double meanConfidence = 0.0; // of the raw confidences given

    QJsonObject toJson() const;
};

struct ConsensusSnapshot {
    qint64 debateId = 0;
    int round = 0;
    double score = 0.0; // support of the leading group / total support
    double threshold = 0.0;
    QList<AnswerGroup> groups; // leading group first
    QString leadingAnswer;
    double meanConfidence = 0.0;
    int stances = 0; // turns with a usable answer
    int missing = 0; // speakers without one (failed, skipped, no stance)
    int flips = 0; // speakers whose answer changed since their previous turn
    bool unanimous = false;
    bool reached = false; // score >= threshold with at least two stances
    bool tie = false; // the two leading groups had equal support
    QString method; // "exact", "embedding", "word-overlap"

    QJsonObject toJson() const;
    static ConsensusSnapshot fromJson(const QJsonObject &object);
};

struct DebateNote {
    qint64 debateId = 0;
    NoteKind kind = NoteKind::Info;
    int round = 0;
    int seat = -1;
    QString agentName;
    QString text;
    QDateTime createdAt;

    QJsonObject toJson() const;
    static DebateNote fromJson(const QJsonObject &object);
};

struct PauseInfo {
    qint64 debateId = 0;
    QString reason; // "user", "unreachable", "no_speakers", "storage"
    QString message;
    QString errorCode; // the underlying rt::Error code, if any

    QJsonObject toJson() const;
    static PauseInfo fromJson(const QJsonObject &object);
};

struct Dissent {
    int seat = -1;
    QString agentName;
    QString answer;
    std::optional<double> confidence;
    QStringList reasons; // key points, else the start of the argument
};

struct DebateOutcome {
    qint64 debateId = 0;
    DebateStatus status = DebateStatus::Finished;
    StopReason stopReason = StopReason::None;
    QString stopDetail; // one sentence for people
    QString answer;
    double score = 0.0;
    double meanConfidence = 0.0;
    bool tie = false;
    QList<Dissent> dissent;
    QString synthesis;
    QString synthesisBy;
    QString verdictWinner; // adversarial: proponent/opponent/neither
    QJsonObject ranking; // council: label or agent -> Borda points
    int rounds = 0; // rounds completed
    QList<int> flipsPerRound;
    qint64 promptTokens = 0;
    qint64 evalTokens = 0;
    int calls = 0; // model requests for turns, repairs, verdicts, rankings and synthesis
    qint64 durationMs = 0;
    rt::Error error; // for debateFailed

    QJsonObject toJson() const;
    static DebateOutcome fromJson(const QJsonObject &object);
};

} // namespace rt::debate

Q_DECLARE_METATYPE(rt::debate::DebateConfig)
Q_DECLARE_METATYPE(rt::debate::Seat)
Q_DECLARE_METATYPE(rt::debate::DebateInfo)
Q_DECLARE_METATYPE(rt::debate::RoundInfo)
Q_DECLARE_METATYPE(rt::debate::TurnInfo)
Q_DECLARE_METATYPE(rt::debate::TokenDelta)
Q_DECLARE_METATYPE(rt::debate::TurnRecord)
Q_DECLARE_METATYPE(rt::debate::ConsensusSnapshot)
Q_DECLARE_METATYPE(rt::debate::DebateNote)
Q_DECLARE_METATYPE(rt::debate::PauseInfo)
Q_DECLARE_METATYPE(rt::debate::DebateOutcome)
