#include "storagedebatestore.h"

#include "common/futurecallback.h"
#include "storage/database.h"
#include "storage/storage.h"

#include <QFuture>
#include <QMetaObject>

using namespace Qt::StringLiterals;

namespace rt::debate {

namespace st = rt::storage;

namespace {

st::DebateTurn toStorage(qint64 debateId, const TurnRecord &t)
{
    st::DebateTurn row;
    row.debateId = debateId;
    row.round = t.info.round;
    row.seat = t.info.seat;
    row.agentName = t.info.agentName;
    row.kind = t.info.kind;
    row.content = t.content;
    row.thinking = t.thinking;
    if (t.info.kind == TurnKind::Interjection) {
        row.stance = QJsonValue::Null;
    } else {
        QJsonObject stance = t.stance.toJson();
        // What the turn cost, so a resumed debate counts calls correctly.
        stance.insert(u"calls"_s, t.calls);
        stance.insert(u"repair_requested"_s, t.repairRequested);
        stance.insert(u"wall_ms"_s, double(t.metrics.wallTimeMs));
        stance.insert(u"correlation_id"_s, t.info.correlationId);
        row.stance = stance;
    }
    row.confidence = t.stance.confidence;
    row.changed = t.changed;
    row.parseOk = t.info.kind == TurnKind::Interjection || t.stance.parseOk();
    row.status = t.status;
    row.model = t.info.model;
    const auto opt = [](qint64 v) { return v > 0 ? std::optional<qint64>(v) : std::nullopt; };
    row.metrics.promptEvalCount = opt(t.metrics.promptEvalCount);
    row.metrics.evalCount = opt(t.metrics.evalCount);
    row.metrics.totalDurationNs = opt(t.metrics.totalDurationNs);
    row.metrics.loadDurationNs = opt(t.metrics.loadDurationNs);
    row.metrics.promptEvalDurationNs = opt(t.metrics.promptEvalDurationNs);
    row.metrics.evalDurationNs = opt(t.metrics.evalDurationNs);
    if (t.metrics.timeToFirstTokenMs >= 0)
        row.metrics.ttftMs = t.metrics.timeToFirstTokenMs;
    row.error = t.error;
    row.createdAt = t.createdAt;
    return row;
}

TurnRecord fromStorage(const st::DebateTurn &row, int index, const QList<Seat> &seats)
{
    TurnRecord t;
    t.storageId = row.id;
    t.info.debateId = row.debateId;
    t.info.index = index;
    t.info.round = row.round;
    t.info.seat = row.seat;
    t.info.agentName = row.agentName;
    t.info.kind = row.kind;
    t.info.model = row.model;
    for (const Seat &s : seats) {
        if (s.index == row.seat) {
            t.info.role = s.role;
            t.info.colour = s.agent.colour;
        }
    }
    t.content = row.content;
    t.thinking = row.thinking;
    const QJsonObject stance = row.stance.toObject();
    if (row.stance.isObject()) {
        t.stance = Stance::fromJson(stance);
        t.calls = stance.value(u"calls"_s).toInt(1);
        t.repairRequested = stance.value(u"repair_requested"_s).toBool();
        t.metrics.wallTimeMs = qint64(stance.value(u"wall_ms"_s).toDouble());
        t.info.correlationId = stance.value(u"correlation_id"_s).toString();
    } else {
        t.calls = 0;
    }
    if (row.confidence && !t.stance.confidence && t.stance.hasAnswer())
        t.stance.confidence = row.confidence;
    t.changed = row.changed;
    t.status = row.status;
    t.metrics.promptEvalCount = row.metrics.promptEvalCount.value_or(0);
    t.metrics.evalCount = row.metrics.evalCount.value_or(0);
    t.metrics.totalDurationNs = row.metrics.totalDurationNs.value_or(0);
    t.metrics.loadDurationNs = row.metrics.loadDurationNs.value_or(0);
    t.metrics.promptEvalDurationNs = row.metrics.promptEvalDurationNs.value_or(0);
    t.metrics.evalDurationNs = row.metrics.evalDurationNs.value_or(0);
    t.metrics.timeToFirstTokenMs = row.metrics.ttftMs.value_or(-1);
    t.error = row.error;
    t.createdAt = row.createdAt;
    // The visible text: the argument for stances, the note itself for
    // interjections. The argument is not stored twice: it is read back from
    // the reply, as the live turn showed it.
    if (t.info.kind == TurnKind::Interjection) {
        t.text = t.content;
    } else {
        t.text = t.stance.argument;
        if (t.text.isEmpty() && !t.content.isEmpty()) {
            const ReplyShape shape = t.info.kind == TurnKind::Verdict ? ReplyShape::Verdict
                : t.info.kind == TurnKind::Ranking                    ? ReplyShape::Ranking
                : t.info.kind == TurnKind::Synthesis                  ? ReplyShape::Synthesis
                                                                      : ReplyShape::Stance;
            if (const std::optional<Stance> read = StanceParser::parseTolerant(t.content, shape); read && !read->argument.isEmpty())
                t.text = read->argument;
            else
                t.text = t.content;
        }
    }
    return t;
}

// The DebateStore contract: the callback runs later on the context's thread
// and is dropped if the context is gone (an engine deleted with a write
// pending, as when the window closes mid-debate). QFuture::then(context, ...)
// in Qt 6.4 runs at once when the future is done and asserts when the
// context goes first; rt::whenReady does neither.
template<typename T, typename Fn> void deliver(const QFuture<T> &future, QObject *context, Fn done)
{
    rt::whenReady(future, context, [done = std::move(done)](const T &value) { done(value); });
}

} // namespace

void StorageDebateStore::createDebate(const DebateConfig &config, const QList<Seat> &seats, QObject *context, IdCallback done)
{
    st::Debate debate;
    debate.question = config.question;
    debate.format = toString(config.format);
    debate.status = DebateStatus::Running;
    debate.settings = config.toJson();
    QList<st::DebateParticipant> participants;
    for (const Seat &s : seats) {
        st::DebateParticipant p;
        p.seat = s.index;
        p.agent = s.toJson(); // a snapshot: the agent may change or go later
        participants.append(p);
    }
    const QJsonObject settings = debate.settings;
    // One transaction: the debate exists with its seats, or not at all.
    deliver(m_storage->write([debate, participants](st::StorageContext &c) -> rt::Result<qint64> {
        rt::Result<qint64> id = c.debates().create(debate);
        if (!id)
            return id;
        QList<st::DebateParticipant> seated = participants;
        for (st::DebateParticipant &p : seated)
            p.debateId = *id;
        if (rt::Status s = c.debates().setParticipants(*id, seated); !s)
            return s.error();
        return id;
    }),
        context, [this, done, settings](const rt::Result<qint64> &id) {
            if (id)
                m_settings.insert(*id, settings);
            done(id);
        });
}

void StorageDebateStore::appendTurn(qint64 debateId, const TurnRecord &turn, QObject *context, IdCallback done)
{
    deliver(m_storage->appendTurn(toStorage(debateId, turn)), context, [done](const rt::Result<qint64> &id) { done(id); });
}

void StorageDebateStore::saveRound(qint64 debateId, const ConsensusSnapshot &round, QObject *context, StatusCallback done)
{
    st::DebateRound row;
    row.debateId = debateId;
    row.round = round.round;
    row.score = round.score;
    row.groups = round.toJson();
    row.flips = round.flips;
    deliver(m_storage->saveRound(row), context, [done](const rt::Status &s) { done(s); });
}

void StorageDebateStore::updateStatus(
    qint64 debateId, DebateStatus status, const DebateOutcome *outcome, QObject *context, StatusCallback done)
{
    if (!outcome) {
        deliver(m_storage->setDebateStatus(debateId, status), context, [done](const rt::Status &s) { done(s); });
        return;
    }
    st::Debate result;
    result.status = status;
    result.consensusScore = outcome->score;
    result.stopReason = toString(outcome->stopReason);
    result.finalAnswer = outcome->answer;
    result.synthesis = outcome->synthesis;
    QJsonObject settings = m_settings.value(debateId);
    const bool haveSettings = !settings.isEmpty();
    settings.insert(u"outcome"_s, outcome->toJson());
    deliver(m_storage->write([debateId, result, settings, haveSettings](st::StorageContext &c) -> rt::Status {
        if (rt::Status s = c.debates().finish(debateId, result); !s)
            return s;
        if (!haveSettings)
            return {};
        return c.debates().updateSettings(debateId, settings);
    }),
        context, [done](const rt::Status &s) { done(s); });
}

void StorageDebateStore::loadDebate(qint64 debateId, QObject *context, LoadCallback done)
{
    deliver(m_storage->read([debateId](st::StorageContext &c) -> rt::Result<StoredDebate> {
        rt::Result<st::Debate> debate = c.debates().get(debateId);
        if (!debate)
            return debate.error();
        auto participants = c.debates().participants(debateId);
        if (!participants)
            return participants.error();
        auto turns = c.debates().turns(debateId);
        if (!turns)
            return turns.error();
        auto rounds = c.debates().rounds(debateId);
        if (!rounds)
            return rounds.error();
        StoredDebate d;
        d.id = debate->id;
        d.config = DebateConfig::fromJson(debate->settings);
        if (d.config.question.isEmpty())
            d.config.question = debate->question;
        d.status = debate->status;
        if (!debate->stopReason.isEmpty()) {
            auto reason = st::storedValue(parseStopReason(debate->stopReason), u"debates", debate->id, u"stop_reason", debate->stopReason);
            if (!reason)
                return reason.error();
            d.stopReason = *reason;
        }
        d.finalAnswer = debate->finalAnswer;
        d.synthesis = debate->synthesis;
        d.score = debate->consensusScore;
        for (const st::DebateParticipant &p : *participants) {
            Seat s = Seat::fromJson(p.agent);
            s.index = p.seat;
            d.seats.append(s);
        }
        std::sort(d.seats.begin(), d.seats.end(), [](const Seat &a, const Seat &b) { return a.index < b.index; });
        int index = 0;
        for (const st::DebateTurn &t : *turns)
            d.turns.append(fromStorage(t, index++, d.seats));
        for (const st::DebateRound &r : *rounds) {
            ConsensusSnapshot snap = r.groups.isObject() ? ConsensusSnapshot::fromJson(r.groups.toObject()) : ConsensusSnapshot();
            snap.debateId = debateId;
            snap.round = r.round;
            snap.score = r.score.value_or(snap.score);
            snap.flips = r.flips;
            d.rounds.append(snap);
        }
        return d;
    }),
        context, [this, done, debateId](const rt::Result<StoredDebate> &d) {
            if (d) {
                QJsonObject settings = d->config.toJson();
                m_settings.insert(debateId, settings);
            }
            done(d);
        });
}

} // namespace rt::debate
