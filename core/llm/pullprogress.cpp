#include "pullprogress.h"

#include "common/translate.h"
#include "modelinfo.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QLocale>
#include <cmath>

namespace rt::llm {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::llm)
};
} // namespace

double PullProgress::fraction() const
{
    if (phase == Phase::Success)
        return 1.0;
    if (totalBytes <= 0)
        return -1.0;
    return qBound(0.0, double(completedBytes) / double(totalBytes), 1.0);
}

int PullProgress::percent() const
{
    const double f = fraction();
    if (f < 0)
        return -1;
    // 100% only once Ollama says success: more layers may still appear.
    return phase == Phase::Success ? 100 : qMin(99, int(std::floor(f * 100.0)));
}

QString PullProgress::phaseText() const
{
    switch (phase) {
    case Phase::Starting:
        return QStringLiteral("Starting");
    case Phase::Manifest:
        return Tr::tr("Fetching manifest");
    case Phase::Downloading:
        return QStringLiteral("Downloading");
    case Phase::Verifying:
        return QStringLiteral("Verifying");
    case Phase::Writing:
        return Tr::tr("Writing manifest");
    case Phase::Success:
        return QStringLiteral("Done");
    }
    return {};
}

QString PullProgress::summary() const
{
    if (phase != Phase::Downloading || totalBytes <= 0)
        return phaseText();
    QStringList parts { Tr::tr("%1 of %2").arg(formatBytes(completedBytes), formatBytes(totalBytes)) };
    if (bytesPerSecond > 0)
        parts.append(formatSpeed(bytesPerSecond));
    if (etaSeconds >= 0)
        parts.append(Tr::tr("%1 left").arg(formatDuration(etaSeconds)));
    return Tr::tr("%1 %2% (%3)").arg(phaseText()).arg(percent()).arg(parts.join(QStringLiteral(", ")));
}

QJsonObject PullProgress::toJson() const
{
    QJsonArray layerArray;
    for (const PullLayer &layer : layers)
        layerArray.append(QJsonObject { { QStringLiteral("digest"), layer.digest }, { QStringLiteral("total"), double(layer.total) },
            { QStringLiteral("completed"), double(layer.completed) } });
    return {
        { QStringLiteral("model"), model },
        { QStringLiteral("status"), status },
        { QStringLiteral("phase"), phaseText() },
        { QStringLiteral("completed"), double(completedBytes) },
        { QStringLiteral("total"), double(totalBytes) },
        { QStringLiteral("percent"), percent() },
        { QStringLiteral("bytes_per_second"), bytesPerSecond },
        { QStringLiteral("eta_seconds"), double(etaSeconds) },
        { QStringLiteral("layers"), layerArray },
    };
}

PullTracker::PullTracker(QString model)
{
    m_progress.model = std::move(model);
}

void PullTracker::start(qint64 nowMs)
{
    m_startMs = nowMs;
    m_samples.clear();
    m_samples.push_back({ nowMs, 0 });
    m_sessionBytes = 0;
}

bool PullTracker::update(const QJsonObject &line, qint64 nowMs)
{
    const PullProgress before = m_progress;
    const QString status = line.value(QStringLiteral("status")).toString();
    if (!status.isEmpty())
        m_progress.status = status;

    const QString digest = line.value(QStringLiteral("digest")).toString();
    if (status == u"success") {
        m_progress.phase = PullProgress::Phase::Success;
    } else if (status.startsWith(u"pulling manifest")) {
        m_progress.phase = PullProgress::Phase::Manifest;
    } else if (status.startsWith(u"verifying")) {
        m_progress.phase = PullProgress::Phase::Verifying;
    } else if (status.startsWith(u"writing") || status.startsWith(u"removing")) {
        m_progress.phase = PullProgress::Phase::Writing;
    } else if (!digest.isEmpty() || status.startsWith(u"pulling") || status.startsWith(u"downloading")) {
        m_progress.phase = PullProgress::Phase::Downloading;
    }

    if (!digest.isEmpty()) {
        PullLayer *layer = nullptr;
        for (PullLayer &l : m_progress.layers) {
            if (l.digest == digest) {
                layer = &l;
                break;
            }
        }
        const qint64 total = qint64(line.value(QStringLiteral("total")).toDouble());
        const qint64 completed = qint64(line.value(QStringLiteral("completed")).toDouble());
        if (!layer) {
            m_progress.layers.append({ digest, total, completed });
            // Bytes already on disk (a resumed pull) are not speed.
        } else {
            if (completed > layer->completed)
                m_sessionBytes += completed - layer->completed;
            if (total > 0)
                layer->total = total;
            layer->completed = qMax(layer->completed, completed);
        }
    }
    recompute(nowMs);

    return before.status != m_progress.status || before.phase != m_progress.phase || before.completedBytes != m_progress.completedBytes
        || before.totalBytes != m_progress.totalBytes;
}

void PullTracker::recompute(qint64 nowMs)
{
    qint64 completed = 0, total = 0;
    for (const PullLayer &l : std::as_const(m_progress.layers)) {
        completed += qMin(l.completed, l.total > 0 ? l.total : l.completed);
        total += l.total;
    }
    m_progress.completedBytes = completed;
    m_progress.totalBytes = total;
    m_progress.elapsedMs = nowMs - m_startMs;

    if (m_samples.empty() || m_samples.back().bytes != m_sessionBytes || nowMs - m_samples.back().atMs >= 500)
        m_samples.push_back({ nowMs, m_sessionBytes });
    while (m_samples.size() > 2 && nowMs - m_samples[1].atMs >= SpeedWindowMs)
        m_samples.pop_front();

    const Sample &first = m_samples.front();
    const qint64 spanMs = nowMs - first.atMs;
    if (spanMs >= 250 && m_sessionBytes > first.bytes)
        m_progress.bytesPerSecond = double(m_sessionBytes - first.bytes) * 1000.0 / double(spanMs);
    else if (spanMs >= 2'000)
        m_progress.bytesPerSecond = 0; // stalled
    if (m_progress.phase == PullProgress::Phase::Downloading && m_progress.bytesPerSecond > 0 && total > 0)
        m_progress.etaSeconds = qint64(std::ceil(double(qMax<qint64>(0, total - completed)) / m_progress.bytesPerSecond));
    else
        m_progress.etaSeconds = m_progress.phase == PullProgress::Phase::Success ? 0 : -1;
}

QString formatSpeed(double bytesPerSecond)
{
    return QStringLiteral("%1/s").arg(formatBytes(qint64(bytesPerSecond)));
}

QString formatDuration(qint64 seconds)
{
    if (seconds < 0)
        return QStringLiteral("?");
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(seconds);
    if (seconds < 3600)
        return QStringLiteral("%1 min %2 s").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60, 2, 10, QLatin1Char('0'));
}

} // namespace rt::llm
