// Wire-protocol checks of roundtable-ollama-sim over raw loopback sockets:
// framing, headers, status codes, shapes, faults and the control API.
#include "simprocess.h"
#include "testpaths.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <memory>

using namespace Qt::StringLiterals;
using rt::test::HttpReply;
using rt::test::RawHeaders;
using rt::test::SimProcess;

namespace {

QByteArray toJson(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QJsonObject chatBody(const QString &model, const QString &text, const QJsonObject &extra = {})
{
    QJsonObject o { { u"model"_s, model },
        { u"messages"_s, QJsonArray { QJsonObject { { u"role"_s, u"user"_s }, { u"content"_s, text } } } } };
    for (auto it = extra.constBegin(); it != extra.constEnd(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

QString contentOf(const QList<QJsonObject> &lines, const QString &field = u"content"_s)
{
    QString s;
    for (const QJsonObject &l : lines) {
        if (l.contains(u"message"_s))
            s += l.value(u"message"_s).toObject().value(field).toString();
        else
            s += l.value(field == u"content"_s ? u"response"_s : field).toString();
    }
    return s;
}

// A minimal JSON Schema validator for what the tests use.
bool validates(const QJsonValue &v, const QJsonObject &schema, QString *why)
{
    const QJsonArray choices = schema.value(u"enum"_s).toArray();
    if (!choices.isEmpty() && !choices.contains(v)) {
        *why = u"value not in enum"_s;
        return false;
    }
    const QString type = schema.value(u"type"_s).toString();
    if (type == u"object"_s) {
        if (!v.isObject()) {
            *why = u"expected object"_s;
            return false;
        }
        const QJsonObject o = v.toObject();
        for (const QJsonValue &r : schema.value(u"required"_s).toArray()) {
            if (!o.contains(r.toString())) {
                *why = u"missing required "_s + r.toString();
                return false;
            }
        }
        const QJsonObject props = schema.value(u"properties"_s).toObject();
        for (auto it = props.constBegin(); it != props.constEnd(); ++it) {
            if (o.contains(it.key()) && !validates(o.value(it.key()), it.value().toObject(), why)) {
                *why = it.key() + u": "_s + *why;
                return false;
            }
        }
    } else if (type == u"array"_s) {
        if (!v.isArray()) {
            *why = u"expected array"_s;
            return false;
        }
        const QJsonArray a = v.toArray();
        if (schema.contains(u"minItems"_s) && a.size() < schema.value(u"minItems"_s).toInt()) {
            *why = u"too few items"_s;
            return false;
        }
        if (schema.contains(u"maxItems"_s) && a.size() > schema.value(u"maxItems"_s).toInt()) {
            *why = u"too many items"_s;
            return false;
        }
        for (const QJsonValue &item : a) {
            if (!validates(item, schema.value(u"items"_s).toObject(), why))
                return false;
        }
    } else if (type == u"string"_s) {
        if (!v.isString()) {
            *why = u"expected string"_s;
            return false;
        }
        const qsizetype points = v.toString().toUcs4().size();
        if (schema.contains(u"maxLength"_s) && points > schema.value(u"maxLength"_s).toInt()) {
            *why = u"string too long"_s;
            return false;
        }
        if (schema.contains(u"minLength"_s) && points < schema.value(u"minLength"_s).toInt()) {
            *why = u"string too short"_s;
            return false;
        }
    } else if (type == u"integer"_s || type == u"number"_s) {
        if (!v.isDouble()) {
            *why = u"expected number"_s;
            return false;
        }
        const double d = v.toDouble();
        if (type == u"integer"_s && d != std::floor(d)) {
            *why = u"expected integer"_s;
            return false;
        }
        if ((schema.contains(u"minimum"_s) && d < schema.value(u"minimum"_s).toDouble())
            || (schema.contains(u"maximum"_s) && d > schema.value(u"maximum"_s).toDouble())) {
            *why = u"number out of range"_s;
            return false;
        }
    } else if (type == u"boolean"_s) {
        if (!v.isBool()) {
            *why = u"expected boolean"_s;
            return false;
        }
    }
    return true;
}

// A raw client socket that can send several requests and read responses.
class RawClient {
public:
    explicit RawClient(const QUrl &url)
        : m_url(url)
    {
        m_socket.connectToHost(url.host(), quint16(url.port()));
        m_connected = m_socket.waitForConnected(5000);
    }
    bool connected() const { return m_connected; }
    QTcpSocket &socket() { return m_socket; }

    void send(
        const QByteArray &method, const QString &path, const QByteArray &body = {}, const RawHeaders &headers = {}, bool keepAlive = true)
    {
        m_socket.write(SimProcess::buildRequest(m_url, method, path, body, headers, keepAlive));
        m_socket.flush();
    }
    // Reads until one complete response is buffered; consumes it.
    HttpReply readResponse(int timeoutMs = 10000, bool head = false)
    {
        QElapsedTimer t;
        t.start();
        while (true) {
            HttpReply r = SimProcess::parseResponse(m_buffer, false, head);
            if (r.complete) {
                m_buffer.remove(0, r.consumed);
                return r;
            }
            if (t.elapsed() > timeoutMs)
                return r;
            if (!readSome(int(std::max<qint64>(1, timeoutMs - t.elapsed())))) {
                if (m_socket.state() != QAbstractSocket::ConnectedState)
                    return SimProcess::parseResponse(m_buffer, true, head);
            }
        }
    }
    // Reads until `n` chunks of the current response have arrived.
    HttpReply readChunks(int n, int timeoutMs = 10000)
    {
        QElapsedTimer t;
        t.start();
        while (true) {
            HttpReply r = SimProcess::parseResponse(m_buffer);
            if (r.chunks.size() >= n || r.complete || t.elapsed() > timeoutMs)
                return r;
            if (!readSome(int(std::max<qint64>(1, timeoutMs - t.elapsed()))) && m_socket.state() != QAbstractSocket::ConnectedState)
                return SimProcess::parseResponse(m_buffer, true);
        }
    }
    // Reads until the peer closes; returns everything.
    QByteArray readUntilClosed(int timeoutMs = 10000)
    {
        QElapsedTimer t;
        t.start();
        while (m_socket.state() == QAbstractSocket::ConnectedState && t.elapsed() < timeoutMs)
            readSome(100);
        m_buffer += m_socket.readAll();
        return m_buffer;
    }
    bool readSome(int timeoutMs)
    {
        if (m_socket.bytesAvailable() == 0 && !m_socket.waitForReadyRead(timeoutMs))
            return false;
        const QByteArray got = m_socket.readAll();
        if (!got.isEmpty())
            m_reads.append(got);
        m_buffer += got;
        return !got.isEmpty();
    }
    QByteArray &buffer() { return m_buffer; }
    const QList<QByteArray> &reads() const { return m_reads; }

private:
    QUrl m_url;
    QTcpSocket m_socket;
    bool m_connected = false;
    QByteArray m_buffer;
    QList<QByteArray> m_reads;
};

template<typename Pred> bool waitFor(Pred pred, int timeoutMs = 5000)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        if (pred())
            return true;
        QTest::qWait(20);
    }
    return pred();
}

} // namespace

class TestSimulator final : public QObject {
    Q_OBJECT

private:
    HttpReply post(const QString &path, const QJsonObject &body, const RawHeaders &headers = {}, int timeoutMs = 15000)
    {
        return SimProcess::request(m_sim.url(), "POST", path, toJson(body), headers, timeoutMs);
    }
    HttpReply get(const QString &path) { return SimProcess::httpGet(m_sim.url(), path); }
    QStringList tagNames()
    {
        QStringList names;
        for (const QJsonValue &m : get(u"/api/tags"_s).json().value(u"models"_s).toArray())
            names << m.toObject().value(u"name"_s).toString();
        return names;
    }

    SimProcess m_sim;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_sim.start({ u"--pull-ms"_s, u"300"_s }), qPrintable(m_sim.errorString()));
        QCOMPARE(m_sim.url().host(), u"127.0.0.1"_s);
        QVERIFY(m_sim.port() > 0);
    }
    void init() { QVERIFY(m_sim.reset()); }

    void rootAndVersion()
    {
        HttpReply r = get(u"/"_s);
        QCOMPARE(r.status, 200);
        QVERIFY(r.header("content-type").startsWith("text/plain"));
        QCOMPARE(r.body, QByteArray("Ollama is running"));

        r = SimProcess::request(m_sim.url(), "HEAD", u"/"_s);
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.isEmpty());
        QCOMPARE(r.header("content-length"), QByteArray("17"));

        r = get(u"/api/version"_s);
        QCOMPARE(r.status, 200);
        QVERIFY(r.header("content-type").startsWith("application/json"));
        QVERIFY(QRegularExpression(u"^\\d+\\.\\d+\\.\\d+"_s).match(r.json().value(u"version"_s).toString()).hasMatch());
    }

    void unknownPathAndWrongMethod()
    {
        HttpReply r = get(u"/api/nope"_s);
        QCOMPARE(r.status, 404);
        QCOMPARE(r.header("content-type"), QByteArray("text/plain"));
        QCOMPARE(r.body, QByteArray("404 page not found"));

        QCOMPARE(get(u"/api/chat"_s).status, 405);
        QCOMPARE(post(u"/api/tags"_s, {}).status, 405);
        r = SimProcess::request(m_sim.url(), "DELETE", u"/api/chat"_s, "{}");
        QCOMPARE(r.status, 405);
        QCOMPARE(r.header("allow"), QByteArray("POST"));
    }

    void tagsShape()
    {
        const HttpReply r = get(u"/api/tags"_s);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("content-type"), QByteArray("application/json; charset=utf-8"));
        const QJsonArray models = r.json().value(u"models"_s).toArray();
        QStringList names;
        for (const QJsonValue &v : models) {
            const QJsonObject m = v.toObject();
            names << m.value(u"name"_s).toString();
            QCOMPARE(m.value(u"model"_s).toString(), m.value(u"name"_s).toString());
            QVERIFY(QDateTime::fromString(m.value(u"modified_at"_s).toString(), Qt::ISODateWithMs).isValid());
            QVERIFY(m.value(u"size"_s).toDouble() > 0);
            QVERIFY(QRegularExpression(u"^[0-9a-f]{64}$"_s).match(m.value(u"digest"_s).toString()).hasMatch());
            const QJsonObject d = m.value(u"details"_s).toObject();
            QCOMPARE(d.value(u"format"_s).toString(), u"gguf"_s);
            QVERIFY(!d.value(u"family"_s).toString().isEmpty());
            QVERIFY(!d.value(u"parameter_size"_s).toString().isEmpty());
            QVERIFY(!d.value(u"quantization_level"_s).toString().isEmpty());
            QVERIFY(d.value(u"families"_s).isArray());
            QVERIFY(!m.value(u"capabilities"_s).toArray().isEmpty());
        }
        for (const auto &expected :
            { u"llama3.2:1b"_s, u"qwen3:0.6b"_s, u"gemma3:1b"_s, u"nomic-embed-text:latest"_s, u"sim-slow:latest"_s })
            QVERIFY2(names.contains(expected), qPrintable(expected));
    }

    void show()
    {
        HttpReply r = post(u"/api/show"_s, { { u"model"_s, u"llama3.2:1b"_s } });
        QCOMPARE(r.status, 200);
        const QJsonObject o = r.json();
        QCOMPARE(o.value(u"details"_s).toObject().value(u"family"_s).toString(), u"llama"_s);
        const QJsonObject info = o.value(u"model_info"_s).toObject();
        QCOMPARE(info.value(u"general.architecture"_s).toString(), u"llama"_s);
        QCOMPARE(info.value(u"llama.context_length"_s).toInt(), 131072);
        QVERIFY(o.value(u"capabilities"_s).toArray().contains(u"tools"_s));
        QVERIFY(o.value(u"parameters"_s).isString());
        QVERIFY(o.value(u"template"_s).isString());
        QVERIFY(QDateTime::fromString(o.value(u"modified_at"_s).toString(), Qt::ISODateWithMs).isValid());

        // The legacy "name" field (ollama-js and older clients send it).
        r = post(u"/api/show"_s, { { u"name"_s, u"nomic-embed-text"_s } });
        QCOMPARE(r.status, 200);
        QVERIFY(r.json().value(u"capabilities"_s).toArray().contains(u"embedding"_s));
        QCOMPARE(r.json().value(u"model_info"_s).toObject().value(u"nomic-bert.context_length"_s).toInt(), 2048);

        r = post(u"/api/show"_s, { { u"model"_s, u"nope:1b"_s } });
        QCOMPARE(r.status, 404);
        QCOMPARE(r.json().value(u"error"_s).toString(), u"model 'nope:1b' not found"_s);
    }

    void chatStreamFraming()
    {
        RawClient c(m_sim.url());
        QVERIFY(c.connected());
        c.send("POST", u"/api/chat"_s, toJson(chatBody(u"llama3.2:1b"_s, u"hello"_s)));
        const HttpReply r = c.readResponse();
        QVERIFY2(r.complete, qPrintable(r.error));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("content-type"), QByteArray("application/x-ndjson"));
        QCOMPARE(r.header("transfer-encoding"), QByteArray("chunked"));
        QVERIFY(r.header("content-length").isEmpty());
        QCOMPARE(r.chunks.size(), 41); // 40 tokens + done
        static const QRegularExpression rfc3339(u"^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?Z$"_s);
        QString content;
        for (qsizetype i = 0; i < r.chunks.size(); ++i) {
            const QByteArray &chunk = r.chunks.at(i);
            QVERIFY2(chunk.endsWith('\n') && chunk.count('\n') == 1, "one JSON line per chunk");
            QJsonParseError err {};
            const QJsonObject o = QJsonDocument::fromJson(chunk, &err).object();
            QCOMPARE(err.error, QJsonParseError::NoError);
            QCOMPARE(o.value(u"model"_s).toString(), u"llama3.2:1b"_s);
            QVERIFY(rfc3339.match(o.value(u"created_at"_s).toString()).hasMatch());
            const QJsonObject msg = o.value(u"message"_s).toObject();
            QCOMPARE(msg.value(u"role"_s).toString(), u"assistant"_s);
            QVERIFY(msg.contains(u"content"_s));
            const bool last = i == r.chunks.size() - 1;
            QCOMPARE(o.value(u"done"_s).toBool(), last);
            if (!last) {
                QVERIFY(!o.contains(u"eval_count"_s) && !o.contains(u"done_reason"_s));
                QVERIFY(!msg.value(u"content"_s).toString().isEmpty());
                content += msg.value(u"content"_s).toString();
            } else {
                QCOMPARE(o.value(u"done_reason"_s).toString(), u"stop"_s);
                QCOMPARE(msg.value(u"content"_s).toString(), QString());
                QCOMPARE(o.value(u"eval_count"_s).toInt(), 40);
                for (const auto &k :
                    { u"total_duration"_s, u"load_duration"_s, u"prompt_eval_count"_s, u"prompt_eval_duration"_s, u"eval_duration"_s })
                    QVERIFY2(o.value(k).toDouble() > 0, qPrintable(k));
                QVERIFY(o.value(u"total_duration"_s).toDouble() >= o.value(u"eval_duration"_s).toDouble());
            }
        }
        // Multi-byte UTF-8 is part of every reply.
        bool nonAscii = false;
        for (const QChar ch : content)
            nonAscii = nonAscii || ch.unicode() > 0x7F;
        QVERIFY2(nonAscii, qPrintable(content));
        QCOMPARE(m_sim.stats().value(u"completed_streams"_s).toInt(), 1);
    }

    void goStyleEscaping()
    {
        // Go's encoder writes <, > and & as \u003c etc.; the decoded text has them.
        const HttpReply r = post(u"/api/chat"_s, chatBody(u"llama3.2:1b"_s, u"escape"_s), { { "X-Sim-Tokens", "400" } });
        QCOMPARE(r.status, 200);
        QVERIFY(!r.body.contains('<') && !r.body.contains('&'));
        const QString content = contentOf(r.lines());
        QVERIFY(content.contains(u'<') || content.contains(u'&'));
        QVERIFY(r.body.contains("\\u003c") || r.body.contains("\\u0026"));
    }

    void headersWaitForFirstToken()
    {
        RawClient c(m_sim.url());
        QVERIFY(c.connected());
        QElapsedTimer t;
        t.start();
        c.send("POST", u"/api/chat"_s, toJson(chatBody(u"llama3.2:1b"_s, u"slow"_s)), { { "X-Sim-Fault", "slow_first_token:800" } });
        QVERIFY2(!c.readSome(450), "no bytes, not even headers, before the first token");
        const HttpReply first = c.readChunks(1, 5000);
        QVERIFY(t.elapsed() >= 700);
        QCOMPARE(first.status, 200);
        QVERIFY(first.chunks.size() >= 1);
        // Headers and the first chunk leave together.
        QVERIFY(c.reads().first().contains("\r\n\r\n"));
        const HttpReply all = c.readResponse();
        QVERIFY(all.complete);
        QCOMPARE(all.lines().last().value(u"done"_s).toBool(), true);
    }

    void keepAliveSeveralRequestsOneConnection()
    {
        RawClient c(m_sim.url());
        QVERIFY(c.connected());
        c.send("GET", u"/api/version"_s);
        HttpReply r = c.readResponse();
        QVERIFY(r.complete);
        QCOMPARE(r.status, 200);
        c.send("POST", u"/api/chat"_s, toJson(chatBody(u"llama3.2:1b"_s, u"one"_s)));
        r = c.readResponse();
        QVERIFY(r.complete);
        QVERIFY(r.chunked);
        QCOMPARE(r.lines().last().value(u"done"_s).toBool(), true);
        c.send("GET", u"/api/tags"_s);
        r = c.readResponse();
        QVERIFY(r.complete);
        QVERIFY(r.json().value(u"models"_s).isArray());
        // Pipelined: two requests written back to back.
        c.send("GET", u"/api/version"_s);
        c.send("POST", u"/api/show"_s, toJson({ { u"model"_s, u"gemma3:1b"_s } }));
        QCOMPARE(c.readResponse().status, 200);
        r = c.readResponse();
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(u"details"_s).toObject().value(u"family"_s).toString(), u"gemma3"_s);
        QCOMPARE(c.socket().state(), QAbstractSocket::ConnectedState);
        // Connection: close is honoured.
        c.send("GET", u"/api/version"_s, {}, {}, false);
        QVERIFY(c.readResponse().complete);
        QVERIFY(waitFor([&] { return c.socket().state() == QAbstractSocket::UnconnectedState || !c.socket().waitForReadyRead(50); }));
    }

    void missingModelAndBadBodies()
    {
        HttpReply r = post(u"/api/chat"_s, chatBody(u"nope"_s, u"hi"_s));
        QCOMPARE(r.status, 404);
        QVERIFY(r.header("content-type").startsWith("application/json"));
        QCOMPARE(r.json().value(u"error"_s).toString(), u"model 'nope' not found"_s);
        r = post(u"/api/generate"_s, { { u"model"_s, u"nope"_s }, { u"prompt"_s, u"x"_s } });
        QCOMPARE(r.status, 404);

        r = SimProcess::httpPost(m_sim.url(), u"/api/chat"_s, "{not json");
        QCOMPARE(r.status, 400);
        QVERIFY(!r.json().value(u"error"_s).toString().isEmpty());
        r = SimProcess::httpPost(m_sim.url(), u"/api/chat"_s, {});
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json().value(u"error"_s).toString(), u"missing request body"_s);
        r = SimProcess::httpPost(m_sim.url(), u"/api/chat"_s, "[1]");
        QCOMPARE(r.status, 400);
        r = SimProcess::httpPost(m_sim.url(), u"/api/chat"_s, R"({"model":5})");
        QCOMPARE(r.status, 400);
    }

    void streamFalseMatchesStream()
    {
        const HttpReply streamed = post(u"/api/chat"_s, chatBody(u"llama3.2:1b"_s, u"same"_s));
        const HttpReply single = post(u"/api/chat"_s, chatBody(u"llama3.2:1b"_s, u"same"_s, { { u"stream"_s, false } }));
        QCOMPARE(single.status, 200);
        QVERIFY(!single.chunked);
        QCOMPARE(single.header("content-type"), QByteArray("application/json; charset=utf-8"));
        QCOMPARE(single.header("content-length").toLongLong(), single.body.size());
        const QJsonObject o = single.json();
        QCOMPARE(o.value(u"done"_s).toBool(), true);
        QCOMPARE(o.value(u"done_reason"_s).toString(), u"stop"_s);
        QCOMPARE(o.value(u"eval_count"_s).toInt(), 40);
        QCOMPARE(o.value(u"message"_s).toObject().value(u"content"_s).toString(), contentOf(streamed.lines()));
    }

    void determinism()
    {
        const auto reply = [this](const QString &text, const QJsonObject &extra = {}) {
            return contentOf(post(u"/api/chat"_s, chatBody(u"llama3.2:1b"_s, text, extra)).lines());
        };
        const QString a = reply(u"alpha"_s);
        QCOMPARE(reply(u"alpha"_s), a);
        QVERIFY(reply(u"beta"_s) != a);
        QVERIFY(reply(u"alpha"_s, { { u"options"_s, QJsonObject { { u"seed"_s, 7 } } } }) != a);
        QCOMPARE(reply(u"alpha"_s, { { u"options"_s, QJsonObject { { u"seed"_s, 7 } } } }),
            reply(u"alpha"_s, { { u"options"_s, QJsonObject { { u"seed"_s, 7 } } } }));
        QVERIFY(contentOf(post(u"/api/chat"_s, chatBody(u"gemma3:1b"_s, u"alpha"_s)).lines()) != a);

        // Across processes: the same --seed gives the same reply.
        SimProcess s1;
        SimProcess s2;
        QVERIFY(s1.start({ u"--seed"_s, u"7"_s }));
        QVERIFY(s2.start({ u"--seed"_s, u"7"_s }));
        const QByteArray body = toJson(chatBody(u"llama3.2:1b"_s, u"alpha"_s));
        const QString r1 = contentOf(SimProcess::httpPost(s1.url(), u"/api/chat"_s, body).lines());
        const QString r2 = contentOf(SimProcess::httpPost(s2.url(), u"/api/chat"_s, body).lines());
        QCOMPARE(r1, r2);
        QVERIFY(r1 != a);
    }

    void formatSchema()
    {
        const QJsonObject schema = QJsonDocument::fromJson(R"({
            "type":"object",
            "properties":{
                "stance":{"type":"string","enum":["agree","disagree","unsure"]},
                "confidence":{"type":"number","minimum":0,"maximum":1},
                "votes":{"type":"integer","minimum":3,"maximum":9},
                "final":{"type":"boolean"},
                "summary":{"type":"string","maxLength":12},
                "points":{"type":"array","items":{"type":"object",
                    "properties":{"claim":{"type":"string"},"weight":{"type":"integer","minimum":1,"maximum":5}},
                    "required":["claim","weight"]},"minItems":1,"maxItems":3},
                "meta":{"type":"object","properties":{"round":{"type":"integer"},"tags":{"type":"array","items":{"type":"string"}}},"required":["round"]}
            },
            "required":["stance","confidence","points","meta"]})")
                                       .object();
        QVERIFY(!schema.isEmpty());
        for (const bool stream : { true, false }) {
            for (const auto &question : { u"q1"_s, u"q2"_s, u"q3"_s }) {
                const HttpReply r
                    = post(u"/api/chat"_s, chatBody(u"llama3.2:1b"_s, question, { { u"format"_s, schema }, { u"stream"_s, stream } }));
                QCOMPARE(r.status, 200);
                const QString content
                    = stream ? contentOf(r.lines()) : r.json().value(u"message"_s).toObject().value(u"content"_s).toString();
                QJsonParseError err {};
                const QJsonDocument doc = QJsonDocument::fromJson(content.toUtf8(), &err);
                QVERIFY2(err.error == QJsonParseError::NoError, qPrintable(content));
                QString why;
                QVERIFY2(validates(doc.object(), schema, &why), qPrintable(why + u": "_s + content));
            }
        }
        HttpReply r = post(u"/api/generate"_s,
            { { u"model"_s, u"gemma3:1b"_s }, { u"prompt"_s, u"x"_s }, { u"format"_s, u"json"_s }, { u"stream"_s, false } });
        QCOMPARE(r.status, 200);
        QVERIFY(QJsonDocument::fromJson(r.json().value(u"response"_s).toString().toUtf8()).isObject());
        r = post(u"/api/chat"_s, chatBody(u"llama3.2:1b"_s, u"x"_s, { { u"format"_s, u"xml"_s } }));
        QCOMPARE(r.status, 400);
        QVERIFY(r.json().value(u"error"_s).toString().startsWith(u"invalid format"_s));
    }

    void thinking()
    {
        const auto check = [this](const QJsonObject &extra, bool expectThinking) {
            const HttpReply r = post(u"/api/chat"_s, chatBody(u"qwen3:0.6b"_s, u"think"_s, extra));
            QCOMPARE(r.status, 200);
            bool seenContent = false;
            int thinkingLines = 0;
            for (const QJsonObject &l : r.lines()) {
                const QJsonObject m = l.value(u"message"_s).toObject();
                if (!m.value(u"thinking"_s).toString().isEmpty()) {
                    QVERIFY2(!seenContent, "thinking must come before content");
                    ++thinkingLines;
                }
                if (!m.value(u"content"_s).toString().isEmpty())
                    seenContent = true;
            }
            QVERIFY(seenContent);
            QCOMPARE(thinkingLines > 0, expectThinking);
        };
        check({ { u"think"_s, true } }, true);
        check({}, true); // thinking models think by default
        check({ { u"think"_s, u"high"_s } }, true);
        check({ { u"think"_s, false } }, false);

        HttpReply r = post(u"/api/chat"_s, chatBody(u"gemma3:1b"_s, u"think"_s, { { u"think"_s, true } }));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json().value(u"error"_s).toString(), u"\"gemma3:1b\" does not support thinking"_s);

        r = post(u"/api/generate"_s, { { u"model"_s, u"qwen3:0.6b"_s }, { u"prompt"_s, u"x"_s }, { u"stream"_s, false } });
        QVERIFY(!r.json().value(u"thinking"_s).toString().isEmpty());
        QVERIFY(!r.json().value(u"response"_s).toString().isEmpty());
    }

    void options()
    {
        HttpReply r = post(u"/api/chat"_s,
            chatBody(
                u"llama3.2:1b"_s, u"short"_s, { { u"options"_s, QJsonObject { { u"num_predict"_s, 5 }, { u"temperature"_s, 0.2 } } } }));
        QCOMPARE(r.status, 200);
        const QList<QJsonObject> lines = r.lines();
        QCOMPARE(lines.size(), 6);
        QCOMPARE(lines.last().value(u"done_reason"_s).toString(), u"length"_s);
        QCOMPARE(lines.last().value(u"eval_count"_s).toInt(), 5);

        r = post(u"/api/chat"_s, chatBody(u"llama3.2:1b"_s, u"x"_s, { { u"options"_s, QJsonObject { { u"num_predict"_s, u"5"_s } } } }));
        QCOMPARE(r.status, 500);
        QCOMPARE(r.json().value(u"error"_s).toString(), u"option \"num_predict\" must be of type integer"_s);
        r = post(u"/api/chat"_s, chatBody(u"llama3.2:1b"_s, u"x"_s, { { u"options"_s, QJsonObject { { u"temperature"_s, true } } } }));
        QCOMPARE(r.status, 500);
        // Unknown options are ignored.
        r = post(u"/api/chat"_s, chatBody(u"llama3.2:1b"_s, u"x"_s, { { u"options"_s, QJsonObject { { u"bogus"_s, 1 } } } }));
        QCOMPARE(r.status, 200);
    }

    void generateEndpoint()
    {
        HttpReply r = post(u"/api/generate"_s, { { u"model"_s, u"llama3.2:1b"_s }, { u"prompt"_s, u"why"_s } });
        QCOMPARE(r.status, 200);
        QVERIFY(r.chunked);
        const QList<QJsonObject> lines = r.lines();
        QCOMPARE(lines.size(), 41);
        QVERIFY(!lines.first().value(u"response"_s).toString().isEmpty());
        QVERIFY(!lines.first().contains(u"message"_s));
        const QJsonObject last = lines.last();
        QVERIFY(last.value(u"done"_s).toBool());
        QVERIFY(!last.value(u"context"_s).toArray().isEmpty());
        QCOMPARE(last.value(u"eval_count"_s).toInt(), 40);

        r = post(u"/api/generate"_s,
            { { u"model"_s, u"llama3.2:1b"_s }, { u"prompt"_s, u"why"_s }, { u"raw"_s, true }, { u"stream"_s, false } });
        QCOMPARE(r.status, 200);
        QVERIFY(!r.json().contains(u"context"_s));
        QCOMPARE(post(u"/api/generate"_s, { { u"model"_s, u"nomic-embed-text"_s }, { u"prompt"_s, u"x"_s } }).status, 400);
    }

    void loadAndUnload()
    {
        HttpReply r = post(u"/api/chat"_s, { { u"model"_s, u"gemma3:1b"_s }, { u"messages"_s, QJsonArray() } });
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(u"done_reason"_s).toString(), u"load"_s);
        QVERIFY(!r.json().contains(u"eval_count"_s));
        r = post(u"/api/generate"_s, { { u"model"_s, u"gemma3:1b"_s }, { u"keep_alive"_s, 0 } });
        QCOMPARE(r.json().value(u"done_reason"_s).toString(), u"unload"_s);
    }

    void toolCalls()
    {
        const QJsonArray tools { QJsonObject { { u"type"_s, u"function"_s },
            { u"function"_s,
                QJsonObject { { u"name"_s, u"get_weather"_s },
                    { u"parameters"_s,
                        QJsonObject { { u"type"_s, u"object"_s },
                            { u"properties"_s, QJsonObject { { u"city"_s, QJsonObject { { u"type"_s, u"string"_s } } } } },
                            { u"required"_s, QJsonArray { u"city"_s } } } } } } } };
        HttpReply r = post(u"/api/chat"_s, chatBody(u"llama3.2:1b"_s, u"please call get_weather"_s, { { u"tools"_s, tools } }));
        QCOMPARE(r.status, 200);
        const QJsonArray calls = r.lines().first().value(u"message"_s).toObject().value(u"tool_calls"_s).toArray();
        QCOMPARE(calls.size(), 1);
        const QJsonObject fn = calls.first().toObject().value(u"function"_s).toObject();
        QCOMPARE(fn.value(u"name"_s).toString(), u"get_weather"_s);
        QVERIFY(fn.value(u"arguments"_s).toObject().value(u"city"_s).isString());
        QVERIFY(calls.first().toObject().value(u"id"_s).toString().startsWith(u"call_"_s));

        r = post(u"/api/chat"_s, chatBody(u"gemma3:1b"_s, u"x"_s, { { u"tools"_s, tools } }));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json().value(u"error"_s).toString(), u"\"gemma3:1b\" does not support tools"_s);
    }

    void pullProgressOrder()
    {
        const HttpReply r = post(u"/api/pull"_s, { { u"model"_s, u"tinyllama"_s } });
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("content-type"), QByteArray("application/x-ndjson"));
        const QList<QJsonObject> lines = r.lines();
        QVERIFY(lines.size() > 6);
        QCOMPARE(lines.first().value(u"status"_s).toString(), u"pulling manifest"_s);
        static const QRegularExpression layer(u"^pulling [0-9a-f]{12}$"_s);
        qsizetype i = 1;
        int layers = 0;
        QString current;
        double lastCompleted = 0;
        for (; i < lines.size() && layer.match(lines.at(i).value(u"status"_s).toString()).hasMatch(); ++i) {
            const QJsonObject l = lines.at(i);
            QVERIFY(l.value(u"digest"_s).toString().startsWith(u"sha256:"_s));
            QVERIFY(l.value(u"total"_s).toDouble() > 0);
            if (l.value(u"status"_s).toString() != current) {
                current = l.value(u"status"_s).toString();
                lastCompleted = 0;
                ++layers;
            }
            const double completed = l.value(u"completed"_s).toDouble();
            QVERIFY(completed >= lastCompleted && completed <= l.value(u"total"_s).toDouble());
            lastCompleted = completed;
        }
        QVERIFY(layers >= 2);
        QCOMPARE(lines.mid(i).size(), 3);
        QCOMPARE(lines.at(i).value(u"status"_s).toString(), u"verifying sha256 digest"_s);
        QCOMPARE(lines.at(i + 1).value(u"status"_s).toString(), u"writing manifest"_s);
        QCOMPARE(lines.at(i + 2).value(u"status"_s).toString(), u"success"_s);
        QVERIFY(tagNames().contains(u"tinyllama:latest"_s));

        // Unknown model: the error arrives as a line under 200.
        const HttpReply bad = post(u"/api/pull"_s, { { u"model"_s, u"does-not-exist"_s } });
        QCOMPARE(bad.status, 200);
        QVERIFY(bad.complete);
        const QList<QJsonObject> badLines = bad.lines();
        QCOMPARE(badLines.size(), 2);
        QCOMPARE(badLines.at(0).value(u"status"_s).toString(), u"pulling manifest"_s);
        QCOMPARE(badLines.at(1).value(u"error"_s).toString(), u"pull model manifest: file does not exist"_s);

        HttpReply single = post(u"/api/pull"_s, { { u"name"_s, u"all-minilm"_s }, { u"stream"_s, false } });
        QCOMPARE(single.status, 200);
        QCOMPARE(single.json().value(u"status"_s).toString(), u"success"_s);
        single = post(u"/api/pull"_s, { { u"model"_s, u"does-not-exist"_s }, { u"stream"_s, false } });
        QCOMPARE(single.status, 500);
        QCOMPARE(m_sim.stats().value(u"pulls_completed"_s).toInt(), 2);
    }

    void pullCancelledByClosing()
    {
        RawClient c(m_sim.url());
        QVERIFY(c.connected());
        c.send("POST", u"/api/pull"_s, toJson({ { u"model"_s, u"mistral:7b"_s } }), { { "X-Sim-Pull-Ms", "5000" } });
        const HttpReply first = c.readChunks(2);
        QCOMPARE(first.chunks.size(), 2);
        c.socket().abort();
        QVERIFY(waitFor([this] { return m_sim.stats().value(u"pulls_cancelled"_s).toInt() == 1; }));
        const QJsonObject stats = m_sim.stats();
        QCOMPARE(stats.value(u"client_closed_early"_s).toInt(), 1);
        QVERIFY(stats.value(u"requests"_s).toArray().last().toObject().value(u"closed_early"_s).toBool());
        QVERIFY(!tagNames().contains(u"mistral:7b"_s));
    }

    void deleteThenTags()
    {
        HttpReply r = SimProcess::request(m_sim.url(), "DELETE", u"/api/delete"_s, toJson({ { u"model"_s, u"gemma3:1b"_s } }));
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.isEmpty());
        QVERIFY(!tagNames().contains(u"gemma3:1b"_s));
        r = SimProcess::request(m_sim.url(), "DELETE", u"/api/delete"_s, toJson({ { u"model"_s, u"gemma3:1b"_s } }));
        QCOMPARE(r.status, 404);
        QCOMPARE(r.json().value(u"error"_s).toString(), u"model 'gemma3:1b' not found"_s);
        QCOMPARE(post(u"/api/chat"_s, chatBody(u"gemma3:1b"_s, u"x"_s)).status, 404);
        // ollama-js sends {"name": ...}
        r = SimProcess::request(m_sim.url(), "DELETE", u"/api/delete"_s, toJson({ { u"name"_s, u"qwen3:0.6b"_s } }));
        QCOMPARE(r.status, 200);
        QVERIFY(!tagNames().contains(u"qwen3:0.6b"_s));
        QVERIFY(m_sim.reset());
        QVERIFY(tagNames().contains(u"gemma3:1b"_s));
    }

    void embeddings()
    {
        const QJsonArray inputs { u"the cat sat on the mat"_s, u"the cat sat on a chair"_s, u"quantum flux capacitor"_s };
        HttpReply r = post(u"/api/embed"_s, { { u"model"_s, u"nomic-embed-text"_s }, { u"input"_s, inputs } });
        QCOMPARE(r.status, 200);
        const QJsonObject o = r.json();
        QCOMPARE(o.value(u"model"_s).toString(), u"nomic-embed-text:latest"_s);
        const QJsonArray vectors = o.value(u"embeddings"_s).toArray();
        QCOMPARE(vectors.size(), 3);
        QVERIFY(o.value(u"prompt_eval_count"_s).toInt() > 0);
        QVERIFY(o.value(u"total_duration"_s).toDouble() > 0);
        const auto dot = [&](int a, int b) {
            double s = 0;
            const QJsonArray x = vectors.at(a).toArray();
            const QJsonArray y = vectors.at(b).toArray();
            for (qsizetype i = 0; i < x.size(); ++i)
                s += x.at(i).toDouble() * y.at(i).toDouble();
            return s;
        };
        QCOMPARE(vectors.at(0).toArray().size(), 768);
        QVERIFY(std::abs(dot(0, 0) - 1.0) < 1e-4);
        QVERIFY(std::abs(dot(2, 2) - 1.0) < 1e-4);
        QVERIFY2(dot(0, 1) > dot(0, 2) + 0.2, qPrintable(u"%1 vs %2"_s.arg(dot(0, 1)).arg(dot(0, 2))));
        // Deterministic.
        QCOMPARE(post(u"/api/embed"_s, { { u"model"_s, u"nomic-embed-text"_s }, { u"input"_s, inputs } })
                     .json()
                     .value(u"embeddings"_s)
                     .toArray(),
            vectors);

        r = post(u"/api/embed"_s, { { u"model"_s, u"nomic-embed-text"_s }, { u"input"_s, u"one"_s }, { u"dimensions"_s, 64 } });
        QCOMPARE(r.json().value(u"embeddings"_s).toArray().first().toArray().size(), 64);
        QCOMPARE(post(u"/api/embed"_s, { { u"model"_s, u"nomic-embed-text"_s }, { u"input"_s, 5 } }).status, 400);
        QCOMPARE(post(u"/api/embed"_s, { { u"model"_s, u"nomic-embed-text"_s }, { u"input"_s, QJsonArray { 1 } } })
                     .json()
                     .value(u"error"_s)
                     .toString(),
            u"invalid input type"_s);
        QCOMPARE(post(u"/api/embed"_s, { { u"model"_s, u"nope"_s }, { u"input"_s, u"x"_s } }).status, 404);
    }

    void runningModels()
    {
        QVERIFY(get(u"/api/ps"_s).json().value(u"models"_s).toArray().isEmpty());
        QCOMPARE(post(u"/api/chat"_s, chatBody(u"llama3.2:1b"_s, u"x"_s)).status, 200);
        QJsonArray models = get(u"/api/ps"_s).json().value(u"models"_s).toArray();
        QCOMPARE(models.size(), 1);
        QJsonObject m = models.first().toObject();
        QCOMPARE(m.value(u"name"_s).toString(), u"llama3.2:1b"_s);
        QCOMPARE(m.value(u"context_length"_s).toInt(), 4096);
        QVERIFY(m.value(u"size_vram"_s).toDouble() > 0);
        QVERIFY(m.value(u"details"_s).isObject());
        const QDateTime expires = QDateTime::fromString(m.value(u"expires_at"_s).toString(), Qt::ISODateWithMs);
        QVERIFY(expires > QDateTime::currentDateTimeUtc().addSecs(200));

        QCOMPARE(
            post(u"/api/chat"_s,
                chatBody(u"gemma3:1b"_s, u"x"_s, { { u"keep_alive"_s, -1 }, { u"options"_s, QJsonObject { { u"num_ctx"_s, 8192 } } } }))
                .status,
            200);
        QCOMPARE(post(u"/api/chat"_s, chatBody(u"llama3.2:1b"_s, u"x"_s, { { u"keep_alive"_s, 0 } })).status, 200);
        models = get(u"/api/ps"_s).json().value(u"models"_s).toArray();
        QCOMPARE(models.size(), 1);
        m = models.first().toObject();
        QCOMPARE(m.value(u"name"_s).toString(), u"gemma3:1b"_s);
        QCOMPARE(m.value(u"context_length"_s).toInt(), 8192);
        QVERIFY(QDateTime::fromString(m.value(u"expires_at"_s).toString(), Qt::ISODateWithMs).date().year() > 2200);
    }

    void promptEvalCountAndTruncation()
    {
        const QString longText = QString(8000, u'a');
        QJsonArray messages { QJsonObject { { u"role"_s, u"system"_s }, { u"content"_s, u"be brief"_s } } };
        for (int i = 0; i < 6; ++i)
            messages.append(QJsonObject { { u"role"_s, i % 2 ? u"assistant"_s : u"user"_s }, { u"content"_s, longText } });
        QJsonObject body { { u"model"_s, u"llama3.2:1b"_s }, { u"messages"_s, messages }, { u"stream"_s, false } };
        HttpReply r = post(u"/api/chat"_s, body);
        QCOMPARE(r.status, 200);
        const int truncated = r.json().value(u"prompt_eval_count"_s).toInt();
        QVERIFY2(truncated > 0 && truncated <= 4096, qPrintable(QString::number(truncated)));
        body.insert(u"options"_s, QJsonObject { { u"num_ctx"_s, 32768 } });
        const int full = post(u"/api/chat"_s, body).json().value(u"prompt_eval_count"_s).toInt();
        QVERIFY(full > 12000);
        body.insert(u"options"_s, QJsonObject {});
        body.insert(u"truncate"_s, false);
        QCOMPARE(post(u"/api/chat"_s, body).status, 400);
    }

    // ------------------------------------------------------------- faults

    void faultImmediateErrors_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QString>("error");
        QTest::newRow("busy") << u"busy"_s << 503 << QByteArray("application/json; charset=utf-8")
                              << u"server busy, please try again.  maximum pending requests exceeded"_s;
        QTest::newRow("not_found") << u"not_found"_s << 404 << QByteArray("application/json; charset=utf-8")
                                   << u"model 'llama3.2:1b' not found"_s;
        QTest::newRow("server_error") << u"server_error"_s << 500 << QByteArray("application/json; charset=utf-8") << QString();
        QTest::newRow("old_server") << u"old_server"_s << 404 << QByteArray("text/plain") << QString();
        QTest::newRow("error_midstream:0") << u"error_midstream:0"_s << 500 << QByteArray("application/json; charset=utf-8") << QString();
    }
    void faultImmediateErrors()
    {
        QFETCH(QString, mode);
        QFETCH(int, status);
        QFETCH(QByteArray, contentType);
        QFETCH(QString, error);
        const HttpReply r = post(u"/api/chat"_s, chatBody(u"llama3.2:1b"_s, u"x"_s), { { "X-Sim-Fault", mode.toUtf8() } });
        QCOMPARE(r.status, status);
        QCOMPARE(r.header("content-type"), contentType);
        QVERIFY(!r.chunked);
        if (contentType.startsWith("text/plain"))
            QCOMPARE(r.body, QByteArray("404 page not found"));
        else if (!error.isEmpty())
            QCOMPARE(r.json().value(u"error"_s).toString(), error);
        else
            QVERIFY(!r.json().value(u"error"_s).toString().isEmpty());
    }

    void faultErrorMidstream()
    {
        const HttpReply r = post(u"/api/chat"_s, chatBody(u"llama3.2:1b"_s, u"x"_s), { { "X-Sim-Fault", "error_midstream:2" } });
        QCOMPARE(r.status, 200);
        QVERIFY(r.complete); // the body ends properly, just without done
        const QList<QJsonObject> lines = r.lines();
        QCOMPARE(lines.size(), 3);
        QVERIFY(!lines.at(1).value(u"message"_s).toObject().value(u"content"_s).toString().isEmpty());
        QVERIFY(lines.last().value(u"error"_s).toString().startsWith(u"model runner has unexpectedly stopped"_s));
        for (const QJsonObject &l : lines)
            QVERIFY(!l.value(u"done"_s).toBool());
    }

    void faultDrop()
    {
        RawClient c(m_sim.url());
        QVERIFY(c.connected());
        c.send("POST", u"/api/chat"_s, toJson(chatBody(u"llama3.2:1b"_s, u"x"_s)), { { "X-Sim-Fault", "drop:2" } });
        const QByteArray raw = c.readUntilClosed();
        QCOMPARE(c.socket().state(), QAbstractSocket::UnconnectedState);
        const HttpReply r = SimProcess::parseResponse(raw);
        QCOMPARE(r.status, 200);
        QVERIFY(!r.complete); // no terminating chunk
        QCOMPARE(r.chunks.size(), 2);
        QVERIFY(!r.body.contains("\"done\":true"));
        QCOMPARE(m_sim.stats().value(u"client_closed_early"_s).toInt(), 0);
    }

    void faultStallAndClientClose()
    {
        RawClient c(m_sim.url());
        QVERIFY(c.connected());
        c.send("POST", u"/api/chat"_s, toJson(chatBody(u"llama3.2:1b"_s, u"x"_s)), { { "X-Sim-Fault", "stall:2" } });
        QCOMPARE(c.readChunks(2).chunks.size(), 2);
        QVERIFY2(!c.readSome(600), "nothing after the stall point");
        QCOMPARE(c.socket().state(), QAbstractSocket::ConnectedState);
        QCOMPARE(m_sim.stats().value(u"active"_s).toInt(), 1);
        c.socket().abort();
        QVERIFY(waitFor([this] { return m_sim.stats().value(u"client_closed_early"_s).toInt() == 1; }));
        const QJsonObject stats = m_sim.stats();
        QCOMPARE(stats.value(u"active"_s).toInt(), 0);
        QCOMPARE(stats.value(u"completed_streams"_s).toInt(), 0);
        const QJsonObject rec = stats.value(u"requests"_s).toArray().last().toObject();
        QVERIFY(rec.value(u"closed_early"_s).toBool());
        QCOMPARE(rec.value(u"fault"_s).toString(), u"stall:2"_s);
        QCOMPARE(rec.value(u"model"_s).toString(), u"llama3.2:1b"_s);
    }

    void faultStallHeaders()
    {
        RawClient c(m_sim.url());
        QVERIFY(c.connected());
        c.send("POST", u"/api/chat"_s, toJson(chatBody(u"llama3.2:1b"_s, u"x"_s)), { { "X-Sim-Fault", "stall_headers" } });
        QVERIFY(!c.readSome(600));
        QCOMPARE(m_sim.stats().value(u"active"_s).toInt(), 1);
        c.socket().abort();
        QVERIFY(waitFor([this] { return m_sim.stats().value(u"active"_s).toInt() == 0; }));
        QCOMPARE(m_sim.stats().value(u"client_closed_early"_s).toInt(), 1);
    }

    void faultSplitUtf8()
    {
        const QByteArray body = toJson(chatBody(u"llama3.2:1b"_s, u"split"_s));
        const HttpReply normal = SimProcess::httpPost(m_sim.url(), u"/api/chat"_s, body);
        RawClient c(m_sim.url());
        QVERIFY(c.connected());
        c.send("POST", u"/api/chat"_s, body, { { "X-Sim-Fault", "split_utf8" } });
        const HttpReply r = c.readResponse(20000);
        QVERIFY2(r.complete, qPrintable(r.error));
        QCOMPARE(contentOf(r.lines()), contentOf(normal.lines()));
        QCOMPARE(r.chunks.size(), normal.chunks.size());
        // One byte per write: the reader sees many small reads.
        QVERIFY2(c.reads().size() >= 10, qPrintable(QString::number(c.reads().size())));
    }

    void faultHugeLine()
    {
        const HttpReply r = post(u"/api/chat"_s, chatBody(u"llama3.2:1b"_s, u"x"_s), { { "X-Sim-Fault", "huge_line:2" } }, 30000);
        QVERIFY(r.complete);
        qsizetype biggest = 0;
        for (const QByteArray &chunk : r.chunks)
            biggest = std::max(biggest, chunk.size());
        QVERIFY(biggest >= 2 * 1024 * 1024);
        const QList<QJsonObject> lines = r.lines();
        QCOMPARE(lines.size(), r.chunks.size());
        QVERIFY(lines.last().value(u"done"_s).toBool());
        QCOMPARE(lines.last().value(u"eval_count"_s).toInt(), 41);
    }

    void faultInvalidJson()
    {
        const HttpReply r = post(u"/api/chat"_s, chatBody(u"llama3.2:1b"_s, u"x"_s), { { "X-Sim-Fault", "invalid_json:2" } });
        QVERIFY(r.complete);
        QCOMPARE(r.chunks.size(), 42);
        QJsonParseError err {};
        QJsonDocument::fromJson(r.chunks.at(2), &err);
        QVERIFY(err.error != QJsonParseError::NoError);
        QCOMPARE(r.lines().size(), 41);
        QVERIFY(r.lines().last().value(u"done"_s).toBool());
    }

    void faultQueueCountAndPath()
    {
        QVERIFY(m_sim.setFault(u"busy"_s, {}, 2, u"/api/chat"_s));
        QCOMPARE(m_sim.stats().value(u"queued_faults"_s).toInt(), 2);
        QCOMPARE(get(u"/api/tags"_s).status, 200);
        QCOMPARE(post(u"/api/chat"_s, chatBody(u"llama3.2:1b"_s, u"x"_s)).status, 503);
        QCOMPARE(post(u"/api/generate"_s, { { u"model"_s, u"llama3.2:1b"_s }, { u"prompt"_s, u"x"_s } }).status, 200);
        QCOMPARE(post(u"/api/chat"_s, chatBody(u"llama3.2:1b"_s, u"x"_s)).status, 503);
        QCOMPARE(post(u"/api/chat"_s, chatBody(u"llama3.2:1b"_s, u"x"_s)).status, 200);
        // Without a path: the next request, whatever it is.
        QVERIFY(m_sim.setFault(u"server_error"_s));
        QCOMPARE(get(u"/api/tags"_s).status, 500);
        QCOMPARE(get(u"/api/tags"_s).status, 200);
        // Argument as a number, and a reset clears the queue.
        QVERIFY(m_sim.setFault(u"error_midstream"_s, u"1"_s, 5));
        QVERIFY(m_sim.reset());
        QCOMPARE(post(u"/api/chat"_s, chatBody(u"llama3.2:1b"_s, u"x"_s)).lines().last().value(u"done"_s).toBool(), true);
        QVERIFY(!m_sim.setFault(u"no_such_mode"_s));
        const HttpReply bad = post(u"/api/chat"_s, chatBody(u"llama3.2:1b"_s, u"x"_s), { { "X-Sim-Fault", "nonsense" } });
        QCOMPARE(bad.status, 400);
    }

    void clientClosedEarlyAndPacing()
    {
        // sim-slow streams at 20 tokens/s.
        QElapsedTimer t;
        t.start();
        const HttpReply full = post(u"/api/chat"_s, chatBody(u"sim-slow"_s, u"x"_s), { { "X-Sim-Tokens", "10" } });
        QCOMPARE(full.lines().size(), 11);
        QVERIFY2(t.elapsed() >= 400, qPrintable(QString::number(t.elapsed())));

        RawClient c(m_sim.url());
        QVERIFY(c.connected());
        c.send("POST", u"/api/chat"_s, toJson(chatBody(u"sim-slow"_s, u"cancel me"_s)));
        QCOMPARE(c.readChunks(2).chunks.size(), 2);
        c.socket().abort();
        QVERIFY2(waitFor([this] { return m_sim.stats().value(u"client_closed_early"_s).toInt() == 1; }),
            QJsonDocument(m_sim.stats()).toJson().constData());
        const QJsonObject stats = m_sim.stats();
        QCOMPARE(stats.value(u"completed_streams"_s).toInt(), 1);
        QCOMPARE(stats.value(u"active"_s).toInt(), 0);
        QCOMPARE(stats.value(u"by_path"_s).toObject().value(u"/api/chat"_s).toInt(), 2);
        const QJsonObject last = stats.value(u"last_request"_s).toObject();
        QCOMPARE(last.value(u"path"_s).toString(), u"/api/chat"_s);
        QVERIFY(last.value(u"body"_s).toString().contains(u"cancel me"_s));
        QCOMPARE(stats.value(u"requests_total"_s).toInt(), 2);
    }

    void peakActive()
    {
        std::vector<std::unique_ptr<RawClient>> clients;
        for (int i = 0; i < 3; ++i) {
            clients.push_back(std::make_unique<RawClient>(m_sim.url()));
            clients.back()->send("POST", u"/api/chat"_s, toJson(chatBody(u"sim-slow"_s, u"c%1"_s.arg(i))));
        }
        for (auto &c : clients)
            QCOMPARE(c->readChunks(1).chunks.size(), 1);
        QJsonObject stats = m_sim.stats();
        QCOMPARE(stats.value(u"active"_s).toInt(), 3);
        QCOMPARE(stats.value(u"peak_active"_s).toInt(), 3);
        clients.clear();
        QVERIFY(waitFor([this] { return m_sim.stats().value(u"active"_s).toInt() == 0; }));
        stats = m_sim.stats();
        QCOMPARE(stats.value(u"peak_active"_s).toInt(), 3);
        QCOMPARE(stats.value(u"client_closed_early"_s).toInt(), 3);
    }

    void hostHeaderCheck()
    {
        QTcpSocket s;
        s.connectToHost(m_sim.url().host(), m_sim.port());
        QVERIFY(s.waitForConnected(5000));
        s.write("GET /api/version HTTP/1.1\r\nHost: evil.example.com\r\nConnection: close\r\n\r\n");
        QByteArray raw;
        while (s.waitForReadyRead(3000))
            raw += s.readAll();
        QCOMPARE(SimProcess::parseResponse(raw, true).status, 403);
        s.abort();
        s.connectToHost(m_sim.url().host(), m_sim.port());
        QVERIFY(s.waitForConnected(5000));
        s.write("GET /api/version HTTP/1.1\r\nHost: localhost:11434\r\nConnection: close\r\n\r\n");
        raw.clear();
        while (s.waitForReadyRead(3000))
            raw += s.readAll();
        QCOMPARE(SimProcess::parseResponse(raw, true).status, 200);
    }

    void runWideOptions()
    {
        SimProcess busy;
        QVERIFY(busy.start({ u"--fault"_s, u"busy"_s }));
        QCOMPARE(SimProcess::httpPost(busy.url(), u"/api/chat"_s, toJson(chatBody(u"llama3.2:1b"_s, u"x"_s))).status, 503);
        QCOMPARE(SimProcess::httpGet(busy.url(), u"/api/tags"_s).status, 200);

        SimProcess shaped;
        QVERIFY(shaped.start({ u"--tokens"_s, u"7"_s, u"--tps"_s, u"50"_s, u"--first-token-delay-ms"_s, u"300"_s }));
        QElapsedTimer t;
        t.start();
        const HttpReply r = SimProcess::httpPost(shaped.url(), u"/api/chat"_s, toJson(chatBody(u"llama3.2:1b"_s, u"x"_s)));
        QVERIFY(t.elapsed() >= 300 + 100);
        QCOMPARE(r.lines().size(), 8);
        QCOMPARE(r.lines().last().value(u"eval_count"_s).toInt(), 7);
    }

    void modelsFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile f(dir.filePath(u"models.json"_s));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"([{"name":"custom:7b","family":"qwen2","parameter_size":"7.6B","context_length":32768,
                     "capabilities":["completion","thinking"]},
                    {"name":"later:1b","installed":false}])");
        f.close();
        SimProcess sim;
        QVERIFY2(sim.start({ u"--models"_s, f.fileName() }), qPrintable(sim.errorString()));
        const QJsonArray models = SimProcess::httpGet(sim.url(), u"/api/tags"_s).json().value(u"models"_s).toArray();
        QCOMPARE(models.size(), 1);
        QCOMPARE(models.first().toObject().value(u"name"_s).toString(), u"custom:7b"_s);
        const HttpReply r = SimProcess::httpPost(sim.url(), u"/api/chat"_s, toJson(chatBody(u"custom:7b"_s, u"x"_s)));
        QCOMPARE(r.status, 200);
        QVERIFY(!contentOf(r.lines(), u"thinking"_s).isEmpty());
        QCOMPARE(SimProcess::httpPost(sim.url(), u"/api/pull"_s, R"({"model":"later:1b","stream":false})").status, 200);
        QCOMPARE(SimProcess::httpGet(sim.url(), u"/api/tags"_s).json().value(u"models"_s).toArray().size(), 2);

        SimProcess broken;
        QVERIFY(!broken.start({ u"--models"_s, dir.filePath(u"missing.json"_s) }, 5000));
        QVERIFY(!broken.errorString().isEmpty());
    }

    void processLifecycle()
    {
        SimProcess timed;
        QVERIFY(timed.start({ u"--max-seconds"_s, u"1"_s }));
        QVERIFY(timed.waitForExit(5000));
        QCOMPARE(timed.exitStatus(), QProcess::NormalExit);
        QCOMPARE(timed.exitCode(), 0);

        SimProcess terminated;
        QVERIFY(terminated.start());
        {
            // Busy at the time: one stalled stream and one pull in flight.
            RawClient stalled(terminated.url());
            stalled.send("POST", u"/api/chat"_s, toJson(chatBody(u"llama3.2:1b"_s, u"x"_s)), { { "X-Sim-Fault", "stall:1" } });
            QCOMPARE(stalled.readChunks(1).chunks.size(), 1);
            RawClient pulling(terminated.url());
            pulling.send("POST", u"/api/pull"_s, toJson({ { u"model"_s, u"mistral:7b"_s } }));
            QCOMPARE(pulling.readChunks(1).chunks.size(), 1);
            QVERIFY2(terminated.stop(), "SIGTERM exits cleanly with 0");
        }

        SimProcess bad;
        QVERIFY(!bad.start({ u"--fault"_s, u"nonsense"_s }, 5000));

        // Two simulators can run side by side on free ports.
        SimProcess a;
        SimProcess b;
        QVERIFY(a.start());
        QVERIFY(b.start());
        QVERIFY(a.port() != b.port());
        b.kill();
        QCOMPARE(SimProcess::httpGet(b.url(), u"/"_s, 2000).status, 0);
        QCOMPARE(SimProcess::httpGet(a.url(), u"/"_s).status, 200);
    }

    void cleanupTestCase() { QVERIFY(m_sim.stop()); }
};

QTEST_GUILESS_MAIN(TestSimulator)
#include "tst_simulator.moc"
