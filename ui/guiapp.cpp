#include "guiapp.h"

#include "chatpage.h"
#include "common/logging.h"
#include "icons.h"
#include "llm/endpointpool.h"
#include "llm/ollamahost.h"
#include "mainwindow.h"
#include "theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTimer>
#include <cstdio>
#include <memory>

namespace rt::ui {

namespace {
QCommandLineOption demoOption()
{
    return { QStringLiteral("demo"),
        QCoreApplication::translate("rt::ui::GuiOptions", "Start with the built-in simulator (simulated models, no Ollama needed).") };
}

QCommandLineOption screenshotOption()
{
    return { QStringLiteral("screenshot"),
        QCoreApplication::translate("rt::ui::GuiOptions", "Save a PNG of the window once it has settled, then quit."),
        QStringLiteral("file") };
}

void printError(const QString &message)
{
    std::fprintf(stderr, "%s\n", message.toLocal8Bit().constData());
}
} // namespace

void GuiOptions::addTo(QCommandLineParser &parser)
{
    parser.addOption(demoOption());
    parser.addOption(screenshotOption());
}

int runGui(QApplication &app)
{
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption host(QStringLiteral("ollama-host"), QStringLiteral("Ollama server URL."), QStringLiteral("url"));
    const QCommandLineOption verbose(QStringLiteral("verbose"), QStringLiteral("Print debug output to stderr."));
    const QCommandLineOption database(QStringLiteral("db"), QStringLiteral("Database path or URL."), QStringLiteral("path-or-url"));
    parser.addOptions({ host, verbose, database });
    GuiOptions::addTo(parser);
    if (!parser.parse(app.arguments())) {
        printError(QStringLiteral("%1 (see roundtable --help)").arg(parser.errorText()));
        return 2;
    }
    if (!parser.positionalArguments().isEmpty()) {
        printError(QStringLiteral("Unexpected argument \"%1\" (see roundtable --help).").arg(parser.positionalArguments().constFirst()));
        return 2;
    }
    if (parser.isSet(verbose))
        rt::enableVerboseLogging();

    QUrl url = rt::llm::resolveOllamaHost(parser.value(host));
    if (parser.isSet(host)) {
        if (const auto checked = rt::llm::parseOllamaHostStrict(parser.value(host)); !checked) {
            printError(
                QStringLiteral("--ollama-host \"%1\" is not a valid Ollama host: %2").arg(parser.value(host), checked.error().message));
            return 2;
        }
    }

    QGuiApplication::setDesktopFileName(QStringLiteral("roundtable"));
    QApplication::setWindowIcon(Icons::app());
    Theme::apply(app);

    // --ollama-host: just this host; else the hosts in the settings (roundtable hosts).
    QList<rt::llm::HostConfig> hosts = rt::llm::HostConfig::fromSettings(parser.isSet(host) ? url.toString() : QString());
    MainWindow window(hosts, parser.value(database));
    window.show();
    if (parser.isSet(demoOption()))
        window.startDemo();

    if (parser.isSet(screenshotOption())) {
        const QString file = QFileInfo(parser.value(screenshotOption())).absoluteFilePath();
        auto *poll = new QTimer(&window);
        auto clock = std::make_shared<QElapsedTimer>();
        clock->start();
        QObject::connect(poll, &QTimer::timeout, &window, [&window, poll, clock, file] {
            // Let it settle (host answered, models listed), at most 20 s.
            if ((!window.isSettled() || clock->elapsed() < 800) && clock->elapsed() < 20'000)
                return;
            poll->stop();
            QDir().mkpath(QFileInfo(file).absolutePath());
            const bool saved = window.grab().save(file, "PNG");
            if (!saved)
                printError(QStringLiteral("Could not write the screenshot to %1.").arg(file));
            QCoreApplication::exit(saved ? 0 : 1);
        });
        poll->start(200);
    }
    return QApplication::exec();
}

} // namespace rt::ui
