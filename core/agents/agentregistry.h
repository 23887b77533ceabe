#pragma once

#include "agent.h"
#include "agentstore.h"
#include "agentvalidation.h"
#include "common/result.h"

#include <QHash>
#include <QObject>
#include <QReadWriteLock>
#include <QRecursiveMutex>
#include <memory>
#include <optional>

namespace rt::llm {
struct ModelInfo;
}

namespace rt::agents {

// Every agent the user can seat at a table. Thread-safe: any thread may read
// (concurrently) or write (writes are serialised and persisted before they
// become visible). Change signals are emitted after the change, in the order
// of the changes, from the writing thread; Qt delivers them on each
// receiver's thread (queued when that is another thread).
//
// Built-in roles can be edited and duplicated but not deleted;
// resetToDefault() restores one as shipped.
class AgentRegistry final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AgentRegistry)
public:
    enum class ImportPolicy {
        FailOnConflict, // a name already in use fails the whole import
        Rename, // imported agents get a free name ("Skeptic (2)")
        Replace, // the existing agent of that name is overwritten (keeps its id)
    };

    // Without a store, agents live in memory (MemoryAgentStore).
    explicit AgentRegistry(QObject *parent = nullptr);
    explicit AgentRegistry(std::unique_ptr<AgentStore> store, QObject *parent = nullptr);
    ~AgentRegistry() override;

    // Loads the stored agents and adds any built-in role that is missing.
    // Call once at start-up; emits agentsReset().
    rt::Status load();

    // Reading (any thread).
    QList<Agent> agents() const; // built-ins in role order, then the rest by name
    std::optional<Agent> agent(qint64 id) const;
    std::optional<Agent> findByName(const QString &name) const; // case-insensitive
    std::optional<Agent> builtin(const QString &roleKey) const;
    // By id ("12") or name; for command lines.
    std::optional<Agent> find(const QString &idOrName) const;
    qsizetype count() const;

    // What the validator knows about installed models (from ModelCatalog).
    void setKnownModels(const QList<rt::llm::ModelInfo> &models);
    void setModelFacts(const ModelFacts &facts);
    ModelFacts modelFacts() const;

    // The checks add()/update() apply, including the unique name; warnings
    // (an unknown model, a long prompt) do not block saving.
    ValidationReport validate(const Agent &agent) const;

    // Writing (any thread). Each returns the agent as stored; `warnings`, if
    // given, receives the validation warnings.
    rt::Result<Agent> add(const Agent &agent, QStringList *warnings = nullptr);
    rt::Result<Agent> update(const Agent &agent, QStringList *warnings = nullptr);
    rt::Status remove(qint64 id);
    rt::Result<Agent> duplicate(qint64 id, const QString &newName = {});
    rt::Result<Agent> resetToDefault(qint64 id);

    // All or nothing: every agent in the file is validated first; on any
    // problem nothing is imported and the error names the agent.
    rt::Result<QList<Agent>> importJson(const QByteArray &json, ImportPolicy policy = ImportPolicy::FailOnConflict);
    rt::Result<QList<Agent>> importAgents(QList<Agent> agents, ImportPolicy policy = ImportPolicy::FailOnConflict);
    // {"version":1,"agents":[...]}; all agents when ids is empty.
    QByteArray exportJson(const QList<qint64> &ids = {}) const;

    // A name not used yet, based on `base` ("Skeptic (copy)", "Skeptic (copy 2)").
    QString uniqueName(const QString &base) const;

signals:
    void agentAdded(const rt::agents::Agent &agent);
    void agentChanged(const rt::agents::Agent &agent);
    void agentRemoved(qint64 id, const QString &name);
    void agentsReset(); // after load(): re-read agents()

private:
    static QString key(const QString &name);
    static Agent normalised(Agent agent);
    // With m_lock held for reading (or the write mutex held).
    ValidationReport validateLocked(const Agent &agent) const;
    bool nameTakenLocked(const QString &name, qint64 exceptId) const;
    QString uniqueNameLocked(const QString &base, const QSet<QString> &alsoTaken = {}) const;
    void commitLocked(const QList<Agent> &saved); // memory update after a successful save

    std::unique_ptr<AgentStore> m_store;
    mutable QRecursiveMutex m_writeMutex; // serialises writers, store calls and their signals
    mutable QReadWriteLock m_lock; // guards the members below; never held while emitting
    QHash<qint64, Agent> m_agents;
    QHash<QString, qint64> m_byName; // key(name) -> id
    ModelFacts m_models;
};

} // namespace rt::agents
