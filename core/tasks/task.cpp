#include "task.h"

#include <array>

namespace rt::tasks {

namespace {
constexpr std::array<std::pair<TaskStatus, const char16_t *>, 7> kNames { {
    { TaskStatus::Queued, u"queued" },
    { TaskStatus::Running, u"running" },
    { TaskStatus::Paused, u"paused" },
    { TaskStatus::Succeeded, u"succeeded" },
    { TaskStatus::Failed, u"failed" },
    { TaskStatus::Cancelled, u"cancelled" },
    { TaskStatus::Interrupted, u"interrupted" },
} };
}

QString statusName(TaskStatus status)
{
    for (const auto &[s, name] : kNames) {
        if (s == status)
            return QString::fromUtf16(name);
    }
    return {};
}

std::optional<TaskStatus> parseTaskStatus(QStringView name)
{
    for (const auto &[s, n] : kNames) {
        if (name == QStringView(n))
            return s;
    }
    return std::nullopt;
}

bool isFinal(TaskStatus status)
{
    return status == TaskStatus::Succeeded || status == TaskStatus::Failed || status == TaskStatus::Cancelled
        || status == TaskStatus::Interrupted;
}

QJsonObject TaskInfo::toJson() const
{
    QJsonObject o {
        { QStringLiteral("id"), double(id) },
        { QStringLiteral("kind"), kind },
        { QStringLiteral("title"), title },
        { QStringLiteral("status"), statusName(status) },
        { QStringLiteral("progress"), progress },
        { QStringLiteral("progress_text"), progressText },
        { QStringLiteral("payload"), payload },
        { QStringLiteral("host"), host },
        { QStringLiteral("error"), error },
        { QStringLiteral("resumable"), resumable },
    };
    if (createdAt.isValid())
        o.insert(QStringLiteral("created_at"), createdAt.toString(Qt::ISODateWithMs));
    if (startedAt.isValid())
        o.insert(QStringLiteral("started_at"), startedAt.toString(Qt::ISODateWithMs));
    if (finishedAt.isValid())
        o.insert(QStringLiteral("finished_at"), finishedAt.toString(Qt::ISODateWithMs));
    return o;
}

} // namespace rt::tasks
