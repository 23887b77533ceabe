#include "storage.h"

#include "common/logging.h"
#include "metrics/metricnames.h"
#include "metrics/metricsregistry.h"

#include <QSemaphore>

namespace rt::storage {

Storage::Storage(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<rt::storage::InterruptedCounts>();
}

Storage::~Storage()
{
    if (!m_worker)
        return;
    // Let every queued write finish before the thread stops.
    QSemaphore drained;
    StorageWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, &drained] { worker->drain(&drained); }, Qt::QueuedConnection);
    if (!drained.tryAcquire(1, 120000))
        qCWarning(lcStorage) << "the storage thread did not finish its queued writes in time";
    m_thread.reset(); // quits and waits; the worker is deleted on the thread as it finishes
}

QFuture<rt::Result<OpenReport>> Storage::open(const DatabaseLocation &location, const OpenOptions &options)
{
    auto promise = std::make_shared<QPromise<rt::Result<OpenReport>>>();
    promise->start();
    QFuture<rt::Result<OpenReport>> future = promise->future();
    if (m_worker) {
        promise->addResult(rt::Result<OpenReport>(makeError(errc::InvalidInput, tr("The database is already open."))));
        promise->finish();
        return future;
    }
    m_thread.reset(new QThread);
    m_thread->setObjectName(QStringLiteral("rt-storage"));
    m_worker = new StorageWorker(location, options);
    m_worker->moveToThread(m_thread.get());
    connect(m_thread.get(), &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &StorageWorker::connectionLost, this, &Storage::connectionLost);
    connect(m_worker, &StorageWorker::connectionRestored, this, &Storage::connectionRestored);
    connect(m_worker, &StorageWorker::interruptedFound, this, &Storage::interruptedFound);
    m_thread->start();
    StorageWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker,
        [worker, promise] {
            worker->open([promise](const rt::Result<OpenReport> &report) {
                promise->addResult(report);
                promise->finish();
            });
        },
        Qt::QueuedConnection);
    return future;
}

void Storage::setMetrics(const std::shared_ptr<rt::metrics::MetricsRegistry> &registry)
{
    m_writeLatency = registry ? registry->histogram(rt::metrics::name::DbWriteSeconds) : nullptr;
}

void Storage::post(detail::StorageJob job)
{
    if (job.isWrite)
        job.latency = m_writeLatency;
    if (!m_worker) {
        job.abandon(makeError(errc::CannotOpen, tr("The database is not open. Call Storage::open() first (a bug in Roundtable).")));
        return;
    }
    StorageWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, job = std::move(job)]() mutable { worker->enqueue(std::move(job)); }, Qt::QueuedConnection);
}

QFuture<rt::Result<qint64>> Storage::startConversation(const Conversation &conversation)
{
    return write([conversation](StorageContext &c) { return c.conversations().create(conversation); });
}

QFuture<rt::Result<qint64>> Storage::appendMessage(const Message &message)
{
    return write([message](StorageContext &c) { return c.messages().append(message); });
}

QFuture<rt::Result<qint64>> Storage::beginAssistantMessage(qint64 conversationId, const QString &model, std::optional<qint64> agentId)
{
    return write([=](StorageContext &c) { return c.messages().beginAssistant(conversationId, model, agentId); });
}

QFuture<rt::Status> Storage::checkpointMessage(qint64 messageId, const QString &content, const QString &thinking)
{
    return write([=](StorageContext &c) { return c.messages().checkpoint(messageId, content, thinking); });
}

QFuture<rt::Status> Storage::finishMessage(qint64 messageId, const Completion &completion)
{
    return write([=](StorageContext &c) { return c.messages().finish(messageId, completion); });
}

QFuture<rt::Result<Conversation>> Storage::conversation(qint64 id)
{
    return read([id](StorageContext &c) { return c.conversations().get(id); });
}

QFuture<rt::Result<QList<Conversation>>> Storage::conversations(int limit, int offset)
{
    return read([=](StorageContext &c) { return c.conversations().list(limit, offset); });
}

QFuture<rt::Result<QList<Message>>> Storage::lastMessages(qint64 conversationId, int limit)
{
    return read([=](StorageContext &c) { return c.messages().last(conversationId, limit); });
}

QFuture<rt::Result<QList<Message>>> Storage::olderMessages(qint64 conversationId, qint64 beforeId, int limit)
{
    return read([=](StorageContext &c) { return c.messages().olderThan(conversationId, beforeId, limit); });
}

QFuture<rt::Result<qint64>> Storage::createDebate(const Debate &debate)
{
    return write([debate](StorageContext &c) { return c.debates().create(debate); });
}

QFuture<rt::Status> Storage::setParticipants(qint64 debateId, const QList<DebateParticipant> &participants)
{
    return write([=](StorageContext &c) { return c.debates().setParticipants(debateId, participants); });
}

QFuture<rt::Result<qint64>> Storage::appendTurn(const DebateTurn &turn)
{
    return write([turn](StorageContext &c) { return c.debates().appendTurn(turn); });
}

QFuture<rt::Result<qint64>> Storage::beginTurn(const DebateTurn &turn)
{
    return write([turn](StorageContext &c) { return c.debates().beginTurn(turn); });
}

QFuture<rt::Status> Storage::checkpointTurn(qint64 turnId, const QString &content, const QString &thinking)
{
    return write([=](StorageContext &c) { return c.debates().checkpointTurn(turnId, content, thinking); });
}

QFuture<rt::Status> Storage::finishTurn(qint64 turnId, const DebateTurn &turn)
{
    return write([=](StorageContext &c) { return c.debates().finishTurn(turnId, turn); });
}

QFuture<rt::Status> Storage::saveRound(const DebateRound &round)
{
    return write([round](StorageContext &c) { return c.debates().saveRound(round); });
}

QFuture<rt::Status> Storage::setDebateStatus(qint64 debateId, DebateStatus status)
{
    return write([=](StorageContext &c) { return c.debates().setStatus(debateId, status); });
}

QFuture<rt::Status> Storage::finishDebate(qint64 debateId, const Debate &outcome)
{
    return write([=](StorageContext &c) { return c.debates().finish(debateId, outcome); });
}

QFuture<rt::Result<QList<Debate>>> Storage::interruptedDebates()
{
    return read([](StorageContext &c) { return c.debates().interrupted(); });
}

QFuture<rt::Result<QList<SearchHit>>> Storage::search(const QString &text, const SearchOptions &options)
{
    return read([=](StorageContext &c) { return c.search().search(text, options); });
}

QFuture<rt::Result<QByteArray>> Storage::exportConversation(qint64 id, ExportFormat format)
{
    return read([=](StorageContext &c) { return c.exporter().exportConversation(id, format); });
}

QFuture<rt::Result<QByteArray>> Storage::exportDebate(qint64 id, ExportFormat format)
{
    return read([=](StorageContext &c) { return c.exporter().exportDebate(id, format); });
}

QFuture<rt::Result<ImportResult>> Storage::importJson(const QByteArray &json)
{
    return write([json](StorageContext &c) { return c.exporter().importJson(json); });
}

QFuture<rt::Result<QStringList>> Storage::integrityCheck()
{
    return read([](StorageContext &c) { return c.maintenance().integrityCheck(); });
}

QFuture<rt::Status> Storage::backupTo(const QString &path)
{
    return read([path](StorageContext &c) { return c.maintenance().backupTo(path); });
}

} // namespace rt::storage
