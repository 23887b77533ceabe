#include "debatetypes.h"

#include <QCoreApplication>
#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace rt::debate {

namespace {

template<typename Enum, size_t N> std::optional<Enum> parseName(QStringView name, const std::array<Enum, N> &values)
{
    for (Enum v : values) {
        if (toString(v) == name)
            return v;
    }
    return std::nullopt;
}

QJsonValue optionalNumber(const std::optional<double> &v)
{
    return v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null);
}

QString isoUtc(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
}

} // namespace

QString toString(FormatKind kind)
{
    switch (kind) {
    case FormatKind::Simultaneous:
        return u"simultaneous"_s;
    case FormatKind::RoundRobin:
        return u"round-robin"_s;
    case FormatKind::Adversarial:
        return u"adversarial"_s;
    case FormatKind::Council:
        return u"council"_s;
    case FormatKind::Vote:
        return u"vote"_s;
    }
    return {};
}

QString toString(StopReason reason)
{
    switch (reason) {
    case StopReason::None:
        return QString();
    case StopReason::Unanimous:
        return u"unanimous"_s;
    case StopReason::Threshold:
        return u"threshold"_s;
    case StopReason::Stalled:
        return u"stalled"_s;
    case StopReason::JudgeDecided:
        return u"judge_decided"_s;
    case StopReason::MaxRounds:
        return u"max_rounds"_s;
    case StopReason::Budget:
        return u"budget"_s;
    case StopReason::UserStop:
        return u"user_stop"_s;
    case StopReason::Error:
        return u"error"_s;
    }
    return {};
}

QString toString(SeatRole role)
{
    switch (role) {
    case SeatRole::Debater:
        return u"debater"_s;
    case SeatRole::Proponent:
        return u"proponent"_s;
    case SeatRole::Opponent:
        return u"opponent"_s;
    case SeatRole::Judge:
        return u"judge"_s;
    case SeatRole::Chair:
        return u"chair"_s;
    case SeatRole::Synthesizer:
        return u"synthesizer"_s;
    }
    return {};
}

QString toString(NoteKind kind)
{
    switch (kind) {
    case NoteKind::Interjection:
        return u"interjection"_s;
    case NoteKind::Skipped:
        return u"skipped"_s;
    case NoteKind::Fallback:
        return u"fallback"_s;
    case NoteKind::HostMoved:
        return u"host_moved"_s;
    case NoteKind::Warning:
        return u"warning"_s;
    case NoteKind::Info:
        return u"info"_s;
    }
    return {};
}

std::optional<FormatKind> parseFormatKind(QStringView name)
{
    const QString n = name.trimmed().toString().toLower();
    if (n == u"round_robin"_s || n == u"roundrobin"_s)
        return FormatKind::RoundRobin;
    if (n == u"judge"_s || n == u"moderated"_s)
        return FormatKind::Adversarial;
    return parseName(
        n, std::array { FormatKind::Simultaneous, FormatKind::RoundRobin, FormatKind::Adversarial, FormatKind::Council, FormatKind::Vote });
}

std::optional<StopReason> parseStopReason(QStringView name)
{
    return parseName(name,
        std::array { StopReason::Unanimous, StopReason::Threshold, StopReason::Stalled, StopReason::JudgeDecided, StopReason::MaxRounds,
            StopReason::Budget, StopReason::UserStop, StopReason::Error });
}

std::optional<SeatRole> parseSeatRole(QStringView name)
{
    return parseName(name,
        std::array { SeatRole::Debater, SeatRole::Proponent, SeatRole::Opponent, SeatRole::Judge, SeatRole::Chair, SeatRole::Synthesizer });
}

QString describe(StopReason reason)
{
    switch (reason) {
    case StopReason::None:
        return QCoreApplication::translate("rt::debate", "not stopped");
    case StopReason::Unanimous:
        return QCoreApplication::translate("rt::debate", "all agents agreed");
    case StopReason::Threshold:
        return QCoreApplication::translate("rt::debate", "the consensus threshold was reached");
    case StopReason::Stalled:
        return QCoreApplication::translate("rt::debate", "no agent changed position");
    case StopReason::JudgeDecided:
        return QCoreApplication::translate("rt::debate", "the judge or chair decided");
    case StopReason::MaxRounds:
        return QCoreApplication::translate("rt::debate", "the maximum number of rounds was reached");
    case StopReason::Budget:
        return QCoreApplication::translate("rt::debate", "the token or time budget ran out");
    case StopReason::UserStop:
        return QCoreApplication::translate("rt::debate", "stopped by the user");
    case StopReason::Error:
        return QCoreApplication::translate("rt::debate", "an error ended the debate");
    }
    return {};
}

QString DebateConfig::validate() const
{
    if (question.trimmed().isEmpty())
        return QCoreApplication::translate("rt::debate", "The debate needs a question.");
    if (maxRounds < 1 || maxRounds > kRoundCap)
        return QCoreApplication::translate("rt::debate", "The number of rounds must be between 1 and %1.").arg(kRoundCap);
    if (!(consensusThreshold > 0.0 && consensusThreshold <= 1.0))
        return QCoreApplication::translate("rt::debate", "The consensus threshold must be above 0 and at most 1.");
    if (agreementIntensity && (*agreementIntensity < 0 || *agreementIntensity > 10))
        return QCoreApplication::translate("rt::debate", "Agreement intensity must be between 0 and 10.");
    if (stallRounds < 0 || tokenBudget < 0 || timeBudgetMs < 0 || numPredictCap < 16)
        return QCoreApplication::translate("rt::debate", "Budgets and limits must not be negative (at least 16 tokens per turn).");
    if (agents.isEmpty())
        return QCoreApplication::translate("rt::debate", "The debate needs agents.");
    for (const rt::agents::Agent &agent : agents) {
        if (agent.model.trimmed().isEmpty() && defaultModel.trimmed().isEmpty())
            return QCoreApplication::translate("rt::debate", "Agent %1 has no model; give it one or set a default model.").arg(agent.name);
    }
    return {};
}

QJsonObject DebateConfig::toJson() const
{
    QJsonObject o {
        { u"question"_s, question },
        { u"format"_s, toString(format) },
        { u"max_rounds"_s, maxRounds },
        { u"consensus_threshold"_s, consensusThreshold },
        { u"stall_rounds"_s, stallRounds },
        { u"token_budget"_s, double(tokenBudget) },
        { u"time_budget_ms"_s, double(timeBudgetMs) },
        { u"default_model"_s, defaultModel },
        { u"embedding_model"_s, embeddingModel },
        { u"num_predict_cap"_s, numPredictCap },
        { u"context_tokens"_s, contextTokens },
        { u"synthesis"_s, synthesis },
        { u"recalibrate"_s, recalibrate },
        { u"prompt_version"_s, 1 },
    };
    if (seed)
        o.insert(u"seed"_s, double(*seed));
    if (agreementIntensity)
        o.insert(u"agreement_intensity"_s, *agreementIntensity);
    return o;
}

DebateConfig DebateConfig::fromJson(const QJsonObject &o)
{
    DebateConfig c;
    c.question = o.value(u"question"_s).toString();
    c.format = parseFormatKind(o.value(u"format"_s).toString()).value_or(FormatKind::Simultaneous);
    c.maxRounds = o.value(u"max_rounds"_s).toInt(3);
    c.consensusThreshold = o.value(u"consensus_threshold"_s).toDouble(0.8);
    c.stallRounds = o.value(u"stall_rounds"_s).toInt(1);
    c.tokenBudget = qint64(o.value(u"token_budget"_s).toDouble());
    c.timeBudgetMs = qint64(o.value(u"time_budget_ms"_s).toDouble());
    c.defaultModel = o.value(u"default_model"_s).toString();
    c.embeddingModel = o.value(u"embedding_model"_s).toString();
    c.numPredictCap = o.value(u"num_predict_cap"_s).toInt(1024);
    c.contextTokens = o.value(u"context_tokens"_s).toInt();
    c.synthesis = o.value(u"synthesis"_s).toBool(true);
    c.recalibrate = o.value(u"recalibrate"_s).toBool(true);
    if (o.value(u"seed"_s).isDouble())
        c.seed = qint64(o.value(u"seed"_s).toDouble());
    if (o.value(u"agreement_intensity"_s).isDouble())
        c.agreementIntensity = o.value(u"agreement_intensity"_s).toInt();
    return c;
}

QJsonObject Seat::toJson() const
{
    QJsonObject o = agent.toJson();
    o.insert(u"seat"_s, index);
    o.insert(u"seat_role"_s, toString(role));
    o.insert(u"implicit"_s, implicit);
    return o;
}

Seat Seat::fromJson(const QJsonObject &o)
{
    Seat s;
    s.index = o.value(u"seat"_s).toInt();
    s.agent = rt::agents::Agent::fromJson(o);
    s.role = parseSeatRole(o.value(u"seat_role"_s).toString()).value_or(SeatRole::Debater);
    s.implicit = o.value(u"implicit"_s).toBool();
    return s;
}

QJsonObject DebateInfo::toJson() const
{
    QJsonArray seatArray;
    for (const Seat &s : seats) {
        seatArray.append(QJsonObject { { u"seat"_s, s.index }, { u"name"_s, s.agent.name }, { u"role"_s, s.agent.role },
            { u"seat_role"_s, toString(s.role) }, { u"model"_s, s.agent.model },
            { u"fallback_models"_s, QJsonArray::fromStringList(s.agent.fallbackModels) }, { u"colour"_s, s.agent.colour },
            { u"weight"_s, s.agent.weight }, { u"implicit"_s, s.implicit } });
    }
    return { { u"debate_id"_s, double(debateId) }, { u"question"_s, question }, { u"format"_s, toString(format) },
        { u"max_rounds"_s, maxRounds }, { u"threshold"_s, threshold }, { u"seats"_s, seatArray }, { u"resumed"_s, resumed },
        { u"finished_turns"_s, finishedTurns }, { u"settings"_s, config.toJson() } };
}

QJsonObject RoundInfo::toJson() const
{
    return { { u"debate_id"_s, double(debateId) }, { u"round"_s, round }, { u"max_rounds"_s, maxRounds }, { u"phase"_s, phase },
        { u"speakers"_s, QJsonArray::fromStringList(speakers) } };
}

QJsonObject TurnInfo::toJson() const
{
    return { { u"debate_id"_s, double(debateId) }, { u"index"_s, index }, { u"round"_s, round }, { u"seat"_s, seat },
        { u"agent"_s, agentName }, { u"seat_role"_s, toString(role) }, { u"colour"_s, colour }, { u"model"_s, model },
        { u"kind"_s, toString(kind) }, { u"correlation_id"_s, correlationId } };
}

QJsonObject TurnRecord::toJson() const
{
    QJsonObject o = info.toJson();
    o.insert(u"id"_s, double(storageId));
    o.insert(u"content"_s, content);
    o.insert(u"text"_s, text);
    if (!thinking.isEmpty())
        o.insert(u"thinking"_s, thinking);
    o.insert(
        u"stance"_s, stance.isNone() && info.kind == TurnKind::Interjection ? QJsonValue(QJsonValue::Null) : QJsonValue(stance.toJson()));
    o.insert(u"parse_ok"_s, stance.parseOk());
    o.insert(u"changed"_s, changed);
    o.insert(u"repair_requested"_s, repairRequested);
    o.insert(u"status"_s, toString(status));
    o.insert(u"calls"_s, calls);
    o.insert(u"prompt_tokens"_s, double(metrics.promptEvalCount));
    o.insert(u"eval_tokens"_s, double(metrics.evalCount));
    o.insert(u"ttft_ms"_s, double(metrics.timeToFirstTokenMs));
    o.insert(u"wall_ms"_s, double(metrics.wallTimeMs));
    o.insert(u"total_duration_ns"_s, double(metrics.totalDurationNs));
    if (!error.isEmpty())
        o.insert(u"error"_s, error);
    o.insert(u"created_at"_s, isoUtc(createdAt));
    return o;
}

QJsonObject AnswerGroup::toJson() const
{
    QJsonArray seatArray;
    for (int s : seats)
        seatArray.append(s);
    return { { u"answer"_s, answer }, { u"key"_s, key }, { u"seats"_s, seatArray }, { u"agents"_s, QJsonArray::fromStringList(agents) },
        { u"support"_s, support }, { u"mean_confidence"_s, meanConfidence } };
}

QJsonObject ConsensusSnapshot::toJson() const
{
    QJsonArray groupArray;
    for (const AnswerGroup &g : groups)
        groupArray.append(g.toJson());
    return { { u"debate_id"_s, double(debateId) }, { u"round"_s, round }, { u"score"_s, score }, { u"threshold"_s, threshold },
        { u"groups"_s, groupArray }, { u"leading_answer"_s, leadingAnswer }, { u"mean_confidence"_s, meanConfidence },
        { u"stances"_s, stances }, { u"missing"_s, missing }, { u"flips"_s, flips }, { u"unanimous"_s, unanimous },
        { u"reached"_s, reached }, { u"tie"_s, tie }, { u"method"_s, method } };
}

ConsensusSnapshot ConsensusSnapshot::fromJson(const QJsonObject &o)
{
    ConsensusSnapshot s;
    s.debateId = qint64(o.value(u"debate_id"_s).toDouble());
    s.round = o.value(u"round"_s).toInt();
    s.score = o.value(u"score"_s).toDouble();
    s.threshold = o.value(u"threshold"_s).toDouble();
    const QJsonArray groupArray = o.value(u"groups"_s).toArray();
    for (const QJsonValue &v : groupArray) {
        const QJsonObject g = v.toObject();
        AnswerGroup group;
        group.answer = g.value(u"answer"_s).toString();
        group.key = g.value(u"key"_s).toString();
        const QJsonArray seatArray = g.value(u"seats"_s).toArray();
        for (const QJsonValue &seat : seatArray)
            group.seats.append(seat.toInt());
        const QJsonArray agentArray = g.value(u"agents"_s).toArray();
        for (const QJsonValue &agent : agentArray)
            group.agents.append(agent.toString());
        group.support = g.value(u"support"_s).toDouble();
        group.meanConfidence = g.value(u"mean_confidence"_s).toDouble();
        s.groups.append(group);
    }
    s.leadingAnswer = o.value(u"leading_answer"_s).toString();
    s.meanConfidence = o.value(u"mean_confidence"_s).toDouble();
    s.stances = o.value(u"stances"_s).toInt();
    s.missing = o.value(u"missing"_s).toInt();
    s.flips = o.value(u"flips"_s).toInt();
    s.unanimous = o.value(u"unanimous"_s).toBool();
    s.reached = o.value(u"reached"_s).toBool();
    s.tie = o.value(u"tie"_s).toBool();
    s.method = o.value(u"method"_s).toString();
    return s;
}

QJsonObject DebateNote::toJson() const
{
    return { { u"debate_id"_s, double(debateId) }, { u"kind"_s, toString(kind) }, { u"round"_s, round }, { u"seat"_s, seat },
        { u"agent"_s, agentName }, { u"text"_s, text }, { u"created_at"_s, isoUtc(createdAt) } };
}

QJsonObject PauseInfo::toJson() const
{
    return { { u"debate_id"_s, double(debateId) }, { u"reason"_s, reason }, { u"message"_s, message }, { u"error_code"_s, errorCode } };
}

QJsonObject DebateOutcome::toJson() const
{
    QJsonArray dissentArray;
    for (const Dissent &d : dissent) {
        dissentArray.append(QJsonObject { { u"seat"_s, d.seat }, { u"agent"_s, d.agentName }, { u"answer"_s, d.answer },
            { u"confidence"_s, optionalNumber(d.confidence) }, { u"reasons"_s, QJsonArray::fromStringList(d.reasons) } });
    }
    QJsonArray flips;
    for (int f : flipsPerRound)
        flips.append(f);
    QJsonObject o {
        { u"debate_id"_s, double(debateId) },
        { u"status"_s, toString(status) },
        { u"stop_reason"_s, toString(stopReason) },
        { u"stop_detail"_s, stopDetail },
        { u"answer"_s, answer },
        { u"score"_s, score },
        { u"mean_confidence"_s, meanConfidence },
        { u"tie"_s, tie },
        { u"dissent"_s, dissentArray },
        { u"synthesis"_s, synthesis },
        { u"synthesis_by"_s, synthesisBy },
        { u"rounds"_s, rounds },
        { u"flips_per_round"_s, flips },
        { u"prompt_tokens"_s, double(promptTokens) },
        { u"eval_tokens"_s, double(evalTokens) },
        { u"calls"_s, calls },
        { u"duration_ms"_s, double(durationMs) },
    };
    if (!verdictWinner.isEmpty())
        o.insert(u"verdict_winner"_s, verdictWinner);
    if (!ranking.isEmpty())
        o.insert(u"ranking"_s, ranking);
    if (!error.code.isEmpty())
        o.insert(u"error"_s, QJsonObject { { u"code"_s, error.code }, { u"message"_s, error.message } });
    return o;
}

namespace {
std::optional<double> numberOrNone(const QJsonValue &v)
{
    return v.isDouble() ? std::optional<double>(v.toDouble()) : std::nullopt;
}
QDateTime timeFrom(const QJsonValue &v)
{
    return QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
}
} // namespace

DebateInfo DebateInfo::fromJson(const QJsonObject &o)
{
    DebateInfo info;
    info.debateId = qint64(o.value(u"debate_id"_s).toDouble());
    info.question = o.value(u"question"_s).toString();
    info.format = parseFormatKind(o.value(u"format"_s).toString()).value_or(FormatKind::Simultaneous);
    info.maxRounds = o.value(u"max_rounds"_s).toInt();
    info.threshold = o.value(u"threshold"_s).toDouble();
    info.resumed = o.value(u"resumed"_s).toBool();
    info.finishedTurns = o.value(u"finished_turns"_s).toInt();
    info.config = DebateConfig::fromJson(o.value(u"settings"_s).toObject());
    for (const QJsonValue &v : o.value(u"seats"_s).toArray()) {
        const QJsonObject s = v.toObject();
        Seat seat;
        seat.index = s.value(u"seat"_s).toInt();
        seat.agent.name = s.value(u"name"_s).toString();
        seat.agent.role = s.value(u"role"_s).toString();
        seat.agent.model = s.value(u"model"_s).toString();
        for (const QJsonValue &m : s.value(u"fallback_models"_s).toArray())
            seat.agent.fallbackModels.append(m.toString());
        seat.agent.colour = s.value(u"colour"_s).toString();
        seat.agent.weight = s.value(u"weight"_s).toDouble(1.0);
        seat.role = parseSeatRole(s.value(u"seat_role"_s).toString()).value_or(SeatRole::Debater);
        seat.implicit = s.value(u"implicit"_s).toBool();
        info.seats.append(seat);
    }
    return info;
}

RoundInfo RoundInfo::fromJson(const QJsonObject &o)
{
    RoundInfo r;
    r.debateId = qint64(o.value(u"debate_id"_s).toDouble());
    r.round = o.value(u"round"_s).toInt();
    r.maxRounds = o.value(u"max_rounds"_s).toInt();
    r.phase = o.value(u"phase"_s).toString();
    for (const QJsonValue &v : o.value(u"speakers"_s).toArray())
        r.speakers.append(v.toString());
    return r;
}

TurnInfo TurnInfo::fromJson(const QJsonObject &o)
{
    TurnInfo t;
    t.debateId = qint64(o.value(u"debate_id"_s).toDouble());
    t.index = o.value(u"index"_s).toInt();
    t.round = o.value(u"round"_s).toInt();
    t.seat = o.value(u"seat"_s).toInt(-1);
    t.agentName = o.value(u"agent"_s).toString();
    t.role = parseSeatRole(o.value(u"seat_role"_s).toString()).value_or(SeatRole::Debater);
    t.colour = o.value(u"colour"_s).toString();
    t.model = o.value(u"model"_s).toString();
    t.kind = parseTurnKind(o.value(u"kind"_s).toString()).value_or(TurnKind::Turn);
    t.correlationId = o.value(u"correlation_id"_s).toString();
    return t;
}

TurnRecord TurnRecord::fromJson(const QJsonObject &o)
{
    TurnRecord t;
    t.info = TurnInfo::fromJson(o);
    t.storageId = qint64(o.value(u"id"_s).toDouble());
    t.content = o.value(u"content"_s).toString();
    t.text = o.value(u"text"_s).toString();
    t.thinking = o.value(u"thinking"_s).toString();
    if (o.value(u"stance"_s).isObject())
        t.stance = Stance::fromJson(o.value(u"stance"_s).toObject());
    t.status = parseTurnStatus(o.value(u"status"_s).toString()).value_or(TurnStatus::Complete);
    t.changed = o.value(u"changed"_s).toBool();
    t.repairRequested = o.value(u"repair_requested"_s).toBool();
    t.calls = o.value(u"calls"_s).toInt(1);
    t.metrics.promptEvalCount = qint64(o.value(u"prompt_tokens"_s).toDouble());
    t.metrics.evalCount = qint64(o.value(u"eval_tokens"_s).toDouble());
    t.metrics.timeToFirstTokenMs = qint64(o.value(u"ttft_ms"_s).toDouble());
    t.metrics.wallTimeMs = qint64(o.value(u"wall_ms"_s).toDouble());
    t.metrics.totalDurationNs = qint64(o.value(u"total_duration_ns"_s).toDouble());
    t.error = o.value(u"error"_s).toString();
    t.createdAt = timeFrom(o.value(u"created_at"_s));
    return t;
}

DebateNote DebateNote::fromJson(const QJsonObject &o)
{
    DebateNote n;
    n.debateId = qint64(o.value(u"debate_id"_s).toDouble());
    static const QList<NoteKind> kinds { NoteKind::Interjection, NoteKind::Skipped, NoteKind::Fallback, NoteKind::HostMoved,
        NoteKind::Warning, NoteKind::Info };
    const QString kind = o.value(u"kind"_s).toString();
    for (NoteKind k : kinds) {
        if (toString(k) == kind)
            n.kind = k;
    }
    n.round = o.value(u"round"_s).toInt();
    n.seat = o.value(u"seat"_s).toInt(-1);
    n.agentName = o.value(u"agent"_s).toString();
    n.text = o.value(u"text"_s).toString();
    n.createdAt = timeFrom(o.value(u"created_at"_s));
    return n;
}

PauseInfo PauseInfo::fromJson(const QJsonObject &o)
{
    return { qint64(o.value(u"debate_id"_s).toDouble()), o.value(u"reason"_s).toString(), o.value(u"message"_s).toString(),
        o.value(u"error_code"_s).toString() };
}

DebateOutcome DebateOutcome::fromJson(const QJsonObject &o)
{
    DebateOutcome r;
    r.debateId = qint64(o.value(u"debate_id"_s).toDouble());
    r.status = parseDebateStatus(o.value(u"status"_s).toString()).value_or(DebateStatus::Finished);
    r.stopReason = parseStopReason(o.value(u"stop_reason"_s).toString()).value_or(StopReason::None);
    r.stopDetail = o.value(u"stop_detail"_s).toString();
    r.answer = o.value(u"answer"_s).toString();
    r.score = o.value(u"score"_s).toDouble();
    r.meanConfidence = o.value(u"mean_confidence"_s).toDouble();
    r.tie = o.value(u"tie"_s).toBool();
    for (const QJsonValue &v : o.value(u"dissent"_s).toArray()) {
        const QJsonObject d = v.toObject();
        Dissent dissent;
        dissent.seat = d.value(u"seat"_s).toInt(-1);
        dissent.agentName = d.value(u"agent"_s).toString();
        dissent.answer = d.value(u"answer"_s).toString();
        dissent.confidence = numberOrNone(d.value(u"confidence"_s));
        for (const QJsonValue &reason : d.value(u"reasons"_s).toArray())
            dissent.reasons.append(reason.toString());
        r.dissent.append(dissent);
    }
    r.synthesis = o.value(u"synthesis"_s).toString();
    r.synthesisBy = o.value(u"synthesis_by"_s).toString();
    r.verdictWinner = o.value(u"verdict_winner"_s).toString();
    r.ranking = o.value(u"ranking"_s).toObject();
    r.rounds = o.value(u"rounds"_s).toInt();
    for (const QJsonValue &f : o.value(u"flips_per_round"_s).toArray())
        r.flipsPerRound.append(f.toInt());
    r.promptTokens = qint64(o.value(u"prompt_tokens"_s).toDouble());
    r.evalTokens = qint64(o.value(u"eval_tokens"_s).toDouble());
    r.calls = o.value(u"calls"_s).toInt();
    r.durationMs = qint64(o.value(u"duration_ms"_s).toDouble());
    const QJsonObject error = o.value(u"error"_s).toObject();
    r.error = rt::Error { error.value(u"code"_s).toString(), error.value(u"message"_s).toString() };
    return r;
}

} // namespace rt::debate
