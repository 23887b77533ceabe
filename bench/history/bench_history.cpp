// bench/history: 100,000 messages over 1,000 conversations. Measures what a
// user feels: opening the newest conversation (its last 200 messages),
// scrolling further back, a full-text search, and peak memory. SQLite and
// PostgreSQL side by side. Prints figures against the targets; never fails on
// them.
//
//   bench-history [--messages N] [--conversations N] [--also N:C ...] [--no-postgres] [--pg-url URL] [--dir DIR]
//
// --also 1000000:10000 measures a second scale on SQLite, reported beside the
// first (PostgreSQL runs the first scale only).
//
// PostgreSQL: uses --pg-url, else $RT_BENCH_PG_URL, else starts a throwaway
// cluster with tests/support/pg-cluster.sh (skipped with a note when the
// server is not installed).
#include "historyseed.h"
#include "storage/storage.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <algorithm>
#include <cstdio>
#include <sys/resource.h>

using namespace rt::storage;

namespace {

constexpr int NewestConversationMessages = 2000; // so paging back has somewhere to go
const double TargetOpenMs = 100;
const double TargetSearchMs = 50;
const double TargetRssMb = 300;

void say(const QString &text)
{
    std::fprintf(stderr, "%s\n", qPrintable(text));
}

struct Figures {
    QString name;
    bool ok = false;
    QString note;
    double generateS = 0;
    double openMs = 0; // open + newest conversation + its last 200 messages
    double firstPageMs = 0; // just the last-200 query
    double pageBackMs = 0; // median of the older-than pages
    int pages = 0;
    double searchCommonMs = 0;
    double searchRareMs = 0;
    double searchTwoWordsMs = 0;
    int commonHits = 0;
    double rssMb = 0;
};

double medianOf(QList<double> values)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    return values.at(values.size() / 2);
}

// Fills the database; runs in the parent process. A database that already
// holds messages (--dir, --pg-url) is reused as it is.
rt::Status generate(const DatabaseLocation &location, int messages, int conversations, double *seconds)
{
    QElapsedTimer timer;
    timer.start();
    auto opened = openDatabase(location);
    if (!opened.ok())
        return opened.error();
    StorageContext c(*opened.value().database);
    if (auto stats = c.maintenance().stats(); stats.ok() && stats->messages > 0) {
        say(QStringLiteral("  reusing the %1 messages already there").arg(stats->messages));
        *seconds = -1;
        return {};
    }
    rt::test::HistorySeedOptions seed;
    seed.messages = messages;
    seed.conversations = conversations;
    seed.newestConversationMessages = NewestConversationMessages;
    auto seeded = rt::test::seedHistory(c, seed, [](int n) {
        if (n % 50000 == 0)
            say(QStringLiteral("  ... %1 messages").arg(n));
    });
    if (!seeded.ok())
        return seeded.error();
    if (location.isSqlite())
        (void)opened.value().database->execDirect(QStringLiteral("PRAGMA optimize"));
    else
        (void)opened.value().database->execDirect(QStringLiteral("ANALYZE"));
    *seconds = double(timer.nsecsElapsed()) / 1e9;
    return {};
}

// The measured phase, in a fresh process so peak RSS is the app's, not the generator's.
int measure(const QString &dbArgument)
{
    auto location = parseDatabaseLocation(dbArgument);
    QJsonObject out;
    QElapsedTimer timer;
    timer.start();
    Storage storage;
    OpenOptions options;
    options.recover = false;
    auto opened = storage.open(*location, options).result();
    if (!opened.ok()) {
        std::printf("%s\n",
            QJsonDocument(QJsonObject { { QStringLiteral("error"), opened.error().message } }).toJson(QJsonDocument::Compact).constData());
        return 1;
    }
    const qint64 conv = storage.conversations(1).result()->at(0).id;
    QElapsedTimer page;
    page.start();
    auto last = storage.lastMessages(conv, 200).result();
    out.insert(QStringLiteral("firstPageMs"), double(page.nsecsElapsed()) / 1e6);
    out.insert(QStringLiteral("openMs"), double(timer.nsecsElapsed()) / 1e6);
    QList<double> pages;
    qint64 before = last->first().id;
    for (;;) {
        page.restart();
        auto older = storage.olderMessages(conv, before, 200).result();
        if (!older.ok() || older->isEmpty())
            break;
        pages.append(double(page.nsecsElapsed()) / 1e6);
        before = older->first().id;
    }
    out.insert(QStringLiteral("pageBackMs"), medianOf(pages));
    out.insert(QStringLiteral("pages"), int(pages.size()));
    auto timeSearch = [&](const QString &query, int *hits) {
        QList<double> runs;
        for (int i = 0; i < 7; ++i) {
            page.restart();
            auto r = storage.search(query).result();
            runs.append(double(page.nsecsElapsed()) / 1e6);
            if (hits && r.ok())
                *hits = int(r->size());
        }
        return medianOf(runs);
    };
    int commonHits = 0;
    out.insert(QStringLiteral("searchCommonMs"), timeSearch(QStringLiteral("model0"), &commonHits));
    out.insert(QStringLiteral("commonHits"), commonHits);
    out.insert(QStringLiteral("searchRareMs"), timeSearch(QStringLiteral("zanzibarian"), nullptr));
    out.insert(QStringLiteral("searchTwoWordsMs"), timeSearch(QStringLiteral("tomato0 climate1"), nullptr));
    struct rusage usage = {};
    ::getrusage(RUSAGE_SELF, &usage);
    out.insert(QStringLiteral("rssMb"), double(usage.ru_maxrss) / 1024.0);
    std::printf("%s\n", QJsonDocument(out).toJson(QJsonDocument::Compact).constData());
    return 0;
}

Figures runBackend(const QString &name, const DatabaseLocation &location, const QString &dbArgument, int messages, int conversations)
{
    Figures f;
    f.name = name;
    say(QStringLiteral("%1: generating %2 messages over %3 conversations ...").arg(name).arg(messages).arg(conversations));
    if (auto done = generate(location, messages, conversations, &f.generateS); !done.ok()) {
        f.note = done.error().message;
        return f;
    }
    say(QStringLiteral("%1: measuring in a fresh process ...").arg(name));
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(QCoreApplication::applicationFilePath(), { QStringLiteral("--measure"), dbArgument });
    if (!child.waitForFinished(600000)) {
        f.note = QStringLiteral("measuring did not finish");
        return f;
    }
    const QJsonObject o = QJsonDocument::fromJson(child.readAllStandardOutput()).object();
    if (o.contains(u"error")) {
        f.note = o.value(u"error").toString();
        return f;
    }
    f.ok = true;
    f.openMs = o.value(u"openMs").toDouble();
    f.firstPageMs = o.value(u"firstPageMs").toDouble();
    f.pageBackMs = o.value(u"pageBackMs").toDouble();
    f.pages = o.value(u"pages").toInt();
    f.searchCommonMs = o.value(u"searchCommonMs").toDouble();
    f.searchRareMs = o.value(u"searchRareMs").toDouble();
    f.searchTwoWordsMs = o.value(u"searchTwoWordsMs").toDouble();
    f.commonHits = o.value(u"commonHits").toInt();
    f.rssMb = o.value(u"rssMb").toDouble();
    return f;
}

struct Scale {
    int messages = 0;
    int conversations = 0;
};

// "100k", "1M": the column label of a scale.
QString scaleLabel(int messages)
{
    if (messages >= 1000000 && messages % 1000000 == 0)
        return QStringLiteral("%1M").arg(messages / 1000000);
    if (messages >= 1000 && messages % 1000 == 0)
        return QStringLiteral("%1k").arg(messages / 1000);
    return QString::number(messages);
}

void printTable(const QList<Figures> &all, const QList<Scale> &scales)
{
    QStringList described;
    for (const Scale &s : scales)
        described.append(QStringLiteral("%1 messages over %2 conversations").arg(s.messages).arg(s.conversations));
    std::printf("\nbench/history: %s (the newest conversation has %d)\n\n", qPrintable(described.join(QStringLiteral("; "))),
        NewestConversationMessages);
    QString header = QStringLiteral("%1").arg(QString(), -40);
    for (const Figures &f : all)
        header += QStringLiteral("%1").arg(f.name, 17);
    header += QStringLiteral("   target");
    std::printf("%s\n", qPrintable(header));
    auto row = [&](const QString &label, auto value, const QString &unit, const QString &target, double limit) {
        QString line = QStringLiteral("%1").arg(label, -40);
        for (const Figures &f : all) {
            if (!f.ok) {
                line += QStringLiteral("%1").arg(QStringLiteral("n/a"), 17);
                continue;
            }
            const double v = value(f);
            QString cell = v < 0 ? QStringLiteral("(reused)") : QString::number(v, 'f', v < 10 ? 2 : 1) + u' ' + unit;
            if (limit > 0 && v > limit)
                cell += u'!';
            line += QStringLiteral("%1").arg(cell, 17);
        }
        if (!target.isEmpty())
            line += QStringLiteral("   ") + target;
        std::printf("%s\n", qPrintable(line));
    };
    row(
        QStringLiteral("generate (write all, batched)"), [](const Figures &f) { return f.generateS; }, QStringLiteral("s"), QString(), 0);
    row(
        QStringLiteral("open: start + newest + last 200 msgs"), [](const Figures &f) { return f.openMs; }, QStringLiteral("ms"),
        QStringLiteral("< 100 ms"), TargetOpenMs);
    row(
        QStringLiteral("  of which the last-200 query"), [](const Figures &f) { return f.firstPageMs; }, QStringLiteral("ms"), QString(),
        0);
    row(
        QStringLiteral("page back 200 older (median)"), [](const Figures &f) { return f.pageBackMs; }, QStringLiteral("ms"), QString(), 0);
    row(
        QStringLiteral("search common word (20 best)"), [](const Figures &f) { return f.searchCommonMs; }, QStringLiteral("ms"),
        QStringLiteral("< 50 ms"), TargetSearchMs);
    row(
        QStringLiteral("search rare word"), [](const Figures &f) { return f.searchRareMs; }, QStringLiteral("ms"),
        QStringLiteral("< 50 ms"), TargetSearchMs);
    row(
        QStringLiteral("search two words (AND)"), [](const Figures &f) { return f.searchTwoWordsMs; }, QStringLiteral("ms"),
        QStringLiteral("< 50 ms"), TargetSearchMs);
    row(
        QStringLiteral("peak RSS of the measuring process"), [](const Figures &f) { return f.rssMb; }, QStringLiteral("MB"),
        QStringLiteral("< 300 MB"), TargetRssMb);
    for (const Figures &f : all) {
        if (!f.ok)
            std::printf("\n%s: %s\n", qPrintable(f.name), qPrintable(f.note));
    }
    std::printf("\n('!' marks a figure over its target. Figures include the storage thread hop; caches are warm.)\n");
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("History storage benchmark (SQLite and PostgreSQL)."));
    parser.addHelpOption();
    QCommandLineOption messagesOption(QStringLiteral("messages"), QStringLiteral("Messages to generate (default 100000)."),
        QStringLiteral("N"), QStringLiteral("100000"));
    QCommandLineOption conversationsOption(
        QStringLiteral("conversations"), QStringLiteral("Conversations (default 1000)."), QStringLiteral("N"), QStringLiteral("1000"));
    QCommandLineOption noPostgres(QStringLiteral("no-postgres"), QStringLiteral("SQLite only."));
    QCommandLineOption pgUrl(
        QStringLiteral("pg-url"), QStringLiteral("An empty PostgreSQL database to use (it is filled)."), QStringLiteral("URL"));
    QCommandLineOption dirOption(
        QStringLiteral("dir"), QStringLiteral("Keep the SQLite database in DIR and reuse it next time."), QStringLiteral("DIR"));
    QCommandLineOption measureOption(
        QStringLiteral("measure"), QStringLiteral("Internal: measure an existing database."), QStringLiteral("DB"));
    QCommandLineOption alsoOption(QStringLiteral("also"),
        QStringLiteral("Also measure N messages over C conversations on SQLite, reported beside the first scale "
                       "(e.g. --also 1000000:10000). Repeatable."),
        QStringLiteral("N:C"));
    parser.addOptions({ messagesOption, conversationsOption, noPostgres, pgUrl, dirOption, measureOption, alsoOption });
    parser.process(app);
    if (parser.isSet(measureOption))
        return measure(parser.value(measureOption));

    const int messages = std::max(NewestConversationMessages + 1, parser.value(messagesOption).toInt());
    const int conversations = std::max(2, parser.value(conversationsOption).toInt());
    QList<Scale> scales { { messages, conversations } };
    for (const QString &value : parser.values(alsoOption)) {
        const QStringList parts = value.split(u':');
        bool okMessages = false;
        bool okConversations = parts.size() == 2;
        const int n = parts.value(0).toInt(&okMessages);
        const int c = okConversations ? parts.value(1).toInt(&okConversations) : 0;
        if (!okMessages || !okConversations || n <= NewestConversationMessages || c < 2) {
            say(QStringLiteral("--also %1: give MESSAGES:CONVERSATIONS, e.g. 1000000:10000").arg(value));
            return 2;
        }
        scales.append({ n, c });
    }
    QList<Figures> results;

    QTemporaryDir dir;
    const QDir sqliteDir(parser.isSet(dirOption) ? parser.value(dirOption) : dir.path());
    for (qsizetype i = 0; i < scales.size(); ++i) {
        const Scale &s = scales.at(i);
        // The first scale keeps the old file name (--dir databases are reused).
        const QString sqlitePath
            = sqliteDir.filePath(i == 0 ? QStringLiteral("bench.sqlite") : QStringLiteral("bench-%1.sqlite").arg(s.messages));
        const QString name = scales.size() > 1 ? QStringLiteral("SQLite %1").arg(scaleLabel(s.messages)) : QStringLiteral("SQLite");
        results.append(runBackend(name, *parseDatabaseLocation(sqlitePath), sqlitePath, s.messages, s.conversations));
    }

    if (!parser.isSet(noPostgres)) {
        QString url = parser.value(pgUrl);
        if (url.isEmpty())
            url = qEnvironmentVariable("RT_BENCH_PG_URL");
        const QString clusterDir = QDir(dir.path()).filePath(QStringLiteral("pg"));
        const QString script = QStringLiteral(RT_SOURCE_DIR "/tests/support/pg-cluster.sh");
        bool started = false;
        if (url.isEmpty()) {
            say(QStringLiteral("PostgreSQL: starting a throwaway cluster ..."));
            QProcess::execute(script, { QStringLiteral("start"), clusterDir });
            QFile file(QDir(clusterDir).filePath(QStringLiteral("url")));
            if (file.open(QIODevice::ReadOnly)) {
                url = QString::fromUtf8(file.readAll()).trimmed();
                started = true;
            }
        }
        if (url.isEmpty()) {
            Figures f;
            f.name = scales.size() > 1 ? QStringLiteral("PostgreSQL %1").arg(scaleLabel(messages)) : QStringLiteral("PostgreSQL");
            f.note = QStringLiteral("skipped: no PostgreSQL server (install Debian's 'postgresql', or pass --pg-url).");
            results.append(f);
        } else {
            auto location = parseDatabaseLocation(url);
            results.append(
                runBackend(scales.size() > 1 ? QStringLiteral("PostgreSQL %1").arg(scaleLabel(messages)) : QStringLiteral("PostgreSQL"),
                    *location, url, messages, conversations));
        }
        if (started)
            QProcess::execute(script, { QStringLiteral("stop"), clusterDir });
    }
    printTable(results, scales);
    return 0;
}
