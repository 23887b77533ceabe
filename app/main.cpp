// Roundtable: GUI by default, headless subcommands for scripts and tests.
#include "cli/clicommon.h"
#include "cli/commands.h"

#include "common/logging.h"
#include "llm/ollamahost.h"
#include "ui/guiapp.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdio>

namespace {

void setIdentity()
{
    QCoreApplication::setOrganizationName(QStringLiteral("Roundtable"));
    QCoreApplication::setApplicationName(QStringLiteral("roundtable"));
    QCoreApplication::setApplicationVersion(QStringLiteral(RT_VERSION));
}

const rt::cli::Command *findCommand(const char *name)
{
    for (const auto &command : rt::cli::commands()) {
        if (qstrcmp(command.name, name) == 0)
            return &command;
    }
    return nullptr;
}

QString commandSummary()
{
    QString text = QStringLiteral("\nCommands (roundtable COMMAND --help for details):\n");
    for (const auto &command : rt::cli::commands())
        text += QStringLiteral("  %1  %2\n").arg(QString::fromLatin1(command.name).leftJustified(10), QString::fromLatin1(command.summary));
    text += QStringLiteral("\nExit codes: 0 ok, 1 other failure, 2 usage error, 3 Ollama unreachable, 4 model not found,\n"
                           "5 stream failed or truncated, 130 cancelled.\n");
    return text;
}

bool hasDisplay()
{
    return qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY")
        || qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
}

} // namespace

int main(int argc, char *argv[])
{
    if (argc > 1 && argv[1][0] != '-') {
        const rt::cli::Command *command = findCommand(argv[1]);
        QCoreApplication app(argc, argv);
        setIdentity();
        if (!command) {
            rt::cli::err(QStringLiteral("Unknown command \"%1\". Run roundtable --help for the list.").arg(QString::fromLocal8Bit(argv[1])));
            return rt::cli::ExitUsage;
        }
        QStringList arguments = app.arguments();
        arguments.removeAt(1);
        arguments[0] = QStringLiteral("roundtable %1").arg(QString::fromLatin1(command->name));
        return command->run(arguments);
    }

    // Options only: --help/--version may be answered without a display.
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "--version" || arg == "-v") {
            std::printf("roundtable %s\n", RT_VERSION);
            return 0;
        }
    }

    const bool wantsHelp = [&] {
        for (int i = 1; i < argc; ++i) {
            const QByteArray arg(argv[i]);
            if (arg == "--help" || arg == "-h")
                return true;
        }
        return false;
    }();
    if (!wantsHelp && !hasDisplay()) {
        std::fprintf(stderr, "No display found, so the window cannot open. Use a command such as "
                             "'roundtable chat --model NAME \"hello\"', or run under xvfb-run, "
                             "or set QT_QPA_PLATFORM=offscreen. See roundtable --help.\n");
        return rt::cli::ExitUsage;
    }

    if (wantsHelp) {
        QCoreApplication app(argc, argv);
        setIdentity();
        QCommandLineParser parser;
        parser.setApplicationDescription(QStringLiteral("Roundtable: seat several local AI agents at one table and let them debate."));
        parser.addVersionOption();
        parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("Optional subcommand; without one the window opens."));
        rt::ui::GuiOptions::addTo(parser);
        rt::cli::CommonOptions{}.addTo(parser, true);
        std::fputs((parser.helpText() + commandSummary()).toUtf8().constData(), stdout);
        return 0;
    }

    QApplication app(argc, argv);
    setIdentity();
    return rt::ui::runGui(app);
}
