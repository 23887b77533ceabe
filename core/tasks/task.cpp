#include "task.h"

#include <QCoreApplication>
#include <QFile>
#include <QSysInfo>
#include <array>
#include <cerrno>
#include <csignal>
#include <unistd.h>

namespace rt::tasks {

QString statusName(TaskStatus status)
{
    return rt::toString(status);
}

std::optional<TaskStatus> parseTaskStatus(QStringView name)
{
    return rt::parseTaskStatus(name);
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
    if (ownerPid > 0)
        o.insert(
            QStringLiteral("owner"), QJsonObject { { QStringLiteral("pid"), double(ownerPid) }, { QStringLiteral("host"), ownerHost } });
    if (cancelRequested)
        o.insert(QStringLiteral("cancel_requested"), true);
    if (isForeign)
        o.insert(QStringLiteral("in_other_process"), true);
    if (updatedAt.isValid())
        o.insert(QStringLiteral("updated_at"), updatedAt.toString(Qt::ISODateWithMs));
    if (createdAt.isValid())
        o.insert(QStringLiteral("created_at"), createdAt.toString(Qt::ISODateWithMs));
    if (startedAt.isValid())
        o.insert(QStringLiteral("started_at"), startedAt.toString(Qt::ISODateWithMs));
    if (finishedAt.isValid())
        o.insert(QStringLiteral("finished_at"), finishedAt.toString(Qt::ISODateWithMs));
    return o;
}

namespace {
struct ProcessStat {
    char state = '?';
    qint64 startTicks = 0; // field 22: start time in clock ticks since boot
};

// /proc/PID/stat on Linux; nullopt when it cannot be read.
std::optional<ProcessStat> processStat(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QByteArray line = file.readAll();
    // The command name (field 2) may contain spaces; count from its closing parenthesis.
    const qsizetype close = line.lastIndexOf(')');
    if (close < 0)
        return std::nullopt;
    const QList<QByteArray> fields = line.mid(close + 2).split(' ');
    // fields[0] is field 3 (state), so field 22 is fields[19].
    ProcessStat stat;
    if (!fields.isEmpty() && !fields.first().isEmpty())
        stat.state = fields.first().at(0);
    if (fields.size() > 19)
        stat.startTicks = fields.at(19).toLongLong();
    return stat;
}
} // namespace

TaskOwner TaskOwner::current()
{
    const qint64 pid = QCoreApplication::applicationPid();
    const std::optional<ProcessStat> stat = processStat(pid);
    return { pid, QSysInfo::machineHostName(), stat ? stat->startTicks : 0 };
}

std::optional<bool> TaskOwner::isAlive(qint64 pid, const QString &host, qint64 startTicks)
{
    if (pid <= 0 || host != QSysInfo::machineHostName())
        return std::nullopt;
    if (::kill(pid_t(pid), 0) != 0 && errno == ESRCH)
        return false;
    if (const std::optional<ProcessStat> stat = processStat(pid)) {
        // A zombie has ended (its parent has not reaped it yet); a different
        // start time means the pid now belongs to another process.
        if (stat->state == 'Z' || stat->state == 'X')
            return false;
        if (startTicks > 0 && stat->startTicks > 0 && stat->startTicks != startTicks)
            return false;
    }
    return true;
}

} // namespace rt::tasks
