// SimApi generation endpoints: /api/chat, /api/generate, /api/embed, /api/embeddings.
#include "debateparticipant.h"
#include "generationstream.h"
#include "httpconnection.h"
#include "pullstream.h"
#include "simapi.h"
#include "simapi_p.h"
#include "simrandom.h"
#include "wireformat.h"

#include <QHostAddress>
#include <QHostInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTimer>
#include <cmath>
#include <cstdio>

using namespace Qt::StringLiterals;

namespace rt::sim {

using namespace detail;

QJsonArray SimApi::embedVector(const QString &text, int dimensions) const
{
    // Feature hashing: each word adds +-1 at a few positions derived from its
    // hash, so texts that share words point in similar directions; a little
    // text-specific noise keeps different texts from being identical.
    std::vector<double> v(size_t(std::max(1, dimensions)), 0.0);
    static const QRegularExpression splitter(u"[^\\p{L}\\p{N}]+"_s);
    const QStringList words = text.toLower().split(splitter, Qt::SkipEmptyParts);
    for (const QString &w : words) {
        const quint64 h = fnv1a(QStringView(w));
        for (int j = 0; j < 4; ++j) {
            const quint64 bits = mixSeed(h, quint64(j));
            v[bits % v.size()] += (bits >> 63) ? 1.0 : -1.0;
        }
    }
    SimRandom noise(fnv1a(QStringView(text)) ^ 0x51ED270B27ULL);
    for (double &x : v)
        x += (noise.unit() - 0.5) * 0.1;
    double norm = 0;
    for (double x : v)
        norm += x * x;
    norm = std::sqrt(norm);
    QJsonArray out;
    for (double x : v)
        out.append(double(float(x / norm)));
    return out;
}

void SimApi::embed(const Call &call)
{
    const qint64 start = wire::monotonicNs();
    const auto body = parseBody(call, "EmbedRequest");
    if (!body)
        return;
    const QString name = body->value(u"model"_s).toString();
    if (name.isEmpty()) {
        sendError(call, 400, u"model is required"_s);
        return;
    }
    const SimModel *m = installedModel(call, name);
    if (!m)
        return;
    if (const QString err = checkOptions(body->value(u"options"_s).toObject()); !err.isEmpty()) {
        sendError(call, 500, err);
        return;
    }
    QStringList inputs;
    const QJsonValue input = body->value(u"input"_s);
    if (input.isString()) {
        inputs << input.toString();
    } else if (input.isArray()) {
        for (const QJsonValue &v : input.toArray()) {
            if (!v.isString()) {
                sendError(call, 400, u"invalid input type"_s);
                return;
            }
            inputs << v.toString();
        }
    } else if (!input.isUndefined() && !input.isNull()) {
        sendError(call, 400, u"invalid input type"_s);
        return;
    }
    const bool truncate = body->value(u"truncate"_s).toBool(true);
    const int ctx = m->contextLength > 0 ? m->contextLength : kDefaultNumCtx;
    qint64 promptTokens = 0;
    for (const QString &s : inputs) {
        const qint64 n = estimateTokens(s);
        if (n > ctx && !truncate) {
            sendError(call, 400, u"the input length exceeds the context length"_s);
            return;
        }
        promptTokens += std::min<qint64>(n, ctx);
    }
    int dims = m->embeddingLength > 0 ? m->embeddingLength : 384;
    if (body->contains(u"dimensions"_s)) {
        const int requested = body->value(u"dimensions"_s).toInt(0);
        if (requested < 1 || requested > dims) {
            sendError(call, 400, u"dimensions must be between 1 and %1"_s.arg(dims));
            return;
        }
        dims = requested;
    }
    QJsonArray vectors;
    for (const QString &s : inputs)
        vectors.append(embedVector(s, dims));
    const bool fresh
        = m_models->touchLoaded(m->name, ctx, expiryFor(parseKeepAlive(body->value(u"keep_alive"_s)).value_or(kDefaultKeepAliveMs)));
    QJsonObject o;
    o.insert(u"model"_s, m->name);
    o.insert(u"embeddings"_s, vectors);
    const qint64 load = fresh ? 3000000 : 20000;
    o.insert(u"total_duration"_s, std::max<qint64>(wire::monotonicNs() - start, 1) + load);
    o.insert(u"load_duration"_s, load);
    if (promptTokens > 0)
        o.insert(u"prompt_eval_count"_s, promptTokens);
    sendJson(call, 200, o);
}

void SimApi::embeddings(const Call &call)
{
    const auto body = parseBody(call, "EmbeddingRequest");
    if (!body)
        return;
    const QString name = body->value(u"model"_s).toString();
    const SimModel *m = installedModel(call, name);
    if (!m)
        return;
    const QString prompt = body->value(u"prompt"_s).toString();
    const QJsonArray v = prompt.isEmpty() ? QJsonArray() : embedVector(prompt, m->embeddingLength > 0 ? m->embeddingLength : 384);
    sendJson(call, 200, QJsonObject { { u"embedding"_s, v } });
}

void SimApi::chat(const Call &call)
{
    generation(call, true);
}

void SimApi::generate(const Call &call)
{
    generation(call, false);
}

void SimApi::generation(const Call &call, bool chat)
{
    const qint64 startNs = wire::monotonicNs();
    const auto parsed = parseBody(call, chat ? "ChatRequest" : "GenerateRequest");
    if (!parsed)
        return;
    const QJsonObject &body = *parsed;
    const QString name = body.value(u"model"_s).toString();
    if (name.trimmed().isEmpty()) {
        sendError(call, 400, u"model is required"_s);
        return;
    }
    m_stats.setModel(call.id, name);

    // format: absent/null, "json", or a schema object.
    const QJsonValue format = body.value(u"format"_s);
    const bool formatOk = format.isUndefined() || format.isNull() || format.isObject()
        || (format.isString() && (format.toString() == u"json"_s || format.toString().isEmpty()));
    if (!formatOk) {
        sendError(call, 400, u"invalid format: expected \"json\" or a valid JSON schema"_s);
        return;
    }

    QJsonArray messages;
    if (chat) {
        const QJsonValue mv = body.value(u"messages"_s);
        if (!mv.isUndefined() && !mv.isNull() && !mv.isArray()) {
            sendError(call, 400,
                u"json: cannot unmarshal %1 into Go struct field ChatRequest.messages of type []api.Message"_s.arg(jsonTypeName(mv)));
            return;
        }
        messages = mv.toArray();
    } else if (body.value(u"raw"_s).toBool()
        && (body.contains(u"template"_s) || body.contains(u"system"_s) || body.contains(u"context"_s))) {
        sendError(call, 400, u"raw mode does not support template, system, or context"_s);
        return;
    }

    const SimModel *model = installedModel(call, name);
    if (!model)
        return;
    if (!model->hasCapability(u"completion")) {
        sendError(call, 400, u"\"%1\" does not support %2"_s.arg(name, chat ? u"chat"_s : u"generate"_s));
        return;
    }
    const QJsonArray tools = chat ? body.value(u"tools"_s).toArray() : QJsonArray();
    if (!tools.isEmpty() && !model->hasCapability(u"tools")) {
        sendError(call, 400, u"\"%1\" does not support tools"_s.arg(name));
        return;
    }
    const QJsonObject options = body.value(u"options"_s).toObject();
    if (const QString err = checkOptions(options); !err.isEmpty()) {
        sendError(call, 500, err);
        return;
    }

    // think: absent = on for thinking models (since v0.12.4).
    const QJsonValue thinkValue = body.value(u"think"_s);
    bool think = model->hasCapability(u"thinking");
    if (thinkValue.isBool()) {
        think = thinkValue.toBool();
    } else if (thinkValue.isString()) {
        static const QStringList levels { u"low"_s, u"medium"_s, u"high"_s, u"max"_s };
        if (!levels.contains(thinkValue.toString())) {
            sendError(call, 400,
                u"invalid think value: \"%1\" (must be \"low\", \"medium\", \"high\", \"max\", true, or false)"_s.arg(
                    thinkValue.toString()));
            return;
        }
        think = true;
    }
    const bool askedForThinking = thinkValue.isString() || (thinkValue.isBool() && thinkValue.toBool());
    if (askedForThinking && !model->hasCapability(u"thinking")) {
        sendError(call, 400, u"\"%1\" does not support thinking"_s.arg(name));
        return;
    }

    // The prompt the model sees, and its size in tokens (~4 chars each).
    const int numCtx = std::min(options.contains(u"num_ctx"_s) ? options.value(u"num_ctx"_s).toInt() : kDefaultNumCtx,
        model->contextLength > 0 ? model->contextLength : kDefaultNumCtx);
    QString lastUser;
    QList<qint64> messageTokens;
    QList<bool> isSystem;
    if (chat) {
        for (const QJsonValue &v : messages) {
            const QJsonObject msg = v.toObject();
            const QString role = msg.value(u"role"_s).toString();
            const QString content = msg.value(u"content"_s).toString();
            if (role == u"user"_s)
                lastUser = content;
            messageTokens.append(estimateTokens(content) + 4);
            isSystem.append(role == u"system"_s);
        }
    } else {
        lastUser = body.value(u"prompt"_s).toString();
        const QString system = body.value(u"system"_s).toString();
        if (!system.isEmpty()) {
            messageTokens.append(estimateTokens(system) + 4);
            isSystem.append(true);
            messages.append(QJsonObject { { u"role"_s, u"system"_s }, { u"content"_s, system } });
        }
        if (!lastUser.isEmpty()) {
            messageTokens.append(estimateTokens(lastUser) + 4);
            isSystem.append(false);
            messages.append(QJsonObject { { u"role"_s, u"user"_s }, { u"content"_s, lastUser } });
        }
    }
    qint64 promptTokens = 1;
    for (qint64 n : messageTokens)
        promptTokens += n;
    if (promptTokens > numCtx) {
        const bool truncate = body.value(u"truncate"_s).toBool(true);
        const bool shift = body.value(u"shift"_s).toBool(true);
        if (!truncate || !shift) {
            sendError(call, 400, u"the prompt is longer than the context length currently available"_s);
            return;
        }
        // Drop the oldest non-system messages (never the last one), then let
        // the runner keep about half the context.
        for (qsizetype i = 0; i + 1 < messageTokens.size() && promptTokens > numCtx; ++i) {
            if (isSystem.at(i) || messageTokens.at(i) == 0)
                continue;
            promptTokens -= messageTokens.at(i);
            messageTokens[i] = 0;
        }
        if (promptTokens > numCtx)
            promptTokens = numCtx / 2;
    }

    const QJsonValue keepAliveValue = body.value(u"keep_alive"_s);
    const auto keepAlive = parseKeepAlive(keepAliveValue);
    const bool loadOnly = chat ? messages.isEmpty() : lastUser.isEmpty();
    const qint64 keepAliveMs = keepAlive.value_or(kDefaultKeepAliveMs);
    const bool fresh = m_models->touchLoaded(model->name, numCtx, expiryFor(keepAliveMs == 0 ? kDefaultKeepAliveMs : keepAliveMs));

    GenerationPlan plan;
    plan.endpoint = chat ? u"chat"_s : u"generate"_s;
    plan.model = name;
    plan.stream = body.value(u"stream"_s).toBool(true);
    plan.fault = call.fault;
    plan.requestStartNs = startNs;
    plan.freshLoad = fresh;
    plan.firstTokenDelayMs = m_options.firstTokenDelayMs;
    plan.tokensPerSecond = model->tokensPerSecond > 0 ? model->tokensPerSecond : m_options.tokensPerSecond;
    if (call.req.hasHeader("x-sim-tps"))
        plan.tokensPerSecond = std::max(0, call.req.header("x-sim-tps").toInt());
    plan.includeContext = !chat && !body.value(u"raw"_s).toBool();

    if (loadOnly) {
        plan.loadOnly = true;
        plan.doneReason = keepAlive && *keepAlive == 0 ? u"unload"_s : u"load"_s;
    } else {
        GenerationInput in;
        in.endpoint = plan.endpoint;
        in.model = model->name;
        in.messages = messages;
        in.lastUserMessage = lastUser;
        in.format = format.isString() && format.toString().isEmpty() ? QJsonValue() : format;
        in.tools = tools;
        in.think = think;
        in.seed = options.contains(u"seed"_s) && options.value(u"seed"_s).toInteger(-1) >= 0 ? quint64(options.value(u"seed"_s).toInteger())
                                                                                             : m_options.seed;
        in.tokens = m_options.tokens;
        if (call.req.hasHeader("x-sim-tokens"))
            in.tokens = std::max(0, call.req.header("x-sim-tokens").toInt());
        if (auto debate = debateReply(m_options.debate, in)) // debate-participant mode (debateparticipant.h)
            plan.reply = *debate;
        else
            plan.reply = m_generator.generate(in);
        plan.promptEvalCount = promptTokens;
        plan.doneReason = u"stop"_s;
        const qint64 numPredict = options.value(u"num_predict"_s).toInteger(-1);
        if (numPredict >= 0) {
            qint64 budget = numPredict;
            const auto cut = [&budget](QStringList &pieces) {
                if (pieces.size() > budget)
                    pieces.resize(budget);
                budget -= pieces.size();
            };
            const qint64 before = plan.reply.thinking.size() + plan.reply.content.size() + (plan.reply.toolCalls.isEmpty() ? 0 : 1);
            cut(plan.reply.thinking);
            if (!plan.reply.toolCalls.isEmpty()) {
                if (budget <= 0)
                    plan.reply.toolCalls = QJsonArray();
                else
                    --budget;
            }
            cut(plan.reply.content);
            if (before > numPredict)
                plan.doneReason = u"length"_s;
        }
    }

    m_stats.setStatus(call.id, 200);
    logLine(call, 200, plan.loadOnly ? plan.doneReason : (plan.stream ? u"streaming"_s : u"single"_s));
    auto *stream = new GenerationStream(call.conn, &m_stats, call.id, plan);
    const QString modelName = model->name;
    const bool unloadAfter = keepAlive && *keepAlive == 0;
    connect(stream, &GenerationStream::finished, this, [this, stream, modelName, unloadAfter, keepAliveMs, numCtx] {
        if (unloadAfter)
            m_models->unload(modelName);
        else
            m_models->touchLoaded(modelName, numCtx, expiryFor(keepAliveMs));
        stream->deleteLater();
    });
    stream->start();
}

} // namespace rt::sim
