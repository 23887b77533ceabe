#include "faultplan.h"

using namespace Qt::StringLiterals;

namespace rt::sim {

void FaultPlan::enqueue(const FaultSpec &spec, int count, const QString &path)
{
    if (count <= 0)
        return;
    m_queue.append(Queued { spec, count, path });
}

int FaultPlan::queuedCount() const
{
    int n = 0;
    for (const auto &q : m_queue)
        n += q.remaining;
    return n;
}

FaultSpec FaultPlan::take(const QString &path, const FaultSpec &fromHeader)
{
    if (!fromHeader.isNone())
        return fromHeader;
    for (qsizetype i = 0; i < m_queue.size(); ++i) {
        Queued &q = m_queue[i];
        if (!q.path.isEmpty() && q.path != path)
            continue;
        const FaultSpec spec = q.spec;
        if (--q.remaining <= 0)
            m_queue.removeAt(i);
        return spec;
    }
    if (isGenerationPath(path))
        return m_runWide;
    return {};
}

bool FaultPlan::isGenerationPath(const QString &path)
{
    return path == "/api/chat"_L1 || path == "/api/generate"_L1;
}

} // namespace rt::sim
