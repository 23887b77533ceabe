#include "records.h"

#include <array>
#include <utility>

namespace rt::storage {

namespace {

template<typename E, std::size_t N> QString nameOf(const std::array<std::pair<E, const char16_t *>, N> &table, E value)
{
    for (const auto &[e, name] : table) {
        if (e == value)
            return QString::fromUtf16(name);
    }
    return {};
}

template<typename E, std::size_t N> std::optional<E> valueOf(const std::array<std::pair<E, const char16_t *>, N> &table, QStringView name)
{
    for (const auto &[e, n] : table) {
        if (name == QStringView(n))
            return e;
    }
    return std::nullopt;
}

constexpr std::array<std::pair<MessageRole, const char16_t *>, 5> kRoles { {
    { MessageRole::System, u"system" },
    { MessageRole::User, u"user" },
    { MessageRole::Assistant, u"assistant" },
    { MessageRole::Tool, u"tool" },
    { MessageRole::Moderator, u"moderator" },
} };
constexpr std::array<std::pair<MessageStatus, const char16_t *>, 5> kMessageStatuses { {
    { MessageStatus::Complete, u"complete" },
    { MessageStatus::Partial, u"partial" },
    { MessageStatus::Interrupted, u"interrupted" },
    { MessageStatus::Failed, u"failed" },
    { MessageStatus::Cancelled, u"cancelled" },
} };
} // namespace

QString toString(MessageRole role)
{
    return nameOf(kRoles, role);
}
QString toString(MessageStatus status)
{
    return nameOf(kMessageStatuses, status);
}
std::optional<MessageRole> parseMessageRole(QStringView name)
{
    return valueOf(kRoles, name);
}
std::optional<MessageStatus> parseMessageStatus(QStringView name)
{
    return valueOf(kMessageStatuses, name);
}

} // namespace rt::storage
