#include "clicommon.h"

#include "common/logging.h"
#include "common/translate.h"
#include "llm/endpointpool.h"
#include "llm/ollamahost.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimer>
#include <atomic>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>

namespace rt::cli {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::cli::common)
};
} // namespace

CommonOptions::CommonOptions()
    : ollamaHost(QStringLiteral("ollama-host"), Tr::tr("Ollama server URL (default: $OLLAMA_HOST, settings, http://127.0.0.1:11434)."),
        QStringLiteral("url"))
    , verbose(QStringLiteral("verbose"), Tr::tr("Print debug output to stderr."))
    , db(QStringLiteral("db"),
          Tr::tr("Database: a SQLite file path or postgresql://user:pass@host:port/db (default: $ROUNDTABLE_DB, then the one chosen "
                 "in Settings, then the app data folder)."),
          QStringLiteral("path-or-url"))
{
}

void CommonOptions::addTo(QCommandLineParser &parser, bool withDb) const
{
    parser.addOption(ollamaHost);
    parser.addOption(verbose);
    if (withDb)
        parser.addOption(db);
}

QUrl CommonOptions::apply(const QCommandLineParser &parser) const
{
    if (parser.isSet(verbose))
        rt::enableVerboseLogging();
    return rt::llm::resolveOllamaHost(parser.value(ollamaHost));
}

std::unique_ptr<rt::llm::EndpointPool> CommonOptions::makePool(const QCommandLineParser &parser) const
{
    const QString single = parser.isSet(ollamaHost) ? parser.value(ollamaHost) : QString();
    auto pool = std::make_unique<rt::llm::EndpointPool>(rt::llm::HostConfig::fromSettings(single));
    rt::llm::EndpointPool::Options options = pool->options();
    options.healthIntervalMs = 0; // a command lives for one job; breakers still open and probe
    pool->setOptions(options);
    return pool;
}

bool isGlobalOptionWithValue(QStringView arg)
{
    return arg == u"--db" || arg == u"--ollama-host" || arg == u"-db" || arg == u"-ollama-host";
}

bool isGlobalFlag(QStringView arg)
{
    return arg == u"--verbose" || arg == u"-verbose";
}

bool parseOrExplain(QCommandLineParser &parser, const QStringList &arguments)
{
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help = parser.addHelpOption();
    if (!parser.parse(arguments)) {
        //: %1 is Qt's description of the command-line error
        err(Tr::tr("%1 (see --help)").arg(parser.errorText()));
        return false;
    }
    if (parser.isSet(help)) {
        // Qt names the binary by its path; the usage line (the first, in
        // whatever language Qt's own translation gives it) names the command.
        QString text = parser.helpText();
        const QString binary = QCoreApplication::arguments().value(0);
        if (!binary.isEmpty() && !arguments.isEmpty()) {
            const qsizetype at = text.indexOf(binary);
            const qsizetype firstLineEnd = text.indexOf(QLatin1Char('\n'));
            if (at >= 0 && (firstLineEnd < 0 || at < firstLineEnd))
                text.replace(at, binary.size(), arguments.constFirst());
        }
        out(text);
        flushOut();
        std::exit(0);
    }
    const QString hostOption = QStringLiteral("ollama-host");
    if (parser.optionNames().contains(hostOption)) {
        const QString value = parser.value(hostOption);
        if (auto checked = rt::llm::parseOllamaHostStrict(value); !checked) {
            //: %1 is the value given, %2 the reason it is not valid
            err(Tr::tr("--ollama-host \"%1\" is not a valid Ollama host: %2").arg(value, checked.error().message));
            return false;
        }
    }
    return true;
}

QString formatTable(const QList<QStringList> &rows)
{
    QList<qsizetype> widths;
    for (const QStringList &row : rows) {
        for (qsizetype i = 0; i < row.size(); ++i) {
            if (widths.size() <= i)
                widths.append(0);
            widths[i] = qMax(widths[i], row[i].size());
        }
    }
    QString text;
    for (const QStringList &row : rows) {
        QString line;
        for (qsizetype i = 0; i < row.size(); ++i)
            line += (i + 1 < row.size() ? row[i].leftJustified(widths[i] + 2) : row[i]);
        text += line.trimmed() + QLatin1Char('\n');
    }
    return text;
}

bool readNumber(
    const QCommandLineParser &parser, const QCommandLineOption &option, double low, double high, const std::function<void(double)> &assign)
{
    if (!parser.isSet(option))
        return true;
    bool ok = false;
    const double v = parser.value(option).toDouble(&ok);
    if (!ok || v < low || v > high) {
        //: %1 is an option name (such as temperature), %2 and %3 the lowest and highest value allowed
        err(Tr::tr("--%1 must be a number from %2 to %3.").arg(option.names().constFirst()).arg(low).arg(high));
        return false;
    }
    assign(v);
    return true;
}

namespace {
std::atomic_bool g_outDirty { false };
}

void out(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    g_outDirty.store(true, std::memory_order_relaxed);
}

OutputFlusher::OutputFlusher(QObject *parent)
    : QObject(parent)
{
    auto *timer = new QTimer(this);
    timer->setInterval(50);
    connect(timer, &QTimer::timeout, this, [] {
        if (g_outDirty.exchange(false, std::memory_order_relaxed))
            std::fflush(stdout);
    });
    timer->start();
}

OutputFlusher::~OutputFlusher()
{
    std::fflush(stdout);
}

void outLine(const QString &text)
{
    out(text);
    std::fputc('\n', stdout);
}

void err(const QString &text)
{
    std::fflush(stdout);
    const QByteArray bytes = text.toUtf8() + '\n';
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

void flushOut()
{
    std::fflush(stdout);
}

namespace {
int g_signalPipe[2] = { -1, -1 };

void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] auto n = ::write(g_signalPipe[1], &c, 1);
}
} // namespace

InterruptWatcher::InterruptWatcher(QObject *parent)
    : QObject(parent)
{
    if (::pipe(g_signalPipe) != 0)
        return;
    ::fcntl(g_signalPipe[0], F_SETFL, O_NONBLOCK);
    ::fcntl(g_signalPipe[1], F_SETFL, O_NONBLOCK);
    m_notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, [this] {
        char buf[16];
        while (::read(g_signalPipe[0], buf, sizeof buf) > 0) { }
        ++m_count;
        emit interrupted();
    });
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

InterruptWatcher::~InterruptWatcher()
{
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (g_signalPipe[0] >= 0) {
        ::close(g_signalPipe[0]);
        ::close(g_signalPipe[1]);
        g_signalPipe[0] = g_signalPipe[1] = -1;
    }
}

} // namespace rt::cli
