#include "processmetrics.h"

#include "metricnames.h"
#include "metricsregistry.h"

#include <QFile>

#if defined(Q_OS_UNIX)
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace rt::metrics {

void updateProcessMetrics(MetricsRegistry &registry)
{
#if defined(Q_OS_UNIX)
    rusage usage {};
    if (getrusage(RUSAGE_SELF, &usage) == 0) {
        const double cpu
            = double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
        // A counter: set, not added, since the kernel keeps the total.
        registry.counter(name::CpuSeconds)->set(cpu);
    }
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (statm.open(QIODevice::ReadOnly)) {
        const QList<QByteArray> fields = statm.readAll().split(' ');
        if (fields.size() > 1)
            registry.gauge(name::ResidentBytes)->set(fields.at(1).toDouble() * double(sysconf(_SC_PAGESIZE)));
    } else if (getrusage(RUSAGE_SELF, &usage) == 0) {
        registry.gauge(name::ResidentBytes)->set(double(usage.ru_maxrss) * 1024.0); // peak, the best a non-Linux Unix offers
    }
#else
    Q_UNUSED(registry);
#endif
}

} // namespace rt::metrics
