#include "simstats.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace rt::sim {

namespace {
constexpr qsizetype kMaxRecords = 50;
constexpr qsizetype kMaxBodyChars = 64 * 1024;
} // namespace

quint64 SimStats::recordRequest(const QByteArray &method, const QString &path, const QByteArray &body)
{
    ++m_total;
    ++m_byPath[path];
    m_lastMethod = QString::fromLatin1(method);
    m_lastPath = path;
    m_lastBody = QString::fromUtf8(body.left(kMaxBodyChars));
    Record r;
    r.id = m_nextId++;
    r.method = m_lastMethod;
    r.path = path;
    m_records.append(r);
    if (m_records.size() > kMaxRecords)
        m_records.removeFirst();
    return r.id;
}

SimStats::Record *SimStats::find(quint64 id)
{
    for (Record &r : m_records) {
        if (r.id == id)
            return &r;
    }
    return nullptr;
}

void SimStats::setModel(quint64 id, const QString &model)
{
    if (Record *r = find(id))
        r->model = model;
}

void SimStats::setFault(quint64 id, const QString &fault)
{
    if (Record *r = find(id))
        r->fault = fault;
}

void SimStats::setStatus(quint64 id, int status)
{
    if (Record *r = find(id))
        r->status = status;
}

void SimStats::generationStarted()
{
    ++m_active;
    m_peakActive = std::max(m_peakActive, m_active);
}

void SimStats::generationFinished()
{
    m_active = std::max(0, m_active - 1);
}

void SimStats::clientClosedEarly(quint64 id)
{
    ++m_closedEarly;
    if (Record *r = find(id))
        r->closedEarly = true;
}

QJsonObject SimStats::toJson() const
{
    QJsonObject byPath;
    for (auto it = m_byPath.constBegin(); it != m_byPath.constEnd(); ++it)
        byPath.insert(it.key(), it.value());
    QJsonArray records;
    for (const Record &r : m_records) {
        QJsonObject o;
        o.insert(u"method"_s, r.method);
        o.insert(u"path"_s, r.path);
        o.insert(u"model"_s, r.model);
        o.insert(u"status"_s, r.status);
        o.insert(u"closed_early"_s, r.closedEarly);
        o.insert(u"fault"_s, r.fault);
        records.append(o);
    }
    QJsonObject last;
    if (!m_lastPath.isEmpty()) {
        last.insert(u"method"_s, m_lastMethod);
        last.insert(u"path"_s, m_lastPath);
        last.insert(u"body"_s, m_lastBody);
    }
    QJsonObject o;
    o.insert(u"requests_total"_s, m_total);
    o.insert(u"by_path"_s, byPath);
    o.insert(u"active"_s, m_active);
    o.insert(u"peak_active"_s, m_peakActive);
    o.insert(u"client_closed_early"_s, m_closedEarly);
    o.insert(u"completed_streams"_s, m_completedStreams);
    o.insert(u"pulls_completed"_s, m_pullsCompleted);
    o.insert(u"pulls_cancelled"_s, m_pullsCancelled);
    o.insert(u"last_request"_s, last);
    o.insert(u"requests"_s, records);
    return o;
}

void SimStats::reset()
{
    // Requests still in flight keep counting in `active`.
    const int active = m_active;
    const quint64 nextId = m_nextId;
    *this = SimStats();
    m_active = active;
    m_peakActive = active;
    m_nextId = nextId;
}

} // namespace rt::sim
