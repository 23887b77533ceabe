// roundtable db check|backup: look after the database file.
#include "clicommon.h"
#include "commands.h"
#include "common/translate.h"
#include "storagecli.h"

#include <QCoreApplication>
#include <QLocale>

namespace rt::cli {

using namespace rt::storage;

namespace {

struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::cli::db)
};

int check(const QStringList &arguments)
{
    QCommandLineParser parser;
    CommonOptions common;
    parser.setApplicationDescription(
        Tr::tr("Check the database for damage (SQLite: PRAGMA integrity_check, foreign keys and the search index). "
               "Exit code 1 when a problem is found."));
    common.addTo(parser, true);
    if (!parseOrExplain(parser, arguments))
        return ExitUsage;
    common.apply(parser);
    int code = ExitOk;
    auto storage = openStorage(parser.value(common.db), false, &code);
    if (!storage)
        return code;
    auto problems = waitFor(storage->integrityCheck());
    if (!problems.ok())
        return fail(problems.error());
    auto stats = waitFor(storage->read([](StorageContext &c) { return c.maintenance().stats(); }));
    auto location = resolveDatabaseLocation(parser.value(common.db));
    const QString where = location.ok() ? location->displayName() : QString();
    if (!problems->isEmpty()) {
        //: %1 is the database file or address
        err(Tr::tr("The database %1 has problems:").arg(where));
        for (const QString &p : std::as_const(*problems))
            err(QStringLiteral("  ") + p);
        err(Tr::tr("Restore a backup (roundtable db backup FILE makes one), or copy what you can with 'roundtable history export'."));
        return ExitFailure;
    }
    //: %1 is the database file or address
    outLine(Tr::tr("Database %1: OK").arg(where));
    if (stats.ok()) {
        const QLocale locale;
        //: %1 is the schema version; the others are counts. Keep the two leading spaces.
        outLine(Tr::tr("  schema %1 · conversations: %2 · messages: %3 · debates: %4 · debate turns: %5 · agents: %6 · tasks: %7")
                    .arg(stats->schemaVersion)
                    .arg(locale.toString(stats->conversations), locale.toString(stats->messages), locale.toString(stats->debates),
                        locale.toString(stats->debateTurns), locale.toString(stats->agents), locale.toString(stats->tasks)));
        if (stats->sizeBytes >= 0)
            //: %1 is a size such as 1.2 MB. Keep the two leading spaces.
            outLine(Tr::tr("  size on disk %1").arg(locale.formattedDataSize(stats->sizeBytes)));
    }
    return ExitOk;
}

int backup(const QStringList &arguments)
{
    QCommandLineParser parser;
    CommonOptions common;
    parser.setApplicationDescription(Tr::tr("Write a consistent copy of the SQLite database to FILE, even while Roundtable is running."));
    common.addTo(parser, true);
    parser.addPositionalArgument(QStringLiteral("FILE"), Tr::tr("Where to write the backup (must not exist yet)."));
    if (!parseOrExplain(parser, arguments))
        return ExitUsage;
    common.apply(parser);
    if (parser.positionalArguments().size() != 1) {
        err(Tr::tr("Give the backup file, e.g. roundtable db backup ~/roundtable-backup.sqlite"));
        return ExitUsage;
    }
    int code = ExitOk;
    auto storage = openStorage(parser.value(common.db), false, &code);
    if (!storage)
        return code;
    const QString target = parser.positionalArguments().constFirst();
    auto done = waitFor(storage->backupTo(target));
    if (!done.ok())
        return fail(done.error());
    outLine(Tr::tr("Backup written to %1").arg(target));
    return ExitOk;
}

QString usage()
{
    return Tr::tr("Usage: roundtable db COMMAND [--db PATH|URL]\n"
                  "  check         verify the database (exit 1 on damage)\n"
                  "  backup FILE   online backup of a SQLite database");
}

} // namespace

int runDb(const QStringList &arguments)
{
    if (arguments.size() < 2 || arguments.at(1) == u"--help" || arguments.at(1) == u"-h" || arguments.at(1) == u"help") {
        (arguments.size() < 2 ? err(usage()) : outLine(usage()));
        return arguments.size() < 2 ? ExitUsage : ExitOk;
    }
    const QString sub = arguments.at(1);
    QStringList rest = arguments.mid(2);
    rest.prepend(arguments.at(0) + u' ' + sub);
    if (sub == u"check")
        return check(rest);
    if (sub == u"backup")
        return backup(rest);
    err(Tr::tr("Unknown db command \"%1\".").arg(sub) + u'\n' + usage());
    return ExitUsage;
}

} // namespace rt::cli
