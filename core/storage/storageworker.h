#pragma once

#include "common/result.h"
#include "migrator.h"
#include "records.h"

#include <QJsonValue>
#include <QObject>
#include <QString>
#include <deque>
#include <functional>
#include <memory>

class QSemaphore;
class QTimer;

namespace rt::metrics {
class Histogram;
}

namespace rt::storage {

class Database;
class StorageContext;

namespace detail {
// A unit of work for the storage thread, built by Storage.
struct StorageJob {
    bool isWrite = false;
    // Reads: fills its promise (also with a connection_lost error).
    std::function<void(StorageContext &)> read;
    // Writes: run inside a transaction; the result is encoded as JSON for the journal.
    std::function<rt::Result<QJsonValue>(StorageContext &)> write;
    std::function<void(const rt::Result<QJsonValue> &)> writeDone;
    std::function<void(const rt::Error &)> abandon; // never ran (not open, shut down, offline read)
    QString token; // PostgreSQL exactly-once key
    bool ambiguous = false; // the connection died during COMMIT: check the journal first
    std::shared_ptr<rt::metrics::Histogram> latency; // write transactions are timed into it when set
};
} // namespace detail

// Lives on the storage thread; owns that thread's connection. Every call
// arrives queued from Storage. When a PostgreSQL connection drops, writes wait
// in order in memory while it reconnects with backoff, then are flushed once
// (a write whose COMMIT was cut off is looked up in write_journal before it is
// retried, so nothing is written twice).
class StorageWorker final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StorageWorker)
public:
    static constexpr int MaxQueuedWrites = 100000;

    StorageWorker(const DatabaseLocation &location, const OpenOptions &options);
    ~StorageWorker() override;

    void open(const std::function<void(const rt::Result<OpenReport> &)> &done);
    void enqueue(detail::StorageJob job);
    // Runs what is queued (one reconnect attempt if offline), abandons the
    // rest, then releases `done`. Called once, before the thread stops.
    void drain(QSemaphore *done);

signals:
    void connectionLost(const QString &message);
    void connectionRestored(int flushedWrites);
    void interruptedFound(const rt::storage::InterruptedCounts &counts);

private:
    void processQueue();
    bool runWrite(detail::StorageJob &job); // false: connection lost, keep the job
    void goOffline(const QString &message);
    void tryReconnect();
    void recoverAgain();

    DatabaseLocation m_location;
    OpenOptions m_options;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<StorageContext> m_context;
    std::deque<detail::StorageJob> m_queue;
    QTimer *m_reconnectTimer = nullptr;
    rt::Error m_notOpen;
    int m_attempt = 0;
    bool m_offline = false;
    bool m_processing = false;
};

} // namespace rt::storage
