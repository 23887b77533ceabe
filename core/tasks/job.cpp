#include "job.h"

#include "common/translate.h"

#include <QCoreApplication>

namespace rt::tasks {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::tasks)
};
} // namespace

Job::Job(QObject *parent)
    : QObject(parent)
{
}

Job::~Job() = default;

void Job::reportProgress(double fraction, const QString &text)
{
    if (!m_finished)
        emit progressed(fraction, text);
}

void Job::setPayload(const QJsonObject &payload)
{
    if (!m_finished)
        emit payloadChanged(payload);
}

void Job::succeed()
{
    finish(TaskStatus::Succeeded, {});
}

void Job::fail(const QString &error)
{
    finish(TaskStatus::Failed, error.isEmpty() ? Tr::tr("The task failed.") : error);
}

void Job::reportCancelled()
{
    finish(TaskStatus::Cancelled, {});
}

void Job::finish(TaskStatus status, const QString &error)
{
    if (m_finished)
        return;
    m_finished = true;
    emit finished(status, error);
}

FunctionJob::FunctionJob(Fn start, Fn cancel, QObject *parent)
    : Job(parent)
    , m_start(std::move(start))
    , m_cancel(std::move(cancel))
{
}

void FunctionJob::start()
{
    if (m_start)
        m_start(*this);
    else
        succeed();
}

void FunctionJob::cancel()
{
    if (m_cancel)
        m_cancel(*this);
    else
        reportCancelled();
}

} // namespace rt::tasks
