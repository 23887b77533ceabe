#pragma once

#include "common/result.h"
#include "task.h"

#include <QJsonObject>
#include <QObject>
#include <functional>

namespace rt::tasks {

// The work behind a task. TaskManager calls start() once (when a slot is
// free) and cancel() when the user asks; the job reports progress and must end
// with exactly one of succeed(), fail() or reportCancelled() (from start()
// or later, from any event of its own thread). After finishing it is deleted
// by the manager.
class Job : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Job)
public:
    explicit Job(QObject *parent = nullptr);
    ~Job() override;

    virtual void start() = 0;
    // Stop soon; then reportCancelled() (or fail/succeed if it was too late).
    virtual void cancel() = 0;
    // Pausable jobs (a debate between turns) override these three.
    virtual bool canPause() const { return false; }
    virtual void pause() { }
    virtual void resume() { }

    bool isFinished() const { return m_finished; }

signals:
    // fraction 0..1, or -1 while the amount of work is unknown
    void progressed(double fraction, const QString &text);
    // What resume needs (saved with the task), e.g. {"debate_id": 12}.
    void payloadChanged(const QJsonObject &payload);
    void pausedChanged(bool paused);
    // status is Succeeded, Failed or Cancelled.
    void finished(rt::tasks::TaskStatus status, const QString &error);

protected:
    void reportProgress(double fraction, const QString &text = {});
    void setPayload(const QJsonObject &payload);
    void succeed();
    void fail(const QString &error);
    void fail(const rt::Error &error) { fail(error.message); }
    void reportCancelled();

private:
    void finish(TaskStatus status, const QString &error);
    bool m_finished = false;
};

// A job from two functions, for small jobs and tests:
//   auto job = std::make_unique<FunctionJob>([](FunctionJob &j) { ...; j.succeed(); });
// Without a cancel function, cancel() reports cancelled at once.
class FunctionJob final : public Job {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FunctionJob)
public:
    using Fn = std::function<void(FunctionJob &job)>;
    explicit FunctionJob(Fn start, Fn cancel = {}, QObject *parent = nullptr);

    void start() override;
    void cancel() override;

    using Job::fail;
    using Job::reportCancelled;
    using Job::reportProgress;
    using Job::setPayload;
    using Job::succeed;

private:
    Fn m_start;
    Fn m_cancel;
};

} // namespace rt::tasks
