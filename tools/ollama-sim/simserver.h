#pragma once

#include "modeltable.h"
#include "simoptions.h"

#include <QObject>
#include <QTcpServer>

namespace rt::sim {

class SimApi;

// Accepts connections and hands each request to the API.
class SimServer final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SimServer)

public:
    explicit SimServer(const SimOptions &options, QObject *parent = nullptr);
    ~SimServer() override;

    // Loads the models file (if any) and starts listening.
    bool start(QString *error);
    quint16 port() const { return m_server.serverPort(); }
    QString baseUrl() const;

private:
    void onNewConnection();

    SimOptions m_options;
    ModelTable m_models;
    QTcpServer m_server;
    SimApi *m_api = nullptr;
};

} // namespace rt::sim
