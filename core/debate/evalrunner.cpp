#include "evalrunner.h"

#include "debate/consensusmeter.h"
#include "debate/debateengine.h"

#include <QCoreApplication>
#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace rt::debate {

namespace {
QJsonArray intArray(const QList<int> &list)
{
    QJsonArray a;
    for (int v : list)
        a.append(v);
    return a;
}
} // namespace

QJsonObject EvalModeStats::toJson() const
{
    QJsonObject reasons;
    for (auto it = stopReasons.cbegin(); it != stopReasons.cend(); ++it)
        reasons.insert(it.key(), it.value());
    return { { u"mode"_s, mode }, { u"questions"_s, questions }, { u"correct"_s, correct }, { u"accuracy"_s, accuracy() },
        { u"calls"_s, calls }, { u"repair_calls"_s, repairCalls }, { u"rounds"_s, rounds }, { u"tokens"_s, double(tokens) },
        { u"flips_per_round"_s, intArray(flipsPerRound) }, { u"correct_to_wrong"_s, correctToWrong },
        { u"wrong_to_correct"_s, wrongToCorrect }, { u"stop_reasons"_s, reasons } };
}

QJsonObject EvalItem::toJson() const
{
    return { { u"id"_s, question.id }, { u"mode"_s, mode }, { u"expected"_s, question.answer }, { u"answer"_s, answer },
        { u"correct"_s, correct }, { u"calls"_s, calls }, { u"rounds"_s, rounds }, { u"tokens"_s, double(tokens) },
        { u"stop_reason"_s, stopReason }, { u"flips_per_round"_s, intArray(flipsPerRound) } };
}

QString EvalReport::simulatedNote()
{
    return QCoreApplication::translate("rt::debate",
        "These answers came from roundtable-ollama-sim: the figures describe the debate engine, "
        "not the quality of any real model.");
}

QJsonObject EvalReport::toJson() const
{
    QJsonObject modeObject;
    for (const EvalModeStats &m : modes)
        modeObject.insert(m.mode, m.toJson());
    QJsonArray itemArray;
    for (const EvalItem &i : items)
        itemArray.append(i.toJson());
    QJsonObject o { { u"question_set"_s, questionSet }, { u"simulated"_s, simulated }, { u"modes"_s, modeObject },
        { u"items"_s, itemArray } };
    if (simulated)
        o.insert(u"note"_s, simulatedNote());
    return o;
}

EvalRunner::EvalRunner(rt::llm::EndpointPool *pool, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
{
    qRegisterMetaType<rt::debate::EvalItem>();
    qRegisterMetaType<rt::debate::EvalReport>();
}

EvalRunner::~EvalRunner() = default;

void EvalRunner::start(const DebateConfig &base, const QuestionSet &set, bool simulated)
{
    m_base = base;
    m_set = set;
    m_report = EvalReport();
    m_report.questionSet = set.name;
    m_report.simulated = simulated;
    for (const auto &mode : { u"single"_s, u"vote"_s, u"debate"_s }) {
        EvalModeStats s;
        s.mode = mode;
        m_report.modes.append(s);
    }
    m_index = 0;
    m_step = 0;
    m_cancelled = false;
    QMetaObject::invokeMethod(this, &EvalRunner::runNext, Qt::QueuedConnection);
}

void EvalRunner::cancel()
{
    m_cancelled = true;
    if (m_engine)
        m_engine->stop();
}

void EvalRunner::runNext()
{
    if (m_cancelled) {
        emit failed(rt::Error { u"cancelled"_s, QCoreApplication::translate("rt::debate", "The evaluation was cancelled.") });
        return;
    }
    if (m_index >= m_set.questions.size()) {
        emit finished(m_report);
        return;
    }
    const EvalQuestion &q = m_set.questions.at(m_index);
    DebateConfig config = m_base;
    config.question = q.question;
    switch (m_step) {
    case 0: { // the first agent alone, one answer
        config.format = FormatKind::Vote;
        config.agents = { m_base.agents.constFirst() };
        config.maxRounds = 1;
        config.synthesis = false;
        runMode(u"single"_s, config);
        return;
    }
    case 1:
        runMode(u"debate"_s, config);
        return;
    default: {
        // Exactly as many independent answers as the debate made model calls
        // (repairs included): one answer per seat, the agents taking turns
        // for the seats, so no round arithmetic can round it up or cap it.
        config.format = FormatKind::Vote;
        config.synthesis = false;
        config.maxRounds = 1;
        config.agents.clear();
        const int answers = std::max(1, m_debateCalls);
        for (int i = 0; i < answers; ++i) {
            rt::agents::Agent agent = m_base.agents.at(i % m_base.agents.size());
            if (i >= m_base.agents.size())
                agent.name = u"%1 %2"_s.arg(agent.name).arg(i / m_base.agents.size() + 1);
            config.agents.append(agent);
        }
        runMode(u"vote"_s, config);
        return;
    }
    }
}

void EvalRunner::runMode(const QString &mode, const DebateConfig &config)
{
    emit progress(int(m_index), int(m_set.questions.size()), m_set.questions.at(m_index).id, mode);
    m_engine = std::make_unique<DebateEngine>(m_pool, &m_store);
    DebateEngine *engine = m_engine.get();
    connect(engine, &DebateEngine::debateFinished, this, [this, mode, engine](const DebateOutcome &outcome) {
        record(mode, outcome, engine->debate());
        // Delete the engine after its signal has returned.
        QMetaObject::invokeMethod(
            this,
            [this] {
                m_engine.reset();
                if (m_step == 2) {
                    m_step = 0;
                    ++m_index;
                } else {
                    ++m_step;
                }
                runNext();
            },
            Qt::QueuedConnection);
    });
    connect(engine, &DebateEngine::debateFailed, this, [this](const DebateOutcome &outcome) {
        m_cancelled = true;
        emit failed(outcome.error);
    });
    connect(engine, &DebateEngine::debatePaused, this, [this, engine](const PauseInfo &info) {
        // Nobody can resume an evaluation by hand: a pause ends it.
        m_cancelled = true;
        engine->interrupt();
        emit failed(rt::Error { info.errorCode.isEmpty() ? info.reason : info.errorCode, info.message });
    });
    if (const rt::Status s = engine->start(config); !s) {
        m_cancelled = true;
        emit failed(s.error());
    }
}

void EvalRunner::record(const QString &mode, const DebateOutcome &outcome, const DebateState &state)
{
    const EvalQuestion &q = m_set.questions.at(m_index);
    EvalItem item;
    item.question = q;
    item.mode = mode;
    item.answer = outcome.answer;
    item.correct = q.isCorrect(outcome.answer);
    item.calls = outcome.calls;
    item.rounds = outcome.rounds;
    item.tokens = outcome.promptTokens + outcome.evalTokens;
    item.stopReason = toString(outcome.stopReason);
    item.flipsPerRound = outcome.flipsPerRound;
    // Every model request, repairs included, is what the modes are compared on.
    for (const TurnRecord &t : state.turns) {
        if (t.info.kind == TurnKind::Repair)
            ++item.repairCalls;
    }
    if (mode == u"debate"_s)
        m_debateCalls = outcome.calls;
    for (EvalModeStats &s : m_report.modes) {
        if (s.mode != mode)
            continue;
        ++s.questions;
        s.correct += item.correct ? 1 : 0;
        s.calls += item.calls;
        s.repairCalls += item.repairCalls;
        s.rounds += item.rounds;
        s.tokens += item.tokens;
        s.stopReasons[item.stopReason] += 1;
        for (qsizetype r = 0; r < item.flipsPerRound.size(); ++r) {
            if (s.flipsPerRound.size() <= r)
                s.flipsPerRound.append(0);
            s.flipsPerRound[r] += item.flipsPerRound.at(r);
        }
        if (mode == u"debate"_s) {
            for (int seat : state.speakingSeats()) {
                std::optional<bool> before;
                for (const TurnRecord *t : state.turnsOf(0)) {
                    if (t->info.seat != seat || !t->stance.hasAnswer())
                        continue;
                    const bool now = q.isCorrect(t->stance.answer);
                    if (before && *before && !now)
                        ++s.correctToWrong;
                    if (before && !*before && now)
                        ++s.wrongToCorrect;
                    before = now;
                }
            }
        }
    }
    m_report.items.append(item);
    emit itemFinished(item);
}

} // namespace rt::debate
