#include "transcriptexporter.h"

#include "agentrepository.h"
#include "common/translate.h"
#include "conversationrepository.h"
#include "database.h"
#include "debaterepository.h"
#include "messagerepository.h"

#include <QCoreApplication>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>

namespace rt::storage {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::storage)
};

const QString kFormatName = QStringLiteral("roundtable.export");

QJsonValue timeJson(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue(QJsonValue::Null);
}

QDateTime timeFrom(const QJsonValue &v)
{
    if (!v.isString())
        return {};
    return QDateTime::fromString(v.toString(), Qt::ISODateWithMs).toUTC();
}

QJsonValue optionalJson(const std::optional<double> &v)
{
    return v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null);
}

std::optional<qint64> optionalInteger(const QJsonValue &v)
{
    if (v.isDouble())
        return qint64(v.toDouble());
    if (v.isString() && !v.toString().isEmpty())
        return v.toString().toLongLong();
    return std::nullopt;
}

std::optional<double> optionalReal(const QJsonValue &v)
{
    return v.isDouble() ? std::optional<double>(v.toDouble()) : std::nullopt;
}

// Token counts and durations (nanoseconds) can exceed 2^53? Durations of days
// would; store as strings when they cannot round-trip through a double.
QJsonValue bigInteger(const std::optional<qint64> &v)
{
    if (!v)
        return QJsonValue::Null;
    if (*v > (qint64(1) << 53) || *v < -(qint64(1) << 53))
        return QString::number(*v);
    return double(*v);
}

QJsonObject metricsJson(const GenerationMetrics &m)
{
    return QJsonObject { { QStringLiteral("prompt_eval_count"), bigInteger(m.promptEvalCount) },
        { QStringLiteral("eval_count"), bigInteger(m.evalCount) }, { QStringLiteral("total_duration_ns"), bigInteger(m.totalDurationNs) },
        { QStringLiteral("load_duration_ns"), bigInteger(m.loadDurationNs) },
        { QStringLiteral("prompt_eval_duration_ns"), bigInteger(m.promptEvalDurationNs) },
        { QStringLiteral("eval_duration_ns"), bigInteger(m.evalDurationNs) }, { QStringLiteral("ttft_ms"), bigInteger(m.ttftMs) } };
}

GenerationMetrics metricsFrom(const QJsonObject &o)
{
    GenerationMetrics m;
    m.promptEvalCount = optionalInteger(o.value(u"prompt_eval_count"));
    m.evalCount = optionalInteger(o.value(u"eval_count"));
    m.totalDurationNs = optionalInteger(o.value(u"total_duration_ns"));
    m.loadDurationNs = optionalInteger(o.value(u"load_duration_ns"));
    m.promptEvalDurationNs = optionalInteger(o.value(u"prompt_eval_duration_ns"));
    m.evalDurationNs = optionalInteger(o.value(u"eval_duration_ns"));
    m.ttftMs = optionalInteger(o.value(u"ttft_ms"));
    return m;
}

QString markdownTime(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'")) : QString();
}

QString metricsLine(const GenerationMetrics &m)
{
    QStringList parts;
    if (m.evalCount)
        parts.append(QStringLiteral("%1 tokens").arg(*m.evalCount));
    if (m.evalCount && m.evalDurationNs && *m.evalDurationNs > 0)
        parts.append(QStringLiteral("%1 tokens/s").arg(double(*m.evalCount) * 1e9 / double(*m.evalDurationNs), 0, 'f', 1));
    if (m.ttftMs)
        parts.append(QStringLiteral("first token after %1 ms").arg(*m.ttftMs));
    return parts.join(QStringLiteral(" · "));
}

Error invalidFile(const QString &why)
{
    return makeError(errc::InvalidInput, Tr::tr("This is not a Roundtable export that can be imported: %1").arg(why));
}
} // namespace

rt::Result<QString> TranscriptExporter::agentName(std::optional<qint64> agentId)
{
    if (!agentId)
        return QString();
    auto agent = AgentRepository(m_db).get(*agentId);
    if (!agent.ok())
        return agent.error().code == errc::NotFound ? rt::Result<QString>(QString()) : rt::Result<QString>(agent.error());
    return agent->name;
}

rt::Result<std::optional<qint64>> TranscriptExporter::agentIdFor(const QJsonValue &name)
{
    if (!name.isString() || name.toString().isEmpty())
        return std::optional<qint64>();
    auto agent = AgentRepository(m_db).findByName(name.toString());
    if (!agent.ok())
        return agent.error();
    return agent->has_value() ? std::optional<qint64>((*agent)->id) : std::nullopt;
}

struct TranscriptExporter::ConversationData {
    Conversation conversation;
    QList<Message> messages;
    QStringList agents; // per message: the agent's current name, or empty
};

struct TranscriptExporter::DebateData {
    Debate debate;
    QList<DebateParticipant> participants;
    QStringList agents; // per participant: the agent's current name, or empty
    QList<DebateTurn> turns;
    QList<DebateRound> rounds;
};

rt::Result<TranscriptExporter::ConversationData> TranscriptExporter::loadConversation(qint64 id)
{
    ConversationData data;
    auto conversation = ConversationRepository(m_db).get(id);
    if (!conversation.ok())
        return conversation.error();
    data.conversation = std::move(conversation).value();
    auto messages = MessageRepository(m_db).all(id);
    if (!messages.ok())
        return messages.error();
    data.messages = std::move(messages).value();
    QHash<qint64, QString> names; // one lookup per agent, not per message
    for (const Message &m : std::as_const(data.messages)) {
        QString name;
        if (m.agentId) {
            auto known = names.constFind(*m.agentId);
            if (known == names.cend()) {
                auto agent = agentName(m.agentId);
                if (!agent.ok())
                    return agent.error();
                known = names.insert(*m.agentId, *agent);
            }
            name = *known;
        }
        data.agents.append(name);
    }
    return data;
}

rt::Result<TranscriptExporter::DebateData> TranscriptExporter::loadDebate(qint64 id)
{
    DebateRepository repo(m_db);
    DebateData data;
    auto debate = repo.get(id);
    if (!debate.ok())
        return debate.error();
    data.debate = std::move(debate).value();
    auto participants = repo.participants(id);
    if (!participants.ok())
        return participants.error();
    data.participants = std::move(participants).value();
    for (const DebateParticipant &p : std::as_const(data.participants)) {
        auto agent = agentName(p.agentId);
        if (!agent.ok())
            return agent.error();
        data.agents.append(*agent);
    }
    auto turns = repo.turns(id);
    if (!turns.ok())
        return turns.error();
    data.turns = std::move(turns).value();
    auto rounds = repo.rounds(id);
    if (!rounds.ok())
        return rounds.error();
    data.rounds = std::move(rounds).value();
    return data;
}

QJsonObject TranscriptExporter::conversationJson(const ConversationData &data) const
{
    QJsonArray list;
    for (qsizetype i = 0; i < data.messages.size(); ++i) {
        const Message &m = data.messages.at(i);
        const QString &agent = data.agents.at(i);
        list.append(QJsonObject { { QStringLiteral("role"), toString(m.role) }, { QStringLiteral("content"), m.content },
            { QStringLiteral("thinking"), m.thinking },
            { QStringLiteral("agent"), agent.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(agent) },
            { QStringLiteral("model"), m.model }, { QStringLiteral("status"), toString(m.status) },
            { QStringLiteral("metrics"), metricsJson(m.metrics) }, { QStringLiteral("error"), m.error },
            { QStringLiteral("created_at"), timeJson(m.createdAt) }, { QStringLiteral("updated_at"), timeJson(m.updatedAt) } });
    }
    const Conversation &c = data.conversation;
    return QJsonObject { { QStringLiteral("format"), kFormatName }, { QStringLiteral("version"), FormatVersion },
        { QStringLiteral("kind"), QStringLiteral("conversation") }, { QStringLiteral("exported_at"), timeJson(m_db.now()) },
        { QStringLiteral("conversation"),
            QJsonObject { { QStringLiteral("id"), double(c.id) }, { QStringLiteral("title"), c.title },
                { QStringLiteral("model"), c.model }, { QStringLiteral("system_prompt"), c.systemPrompt },
                { QStringLiteral("created_at"), timeJson(c.createdAt) }, { QStringLiteral("updated_at"), timeJson(c.updatedAt) } } },
        { QStringLiteral("messages"), list } };
}

QJsonObject TranscriptExporter::debateJson(const DebateData &data) const
{
    QJsonArray seats;
    for (qsizetype i = 0; i < data.participants.size(); ++i) {
        const DebateParticipant &p = data.participants.at(i);
        const QString &agent = data.agents.at(i);
        seats.append(QJsonObject { { QStringLiteral("seat"), p.seat },
            { QStringLiteral("agent_name"), agent.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(agent) },
            { QStringLiteral("agent"), p.agent } });
    }
    QJsonArray turnList;
    for (const DebateTurn &t : data.turns) {
        turnList.append(QJsonObject { { QStringLiteral("round"), t.round }, { QStringLiteral("seat"), t.seat },
            { QStringLiteral("agent_name"), t.agentName }, { QStringLiteral("kind"), toString(t.kind) },
            { QStringLiteral("content"), t.content }, { QStringLiteral("thinking"), t.thinking }, { QStringLiteral("stance"), t.stance },
            { QStringLiteral("confidence"), optionalJson(t.confidence) }, { QStringLiteral("changed"), t.changed },
            { QStringLiteral("parse_ok"), t.parseOk }, { QStringLiteral("status"), toString(t.status) },
            { QStringLiteral("model"), t.model }, { QStringLiteral("metrics"), metricsJson(t.metrics) },
            { QStringLiteral("error"), t.error }, { QStringLiteral("created_at"), timeJson(t.createdAt) },
            { QStringLiteral("updated_at"), timeJson(t.updatedAt) } });
    }
    QJsonArray roundList;
    for (const DebateRound &r : data.rounds) {
        roundList.append(QJsonObject { { QStringLiteral("round"), r.round }, { QStringLiteral("score"), optionalJson(r.score) },
            { QStringLiteral("groups"), r.groups }, { QStringLiteral("flips"), r.flips } });
    }
    const Debate &d = data.debate;
    return QJsonObject { { QStringLiteral("format"), kFormatName }, { QStringLiteral("version"), FormatVersion },
        { QStringLiteral("kind"), QStringLiteral("debate") }, { QStringLiteral("exported_at"), timeJson(m_db.now()) },
        { QStringLiteral("debate"),
            QJsonObject { { QStringLiteral("id"), double(d.id) }, { QStringLiteral("question"), d.question },
                { QStringLiteral("format"), d.format }, { QStringLiteral("status"), toString(d.status) },
                { QStringLiteral("settings"), d.settings }, { QStringLiteral("consensus_score"), optionalJson(d.consensusScore) },
                { QStringLiteral("stop_reason"), d.stopReason }, { QStringLiteral("final_answer"), d.finalAnswer },
                { QStringLiteral("synthesis"), d.synthesis }, { QStringLiteral("created_at"), timeJson(d.createdAt) },
                { QStringLiteral("updated_at"), timeJson(d.updatedAt) }, { QStringLiteral("finished_at"), timeJson(d.finishedAt) } } },
        { QStringLiteral("participants"), seats }, { QStringLiteral("turns"), turnList }, { QStringLiteral("rounds"), roundList } };
}

QString TranscriptExporter::conversationMarkdown(const ConversationData &data)
{
    const Conversation &conversation = data.conversation;
    QString md;
    const QString title = conversation.title.isEmpty() ? Tr::tr("Conversation %1").arg(conversation.id) : conversation.title;
    md += QStringLiteral("# %1\n\n").arg(title);
    QStringList facts;
    if (!conversation.model.isEmpty())
        facts.append(Tr::tr("Model: %1").arg(conversation.model));
    facts.append(Tr::tr("Started: %1").arg(markdownTime(conversation.createdAt)));
    facts.append(Tr::tr("Messages: %1").arg(data.messages.size()));
    md += QStringLiteral("- ") + facts.join(QStringLiteral("\n- ")) + QStringLiteral("\n\n");
    if (!conversation.systemPrompt.isEmpty())
        md += QStringLiteral("> **%1:** %2\n\n").arg(Tr::tr("System prompt"), conversation.systemPrompt);
    for (qsizetype i = 0; i < data.messages.size(); ++i) {
        const Message &m = data.messages.at(i);
        QString who = data.agents.at(i);
        if (who.isEmpty()) {
            who = toString(m.role);
            who[0] = who[0].toUpper();
        }
        QString heading = QStringLiteral("## %1").arg(who);
        if (!m.model.isEmpty())
            heading += QStringLiteral(" (%1)").arg(m.model);
        heading += QStringLiteral(" · %1").arg(markdownTime(m.createdAt));
        md += heading + QStringLiteral("\n\n");
        if (m.status != MessageStatus::Complete)
            md += QStringLiteral("*%1*\n\n").arg(Tr::tr("Status: %1").arg(toString(m.status)));
        if (!m.thinking.isEmpty())
            md += QStringLiteral("<details><summary>%1</summary>\n\n%2\n\n</details>\n\n").arg(Tr::tr("Thinking"), m.thinking);
        md += m.content + QStringLiteral("\n\n");
        if (!m.error.isEmpty())
            md += QStringLiteral("*%1*\n\n").arg(Tr::tr("Error: %1").arg(m.error));
        const QString line = metricsLine(m.metrics);
        if (!line.isEmpty())
            md += QStringLiteral("<sub>%1</sub>\n\n").arg(line);
    }
    return md;
}

QString TranscriptExporter::debateMarkdown(const DebateData &data)
{
    const Debate &debate = data.debate;
    QString md = QStringLiteral("# %1\n\n").arg(debate.question);
    QStringList facts;
    if (!debate.format.isEmpty())
        facts.append(Tr::tr("Format: %1").arg(debate.format));
    facts.append(Tr::tr("Status: %1").arg(toString(debate.status)));
    facts.append(Tr::tr("Started: %1").arg(markdownTime(debate.createdAt)));
    if (debate.finishedAt.isValid())
        facts.append(Tr::tr("Finished: %1").arg(markdownTime(debate.finishedAt)));
    if (debate.consensusScore)
        facts.append(Tr::tr("Consensus: %1%").arg(qRound(*debate.consensusScore * 100)));
    if (!debate.stopReason.isEmpty())
        facts.append(Tr::tr("Stopped because: %1").arg(debate.stopReason));
    md += QStringLiteral("- ") + facts.join(QStringLiteral("\n- ")) + QStringLiteral("\n\n");
    if (!data.participants.isEmpty()) {
        md += QStringLiteral("## %1\n\n").arg(Tr::tr("Participants"));
        for (qsizetype i = 0; i < data.participants.size(); ++i) {
            const DebateParticipant &p = data.participants.at(i);
            // The snapshot taken when the debate ran; the agent may have been renamed or deleted since.
            QString name = p.agent.value(u"name").toString();
            if (name.isEmpty())
                name = data.agents.at(i);
            QString line = QStringLiteral("%1. **%2**").arg(p.seat + 1).arg(name);
            if (p.agent.contains(u"model"))
                line += QStringLiteral(" (%1)").arg(p.agent.value(u"model").toString());
            if (p.agent.contains(u"role"))
                line += QStringLiteral(" — %1").arg(p.agent.value(u"role").toString());
            md += line + u'\n';
        }
        md += u'\n';
    }
    int round = -1;
    for (const DebateTurn &t : data.turns) {
        if (t.round != round) {
            round = t.round;
            md += QStringLiteral("## %1\n\n").arg(Tr::tr("Round %1").arg(round));
            for (const DebateRound &r : data.rounds) {
                if (r.round == round && r.score)
                    md += QStringLiteral("*%1*\n\n").arg(Tr::tr("Consensus after this round: %1%").arg(qRound(*r.score * 100)));
            }
        }
        QString heading = QStringLiteral("### %1").arg(t.agentName.isEmpty() ? toString(t.kind) : t.agentName);
        if (t.kind != TurnKind::Turn)
            heading += QStringLiteral(" · %1").arg(toString(t.kind));
        if (t.confidence)
            heading += QStringLiteral(" · %1").arg(Tr::tr("confidence %1%").arg(qRound(*t.confidence * 100)));
        if (t.changed)
            heading += QStringLiteral(" · %1").arg(Tr::tr("changed position"));
        md += heading + QStringLiteral("\n\n");
        if (t.status != TurnStatus::Complete)
            md += QStringLiteral("*%1*\n\n").arg(Tr::tr("Status: %1").arg(toString(t.status)));
        md += t.content + QStringLiteral("\n\n");
        if (!t.error.isEmpty())
            md += QStringLiteral("*%1*\n\n").arg(Tr::tr("Error: %1").arg(t.error));
    }
    if (!debate.synthesis.isEmpty())
        md += QStringLiteral("## %1\n\n%2\n\n").arg(Tr::tr("Synthesis"), debate.synthesis);
    if (!debate.finalAnswer.isEmpty())
        md += QStringLiteral("## %1\n\n%2\n\n").arg(Tr::tr("Final answer"), debate.finalAnswer);
    return md;
}

rt::Result<QByteArray> TranscriptExporter::exportConversation(qint64 id, ExportFormat format)
{
    auto data = loadConversation(id);
    if (!data.ok())
        return data.error();
    if (format == ExportFormat::Json)
        return QJsonDocument(conversationJson(*data)).toJson(QJsonDocument::Indented);
    return conversationMarkdown(*data).toUtf8();
}

rt::Result<QByteArray> TranscriptExporter::exportDebate(qint64 id, ExportFormat format)
{
    auto data = loadDebate(id);
    if (!data.ok())
        return data.error();
    if (format == ExportFormat::Json)
        return QJsonDocument(debateJson(*data)).toJson(QJsonDocument::Indented);
    return debateMarkdown(*data).toUtf8();
}

rt::Result<ImportResult> TranscriptExporter::importJson(const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (doc.isNull())
        return invalidFile(Tr::tr("the JSON is malformed (%1 at byte %2)").arg(parseError.errorString()).arg(parseError.offset));
    const QJsonObject root = doc.object();
    if (root.value(u"format").toString() != kFormatName)
        return invalidFile(Tr::tr("it has no \"format\": \"%1\" field").arg(kFormatName));
    if (root.value(u"version").toInt() < 1 || root.value(u"version").toInt() > FormatVersion)
        return invalidFile(Tr::tr("it was written by a newer Roundtable (export version %1); update Roundtable to import it")
                               .arg(root.value(u"version").toInt()));
    const QString kind = root.value(u"kind").toString();
    if (kind == u"conversation")
        return m_db.transaction([&] { return importConversation(root); });
    if (kind == u"debate")
        return m_db.transaction([&] { return importDebate(root); });
    return invalidFile(Tr::tr("unknown kind \"%1\"").arg(kind));
}

rt::Result<ImportResult> TranscriptExporter::importConversation(const QJsonObject &root)
{
    const QJsonObject c = root.value(u"conversation").toObject();
    Conversation conversation;
    conversation.title = c.value(u"title").toString();
    conversation.model = c.value(u"model").toString();
    conversation.systemPrompt = c.value(u"system_prompt").toString();
    conversation.createdAt = timeFrom(c.value(u"created_at"));
    conversation.updatedAt = timeFrom(c.value(u"updated_at"));
    auto id = ConversationRepository(m_db).create(conversation);
    if (!id.ok())
        return id.error();
    ImportResult result { ImportResult::Kind::Conversation, *id, 0 };
    MessageRepository messages(m_db);
    for (const QJsonValue &value : root.value(u"messages").toArray()) {
        const QJsonObject o = value.toObject();
        Message m;
        m.conversationId = *id;
        const auto role = parseMessageRole(o.value(u"role").toString());
        const auto status = parseMessageStatus(o.value(u"status").toString(QStringLiteral("complete")));
        if (!role || !status)
            return invalidFile(Tr::tr("message %1 has an unknown role or status").arg(result.items + 1));
        m.role = *role;
        m.status = *status;
        m.content = o.value(u"content").toString();
        m.thinking = o.value(u"thinking").toString();
        auto agent = agentIdFor(o.value(u"agent"));
        if (!agent.ok())
            return agent.error();
        m.agentId = *agent;
        m.model = o.value(u"model").toString();
        m.metrics = metricsFrom(o.value(u"metrics").toObject());
        m.error = o.value(u"error").toString();
        m.createdAt = timeFrom(o.value(u"created_at"));
        m.updatedAt = timeFrom(o.value(u"updated_at"));
        if (auto added = messages.append(m); !added.ok())
            return added.error();
        ++result.items;
    }
    if (conversation.updatedAt.isValid()) {
        if (auto done = ConversationRepository(m_db).setUpdatedAt(*id, conversation.updatedAt); !done.ok())
            return done.error();
    }
    return result;
}

rt::Result<ImportResult> TranscriptExporter::importDebate(const QJsonObject &root)
{
    const QJsonObject d = root.value(u"debate").toObject();
    Debate debate;
    debate.question = d.value(u"question").toString();
    debate.format = d.value(u"format").toString();
    const auto status = parseDebateStatus(d.value(u"status").toString(QStringLiteral("finished")));
    if (!status)
        return invalidFile(Tr::tr("the debate has an unknown status"));
    debate.status = *status;
    debate.settings = d.value(u"settings").toObject();
    debate.consensusScore = optionalReal(d.value(u"consensus_score"));
    debate.stopReason = d.value(u"stop_reason").toString();
    debate.finalAnswer = d.value(u"final_answer").toString();
    debate.synthesis = d.value(u"synthesis").toString();
    debate.createdAt = timeFrom(d.value(u"created_at"));
    debate.updatedAt = timeFrom(d.value(u"updated_at"));
    debate.finishedAt = timeFrom(d.value(u"finished_at"));
    DebateRepository repo(m_db);
    auto id = repo.create(debate);
    if (!id.ok())
        return id.error();
    ImportResult result { ImportResult::Kind::Debate, *id, 0 };

    QList<DebateParticipant> participants;
    for (const QJsonValue &value : root.value(u"participants").toArray()) {
        const QJsonObject o = value.toObject();
        auto agent = agentIdFor(o.value(u"agent_name"));
        if (!agent.ok())
            return agent.error();
        participants.append(DebateParticipant { *id, o.value(u"seat").toInt(), *agent, o.value(u"agent").toObject() });
    }
    if (auto done = repo.setParticipants(*id, participants); !done.ok())
        return done.error();
    for (const QJsonValue &value : root.value(u"turns").toArray()) {
        const QJsonObject o = value.toObject();
        DebateTurn t;
        t.debateId = *id;
        t.round = o.value(u"round").toInt();
        t.seat = o.value(u"seat").toInt();
        t.agentName = o.value(u"agent_name").toString();
        const auto kind = parseTurnKind(o.value(u"kind").toString(QStringLiteral("turn")));
        const auto turnStatus = parseTurnStatus(o.value(u"status").toString(QStringLiteral("complete")));
        if (!kind || !turnStatus)
            return invalidFile(Tr::tr("turn %1 has an unknown kind or status").arg(result.items + 1));
        t.kind = *kind;
        t.status = *turnStatus;
        t.content = o.value(u"content").toString();
        t.thinking = o.value(u"thinking").toString();
        t.stance = o.value(u"stance");
        if (t.stance.isUndefined())
            t.stance = QJsonValue::Null;
        t.confidence = optionalReal(o.value(u"confidence"));
        t.changed = o.value(u"changed").toBool();
        t.parseOk = o.value(u"parse_ok").toBool(true);
        t.model = o.value(u"model").toString();
        t.metrics = metricsFrom(o.value(u"metrics").toObject());
        t.error = o.value(u"error").toString();
        t.createdAt = timeFrom(o.value(u"created_at"));
        t.updatedAt = timeFrom(o.value(u"updated_at"));
        if (auto added = repo.appendTurn(t); !added.ok())
            return added.error();
        ++result.items;
    }
    for (const QJsonValue &value : root.value(u"rounds").toArray()) {
        const QJsonObject o = value.toObject();
        QJsonValue groups = o.value(u"groups");
        if (groups.isUndefined())
            groups = QJsonValue::Null;
        if (auto done = repo.saveRound(
                DebateRound { *id, o.value(u"round").toInt(), optionalReal(o.value(u"score")), groups, o.value(u"flips").toInt() });
            !done.ok())
            return done.error();
    }
    // Appending turns touched updated_at; put the exported value back.
    if (auto done = repo.finish(*id, debate); !done.ok())
        return done.error();
    if (!debate.finishedAt.isValid()) {
        if (auto n = m_db.exec(QStringLiteral("UPDATE debates SET finished_at = NULL WHERE id = ?"), { *id }); !n.ok())
            return n.error();
    }
    return result;
}

} // namespace rt::storage
