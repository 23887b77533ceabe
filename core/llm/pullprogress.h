#pragma once

#include "common/result.h"

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <deque>

namespace rt::llm {

// One blob of a model being downloaded ("pulling 1a2b3c4d5e6f").
struct PullLayer {
    QString digest;
    qint64 total = 0;
    qint64 completed = 0;

    bool isComplete() const { return total > 0 && completed >= total; }
};

// Where a pull stands: what Ollama said last, per-layer and overall bytes,
// speed and time left.
struct PullProgress {
    enum class Phase { Starting, Manifest, Downloading, Verifying, Writing, Success };

    QString model;
    QString status; // Ollama's last status line, e.g. "pulling manifest"
    Phase phase = Phase::Starting;
    QList<PullLayer> layers;
    qint64 completedBytes = 0; // over every layer seen so far
    qint64 totalBytes = 0;
    double bytesPerSecond = 0; // recent average; 0 = not known yet
    qint64 etaSeconds = -1; // -1 = not known
    qint64 elapsedMs = 0;

    // 0..1 over the bytes known so far; -1 while no size is known.
    double fraction() const;
    int percent() const; // 0..100, -1 unknown
    bool isDone() const { return phase == Phase::Success; }
    // "pulling 1a2b3c4d5e6f" -> "Downloading", ... for people.
    QString phaseText() const;
    // "Downloading 42% (1.2 GB of 2.9 GB, 35.1 MB/s, 48 s left)".
    QString summary() const;
    QJsonObject toJson() const;
};

// How a pull ended.
struct PullResult {
    enum class Kind { Succeeded, Cancelled, Failed };
    Kind kind = Kind::Failed;
    QString host; // pool host name, if known
    PullProgress progress;
    Error error; // unless Succeeded

    bool ok() const { return kind == Kind::Succeeded; }
};

// Turns /api/pull status lines into PullProgress. Pure: the caller passes the
// clock, so speed and ETA are testable.
class PullTracker final {
public:
    explicit PullTracker(QString model = {});

    void start(qint64 nowMs);
    // Returns true when the visible progress changed.
    bool update(const QJsonObject &line, qint64 nowMs);
    const PullProgress &progress() const { return m_progress; }

    static constexpr qint64 SpeedWindowMs = 5'000;

private:
    void recompute(qint64 nowMs);

    PullProgress m_progress;
    qint64 m_startMs = 0;
    struct Sample {
        qint64 atMs;
        qint64 bytes; // cumulative bytes downloaded in this session
    };
    std::deque<Sample> m_samples;
    qint64 m_sessionBytes = 0; // bytes that arrived while we watched (resumed bytes excluded)
};

// "1.5 MB/s"
QString formatSpeed(double bytesPerSecond);
// "1 h 02 min", "3 min 05 s", "42 s"
QString formatDuration(qint64 seconds);

} // namespace rt::llm

Q_DECLARE_METATYPE(rt::llm::PullProgress)
Q_DECLARE_METATYPE(rt::llm::PullResult)
