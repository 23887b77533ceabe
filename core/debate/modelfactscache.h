#pragma once

#include "common/result.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <functional>

namespace rt::llm {
class OllamaClient;
}

namespace rt::debate {

// What /api/show says about a model, as far as a debate needs it.
struct ModelFacts {
    int contextLength = 0; // trained context length; 0 = unknown
    int loadedContextLength = 0; // num_ctx the model is loaded with now (/api/ps); 0 = not loaded or unknown
    QStringList capabilities;
    bool hasCapability(QStringView cap) const { return capabilities.contains(cap); }
};

// Asks /api/show once per (host, model) and remembers the answer. A missing
// model is remembered too (error code model_not_found); other failures
// (host down) are not, so the next turn asks again. The loaded context length
// comes from /api/ps on every lookup until the model is seen loaded (it is
// loaded by the first request, with the server's context setting).
class ModelFactsCache final {
public:
    using Callback = std::function<void(const rt::Result<ModelFacts> &)>;

    // The callback runs later, on context's thread, never inside this call.
    void lookup(rt::llm::OllamaClient *client, const QString &model, QObject *context, Callback done);
    void clear()
    {
        m_known.clear();
        m_loadedContext.clear();
    }

private:
    struct Pending {
        QPointer<QObject> context;
        Callback done;
    };
    void finishLookup(const QString &key, const rt::Result<ModelFacts> &facts);
    QHash<QString, rt::Result<ModelFacts>> m_known;
    QHash<QString, int> m_loadedContext; // key -> num_ctx seen in /api/ps
    QHash<QString, QList<Pending>> m_pending;
};

} // namespace rt::debate
