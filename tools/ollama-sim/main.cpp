// roundtable-ollama-sim: see simoptions.cpp for the flags and the README in
// this folder for the endpoints, faults and the /_sim/ control API.
#include "simoptions.h"
#include "simserver.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimer>
#include <csignal>
#include <cstdio>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {
int g_signalPipe[2] = { -1, -1 };

void onSignal(int)
{
    const char c = 1;
    // Async-signal-safe: the event loop picks this up and quits.
    [[maybe_unused]] const ssize_t n = ::write(g_signalPipe[1], &c, 1);
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"roundtable-ollama-sim"_s);

    rt::sim::SimOptions options;
    QString error;
    if (!options.parse(QCoreApplication::arguments(), &error)) {
        const bool help = QCoreApplication::arguments().contains(u"--help"_s) || QCoreApplication::arguments().contains(u"-h"_s);
        std::fprintf(help ? stdout : stderr, "%s\n", qPrintable(error));
        return help ? 0 : 2;
    }

    if (::pipe(g_signalPipe) != 0) {
        std::perror("pipe");
        return 1;
    }
    QSocketNotifier signalNotifier(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&signalNotifier, &QSocketNotifier::activated, &app, [] {
        char c = 0;
        [[maybe_unused]] const ssize_t n = ::read(g_signalPipe[0], &c, 1);
        QCoreApplication::quit();
    });
    struct sigaction sa { };
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    rt::sim::SimServer server(options);
    if (!server.start(&error)) {
        std::fprintf(stderr, "roundtable-ollama-sim: %s\n", qPrintable(error));
        return 1;
    }
    std::printf("roundtable-ollama-sim listening on %s\n", qPrintable(server.baseUrl()));
    std::fflush(stdout);

    if (options.maxSeconds > 0)
        QTimer::singleShot(options.maxSeconds * 1000, &app, &QCoreApplication::quit);

    return app.exec();
}
