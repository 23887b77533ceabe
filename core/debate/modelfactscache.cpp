#include "modelfactscache.h"

#include "llm/modelinfo.h"
#include "llm/ollamaclient.h"
#include "llm/ollamaerrors.h"

#include <QMetaObject>

namespace rt::debate {

void ModelFactsCache::lookup(rt::llm::OllamaClient *client, const QString &model, QObject *context, Callback done)
{
    const QString key = client->baseUrl().toString() + QLatin1Char('|') + model;
    if (const auto it = m_known.constFind(key); it != m_known.constEnd()) {
        QMetaObject::invokeMethod(context, [done, result = *it] { done(result); }, Qt::QueuedConnection);
        return;
    }
    const bool first = !m_pending.contains(key);
    m_pending[key].append(Pending{context, std::move(done)});
    if (!first)
        return;
    client->showModel(model, context, [this, key](const rt::Result<QJsonObject> &result) {
        rt::Result<ModelFacts> facts = rt::Error{};
        if (result) {
            rt::llm::ModelInfo info;
            info.mergeShow(*result);
            facts = ModelFacts{info.contextLength, info.capabilities};
            m_known.insert(key, facts);
        } else {
            facts = result.error();
            if (result.error().code == rt::llm::ErrorCode::ModelNotFound)
                m_known.insert(key, facts);
        }
        const QList<Pending> waiting = m_pending.take(key);
        for (const Pending &p : waiting) {
            if (p.context)
                p.done(facts);
        }
    });
}

} // namespace rt::debate
