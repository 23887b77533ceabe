#include "generationstream.h"

#include "httpconnection.h"
#include "simstats.h"
#include "wireformat.h"

#include <QJsonArray>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace rt::sim {

namespace {
constexpr int kDefaultFaultTokens = 3;
constexpr int kDefaultHugeMiB = 4;
constexpr int kDefaultSlowFirstTokenMs = 2000;
constexpr int kLinesPerTick = 128;
const QByteArray kJsonType = "application/json; charset=utf-8";
const QByteArray kNdjsonType = "application/x-ndjson";
const char kRunnerStopped[] = "model runner has unexpectedly stopped, this may be due to resource limitations or an "
                              "internal error, check ollama server logs for details";

void appendNumberField(QByteArray &out, const char *name, qint64 value)
{
    if (value == 0)
        return; // Go's omitempty
    out += ",\"";
    out += name;
    out += "\":";
    out += QByteArray::number(value);
}
} // namespace

GenerationStream::GenerationStream(HttpConnection *connection, SimStats *stats, quint64 requestId, GenerationPlan plan)
    : QObject(connection)
    , m_conn(connection)
    , m_stats(stats)
    , m_requestId(requestId)
    , m_plan(std::move(plan))
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (!m_started)
            begin();
        else
            tick();
    });
    connect(m_conn, &HttpConnection::closed, this, &GenerationStream::onClosed);
    connect(m_conn, &HttpConnection::writable, this, [this] {
        if (m_waitingWritable && !m_finished) {
            m_waitingWritable = false;
            tick();
        }
    });
    wire::appendEscaped(m_modelJson, m_plan.model);
    m_line.reserve(512);
}

GenerationStream::~GenerationStream()
{
    if (!m_finished) {
        m_finished = true;
        m_stats->generationFinished();
    }
}

void GenerationStream::start()
{
    m_stats->generationStarted();
    if (m_plan.fault.mode == FaultSpec::Mode::StallHeaders) {
        m_stalled = true; // hold the request until the client gives up
        return;
    }
    int delay = m_plan.firstTokenDelayMs;
    if (m_plan.fault.mode == FaultSpec::Mode::SlowFirstToken)
        delay += m_plan.fault.argOr(kDefaultSlowFirstTokenMs);
    m_timer.start(std::max(0, delay));
}

qsizetype GenerationStream::totalUnits() const
{
    return m_plan.reply.thinking.size() + (m_plan.reply.toolCalls.isEmpty() ? 0 : 1) + m_plan.reply.content.size();
}

void GenerationStream::begin()
{
    m_started = true;
    m_genStartNs = wire::monotonicNs();
    m_firstTokenNs = m_genStartNs;
    if (m_plan.loadOnly) {
        // Ollama answers a load/unload request with one plain JSON object.
        m_line.resize(0);
        appendLineStart();
        if (m_plan.endpoint == u"chat"_s)
            m_line += "\",\"message\":{\"role\":\"assistant\",\"content\":\"\"}";
        else
            m_line += "\",\"response\":\"\"";
        m_line += ",\"done\":true,\"done_reason\":\"" + m_plan.doneReason.toLatin1() + "\"}";
        finish(true); // before writing: with Connection: close the write may close the socket at once
        m_conn->sendResponse(200, kJsonType, m_line);
        return;
    }
    if (!m_plan.stream) {
        // Non-streaming replies still take the generation time.
        const qint64 units = totalUnits();
        const int ms = m_plan.tokensPerSecond > 0 ? int(units * 1000 / m_plan.tokensPerSecond) : 0;
        if (ms > 0) {
            QTimer::singleShot(ms, this, &GenerationStream::sendNonStreaming);
        } else {
            sendNonStreaming();
        }
        return;
    }
    m_conn->beginChunked(200, kNdjsonType);
    tick();
}

void GenerationStream::tick()
{
    if (m_finished || m_stalled || !m_conn->isOpen())
        return;
    if (m_plan.tokensPerSecond <= 0) {
        for (int i = 0; i < kLinesPerTick; ++i) {
            if (m_conn->isBacklogged()) {
                m_waitingWritable = true;
                return;
            }
            if (!emitNext())
                return;
        }
        m_timer.start(0); // let other connections run
        return;
    }
    const qint64 now = wire::monotonicNs();
    const qint64 tps = m_plan.tokensPerSecond;
    const qint64 due = (now - m_firstTokenNs) * tps / 1000000000LL + 1;
    while (m_tokensSent < due || m_next >= totalUnits()) {
        if (m_conn->isBacklogged()) {
            m_waitingWritable = true;
            return;
        }
        if (!emitNext())
            return;
    }
    const qint64 nextDueNs = m_firstTokenNs + m_tokensSent * 1000000000LL / tps;
    m_timer.start(int(std::max<qint64>(0, (nextDueNs - now + 999999) / 1000000)));
}

bool GenerationStream::emitNext()
{
    const FaultSpec &f = m_plan.fault;
    // A fault set beyond the reply's length still fires, just before done.
    const bool reached = m_tokensSent >= f.argOr(kDefaultFaultTokens) || m_next >= totalUnits();
    switch (f.mode) {
    case FaultSpec::Mode::ErrorMidstream:
        if (reached) {
            sendErrorLine();
            return false;
        }
        break;
    case FaultSpec::Mode::Drop:
        if (reached) {
            finish(false);
            m_conn->dropConnection();
            return false;
        }
        break;
    case FaultSpec::Mode::Stall:
        if (reached) {
            m_stalled = true;
            return false;
        }
        break;
    case FaultSpec::Mode::InvalidJson:
        if (!m_invalidSent && reached) {
            m_invalidSent = true;
            m_line.resize(0);
            appendLineStart();
            m_line += "\",\"message\":{\"role\":\"assistant\",\"content\":\"this line is cut\n";
            m_conn->sendChunk(m_line);
            return true;
        }
        break;
    case FaultSpec::Mode::HugeLine: {
        const qsizetype contentStart = totalUnits() - m_plan.reply.content.size();
        const qsizetype at = contentStart + std::min<qsizetype>(1, m_plan.reply.content.size());
        if (!m_hugeSent && m_next >= at) {
            m_hugeSent = true;
            emitUnitLine(Unit::Huge, 0);
            ++m_tokensSent;
            return true;
        }
        break;
    }
    default:
        break;
    }

    const qsizetype thinking = m_plan.reply.thinking.size();
    const qsizetype tools = m_plan.reply.toolCalls.isEmpty() ? 0 : 1;
    if (m_next < totalUnits()) {
        if (m_next < thinking)
            emitUnitLine(Unit::Thinking, m_next);
        else if (m_next < thinking + tools)
            emitUnitLine(Unit::ToolCalls, 0);
        else
            emitUnitLine(Unit::Content, m_next - thinking - tools);
        ++m_next;
        ++m_tokensSent;
        return true;
    }
    emitFinal();
    return false;
}

void GenerationStream::appendLineStart()
{
    m_line += "{\"model\":\"";
    m_line += m_modelJson;
    m_line += "\",\"created_at\":\"";
    wire::appendTimestampNow(m_line);
}

void GenerationStream::emitUnitLine(Unit unit, qsizetype index)
{
    const bool chat = m_plan.endpoint == u"chat"_s;
    m_line.resize(0);
    appendLineStart();
    switch (unit) {
    case Unit::Thinking:
        m_line += chat ? "\",\"message\":{\"role\":\"assistant\",\"content\":\"\",\"thinking\":\"" : "\",\"response\":\"\",\"thinking\":\"";
        wire::appendEscaped(m_line, m_plan.reply.thinking.at(index));
        m_line += chat ? "\"},\"done\":false}\n" : "\",\"done\":false}\n";
        break;
    case Unit::ToolCalls:
        if (chat) {
            m_line += "\",\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":";
            m_line += wire::toJson(m_plan.reply.toolCalls);
            m_line += "},\"done\":false}\n";
        } else {
            m_line += "\",\"response\":\"\",\"done\":false}\n";
        }
        break;
    case Unit::Content:
    case Unit::Huge:
        m_line += chat ? "\",\"message\":{\"role\":\"assistant\",\"content\":\"" : "\",\"response\":\"";
        if (unit == Unit::Huge)
            wire::appendEscaped(m_line, hugeText());
        else
            wire::appendEscaped(m_line, m_plan.reply.content.at(index));
        m_line += chat ? "\"},\"done\":false}\n" : "\",\"done\":false}\n";
        break;
    }
    m_conn->sendChunk(m_line);
}

QString GenerationStream::hugeText() const
{
    const qsizetype bytes = qsizetype(m_plan.fault.argOr(kDefaultHugeMiB)) * 1024 * 1024;
    const QByteArray pattern = QByteArrayLiteral("lorem ipsum café 日本 🎲 dolor sit amet ");
    QByteArray out;
    out.reserve(bytes);
    while (out.size() + pattern.size() <= bytes)
        out += pattern;
    while (out.size() < bytes)
        out += 'x';
    return QString::fromUtf8(out);
}

void GenerationStream::appendMetrics(QByteArray &out, qint64 evalCount)
{
    const qint64 now = wire::monotonicNs();
    const qint64 load = std::max<qint64>(m_genStartNs - m_plan.requestStartNs, 1000) + (m_plan.freshLoad ? 5000000 : 0);
    const qint64 promptEval = m_plan.promptEvalCount * 20000;
    const qint64 eval = evalCount > 0 ? std::max<qint64>(now - m_firstTokenNs, 1000) : 0;
    const qint64 total = std::max(now - m_plan.requestStartNs, load + promptEval + eval);
    appendNumberField(out, "total_duration", total);
    appendNumberField(out, "load_duration", load);
    appendNumberField(out, "prompt_eval_count", m_plan.promptEvalCount);
    appendNumberField(out, "prompt_eval_duration", promptEval);
    appendNumberField(out, "eval_count", evalCount);
    appendNumberField(out, "eval_duration", eval);
}

void GenerationStream::emitFinal()
{
    const bool chat = m_plan.endpoint == u"chat"_s;
    m_line.resize(0);
    appendLineStart();
    m_line += chat ? "\",\"message\":{\"role\":\"assistant\",\"content\":\"\"}" : "\",\"response\":\"\"";
    m_line += ",\"done\":true,\"done_reason\":\"" + m_plan.doneReason.toLatin1() + '"';
    if (m_plan.includeContext) {
        // Token ids of prompt + reply, as the deprecated `context` field.
        const qint64 n = m_plan.promptEvalCount + m_tokensSent;
        m_line += ",\"context\":[";
        for (qint64 i = 0; i < n; ++i) {
            if (i)
                m_line += ',';
            m_line += QByteArray::number((i * 7919 + 128000) % 128256);
        }
        m_line += ']';
    }
    appendMetrics(m_line, m_tokensSent);
    m_line += "}\n";
    finish(true);
    m_conn->sendChunk(m_line);
    m_conn->endChunked();
}

void GenerationStream::sendErrorLine()
{
    QByteArray line = "{\"error\":\"";
    line += kRunnerStopped;
    line += "\"}";
    finish(false);
    if (!m_conn->headersSent()) {
        // Nothing written yet: the error gets its real status.
        m_conn->sendResponse(500, kJsonType, line);
    } else {
        line += '\n';
        m_conn->sendChunk(line);
        m_conn->endChunked();
    }
}

void GenerationStream::sendNonStreaming()
{
    if (m_finished)
        return;
    const FaultSpec &f = m_plan.fault;
    switch (f.mode) {
    case FaultSpec::Mode::ErrorMidstream:
        sendErrorLine();
        return;
    case FaultSpec::Mode::Drop:
        finish(false);
        m_conn->dropConnection();
        return;
    case FaultSpec::Mode::Stall:
        m_stalled = true;
        return;
    case FaultSpec::Mode::InvalidJson:
        finish(false);
        m_conn->sendResponse(200, kJsonType, "{\"model\":\"" + m_modelJson + "\",\"message\":{\"content\":\"cut");
        return;
    default:
        break;
    }
    const bool chat = m_plan.endpoint == u"chat"_s;
    QString content = m_plan.reply.contentText();
    qint64 evalCount = totalUnits();
    if (f.mode == FaultSpec::Mode::HugeLine) {
        content = m_plan.reply.content.value(0) + hugeText() + content.mid(m_plan.reply.content.value(0).size());
        ++evalCount;
    }
    const QString thinking = m_plan.reply.thinkingText();
    QByteArray out;
    out.reserve(content.size() + 512);
    m_line.resize(0);
    appendLineStart();
    out = m_line;
    if (chat) {
        out += "\",\"message\":{\"role\":\"assistant\",\"content\":";
        wire::appendQuoted(out, content);
        if (!thinking.isEmpty()) {
            out += ",\"thinking\":";
            wire::appendQuoted(out, thinking);
        }
        if (!m_plan.reply.toolCalls.isEmpty()) {
            out += ",\"tool_calls\":";
            out += wire::toJson(m_plan.reply.toolCalls);
        }
        out += '}';
    } else {
        out += "\",\"response\":";
        wire::appendQuoted(out, content);
        if (!thinking.isEmpty()) {
            out += ",\"thinking\":";
            wire::appendQuoted(out, thinking);
        }
    }
    out += ",\"done\":true,\"done_reason\":\"" + m_plan.doneReason.toLatin1() + '"';
    if (m_plan.includeContext) {
        const qint64 n = m_plan.promptEvalCount + evalCount;
        out += ",\"context\":[";
        for (qint64 i = 0; i < n; ++i) {
            if (i)
                out += ',';
            out += QByteArray::number((i * 7919 + 128000) % 128256);
        }
        out += ']';
    }
    appendMetrics(out, evalCount);
    out += '}';
    finish(true);
    m_conn->sendResponse(200, kJsonType, out);
}

void GenerationStream::onClosed()
{
    if (m_finished)
        return;
    m_stats->clientClosedEarly(m_requestId);
    finish(false);
}

void GenerationStream::finish(bool completed)
{
    if (m_finished)
        return;
    m_finished = true;
    m_timer.stop();
    m_stats->generationFinished();
    if (completed && m_plan.stream && !m_plan.loadOnly)
        m_stats->streamCompleted();
    Q_EMIT finished();
}

} // namespace rt::sim
