#pragma once

#include "faultspec.h"
#include "replygenerator.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace rt::sim {

class HttpConnection;
class SimStats;

// What one /api/chat or /api/generate reply will look like.
struct GenerationPlan {
    QString endpoint; // "chat" or "generate"
    QString model;
    GeneratedReply reply; // already cut to num_predict
    QString doneReason; // stop, length, load, unload
    bool stream = true;
    bool loadOnly = false; // empty messages/prompt: one done object, no metrics
    bool includeContext = false;
    int tokensPerSecond = 0; // 0 = as fast as the client reads
    int firstTokenDelayMs = 0;
    FaultSpec fault;
    qint64 promptEvalCount = 0;
    qint64 requestStartNs = 0;
    bool freshLoad = false;
};

// Writes one generation reply to a connection: paced NDJSON chunks (or one
// JSON object for stream:false), with the stream-level faults applied, and
// write backpressure so a slow reader never makes the server buffer much.
class GenerationStream final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GenerationStream)

public:
    GenerationStream(HttpConnection *connection, SimStats *stats, quint64 requestId, GenerationPlan plan);
    ~GenerationStream() override;

    void start();

Q_SIGNALS:
    // The reply ended: completed, failed on purpose, or the client went away.
    void finished();

private:
    enum class Unit { Thinking, ToolCalls, Content, Huge };

    void begin();
    void tick();
    bool emitNext(); // false when the stream has ended or stalled
    void emitUnitLine(Unit unit, qsizetype index);
    void emitFinal();
    void sendNonStreaming();
    void sendErrorLine();
    void onClosed();
    void finish(bool completed);
    void appendLineStart();
    void appendMetrics(QByteArray &out, qint64 evalCount);
    QString hugeText() const;
    qsizetype totalUnits() const;

    HttpConnection *m_conn;
    SimStats *m_stats;
    quint64 m_requestId;
    GenerationPlan m_plan;
    QTimer m_timer;
    QByteArray m_line; // reused for each line
    QByteArray m_modelJson; // escaped model name
    qsizetype m_next = 0; // next unit index
    qint64 m_tokensSent = 0;
    qint64 m_firstTokenNs = 0;
    qint64 m_genStartNs = 0;
    bool m_started = false;
    bool m_finished = false;
    bool m_stalled = false;
    bool m_waitingWritable = false;
    bool m_invalidSent = false;
    bool m_hugeSent = false;
};

} // namespace rt::sim
