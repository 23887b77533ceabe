// Roundtable: GUI by default, headless subcommands for scripts and tests.
#include "cli/clicommon.h"
#include "cli/commands.h"
#include "common/i18n.h"
#include "common/logging.h"
#include "common/translate.h"
#include "llm/ollamahost.h"
#include "storage/databaselocation.h"
#include "ui/guiapp.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLibraryInfo>
#include <QSettings>
#include <QSqlDatabase>
#include <QStandardPaths>
#include <algorithm>
#include <cstdio>
#include <utility>

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::cli)
};

// Who we are, and the language of everything printed: the command line
// follows the system's (LANGUAGE, LC_ALL, LANG) as other command-line tools do.
void setIdentity(QCoreApplication &app)
{
    QCoreApplication::setOrganizationName(QStringLiteral("Roundtable"));
    QCoreApplication::setApplicationName(QStringLiteral("roundtable"));
    QCoreApplication::setApplicationVersion(QStringLiteral(RT_VERSION));
    rt::i18n::install(&app, rt::i18n::resolve());
}

void printVersion(bool verbose)
{
    std::printf("roundtable %s\n", RT_VERSION);
    if (!verbose)
        return;
    // For bug reports: what this build is and where it keeps its things.
    QList<std::pair<QString, QString>> lines;
    lines.append({ Tr::tr("Qt:"), Tr::tr("%1 (built with %2)").arg(QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR)) });
    lines.append({ Tr::tr("Build:"), QStringLiteral("%1, %2").arg(QStringLiteral(RT_BUILD_TYPE), QSysInfo::buildAbi()) });
    lines.append({ Tr::tr("System:"), QSysInfo::prettyProductName() });
    lines.append({ Tr::tr("SQL drivers:"), QSqlDatabase::drivers().join(QStringLiteral(", ")) });
    lines.append({ Tr::tr("Language:"), Tr::tr("%1 (system locale %2)").arg(rt::i18n::current(), QLocale::system().name()) });
    lines.append({ Tr::tr("Settings:"), QSettings().fileName() });
    lines.append({ Tr::tr("Data folder:"), QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) });
    const auto database = rt::storage::resolveDatabaseLocation(QString());
    lines.append({ Tr::tr("Database:"), database ? database->displayName() : database.error().message });
    lines.append({ Tr::tr("Qt plugins:"), QLibraryInfo::path(QLibraryInfo::PluginsPath) });
    lines.append({ Tr::tr("Qt translations:"), QLibraryInfo::path(QLibraryInfo::TranslationsPath) });
    qsizetype width = 0;
    for (const auto &[label, value] : std::as_const(lines))
        width = std::max(width, label.size());
    for (const auto &[label, value] : std::as_const(lines))
        std::printf("%s\n", QStringLiteral("%1 %2").arg(label.leftJustified(width), value).toLocal8Bit().constData());
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
    QString text = u'\n' + Tr::tr("Commands (roundtable COMMAND --help for details):") + u'\n';
    for (const auto &command : rt::cli::commands())
        text += QStringLiteral("  %1  %2\n")
                    .arg(QString::fromLatin1(command.name).leftJustified(10), QCoreApplication::translate("rt::cli", command.summary));
    text += u'\n'
        + Tr::tr("Exit codes: 0 ok, 1 other failure, 2 usage error, 3 Ollama unreachable, 4 model not found,\n"
                 "5 stream failed or truncated, 130 cancelled.")
        + u'\n';
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
        setIdentity(app);
        if (unknown) {
            rt::cli::err(
                Tr::tr("Unknown command \"%1\". Run roundtable --help for the list.").arg(QString::fromLocal8Bit(argv[commandIndex])));
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
    const auto hasArgument = [&](std::initializer_list<QByteArrayView> names) {
        for (int i = 1; i < argc; ++i) {
            for (QByteArrayView name : names) {
                if (name == QByteArrayView(argv[i]))
                    return true;
            }
        }
        return false;
    };
    const bool wantsVersion = hasArgument({ "--version", "-v" });
    const bool wantsHelp = hasArgument({ "--help", "-h" });
    if (wantsVersion || wantsHelp || !hasDisplay()) {
        QCoreApplication app(argc, argv);
        setIdentity(app);
        if (wantsVersion) {
            printVersion(hasArgument({ "--verbose" }));
            return 0;
        }
        if (!wantsHelp) {
            rt::cli::err(Tr::tr("No display found, so the window cannot open. Use a command such as "
                                "'roundtable chat --model NAME \"hello\"', or run under xvfb-run, "
                                "or set QT_QPA_PLATFORM=offscreen. See roundtable --help."));
            return rt::cli::ExitUsage;
        }
        QCommandLineParser parser;
        parser.setApplicationDescription(Tr::tr("Roundtable: seat several local AI agents at one table and let them debate."));
        parser.addVersionOption();
        parser.addPositionalArgument(QStringLiteral("command"), Tr::tr("Optional subcommand; without one the window opens."));
        rt::ui::GuiOptions::addTo(parser);
        rt::cli::CommonOptions {}.addTo(parser, true);
        std::fputs((parser.helpText() + commandSummary()).toUtf8().constData(), stdout);
        return 0;
    }

    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Roundtable"));
    QCoreApplication::setApplicationName(QStringLiteral("roundtable"));
    QCoreApplication::setApplicationVersion(QStringLiteral(RT_VERSION));
    // The window's language (Settings or --language) is installed by runGui.
    return rt::ui::runGui(app);
}
