#include "modelfactscache.h"

#include "llm/modelcatalog.h"
#include "llm/modelinfo.h"
#include "llm/modelname.h"
#include "llm/ollamaclient.h"
#include "llm/ollamaerrors.h"

#include <QMetaObject>

namespace rt::debate {

void ModelFactsCache::lookup(rt::llm::OllamaClient *client, const QString &model, QObject *context, Callback done)
{
    const QString key = client->baseUrl().toString() + QLatin1Char('|') + model;
    const bool first = !m_pending.contains(key);
    m_pending[key].append(Pending { context, std::move(done) });
    if (!first)
        return;

    // /api/ps until the model is seen loaded; its num_ctx is what requests get.
    const auto withLoaded = [this](const QString &key, const rt::Result<ModelFacts> &facts) -> rt::Result<ModelFacts> {
        if (!facts)
            return facts;
        ModelFacts f = *facts;
        f.loadedContextLength = m_loadedContext.value(key);
        return f;
    };
    const auto withLoadedContext = [this, client, key, model, context, withLoaded](const rt::Result<ModelFacts> &facts) {
        if (!facts || m_loadedContext.value(key) > 0) {
            finishLookup(key, withLoaded(key, facts));
            return;
        }
        client->fetchRunning(context, [this, key, model, facts, withLoaded](const rt::Result<QJsonObject> &ps) {
            if (ps) {
                const QString wanted = rt::llm::normalizeModelName(model);
                for (const rt::llm::RunningModel &running : rt::llm::RunningModel::listFromPs(*ps)) {
                    if (rt::llm::normalizeModelName(running.name) == wanted && running.contextLength > 0)
                        m_loadedContext.insert(key, running.contextLength);
                }
            }
            finishLookup(key, withLoaded(key, facts));
        });
    };

    if (const auto it = m_known.constFind(key); it != m_known.constEnd()) {
        const rt::Result<ModelFacts> known = *it;
        QMetaObject::invokeMethod(
            context, [withLoadedContext, known] { withLoadedContext(known); }, Qt::QueuedConnection);
        return;
    }
    client->showModel(model, context, [this, key, withLoadedContext](const rt::Result<QJsonObject> &result) {
        rt::Result<ModelFacts> facts = rt::Error {};
        if (result) {
            rt::llm::ModelInfo info;
            info.mergeShow(*result);
            facts = ModelFacts { info.contextLength, 0, info.capabilities };
            m_known.insert(key, facts);
        } else {
            facts = result.error();
            if (result.error().code == rt::llm::ErrorCode::ModelNotFound)
                m_known.insert(key, facts);
        }
        withLoadedContext(facts);
    });
}

void ModelFactsCache::finishLookup(const QString &key, const rt::Result<ModelFacts> &facts)
{
    const QList<Pending> waiting = m_pending.take(key);
    for (const Pending &p : waiting) {
        if (p.context)
            p.done(facts);
    }
}

} // namespace rt::debate
