#include "vocabulary.h"

#include <array>
#include <utility>

namespace rt {

namespace {

template<typename E, std::size_t N> using NameTable = std::array<std::pair<E, const char16_t *>, N>;

template<typename E, std::size_t N> QString nameOf(const NameTable<E, N> &table, E value)
{
    for (const auto &[e, name] : table) {
        if (e == value)
            return QString::fromUtf16(name);
    }
    return {};
}

template<typename E, std::size_t N> std::optional<E> valueOf(const NameTable<E, N> &table, QStringView name)
{
    for (const auto &[e, n] : table) {
        if (name == QStringView(n))
            return e;
    }
    return std::nullopt;
}

constexpr NameTable<DebateStatus, 6> kDebateStatuses { {
    { DebateStatus::Running, u"running" },
    { DebateStatus::Paused, u"paused" },
    { DebateStatus::Finished, u"finished" },
    { DebateStatus::Failed, u"failed" },
    { DebateStatus::Interrupted, u"interrupted" },
    { DebateStatus::Cancelled, u"cancelled" },
} };
constexpr NameTable<TurnKind, 6> kTurnKinds { {
    { TurnKind::Turn, u"turn" },
    { TurnKind::Interjection, u"interjection" },
    { TurnKind::Synthesis, u"synthesis" },
    { TurnKind::Verdict, u"verdict" },
    { TurnKind::Ranking, u"ranking" },
    { TurnKind::Repair, u"repair" },
} };
constexpr NameTable<TurnStatus, 4> kTurnStatuses { {
    { TurnStatus::Complete, u"complete" },
    { TurnStatus::Partial, u"partial" },
    { TurnStatus::Interrupted, u"interrupted" },
    { TurnStatus::Failed, u"failed" },
} };
constexpr NameTable<TaskStatus, 7> kTaskStatuses { {
    { TaskStatus::Queued, u"queued" },
    { TaskStatus::Running, u"running" },
    { TaskStatus::Paused, u"paused" },
    { TaskStatus::Succeeded, u"succeeded" },
    { TaskStatus::Failed, u"failed" },
    { TaskStatus::Cancelled, u"cancelled" },
    { TaskStatus::Interrupted, u"interrupted" },
} };

} // namespace

QString toString(DebateStatus status)
{
    return nameOf(kDebateStatuses, status);
}
QString toString(TurnKind kind)
{
    return nameOf(kTurnKinds, kind);
}
QString toString(TurnStatus status)
{
    return nameOf(kTurnStatuses, status);
}
QString toString(TaskStatus status)
{
    return nameOf(kTaskStatuses, status);
}
std::optional<DebateStatus> parseDebateStatus(QStringView name)
{
    return valueOf(kDebateStatuses, name);
}
std::optional<TurnKind> parseTurnKind(QStringView name)
{
    return valueOf(kTurnKinds, name);
}
std::optional<TurnStatus> parseTurnStatus(QStringView name)
{
    return valueOf(kTurnStatuses, name);
}
std::optional<TaskStatus> parseTaskStatus(QStringView name)
{
    return valueOf(kTaskStatuses, name);
}

} // namespace rt
