#pragma once

#include "common/result.h"
#include "migrator.h"
#include "records.h"
#include "searchrepository.h"
#include "storagecontext.h"
#include "storageworker.h"
#include "transcriptexporter.h"

#include <QFuture>
#include <QJsonObject>
#include <QJsonValue>
#include <QObject>
#include <QPromise>
#include <QThread>
#include <QUuid>
#include <memory>
#include <type_traits>

namespace rt::metrics {
class MetricsRegistry;
}

namespace rt::storage {

namespace detail {
template<typename R> struct ResultValue;
template<typename T> struct ResultValue<rt::Result<T>> {
    using type = T;
};

// How a write's result is kept in PostgreSQL's write_journal for exactly-once
// retries: as JSON (the journal's column is JSONB), so a result with several
// parts keeps them by name instead of in text to split again.
template<typename T> struct JournalCodec;
template<> struct JournalCodec<void> {
};
template<> struct JournalCodec<qint64> {
    static QJsonValue encode(qint64 v) { return QJsonValue(v); }
    static qint64 decode(const QJsonValue &j) { return j.toInteger(); }
};
template<> struct JournalCodec<int> {
    static QJsonValue encode(int v) { return QJsonValue(v); }
    static int decode(const QJsonValue &j) { return j.toInt(); }
};
template<> struct JournalCodec<bool> {
    static QJsonValue encode(bool v) { return QJsonValue(v); }
    static bool decode(const QJsonValue &j) { return j.toBool(); }
};
template<> struct JournalCodec<QString> {
    static QJsonValue encode(const QString &v) { return QJsonValue(v); }
    static QString decode(const QJsonValue &j) { return j.toString(); }
};
template<> struct JournalCodec<ImportResult> {
    static QJsonValue encode(const ImportResult &r)
    {
        return QJsonObject { { QStringLiteral("kind"),
                                 r.kind == ImportResult::Kind::Debate ? QStringLiteral("debate") : QStringLiteral("conversation") },
            { QStringLiteral("id"), r.id }, { QStringLiteral("items"), r.items } };
    }
    static ImportResult decode(const QJsonValue &j)
    {
        const QJsonObject o = j.toObject();
        ImportResult r;
        r.kind = o.value(u"kind").toString() == u"debate" ? ImportResult::Kind::Debate : ImportResult::Kind::Conversation;
        r.id = o.value(u"id").toInteger();
        r.items = o.value(u"items").toInt();
        return r;
    }
};

struct ThreadStopper {
    void operator()(QThread *thread) const
    {
        thread->quit();
        thread->wait();
        delete thread;
    }
};
} // namespace detail

// The application's way into the database. Lives on the caller's thread (GUI
// or CLI main thread); all work runs on one storage thread that owns the
// connection, in the order it was asked for. Every method returns at once with
// a QFuture filled on the storage thread:
//   storage.lastMessages(id).then(this, [this](rt::Result<QList<Message>> r) { ... });
// A command-line tool may simply call future.waitForFinished() / result().
//
// For anything without a named method, run a function on the storage thread
// (capture by value; it must not touch objects of other threads):
//   storage.write([id](StorageContext &c) { return c.debates().setStatus(id, DebateStatus::Paused); });
// write() wraps the function in a transaction; with PostgreSQL it is retried
// exactly once after a lost connection. Writes must return Result<T> with T one
// of void, qint64, int, bool, QString, ImportResult.
class Storage final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Storage)
public:
    explicit Storage(QObject *parent = nullptr);
    // Finishes every queued write (waits for it), then stops the thread.
    ~Storage() override;

    // Opens, migrates and recovers (markInterrupted) on the storage thread.
    // Call once, first; later calls wait behind it.
    QFuture<rt::Result<OpenReport>> open(const DatabaseLocation &location, const OpenOptions &options = {});
    // Times every write transaction into roundtable_db_write_seconds.
    void setMetrics(const std::shared_ptr<rt::metrics::MetricsRegistry> &registry);

    template<typename Fn> auto read(Fn fn) -> QFuture<std::invoke_result_t<Fn &, StorageContext &>>;
    template<typename Fn> auto write(Fn fn) -> QFuture<std::invoke_result_t<Fn &, StorageContext &>>;

    // Conversations (roundtable chat, the chat view)
    QFuture<rt::Result<qint64>> startConversation(const Conversation &conversation);
    QFuture<rt::Result<qint64>> appendMessage(const Message &message);
    // Streaming replies: begin (stored 'partial') -> checkpoint every ~2 s -> finish.
    QFuture<rt::Result<qint64>> beginAssistantMessage(
        qint64 conversationId, const QString &model, std::optional<qint64> agentId = std::nullopt);
    QFuture<rt::Status> checkpointMessage(qint64 messageId, const QString &content, const QString &thinking = {});
    QFuture<rt::Status> finishMessage(qint64 messageId, const Completion &completion);
    QFuture<rt::Result<Conversation>> conversation(qint64 id);
    QFuture<rt::Result<QList<Conversation>>> conversations(int limit = 50, int offset = 0);
    QFuture<rt::Result<QList<Message>>> lastMessages(qint64 conversationId, int limit = 200);
    QFuture<rt::Result<QList<Message>>> olderMessages(qint64 conversationId, qint64 beforeId, int limit = 200);

    // Debates
    QFuture<rt::Result<qint64>> createDebate(const Debate &debate);
    QFuture<rt::Status> setParticipants(qint64 debateId, const QList<DebateParticipant> &participants);
    QFuture<rt::Result<qint64>> appendTurn(const DebateTurn &turn);
    QFuture<rt::Result<qint64>> beginTurn(const DebateTurn &turn);
    QFuture<rt::Status> checkpointTurn(qint64 turnId, const QString &content, const QString &thinking = {});
    QFuture<rt::Status> finishTurn(qint64 turnId, const DebateTurn &turn);
    QFuture<rt::Status> saveRound(const DebateRound &round);
    QFuture<rt::Status> setDebateStatus(qint64 debateId, DebateStatus status);
    QFuture<rt::Status> finishDebate(qint64 debateId, const Debate &outcome);
    QFuture<rt::Result<QList<Debate>>> interruptedDebates();

    // Search, export, maintenance
    QFuture<rt::Result<QList<SearchHit>>> search(const QString &text, const SearchOptions &options = {});
    QFuture<rt::Result<QByteArray>> exportConversation(qint64 id, ExportFormat format);
    QFuture<rt::Result<QByteArray>> exportDebate(qint64 id, ExportFormat format);
    QFuture<rt::Result<ImportResult>> importJson(const QByteArray &json);
    QFuture<rt::Result<QStringList>> integrityCheck();
    QFuture<rt::Status> backupTo(const QString &path);

signals:
    // PostgreSQL only: the connection dropped (writes are kept and retried) ...
    void connectionLost(const QString &message);
    // ... and is back; the kept writes are being saved now.
    void connectionRestored(int flushedWrites);
    // Leftovers found after start-up (see OpenOptions::staleAfterSeconds).
    void interruptedFound(const rt::storage::InterruptedCounts &counts);

private:
    void post(detail::StorageJob job);

    std::shared_ptr<rt::metrics::Histogram> m_writeLatency;
    StorageWorker *m_worker = nullptr; // lives on m_thread, deleted when it finishes
    std::unique_ptr<QThread, detail::ThreadStopper> m_thread;
};

template<typename Fn> auto Storage::read(Fn fn) -> QFuture<std::invoke_result_t<Fn &, StorageContext &>>
{
    using R = std::invoke_result_t<Fn &, StorageContext &>;
    auto promise = std::make_shared<QPromise<R>>();
    promise->start();
    QFuture<R> future = promise->future();
    detail::StorageJob job;
    job.isWrite = false;
    job.read = [promise, fn = std::move(fn)](StorageContext &context) mutable {
        promise->addResult(fn(context));
        promise->finish();
    };
    job.abandon = [promise](const rt::Error &error) {
        promise->addResult(R(error));
        promise->finish();
    };
    post(std::move(job));
    return future;
}

template<typename Fn> auto Storage::write(Fn fn) -> QFuture<std::invoke_result_t<Fn &, StorageContext &>>
{
    using R = std::invoke_result_t<Fn &, StorageContext &>;
    using T = typename detail::ResultValue<R>::type;
    using Codec = detail::JournalCodec<T>;
    auto promise = std::make_shared<QPromise<R>>();
    promise->start();
    QFuture<R> future = promise->future();
    detail::StorageJob job;
    job.isWrite = true;
    job.token = QUuid::createUuid().toString(QUuid::WithoutBraces);
    job.write = [fn = std::move(fn)](StorageContext &context) mutable -> rt::Result<QJsonValue> {
        R result = fn(context);
        if (!result.ok())
            return result.error();
        if constexpr (std::is_void_v<T>)
            return QJsonValue(QJsonValue::Null);
        else
            return Codec::encode(result.value());
    };
    job.writeDone = [promise](const rt::Result<QJsonValue> &encoded) {
        if (!encoded.ok()) {
            promise->addResult(R(encoded.error()));
        } else {
            if constexpr (std::is_void_v<T>)
                promise->addResult(R());
            else
                promise->addResult(R(Codec::decode(encoded.value())));
        }
        promise->finish();
    };
    job.abandon = [promise](const rt::Error &error) {
        promise->addResult(R(error));
        promise->finish();
    };
    post(std::move(job));
    return future;
}

} // namespace rt::storage
