#pragma once

// Plain value types stored by core/storage. They cross threads (storage worker
// <-> GUI), so each one is registered with Q_DECLARE_METATYPE.

#include "common/vocabulary.h"

#include <QDateTime>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <optional>

namespace rt::storage {

enum class MessageRole { System, User, Assistant, Tool, Moderator };
enum class MessageStatus { Complete, Partial, Interrupted, Failed, Cancelled };
// Shared with the domain (core/debate, core/tasks): one definition in common/vocabulary.h.
using rt::DebateStatus;
using rt::TaskStatus;
using rt::TurnKind;
using rt::TurnStatus;

// Names as stored in the database ("assistant", "partial", ...). parse*() return
// std::nullopt for an unknown name; a reader turns that into an error naming
// the row (see unknownValue() in database.h), never into a default.
using rt::toString;
QString toString(MessageRole role);
QString toString(MessageStatus status);
std::optional<MessageRole> parseMessageRole(QStringView name);
std::optional<MessageStatus> parseMessageStatus(QStringView name);
using rt::parseDebateStatus;
using rt::parseTaskStatus;
using rt::parseTurnKind;
using rt::parseTurnStatus;

// Performance figures Ollama reports with the final chunk; unknown ones stay empty.
struct GenerationMetrics {
    std::optional<qint64> promptEvalCount;
    std::optional<qint64> evalCount;
    std::optional<qint64> totalDurationNs;
    std::optional<qint64> loadDurationNs;
    std::optional<qint64> promptEvalDurationNs;
    std::optional<qint64> evalDurationNs;
    std::optional<qint64> ttftMs; // time to first token

    bool operator==(const GenerationMetrics &) const = default;
};

struct Conversation {
    qint64 id = 0;
    QString title;
    QString model;
    QString systemPrompt;
    QDateTime createdAt; // UTC
    QDateTime updatedAt; // UTC
    int messageCount = 0; // filled by list()/get(), ignored on write

    bool operator==(const Conversation &) const = default;
};

struct Message {
    qint64 id = 0;
    qint64 conversationId = 0;
    MessageRole role = MessageRole::User;
    QString content;
    QString thinking;
    std::optional<qint64> agentId;
    QString model;
    MessageStatus status = MessageStatus::Complete;
    GenerationMetrics metrics;
    QString error;
    QDateTime createdAt;
    QDateTime updatedAt;

    bool operator==(const Message &) const = default;
};

// What finishMessage()/finishTurn() records when a streamed reply ends.
struct Completion {
    QString content;
    QString thinking;
    MessageStatus status = MessageStatus::Complete; // for turns: mapped onto TurnStatus
    GenerationMetrics metrics;
    QString error;
};

struct Debate {
    qint64 id = 0;
    QString question;
    QString format;
    DebateStatus status = DebateStatus::Running;
    QJsonObject settings;
    std::optional<double> consensusScore;
    QString stopReason;
    QString finalAnswer;
    QString synthesis;
    QDateTime createdAt;
    QDateTime updatedAt;
    QDateTime finishedAt; // null while not finished

    bool operator==(const Debate &) const = default;
};

struct DebateParticipant {
    qint64 debateId = 0;
    int seat = 0;
    std::optional<qint64> agentId; // the agent may be deleted later; the snapshot stays
    QJsonObject agent; // snapshot of the agent as it was when the debate ran

    bool operator==(const DebateParticipant &) const = default;
};

struct DebateTurn {
    qint64 id = 0;
    qint64 debateId = 0;
    int round = 0;
    int seat = 0;
    QString agentName;
    TurnKind kind = TurnKind::Turn;
    QString content;
    QString thinking;
    QJsonValue stance = QJsonValue::Null; // parsed stance object, or null
    std::optional<double> confidence; // 0..1
    bool changed = false; // stance changed since the agent's last turn
    bool parseOk = true; // stance parsed from the reply
    TurnStatus status = TurnStatus::Complete;
    QString model;
    GenerationMetrics metrics;
    QString error;
    QDateTime createdAt;
    QDateTime updatedAt;

    bool operator==(const DebateTurn &) const = default;
};

struct DebateRound {
    qint64 debateId = 0;
    int round = 0;
    std::optional<double> score;
    QJsonValue groups = QJsonValue::Null;
    int flips = 0;

    bool operator==(const DebateRound &) const = default;
};

struct AgentRecord {
    qint64 id = 0;
    QString name; // unique, case-insensitive
    QString role;
    QString description;
    QString systemPrompt;
    QString model;
    QStringList fallbackModels;
    QJsonObject options;
    double weight = 1.0; // vote weight in consensus (schema 2; schema 1 hid it in options)
    QString colour;
    QString avatar;
    bool builtin = false;
    QDateTime createdAt;
    QDateTime updatedAt;

    bool operator==(const AgentRecord &) const = default;
};

struct ModelRecord {
    QString host;
    QString name;
    QString digest;
    qint64 size = 0;
    QString family;
    QString parameterSize;
    QString quantization;
    std::optional<qint64> contextLength;
    QStringList capabilities;
    QJsonObject details;
    QDateTime updatedAt;

    bool operator==(const ModelRecord &) const = default;
};

struct TaskRecord {
    qint64 id = 0;
    QString kind;
    QString title;
    TaskStatus status = TaskStatus::Queued;
    double progress = 0.0; // 0..1
    QString progressText;
    QJsonObject payload;
    QString host; // pool host whose limits apply; empty = none (schema 2; schema 1 hid it in payload)
    QString error;
    QDateTime createdAt;
    QDateTime startedAt; // null until started
    QDateTime finishedAt; // null until finished
    QDateTime updatedAt;

    bool operator==(const TaskRecord &) const = default;
};

struct MetricSample {
    QString name;
    QJsonObject labels;
    QDateTime ts; // UTC
    double value = 0.0;
    int bucketSeconds = 0; // 0 = raw sample; >0 = average over a bucket after downsampling

    bool operator==(const MetricSample &) const = default;
};

struct SearchHit {
    enum class Kind { Message, DebateTurn };
    Kind kind = Kind::Message;
    qint64 id = 0; // message or turn id
    qint64 parentId = 0; // conversation or debate id
    QString parentTitle; // conversation title or debate question
    QString who; // role ("assistant") or agent name
    QString snippet; // matching words wrapped in the requested markers
    double score = 0.0; // higher is better
    QDateTime createdAt;
};

// What markInterrupted() changed at start-up.
struct InterruptedCounts {
    int messages = 0;
    int turns = 0;
    int debates = 0;
    int tasks = 0;
    int total() const { return messages + turns + debates + tasks; }
};

} // namespace rt::storage

Q_DECLARE_METATYPE(rt::storage::Conversation)
Q_DECLARE_METATYPE(rt::storage::Message)
Q_DECLARE_METATYPE(rt::storage::Debate)
Q_DECLARE_METATYPE(rt::storage::DebateParticipant)
Q_DECLARE_METATYPE(rt::storage::DebateTurn)
Q_DECLARE_METATYPE(rt::storage::DebateRound)
Q_DECLARE_METATYPE(rt::storage::AgentRecord)
Q_DECLARE_METATYPE(rt::storage::ModelRecord)
Q_DECLARE_METATYPE(rt::storage::TaskRecord)
Q_DECLARE_METATYPE(rt::storage::MetricSample)
Q_DECLARE_METATYPE(rt::storage::SearchHit)
Q_DECLARE_METATYPE(rt::storage::InterruptedCounts)
