#pragma once

// The states and kinds that both the stored rows (core/storage) and the domain
// (core/debate, core/tasks) talk about, defined once below both of them so a
// value never travels between the two as a string. The names are what the
// database stores and what viewers receive; changing one needs a migration.

#include <QMetaType>
#include <QString>
#include <QStringView>
#include <optional>

namespace rt {

enum class DebateStatus { Running, Paused, Finished, Failed, Interrupted, Cancelled };
enum class TurnKind { Turn, Interjection, Synthesis, Verdict, Ranking, Repair };
enum class TurnStatus { Complete, Partial, Interrupted, Failed };
enum class TaskStatus { Queued, Running, Paused, Succeeded, Failed, Cancelled, Interrupted };

// "running", "synthesis", "partial", "succeeded", ...
QString toString(DebateStatus status);
QString toString(TurnKind kind);
QString toString(TurnStatus status);
QString toString(TaskStatus status);
// std::nullopt for a name this build does not know; callers report it.
std::optional<DebateStatus> parseDebateStatus(QStringView name);
std::optional<TurnKind> parseTurnKind(QStringView name);
std::optional<TurnStatus> parseTurnStatus(QStringView name);
std::optional<TaskStatus> parseTaskStatus(QStringView name);

} // namespace rt

Q_DECLARE_METATYPE(rt::DebateStatus)
Q_DECLARE_METATYPE(rt::TurnKind)
Q_DECLARE_METATYPE(rt::TurnStatus)
Q_DECLARE_METATYPE(rt::TaskStatus)
