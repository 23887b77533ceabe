#include "debaterepository.h"

#include "common/translate.h"
#include "database.h"

#include <QCoreApplication>

namespace rt::storage {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::storage)
};

const QString kDebateColumns = QStringLiteral(
    "id, question, format, status, settings, consensus_score, stop_reason, final_answer, synthesis, created_at, updated_at, finished_at");
const QString kTurnColumns = QStringLiteral(
    "id, debate_id, round, seat, agent_name, kind, content, thinking, stance, confidence, changed, parse_ok, status, model, "
    "prompt_eval_count, eval_count, total_duration_ns, load_duration_ns, prompt_eval_duration_ns, eval_duration_ns, ttft_ms, "
    "error, created_at, updated_at");

rt::Result<Debate> readDebate(const Query &q)
{
    Debate d;
    d.id = q.integer(0);
    d.question = q.text(1);
    d.format = q.text(2);
    const QString status = q.text(3);
    auto parsedStatus = storedValue(parseDebateStatus(status), u"debates", d.id, u"status", status);
    if (!parsedStatus)
        return parsedStatus.error();
    d.status = *parsedStatus;
    d.settings = q.jsonObject(4);
    d.consensusScore = q.optionalReal(5);
    d.stopReason = q.text(6);
    d.finalAnswer = q.text(7);
    d.synthesis = q.text(8);
    d.createdAt = q.time(9);
    d.updatedAt = q.time(10);
    d.finishedAt = q.time(11);
    return d;
}

rt::Result<DebateTurn> readTurn(const Query &q)
{
    DebateTurn t;
    t.id = q.integer(0);
    t.debateId = q.integer(1);
    t.round = int(q.integer(2));
    t.seat = int(q.integer(3));
    t.agentName = q.text(4);
    const QString kind = q.text(5);
    auto parsedKind = storedValue(parseTurnKind(kind), u"debate_turns", t.id, u"kind", kind);
    if (!parsedKind)
        return parsedKind.error();
    t.kind = *parsedKind;
    t.content = q.text(6);
    t.thinking = q.text(7);
    t.stance = q.json(8);
    t.confidence = q.optionalReal(9);
    t.changed = q.boolean(10);
    t.parseOk = q.boolean(11);
    const QString status = q.text(12);
    auto parsedStatus = storedValue(parseTurnStatus(status), u"debate_turns", t.id, u"status", status);
    if (!parsedStatus)
        return parsedStatus.error();
    t.status = *parsedStatus;
    t.model = q.text(13);
    t.metrics.promptEvalCount = q.optionalInteger(14);
    t.metrics.evalCount = q.optionalInteger(15);
    t.metrics.totalDurationNs = q.optionalInteger(16);
    t.metrics.loadDurationNs = q.optionalInteger(17);
    t.metrics.promptEvalDurationNs = q.optionalInteger(18);
    t.metrics.evalDurationNs = q.optionalInteger(19);
    t.metrics.ttftMs = q.optionalInteger(20);
    t.error = q.text(21);
    t.createdAt = q.time(22);
    t.updatedAt = q.time(23);
    return t;
}

Error debateNotFound(qint64 id)
{
    return makeError(errc::NotFound, Tr::tr("There is no debate with id %1. Run 'roundtable history list' to see the ids.").arg(id));
}

Error turnNotFound(qint64 id)
{
    return makeError(errc::NotFound, Tr::tr("There is no debate turn with id %1.").arg(id));
}

rt::Status expectOne(const rt::Result<int> &n, const rt::Error &missing)
{
    if (!n.ok())
        return n.error();
    if (*n == 0)
        return missing;
    return {};
}
} // namespace

rt::Result<qint64> DebateRepository::create(const Debate &d)
{
    const QDateTime now = m_db.now();
    const QDateTime created = d.createdAt.isValid() ? d.createdAt : now;
    const QDateTime updated = d.updatedAt.isValid() ? d.updatedAt : created;
    return m_db.insert(
        QStringLiteral("INSERT INTO debates (question, format, status, settings, consensus_score, stop_reason, final_answer, "
                       "synthesis, created_at, updated_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
        { d.question, d.format, toString(d.status), Database::jsonValue(d.settings), Database::nullable(d.consensusScore), d.stopReason,
            d.finalAnswer, d.synthesis, m_db.timeValue(created), m_db.timeValue(updated), m_db.timeValue(d.finishedAt) });
}

rt::Result<Debate> DebateRepository::get(qint64 id)
{
    auto q = m_db.query(QStringLiteral("SELECT %1 FROM debates WHERE id = ?").arg(kDebateColumns), { id });
    if (!q.ok())
        return q.error();
    if (!q->next())
        return debateNotFound(id);
    return readDebate(*q);
}

rt::Result<QList<Debate>> DebateRepository::list(int limit, int offset)
{
    auto q = m_db.query(
        QStringLiteral("SELECT %1 FROM debates ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?").arg(kDebateColumns), { limit, offset });
    if (!q.ok())
        return q.error();
    return readRows(*q, readDebate);
}

rt::Result<QList<Debate>> DebateRepository::interrupted()
{
    auto q = m_db.query(
        QStringLiteral("SELECT %1 FROM debates WHERE status = 'interrupted' ORDER BY created_at DESC, id DESC").arg(kDebateColumns));
    if (!q.ok())
        return q.error();
    return readRows(*q, readDebate);
}

rt::Status DebateRepository::touch(qint64 debateId)
{
    return expectOne(m_db.exec(QStringLiteral("UPDATE debates SET updated_at = ? WHERE id = ?"), { m_db.timeValue(m_db.now()), debateId }),
        debateNotFound(debateId));
}

rt::Status DebateRepository::setStatus(qint64 id, DebateStatus status)
{
    return expectOne(m_db.exec(QStringLiteral("UPDATE debates SET status = ?, updated_at = ? WHERE id = ?"),
                         { toString(status), m_db.timeValue(m_db.now()), id }),
        debateNotFound(id));
}

rt::Status DebateRepository::updateSettings(qint64 id, const QJsonObject &settings)
{
    return expectOne(m_db.exec(QStringLiteral("UPDATE debates SET settings = ?, updated_at = ? WHERE id = ?"),
                         { Database::jsonValue(settings), m_db.timeValue(m_db.now()), id }),
        debateNotFound(id));
}

rt::Status DebateRepository::finish(qint64 id, const Debate &o)
{
    const QDateTime now = m_db.now();
    return expectOne(
        m_db.exec(QStringLiteral("UPDATE debates SET status = ?, consensus_score = ?, stop_reason = ?, final_answer = ?, synthesis = ?, "
                                 "updated_at = ?, finished_at = ? WHERE id = ?"),
            { toString(o.status), Database::nullable(o.consensusScore), o.stopReason, o.finalAnswer, o.synthesis,
                m_db.timeValue(o.updatedAt.isValid() ? o.updatedAt : now), m_db.timeValue(o.finishedAt.isValid() ? o.finishedAt : now),
                id }),
        debateNotFound(id));
}

rt::Status DebateRepository::remove(qint64 id)
{
    return expectOne(m_db.exec(QStringLiteral("DELETE FROM debates WHERE id = ?"), { id }), debateNotFound(id));
}

rt::Status DebateRepository::setParticipants(qint64 debateId, const QList<DebateParticipant> &participants)
{
    return m_db.transaction([&]() -> rt::Status {
        if (auto t = touch(debateId); !t.ok())
            return t;
        if (auto n = m_db.exec(QStringLiteral("DELETE FROM debate_participants WHERE debate_id = ?"), { debateId }); !n.ok())
            return n.error();
        for (const DebateParticipant &p : participants) {
            auto n = m_db.exec(QStringLiteral("INSERT INTO debate_participants (debate_id, seat, agent_id, agent) VALUES (?, ?, ?, ?)"),
                { debateId, p.seat, Database::nullable(p.agentId), Database::jsonValue(p.agent) });
            if (!n.ok())
                return n.error();
        }
        return {};
    });
}

rt::Result<QList<DebateParticipant>> DebateRepository::participants(qint64 debateId)
{
    auto q = m_db.query(
        QStringLiteral("SELECT debate_id, seat, agent_id, agent FROM debate_participants WHERE debate_id = ? ORDER BY seat"), { debateId });
    if (!q.ok())
        return q.error();
    QList<DebateParticipant> list;
    while (q->next())
        list.append(DebateParticipant { q->integer(0), int(q->integer(1)), q->optionalInteger(2), q->jsonObject(3) });
    return list;
}

rt::Result<qint64> DebateRepository::appendTurn(const DebateTurn &t)
{
    return m_db.transaction([&]() -> rt::Result<qint64> {
        const QDateTime now = m_db.now();
        const QDateTime created = t.createdAt.isValid() ? t.createdAt : now;
        const QDateTime updated = t.updatedAt.isValid() ? t.updatedAt : created;
        const GenerationMetrics &mx = t.metrics;
        auto id = m_db.insert(
            QStringLiteral("INSERT INTO debate_turns (debate_id, round, seat, agent_name, kind, content, thinking, stance, confidence, "
                           "changed, parse_ok, status, model, prompt_eval_count, eval_count, total_duration_ns, load_duration_ns, "
                           "prompt_eval_duration_ns, eval_duration_ns, ttft_ms, error, created_at, updated_at) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
            { t.debateId, t.round, t.seat, t.agentName, toString(t.kind), t.content, t.thinking, Database::jsonValue(t.stance),
                Database::nullable(t.confidence), t.changed, t.parseOk, toString(t.status), t.model, Database::nullable(mx.promptEvalCount),
                Database::nullable(mx.evalCount), Database::nullable(mx.totalDurationNs), Database::nullable(mx.loadDurationNs),
                Database::nullable(mx.promptEvalDurationNs), Database::nullable(mx.evalDurationNs), Database::nullable(mx.ttftMs), t.error,
                m_db.timeValue(created), m_db.timeValue(updated) });
        if (!id.ok())
            return id;
        if (auto touched = touch(t.debateId); !touched.ok())
            return touched.error();
        return id;
    });
}

rt::Result<qint64> DebateRepository::beginTurn(const DebateTurn &turn)
{
    DebateTurn partial = turn;
    partial.status = TurnStatus::Partial;
    return appendTurn(partial);
}

rt::Status DebateRepository::checkpointTurn(qint64 id, const QString &content, const QString &thinking)
{
    auto n = m_db.exec(QStringLiteral("UPDATE debate_turns SET content = ?, thinking = ?, status = 'partial', updated_at = ? "
                                      "WHERE id = ? AND status IN ('partial', 'interrupted')"),
        { content, thinking, m_db.timeValue(m_db.now()), id });
    if (!n.ok())
        return n.error();
    if (*n == 0) {
        auto existing = turn(id);
        if (!existing.ok())
            return existing.error();
        return makeError(errc::InvalidInput,
            Tr::tr("Debate turn %1 is already %2, so its text cannot change any more.").arg(id).arg(toString(existing->status)));
    }
    return {};
}

rt::Status DebateRepository::finishTurn(qint64 id, const DebateTurn &t)
{
    return m_db.transaction([&]() -> rt::Status {
        const GenerationMetrics &mx = t.metrics;
        auto n = m_db.exec(
            QStringLiteral("UPDATE debate_turns SET content = ?, thinking = ?, stance = ?, confidence = ?, changed = ?, parse_ok = ?, "
                           "status = ?, model = ?, prompt_eval_count = ?, eval_count = ?, total_duration_ns = ?, load_duration_ns = ?, "
                           "prompt_eval_duration_ns = ?, eval_duration_ns = ?, ttft_ms = ?, error = ?, updated_at = ? WHERE id = ?"),
            { t.content, t.thinking, Database::jsonValue(t.stance), Database::nullable(t.confidence), t.changed, t.parseOk,
                toString(t.status), t.model, Database::nullable(mx.promptEvalCount), Database::nullable(mx.evalCount),
                Database::nullable(mx.totalDurationNs), Database::nullable(mx.loadDurationNs), Database::nullable(mx.promptEvalDurationNs),
                Database::nullable(mx.evalDurationNs), Database::nullable(mx.ttftMs), t.error, m_db.timeValue(m_db.now()), id });
        if (auto s = expectOne(n, turnNotFound(id)); !s.ok())
            return s;
        auto touched
            = m_db.exec(QStringLiteral("UPDATE debates SET updated_at = ? WHERE id = (SELECT debate_id FROM debate_turns WHERE id = ?)"),
                { m_db.timeValue(m_db.now()), id });
        if (!touched.ok())
            return touched.error();
        return {};
    });
}

rt::Result<DebateTurn> DebateRepository::turn(qint64 id)
{
    auto q = m_db.query(QStringLiteral("SELECT %1 FROM debate_turns WHERE id = ?").arg(kTurnColumns), { id });
    if (!q.ok())
        return q.error();
    if (!q->next())
        return turnNotFound(id);
    return readTurn(*q);
}

rt::Result<QList<DebateTurn>> DebateRepository::turns(qint64 debateId)
{
    auto q = m_db.query(QStringLiteral("SELECT %1 FROM debate_turns WHERE debate_id = ? ORDER BY id").arg(kTurnColumns), { debateId });
    if (!q.ok())
        return q.error();
    return readRows(*q, readTurn);
}

rt::Result<std::optional<DebateTurn>> DebateRepository::lastDurableTurn(qint64 debateId)
{
    auto q = m_db.query(QStringLiteral("SELECT %1 FROM debate_turns WHERE debate_id = ? AND status = 'complete' ORDER BY id DESC LIMIT 1")
                            .arg(kTurnColumns),
        { debateId });
    if (!q.ok())
        return q.error();
    if (!q->next())
        return std::optional<DebateTurn>();
    auto turn = readTurn(*q);
    if (!turn)
        return turn.error();
    return std::optional<DebateTurn>(std::move(turn).value());
}

rt::Status DebateRepository::saveRound(const DebateRound &r)
{
    auto n = m_db.exec(
        QStringLiteral(
            "INSERT INTO debate_rounds (debate_id, round, score, groups, flips) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (debate_id, round) DO UPDATE SET score = excluded.score, groups = excluded.groups, flips = excluded.flips"),
        { r.debateId, r.round, Database::nullable(r.score), Database::jsonValue(r.groups), r.flips });
    if (!n.ok())
        return n.error();
    return {};
}

rt::Result<QList<DebateRound>> DebateRepository::rounds(qint64 debateId)
{
    auto q
        = m_db.query(QStringLiteral("SELECT debate_id, round, score, groups, flips FROM debate_rounds WHERE debate_id = ? ORDER BY round"),
            { debateId });
    if (!q.ok())
        return q.error();
    QList<DebateRound> list;
    while (q->next())
        list.append(DebateRound { q->integer(0), int(q->integer(1)), q->optionalReal(2), q->json(3), int(q->integer(4)) });
    return list;
}

} // namespace rt::storage
