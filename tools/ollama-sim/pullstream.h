#pragma once

#include "faultspec.h"
#include "modeltable.h"

#include <QList>
#include <QObject>
#include <QTimer>

namespace rt::sim {

class HttpConnection;
class SimStats;

// POST /api/pull: progress lines paced over `durationMs`, then the model is
// installed. Closing the connection cancels (nothing is installed).
class PullStream final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PullStream)

public:
    // `model` is null when the registry does not know the name.
    PullStream(HttpConnection *connection, SimStats *stats, ModelTable *models, quint64 requestId, const QString &requestedName,
        const SimModel *model, bool stream, int durationMs, FaultSpec fault);
    ~PullStream() override = default;

    void start();

Q_SIGNALS:
    void finished();

private:
    void buildLines();
    void step();
    void complete();
    void fail(const QByteArray &message);
    void onClosed();

    HttpConnection *m_conn;
    SimStats *m_stats;
    ModelTable *m_models;
    quint64 m_requestId;
    QString m_requestedName;
    bool m_known;
    SimModel m_model;
    bool m_stream;
    int m_durationMs;
    FaultSpec m_fault;
    QList<QByteArray> m_lines;
    qsizetype m_next = 0;
    QTimer m_timer;
    bool m_finished = false;
};

} // namespace rt::sim
