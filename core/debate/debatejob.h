#pragma once

#include "debate/debatetypes.h"
#include "tasks/job.h"
#include "tasks/taskmanager.h"

#include <QPointer>

namespace rt::llm {
class EndpointPool;
}

namespace rt::debate {

class DebateEngine;
class DebateStore;

// A debate as a task: a DebateEngine on the given pool and store, either
// starting a new debate or continuing a stored one. Progress is rounds done
// of rounds planned; the payload holds {"debate_id": N} as soon as the
// debate has an id, which is what the "debate" resumer needs. cancel()
// interrupts the engine: the turn in flight is kept and the debate stays
// resumable (roundtable debate --resume N, or tasks resume).
//   tasks.submit(DebateJob::Kind, DebateJob::title(config.question),
//                std::make_unique<DebateJob>(pool, store, config));
class DebateJob final : public rt::tasks::Job {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DebateJob)
public:
    static inline const QString Kind = QStringLiteral("debate");
    static inline const QString DebateIdKey = QStringLiteral("debate_id");

    // pool and store are not owned and must outlive the job.
    DebateJob(rt::llm::EndpointPool *pool, DebateStore *store, DebateConfig config, QObject *parent = nullptr);
    DebateJob(rt::llm::EndpointPool *pool, DebateStore *store, qint64 debateId, QObject *parent = nullptr);
    ~DebateJob() override;

    void start() override;
    void cancel() override;
    bool canPause() const override { return true; }
    void pause() override;
    void resume() override;

    // For views that show the debate itself (turns, tokens, consensus).
    DebateEngine *engine() const { return m_engine; }
    qint64 debateId() const { return m_debateId; }
    // Set once the debate has ended (finished, failed or interrupted).
    const std::optional<DebateOutcome> &outcome() const { return m_outcome; }

    static QString title(const QString &question);
    // Continues interrupted debate tasks from their payload's debate id.
    static void registerResumer(rt::tasks::TaskManager &tasks, rt::llm::EndpointPool *pool, DebateStore *store);

private:
    void connectEngine();
    void roundProgress(int roundsDone, int maxRounds, const QString &text);

    DebateEngine *m_engine = nullptr; // child
    std::optional<DebateConfig> m_config; // a new debate
    qint64 m_debateId = 0; // known at once when restoring
    int m_maxRounds = 0;
    std::optional<DebateOutcome> m_outcome;
};

} // namespace rt::debate
