#include "correlationid.h"

#include <atomic>

namespace rt {
QString nextCorrelationId(QStringView prefix)
{
    static std::atomic<quint32> counter { 0 };
    const quint32 n = ++counter;
    return prefix.toString() + QLatin1Char('-') + QString::number(n, 16).rightJustified(6, QLatin1Char('0'));
}
} // namespace rt
