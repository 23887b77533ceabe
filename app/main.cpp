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

// Finds the subcommand the way git and docker do: global options (--db X,
// --ollama-host URL, --verbose) may come before it. Returns the index of the
// subcommand word, or -1 when there is none (the window opens); sets *unknown
// when a word in command position is no command.
int findCommandIndex(int argc, char *argv[], bool *unknown)
{
    *unknown = false;
    for (int i = 1; i < argc; ++i) {
        const QString arg = QString::fromLocal8Bit(argv[i]);
        if (rt::cli::isGlobalOptionWithValue(arg)) {
            ++i; // its value
            continue;
        }
        if (rt::cli::isGlobalFlag(arg)
            || (arg.startsWith(u"--") && arg.contains(u'=') && rt::cli::isGlobalOptionWithValue(QStringView(arg).left(arg.indexOf(u'=')))))
            continue;
        if (arg.startsWith(u'-'))
            return -1; // a window option (--demo, --screenshot FILE, ...)
        if (findCommand(argv[i]))
            return i;
        *unknown = true;
        return i;
    }
    return -1;
}

} // namespace

int main(int argc, char *argv[])
{
    bool unknown = false;
    const int commandIndex = findCommandIndex(argc, argv, &unknown);
    if (commandIndex > 0) {
        QCoreApplication app(argc, argv);
        setIdentity();
        if (unknown) {
            rt::cli::err(QStringLiteral("Unknown command \"%1\". Run roundtable --help for the list.")
                             .arg(QString::fromLocal8Bit(argv[commandIndex])));
            return rt::cli::ExitUsage;
        }
        const rt::cli::Command *command = findCommand(argv[commandIndex]);
        // "roundtable --db X history list" runs as "roundtable history list --db X"
        // (options go last so that subcommands reading their action word first
        // still find it; before a "--" that ends the options).
        const QStringList all = app.arguments();
        QStringList arguments { QStringLiteral("roundtable %1").arg(QString::fromLatin1(command->name)) };
        QStringList rest = all.mid(commandIndex + 1);
        const QStringList globals = all.mid(1, commandIndex - 1);
        const qsizetype end = rest.indexOf(QStringLiteral("--"));
        for (qsizetype i = 0; i < globals.size(); ++i)
            rest.insert(end >= 0 ? end + i : rest.size(), globals.at(i));
        arguments += rest;
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
        std::fprintf(stderr,
            "No display found, so the window cannot open. Use a command such as "
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
        rt::cli::CommonOptions {}.addTo(parser, true);
        std::fputs((parser.helpText() + commandSummary()).toUtf8().constData(), stdout);
        return 0;
    }

    QApplication app(argc, argv);
    setIdentity();
    return rt::ui::runGui(app);
}
