// DebateEngine seating: which host each seat speaks on, and who can speak.
#include "common/correlationid.h"
#include "common/logging.h"
#include "debateengine.h"
#include "debateengine_p.h"
#include "llm/endpointpool.h"
#include "llm/modelinfo.h"
#include "llm/ollamaclient.h"
#include "llm/ollamaerrors.h"
#include "llm/ollamahost.h"
#include "llm/pooledchat.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace rt::debate {

using namespace detail;

void DebateEngine::refreshHostModels(std::function<void()> done)
{
    // What each host has decides where seats sit; ask the hosts whose list the
    // pool does not know yet (a host that does not answer counts against its breaker).
    QStringList unknown;
    for (const rt::llm::HostStatus &h : m_pool->statuses()) {
        if (!h.modelsKnown && h.isAvailable())
            unknown.append(h.config.name);
    }
    if (unknown.isEmpty()) {
        QMetaObject::invokeMethod(
            this, [done] { done(); }, Qt::QueuedConnection);
        return;
    }
    auto remaining = std::make_shared<int>(int(unknown.size()));
    for (const QString &host : std::as_const(unknown)) {
        rt::llm::OllamaClient *control = m_pool->controlClient(host);
        if (!control) {
            if (--*remaining == 0)
                done();
            continue;
        }
        control->fetchModels(this, [this, host, remaining, done](const rt::Result<QList<rt::llm::ModelInfo>> &models) {
            if (models) {
                QStringList names;
                for (const rt::llm::ModelInfo &m : *models)
                    names.append(m.name);
                m_pool->setHostModels(host, names);
                m_pool->reportSuccess(host);
            } else {
                qCDebug(lcDebate) << "model list of host" << host << "unavailable:" << models.error().message;
                m_pool->reportFailure(host, models.error());
                m_refreshFailed.insert(host);
            }
            if (--*remaining == 0)
                done();
        });
    }
}

void DebateEngine::assignSeatHosts()
{
    // Spread the seats over the hosts that have their models: each seat goes to
    // the host with the fewest seats so far among those that have its first
    // available model (configuration order breaks ties).
    m_seatHosts.clear();
    QHash<QString, int> seated;
    const QStringList order = m_pool->hostNames();
    for (const Seat &seat : std::as_const(m_state.seats)) {
        const QStringList models = seat.agent.modelsToTry();
        QString best;
        for (const QString &model : models.isEmpty() ? QStringList { QString() } : models) {
            QStringList candidates;
            for (const QString &host : order) {
                if (!m_pool->isAvailable(host) || m_refreshFailed.contains(host))
                    continue;
                const std::optional<bool> has = m_pool->hostHasModel(host, model);
                if (model.isEmpty() || (has && *has))
                    candidates.append(host);
            }
            for (const QString &host : std::as_const(candidates)) {
                if (best.isEmpty() || seated.value(host) < seated.value(best))
                    best = host;
            }
            if (!best.isEmpty())
                break;
        }
        if (best.isEmpty())
            continue; // routed per turn (the model may appear, or the seat is skipped)
        m_seatHosts.insert(seat.index, best);
        ++seated[best];
        qCDebug(lcDebate) << "seat" << seat.index << seat.agent.name << "sits on host" << best;
    }
    m_refreshFailed.clear();
}

bool DebateEngine::seatCanSpeak(int seat) const
{
    if (m_unavailableSeats.contains(seat))
        return false;
    const Seat *s = m_state.seat(seat);
    return s && m_pool->route(s->agent.modelsToTry()).ok();
}

int DebateEngine::availableSpeakers() const
{
    int n = 0;
    for (int s : m_state.speakingSeats()) {
        if (seatCanSpeak(s))
            ++n;
    }
    return n;
}

} // namespace rt::debate
