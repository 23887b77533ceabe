#pragma once

#include "ndjsonstream.h"
#include "pullprogress.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace rt::llm {

class OllamaClient;

// One POST /api/pull with progress. Cancel closes the connection (Ollama
// stops downloading; a later pull resumes). Emits finished() exactly once and
// deletes itself afterwards.
class ModelPull final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ModelPull)
public:
    ModelPull(OllamaClient *client, QString model, QString hostName = {}, QObject *parent = nullptr);
    ~ModelPull() override;

    void start();
    void cancel();
    bool isRunning() const { return m_running; }
    QString model() const { return m_tracker.progress().model; }
    QString hostName() const { return m_host; }
    const PullProgress &progress() const { return m_tracker.progress(); }

    // At most this often for progressed() (phase changes always go out).
    void setProgressIntervalMs(int ms) { m_intervalMs = ms; }

signals:
    void progressed(const rt::llm::PullProgress &progress);
    void finished(const rt::llm::PullResult &result);

private:
    void onObject(const QJsonObject &object);
    void onFinished(const NdjsonStream::Outcome &outcome);
    void emitProgress(bool force);

    QPointer<OllamaClient> m_client;
    QString m_host;
    PullTracker m_tracker;
    QPointer<NdjsonStream> m_stream;
    QElapsedTimer m_clock;
    QTimer m_tick; // keeps speed/ETA fresh when no line arrives
    qint64 m_lastEmitMs = -1;
    int m_intervalMs = 100;
    PullProgress::Phase m_lastPhase = PullProgress::Phase::Starting;
    bool m_running = false;
};

} // namespace rt::llm
