#pragma once

#include "faultspec.h"

#include <QList>
#include <QString>

namespace rt::sim {

// Decides which fault applies to a request: the X-Sim-Fault header first, then
// faults queued through /_sim/fault (in order), then the run-wide --fault,
// which applies to the generation endpoints only.
class FaultPlan final {
public:
    void setRunWide(const FaultSpec &spec) { m_runWide = spec; }
    const FaultSpec &runWide() const { return m_runWide; }

    // Queue `spec` for the next `count` requests to `path` (any path if empty).
    void enqueue(const FaultSpec &spec, int count, const QString &path);
    void clearQueue() { m_queue.clear(); }
    int queuedCount() const;

    // Consumes one queued use when a queued fault matches.
    FaultSpec take(const QString &path, const FaultSpec &fromHeader);

    static bool isGenerationPath(const QString &path);

private:
    struct Queued {
        FaultSpec spec;
        int remaining = 0;
        QString path;
    };
    FaultSpec m_runWide;
    QList<Queued> m_queue;
};

} // namespace rt::sim
