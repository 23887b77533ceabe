// roundtable serve: the local server without the window. Keeps the host
// pool's health checks and metrics running, so it works as a Prometheus
// exporter for a small Ollama fleet.
#include "clicommon.h"
#include "commands.h"
#include "common/translate.h"
#include "llm/endpointpool.h"
#include "servecli.h"
#include "server/metricsservice.h"
#include "storagecli.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace rt::cli {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::cli::serve)
};
} // namespace

int runServe(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(Tr::tr("Run the local server: /metrics for Prometheus and /health, with the Ollama hosts "
                                            "probed every few seconds, until Ctrl-C. Prints the address and the token."));
    CommonOptions common;
    common.addTo(parser, true);
    const ServeOptions serve;
    serve.addTo(parser);
    const QCommandLineOption port { u"port"_s, Tr::tr("Port to listen on (default: the one in Settings, 9477; 0 = any free port)."),
        u"n"_s };
    const QCommandLineOption probe { u"probe-interval"_s, Tr::tr("Seconds between health probes of each Ollama host (default 15)."),
        u"seconds"_s };
    const QCommandLineOption noDb { u"no-db"_s, Tr::tr("Do not write metric samples to the database.") };
    parser.addOptions({ port, probe, noDb });
    if (!parseOrExplain(parser, arguments))
        return ExitUsage;
    common.apply(parser);
    int portNumber = -1;
    double probeSeconds = 15;
    if (!readNumber(parser, port, 0, 65535, [&](double v) { portNumber = int(v); })
        || !readNumber(parser, probe, 0.2, 3600, [&](double v) { probeSeconds = v; }))
        return ExitUsage;

    const std::unique_ptr<rt::llm::EndpointPool> pool = common.makePool(parser);
    rt::llm::EndpointPool::Options poolOptions = pool->options();
    poolOptions.healthIntervalMs = int(probeSeconds * 1000);
    poolOptions.probeTimeoutMs = qMin(poolOptions.probeTimeoutMs, qMax(1000, poolOptions.healthIntervalMs));
    pool->setOptions(poolOptions);

    // Samples go to the database so the window's dashboard and `roundtable
    // metrics` can show this exporter's history; without one it still serves.
    std::unique_ptr<rt::storage::Storage> storage;
    if (!parser.isSet(noDb)) {
        int exitCode = ExitOk;
        storage = openStorage(parser.value(common.db), false, &exitCode);
        if (!storage)
            err(Tr::tr("Serving without storing samples."));
    }
    rt::server::MetricsService service;
    service.attach(pool.get(), storage.get(), nullptr);
    if (const int started = startServing(service, parser, serve, portNumber, false); started != ExitOk)
        return started;
    pool->startHealthChecks();

    InterruptWatcher interrupts;
    QObject::connect(&interrupts, &InterruptWatcher::interrupted, &service, [] { QCoreApplication::exit(ExitOk); });
    const int code = QCoreApplication::exec();
    service.stopServer();
    err(Tr::tr("Server stopped."));
    return code;
}

} // namespace rt::cli
