// DebateEngine embeddings: vectors for free-text answers, from any host that has
// an embedding model.
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

rt::llm::OllamaClient *DebateEngine::controlClientFor(const QString &model) const
{
    const auto route = m_pool->route(model.isEmpty() ? QStringList() : QStringList { model });
    return route ? m_pool->controlClient(route->host) : nullptr;
}

void DebateEngine::embed(const QStringList &texts, std::function<void(const QList<QList<double>> &)> done)
{
    switch (m_embedState) {
    case EmbedState::Off:
        QMetaObject::invokeMethod(
            this, [done] { done({}); }, Qt::QueuedConnection);
        return;
    case EmbedState::Resolving:
        m_embedWaiters.append([this, texts, done] { embed(texts, done); });
        return;
    case EmbedState::Unknown: {
        const QString configured = m_state.config.embeddingModel.trimmed();
        if (configured == u"none"_s) {
            m_embedState = EmbedState::Off;
            embed(texts, done);
            return;
        }
        if (!configured.isEmpty()) {
            m_embedModel = configured;
            m_embedState = EmbedState::Ready;
            embed(texts, done);
            return;
        }
        m_embedState = EmbedState::Resolving;
        m_embedWaiters.append([this, texts, done] { embed(texts, done); });
        rt::llm::OllamaClient *control = controlClientFor({});
        if (!control) {
            m_embedState = EmbedState::Off;
            const QList<std::function<void()>> waiters = std::exchange(m_embedWaiters, {});
            for (const auto &w : waiters)
                w();
            return;
        }
        control->fetchModels(this, [this](const rt::Result<QList<rt::llm::ModelInfo>> &models) {
            m_embedState = EmbedState::Off;
            if (models) {
                for (const rt::llm::ModelInfo &m : *models) {
                    if (m.hasCapability(u"embedding") || m.name.contains(u"embed"_s, Qt::CaseInsensitive)) {
                        m_embedModel = m.name;
                        m_embedState = EmbedState::Ready;
                        break;
                    }
                }
            }
            qCDebug(lcDebate) << "embedding model for free-text answers:"
                              << (m_embedModel.isEmpty() ? u"none (word overlap)"_s : m_embedModel);
            const QList<std::function<void()>> waiters = std::exchange(m_embedWaiters, {});
            for (const auto &w : waiters)
                w();
        });
        return;
    }
    case EmbedState::Ready:
        break;
    }
    const qsizetype expected = texts.size();
    rt::llm::OllamaClient *control = controlClientFor(m_embedModel);
    if (!control) {
        QMetaObject::invokeMethod(
            this, [done] { done({}); }, Qt::QueuedConnection);
        return;
    }
    control->embed(m_embedModel, texts, this, [this, done, expected](const rt::Result<QList<QList<double>>> &vectors) {
        if (!vectors || vectors->size() != expected) {
            if (m_embedState == EmbedState::Ready) {
                m_embedState = EmbedState::Off;
                addNote(NoteKind::Warning, -1,
                    tr("Embeddings from %1 are not available (%2); free-text answers are grouped by word overlap instead.")
                        .arg(m_embedModel, vectors ? tr("wrong number of vectors") : vectors.error().message));
            }
            done({});
            return;
        }
        done(*vectors);
    });
}

void DebateEngine::fillEmbeddings(QList<TurnRecord *> turns, std::function<void()> done)
{
    if (turns.isEmpty()) {
        done();
        return;
    }
    // Indices, not pointers, survive until the callback (nothing is appended while busy).
    QList<qsizetype> indices;
    QStringList texts;
    for (TurnRecord *t : turns) {
        indices.append(t - m_state.turns.data());
        texts.append(t->stance.answer);
    }
    embed(texts, [this, indices, done](const QList<QList<double>> &vectors) {
        if (vectors.size() == indices.size()) {
            for (qsizetype i = 0; i < indices.size(); ++i) {
                if (indices.at(i) < m_state.turns.size())
                    m_state.turns[indices.at(i)].embedding = vectors.at(i);
            }
        }
        done();
    });
}

} // namespace rt::debate
