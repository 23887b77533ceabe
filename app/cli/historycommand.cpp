// roundtable history list|show|search|export|import: browse what is stored.
#include "clicommon.h"
#include "commands.h"
#include "common/translate.h"
#include "storagecli.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <cstdio>
#include <unistd.h>

namespace rt::cli {

using namespace rt::storage;

namespace {

struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::cli::history)
};

QString shortTime(const QDateTime &t)
{
    return t.isValid() ? t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QStringLiteral("-");
}

QString oneLine(QString text, int width)
{
    text.replace(u'\n', u' ');
    text.replace(u'\r', u' ');
    text = text.simplified();
    if (text.size() > width)
        text = text.left(width - 1) + QChar(0x2026);
    return text;
}

QJsonValue timeJson(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue(QJsonValue::Null);
}

void printJson(const QJsonDocument &doc)
{
    out(QString::fromUtf8(doc.toJson(QJsonDocument::Indented)));
}

struct Sub {
    QCommandLineParser parser;
    CommonOptions common;
    QCommandLineOption json { QStringLiteral("json"), Tr::tr("Print JSON instead of text.") };
    QCommandLineOption debate { QStringLiteral("debate"), Tr::tr("ID is a debate, not a conversation.") };
    //: %1 is the default number of entries
    QCommandLineOption limit { QStringLiteral("limit"), Tr::tr("At most N entries (default %1)."), QStringLiteral("N") };
    QCommandLineOption format { QStringLiteral("format"), Tr::tr("md (Markdown) or json."), QStringLiteral("md|json") };
    QCommandLineOption output { { QStringLiteral("o"), QStringLiteral("output") }, Tr::tr("Write to FILE instead of standard output."),
        QStringLiteral("FILE") };
};

int parseId(const QString &text, qint64 *id)
{
    bool ok = false;
    *id = text.toLongLong(&ok);
    if (!ok || *id <= 0) {
        err(Tr::tr("\"%1\" is not an id. Run 'roundtable history list' to see the ids.").arg(text));
        return ExitUsage;
    }
    return ExitOk;
}

int list(const QStringList &arguments)
{
    Sub s;
    s.parser.setApplicationDescription(Tr::tr("List stored conversations and debates, most recent first."));
    s.common.addTo(s.parser, true);
    s.parser.addOption(s.json);
    s.limit.setDescription(s.limit.description().arg(50));
    s.parser.addOption(s.limit);
    if (!parseOrExplain(s.parser, arguments))
        return ExitUsage;
    s.common.apply(s.parser);
    int limit = 50;
    if (s.parser.isSet(s.limit)) {
        bool ok = false;
        limit = s.parser.value(s.limit).toInt(&ok);
        if (!ok || limit <= 0) {
            err(Tr::tr("--limit needs a positive number."));
            return ExitUsage;
        }
    }
    int code = ExitOk;
    auto storage = openStorage(s.parser.value(s.common.db), false, &code);
    if (!storage)
        return code;
    auto conversations = waitFor(storage->conversations(limit));
    if (!conversations.ok())
        return fail(conversations.error());
    auto debates = waitFor(storage->read([limit](StorageContext &c) { return c.debates().list(limit); }));
    if (!debates.ok())
        return fail(debates.error());

    if (s.parser.isSet(s.json)) {
        QJsonArray convs;
        for (const Conversation &c : std::as_const(*conversations)) {
            convs.append(QJsonObject { { QStringLiteral("id"), double(c.id) }, { QStringLiteral("title"), c.title },
                { QStringLiteral("model"), c.model }, { QStringLiteral("messages"), c.messageCount },
                { QStringLiteral("created_at"), timeJson(c.createdAt) }, { QStringLiteral("updated_at"), timeJson(c.updatedAt) } });
        }
        QJsonArray debs;
        for (const Debate &d : std::as_const(*debates)) {
            debs.append(QJsonObject { { QStringLiteral("id"), double(d.id) }, { QStringLiteral("question"), d.question },
                { QStringLiteral("format"), d.format }, { QStringLiteral("status"), toString(d.status) },
                { QStringLiteral("consensus_score"), d.consensusScore ? QJsonValue(*d.consensusScore) : QJsonValue() },
                { QStringLiteral("created_at"), timeJson(d.createdAt) }, { QStringLiteral("finished_at"), timeJson(d.finishedAt) } });
        }
        printJson(QJsonDocument(QJsonObject { { QStringLiteral("conversations"), convs }, { QStringLiteral("debates"), debs } }));
        return ExitOk;
    }
    if (conversations->isEmpty() && debates->isEmpty()) {
        outLine(Tr::tr("Nothing stored yet. Conversations from 'roundtable chat' and debates appear here."));
        return ExitOk;
    }
    if (!conversations->isEmpty()) {
        outLine(Tr::tr("Conversations"));
        outLine(QStringLiteral("%1  %2  %3  %4")
                    .arg(Tr::tr("ID").rightJustified(6), Tr::tr("Last activity").leftJustified(16),
                        //: Column heading: the number of messages; keep it short
                        Tr::tr("Msgs").rightJustified(5), Tr::tr("Title")));
        for (const Conversation &c : std::as_const(*conversations)) {
            QString title = c.title.isEmpty() ? Tr::tr("(untitled)") : c.title;
            if (!c.model.isEmpty())
                title += QStringLiteral(" [%1]").arg(c.model);
            outLine(QStringLiteral("%1  %2  %3  %4")
                        .arg(QString::number(c.id).rightJustified(6), shortTime(c.updatedAt).leftJustified(16),
                            QString::number(c.messageCount).rightJustified(5), oneLine(title, 70)));
        }
    }
    if (!debates->isEmpty()) {
        if (!conversations->isEmpty())
            outLine(QString());
        outLine(Tr::tr("Debates (use --debate with show/export)"));
        outLine(QStringLiteral("%1  %2  %3  %4")
                    .arg(Tr::tr("ID").rightJustified(6), Tr::tr("Started").leftJustified(16), Tr::tr("Status").leftJustified(11),
                        Tr::tr("Question")));
        for (const Debate &d : std::as_const(*debates)) {
            outLine(QStringLiteral("%1  %2  %3  %4")
                        .arg(QString::number(d.id).rightJustified(6), shortTime(d.createdAt).leftJustified(16),
                            toString(d.status).leftJustified(11), oneLine(d.question, 70)));
        }
    }
    return ExitOk;
}

int show(const QStringList &arguments)
{
    Sub s;
    s.parser.setApplicationDescription(Tr::tr("Print one stored conversation (or debate with --debate)."));
    s.common.addTo(s.parser, true);
    s.parser.addOption(s.debate);
    s.parser.addOption(s.json);
    s.parser.addPositionalArgument(QStringLiteral("ID"), Tr::tr("Conversation or debate id (see 'roundtable history list')."));
    if (!parseOrExplain(s.parser, arguments))
        return ExitUsage;
    s.common.apply(s.parser);
    if (s.parser.positionalArguments().size() != 1) {
        err(Tr::tr("Give exactly one id, e.g. roundtable history show 12"));
        return ExitUsage;
    }
    qint64 id = 0;
    if (int code = parseId(s.parser.positionalArguments().constFirst(), &id); code != ExitOk)
        return code;
    int code = ExitOk;
    auto storage = openStorage(s.parser.value(s.common.db), false, &code);
    if (!storage)
        return code;
    const ExportFormat format = s.parser.isSet(s.json) ? ExportFormat::Json : ExportFormat::Markdown;
    auto text = waitFor(s.parser.isSet(s.debate) ? storage->exportDebate(id, format) : storage->exportConversation(id, format));
    if (!text.ok())
        return fail(text.error());
    out(QString::fromUtf8(*text));
    return ExitOk;
}

int search(const QStringList &arguments)
{
    Sub s;
    s.parser.setApplicationDescription(Tr::tr("Full-text search over all messages and debate turns. Every word must occur; "
                                              "quotes, * and other symbols are searched as plain text."));
    s.common.addTo(s.parser, true);
    s.parser.addOption(s.json);
    s.limit.setDescription(s.limit.description().arg(20));
    s.parser.addOption(s.limit);
    s.parser.addPositionalArgument(QStringLiteral("TEXT"), Tr::tr("Words to look for."));
    if (!parseOrExplain(s.parser, arguments))
        return ExitUsage;
    s.common.apply(s.parser);
    const QString text = s.parser.positionalArguments().join(u' ');
    if (text.trimmed().isEmpty()) {
        err(Tr::tr("Say what to search for, e.g. roundtable history search tomato soup"));
        return ExitUsage;
    }
    SearchOptions options;
    if (s.parser.isSet(s.limit)) {
        bool ok = false;
        options.limit = s.parser.value(s.limit).toInt(&ok);
        if (!ok || options.limit <= 0) {
            err(Tr::tr("--limit needs a positive number."));
            return ExitUsage;
        }
    }
    const bool json = s.parser.isSet(s.json);
    if (!json && isatty(fileno(stdout))) {
        options.highlightStart = QStringLiteral("\x1b[1m");
        options.highlightEnd = QStringLiteral("\x1b[0m");
    } else if (!json) {
        options.highlightStart = QStringLiteral("[");
        options.highlightEnd = QStringLiteral("]");
    }
    int code = ExitOk;
    auto storage = openStorage(s.parser.value(s.common.db), false, &code);
    if (!storage)
        return code;
    auto hits = waitFor(storage->search(text, options));
    if (!hits.ok())
        return fail(hits.error());
    if (json) {
        QJsonArray list;
        for (const SearchHit &h : std::as_const(*hits)) {
            const bool message = h.kind == SearchHit::Kind::Message;
            list.append(QJsonObject { { QStringLiteral("kind"), message ? QStringLiteral("message") : QStringLiteral("debate_turn") },
                { QStringLiteral("id"), double(h.id) },
                { message ? QStringLiteral("conversation_id") : QStringLiteral("debate_id"), double(h.parentId) },
                { QStringLiteral("title"), h.parentTitle }, { QStringLiteral("who"), h.who }, { QStringLiteral("snippet"), h.snippet },
                { QStringLiteral("score"), h.score }, { QStringLiteral("created_at"), timeJson(h.createdAt) } });
        }
        printJson(QJsonDocument(QJsonObject { { QStringLiteral("query"), text }, { QStringLiteral("results"), list } }));
        return ExitOk;
    }
    if (hits->isEmpty()) {
        outLine(Tr::tr("No matches for \"%1\".").arg(text));
        return ExitOk;
    }
    for (const SearchHit &h : std::as_const(*hits)) {
        const bool message = h.kind == SearchHit::Kind::Message;
        //: %1 is the id of the conversation or debate a search hit is in
        const QString where = message ? Tr::tr("conversation %1").arg(h.parentId) : Tr::tr("debate %1").arg(h.parentId);
        QString title = h.parentTitle.isEmpty() ? QString() : QStringLiteral(" \"%1\"").arg(oneLine(h.parentTitle, 50));
        outLine(QStringLiteral("%1%2 · %3 · %4").arg(where, title, h.who, shortTime(h.createdAt)));
        outLine(QStringLiteral("    ") + oneLine(h.snippet, 400));
    }
    return ExitOk;
}

int exportCommand(const QStringList &arguments)
{
    Sub s;
    s.parser.setApplicationDescription(Tr::tr("Export a conversation (or a debate with --debate) as Markdown or JSON. "
                                              "The JSON form can be imported again with 'roundtable history import'."));
    s.common.addTo(s.parser, true);
    s.parser.addOption(s.debate);
    s.parser.addOption(s.format);
    s.parser.addOption(s.output);
    s.parser.addPositionalArgument(QStringLiteral("ID"), Tr::tr("Conversation or debate id."));
    if (!parseOrExplain(s.parser, arguments))
        return ExitUsage;
    s.common.apply(s.parser);
    if (s.parser.positionalArguments().size() != 1) {
        err(Tr::tr("Give exactly one id, e.g. roundtable history export 12 --format md"));
        return ExitUsage;
    }
    qint64 id = 0;
    if (int code = parseId(s.parser.positionalArguments().constFirst(), &id); code != ExitOk)
        return code;
    const QString formatName = s.parser.value(s.format).toLower();
    ExportFormat format = ExportFormat::Markdown;
    if (formatName == u"json") {
        format = ExportFormat::Json;
    } else if (!formatName.isEmpty() && formatName != u"md" && formatName != u"markdown") {
        err(Tr::tr("Unknown format \"%1\": use --format md or --format json.").arg(formatName));
        return ExitUsage;
    }
    int code = ExitOk;
    auto storage = openStorage(s.parser.value(s.common.db), false, &code);
    if (!storage)
        return code;
    auto data = waitFor(s.parser.isSet(s.debate) ? storage->exportDebate(id, format) : storage->exportConversation(id, format));
    if (!data.ok())
        return fail(data.error());
    const QString path = s.parser.value(s.output);
    if (path.isEmpty() || path == u"-") {
        std::fwrite(data->constData(), 1, size_t(data->size()), stdout);
        return ExitOk;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(*data) != data->size() || !file.commit()) {
        //: %1 is a file name, %2 the reason from the system
        err(Tr::tr("Cannot write %1: %2. Check the folder exists and is writable.").arg(path, file.errorString()));
        return ExitFailure;
    }
    err(Tr::tr("Exported to %1").arg(path));
    return ExitOk;
}

int importCommand(const QStringList &arguments)
{
    Sub s;
    s.parser.setApplicationDescription(
        Tr::tr("Import a conversation or debate from a JSON file made by 'roundtable history export --format json'. "
               "It gets a new id; the original is not touched."));
    s.common.addTo(s.parser, true);
    s.parser.addPositionalArgument(QStringLiteral("FILE"), Tr::tr("The JSON export ('-' for standard input)."));
    if (!parseOrExplain(s.parser, arguments))
        return ExitUsage;
    s.common.apply(s.parser);
    if (s.parser.positionalArguments().size() != 1) {
        err(Tr::tr("Give exactly one file, e.g. roundtable history import chat.json"));
        return ExitUsage;
    }
    const QString path = s.parser.positionalArguments().constFirst();
    QFile file;
    bool opened = false;
    if (path == u"-")
        opened = file.open(stdin, QIODevice::ReadOnly);
    else {
        file.setFileName(path);
        opened = file.open(QIODevice::ReadOnly);
    }
    if (!opened) {
        //: %1 is a file name, %2 the reason from the system
        err(Tr::tr("Cannot read %1: %2").arg(path, file.errorString()));
        return ExitFailure;
    }
    const QByteArray json = file.readAll();
    int code = ExitOk;
    auto storage = openStorage(s.parser.value(s.common.db), false, &code);
    if (!storage)
        return code;
    auto imported = waitFor(storage->importJson(json));
    if (!imported.ok())
        return fail(imported.error());
    if (imported->kind == ImportResult::Kind::Debate)
        //: %1 is the new debate id, %2 the number of turns
        outLine(Tr::tr("Imported debate %1 with %n turn(s).", nullptr, int(imported->items)).arg(imported->id));
    else
        //: %1 is the new conversation id, %2 the number of messages
        outLine(Tr::tr("Imported conversation %1 with %n message(s).", nullptr, int(imported->items)).arg(imported->id));
    return ExitOk;
}

QString usage()
{
    return Tr::tr("Usage: roundtable history COMMAND [options]\n"
                  "  list [--json] [--limit N]                   stored conversations and debates\n"
                  "  show ID [--debate] [--json]                 print one conversation or debate\n"
                  "  search TEXT [--json] [--limit N]            full-text search\n"
                  "  export ID --format md|json [-o FILE] [--debate]\n"
                  "  import FILE                                 import a JSON export\n"
                  "All take --db PATH|URL (default: $ROUNDTABLE_DB, then Settings, then the app data folder).");
}

} // namespace

int runHistory(const QStringList &arguments)
{
    if (arguments.size() < 2 || arguments.at(1) == u"--help" || arguments.at(1) == u"-h" || arguments.at(1) == u"help") {
        (arguments.size() < 2 ? err(usage()) : outLine(usage()));
        return arguments.size() < 2 ? ExitUsage : ExitOk;
    }
    const QString sub = arguments.at(1);
    QStringList rest = arguments.mid(2);
    rest.prepend(arguments.at(0) + u' ' + sub);
    if (sub == u"list")
        return list(rest);
    if (sub == u"show")
        return show(rest);
    if (sub == u"search")
        return search(rest);
    if (sub == u"export")
        return exportCommand(rest);
    if (sub == u"import")
        return importCommand(rest);
    err(Tr::tr("Unknown history command \"%1\".").arg(sub) + u'\n' + usage());
    return ExitUsage;
}

} // namespace rt::cli
