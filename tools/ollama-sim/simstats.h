#pragma once

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

namespace rt::sim {

// Counters that tests read back through GET /_sim/stats. Control requests
// (/_sim/...) are not counted.
class SimStats final {
public:
    // Returns the id used to annotate the request later.
    quint64 recordRequest(const QByteArray &method, const QString &path, const QByteArray &body);
    void setModel(quint64 id, const QString &model);
    void setFault(quint64 id, const QString &fault);
    void setStatus(quint64 id, int status);

    void generationStarted();
    void generationFinished();
    void streamCompleted() { ++m_completedStreams; }
    // A reply whose client went away before it finished.
    void clientClosedEarly(quint64 id);
    void pullCompleted() { ++m_pullsCompleted; }
    void pullCancelled() { ++m_pullsCancelled; }

    int active() const { return m_active; }
    QJsonObject toJson() const;
    void reset();

private:
    struct Record {
        quint64 id = 0;
        QString method;
        QString path;
        QString model;
        QString fault;
        int status = 0;
        bool closedEarly = false;
    };
    Record *find(quint64 id);

    quint64 m_nextId = 1;
    qint64 m_total = 0;
    QMap<QString, qint64> m_byPath;
    int m_active = 0;
    int m_peakActive = 0;
    qint64 m_closedEarly = 0;
    qint64 m_completedStreams = 0;
    qint64 m_pullsCompleted = 0;
    qint64 m_pullsCancelled = 0;
    QString m_lastMethod;
    QString m_lastPath;
    QString m_lastBody;
    QList<Record> m_records; // the last kMaxRecords
};

} // namespace rt::sim
