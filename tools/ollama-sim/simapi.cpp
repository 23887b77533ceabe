#include "simapi.h"

#include "debateparticipant.h"
#include "generationstream.h"
#include "httpconnection.h"
#include "pullstream.h"
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

namespace {

const QByteArray kJsonType = "application/json; charset=utf-8";
const QByteArray kTextType = "text/plain; charset=utf-8";
constexpr int kDefaultNumCtx = 4096;
constexpr qint64 kDefaultKeepAliveMs = 5 * 60 * 1000;

QString jsonTypeName(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Bool: return u"bool"_s;
    case QJsonValue::Double: return u"number"_s;
    case QJsonValue::String: return u"string"_s;
    case QJsonValue::Array: return u"array"_s;
    case QJsonValue::Object: return u"object"_s;
    default: return u"null"_s;
    }
}

// Go's time.ParseDuration for the forms clients send ("5m", "1h30m", "-1s",
// "300ms"); a bare number is seconds. Returns milliseconds; nullopt if bad.
std::optional<qint64> parseKeepAlive(const QJsonValue &v)
{
    if (v.isUndefined() || v.isNull())
        return std::nullopt;
    if (v.isDouble())
        return qint64(v.toDouble() * 1000.0);
    if (!v.isString())
        return std::nullopt;
    const QString s = v.toString().trimmed();
    bool ok = false;
    const double plain = s.toDouble(&ok);
    if (ok)
        return qint64(plain * 1000.0);
    static const QRegularExpression part(u"(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)"_s);
    QString rest = s;
    double sign = 1;
    if (rest.startsWith(u'-')) {
        sign = -1;
        rest.remove(0, 1);
    }
    double ms = 0;
    qsizetype pos = 0;
    while (pos < rest.size()) {
        const auto m = part.match(rest, pos, QRegularExpression::NormalMatch,
                                      QRegularExpression::AnchorAtOffsetMatchOption);
        if (!m.hasMatch())
            return std::nullopt;
        const double n = m.captured(1).toDouble();
        const QString unit = m.captured(2);
        if (unit == u"h"_s)
            ms += n * 3600000.0;
        else if (unit == u"m"_s)
            ms += n * 60000.0;
        else if (unit == u"s"_s)
            ms += n * 1000.0;
        else if (unit == u"ms"_s)
            ms += n;
        else if (unit == u"ns"_s)
            ms += n / 1e6;
        else
            ms += n / 1e3;
        pos = m.capturedEnd();
    }
    return qint64(sign * ms);
}

QDateTime expiryFor(qint64 keepAliveMs)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (keepAliveMs < 0)
        return now.addYears(292);
    return now.addMSecs(keepAliveMs);
}

QString rfc3339(const QDateTime &t)
{
    return t.toUTC().toString(u"yyyy-MM-ddTHH:mm:ss.zzz"_s) + u'Z';
}

// The types of api.Options fields; a value of the wrong type is a 500.
QString checkOptions(const QJsonObject &options)
{
    static const QStringList ints{u"num_keep"_s, u"seed"_s,     u"num_predict"_s, u"top_k"_s,
                                  u"repeat_last_n"_s, u"num_ctx"_s, u"num_batch"_s, u"num_gpu"_s,
                                  u"main_gpu"_s, u"num_thread"_s};
    static const QStringList floats{u"top_p"_s,          u"min_p"_s,           u"typical_p"_s,
                                    u"temperature"_s,    u"repeat_penalty"_s,  u"presence_penalty"_s,
                                    u"frequency_penalty"_s};
    static const QStringList bools{u"use_mmap"_s, u"numa"_s, u"low_vram"_s, u"penalize_newline"_s};
    for (auto it = options.constBegin(); it != options.constEnd(); ++it) {
        const QString key = it.key();
        const QJsonValue v = it.value();
        if (v.isNull())
            continue;
        if (ints.contains(key) && !v.isDouble())
            return u"option \"%1\" must be of type integer"_s.arg(key);
        if (floats.contains(key) && !v.isDouble())
            return u"option \"%1\" must be of type float32"_s.arg(key);
        if (bools.contains(key) && !v.isBool())
            return u"option \"%1\" must be of type boolean"_s.arg(key);
        if (key == u"stop"_s) {
            bool good = v.isArray();
            for (const QJsonValue &s : v.toArray())
                good = good && s.isString();
            if (!good)
                return u"option \"%1\" must be of type array of strings"_s.arg(key);
        }
    }
    return {};
}

qint64 estimateTokens(const QString &text)
{
    return (text.size() + 3) / 4;
}

qint64 parameterCount(const QString &size)
{
    if (size.isEmpty())
        return 0;
    const QChar unit = size.back().toUpper();
    const double n = size.left(size.size() - 1).toDouble();
    if (unit == u'B')
        return qint64(n * 1e9);
    if (unit == u'M')
        return qint64(n * 1e6);
    if (unit == u'K')
        return qint64(n * 1e3);
    return qint64(size.toDouble());
}

} // namespace

SimApi::SimApi(const SimOptions &options, ModelTable *models, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_models(models)
{
    m_faults.setRunWide(options.fault);
}

SimApi::~SimApi() = default;

// ---------------------------------------------------------------- plumbing

void SimApi::logLine(const Call &call, int status, const QString &note) const
{
    if (m_options.quiet)
        return;
    const QString fault = call.fault.toString();
    std::fprintf(stderr, "ollama-sim: %s %s -> %d%s%s%s\n", call.req.method.constData(), qPrintable(call.req.path),
                 status, fault.isEmpty() ? "" : " fault=", qPrintable(fault),
                 note.isEmpty() ? "" : qPrintable(u" "_s + note));
}

void SimApi::respond(const Call &call, int status, const QByteArray &contentType, const QByteArray &body,
                     const HttpHeaders &headers)
{
    m_stats.setStatus(call.id, status);
    logLine(call, status);
    call.conn->sendResponse(status, contentType, body, headers);
}

void SimApi::sendJson(const Call &call, int status, const QJsonObject &object)
{
    respond(call, status, kJsonType, wire::toJson(object));
}

void SimApi::sendError(const Call &call, int status, const QString &message)
{
    sendJson(call, status, QJsonObject{{u"error"_s, message}});
}

void SimApi::sendNotFoundPage(const Call &call)
{
    // gin's default 404: text/plain without a charset.
    respond(call, 404, "text/plain", "404 page not found");
}

std::optional<QJsonObject> SimApi::parseBody(const Call &call, const char *typeName)
{
    const QByteArray &body = call.req.body;
    if (body.trimmed().isEmpty()) {
        sendError(call, 400, u"missing request body"_s);
        return std::nullopt;
    }
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    if (err.error != QJsonParseError::NoError) {
        const int at = std::clamp(err.offset, 0, int(body.size()) - 1);
        const char c = body.at(at);
        if (err.error == QJsonParseError::UnterminatedObject || err.error == QJsonParseError::UnterminatedArray
            || err.error == QJsonParseError::UnterminatedString)
            sendError(call, 400, u"unexpected EOF"_s);
        else
            sendError(call, 400, u"invalid character '%1' looking for beginning of value"_s.arg(QChar::fromLatin1(c)));
        return std::nullopt;
    }
    if (!doc.isObject()) {
        sendError(call, 400,
                  u"json: cannot unmarshal %1 into Go value of type api.%2"_s.arg(
                      doc.isArray() ? u"array"_s : u"value"_s, QString::fromLatin1(typeName)));
        return std::nullopt;
    }
    const QJsonObject o = doc.object();
    // The string fields every request type shares.
    for (const auto &field : {u"model"_s, u"name"_s, u"prompt"_s, u"system"_s}) {
        if (o.contains(field) && !o.value(field).isString() && !o.value(field).isNull()) {
            sendError(call, 400,
                      u"json: cannot unmarshal %1 into Go struct field %2.%3 of type string"_s.arg(
                          jsonTypeName(o.value(field)), QString::fromLatin1(typeName), field));
            return std::nullopt;
        }
    }
    if (o.contains(u"stream"_s) && !o.value(u"stream"_s).isBool() && !o.value(u"stream"_s).isNull()) {
        sendError(call, 400,
                  u"json: cannot unmarshal %1 into Go struct field %2.stream of type bool"_s.arg(
                      jsonTypeName(o.value(u"stream"_s)), QString::fromLatin1(typeName)));
        return std::nullopt;
    }
    return o;
}

bool SimApi::hostAllowed(const HttpRequest &req) const
{
    // Ollama checks Host only when it listens on a loopback address.
    const QHostAddress bound(m_options.host);
    if (!bound.isLoopback() && m_options.host != u"localhost"_s)
        return true;
    QString host = QString::fromLatin1(req.header("host")).trimmed().toLower();
    if (host.startsWith(u'[')) {
        host = host.mid(1, host.indexOf(u']') - 1);
    } else if (host.count(u':') == 1) {
        host = host.left(host.indexOf(u':'));
    }
    if (host.isEmpty() || host == u"localhost"_s || host == QHostInfo::localHostName().toLower())
        return true;
    const QHostAddress addr(host);
    if (!addr.isNull()) {
        if (addr.isLoopback() || addr.isUniqueLocalUnicast() || addr.isLinkLocal()
            || addr == QHostAddress(QHostAddress::AnyIPv4) || addr == QHostAddress(QHostAddress::AnyIPv6))
            return true;
        const quint32 v4 = addr.toIPv4Address();
        const bool rfc1918 = (v4 >> 24) == 10 || (v4 >> 20) == ((172u << 4) | 1) || (v4 >> 16) == ((192u << 8) | 168);
        return rfc1918;
    }
    return host.endsWith(u".localhost"_s) || host.endsWith(u".local"_s) || host.endsWith(u".internal"_s);
}

void SimApi::handle(HttpConnection *conn, const HttpRequest &req)
{
    if (req.path.startsWith(u"/_sim/"_s)) {
        handleControl(conn, req);
        return;
    }
    Call call;
    call.conn = conn;
    call.req = req;
    call.id = m_stats.recordRequest(req.method, req.path, req.body);

    if (!hostAllowed(req)) {
        respond(call, 403, {}, {});
        return;
    }

    struct Route
    {
        QLatin1StringView path;
        QList<QByteArray> methods;
        Handler handler;
    };
    static const QList<Route> routes{
        {"/"_L1, {"GET", "HEAD"}, &SimApi::root},
        {"/api/version"_L1, {"GET", "HEAD"}, &SimApi::version},
        {"/api/tags"_L1, {"GET", "HEAD"}, &SimApi::tags},
        {"/api/ps"_L1, {"GET"}, &SimApi::ps},
        {"/api/show"_L1, {"POST"}, &SimApi::show},
        {"/api/chat"_L1, {"POST"}, &SimApi::chat},
        {"/api/generate"_L1, {"POST"}, &SimApi::generate},
        {"/api/pull"_L1, {"POST"}, &SimApi::pull},
        {"/api/delete"_L1, {"DELETE"}, &SimApi::remove},
        {"/api/copy"_L1, {"POST"}, &SimApi::copy},
        {"/api/embed"_L1, {"POST"}, &SimApi::embed},
        {"/api/embeddings"_L1, {"POST"}, &SimApi::embeddings},
    };
    const Route *route = nullptr;
    for (const Route &r : routes) {
        if (req.path == r.path) {
            route = &r;
            break;
        }
    }
    if (!route) {
        sendNotFoundPage(call);
        return;
    }
    if (!route->methods.contains(req.method)) {
        QByteArray allow;
        for (const QByteArray &m : route->methods)
            allow += (allow.isEmpty() ? "" : ", ") + m;
        respond(call, 405, "text/plain", "405 method not allowed", {{"Allow", allow}});
        return;
    }

    FaultSpec headerFault;
    if (req.hasHeader("x-sim-fault")) {
        QString error;
        const auto spec = FaultSpec::parse(QString::fromUtf8(req.header("x-sim-fault")), &error);
        if (!spec) {
            sendError(call, 400, u"X-Sim-Fault: "_s + error);
            return;
        }
        headerFault = *spec;
    }
    call.fault = m_faults.take(req.path, headerFault);
    m_stats.setFault(call.id, call.fault.toString());
    dispatch(call, route->handler);
}

void SimApi::dispatch(const Call &call, Handler handler)
{
    const bool streaming = handler == &SimApi::chat || handler == &SimApi::generate || handler == &SimApi::pull;
    const QString model = QJsonDocument::fromJson(call.req.body).object().value(u"model"_s).toString();
    switch (call.fault.mode) {
    case FaultSpec::Mode::Busy:
        sendError(call, 503, u"server busy, please try again.  maximum pending requests exceeded"_s);
        return;
    case FaultSpec::Mode::NotFound:
        sendError(call, 404, u"model '%1' not found"_s.arg(model));
        return;
    case FaultSpec::Mode::ServerError:
        sendError(call, 500, u"llama runner process has terminated: exit status 2"_s);
        return;
    case FaultSpec::Mode::OldServer:
        sendNotFoundPage(call);
        return;
    case FaultSpec::Mode::SplitUtf8:
        call.conn->setTrickle(true);
        break;
    default:
        break;
    }
    if (!streaming) {
        switch (call.fault.mode) {
        case FaultSpec::Mode::StallHeaders:
        case FaultSpec::Mode::Stall:
            logLine(call, 0, u"(stalled)"_s);
            return;
        case FaultSpec::Mode::Drop:
            logLine(call, 0, u"(dropped)"_s);
            call.conn->dropConnection();
            return;
        case FaultSpec::Mode::ErrorMidstream:
            sendError(call, 500, u"model runner has unexpectedly stopped, this may be due to resource limitations "
                                 u"or an internal error, check ollama server logs for details"_s);
            return;
        case FaultSpec::Mode::InvalidJson:
            respond(call, 200, kJsonType, "{\"models\":[{\"name\":");
            return;
        case FaultSpec::Mode::SlowFirstToken: {
            const Call copy = call;
            QTimer::singleShot(call.fault.argOr(2000), call.conn, [this, copy, handler] { (this->*handler)(copy); });
            return;
        }
        default:
            break;
        }
    }
    (this->*handler)(call);
}

// ---------------------------------------------------------------- control

void SimApi::handleControl(HttpConnection *conn, const HttpRequest &req)
{
    Call call;
    call.conn = conn;
    call.req = req;
    const auto reply = [&](int status, const QJsonObject &o) {
        call.conn->sendResponse(status, kJsonType, wire::toJson(o));
    };
    if (req.path == u"/_sim/stats"_s) {
        if (req.method != "GET") {
            conn->sendResponse(405, "text/plain", "405 method not allowed", {{"Allow", "GET"}});
            return;
        }
        QJsonObject o = m_stats.toJson();
        o.insert(u"queued_faults"_s, m_faults.queuedCount());
        reply(200, o);
        return;
    }
    if (req.path == u"/_sim/reset"_s) {
        if (req.method != "POST") {
            conn->sendResponse(405, "text/plain", "405 method not allowed", {{"Allow", "POST"}});
            return;
        }
        m_faults.clearQueue();
        m_stats.reset();
        m_models->resetToInitial();
        reply(200, QJsonObject{{u"status"_s, u"ok"_s}});
        return;
    }
    if (req.path == u"/_sim/fault"_s) {
        if (req.method != "POST") {
            conn->sendResponse(405, "text/plain", "405 method not allowed", {{"Allow", "POST"}});
            return;
        }
        const QJsonObject o = QJsonDocument::fromJson(req.body).object();
        const QJsonValue argValue = o.value(u"arg"_s);
        const QString arg = argValue.isDouble() ? QString::number(argValue.toInt()) : argValue.toString();
        QString error;
        const auto spec = FaultSpec::fromParts(o.value(u"mode"_s).toString(), arg, &error);
        if (!spec || o.value(u"mode"_s).toString().isEmpty()) {
            reply(400, QJsonObject{{u"error"_s, spec ? u"mode is required"_s : error}});
            return;
        }
        const int count = o.value(u"count"_s).toInt(1);
        m_faults.enqueue(*spec, count, o.value(u"path"_s).toString());
        reply(200, QJsonObject{{u"queued"_s, m_faults.queuedCount()}, {u"fault"_s, spec->toString()}});
        return;
    }
    conn->sendResponse(404, "text/plain", "404 page not found");
}

// ---------------------------------------------------------------- simple endpoints

void SimApi::root(const Call &call)
{
    respond(call, 200, kTextType, "Ollama is running");
}

void SimApi::version(const Call &call)
{
    sendJson(call, 200, QJsonObject{{u"version"_s, m_options.version}});
}

QJsonObject SimApi::modelEntry(const SimModel &m) const
{
    QJsonObject o;
    o.insert(u"name"_s, m.name);
    o.insert(u"model"_s, m.name);
    o.insert(u"modified_at"_s, rfc3339(m.modifiedAt));
    o.insert(u"size"_s, m.size);
    o.insert(u"digest"_s, m.digest);
    o.insert(u"details"_s, m.detailsJson());
    if (!m.capabilities.isEmpty())
        o.insert(u"capabilities"_s, QJsonArray::fromStringList(m.capabilities));
    return o;
}

void SimApi::tags(const Call &call)
{
    QList<SimModel> list = m_models->installed();
    std::stable_sort(list.begin(), list.end(),
                     [](const SimModel &a, const SimModel &b) { return a.modifiedAt > b.modifiedAt; });
    QJsonArray models;
    for (const SimModel &m : list)
        models.append(modelEntry(m));
    sendJson(call, 200, QJsonObject{{u"models"_s, models}});
}

void SimApi::ps(const Call &call)
{
    QJsonArray models;
    for (const LoadedModel &l : m_models->loaded(QDateTime::currentDateTimeUtc())) {
        const SimModel *m = m_models->find(l.name);
        if (!m)
            continue;
        const qint64 size = m->size + qint64(l.contextLength) * 8192;
        QJsonObject o;
        o.insert(u"name"_s, m->name);
        o.insert(u"model"_s, m->name);
        o.insert(u"size"_s, size);
        o.insert(u"digest"_s, m->digest);
        o.insert(u"details"_s, m->detailsJson());
        o.insert(u"expires_at"_s, rfc3339(l.expiresAt));
        o.insert(u"size_vram"_s, size);
        o.insert(u"context_length"_s, l.contextLength);
        models.append(o);
    }
    sendJson(call, 200, QJsonObject{{u"models"_s, models}});
}

void SimApi::show(const Call &call)
{
    const auto body = parseBody(call, "ShowRequest");
    if (!body)
        return;
    const QString name = body->value(u"model"_s).toString(body->value(u"name"_s).toString());
    if (name.isEmpty()) {
        sendError(call, 400, u"model is required"_s);
        return;
    }
    const SimModel *m = m_models->find(name);
    if (!m) {
        sendError(call, 404, u"model '%1' not found"_s.arg(name));
        return;
    }
    m_stats.setModel(call.id, m->name);
    const bool embedding = m->hasCapability(u"embedding");
    QJsonObject info;
    const QString arch = m->architecture;
    info.insert(u"general.architecture"_s, arch);
    info.insert(u"general.file_type"_s, 15);
    info.insert(u"general.parameter_count"_s, parameterCount(m->parameterSize));
    info.insert(u"general.quantization_version"_s, 2);
    info.insert(arch + u".context_length"_s, m->contextLength);
    info.insert(arch + u".embedding_length"_s, m->embeddingLength);
    info.insert(arch + u".block_count"_s, 16);
    info.insert(arch + u".attention.head_count"_s, 32);
    QJsonObject o;
    o.insert(u"license"_s, u"Simulated model licence text."_s);
    o.insert(u"modelfile"_s, u"# Modelfile generated by \"ollama show\"\nFROM %1\n"_s.arg(m->name));
    if (!embedding) {
        o.insert(u"parameters"_s, u"stop                           \"<|eot_id|>\"\ntemperature                    0.6\n"
                                  u"top_p                          0.9"_s);
        o.insert(u"template"_s, u"{{- range .Messages }}<|{{ .Role }}|>{{ .Content }}<|end|>{{ end }}<|assistant|>"_s);
    }
    o.insert(u"details"_s, m->detailsJson());
    o.insert(u"model_info"_s, info);
    o.insert(u"capabilities"_s, QJsonArray::fromStringList(m->capabilities));
    o.insert(u"modified_at"_s, rfc3339(m->modifiedAt));
    sendJson(call, 200, o);
}

void SimApi::remove(const Call &call)
{
    const auto body = parseBody(call, "DeleteRequest");
    if (!body)
        return;
    const QString name = body->value(u"model"_s).toString(body->value(u"name"_s).toString());
    if (name.trimmed().isEmpty()) {
        sendError(call, 400, u"name \"%1\" is invalid"_s.arg(name));
        return;
    }
    m_stats.setModel(call.id, ModelTable::normalizeName(name));
    if (!m_models->remove(name)) {
        sendError(call, 404, u"model '%1' not found"_s.arg(name));
        return;
    }
    respond(call, 200, {}, {});
}

void SimApi::copy(const Call &call)
{
    const auto body = parseBody(call, "CopyRequest");
    if (!body)
        return;
    const QString source = body->value(u"source"_s).toString();
    const QString destination = body->value(u"destination"_s).toString();
    if (source.isEmpty() || destination.isEmpty()) {
        sendError(call, 400, u"source and destination are required"_s);
        return;
    }
    if (!m_models->copy(source, destination)) {
        sendError(call, 404, u"model '%1' not found"_s.arg(source));
        return;
    }
    respond(call, 200, {}, {});
}

// ---------------------------------------------------------------- pull

void SimApi::pull(const Call &call)
{
    const auto body = parseBody(call, "PullRequest");
    if (!body)
        return;
    const QString name = body->value(u"model"_s).toString(body->value(u"name"_s).toString());
    if (name.trimmed().isEmpty()) {
        sendError(call, 400, u"model is required"_s);
        return;
    }
    m_stats.setModel(call.id, ModelTable::normalizeName(name));
    const bool stream = body->value(u"stream"_s).toBool(true);
    const SimModel *m = m_models->findInRegistry(name);
    logLine(call, 200, m ? u"pulling"_s : u"(unknown model)"_s);
    m_stats.setStatus(call.id, 200);
    const int pullMs = call.req.hasHeader("x-sim-pull-ms") ? call.req.header("x-sim-pull-ms").toInt() : m_options.pullMs;
    auto *p = new PullStream(call.conn, &m_stats, m_models, call.id, name, m, stream, pullMs, call.fault);
    connect(p, &PullStream::finished, p, &QObject::deleteLater);
    p->start();
}

// ---------------------------------------------------------------- embeddings

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
    const SimModel *m = m_models->find(name);
    if (!m) {
        sendError(call, 404, u"model '%1' not found"_s.arg(name));
        return;
    }
    m_stats.setModel(call.id, m->name);
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
    const bool fresh = m_models->touchLoaded(m->name, ctx, expiryFor(parseKeepAlive(body->value(u"keep_alive"_s))
                                                                          .value_or(kDefaultKeepAliveMs)));
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
    const SimModel *m = m_models->find(name);
    if (!m) {
        sendError(call, 404, u"model '%1' not found"_s.arg(name));
        return;
    }
    m_stats.setModel(call.id, m->name);
    const QString prompt = body->value(u"prompt"_s).toString();
    const QJsonArray v = prompt.isEmpty() ? QJsonArray() : embedVector(prompt, m->embeddingLength > 0 ? m->embeddingLength : 384);
    sendJson(call, 200, QJsonObject{{u"embedding"_s, v}});
}

// ---------------------------------------------------------------- chat / generate

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
                      u"json: cannot unmarshal %1 into Go struct field ChatRequest.messages of type []api.Message"_s
                          .arg(jsonTypeName(mv)));
            return;
        }
        messages = mv.toArray();
    } else if (body.value(u"raw"_s).toBool()
               && (body.contains(u"template"_s) || body.contains(u"system"_s) || body.contains(u"context"_s))) {
        sendError(call, 400, u"raw mode does not support template, system, or context"_s);
        return;
    }

    const SimModel *model = m_models->find(name);
    if (!model) {
        sendError(call, 404, u"model '%1' not found"_s.arg(name));
        return;
    }
    m_stats.setModel(call.id, model->name);
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
        static const QStringList levels{u"low"_s, u"medium"_s, u"high"_s, u"max"_s};
        if (!levels.contains(thinkValue.toString())) {
            sendError(call, 400, u"invalid think value: \"%1\" (must be \"low\", \"medium\", \"high\", \"max\", true, or false)"_s.arg(thinkValue.toString()));
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
            messages.append(QJsonObject{{u"role"_s, u"system"_s}, {u"content"_s, system}});
        }
        if (!lastUser.isEmpty()) {
            messageTokens.append(estimateTokens(lastUser) + 4);
            isSystem.append(false);
            messages.append(QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, lastUser}});
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
        in.seed = options.contains(u"seed"_s) && options.value(u"seed"_s).toInteger(-1) >= 0
                      ? quint64(options.value(u"seed"_s).toInteger())
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
            const qint64 before = plan.reply.thinking.size() + plan.reply.content.size()
                                  + (plan.reply.toolCalls.isEmpty() ? 0 : 1);
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
