#include "pulljob.h"

#include "llm/modelcatalog.h"
#include "llm/modelpull.h"

#include <QCoreApplication>

namespace rt::tasks {

PullJob::PullJob(rt::llm::ModelCatalog *catalog, QString model, QString host, QObject *parent)
    : Job(parent)
    , m_catalog(catalog)
    , m_model(std::move(model))
    , m_host(std::move(host))
{
}

PullJob::~PullJob()
{
    if (rt::llm::ModelPull *pull = m_pull) {
        disconnect(pull, nullptr, this, nullptr);
        pull->cancel();
    }
}

QString PullJob::title(const QString &model)
{
    return QCoreApplication::translate("rt::tasks", "Pull %1").arg(model);
}

TaskOptions PullJob::options(const QString &model, const QString &host)
{
    return { host, { { QStringLiteral("model"), model } } };
}

void PullJob::registerResumer(TaskManager &tasks, rt::llm::ModelCatalog *catalog)
{
    QPointer<rt::llm::ModelCatalog> guard(catalog);
    tasks.registerResumer(Kind, [guard](const TaskInfo &task) -> std::unique_ptr<Job> {
        const QString model = task.payload.value(QStringLiteral("model")).toString();
        if (!guard || model.isEmpty())
            return nullptr;
        return std::make_unique<PullJob>(guard, model, task.host);
    });
}

void PullJob::start()
{
    if (!m_catalog) {
        fail(QCoreApplication::translate("rt::tasks", "The model catalog is gone; try the pull again."));
        return;
    }
    m_pull = m_catalog->pull(m_model, m_host);
    if (!m_pull) {
        fail(QCoreApplication::translate("rt::tasks", "There is no Ollama host named “%1”; check the hosts in the settings.").arg(m_host));
        return;
    }
    connect(m_pull, &rt::llm::ModelPull::progressed, this, [this](const rt::llm::PullProgress &p) {
        reportProgress(p.phase == rt::llm::PullProgress::Phase::Downloading || p.isDone() ? qMax(0.0, p.fraction()) : -1.0, p.summary());
        emit pullProgressed(p);
    });
    connect(m_pull, &rt::llm::ModelPull::finished, this, [this](const rt::llm::PullResult &result) {
        m_pull = nullptr;
        emit pullFinished(result);
        if (result.ok())
            succeed();
        else if (result.kind == rt::llm::PullResult::Kind::Cancelled || m_cancelled)
            reportCancelled();
        else
            fail(result.error);
    });
}

void PullJob::cancel()
{
    m_cancelled = true;
    if (m_pull)
        m_pull->cancel(); // finished(Cancelled) follows
    else
        reportCancelled();
}

} // namespace rt::tasks
