#pragma once

#include "common/result.h"
#include "storage/databaselocation.h"
#include "storage/migrator.h"

#include <QObject>
#include <QPointer>
#include <memory>

namespace rt::agents {
class AgentRegistry;
}
namespace rt::debate {
class StorageDebateStore;
}
namespace rt::llm {
class EndpointPool;
class ModelCatalog;
} // namespace rt::llm
namespace rt::storage {
class Storage;
}
namespace rt::tasks {
class TaskManager;
}

namespace rt::ui {

// What the window keeps and runs: the database (opened on its storage
// thread, never waited for here), the agent registry, the debate store and
// the task manager, all on that one database. Every page reaches storage
// through this object, so `--db`, $ROUNDTABLE_DB and the settings decide for
// the whole window, as they do for the command line.
//
// Opening is asynchronous: calls made before it finishes wait behind it on
// the storage thread. If the database cannot be opened the window keeps
// working on an in-memory database and says so (openFailed); nothing is
// written to the wrong place.
class Workspace final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Workspace)
public:
    enum class State { Opening, Ready, Failed };
    Q_ENUM(State)

    // dbArgument: --db (empty = $ROUNDTABLE_DB, then the settings, then the
    // default file). pool is not owned; it runs the debates resumed as tasks.
    Workspace(const QString &dbArgument, rt::llm::EndpointPool *pool, QObject *parent = nullptr);
    ~Workspace() override;

    // Lets the task manager resume interrupted model pulls. Call before ready().
    void setModelCatalog(rt::llm::ModelCatalog *catalog);

    State state() const { return m_state; }
    // Where the data goes, for the title bar and settings ("~/.local/share/…/roundtable.sqlite").
    QString locationName() const { return m_locationName; }
    // The chosen database is a SQLite file (false: PostgreSQL, or none could be chosen).
    bool isSqlite() const { return m_isSqlite; }
    // Why the chosen database could not be used (state Failed).
    const rt::Error &error() const { return m_error; }
    const rt::storage::OpenReport &report() const { return m_report; }

    bool isReady() const { return m_state != State::Opening; }

    // Valid from construction (calls wait behind the opening); replaced once,
    // by the in-memory stand-in, if opening fails. Do not keep the pointer
    // across openFailed().
    rt::storage::Storage *storage() const { return m_fallback ? m_fallback.get() : m_storage.get(); }
    // Null until ready().
    rt::agents::AgentRegistry *agents() const { return m_agents; }
    rt::debate::StorageDebateStore *debates() const { return m_debates.get(); }
    rt::tasks::TaskManager *tasks() const { return m_tasks; }

signals:
    // The chosen database could not be opened; an in-memory one stands in.
    // Emitted before ready().
    void openFailed(const rt::Error &error);
    // Storage, agents, debates and tasks are there (agents and tasks are
    // still loading: AgentRegistry::agentsReset and TaskManager signals follow).
    void ready();

private:
    void onOpened(const rt::Result<rt::storage::OpenReport> &result);
    void buildServices();

    rt::llm::EndpointPool *m_pool;
    QPointer<rt::llm::ModelCatalog> m_catalog;
    std::unique_ptr<rt::storage::Storage> m_storage; // the chosen database
    std::unique_ptr<rt::storage::Storage> m_fallback; // in memory, when the chosen one failed
    std::unique_ptr<rt::debate::StorageDebateStore> m_debates;
    rt::agents::AgentRegistry *m_agents = nullptr; // child
    rt::tasks::TaskManager *m_tasks = nullptr; // child
    State m_state = State::Opening;
    QString m_locationName;
    bool m_isSqlite = false;
    rt::Error m_error;
    rt::storage::OpenReport m_report;
};

} // namespace rt::ui
