#pragma once

#include "job.h"
#include "llm/pullprogress.h"
#include "taskmanager.h"

#include <QPointer>

namespace rt::llm {
class ModelCatalog;
class ModelPull;
} // namespace rt::llm

namespace rt::tasks {

// A model pull as a task: progress is the pull's fraction and summary text;
// cancel stops the download (a later pull resumes it).
//   tasks.submit(PullJob::Kind, PullJob::title(model), std::make_unique<PullJob>(catalog, model, host),
//                PullJob::options(model, host));
class PullJob final : public Job {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PullJob)
public:
    static inline const QString Kind = QStringLiteral("pull");

    PullJob(rt::llm::ModelCatalog *catalog, QString model, QString host = {}, QObject *parent = nullptr);
    ~PullJob() override;

    void start() override;
    void cancel() override;

    static QString title(const QString &model);
    static TaskOptions options(const QString &model, const QString &host);
    // Lets the manager resume interrupted pulls (a re-pull continues on the server).
    static void registerResumer(TaskManager &tasks, rt::llm::ModelCatalog *catalog);

    QString model() const { return m_model; }

signals:
    // The full progress (layers, bytes, speed, ETA) for views that want more than a bar.
    void pullProgressed(const rt::llm::PullProgress &progress);
    // The pull's own result (error codes included), just before finished().
    void pullFinished(const rt::llm::PullResult &result);

private:
    QPointer<rt::llm::ModelCatalog> m_catalog;
    QString m_model;
    QString m_host;
    QPointer<rt::llm::ModelPull> m_pull;
    bool m_cancelled = false;
};

} // namespace rt::tasks
