#include "storageworker.h"

#include "common/logging.h"
#include "database.h"
#include "metrics/metricsregistry.h"
#include "storagecontext.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSemaphore>
#include <QTimer>
#include <algorithm>

namespace rt::storage {

StorageWorker::StorageWorker(const DatabaseLocation &location, const OpenOptions &options)
    : m_location(location)
    , m_options(options)
    , m_reconnectTimer(new QTimer(this))
    , m_notOpen(makeError(errc::CannotOpen, tr("The database is not open yet.")))
{
    m_reconnectTimer->setSingleShot(true);
    connect(m_reconnectTimer, &QTimer::timeout, this, &StorageWorker::tryReconnect);
}

StorageWorker::~StorageWorker()
{
    // Runs on the storage thread (deleted on QThread::finished): the
    // connection is closed by the thread that opened it.
    m_context.reset();
    m_db.reset();
}

void StorageWorker::open(const std::function<void(const rt::Result<OpenReport> &)> &done)
{
    auto opened = openDatabase(m_location, m_options);
    if (!opened.ok()) {
        m_notOpen = opened.error();
        done(opened.error());
        processQueue(); // abandons whatever was queued behind the open
        return;
    }
    m_db = std::move(opened.value().database);
    m_context = std::make_unique<StorageContext>(*m_db);
    if (m_db->isPostgres()) {
        if (auto pruned = Maintenance(*m_db).pruneWriteJournal(); !pruned.ok())
            qCWarning(lcStorage) << "could not prune the write journal:" << pruned.error().message;
    }
    qCDebug(lcStorage).noquote() << "opened" << m_location.displayName() << "schema" << opened->report.schemaVersion;
    done(opened->report);
    if (m_options.recover && m_options.staleAfterSeconds > 0) {
        // Rows that were still fresh at start-up may belong to a process that
        // died just before: look again once they would count as stale.
        QTimer::singleShot(
            std::chrono::seconds(m_options.staleAfterSeconds) + std::chrono::milliseconds(500), this, &StorageWorker::recoverAgain);
    }
    processQueue();
}

void StorageWorker::recoverAgain()
{
    if (!m_db || m_offline)
        return;
    auto counts = Maintenance(*m_db).markInterrupted(m_options.staleAfterSeconds);
    if (counts.ok() && counts->total() > 0)
        emit interruptedFound(*counts);
}

void StorageWorker::enqueue(detail::StorageJob job)
{
    if (m_offline && !job.isWrite) {
        // Reads fail fast while offline: the UI must not wait for the network.
        job.abandon(makeError(errc::ConnectionLost,
            tr("The database server at %1 is unreachable; Roundtable is reconnecting. Try again in a moment.")
                .arg(m_location.displayName())));
        return;
    }
    if (m_queue.size() >= MaxQueuedWrites) {
        job.abandon(makeError(errc::ConnectionLost,
            tr("Too many changes are waiting for the database server at %1; this one was not saved. Check the connection.")
                .arg(m_location.displayName())));
        return;
    }
    m_queue.push_back(std::move(job));
    processQueue();
}

void StorageWorker::processQueue()
{
    if (m_processing)
        return;
    m_processing = true;
    while (!m_queue.empty() && !m_offline) {
        detail::StorageJob &job = m_queue.front();
        if (!m_db) {
            job.abandon(m_notOpen);
            m_queue.pop_front();
            continue;
        }
        if (job.isWrite) {
            if (!runWrite(job)) {
                goOffline(m_db->connectionLost() ? QString() : tr("The database connection failed."));
                break;
            }
        } else {
            job.read(*m_context);
            if (m_db->connectionLost()) {
                m_queue.pop_front();
                goOffline({});
                break;
            }
        }
        m_queue.pop_front();
    }
    m_processing = false;
}

bool StorageWorker::runWrite(detail::StorageJob &job)
{
    Database &db = *m_db;
    const bool journal = db.isPostgres();
    if (journal && job.ambiguous) {
        auto q = db.query(QStringLiteral("SELECT result FROM write_journal WHERE token = ?"), { job.token });
        if (!q.ok()) {
            if (db.connectionLost())
                return false;
            job.writeDone(q.error());
            return true;
        }
        if (q->next()) {
            qCInfo(lcStorage) << "write" << job.token << "had been committed before the connection dropped; not repeating it";
            const QJsonValue stored = q->json(0);
            q = rt::Result<Query>(Query());
            job.writeDone(stored);
            return true;
        }
    }
    QElapsedTimer clock;
    clock.start();
    if (auto begun = db.begin(); !begun.ok()) {
        if (db.connectionLost())
            return false;
        job.writeDone(begun.error());
        return true;
    }
    rt::Result<QJsonValue> result = job.write(*m_context);
    if (!result.ok()) {
        db.rollback();
        if (db.connectionLost())
            return false;
        job.writeDone(result);
        return true;
    }
    if (journal) {
        auto logged = db.exec(QStringLiteral("INSERT INTO write_journal (token, result, created_at) VALUES (?, ?, ?)"),
            { job.token, Database::jsonValue(*result), db.timeValue(db.now()) });
        if (!logged.ok()) {
            db.rollback();
            if (db.connectionLost())
                return false;
            job.writeDone(logged.error());
            return true;
        }
    }
    if (auto committed = db.commit(); !committed.ok()) {
        db.rollback();
        if (db.connectionLost()) {
            job.ambiguous = true; // it may or may not have reached the server
            return false;
        }
        job.writeDone(committed.error());
        return true;
    }
    if (job.latency)
        job.latency->observe(double(clock.nsecsElapsed()) / 1e9);
    job.writeDone(result);
    return true;
}

void StorageWorker::goOffline(const QString &message)
{
    if (m_offline)
        return;
    m_offline = true;
    m_attempt = 0;
    const QString text = message.isEmpty()
        ? tr("Lost the connection to the database server at %1. Unsaved changes are kept and Roundtable is reconnecting.")
              .arg(m_location.displayName())
        : message;
    qCWarning(lcStorage).noquote() << text;
    // Reads queued behind the failure fail now; writes wait.
    for (auto it = m_queue.begin(); it != m_queue.end();) {
        if (!it->isWrite) {
            it->abandon(makeError(errc::ConnectionLost, text));
            it = m_queue.erase(it);
        } else {
            ++it;
        }
    }
    emit connectionLost(text);
    m_reconnectTimer->start(std::chrono::milliseconds(200));
}

void StorageWorker::tryReconnect()
{
    if (!m_offline || !m_db)
        return;
    if (auto done = m_db->reconnect(); !done.ok()) {
        ++m_attempt;
        const int delayMs = std::min(15000, 250 << std::min(m_attempt, 6));
        qCInfo(lcStorage) << "reconnect attempt" << m_attempt << "failed; next in" << delayMs << "ms";
        m_reconnectTimer->start(std::chrono::milliseconds(delayMs));
        return;
    }
    m_offline = false;
    const int waiting = int(m_queue.size());
    qCInfo(lcStorage) << "reconnected; flushing" << waiting << "queued writes";
    emit connectionRestored(waiting);
    processQueue();
}

void StorageWorker::drain(QSemaphore *done)
{
    m_reconnectTimer->stop();
    if (m_offline && m_db) {
        if (m_db->reconnect().ok())
            m_offline = false;
    }
    processQueue();
    if (!m_queue.empty()) {
        qCWarning(lcStorage) << m_queue.size() << "changes could not be saved before closing: the database server is unreachable";
        const rt::Error error = makeError(errc::ConnectionLost,
            tr("Roundtable closed while the database server at %1 was unreachable; this change was not saved.")
                .arg(m_location.displayName()));
        for (detail::StorageJob &job : m_queue)
            job.abandon(error);
        m_queue.clear();
    }
    done->release();
}

} // namespace rt::storage
