#pragma once

#include "common/result.h"
#include "debate/debatestate.h"
#include "debate/debatestore.h"
#include "debate/debatetypes.h"
#include "debate/questionset.h"

#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <memory>

namespace rt::llm {
class EndpointPool;
}

namespace rt::debate {

class DebateEngine;

// How one way of answering (single agent, vote, debate) did over a question set.
struct EvalModeStats {
    QString mode; // "single", "vote", "debate"
    int questions = 0;
    int correct = 0;
    int calls = 0; // model requests, repairs included
    int repairCalls = 0; // of which: repair requests for replies that missed the answer format
    int rounds = 0; // summed over questions
    qint64 tokens = 0; // prompt + generated
    QList<int> flipsPerRound; // summed over questions, index 0 = round 1
    int correctToWrong = 0; // a debater left the right answer
    int wrongToCorrect = 0; // a debater found it
    QMap<QString, int> stopReasons;

    double accuracy() const { return questions ? double(correct) / questions : 0.0; }
    QJsonObject toJson() const;
};

struct EvalItem {
    EvalQuestion question;
    QString mode;
    QString answer;
    bool correct = false;
    int calls = 0;
    int repairCalls = 0;
    int rounds = 0;
    qint64 tokens = 0;
    QString stopReason;
    QList<int> flipsPerRound;

    QJsonObject toJson() const;
};

struct EvalReport {
    QString questionSet;
    bool simulated = false; // answers came from roundtable-ollama-sim
    QList<EvalModeStats> modes; // single, vote, debate
    QList<EvalItem> items;

    QJsonObject toJson() const;
    static QString simulatedNote();
};

// Runs a question set three ways with the same agents: the first agent alone,
// a vote of independent answers using as many model calls as the debate used
// on that question, and the debate. One question at a time, one engine at a
// time; nothing is stored.
class EvalRunner final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EvalRunner)
public:
    EvalRunner(rt::llm::EndpointPool *pool, QObject *parent = nullptr);
    ~EvalRunner() override;

    // base: agents, format, rounds, threshold, seed... (question is replaced).
    void start(const DebateConfig &base, const QuestionSet &set, bool simulated);
    void cancel();
    const EvalReport &report() const { return m_report; }

signals:
    void progress(int done, int total, const QString &questionId, const QString &mode);
    void itemFinished(const rt::debate::EvalItem &item);
    void finished(const rt::debate::EvalReport &report);
    void failed(const rt::Error &error);

private:
    void runNext();
    void runMode(const QString &mode, const DebateConfig &config);
    void record(const QString &mode, const DebateOutcome &outcome, const DebateState &state);

    rt::llm::EndpointPool *m_pool;
    MemoryDebateStore m_store;
    std::unique_ptr<DebateEngine> m_engine;
    DebateConfig m_base;
    QuestionSet m_set;
    EvalReport m_report;
    qsizetype m_index = 0;
    int m_step = 0; // 0 single, 1 debate, 2 vote
    int m_debateCalls = 0;
    bool m_cancelled = false;
};

} // namespace rt::debate

Q_DECLARE_METATYPE(rt::debate::EvalItem)
Q_DECLARE_METATYPE(rt::debate::EvalReport)
