#include "taskscli.h"

#include "clicommon.h"
#include "commands.h"
#include "common/translate.h"
#include "debate/debateengine.h"
#include "debate/debatejob.h"
#include "llm/endpointpool.h"
#include "llm/modelcatalog.h"
#include "llm/ollamaerrors.h"
#include "llm/pullprogress.h"
#include "storage/storage.h"
#include "tasks/pulljob.h"
#include "tasks/storagetaskstore.h"
#include "tasks/taskmanager.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <sys/ioctl.h>
#include <unistd.h>

namespace rt::cli {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::cli::tasks)
};

int terminalColumns()
{
    winsize size {};
    if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 20)
        return size.ws_col;
    const int env = qEnvironmentVariableIntValue("COLUMNS");
    return env > 20 ? env : 80;
}

// Draws pull progress: one redrawn line on a terminal (at most 10 times a
// second), plain lines otherwise (each status change and every 10%).
class ProgressPrinter {
public:
    explicit ProgressPrinter(QString model)
        : m_model(std::move(model))
        , m_tty(::isatty(STDOUT_FILENO) == 1)
    {
        m_clock.start();
    }

    void update(const rt::llm::PullProgress &p, bool force = false)
    {
        if (m_tty) {
            if (!force && m_lastDrawMs >= 0 && m_clock.elapsed() - m_lastDrawMs < 100 && p.phase == m_lastPhase)
                return;
            m_lastDrawMs = m_clock.elapsed();
            m_lastPhase = p.phase;
            draw(p);
            return;
        }
        const int decile = p.percent() < 0 ? -1 : p.percent() / 10;
        if (p.status != m_lastStatus || (p.phase == rt::llm::PullProgress::Phase::Downloading && decile != m_lastDecile && decile >= 0)) {
            if (p.status != m_lastStatus && p.phase != rt::llm::PullProgress::Phase::Downloading)
                outLine(p.status);
            else
                outLine(p.summary());
            flushOut();
            m_lastStatus = p.status;
            m_lastDecile = decile;
        }
    }

    void finishLine()
    {
        if (m_tty && m_drawn) {
            out(QStringLiteral("\n"));
            flushOut();
            m_drawn = false;
        }
    }

private:
    void draw(const rt::llm::PullProgress &p)
    {
        QString text;
        if (p.phase == rt::llm::PullProgress::Phase::Downloading && p.totalBytes > 0) {
            QStringList tail { QStringLiteral("%1%").arg(p.percent(), 3),
                QStringLiteral("%1/%2").arg(rt::llm::formatBytes(p.completedBytes), rt::llm::formatBytes(p.totalBytes)) };
            if (p.bytesPerSecond > 0)
                tail.append(rt::llm::formatSpeed(p.bytesPerSecond));
            if (p.etaSeconds >= 0)
                //: %1 is the time a download still needs, such as 2m 10s
                tail.append(Tr::tr("%1 left").arg(rt::llm::formatDuration(p.etaSeconds)));
            const QString right = tail.join(QStringLiteral("  "));
            //: %1 is a model name; a progress bar follows after the space
            const QString left = Tr::tr("pulling %1 ").arg(m_model);
            // A steady bar: room for the longest right-hand text, not the current one.
            const int barWidth = qBound(10, terminalColumns() - int(left.size()) - 46, 40);
            const int filled = int(double(barWidth) * qMax(0.0, p.fraction()));
            text = QStringLiteral("%1[%2%3] %4")
                       .arg(left, QString(filled, QLatin1Char('#')), QString(barWidth - filled, QLatin1Char('-')), right);
        } else {
            text = QStringLiteral("%1: %2").arg(m_model, p.status.isEmpty() ? p.phaseText() : p.status);
        }
        const int columns = terminalColumns() - 1;
        if (text.size() > columns)
            text.truncate(columns);
        const qsizetype pad = qMax<qsizetype>(0, m_lastWidth - text.size());
        out(QStringLiteral("\r") + text + QString(pad, QLatin1Char(' ')));
        flushOut();
        m_lastWidth = text.size();
        m_drawn = true;
    }

    QString m_model;
    bool m_tty;
    bool m_drawn = false;
    QElapsedTimer m_clock;
    qint64 m_lastDrawMs = -1;
    rt::llm::PullProgress::Phase m_lastPhase = rt::llm::PullProgress::Phase::Starting;
    QString m_lastStatus;
    int m_lastDecile = -2;
    qsizetype m_lastWidth = 0;
};
} // namespace

Error abandonedError()
{
    return rt::Error { QStringLiteral("cancelled"), Tr::tr("The operation was abandoned before it finished.") };
}

int exitCodeForLlmError(const rt::Error &error, int otherwise)
{
    return exitCodeForErrorCode(error.code, otherwise);
}

void registerResumers(
    rt::tasks::TaskManager &tasks, rt::llm::EndpointPool &pool, rt::llm::ModelCatalog *catalog, rt::debate::DebateStore *debates)
{
    if (catalog)
        rt::tasks::PullJob::registerResumer(tasks, catalog);
    if (debates)
        rt::debate::DebateJob::registerResumer(tasks, &pool, debates);
}

std::unique_ptr<rt::tasks::TaskStore> openTaskStore(const QString &dbArgument, std::unique_ptr<rt::storage::Storage> *storage)
{
    if (const auto location = rt::storage::resolveDatabaseLocation(dbArgument); location.ok()) {
        auto opened = std::make_unique<rt::storage::Storage>();
        rt::storage::OpenOptions options;
        options.recover = false; // other processes' live rows are not ours to judge here
        if (await(opened->open(location.value(), options)).ok()) {
            *storage = std::move(opened);
            return std::make_unique<rt::tasks::StorageTaskStore>(**storage);
        }
    }
    return std::make_unique<rt::tasks::MemoryTaskStore>();
}

int runTaskInForeground(rt::tasks::TaskManager &tasks, qint64 id)
{
    const std::optional<rt::tasks::TaskInfo> started = tasks.task(id);
    if (!started) {
        err(Tr::tr("There is no task %1; roundtable tasks list shows them.").arg(id));
        return ExitFailure;
    }
    const QString kind = started->kind;
    QEventLoop loop;
    InterruptWatcher interrupts;
    std::optional<rt::tasks::TaskInfo> ended;
    std::optional<rt::llm::PullResult> pullResult;
    std::unique_ptr<ProgressPrinter> printer;
    QString model = started->payload.value(QStringLiteral("model")).toString();
    QString answer;
    QString lastText;

    if (auto *pull = qobject_cast<rt::tasks::PullJob *>(tasks.job(id))) {
        model = pull->model();
        printer = std::make_unique<ProgressPrinter>(model);
        QObject::connect(pull, &rt::tasks::PullJob::pullProgressed, &loop, [&](const rt::llm::PullProgress &p) { printer->update(p); });
        QObject::connect(pull, &rt::tasks::PullJob::pullFinished, &loop, [&](const rt::llm::PullResult &result) {
            printer->update(result.progress, true);
            printer->finishLine();
            pullResult = result;
        });
    } else {
        if (auto *debate = qobject_cast<rt::debate::DebateJob *>(tasks.job(id))) {
            QObject::connect(debate->engine(), &rt::debate::DebateEngine::debateFinished, &loop,
                [&](const rt::debate::DebateOutcome &outcome) { answer = outcome.answer; });
        }
        QObject::connect(&tasks, &rt::tasks::TaskManager::taskChanged, &loop, [&](const rt::tasks::TaskInfo &t) {
            if (t.id == id && !t.progressText.isEmpty() && t.progressText != lastText) {
                lastText = t.progressText;
                outLine(t.progressText);
                flushOut();
            }
        });
    }
    QObject::connect(&tasks, &rt::tasks::TaskManager::taskFinished, &loop, [&](const rt::tasks::TaskInfo &t) {
        if (t.id == id) {
            ended = t;
            loop.quit();
        }
    });
    QObject::connect(&interrupts, &InterruptWatcher::interrupted, &loop, [&] { (void)tasks.cancel(id); });
    if (started->isFinished())
        ended = started;
    else
        loop.exec();

    const qint64 debateId = qint64(ended->payload.value(rt::debate::DebateJob::DebateIdKey).toDouble());
    switch (ended->status) {
    case rt::tasks::TaskStatus::Succeeded:
        if (kind == rt::tasks::PullJob::Kind)
            //: %1 is a model name
            outLine(Tr::tr("Pulled %1.").arg(model));
        else if (kind == rt::debate::DebateJob::Kind && !answer.isEmpty())
            //: %1 is the debate id, %2 its answer
            outLine(Tr::tr("Debate %1 finished. Answer: %2").arg(debateId).arg(answer));
        else
            //: %1 is the task id, %2 its title
            outLine(Tr::tr("Task %1 (%2) finished.").arg(id).arg(ended->title));
        flushOut();
        return ExitOk;
    case rt::tasks::TaskStatus::Cancelled:
        if (kind == rt::tasks::PullJob::Kind)
            //: %1 is a model name
            err(Tr::tr("Pull of %1 cancelled; run the same command again to resume.").arg(model));
        else if (kind == rt::debate::DebateJob::Kind && debateId > 0)
            err(Tr::tr("Debate %1 interrupted. Continue with: roundtable debate --resume %1").arg(debateId));
        else
            //: %1 is the task id, %2 its title
            err(Tr::tr("Task %1 (%2) cancelled.").arg(id).arg(ended->title));
        return ExitCancelled;
    default:
        break;
    }
    //: %1 is the task id, %2 its title, %3 its status (failed, interrupted, ...: not translated)
    err(ended->error.isEmpty() ? Tr::tr("Task %1 (%2) ended as %3.").arg(id).arg(ended->title, rt::tasks::statusName(ended->status))
                               : ended->error);
    if (pullResult)
        return exitCodeForLlmError(pullResult->error, ExitStreamFailed);
    return ExitFailure;
}

} // namespace rt::cli
