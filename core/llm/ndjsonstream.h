#pragma once

#include "clientconfig.h"
#include "common/result.h"
#include "ndjsonreader.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace rt::llm {

// One streamed NDJSON exchange with Ollama (/api/chat, /api/generate,
// /api/pull): timers, busy retries, error lines, truncation. Emits every
// object; says how it ended exactly once.
class NdjsonStream final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NdjsonStream)
public:
    // Decides whether an object marks a complete reply (done:true, status:success).
    using FinalPredicate = std::function<bool(const QJsonObject &)>;

    struct Outcome {
        enum class Kind { Completed, Cancelled, Failed } kind = Kind::Failed;
        Error error;
        int attempts = 0;
        bool receivedData = false;
    };

    NdjsonStream(QNetworkAccessManager *nam, const ClientConfig &config, QByteArray verb, QString path, QJsonObject body, QString model,
        FinalPredicate isFinal, QObject *parent = nullptr);
    ~NdjsonStream() override;

    void start();
    // Aborts the reply so the server stops generating. finished() follows.
    void cancel();
    bool isRunning() const { return m_running; }
    QString correlationId() const { return m_correlationId; }
    qint64 elapsedMs() const { return m_clock.isValid() ? m_clock.elapsed() : 0; }

signals:
    void waiting(qint64 elapsedMs); // nothing received yet: the model is probably loading
    void retrying(int attempt, int delayMs, const QString &reason);
    void firstDataReceived(qint64 elapsedMs);
    void objectReceived(const QJsonObject &object);
    void finished(const rt::llm::NdjsonStream::Outcome &outcome);

private:
    void startAttempt();
    void onReadyRead();
    void onReplyFinished();
    void onWatchdog();
    void failWith(Error error); // aborts the reply if any and finishes
    void finish(Outcome::Kind kind, Error error = {});
    void detachReply();
    void feed(QByteArrayView bytes);

    QNetworkAccessManager *m_nam;
    ClientConfig m_config;
    QByteArray m_verb;
    QString m_path;
    QByteArray m_body;
    QString m_model;
    FinalPredicate m_isFinal;
    QString m_correlationId;

    QPointer<QNetworkReply> m_reply;
    NdjsonReader m_reader;
    QByteArray m_errorBody;
    QByteArray m_readBuffer;
    QTimer m_watchdog; // one timer for connect, first token, loading notice and idle
    QTimer m_retryTimer;
    QElapsedTimer m_clock; // whole exchange
    QElapsedTimer m_attemptClock; // this attempt
    qint64 m_connectStartedMs = -1;
    qint64 m_lastActivityMs = 0;
    int m_attempts = 0;
    int m_httpStatus = 0;
    bool m_running = false;
    bool m_gotData = false;
    bool m_sawFinal = false;
    bool m_loadingNoticeSent = false;
    bool m_cancelled = false;
    QString m_streamError;
};

} // namespace rt::llm

Q_DECLARE_METATYPE(rt::llm::NdjsonStream::Outcome)
