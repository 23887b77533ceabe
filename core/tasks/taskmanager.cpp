#include "taskmanager.h"

#include "common/futurecallback.h"
#include "common/logging.h"
#include "common/translate.h"
#include "metrics/metricnames.h"
#include "metrics/metricsregistry.h"

#include <QCoreApplication>
#include <QTimer>
#include <algorithm>

namespace rt::tasks {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::tasks)
};
} // namespace

namespace {
QDateTime now()
{
    return QDateTime::currentDateTimeUtc();
}
const QString CodeNotFound = QStringLiteral("not_found");
const QString CodeState = QStringLiteral("invalid_state");
} // namespace

TaskManager::TaskManager(QObject *parent)
    : TaskManager(std::make_unique<MemoryTaskStore>(), parent)
{
}

TaskManager::TaskManager(std::unique_ptr<TaskStore> store, QObject *parent)
    : QObject(parent)
    , m_store(store ? std::move(store) : std::make_unique<MemoryTaskStore>())
{
    qRegisterMetaType<rt::tasks::TaskInfo>();
    qRegisterMetaType<rt::tasks::TaskStatus>();
    qRegisterMetaType<QList<rt::tasks::TaskInfo>>();
    m_clock.start();
    m_self = TaskOwner::current();
    m_pollTimer.setInterval(1000);
    connect(&m_pollTimer, &QTimer::timeout, this, &TaskManager::poll);
}

void TaskManager::setPollIntervalMs(int ms)
{
    m_pollTimer.setInterval(qMax(10, ms));
}

TaskManager::~TaskManager()
{
    for (auto &[id, entry] : m_entries) {
        const bool runsHere = entry.job != nullptr; // not a row restored from another run
        if (Job *job = entry.job) {
            disconnect(job, nullptr, this, nullptr);
            delete job;
        }
        if (runsHere && !entry.info.isFinished()) {
            flushProgress(entry);
            entry.info.status = TaskStatus::Interrupted;
            entry.info.error = entry.started ? Tr::tr("Roundtable was closed while this task was running.")
                                             : Tr::tr("Roundtable was closed before this task started.");
            entry.info.finishedAt = entry.info.updatedAt = now();
            m_store->saveStatus(entry.info);
        }
    }
}

QFuture<rt::Status> TaskManager::restore(int limit)
{
    auto promise = rt::startedPromise<rt::Status>();
    rt::whenReady(m_store->loadAll(limit), this, [this, promise](const rt::Result<QList<TaskInfo>> &loaded) {
        if (!loaded) {
            rt::fulfil(*promise, rt::Status(loaded.error()));
            return;
        }
        QList<TaskInfo> interrupted;
        for (TaskInfo info : loaded.value()) {
            if (m_entries.count(info.id))
                continue;
            const bool unfinished = !info.isFinished();
            if (unfinished && !isMine(info) && !leftBehind(info)) {
                info.isForeign = true; // another live process runs it
            } else if (info.status == TaskStatus::Running || info.status == TaskStatus::Queued) {
                // Left behind by a crash (or a kill): nothing runs it any more.
                info.error = info.status == TaskStatus::Running ? Tr::tr("Roundtable stopped unexpectedly while this task was running.")
                                                                : Tr::tr("Roundtable stopped unexpectedly before this task started.");
                info.status = TaskStatus::Interrupted;
                info.finishedAt = info.updatedAt = now();
                m_store->saveStatus(info);
            }
            Entry entry;
            entry.info = info;
            entry.seq = ++m_seq;
            entry.info.resumable = resumableLocked(entry.info);
            if (!info.isForeign && (info.status == TaskStatus::Interrupted || info.status == TaskStatus::Paused))
                interrupted.append(entry.info);
            const TaskInfo added = entry.info;
            m_entries.emplace(info.id, std::move(entry));
            emit taskAdded(added);
        }
        updatePolling();
        if (!interrupted.isEmpty()) {
            qCDebug(lcTasks) << interrupted.size() << "interrupted tasks found";
            emit interruptedFound(interrupted);
        }
        rt::fulfil(*promise, rt::Status());
    });
    return promise->future();
}

bool TaskManager::isMine(const TaskInfo &info) const
{
    return info.ownerPid == m_self.pid && info.ownerHost == m_self.host
        && (info.ownerStartTicks == 0 || m_self.startTicks == 0 || info.ownerStartTicks == m_self.startTicks);
}

bool TaskManager::leftBehind(const TaskInfo &info) const
{
    if (info.ownerPid <= 0) {
        // Written by a version that did not record owners: as before, queued
        // and running rows are leftovers, a paused one waits to be resumed.
        return info.status != TaskStatus::Paused;
    }
    if (const std::optional<bool> alive = TaskOwner::isAlive(info.ownerPid, info.ownerHost, info.ownerStartTicks))
        return !*alive;
    // Another host: its owner touches the row every few seconds while it lives.
    return !info.updatedAt.isValid() || info.updatedAt.secsTo(now()) > m_foreignStaleSeconds;
}

void TaskManager::registerResumer(const QString &kind, JobFactory factory)
{
    m_resumers.insert(kind, std::move(factory));
    for (auto &[id, entry] : m_entries) {
        const bool resumable = resumableLocked(entry.info);
        if (entry.info.kind == kind && resumable != entry.info.resumable) {
            entry.info.resumable = resumable;
            changed(entry);
        }
    }
}

bool TaskManager::resumableLocked(const TaskInfo &info) const
{
    if (info.status == TaskStatus::Paused)
        return true;
    return (info.status == TaskStatus::Interrupted || info.status == TaskStatus::Failed) && m_resumers.contains(info.kind);
}

QFuture<rt::Result<qint64>> TaskManager::submit(
    const QString &kind, const QString &title, std::unique_ptr<Job> job, const TaskOptions &options)
{
    if (!job)
        return rt::readyFuture(rt::Result<qint64>(Error { CodeState, Tr::tr("The task “%1” has nothing to run.").arg(title) }));
    if (kind.isEmpty())
        return rt::readyFuture(rt::Result<qint64>(Error { CodeState, Tr::tr("The task “%1” has no kind.").arg(title) }));
    TaskInfo info;
    info.kind = kind;
    info.title = title;
    info.status = TaskStatus::Queued;
    info.payload = options.payload;
    info.host = options.host;
    info.createdAt = info.updatedAt = now();
    info.ownerPid = m_self.pid;
    info.ownerHost = m_self.host;
    info.ownerStartTicks = m_self.startTicks;
    // Owned by the manager while the row is created (deleted with it if it goes first).
    Job *raw = job.release();
    raw->setParent(this);
    QPointer<Job> pending(raw);
    auto promise = rt::startedPromise<rt::Result<qint64>>();
    rt::whenReady(m_store->create(info), this, [this, info, pending, promise](const rt::Result<qint64> &id) mutable {
        if (!id) {
            delete pending.data();
            rt::fulfil(*promise, id);
            return;
        }
        if (!pending) {
            rt::fulfil(
                *promise, rt::Result<qint64>(Error { CodeState, Tr::tr("The task “%1” was dropped before it started.").arg(info.title) }));
            return;
        }
        info.id = id.value();
        Entry entry;
        entry.info = info;
        entry.seq = ++m_seq;
        attach(m_entries.emplace(info.id, std::move(entry)).first->second, pending.data());
        qCDebug(lcTasks) << "task" << info.id << info.kind << info.title << "queued on" << info.host;
        emit taskAdded(info);
        scheduleRun();
        rt::fulfil(*promise, id);
    });
    return promise->future();
}

void TaskManager::attach(Entry &entry, Job *job)
{
    job->setParent(this);
    entry.job = job;
    entry.started = false;
    const qint64 id = entry.info.id;
    connect(job, &Job::progressed, this, [this, id](double fraction, const QString &text) { onJobProgress(id, fraction, text); });
    connect(job, &Job::payloadChanged, this, [this, id](const QJsonObject &payload) {
        Entry *e = find(id);
        if (!e)
            return;
        e->info.payload = payload;
        e->info.updatedAt = now();
        m_store->savePayload(e->info);
        changed(*e);
    });
    connect(job, &Job::pausedChanged, this, [this, id](bool paused) {
        Entry *e = find(id);
        if (!e || e->info.isFinished())
            return;
        if (paused && e->info.status == TaskStatus::Running) {
            setStatus(*e, TaskStatus::Paused);
            scheduleRun(); // its slot is free for others
        } else if (!paused && e->info.status == TaskStatus::Paused) {
            setStatus(*e, TaskStatus::Running);
        }
    });
    connect(job, &Job::finished, this, [this, id](TaskStatus status, const QString &error) { onJobFinished(id, status, error); });
}

void TaskManager::scheduleRun()
{
    if (m_runScheduled)
        return;
    m_runScheduled = true;
    // Later, so callers (and jobs finishing inside their own signals) are not re-entered.
    QMetaObject::invokeMethod(this, &TaskManager::runQueued, Qt::QueuedConnection);
}

void TaskManager::runQueued()
{
    m_runScheduled = false;
    QList<Entry *> queued;
    for (auto &[id, entry] : m_entries) {
        if (entry.info.status == TaskStatus::Queued && entry.job)
            queued.append(&entry);
    }
    std::sort(queued.begin(), queued.end(), [](const Entry *a, const Entry *b) { return a->seq < b->seq; });
    QHash<QString, int> running;
    for (const auto &[id, entry] : m_entries) {
        if (entry.info.status == TaskStatus::Running && !entry.info.isForeign) // limits are per process
            ++running[entry.info.host];
    }
    for (Entry *entry : std::as_const(queued)) {
        const QString host = entry->info.host;
        if (running.value(host) >= concurrencyLimit(host))
            continue;
        ++running[host];
        const qint64 id = entry->info.id;
        if (!entry->info.startedAt.isValid())
            entry->info.startedAt = now();
        entry->info.error.clear();
        // This process runs it now (also after a resume of another's task).
        entry->info.ownerPid = m_self.pid;
        entry->info.ownerHost = m_self.host;
        entry->info.ownerStartTicks = m_self.startTicks;
        entry->info.cancelRequested = false;
        entry->lastProgressSaveMs = m_clock.elapsed();
        setStatus(*entry, TaskStatus::Running);
        QPointer<Job> job = entry->job;
        const bool wasStarted = entry->started;
        entry->started = true;
        entry->resumeRequested = false;
        qCDebug(lcTasks) << "task" << id << (wasStarted ? "resumes" : "starts");
        // A receiver of taskChanged may have cancelled it meanwhile.
        if (job && !job->isFinished() && entry->info.status == TaskStatus::Running) {
            if (wasStarted)
                job->resume();
            else
                job->start();
        }
        // start() may have finished the task and changed m_entries; the
        // pointers collected above are stale from here on.
        scheduleRun();
        return;
    }
}

void TaskManager::onJobProgress(qint64 id, double fraction, const QString &text)
{
    Entry *entry = find(id);
    if (!entry || entry->info.isFinished())
        return;
    const double clamped = fraction < 0 ? -1.0 : qBound(0.0, fraction, 1.0);
    if (qAbs(clamped - entry->info.progress) < 1e-4 && text == entry->info.progressText)
        return;
    entry->info.progress = clamped;
    if (!text.isNull())
        entry->info.progressText = text;
    entry->info.updatedAt = now();
    entry->progressDirty = true;
    const qint64 t = m_clock.elapsed();
    if (entry->lastProgressSaveMs < 0 || t - entry->lastProgressSaveMs >= m_progressSaveMs)
        flushProgress(*entry);
    changed(*entry);
}

void TaskManager::flushProgress(Entry &entry)
{
    if (!entry.progressDirty)
        return;
    entry.progressDirty = false;
    entry.lastProgressSaveMs = m_clock.elapsed();
    TaskInfo saved = entry.info;
    if (saved.progress < 0)
        saved.progress = 0; // the table keeps 0..1
    m_store->saveProgress(saved);
}

void TaskManager::onJobFinished(qint64 id, TaskStatus status, const QString &error)
{
    Entry *entry = find(id);
    if (!entry || entry->info.isFinished())
        return;
    if (Job *job = entry->job) {
        disconnect(job, nullptr, this, nullptr);
        job->deleteLater();
    }
    entry->job = nullptr;
    if (status == TaskStatus::Succeeded) {
        entry->info.progress = 1.0;
        entry->progressDirty = true;
    }
    flushProgress(*entry);
    setStatus(*entry, status, error);
    scheduleRun();
}

void TaskManager::setStatus(Entry &entry, TaskStatus status, const QString &error)
{
    entry.info.status = status;
    if (!error.isEmpty() || isFinal(status) || status == TaskStatus::Running)
        entry.info.error = error;
    entry.info.updatedAt = now();
    if (isFinal(status))
        entry.info.finishedAt = entry.info.updatedAt;
    else
        entry.info.finishedAt = {};
    entry.info.resumable = resumableLocked(entry.info);
    m_store->saveStatus(entry.info);
    qCDebug(lcTasks) << "task" << entry.info.id << "is" << statusName(status) << error;
    updatePolling();
    const TaskInfo snapshot = entry.info; // receivers may change the manager
    emit taskChanged(snapshot);
    if (isFinal(snapshot.status))
        emit taskFinished(snapshot);
}

void TaskManager::changed(const Entry &entry)
{
    const TaskInfo snapshot = entry.info;
    emit taskChanged(snapshot);
}

rt::Status TaskManager::cancel(qint64 id)
{
    Entry *entry = find(id);
    if (!entry)
        return Error { CodeNotFound, Tr::tr("There is no task %1.").arg(id) };
    if (entry->info.isForeign && !entry->info.isFinished()) {
        // Its owner reads the request from its row within a second or so.
        entry->info.cancelRequested = true;
        changed(*entry);
        rt::whenReady(m_store->requestCancel(id), this, [this, id](const rt::Status &asked) {
            Entry *e = find(id);
            if (!asked.ok() && e) {
                qCWarning(lcTasks).noquote() << "could not ask for task" << id << "to be cancelled:" << asked.error().message;
                e->info.cancelRequested = false;
                changed(*e);
            }
        });
        updatePolling();
        return {};
    }
    switch (entry->info.status) {
    case TaskStatus::Queued:
        if (!entry->started) {
            if (Job *job = entry->job) {
                disconnect(job, nullptr, this, nullptr);
                job->deleteLater();
            }
            entry->job = nullptr;
            setStatus(*entry, TaskStatus::Cancelled);
            return {};
        }
        [[fallthrough]]; // a paused job waiting to resume: ask it to stop
    case TaskStatus::Running:
    case TaskStatus::Paused: {
        if (entry->cancelRequested)
            return {};
        entry->cancelRequested = true;
        QPointer<Job> job = entry->job;
        if (job)
            job->cancel();
        // A job that does not stop in time is dropped.
        QTimer::singleShot(m_cancelGraceMs, this, [this, id] {
            Entry *e = find(id);
            if (e && !e->info.isFinished()) {
                qCWarning(lcTasks) << "task" << id << "did not stop after cancel; dropping it";
                onJobFinished(id, TaskStatus::Cancelled, {});
            }
        });
        return {};
    }
    case TaskStatus::Interrupted:
        setStatus(*entry, TaskStatus::Cancelled, Tr::tr("Dismissed after an interruption."));
        return {};
    case TaskStatus::Succeeded:
    case TaskStatus::Failed:
    case TaskStatus::Cancelled:
        return Error { CodeState, Tr::tr("The task “%1” has already finished.").arg(entry->info.title) };
    }
    return {};
}

rt::Status TaskManager::pause(qint64 id)
{
    Entry *entry = find(id);
    if (!entry)
        return Error { CodeNotFound, Tr::tr("There is no task %1.").arg(id) };
    if (entry->info.isForeign)
        return Error { CodeState, Tr::tr("The task “%1” runs in another Roundtable process; pause it there.").arg(entry->info.title) };
    if (entry->info.status != TaskStatus::Running || !entry->job)
        return Error { CodeState, Tr::tr("Only a running task can be paused.") };
    if (!entry->job->canPause())
        return Error { CodeState, Tr::tr("The task “%1” cannot be paused; cancel it instead.").arg(entry->info.title) };
    entry->job->pause(); // pausedChanged(true) moves it to Paused
    return {};
}

bool TaskManager::canResume(qint64 id) const
{
    const Entry *entry = find(id);
    return entry && !entry->info.isForeign && resumableLocked(entry->info);
}

rt::Status TaskManager::resume(qint64 id)
{
    Entry *entry = find(id);
    if (!entry)
        return Error { CodeNotFound, Tr::tr("There is no task %1.").arg(id) };
    if (entry->info.isForeign)
        return Error { CodeState,
            Tr::tr("The task “%1” is %2 in another Roundtable process (pid %3).")
                .arg(entry->info.title, statusName(entry->info.status))
                .arg(entry->info.ownerPid) };
    if (entry->info.status == TaskStatus::Paused) {
        if (entry->job) {
            entry->resumeRequested = true;
            setStatus(*entry, TaskStatus::Queued); // waits for a slot, then job->resume()
            scheduleRun();
            return {};
        }
        // A paused task from an earlier run has no job: start it again.
    } else if (entry->info.status != TaskStatus::Interrupted && entry->info.status != TaskStatus::Failed) {
        return Error { CodeState,
            Tr::tr("The task “%1” is %2 and cannot be resumed.").arg(entry->info.title, statusName(entry->info.status)) };
    }
    const auto factory = m_resumers.value(entry->info.kind);
    if (!factory)
        return Error { CodeState, Tr::tr("Tasks of kind “%1” cannot be resumed in this version; start them again.").arg(entry->info.kind) };
    std::unique_ptr<Job> job = factory(entry->info);
    if (!job)
        return Error { CodeState, Tr::tr("The task “%1” cannot be resumed: what it needs is gone.").arg(entry->info.title) };
    entry->cancelRequested = false;
    entry->seq = ++m_seq;
    attach(*entry, job.release());
    entry->info.error.clear();
    setStatus(*entry, TaskStatus::Queued);
    scheduleRun();
    return {};
}

void TaskManager::clearFinished()
{
    QList<qint64> gone;
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        if (it->second.info.isFinished() && !it->second.job) {
            gone.append(it->first);
            it = m_entries.erase(it);
        } else {
            ++it;
        }
    }
    m_store->purgeFinished(now().addSecs(1));
    for (qint64 id : std::as_const(gone))
        emit taskRemoved(id);
}

QList<TaskInfo> TaskManager::tasks() const
{
    QList<TaskInfo> list;
    list.reserve(m_entries.size());
    for (const auto &[id, entry] : m_entries)
        list.append(entry.info);
    std::sort(list.begin(), list.end(), [](const TaskInfo &a, const TaskInfo &b) { return a.id > b.id; });
    return list;
}

Job *TaskManager::job(qint64 id) const
{
    const Entry *entry = find(id);
    return entry ? entry->job.data() : nullptr;
}

void TaskManager::updatePolling()
{
    bool needed = false;
    for (const auto &[id, entry] : m_entries) {
        if (!entry.info.isFinished() && (entry.info.isForeign || entry.job)) {
            needed = true;
            break;
        }
    }
    if (needed && !m_pollTimer.isActive())
        m_pollTimer.start();
    else if (!needed)
        m_pollTimer.stop();
}

void TaskManager::poll()
{
    if (m_pollInFlight)
        return; // the storage is slow: do not pile up reads
    const qint64 t = m_clock.elapsed();
    QList<qint64> toRead;
    for (auto &[id, entry] : m_entries) {
        if (entry.info.isFinished())
            continue;
        if (entry.info.isForeign) {
            toRead.append(id);
        } else if (entry.job && entry.started) {
            toRead.append(id);
            // The heartbeat: a live task's row never looks stale to others.
            if (t - entry.lastProgressSaveMs >= m_heartbeatMs) {
                entry.info.updatedAt = now();
                entry.progressDirty = true;
                flushProgress(entry);
            }
        }
    }
    if (toRead.isEmpty()) {
        updatePolling();
        return;
    }
    m_pollInFlight = true;
    auto remaining = std::make_shared<int>(int(toRead.size()));
    for (qint64 id : std::as_const(toRead)) {
        rt::whenReady(m_store->load(id), this, [this, id, remaining](const rt::Result<TaskInfo> &row) {
            if (--*remaining == 0)
                m_pollInFlight = false;
            if (row)
                onPolled(id, row.value());
        });
    }
}

void TaskManager::onPolled(qint64 id, const TaskInfo &row)
{
    Entry *entry = find(id);
    if (!entry || entry->info.isFinished())
        return;
    if (!entry->info.isForeign) {
        if (row.cancelRequested && !entry->cancelRequested) {
            qCDebug(lcTasks) << "task" << id << "cancelled from another process";
            (void)cancel(id);
        }
        return;
    }
    // A foreign task: follow its row; when its owner is gone it was left behind.
    const bool asked = entry->info.cancelRequested;
    entry->info = row;
    entry->info.isForeign = true;
    entry->info.cancelRequested = row.cancelRequested || asked;
    if (!row.isFinished() && !isMine(row) && leftBehind(row)) {
        markLeftBehind(*entry);
        return;
    }
    entry->info.resumable = false;
    if (row.isFinished()) {
        entry->info.isForeign = false;
        entry->info.resumable = resumableLocked(entry->info);
        const TaskInfo snapshot = entry->info;
        emit taskChanged(snapshot);
        emit taskFinished(snapshot);
        updatePolling();
        return;
    }
    changed(*entry);
}

void TaskManager::markLeftBehind(Entry &entry)
{
    entry.info.isForeign = false;
    const bool wasRunning = entry.info.status == TaskStatus::Running;
    if (entry.info.status == TaskStatus::Paused) {
        // A paused task stays paused (resumable); nothing runs it now.
        entry.info.resumable = resumableLocked(entry.info);
        changed(entry);
        updatePolling();
        return;
    }
    setStatus(entry, TaskStatus::Interrupted,
        wasRunning ? Tr::tr("Roundtable stopped unexpectedly while this task was running.")
                   : Tr::tr("Roundtable stopped unexpectedly before this task started."));
    if (entry.info.cancelRequested) // it was asked to stop anyway: dismiss it
        setStatus(entry, TaskStatus::Cancelled, Tr::tr("Dismissed after an interruption."));
}

std::optional<TaskInfo> TaskManager::task(qint64 id) const
{
    const Entry *entry = find(id);
    if (!entry)
        return std::nullopt;
    return entry->info;
}

QList<TaskInfo> TaskManager::interruptedTasks() const
{
    QList<TaskInfo> list;
    for (const TaskInfo &info : tasks()) {
        if (info.status == TaskStatus::Interrupted)
            list.append(info);
    }
    return list;
}

int TaskManager::runningCount(const QString &host) const
{
    int n = 0;
    for (const auto &[id, entry] : m_entries)
        n += (entry.info.status == TaskStatus::Running && entry.info.host == host) ? 1 : 0;
    return n;
}

int TaskManager::queuedCount(const QString &host) const
{
    int n = 0;
    for (const auto &[id, entry] : m_entries)
        n += (entry.info.status == TaskStatus::Queued && entry.info.host == host) ? 1 : 0;
    return n;
}

void TaskManager::setConcurrencyLimit(const QString &host, int limit)
{
    m_limits.insert(host, qMax(1, limit));
    scheduleRun();
}

int TaskManager::concurrencyLimit(const QString &host) const
{
    return m_limits.value(host, m_defaultLimit);
}

void TaskManager::setDefaultConcurrencyLimit(int limit)
{
    m_defaultLimit = qMax(1, limit);
    scheduleRun();
}

TaskManager::Entry *TaskManager::find(qint64 id)
{
    auto it = m_entries.find(id);
    return it == m_entries.end() ? nullptr : &it->second;
}

const TaskManager::Entry *TaskManager::find(qint64 id) const
{
    auto it = m_entries.find(id);
    return it == m_entries.cend() ? nullptr : &it->second;
}

} // namespace rt::tasks

namespace rt::tasks {

void TaskManager::setMetrics(std::shared_ptr<rt::metrics::MetricsRegistry> registry)
{
    const bool first = !m_metrics;
    m_metrics = std::move(registry);
    if (first && m_metrics) {
        for (auto signal : { &TaskManager::taskAdded, &TaskManager::taskChanged, &TaskManager::taskFinished })
            connect(this, signal, this, &TaskManager::publishCounts);
        connect(this, &TaskManager::taskRemoved, this, &TaskManager::publishCounts);
    }
    publishCounts();
}

void TaskManager::publishCounts()
{
    if (!m_metrics)
        return;
    QHash<QPair<QString, QString>, int> counts;
    for (const auto &[id, entry] : m_entries)
        ++counts[{ entry.info.kind, statusName(entry.info.status) }];
    // States that emptied go to 0 rather than vanish, so a chart drops to zero.
    for (const auto &key : std::as_const(m_publishedCounts))
        if (!counts.contains(key))
            counts.insert(key, 0);
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        m_metrics->gauge(rt::metrics::name::Tasks, { it.key().first, it.key().second })->set(it.value());
        m_publishedCounts.insert(it.key());
    }
}

} // namespace rt::tasks
