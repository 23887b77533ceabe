#include "simapi.h"

#include "debateparticipant.h"
#include "generationstream.h"
#include "httpconnection.h"
#include "pullstream.h"
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
    std::fprintf(stderr, "ollama-sim: %s %s -> %d%s%s%s\n", call.req.method.constData(), qPrintable(call.req.path), status,
        fault.isEmpty() ? "" : " fault=", qPrintable(fault), note.isEmpty() ? "" : qPrintable(u" "_s + note));
}

void SimApi::respond(const Call &call, int status, const QByteArray &contentType, const QByteArray &body, const HttpHeaders &headers)
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
    sendJson(call, status, QJsonObject { { u"error"_s, message } });
}

void SimApi::sendNotFoundPage(const Call &call)
{
    // gin's default 404: text/plain without a charset.
    respond(call, 404, "text/plain", "404 page not found");
}

const SimModel *SimApi::installedModel(const Call &call, const QString &name)
{
    const SimModel *model = m_models->find(name);
    if (!model) {
        sendError(call, 404, u"model '%1' not found"_s.arg(name));
        return nullptr;
    }
    m_stats.setModel(call.id, model->name);
    return model;
}

std::optional<QJsonObject> SimApi::parseBody(const Call &call, const char *typeName)
{
    const QByteArray &body = call.req.body;
    if (body.trimmed().isEmpty()) {
        sendError(call, 400, u"missing request body"_s);
        return std::nullopt;
    }
    QJsonParseError err {};
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
    for (const auto &field : { u"model"_s, u"name"_s, u"prompt"_s, u"system"_s }) {
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
        if (addr.isLoopback() || addr.isUniqueLocalUnicast() || addr.isLinkLocal() || addr == QHostAddress(QHostAddress::AnyIPv4)
            || addr == QHostAddress(QHostAddress::AnyIPv6))
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

    struct Route {
        QLatin1StringView path;
        QList<QByteArray> methods;
        Handler handler;
    };
    static const QList<Route> routes {
        { "/"_L1, { "GET", "HEAD" }, &SimApi::root },
        { "/api/version"_L1, { "GET", "HEAD" }, &SimApi::version },
        { "/api/tags"_L1, { "GET", "HEAD" }, &SimApi::tags },
        { "/api/ps"_L1, { "GET" }, &SimApi::ps },
        { "/api/show"_L1, { "POST" }, &SimApi::show },
        { "/api/chat"_L1, { "POST" }, &SimApi::chat },
        { "/api/generate"_L1, { "POST" }, &SimApi::generate },
        { "/api/pull"_L1, { "POST" }, &SimApi::pull },
        { "/api/delete"_L1, { "DELETE" }, &SimApi::remove },
        { "/api/copy"_L1, { "POST" }, &SimApi::copy },
        { "/api/embed"_L1, { "POST" }, &SimApi::embed },
        { "/api/embeddings"_L1, { "POST" }, &SimApi::embeddings },
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
        respond(call, 405, "text/plain", "405 method not allowed", { { "Allow", allow } });
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
            sendError(call, 500,
                u"model runner has unexpectedly stopped, this may be due to resource limitations "
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

// ---------------------------------------------------------------- simple endpoints

void SimApi::root(const Call &call)
{
    respond(call, 200, kTextType, "Ollama is running");
}

void SimApi::version(const Call &call)
{
    sendJson(call, 200, QJsonObject { { u"version"_s, m_options.version } });
}

// ---------------------------------------------------------------- pull

// ---------------------------------------------------------------- embeddings

// ---------------------------------------------------------------- chat / generate

} // namespace rt::sim
