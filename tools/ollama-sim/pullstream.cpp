#include "pullstream.h"

#include "httpconnection.h"
#include "simrandom.h"
#include "simstats.h"
#include "wireformat.h"

#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace rt::sim {

namespace {
const QByteArray kJsonType = "application/json; charset=utf-8";
const QByteArray kNdjsonType = "application/x-ndjson";
const QByteArray kManifestMissing = "pull model manifest: file does not exist";

QByteArray statusLine(const QString &status, const QString &digest = {}, qint64 total = 0, qint64 completed = 0)
{
    QByteArray out = "{\"status\":";
    wire::appendQuoted(out, status);
    if (!digest.isEmpty()) {
        out += ",\"digest\":";
        wire::appendQuoted(out, digest);
    }
    if (total)
        out += ",\"total\":" + QByteArray::number(total);
    if (completed)
        out += ",\"completed\":" + QByteArray::number(completed);
    out += "}\n";
    return out;
}
} // namespace

PullStream::PullStream(HttpConnection *connection, SimStats *stats, ModelTable *models, quint64 requestId, const QString &requestedName,
    const SimModel *model, bool stream, int durationMs, FaultSpec fault)
    : QObject(connection)
    , m_conn(connection)
    , m_stats(stats)
    , m_models(models)
    , m_requestId(requestId)
    , m_requestedName(requestedName)
    , m_known(model != nullptr)
    , m_model(model ? *model : SimModel {})
    , m_stream(stream)
    , m_durationMs(std::max(0, durationMs))
    , m_fault(fault)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &PullStream::step);
    connect(m_conn, &HttpConnection::closed, this, &PullStream::onClosed);
    buildLines();
}

void PullStream::buildLines()
{
    m_lines.append(statusLine(u"pulling manifest"_s));
    if (!m_known)
        return;
    // Layers: the weights blob, then the small template/license/params blobs.
    const qint64 small[] = { 1429, 7711, 96 };
    QList<qint64> sizes { std::max<qint64>(m_model.size - 9236, 1) };
    for (qint64 s : small)
        sizes.append(s);
    SimRandom rng(fnv1a(QStringView(m_model.digest)));
    for (qsizetype i = 0; i < sizes.size(); ++i) {
        QString hex;
        for (int w = 0; w < 4; ++w)
            hex += u"%1"_s.arg(qulonglong(rng.next()), 16, 16, QChar(u'0'));
        const QString status = u"pulling "_s + hex.left(12);
        const QString digest = u"sha256:"_s + hex;
        const qint64 total = sizes.at(i);
        m_lines.append(statusLine(status, digest, total));
        const int steps = i == 0 ? 8 : 1;
        for (int s = 1; s <= steps; ++s)
            m_lines.append(statusLine(status, digest, total, total * s / steps));
    }
    m_lines.append(statusLine(u"verifying sha256 digest"_s));
    m_lines.append(statusLine(u"writing manifest"_s));
    m_lines.append(statusLine(u"success"_s));
}

void PullStream::start()
{
    if (m_fault.mode == FaultSpec::Mode::StallHeaders)
        return;
    if (m_stream)
        m_conn->beginChunked(200, kNdjsonType);
    const int delay = m_fault.mode == FaultSpec::Mode::SlowFirstToken ? m_fault.argOr(2000) : 0;
    if (m_stream) {
        m_timer.start(delay);
    } else {
        m_timer.start(delay + m_durationMs);
    }
}

void PullStream::step()
{
    if (m_finished || !m_conn->isOpen())
        return;
    if (!m_stream) {
        if (!m_known) {
            fail(kManifestMissing);
            return;
        }
        complete();
        m_conn->sendResponse(200, kJsonType, "{\"status\":\"success\"}");
        return;
    }
    const qint64 k = m_fault.argOr(3);
    if (m_next >= k || m_next >= m_lines.size()) {
        switch (m_fault.mode) {
        case FaultSpec::Mode::ErrorMidstream:
            fail("max retries exceeded: unexpected EOF");
            return;
        case FaultSpec::Mode::Drop:
            m_finished = true;
            Q_EMIT finished();
            m_conn->dropConnection();
            return;
        case FaultSpec::Mode::Stall:
            return;
        default:
            break;
        }
    }
    if (m_next < m_lines.size()) {
        m_conn->sendChunk(m_lines.at(m_next++));
        if (m_next < m_lines.size() || !m_known) {
            const int interval = m_durationMs / int(std::max<qsizetype>(1, m_lines.size()));
            m_timer.start(m_known ? interval : std::min(interval, 60));
            return;
        }
    }
    if (!m_known) {
        fail(kManifestMissing);
        return;
    }
    complete();
    m_conn->endChunked();
}

void PullStream::complete()
{
    SimModel installed = m_model;
    installed.modifiedAt = QDateTime::currentDateTimeUtc();
    m_models->install(installed);
    m_stats->pullCompleted();
    m_finished = true;
    Q_EMIT finished();
}

void PullStream::fail(const QByteArray &message)
{
    QByteArray body = "{\"error\":";
    wire::appendQuoted(body, QString::fromUtf8(message));
    body += '}';
    m_finished = true;
    Q_EMIT finished();
    if (!m_conn->headersSent()) {
        m_stats->setStatus(m_requestId, 500);
        m_conn->sendResponse(500, kJsonType, body);
    } else {
        // Once a line has gone out the status stays 200: an error line.
        m_conn->sendChunk(body + '\n');
        m_conn->endChunked();
    }
}

void PullStream::onClosed()
{
    if (m_finished)
        return;
    m_finished = true;
    m_timer.stop();
    m_stats->pullCancelled();
    m_stats->clientClosedEarly(m_requestId);
    Q_EMIT finished();
}

} // namespace rt::sim
