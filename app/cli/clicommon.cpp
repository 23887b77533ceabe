#include "clicommon.h"

#include "common/logging.h"
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
        err(parser.errorText() + QStringLiteral(" (see --help)"));
        return false;
    }
    if (parser.isSet(help)) {
        // Qt names the binary by its path; the usage line names the command.
        QString text = parser.helpText();
        const QString binary = QCoreApplication::arguments().value(0);
        if (!binary.isEmpty() && !arguments.isEmpty())
            text.replace(QStringLiteral("Usage: ") + binary, QStringLiteral("Usage: ") + arguments.constFirst());
        out(text);
        flushOut();
        std::exit(0);
    }
    const QString hostOption = QStringLiteral("ollama-host");
    if (parser.optionNames().contains(hostOption)) {
        const QString value = parser.value(hostOption);
        if (auto checked = rt::llm::parseOllamaHostStrict(value); !checked) {
            err(QStringLiteral("--ollama-host \"%1\" is not a valid Ollama host: %2").arg(value, checked.error().message));
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
        err(QStringLiteral("--%1 must be a number from %2 to %3.").arg(option.names().constFirst()).arg(low).arg(high));
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
