#pragma once

// Shared by the debate tests: records every signal of a DebateEngine, in
// order, and builds agents and clients for the simulator.

#include "debate/debateengine.h"
#include "llm/endpointpool.h"
#include "llm/ollamaclient.h"

#include <QHash>
#include <QJsonArray>
#include <QList>
#include <QObject>
#include <QRegularExpression>
#include <QStringList>
#include <QtTest/QTest>
#include <memory>

// QCOMPARE for the debate enums by their names (rt::debate::toString would
// otherwise shadow QTest::toString through argument-dependent lookup).
#define RT_COMPARE_NAME(actual, expected) QCOMPARE(rt::debate::toString(actual), rt::debate::toString(expected))

namespace rt::test {

struct SentRequest {
    rt::debate::TurnInfo turn;
    rt::llm::ChatRequest request;
    int attempt = 1;

    QString userText() const
    {
        for (const rt::llm::ChatMessage &m : request.messages) {
            if (m.role == QLatin1String("user") && m.content.contains(QLatin1String("Question:")))
                return m.content;
        }
        return {};
    }
    QString allText() const
    {
        QString all;
        for (const rt::llm::ChatMessage &m : request.messages)
            all += m.content + QLatin1Char('\n');
        return all;
    }
    // "[Name] (you) answer: X | confidence: C" lines, as the engine renders them.
    QStringList entries() const
    {
        static const QRegularExpression re(
            QStringLiteral("^(?:\\(round \\d+\\) )?\\[([^\\]\\n]+)\\]( \\(you\\))? answer: (.*?) \\| confidence: (\\S+)$"),
            QRegularExpression::MultilineOption);
        QStringList out;
        QRegularExpressionMatchIterator it = re.globalMatch(userText());
        while (it.hasNext()) {
            const auto m = it.next();
            out.append(m.captured(1) + (m.captured(2).isEmpty() ? QString() : QStringLiteral("*")) + QLatin1Char('=') + m.captured(3)
                + QLatin1Char('@') + m.captured(4));
        }
        return out;
    }
};

// Roles and last message of a request, for checks on the repair request.
struct SentRequestCheck {
    SentRequest sent;
    QStringList roles() const
    {
        QStringList out;
        for (const rt::llm::ChatMessage &m : sent.request.messages)
            out.append(m.role);
        return out;
    }
    QString last() const { return sent.request.messages.isEmpty() ? QString() : sent.request.messages.constLast().content; }
};

class DebateRecorder final : public QObject {
    Q_OBJECT
public:
    explicit DebateRecorder(rt::debate::DebateEngine *engine, QObject *parent = nullptr)
        : QObject(parent)
    {
        using namespace rt::debate;
        connect(engine, &DebateEngine::debateStarted, this, [this](const DebateInfo &i) {
            started.append(i);
            log.append(QStringLiteral("started"));
        });
        connect(engine, &DebateEngine::roundStarted, this, [this](const RoundInfo &r) {
            rounds.append(r);
            log.append(QStringLiteral("round %1 %2").arg(r.round).arg(r.phase));
        });
        connect(engine, &DebateEngine::turnStarted, this, [this](const TurnInfo &t) {
            turnsStarted.append(t);
            log.append(QStringLiteral("turn %1 %2").arg(t.agentName, toString(t.kind)));
        });
        connect(engine, &DebateEngine::tokenDelta, this, [this](const TokenDelta &d) {
            ++deltas;
            deltaText[d.turn.index] += d.text;
        });
        connect(engine, &DebateEngine::requestSent, this, [this](const TurnInfo &t, const rt::llm::ChatRequest &r, int attempt) {
            requests.append({ t, r, attempt });
        });
        connect(engine, &DebateEngine::turnFinished, this, [this](const TurnRecord &t) {
            turns.append(t);
            log.append(QStringLiteral("done %1").arg(t.info.agentName));
        });
        connect(engine, &DebateEngine::consensusUpdated, this, [this](const ConsensusSnapshot &s) {
            snapshots.append(s);
            log.append(QStringLiteral("consensus %1").arg(s.round));
        });
        connect(engine, &DebateEngine::noteAdded, this, [this](const DebateNote &n) {
            notes.append(n);
            log.append(QStringLiteral("note %1").arg(toString(n.kind)));
        });
        connect(engine, &DebateEngine::debatePaused, this, [this](const PauseInfo &p) {
            pauses.append(p);
            log.append(QStringLiteral("paused %1").arg(p.reason));
        });
        connect(engine, &DebateEngine::debateResumed, this, [this](qint64) {
            ++resumed;
            log.append(QStringLiteral("resumed"));
        });
        connect(engine, &DebateEngine::debateFinished, this, [this](const DebateOutcome &o) {
            outcome = o;
            finished = true;
            log.append(QStringLiteral("finished"));
        });
        connect(engine, &DebateEngine::debateFailed, this, [this](const DebateOutcome &o) {
            outcome = o;
            failed = true;
            log.append(QStringLiteral("failed"));
        });
        connect(engine, &DebateEngine::debateInterrupted, this, [this](qint64) {
            interrupted = true;
            log.append(QStringLiteral("interrupted"));
        });
    }

    bool ended() const { return finished || failed || interrupted; }
    bool waitEnded(int timeoutMs = 60000)
    {
        return QTest::qWaitFor([this] { return ended(); }, timeoutMs);
    }
    bool waitPaused(int count = 1, int timeoutMs = 60000)
    {
        return QTest::qWaitFor([this, count] { return pauses.size() >= count || ended(); }, timeoutMs) && pauses.size() >= count;
    }

    QList<rt::debate::TurnRecord> turnsOfKind(rt::debate::TurnKind kind) const
    {
        QList<rt::debate::TurnRecord> out;
        for (const auto &t : turns) {
            if (t.info.kind == kind)
                out.append(t);
        }
        return out;
    }
    QList<SentRequest> requestsFor(int round, int seat, int attempt = 1) const
    {
        QList<SentRequest> out;
        for (const SentRequest &r : requests) {
            if (r.turn.round == round && r.turn.seat == seat && r.attempt == attempt)
                out.append(r);
        }
        return out;
    }
    // "seat:kind" in finishing order.
    QStringList order() const
    {
        QStringList out;
        for (const auto &t : turns)
            out.append(QStringLiteral("%1:%2").arg(t.info.seat).arg(rt::debate::toString(t.info.kind)));
        return out;
    }

    QList<rt::debate::DebateInfo> started;
    QList<rt::debate::RoundInfo> rounds;
    QList<rt::debate::TurnInfo> turnsStarted;
    QList<rt::debate::TurnRecord> turns;
    QList<rt::debate::ConsensusSnapshot> snapshots;
    QList<rt::debate::DebateNote> notes;
    QList<rt::debate::PauseInfo> pauses;
    QList<SentRequest> requests;
    QHash<int, QString> deltaText;
    QStringList log;
    rt::debate::DebateOutcome outcome;
    int deltas = 0;
    int resumed = 0;
    bool finished = false;
    bool failed = false;
    bool interrupted = false;
};

inline rt::agents::Agent makeAgent(const QString &name, const QString &model, const QString &role = {})
{
    rt::agents::Agent a;
    a.name = name;
    a.model = model;
    a.role = role.isEmpty() ? QStringLiteral("custom") : role;
    a.colour = QStringLiteral("#336699");
    a.systemPrompt = QStringLiteral("You are %1.").arg(name);
    return a;
}

// Requests in debate tests go through the endpoint pool, as in the product.
// hosts: name -> URL, in configuration order.
inline std::unique_ptr<rt::llm::EndpointPool> makePool(const QList<std::pair<QString, QUrl>> &hosts)
{
    rt::llm::ClientConfig config;
    config.connectTimeoutMs = 3000;
    config.firstTokenTimeoutMs = 20000;
    config.idleTimeoutMs = 10000;
    config.busyRetries = 1;
    config.retryBaseDelayMs = 50;
    auto pool = std::make_unique<rt::llm::EndpointPool>();
    rt::llm::EndpointPool::Options options;
    options.healthIntervalMs = 0;
    pool->setOptions(options);
    pool->setClientConfig(config);
    for (const auto &[name, url] : hosts) {
        rt::llm::HostConfig host;
        host.name = name;
        host.url = url;
        host.maxConcurrent = 6;
        if (!pool->addHost(host))
            qFatal("could not add test host %s", qPrintable(name));
    }
    return pool;
}

inline std::unique_ptr<rt::llm::EndpointPool> makePool(const QUrl &url)
{
    return makePool({ { QStringLiteral("local"), url } });
}

// The first built-in arithmetic question and its answer.
inline QString arithmeticQuestion()
{
    return QStringLiteral("What is the result of 27+12*24+28-13*1? Answer with a single number.");
}
inline QString arithmeticAnswer()
{
    return QStringLiteral("330");
}

} // namespace rt::test
