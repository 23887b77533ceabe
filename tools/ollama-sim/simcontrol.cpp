// SimApi control endpoints (/_sim/...): faults, stats, reset, model edits, used by tests.
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

void SimApi::handleControl(HttpConnection *conn, const HttpRequest &req)
{
    Call call;
    call.conn = conn;
    call.req = req;
    const auto reply = [&](int status, const QJsonObject &o) { call.conn->sendResponse(status, kJsonType, wire::toJson(o)); };
    if (req.path == u"/_sim/stats"_s) {
        if (req.method != "GET") {
            conn->sendResponse(405, "text/plain", "405 method not allowed", { { "Allow", "GET" } });
            return;
        }
        QJsonObject o = m_stats.toJson();
        o.insert(u"queued_faults"_s, m_faults.queuedCount());
        reply(200, o);
        return;
    }
    if (req.path == u"/_sim/reset"_s) {
        if (req.method != "POST") {
            conn->sendResponse(405, "text/plain", "405 method not allowed", { { "Allow", "POST" } });
            return;
        }
        m_faults.clearQueue();
        m_stats.reset();
        m_models->resetToInitial();
        reply(200, QJsonObject { { u"status"_s, u"ok"_s } });
        return;
    }
    if (req.path == u"/_sim/fault"_s) {
        if (req.method != "POST") {
            conn->sendResponse(405, "text/plain", "405 method not allowed", { { "Allow", "POST" } });
            return;
        }
        const QJsonObject o = QJsonDocument::fromJson(req.body).object();
        const QJsonValue argValue = o.value(u"arg"_s);
        const QString arg = argValue.isDouble() ? QString::number(argValue.toInt()) : argValue.toString();
        QString error;
        const auto spec = FaultSpec::fromParts(o.value(u"mode"_s).toString(), arg, &error);
        if (!spec || o.value(u"mode"_s).toString().isEmpty()) {
            reply(400, QJsonObject { { u"error"_s, spec ? u"mode is required"_s : error } });
            return;
        }
        const int count = o.value(u"count"_s).toInt(1);
        m_faults.enqueue(*spec, count, o.value(u"path"_s).toString());
        reply(200, QJsonObject { { u"queued"_s, m_faults.queuedCount() }, { u"fault"_s, spec->toString() } });
        return;
    }
    conn->sendResponse(404, "text/plain", "404 page not found");
}

} // namespace rt::sim
