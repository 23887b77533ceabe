#include "workspace.h"

#include "agents/agentregistry.h"
#include "agents/storageagentstore.h"
#include "common/futurecallback.h"
#include "common/logging.h"
#include "debate/debatejob.h"
#include "debate/storagedebatestore.h"
#include "llm/modelcatalog.h"
#include "storage/storage.h"
#include "tasks/pulljob.h"
#include "tasks/storagetaskstore.h"
#include "tasks/taskmanager.h"

#include <QDir>

namespace rt::ui {

namespace {
rt::storage::DatabaseLocation memoryLocation()
{
    rt::storage::DatabaseLocation location;
    location.sqlitePath = QStringLiteral(":memory:");
    return location;
}

rt::storage::OpenOptions windowOpenOptions()
{
    rt::storage::OpenOptions options;
    // Like the commands that write: leftovers of a crash (rows idle for a
    // while) become interrupted; live rows of another process are left alone.
    options.recover = true;
    options.staleAfterSeconds = 10;
    return options;
}
} // namespace

Workspace::Workspace(const QString &dbArgument, rt::llm::EndpointPool *pool, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_storage(std::make_unique<rt::storage::Storage>())
{
    const rt::Result<rt::storage::DatabaseLocation> location = rt::storage::resolveDatabaseLocation(dbArgument);
    if (!location) {
        // An unusable --db / $ROUNDTABLE_DB: say so once the window listens.
        QMetaObject::invokeMethod(
            this, [this, error = location.error()] { onOpened(rt::Result<rt::storage::OpenReport>(error)); }, Qt::QueuedConnection);
        return;
    }
    m_locationName = QDir::toNativeSeparators(location->displayName());
    m_isSqlite = location->isSqlite();
    rt::whenReady(m_storage->open(*location, windowOpenOptions()), this,
        [this](const rt::Result<rt::storage::OpenReport> &result) { onOpened(result); });
}

Workspace::~Workspace()
{
    // The task manager saves running tasks as interrupted through the store:
    // delete it (and the registry) while the storage thread still runs.
    delete m_tasks;
    m_tasks = nullptr;
    delete m_agents;
    m_agents = nullptr;
}

void Workspace::onOpened(const rt::Result<rt::storage::OpenReport> &result)
{
    if (result) {
        m_report = *result;
        m_state = State::Ready;
        qCInfo(lcUi).noquote() << "database:" << m_locationName << "schema" << m_report.schemaVersion;
        buildServices();
        emit ready();
        return;
    }
    m_error = result.error();
    m_state = State::Failed;
    qCWarning(lcUi).noquote() << "database" << m_locationName << "could not be opened:" << m_error.message;
    m_fallback = std::make_unique<rt::storage::Storage>();
    m_fallback->open(memoryLocation(), windowOpenOptions());
    buildServices();
    emit openFailed(m_error);
    emit ready();
}

void Workspace::setModelCatalog(rt::llm::ModelCatalog *catalog)
{
    m_catalog = catalog;
}

void Workspace::buildServices()
{
    rt::storage::Storage &db = *storage();
    m_debates = std::make_unique<rt::debate::StorageDebateStore>(&db);
    m_agents = new rt::agents::AgentRegistry(std::make_unique<rt::agents::StorageAgentStore>(db), this);
    m_agents->loadAsync();
    m_tasks = new rt::tasks::TaskManager(std::make_unique<rt::tasks::StorageTaskStore>(db), this);
    rt::debate::DebateJob::registerResumer(*m_tasks, m_pool, m_debates.get());
    if (m_catalog)
        rt::tasks::PullJob::registerResumer(*m_tasks, m_catalog);
    m_tasks->restore();
}

} // namespace rt::ui
