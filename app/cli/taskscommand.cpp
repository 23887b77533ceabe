// roundtable tasks: long work (pulls, debates) as tasks shared by every
// Roundtable process on one database: list, show, cancel, resume.
#include "clicommon.h"
#include "commands.h"
#include "common/translate.h"
#include "debate/storagedebatestore.h"
#include "llm/endpointpool.h"
#include "llm/modelcatalog.h"
#include "storagecli.h"
#include "tasks/storagetaskstore.h"
#include "tasks/taskmanager.h"
#include "taskscli.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QTimer>

namespace rt::cli {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::cli::tasks)
};

// How long `tasks cancel` waits for another process to stop a running task.
constexpr int ForeignCancelWaitMs = 15'000;

QString percentText(const rt::tasks::TaskInfo &t)
{
    if (t.status == rt::tasks::TaskStatus::Succeeded)
        return QStringLiteral("100%");
    if (t.progress <= 0.0 && t.status == rt::tasks::TaskStatus::Queued)
        return QStringLiteral("-");
    return QStringLiteral("%1%").arg(qRound(qBound(0.0, t.progress, 1.0) * 100));
}

QString whenText(const QDateTime &utc)
{
    return utc.isValid() ? utc.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QString();
}

QString noteText(const rt::tasks::TaskInfo &t)
{
    if (t.isForeign)
        //: %1 is a process id, %2 the name of the machine it runs on
        return t.cancelRequested ? Tr::tr("cancel requested (pid %1 on %2)").arg(t.ownerPid).arg(t.ownerHost)
                                 //: %1 is a process id, %2 the name of the machine it runs on
                                 : Tr::tr("in another process (pid %1 on %2)").arg(t.ownerPid).arg(t.ownerHost);
    if (t.resumable)
        return Tr::tr("resumable: roundtable tasks resume %1").arg(t.id);
    return t.error.section(QLatin1Char('\n'), 0, 0);
}

int listTasks(const rt::tasks::TaskManager &tasks, bool json)
{
    const QList<rt::tasks::TaskInfo> list = tasks.tasks();
    if (json) {
        QJsonArray array;
        for (const auto &t : list)
            array.append(t.toJson());
        outLine(QString::fromUtf8(QJsonDocument(QJsonObject { { QStringLiteral("tasks"), array } }).toJson(QJsonDocument::Compact)));
    } else if (list.isEmpty()) {
        outLine(Tr::tr("No tasks yet. Pulls (roundtable models pull NAME) and debates run as tasks."));
    } else {
        QList<QStringList> rows { { Tr::tr("ID"), Tr::tr("KIND"), Tr::tr("STATUS"), Tr::tr("PROGRESS"), Tr::tr("UPDATED"), Tr::tr("TITLE"),
            Tr::tr("NOTE") } };
        for (const auto &t : list)
            rows.append({ QString::number(t.id), t.kind, rt::tasks::statusName(t.status), percentText(t), whenText(t.updatedAt), t.title,
                noteText(t) });
        out(formatTable(rows));
    }
    flushOut();
    return ExitOk;
}

int showTask(const rt::tasks::TaskInfo &t, bool json)
{
    if (json) {
        outLine(QString::fromUtf8(QJsonDocument(t.toJson()).toJson(QJsonDocument::Compact)));
        flushOut();
        return ExitOk;
    }
    QString text;
    auto line = [&text](const QString &label, const QString &value) {
        if (!value.isEmpty())
            text += QStringLiteral("%1 %2\n").arg(label.leftJustified(10), value);
    };
    line(Tr::tr("Task:"), QString::number(t.id));
    line(Tr::tr("Title:"), t.title);
    line(Tr::tr("Kind:"), t.kind);
    line(Tr::tr("Status:"), rt::tasks::statusName(t.status));
    line(Tr::tr("Progress:"), t.progressText.isEmpty() ? percentText(t) : QStringLiteral("%1 (%2)").arg(percentText(t), t.progressText));
    line(Tr::tr("Host:"), t.host);
    line(Tr::tr("Owner:"),
        //: %1 is a process id, %2 the name of the machine it runs on
        t.ownerPid > 0 ? Tr::tr("pid %1 on %2").arg(t.ownerPid).arg(t.ownerHost) : QString());
    line(Tr::tr("Created:"), whenText(t.createdAt));
    line(Tr::tr("Started:"), whenText(t.startedAt));
    line(Tr::tr("Finished:"), whenText(t.finishedAt));
    line(Tr::tr("Updated:"), whenText(t.updatedAt));
    line(Tr::tr("Error:"), t.error);
    line(Tr::tr("Note:"), noteText(t) == t.error ? QString() : noteText(t));
    if (!t.payload.isEmpty())
        line(Tr::tr("Payload:"), QString::fromUtf8(QJsonDocument(t.payload).toJson(QJsonDocument::Compact)));
    out(text);
    flushOut();
    return ExitOk;
}

// Waits until task `id` has finished (the manager follows a foreign task's row).
bool waitUntilFinished(rt::tasks::TaskManager &tasks, qint64 id, int timeoutMs)
{
    if (tasks.task(id) && tasks.task(id)->isFinished())
        return true;
    QEventLoop loop;
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(&tasks, &rt::tasks::TaskManager::taskFinished, &loop, [&](const rt::tasks::TaskInfo &t) {
        if (t.id == id)
            loop.quit();
    });
    timeout.start(timeoutMs);
    loop.exec();
    return tasks.task(id) && tasks.task(id)->isFinished();
}

int cancelTask(rt::tasks::TaskManager &tasks, const rt::tasks::TaskInfo &t)
{
    const bool foreign = t.isForeign;
    const bool interrupted = t.status == rt::tasks::TaskStatus::Interrupted;
    if (const rt::Status done = tasks.cancel(t.id); !done) {
        err(done.error().message);
        return ExitFailure;
    }
    if (foreign) {
        // The owner reads the request from the task's row within a second or
        // so, stops the work, and records the outcome.
        if (!waitUntilFinished(tasks, t.id, ForeignCancelWaitMs)) {
            //: %1 is a process id, %2 the name of the machine it runs on, %3 the task id
            err(Tr::tr("Asked process %1 on %2 to cancel task %3; it has not stopped yet. Check with: roundtable tasks show %3")
                    .arg(t.ownerPid)
                    .arg(t.ownerHost)
                    .arg(t.id));
            return ExitFailure;
        }
    } else if (!waitUntilFinished(tasks, t.id, ForeignCancelWaitMs)) {
        err(Tr::tr("Task %1 did not stop in time.").arg(t.id));
        return ExitFailure;
    }
    const rt::tasks::TaskInfo after = *tasks.task(t.id);
    if (after.status != rt::tasks::TaskStatus::Cancelled && after.status != rt::tasks::TaskStatus::Interrupted) {
        //: %1 is the task id, %2 its title, %3 its status (not translated)
        err(Tr::tr("Task %1 (%2) ended as %3 before it could be cancelled.")
                .arg(t.id)
                .arg(after.title, rt::tasks::statusName(after.status)));
        return ExitFailure;
    }
    //: %1 is the task id, %2 its title
    outLine(interrupted ? Tr::tr("Dismissed interrupted task %1 (%2); it will not be offered for resuming.").arg(t.id).arg(t.title)
                        : Tr::tr("Cancelled task %1 (%2).").arg(t.id).arg(t.title));
    flushOut();
    return ExitOk;
}
} // namespace

int runTasks(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Tr::tr("Long work (model pulls, debates) runs as tasks, shared by every Roundtable process using the same "
               "database.\n\n"
               "  list          recent tasks, newest first\n"
               "  show ID       one task in detail\n"
               "  cancel ID     stop a task (also one running in another process) or dismiss an interrupted one\n"
               "  resume ID     continue an interrupted pull or debate here, in the foreground (Ctrl-C stops it)"));
    CommonOptions common;
    common.addTo(parser, true);
    const QCommandLineOption json(QStringLiteral("json"), Tr::tr("Print JSON (list, show)."));
    const QCommandLineOption limit(
        QStringLiteral("limit"), Tr::tr("How many tasks to list (default 50)."), QStringLiteral("n"), QStringLiteral("50"));
    parser.addOption(json);
    parser.addOption(limit);
    parser.addPositionalArgument(QStringLiteral("action"), Tr::tr("list, show, cancel or resume"));
    parser.addPositionalArgument(QStringLiteral("id"), Tr::tr("Task id (show, cancel, resume)"), QStringLiteral("[id]"));
    if (!parseOrExplain(parser, arguments))
        return ExitUsage;
    common.apply(parser);
    int listLimit = 50;
    if (!readNumber(parser, limit, 1, 10000, [&listLimit](double v) { listLimit = int(v); }))
        return ExitUsage;
    const QStringList positional = parser.positionalArguments();
    const QString action = positional.value(0, QStringLiteral("list"));
    static const QStringList actions { QStringLiteral("list"), QStringLiteral("show"), QStringLiteral("cancel"), QStringLiteral("resume") };
    if (!actions.contains(action)) {
        err(Tr::tr("Unknown tasks action \"%1\". Use: roundtable tasks list|show|cancel|resume").arg(action));
        return ExitUsage;
    }
    qint64 id = 0;
    if (action != u"list") {
        bool isNumber = false;
        id = positional.value(1).toLongLong(&isNumber);
        if (positional.size() != 2 || !isNumber || id <= 0) {
            //: %1 is the action (show, cancel or resume), which is not translated
            err(Tr::tr("Give one task id, e.g. roundtable tasks %1 12 (roundtable tasks list shows them).").arg(action));
            return ExitUsage;
        }
    }

    int exitCode = ExitOk;
    // Not recovering: this command must not judge other processes' rows by
    // age; the task manager checks whether each task's owner still runs.
    std::unique_ptr<rt::storage::Storage> storage = openStorage(parser.value(common.db), false, &exitCode);
    if (!storage)
        return exitCode;
    std::unique_ptr<rt::llm::EndpointPool> pool = common.makePool(parser);
    rt::llm::ModelCatalog catalog(pool.get());
    catalog.setAutoRefresh(false);
    rt::debate::StorageDebateStore debates(storage.get());
    rt::tasks::TaskManager tasks(std::make_unique<rt::tasks::StorageTaskStore>(*storage));
    registerResumers(tasks, *pool, &catalog, &debates);
    if (const rt::Status restored = await(tasks.restore(action == u"list" ? listLimit : 10000)); !restored) {
        err(restored.error().message);
        return ExitFailure;
    }
    if (action == u"list")
        return listTasks(tasks, parser.isSet(json));

    const std::optional<rt::tasks::TaskInfo> task = tasks.task(id);
    if (!task) {
        err(Tr::tr("There is no task %1; roundtable tasks list shows them.").arg(id));
        return ExitFailure;
    }
    if (action == u"show")
        return showTask(*task, parser.isSet(json));
    if (action == u"cancel")
        return cancelTask(tasks, *task);
    if (const rt::Status resumed = tasks.resume(id); !resumed) {
        err(resumed.error().message);
        return ExitFailure;
    }
    return runTaskInForeground(tasks, id);
}

} // namespace rt::cli
