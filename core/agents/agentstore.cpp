#include "agentstore.h"

#include "common/futurecallback.h"

#include <algorithm>

namespace rt::agents {

QFuture<rt::Result<QList<Agent>>> MemoryAgentStore::loadAll()
{
    QMutexLocker locker(&m_mutex);
    QList<Agent> list = m_agents.values();
    std::sort(list.begin(), list.end(), [](const Agent &a, const Agent &b) { return a.id < b.id; });
    return rt::readyFuture(rt::Result<QList<Agent>>(list));
}

QFuture<rt::Result<QList<Agent>>> MemoryAgentStore::save(const QList<Agent> &agents)
{
    QMutexLocker locker(&m_mutex);
    if (!m_failMessage.isEmpty())
        return rt::readyFuture(rt::Result<QList<Agent>>(Error { QStringLiteral("storage"), std::exchange(m_failMessage, {}) }));
    ++m_writes;
    QList<Agent> saved = agents;
    for (Agent &agent : saved) {
        if (agent.id <= 0)
            agent.id = m_nextId++;
        else
            m_nextId = qMax(m_nextId, agent.id + 1);
        m_agents.insert(agent.id, agent);
    }
    return rt::readyFuture(rt::Result<QList<Agent>>(saved));
}

QFuture<rt::Status> MemoryAgentStore::remove(qint64 id)
{
    QMutexLocker locker(&m_mutex);
    if (!m_failMessage.isEmpty())
        return rt::readyFuture(rt::Status(Error { QStringLiteral("storage"), std::exchange(m_failMessage, {}) }));
    ++m_writes;
    m_agents.remove(id);
    return rt::readyFuture(rt::Status());
}

void MemoryAgentStore::failNextWrite(const QString &message)
{
    QMutexLocker locker(&m_mutex);
    m_failMessage = message;
}

int MemoryAgentStore::writes() const
{
    QMutexLocker locker(&m_mutex);
    return m_writes;
}

} // namespace rt::agents
