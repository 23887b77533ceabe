#pragma once

#include "faultplan.h"
#include "httprequest.h"
#include "modeltable.h"
#include "replygenerator.h"
#include "simoptions.h"
#include "simstats.h"

#include <QJsonObject>
#include <QObject>
#include <optional>

namespace rt::sim {

class HttpConnection;

// Routes requests to the Ollama endpoints and the /_sim/ control endpoints,
// validates them as Ollama does, applies injected faults, and starts the
// streaming replies.
class SimApi final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SimApi)

public:
    SimApi(const SimOptions &options, ModelTable *models, QObject *parent = nullptr);
    ~SimApi() override;

    void handle(HttpConnection *connection, const HttpRequest &request);

private:
    struct Call {
        HttpConnection *conn = nullptr;
        HttpRequest req;
        quint64 id = 0;
        FaultSpec fault;
    };
    using Handler = void (SimApi::*)(const Call &);

    void dispatch(const Call &call, Handler handler);
    void handleControl(HttpConnection *conn, const HttpRequest &req);

    void root(const Call &call);
    void version(const Call &call);
    void tags(const Call &call);
    void ps(const Call &call);
    void show(const Call &call);
    void chat(const Call &call);
    void generate(const Call &call);
    void pull(const Call &call);
    void remove(const Call &call);
    void copy(const Call &call);
    void embed(const Call &call);
    void embeddings(const Call &call);

    void generation(const Call &call, bool chat);

    void respond(const Call &call, int status, const QByteArray &contentType, const QByteArray &body, const HttpHeaders &headers = {});
    void sendJson(const Call &call, int status, const QJsonObject &object);
    void sendError(const Call &call, int status, const QString &message);
    void sendNotFoundPage(const Call &call);
    std::optional<QJsonObject> parseBody(const Call &call, const char *typeName);
    // The installed model `name`, recorded in the call's stats; else answers
    // 404 "model 'x' not found" (as Ollama does) and returns null.
    const SimModel *installedModel(const Call &call, const QString &name);
    bool hostAllowed(const HttpRequest &req) const;
    void logLine(const Call &call, int status, const QString &note = {}) const;

    QJsonObject modelEntry(const SimModel &model) const;
    QJsonArray embedVector(const QString &text, int dimensions) const;

    SimOptions m_options;
    ModelTable *m_models;
    SimStats m_stats;
    FaultPlan m_faults;
    ReplyGenerator m_generator;
};

} // namespace rt::sim
