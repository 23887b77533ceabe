#include "records.h"

#include <array>
#include <utility>

namespace rt::storage {

namespace {

template<typename E, std::size_t N>
QString nameOf(const std::array<std::pair<E, const char16_t *>, N> &table, E value)
{
    for (const auto &[e, name] : table) {
        if (e == value)
            return QString::fromUtf16(name);
    }
    return {};
}

template<typename E, std::size_t N>
std::optional<E> valueOf(const std::array<std::pair<E, const char16_t *>, N> &table, QStringView name)
{
    for (const auto &[e, n] : table) {
        if (name == QStringView(n))
            return e;
    }
    return std::nullopt;
}

constexpr std::array<std::pair<MessageRole, const char16_t *>, 5> kRoles{{
    {MessageRole::System, u"system"},
    {MessageRole::User, u"user"},
    {MessageRole::Assistant, u"assistant"},
    {MessageRole::Tool, u"tool"},
    {MessageRole::Moderator, u"moderator"},
}};
constexpr std::array<std::pair<MessageStatus, const char16_t *>, 5> kMessageStatuses{{
    {MessageStatus::Complete, u"complete"},
    {MessageStatus::Partial, u"partial"},
    {MessageStatus::Interrupted, u"interrupted"},
    {MessageStatus::Failed, u"failed"},
    {MessageStatus::Cancelled, u"cancelled"},
}};
constexpr std::array<std::pair<DebateStatus, const char16_t *>, 6> kDebateStatuses{{
    {DebateStatus::Running, u"running"},
    {DebateStatus::Paused, u"paused"},
    {DebateStatus::Finished, u"finished"},
    {DebateStatus::Failed, u"failed"},
    {DebateStatus::Interrupted, u"interrupted"},
    {DebateStatus::Cancelled, u"cancelled"},
}};
constexpr std::array<std::pair<TurnKind, const char16_t *>, 6> kTurnKinds{{
    {TurnKind::Turn, u"turn"},
    {TurnKind::Interjection, u"interjection"},
    {TurnKind::Synthesis, u"synthesis"},
    {TurnKind::Verdict, u"verdict"},
    {TurnKind::Ranking, u"ranking"},
    {TurnKind::Repair, u"repair"},
}};
constexpr std::array<std::pair<TurnStatus, const char16_t *>, 4> kTurnStatuses{{
    {TurnStatus::Complete, u"complete"},
    {TurnStatus::Partial, u"partial"},
    {TurnStatus::Interrupted, u"interrupted"},
    {TurnStatus::Failed, u"failed"},
}};
constexpr std::array<std::pair<TaskStatus, const char16_t *>, 7> kTaskStatuses{{
    {TaskStatus::Queued, u"queued"},
    {TaskStatus::Running, u"running"},
    {TaskStatus::Paused, u"paused"},
    {TaskStatus::Succeeded, u"succeeded"},
    {TaskStatus::Failed, u"failed"},
    {TaskStatus::Cancelled, u"cancelled"},
    {TaskStatus::Interrupted, u"interrupted"},
}};

} // namespace

QString toString(MessageRole role) { return nameOf(kRoles, role); }
QString toString(MessageStatus status) { return nameOf(kMessageStatuses, status); }
QString toString(DebateStatus status) { return nameOf(kDebateStatuses, status); }
QString toString(TurnKind kind) { return nameOf(kTurnKinds, kind); }
QString toString(TurnStatus status) { return nameOf(kTurnStatuses, status); }
QString toString(TaskStatus status) { return nameOf(kTaskStatuses, status); }
std::optional<MessageRole> parseMessageRole(QStringView name) { return valueOf(kRoles, name); }
std::optional<MessageStatus> parseMessageStatus(QStringView name) { return valueOf(kMessageStatuses, name); }
std::optional<DebateStatus> parseDebateStatus(QStringView name) { return valueOf(kDebateStatuses, name); }
std::optional<TurnKind> parseTurnKind(QStringView name) { return valueOf(kTurnKinds, name); }
std::optional<TurnStatus> parseTurnStatus(QStringView name) { return valueOf(kTurnStatuses, name); }
std::optional<TaskStatus> parseTaskStatus(QStringView name) { return valueOf(kTaskStatuses, name); }

} // namespace rt::storage
