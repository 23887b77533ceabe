#pragma once

#include "storage/storage.h"

#include <QElapsedTimer>
#include <QThread>
#include <QTimer>

namespace rt::test {

// Records how late a 10 ms timer on this thread fires: a blocking wait on the
// thread shows up as lateness.
class LatenessProbe final {
public:
    LatenessProbe()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(10);
        QObject::connect(&m_timer, &QTimer::timeout, &m_timer, [this] {
            const qint64 t = m_clock.elapsed();
            if (m_last >= 0)
                m_worst = qMax(m_worst, t - m_last - 10);
            m_last = t;
        });
        m_clock.start();
        m_timer.start();
    }
    qint64 worstMs() const { return m_worst; }
    qint64 elapsedMs() const { return m_clock.elapsed(); }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = -1;
    qint64 m_worst = 0;
};

// Queues `ms` of sleep on the storage thread, so the next call waits behind it:
// a slow disk or a locked database, as the caller sees it.
inline void delayStorage(rt::storage::Storage &storage, int ms)
{
    (void)storage.read([ms](rt::storage::StorageContext &) {
        QThread::msleep(ms);
        return rt::Result<int>(0);
    });
}

} // namespace rt::test
