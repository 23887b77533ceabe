#pragma once

#include "agent.h"
#include "agentstore.h"
#include "agentvalidation.h"
#include "common/result.h"

#include <QFuture>
#include <QHash>
#include <QMutex>
#include <QObject>
#include <QReadWriteLock>
#include <deque>
#include <functional>
#include <memory>
#include <optional>

namespace rt::llm {
struct ModelInfo;
}

namespace rt::agents {

// Every agent the user can seat at a table. Thread-safe: any thread may read
// (concurrently, never waiting for storage) or write. Writes never block:
// each returns a future at once; they run one after another on the
// registry's thread, each validated against the state its predecessors
// left, persisted through the store (no lock is held while the store works),
// and only then made visible. The future is fulfilled and the change signal
// emitted on the registry's thread, in the order of the changes; Qt delivers
// signals on each receiver's thread.
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
    // Call once at start-up; emits agentsReset() when done.
    QFuture<rt::Status> loadAsync();

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

    // Writing (any thread). Each future holds the agent as stored (or why
    // not); validate() gives the warnings, which do not block saving.
    QFuture<rt::Result<Agent>> add(const Agent &agent);
    QFuture<rt::Result<Agent>> update(const Agent &agent);
    QFuture<rt::Status> remove(qint64 id);
    QFuture<rt::Result<Agent>> duplicate(qint64 id, const QString &newName = {});
    QFuture<rt::Result<Agent>> resetToDefault(qint64 id);

    // All or nothing: every agent in the file is validated first; on any
    // problem nothing is imported and the error names the agent.
    QFuture<rt::Result<QList<Agent>>> importJson(const QByteArray &json, ImportPolicy policy = ImportPolicy::FailOnConflict);
    QFuture<rt::Result<QList<Agent>>> importAgents(QList<Agent> agents, ImportPolicy policy = ImportPolicy::FailOnConflict);
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
    // A write in the queue: runs on the registry's thread and calls done()
    // exactly once when it has finished (after its store call, if any).
    using Operation = std::function<void(std::function<void()> done)>;
    void enqueue(Operation operation);
    void runNext();
    QList<Agent> missingBuiltins(const QList<Agent> &stored) const;
    void applyLoaded(const QList<Agent> &agents);
    void doAdd(Agent agent, std::function<void(const rt::Result<Agent> &)> finish);
    void doUpdate(Agent agent, std::function<void(const rt::Result<Agent> &)> finish);
    // Saves, commits and signals; `isNew` says which signal each agent gets.
    void saveAndCommit(const QList<Agent> &toSave, const QList<bool> &isNew, std::function<void(const rt::Result<QList<Agent>> &)> finish);

    static QString key(const QString &name);
    static Agent normalised(Agent agent);
    // With m_lock held for reading (or the write mutex held).
    ValidationReport validateLocked(const Agent &agent) const;
    bool nameTakenLocked(const QString &name, qint64 exceptId) const;
    QString uniqueNameLocked(const QString &base, const QSet<QString> &alsoTaken = {}) const;
    void commitLocked(const QList<Agent> &saved); // memory update after a successful save

    std::unique_ptr<AgentStore> m_store;
    QMutex m_queueMutex; // guards the two members below; held only to queue or take
    std::deque<Operation> m_queue;
    bool m_running = false; // an operation is in flight (or a run is posted)
    mutable QReadWriteLock m_lock; // guards the members below; never held while emitting or storing
    QHash<qint64, Agent> m_agents;
    QHash<QString, qint64> m_byName; // key(name) -> id
    ModelFacts m_models;
};

} // namespace rt::agents
