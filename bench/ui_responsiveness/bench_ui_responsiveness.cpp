// bench-ui-responsiveness: how the main window holds up while a 9-seat
// simultaneous debate streams into it, against the same window idle, plus the
// cold start of the window against a bare QMainWindow.
//
// 1. Idle (the baseline) and loaded phases run in this process, one after the
//    other, in one MainWindow (offscreen) talking to roundtable-ollama-sim
//    (--tps 100). A 5 ms precise timer on the GUI thread records how late it
//    fires; an application event filter counts frames (UpdateRequest of the
//    window) and widget paint events; VmRSS is sampled every 100 ms.
// 2. Cold start: the bench runs itself again as a child (--cold-start app|bare)
//    and takes the time from just before the spawn to the first painted frame
//    of the window (the child prints CLOCK_MONOTONIC at that moment, and its
//    own main()-to-paint time).
//
// Everything runs in a temporary HOME/XDG tree with temporary SQLite files.
// It prints figures and the targets beside them; it never fails on timing.
#include "agents/agentregistry.h"
#include "benchsim.h"
#include "debate/debateengine.h"
#include "debate/debatetypes.h"
#include "historyseed.h"
#include "llm/hostconfig.h"
#include "llm/modelcatalog.h"
#include "storage/storage.h"
#include "ui/chatmessagemodel.h"
#include "ui/chatpage.h"
#include "ui/chatview.h"
#include "ui/debatesession.h"
#include "ui/debatespage.h"
#include "ui/historypage.h"
#include "ui/icons.h"
#include "ui/mainwindow.h"
#include "ui/searchresultmodel.h"
#include "ui/theme.h"
#include "ui/workspace.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHash>
#include <QLineEdit>
#include <QMainWindow>
#include <QPointer>
#include <QProcess>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSet>
#include <QTemporaryDir>
#include <QTimer>
#include <QWindow>
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

constexpr int kProbeIntervalMs = 5;
constexpr double kTargetP99Ms = 16;
constexpr double kTargetMaxMs = 50;
constexpr double kTargetRssMiB = 300;
constexpr double kTargetColdMs = 500;
const QSize kWindowSize { 1280, 820 };

qint64 monotonicNs()
{
    timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// VmRSS or VmHWM from /proc/self/status, in MiB (0 if unreadable).
double procStatusMiB(const char *key)
{
    QFile f(u"/proc/self/status"_s);
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray prefix = QByteArray(key) + ':';
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith(prefix))
            return line.mid(prefix.size()).trimmed().split(' ').value(0).toDouble() / 1024.0; // kB
    }
    return 0;
}

void spin(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

bool waitUntil(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        spin(20);
    }
    return true;
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const auto i = std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5));
    return v[i];
}

double median(std::vector<double> v)
{
    return percentile(std::move(v), 0.5);
}

// Counts the frames (UpdateRequest: one backing-store sync) and the widget
// paint events of one top-level window, and optionally reports its first paint.
class FrameCounter final : public QObject {
public:
    explicit FrameCounter(QWidget *window)
        : m_window(window)
    {
        qApp->installEventFilter(this);
    }
    ~FrameCounter() override { qApp->removeEventFilter(this); }

    qint64 frames() const { return m_frames; }
    qint64 paints() const { return m_paints; }
    void reset() { m_frames = m_paints = 0; }
    std::function<void()> onFirstPaint;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::UpdateRequest) {
            if (watched == m_window || (m_window && watched == m_window->windowHandle()))
                ++m_frames;
        } else if (event->type() == QEvent::Paint && watched->isWidgetType()) {
            auto *widget = static_cast<QWidget *>(watched);
            if (widget->window() == m_window) {
                ++m_paints;
                if (onFirstPaint) {
                    // Runs once the paint (and the flush of this frame) has returned.
                    QTimer::singleShot(0, this, std::exchange(onFirstPaint, nullptr));
                }
            }
        }
        return QObject::eventFilter(watched, event);
    }

private:
    QPointer<QWidget> m_window;
    qint64 m_frames = 0;
    qint64 m_paints = 0;
};

// How late a 5 ms precise timer on the GUI thread fires (gap minus interval),
// and VmRSS every 100 ms.
class Probe final {
public:
    Probe()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(kProbeIntervalMs);
        QObject::connect(&m_timer, &QTimer::timeout, &m_timer, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            if (m_last >= 0) {
                const double late = std::max(0.0, double(now - m_last) / 1e6 - kProbeIntervalMs);
                m_lateMs.push_back(late);
                if (late > m_worst) {
                    m_worst = late;
                    m_worstAtS = double(now) / 1e9;
                }
            }
            m_last = now;
        });
        m_rssTimer.setInterval(100);
        QObject::connect(&m_rssTimer, &QTimer::timeout, &m_rssTimer, [this] { sampleRss(); });
        m_lateMs.reserve(20000);
        sampleRss();
        m_clock.start();
        m_timer.start();
        m_rssTimer.start();
    }
    void stop()
    {
        m_timer.stop();
        m_rssTimer.stop();
        sampleRss();
    }
    const std::vector<double> &lateness() const { return m_lateMs; }
    double peakRssMiB() const { return m_peakRss; }
    double worstAtSeconds() const { return m_worstAtS; } // into the phase
    double lastRssMiB() const { return m_lastRss; }

private:
    void sampleRss()
    {
        m_lastRss = procStatusMiB("VmRSS");
        m_peakRss = std::max(m_peakRss, m_lastRss);
    }

    QTimer m_timer;
    QTimer m_rssTimer;
    QElapsedTimer m_clock;
    qint64 m_last = -1;
    std::vector<double> m_lateMs;
    double m_worst = -1;
    double m_worstAtS = 0;
    double m_peakRss = 0;
    double m_lastRss = 0;
};

struct PhaseResult {
    bool ran = false;
    double p50 = 0, p99 = 0, max = 0;
    qint64 timerFires = 0;
    qint64 over16 = 0; // fires more than 16 ms late (a missed frame)
    double maxAtS = 0;
    qint64 frames = 0, paints = 0;
    double peakRss = 0, finalRss = 0;
    qint64 deltas = 0;
    int turnsStarted = 0, turnsFinished = 0;
    int debatesStarted = 0, debatesEnded = 0, debatesFailed = 0;
    int maxLiveTurns = 0; // DebateSession::liveTurns() (started, not finished)
    int maxStreaming = 0; // seats whose turn had a delta and had not finished
    int maxRecent = 0; // seats with a delta in the last 100 ms
    QString note;
};

void fillFromProbe(PhaseResult &r, Probe &probe, const FrameCounter &frames)
{
    probe.stop();
    r.ran = true;
    r.p50 = percentile(probe.lateness(), 0.50);
    r.p99 = percentile(probe.lateness(), 0.99);
    r.max = probe.lateness().empty() ? 0 : *std::max_element(probe.lateness().begin(), probe.lateness().end());
    r.timerFires = qint64(probe.lateness().size());
    r.over16 = std::count_if(probe.lateness().begin(), probe.lateness().end(), [](double late) { return late > kTargetP99Ms; });
    r.maxAtS = probe.worstAtSeconds();
    r.frames = frames.frames();
    r.paints = frames.paints();
    r.peakRss = probe.peakRssMiB();
    r.finalRss = probe.lastRssMiB();
}

// ---- the loaded debate ------------------------------------------------------

class DebateDriver final : public QObject {
public:
    DebateDriver(rt::ui::MainWindow *window, rt::debate::DebateConfig config, PhaseResult *result)
        : m_window(window)
        , m_config(std::move(config))
        , m_result(result)
    {
    }

    void startNext()
    {
        if (!m_running)
            return;
        rt::debate::DebateConfig config = m_config;
        ++m_generation;
        if (m_generation > 1)
            config.question += u" (run %1)"_s.arg(m_generation);
        config.seed = 42 + m_generation;
        m_open.clear();
        m_streaming.clear();
        m_lastDelta.clear();
        rt::ui::DebatesPage *page = m_window->debatesPage();
        page->startDebate(config);
        rt::ui::DebateSession *session = page->currentSession();
        if (!session || !session->engine()) {
            m_result->note = u"DebatesPage::startDebate did not start a debate"_s;
            m_running = false;
            return;
        }
        ++m_result->debatesStarted;
        m_session = session;
        rt::debate::DebateEngine *engine = session->engine();
        const int generation = m_generation;
        connect(engine, &rt::debate::DebateEngine::turnStarted, this, [this, generation](const rt::debate::TurnInfo &turn) {
            if (generation != m_generation || !m_running)
                return;
            ++m_result->turnsStarted;
            m_open.insert(turn.seat);
            sampleSession();
        });
        connect(engine, &rt::debate::DebateEngine::tokenDelta, this, [this, generation](const rt::debate::TokenDelta &delta) {
            if (generation != m_generation || !m_running)
                return;
            ++m_result->deltas;
            const int seat = delta.turn.seat;
            m_streaming.insert(seat);
            const qint64 now = monotonicNs();
            m_lastDelta.insert(seat, now);
            int recent = 0;
            for (auto it = m_lastDelta.cbegin(); it != m_lastDelta.cend(); ++it)
                recent += (now - it.value() < 100'000'000) ? 1 : 0;
            m_result->maxRecent = std::max(m_result->maxRecent, recent);
            m_result->maxStreaming = std::max(m_result->maxStreaming, int(m_streaming.size()));
            sampleSession();
        });
        connect(engine, &rt::debate::DebateEngine::turnFinished, this, [this, generation](const rt::debate::TurnRecord &turn) {
            if (generation != m_generation || !m_running)
                return;
            if (turn.info.seat >= 0 && turn.info.kind != rt::TurnKind::Interjection)
                ++m_result->turnsFinished;
            m_open.remove(turn.info.seat);
            m_streaming.remove(turn.info.seat);
            m_lastDelta.remove(turn.info.seat);
        });
        connect(session, &rt::ui::DebateSession::phaseChanged, this, [this, generation](rt::ui::DebateSession::Phase phase) {
            using Phase = rt::ui::DebateSession::Phase;
            if (generation != m_generation || !m_running)
                return;
            if (phase == Phase::Finished || phase == Phase::Failed || phase == Phase::Interrupted) {
                ++m_result->debatesEnded;
                if (phase == Phase::Failed)
                    ++m_result->debatesFailed;
                if (m_result->debatesFailed >= 3) {
                    m_result->note = u"debates keep failing; stopped starting new ones"_s;
                    return;
                }
                QTimer::singleShot(0, this, [this] { startNext(); }); // keep it streaming for the whole period
            }
        });
    }

    void begin()
    {
        m_running = true;
        startNext();
    }

    // Stops counting and ends the debate running now.
    void end()
    {
        m_running = false;
        m_window->debatesPage()->stopAll();
    }

    rt::ui::DebateSession *session() const { return m_session; }

private:
    void sampleSession()
    {
        if (m_session)
            m_result->maxLiveTurns = std::max(m_result->maxLiveTurns, int(m_session->liveTurns().size()));
    }

    rt::ui::MainWindow *m_window;
    rt::debate::DebateConfig m_config;
    PhaseResult *m_result;
    QPointer<rt::ui::DebateSession> m_session;
    bool m_running = false;
    int m_generation = 0;
    QSet<int> m_open;
    QSet<int> m_streaming;
    QHash<int, qint64> m_lastDelta;
};

// ---- cold start (child) -----------------------------------------------------

int coldStartChild(QApplication &app, const QString &kind, const QString &host, const QString &db, qint64 mainNs)
{
    std::unique_ptr<QMainWindow> window;
    if (kind == u"app") {
        // As rt::ui::runGui does before its window.
        QGuiApplication::setDesktopFileName(u"roundtable"_s);
        QApplication::setWindowIcon(rt::ui::Icons::app());
        rt::ui::Theme::apply(app, rt::ui::Theme::parseMode(u"system").value_or(rt::ui::Theme::Mode::Light));
        rt::llm::HostConfig config;
        config.name = u"local"_s;
        config.url = QUrl(host);
        window = std::make_unique<rt::ui::MainWindow>(QList<rt::llm::HostConfig> { config }, db);
    } else {
        window = std::make_unique<QMainWindow>();
        window->setWindowTitle(u"bare"_s);
    }
    window->resize(kWindowSize);
    FrameCounter counter(window.get());
    int code = 1;
    counter.onFirstPaint = [&] {
        const qint64 now = monotonicNs();
        std::printf("painted_ns=%lld main_to_paint_ms=%.2f\n", static_cast<long long>(now), double(now - mainNs) / 1e6);
        std::fflush(stdout);
        code = 0;
        app.quit();
    };
    QTimer::singleShot(30'000, &app, [&] {
        std::fprintf(stderr, "no paint within 30 s\n");
        app.quit();
    });
    window->show();
    app.exec();
    return code;
}

struct ColdRow {
    QString name;
    std::vector<double> spawnToPaint; // ms, measured by the parent
    std::vector<double> mainToPaint; // ms, measured by the child
    QString failure;
};

void runColdStart(ColdRow &row, const QString &kind, const QString &host, const QString &tmp, int run)
{
    QProcess child;
    child.setProcessChannelMode(QProcess::SeparateChannels);
    const QString db = u"%1/cold-%2-%3.sqlite"_s.arg(tmp, kind).arg(run);
    const QStringList args { u"--cold-start"_s, kind, u"--host"_s, host, u"--db"_s, db };
    const qint64 t0 = monotonicNs();
    child.start(QCoreApplication::applicationFilePath(), args);
    if (!child.waitForFinished(60'000)) {
        child.kill();
        child.waitForFinished(5000);
        row.failure = u"child did not finish"_s;
        return;
    }
    const QString out = QString::fromUtf8(child.readAllStandardOutput());
    static const QRegularExpression re(u"painted_ns=(\\d+) main_to_paint_ms=([0-9.]+)"_s);
    const auto m = re.match(out);
    if (child.exitCode() != 0 || !m.hasMatch()) {
        row.failure
            = u"child exit %1: %2"_s.arg(child.exitCode()).arg(QString::fromUtf8(child.readAllStandardError()).trimmed().right(300));
        return;
    }
    row.spawnToPaint.push_back(double(m.captured(1).toLongLong() - t0) / 1e6);
    row.mainToPaint.push_back(m.captured(2).toDouble());
}

// ---- printing ----------------------------------------------------------------

const char *verdict(bool meets)
{
    return meets ? "meets" : "misses";
}

void printRow(const char *name, const QString &idle, const QString &loaded, const QString &target = {}, const QString &v = {})
{
    std::printf("  %-38s %14s %14s   %-10s %s\n", name, qPrintable(idle), qPrintable(loaded), qPrintable(target), qPrintable(v));
}

QString ms(double v)
{
    return QString::number(v, 'f', 2);
}

QString mib(double v)
{
    return QString::number(v, 'f', 1);
}

QString num(qint64 v)
{
    return QString::number(v);
}

QString verdicts(double idle, double loaded, double target, bool idleRan)
{
    return u"idle %1, loaded %2"_s.arg(
        QLatin1StringView(idleRan ? verdict(idle < target) : "-"), QLatin1StringView(verdict(loaded < target)));
}

} // namespace

int main(int argc, char *argv[])
{
    const qint64 mainNs = monotonicNs();
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");

    // Child mode is decided before QApplication so the parent can set up the
    // temporary HOME first and the child inherits it.
    bool child = false;
    for (int i = 1; i < argc; ++i)
        child = child || qstrcmp(argv[i], "--cold-start") == 0;

    std::unique_ptr<QTemporaryDir> home;
    if (!child) {
        home = std::make_unique<QTemporaryDir>();
        if (!home->isValid()) {
            std::fprintf(stderr, "bench-ui-responsiveness: cannot create a temporary directory\n");
            return 1;
        }
        // Nothing reads or writes the user's settings or data: this process and
        // the cold-start children inherit these.
        for (const char *sub : { "home", "config", "data", "cache", "state", "runtime" })
            QDir().mkpath(home->filePath(QString::fromLatin1(sub)));
        QFile::setPermissions(home->filePath(u"runtime"_s), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        qputenv("HOME", home->filePath(u"home"_s).toLocal8Bit());
        qputenv("XDG_CONFIG_HOME", home->filePath(u"config"_s).toLocal8Bit());
        qputenv("XDG_DATA_HOME", home->filePath(u"data"_s).toLocal8Bit());
        qputenv("XDG_CACHE_HOME", home->filePath(u"cache"_s).toLocal8Bit());
        qputenv("XDG_STATE_HOME", home->filePath(u"state"_s).toLocal8Bit());
        qputenv("XDG_RUNTIME_DIR", home->filePath(u"runtime"_s).toLocal8Bit());
        qputenv("ROUNDTABLE_DB", home->filePath(u"default.sqlite"_s).toLocal8Bit());
        qunsetenv("OLLAMA_HOST");
    }

    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(u"Roundtable"_s);
    QCoreApplication::setApplicationName(u"roundtable"_s);

    QCommandLineParser p;
    p.setApplicationDescription(u"GUI-thread lateness, frames and RSS of the main window during a 9-seat streaming debate, "
                                u"against the idle window; cold start of the window against a bare QMainWindow."_s);
    p.addHelpOption();
    const QCommandLineOption secondsOpt(u"seconds"_s, u"Duration of the idle and of the loaded phase (default 30)."_s, u"n"_s, u"30"_s);
    const QCommandLineOption tpsOpt(u"tps"_s, u"Tokens per second of every stream (default 100)."_s, u"n"_s, u"100"_s);
    const QCommandLineOption tokensOpt(u"tokens"_s, u"Tokens per reply from the simulator (default 300)."_s, u"n"_s, u"300"_s);
    const QCommandLineOption slotsOpt(u"slots"_s, u"Concurrent requests the host allows (default 9: one per seat)."_s, u"n"_s, u"9"_s);
    const QCommandLineOption roundsOpt(u"rounds"_s, u"Rounds per debate, 1..10 (default 10); a finished debate is followed by another."_s,
        u"n"_s, QString::number(rt::debate::DebateConfig::kRoundCap));
    const QCommandLineOption runsOpt(u"cold-runs"_s, u"Cold starts per window kind (default 5)."_s, u"n"_s, u"5"_s);
    const QCommandLineOption simOpt(u"sim"_s, u"Simulator executable."_s, u"path"_s, QStringLiteral(RT_BENCH_SIM_PATH));
    const QCommandLineOption skipColdOpt(u"no-cold-start"_s, u"Skip the cold start part."_s);
    const QCommandLineOption coldOpt(u"cold-start"_s, u"Internal: open one window (app|bare), print when it painted, exit."_s, u"kind"_s);
    const QCommandLineOption hostOpt(u"host"_s, u"Internal (with --cold-start): Ollama host URL."_s, u"url"_s);
    const QCommandLineOption dbOpt(u"db"_s, u"Internal (with --cold-start): database file."_s, u"path"_s);
    const QCommandLineOption historyOpt(u"history-messages"_s,
        u"Messages of the one big conversation the history phase opens, scrolls and searches (default 100000; 0 skips it)."_s, u"n"_s,
        u"100000"_s);
    p.addOptions({ secondsOpt, tpsOpt, tokensOpt, slotsOpt, roundsOpt, runsOpt, simOpt, skipColdOpt, coldOpt, hostOpt, dbOpt, historyOpt });
    p.process(app);

    if (p.isSet(coldOpt)) {
        const QString kind = p.value(coldOpt);
        if (kind != u"app" && kind != u"bare") {
            std::fprintf(stderr, "--cold-start takes app or bare\n");
            return 2;
        }
        return coldStartChild(app, kind, p.value(hostOpt), p.value(dbOpt), mainNs);
    }

    const int seconds = std::max(1, p.value(secondsOpt).toInt());
    const int hostSlots = std::clamp(p.value(slotsOpt).toInt(), 1, rt::llm::HostConfig::MaxConcurrentLimit);
    const int coldRuns = std::max(1, p.value(runsOpt).toInt());

    // The simulator: every stream paced at --tps.
    QProcess sim;
    const QString url = rt::bench::startSimulator(sim, p.value(simOpt),
        { u"--tps"_s, p.value(tpsOpt), u"--tokens"_s, p.value(tokensOpt), u"--max-seconds"_s, QString::number(4 * seconds + 600) });
    if (url.isEmpty()) {
        std::fprintf(stderr, "bench-ui-responsiveness: simulator %s did not start\n", qPrintable(p.value(simOpt)));
        return 1;
    }
    auto stopSim = [&sim] {
        sim.terminate();
        if (!sim.waitForFinished(5000))
            sim.kill();
    };

    // The history phase: one conversation of --history-messages messages in
    // the window's database, written before the window opens it.
    const int historyMessages = std::max(0, p.value(historyOpt).toInt());
    double seedSeconds = 0;
    if (historyMessages > 0) {
        rt::storage::DatabaseLocation location;
        location.sqlitePath = home->filePath(u"bench.sqlite"_s);
        auto opened = rt::storage::openDatabase(location);
        if (!opened.ok()) {
            std::fprintf(stderr, "bench-ui-responsiveness: %s\n", qPrintable(opened.error().message));
            return 1;
        }
        rt::storage::StorageContext c(*opened.value().database);
        rt::test::HistorySeedOptions seed;
        seed.messages = historyMessages;
        seed.conversations = 1;
        seed.newestConversationMessages = historyMessages;
        QElapsedTimer t;
        t.start();
        auto ids = rt::test::seedHistory(c, seed);
        if (!ids.ok()) {
            std::fprintf(stderr, "bench-ui-responsiveness: seeding failed: %s\n", qPrintable(ids.error().message));
            return 1;
        }
        seedSeconds = double(t.elapsed()) / 1000.0;
    }

    rt::ui::Theme::apply(app, rt::ui::Theme::Mode::Light);
    rt::llm::HostConfig hostConfig;
    hostConfig.name = u"local"_s;
    hostConfig.url = QUrl(url);
    hostConfig.maxConcurrent = hostSlots;
    auto window = std::make_unique<rt::ui::MainWindow>(QList<rt::llm::HostConfig> { hostConfig }, home->filePath(u"bench.sqlite"_s));
    window->resize(kWindowSize);
    window->show();
    FrameCounter frames(window.get());

    // Settle: database open, agents and debates listed, the models known.
    const bool settled = waitUntil(
        [&] {
            return window->workspace()->isReady() && window->workspace()->agents() && window->workspace()->agents()->count() >= 9
                && window->debatesPage()->isLoaded() && window->modelCatalog()->model(u"llama3.2:1b"_s).has_value();
        },
        30'000);
    if (!settled) {
        std::fprintf(stderr, "bench-ui-responsiveness: the window did not settle in 30 s (workspace ready: %d, agents: %d)\n",
            int(window->workspace()->isReady()), window->workspace()->agents() ? int(window->workspace()->agents()->count()) : -1);
        stopSim();
        return 1;
    }
    window->showPage(window->pageIndex(window->debatesPage()));
    spin(1000); // let start-up work (model lists, task scan) finish

    // The nine built-in roles, models in turn, all debating every round.
    rt::debate::DebateConfig config;
    config.question = u"Which single programming language should a five-person startup pick for its new backend, and why?"_s;
    config.format = rt::debate::FormatKind::Simultaneous;
    config.maxRounds = std::clamp(p.value(roundsOpt).toInt(), 1, rt::debate::DebateConfig::kRoundCap);
    config.consensusThreshold = 1.0;
    config.stallRounds = 0;
    config.synthesis = false; // the moderator would otherwise sum up instead of debating
    config.embeddingModel = u"none"_s;
    const QStringList models { u"llama3.2:1b"_s, u"gemma3:1b"_s, u"qwen3:0.6b"_s };
    for (const rt::agents::Agent &agent : window->workspace()->agents()->agents()) {
        if (!agent.builtin || config.agents.size() >= 9)
            continue;
        rt::agents::Agent seat = agent;
        seat.model = models.at(config.agents.size() % models.size());
        seat.fallbackModels.clear();
        config.agents.append(seat);
    }
    if (config.agents.size() < 9)
        std::fprintf(stderr, "note: only %d built-in agents found\n", int(config.agents.size()));
    if (const QString problem = config.validate(); !problem.isEmpty()) {
        std::fprintf(stderr, "bench-ui-responsiveness: debate configuration refused: %s\n", qPrintable(problem));
        stopSim();
        return 1;
    }

    // 1. Baseline: the same window, idle.
    PhaseResult idle;
    {
        frames.reset();
        Probe probe;
        spin(seconds * 1000);
        fillFromProbe(idle, probe, frames);
    }

    // 2. Loaded: nine seats streaming.
    PhaseResult loaded;
    {
        DebateDriver driver(window.get(), config, &loaded);
        frames.reset();
        Probe probe;
        driver.begin();
        spin(seconds * 1000);
        fillFromProbe(loaded, probe, frames);
        driver.end();
        waitUntil(
            [&] {
                const auto *s = driver.session();
                return !s || !s->isLive() || s->phase() == rt::ui::DebateSession::Phase::Finished
                    || s->phase() == rt::ui::DebateSession::Phase::Failed;
            },
            10'000);
    }
    // 3. History: open the big conversation and scroll it end to end, then
    // type a search over it in the History page, letter by letter.
    PhaseResult scroll;
    PhaseResult searching;
    double openMs = -1;
    double searchMs = -1;
    int searchResults = 0;
    int searchesRun = 0;
    int rowsShown = 0;
    const QString query = u"model88 climate1"_s;
    if (historyMessages > 0) {
        rt::ui::ChatPage *chat = window->chatPage();
        auto conversations = window->workspace()->storage()->conversations(1);
        waitUntil([&] { return conversations.isFinished(); }, 30'000);
        if (conversations.result().ok() && !conversations.result()->isEmpty()) {
            const rt::storage::Conversation big = conversations.result()->first();
            window->showPage(window->pageIndex(chat));
            spin(300);
            frames.reset();
            Probe probe;
            bool opened = false;
            QObject::connect(chat, &rt::ui::ChatPage::conversationOpened, chat, [&] { opened = true; });
            QElapsedTimer t;
            t.start();
            chat->openConversation(big);
            waitUntil([&] { return opened; }, 60'000);
            QApplication::processEvents(); // the first paint of it
            openMs = double(t.nsecsElapsed()) / 1e6;
            rowsShown = chat->messages()->count();
            // End to end: from the newest message up to the oldest shown and back, a wheel-step at a time.
            QScrollBar *bar = chat->view()->verticalScrollBar();
            const int step = std::max(1, bar->singleStep() * 3);
            for (int v = bar->maximum(); v > 0; v -= step) {
                bar->setValue(v);
                spin(4);
            }
            for (int v = 0; v < bar->maximum(); v += step) {
                bar->setValue(v);
                spin(4);
            }
            fillFromProbe(scroll, probe, frames);
        } else {
            scroll.note = u"the seeded conversation was not found"_s;
        }

        rt::ui::HistoryPage *history = window->historyPage();
        window->showPage(window->pageIndex(history));
        spin(300);
        frames.reset();
        Probe probe;
        const int before = history->searchesRun();
        QLineEdit *box = history->searchBox();
        box->clear();
        QElapsedTimer t;
        for (const QChar c : query) {
            box->insert(QString(c));
            t.start(); // from the last keystroke
            spin(60); // a fast typist
        }
        waitUntil([&] { return !history->isSearching() && history->shownQuery() == query; }, 30'000);
        searchMs = double(t.nsecsElapsed()) / 1e6;
        spin(300);
        fillFromProbe(searching, probe, frames);
        searchResults = history->results()->rowCount();
        searchesRun = history->searchesRun() - before;
    }

    const double hwm = procStatusMiB("VmHWM");
    window->setCloseAnswer([] { return rt::ui::MainWindow::CloseChoice::Stop; });
    window.reset();

    // 3. Cold start, interleaved so drift in machine load spreads over both.
    ColdRow bare { u"bare QMainWindow"_s, {}, {}, {} };
    ColdRow real { u"roundtable MainWindow"_s, {}, {}, {} };
    if (!p.isSet(skipColdOpt)) {
        for (int run = 0; run < coldRuns; ++run) {
            if (bare.failure.isEmpty())
                runColdStart(bare, u"bare"_s, url, home->path(), run);
            if (real.failure.isEmpty())
                runColdStart(real, u"app"_s, url, home->path(), run);
        }
    }
    stopSim();

    // ---- report ----
    std::printf("ui_responsiveness: MainWindow offscreen %dx%d, %d s per phase; simulator --tps %s --tokens %s, one host with %d "
                "slots\n",
        kWindowSize.width(), kWindowSize.height(), seconds, qPrintable(p.value(tpsOpt)), qPrintable(p.value(tokensOpt)), hostSlots);
    std::printf("loaded: %d seats (built-in roles; llama3.2:1b, gemma3:1b, qwen3:0.6b in turn), simultaneous, up to %d rounds, "
                "threshold 1.0, no stall stop\n",
        int(config.agents.size()), config.maxRounds);
    std::printf("GUI-thread probe: %d ms precise timer, lateness = gap between fires - %d ms\n\n", kProbeIntervalMs, kProbeIntervalMs);
    std::printf("  %-38s %14s %14s   %-10s %s\n", "", "idle (base)", "loaded", "target", "verdict");
    printRow("timer lateness p50 (ms)", ms(idle.p50), ms(loaded.p50));
    printRow("timer lateness p99 (ms)", ms(idle.p99), ms(loaded.p99), u"< 16"_s, verdicts(idle.p99, loaded.p99, kTargetP99Ms, idle.ran));
    printRow("timer lateness max (ms)", ms(idle.max), ms(loaded.max), u"< 50"_s, verdicts(idle.max, loaded.max, kTargetMaxMs, idle.ran));
    printRow("max lateness at (s into the phase)", QString::number(idle.maxAtS, 'f', 1), QString::number(loaded.maxAtS, 'f', 1));
    printRow("timer fires / fires > 16 ms late", u"%1 / %2"_s.arg(idle.timerFires).arg(idle.over16),
        u"%1 / %2"_s.arg(loaded.timerFires).arg(loaded.over16));
    printRow("frames painted (UpdateRequest)", num(idle.frames), num(loaded.frames));
    printRow("widget paint events", num(idle.paints), num(loaded.paints));
    printRow("peak RSS in phase (MiB)", mib(idle.peakRss), mib(loaded.peakRss), u"< 300"_s,
        verdicts(idle.peakRss, loaded.peakRss, kTargetRssMiB, idle.ran));
    printRow("final RSS (MiB)", mib(idle.finalRss), mib(loaded.finalRss));
    printRow("token deltas received", num(0), num(loaded.deltas));
    printRow("turns started / finished", u"0 / 0"_s, u"%1 / %2"_s.arg(loaded.turnsStarted).arg(loaded.turnsFinished));
    printRow("debates started / ended (failed)", u"0 / 0"_s,
        u"%1 / %2 (%3)"_s.arg(loaded.debatesStarted).arg(loaded.debatesEnded).arg(loaded.debatesFailed));
    printRow("max seats with a live turn", num(0), num(loaded.maxLiveTurns));
    printRow("max seats streaming at once", num(0), num(loaded.maxStreaming));
    printRow("max seats with a delta in last 100 ms", num(0), num(loaded.maxRecent));
    if (historyMessages > 0) {
        std::printf("\nhistory: one conversation of %d messages (seeded in %.1f s); the Chat page shows its newest %d\n", historyMessages,
            seedSeconds, rowsShown);
        std::printf("  %-38s %14s %14s   %-10s %s\n", "", "scroll", "search", "target", "verdict");
        printRow("open: time until the conversation shows", ms(openMs), QString(), u"< 300"_s,
            QString::fromLatin1(verdict(openMs >= 0 && openMs < 300)));
        printRow("search: last keystroke -> results shown", QString(), ms(searchMs), QString(), QString());
        printRow("timer lateness p99 (ms)", ms(scroll.p99), ms(searching.p99), u"< 16"_s,
            QString::fromLatin1(verdict(scroll.p99 < kTargetP99Ms && searching.p99 < kTargetP99Ms)));
        printRow("timer lateness max (ms)", ms(scroll.max), ms(searching.max));
        printRow("frames painted (UpdateRequest)", num(scroll.frames), num(searching.frames));
        printRow("peak RSS in phase (MiB)", mib(scroll.peakRss), mib(searching.peakRss));
        std::printf("  search \"%s\" typed letter by letter (60 ms apart): %d searches ran, %d results shown\n", qPrintable(query),
            searchesRun, searchResults);
        if (!scroll.note.isEmpty())
            std::printf("  note: %s\n", qPrintable(scroll.note));
    }
    std::printf("  process peak RSS (VmHWM, whole run): %.1f MiB\n", hwm);
    if (!loaded.note.isEmpty())
        std::printf("  note: %s\n", qPrintable(loaded.note));

    if (p.isSet(skipColdOpt)) {
        std::printf("\ncold start: skipped (--no-cold-start)\n");
        return 0;
    }
    std::printf("\ncold start: process spawn -> first painted frame of the window (child process, offscreen, temporary HOME and "
                "SQLite file), %d runs\n",
        coldRuns);
    std::printf("  %-24s %10s %10s %16s   %-10s %s\n", "window", "median ms", "min ms", "main->paint med", "target", "verdict");
    for (const ColdRow *row : { &bare, &real }) {
        if (row->spawnToPaint.empty()) {
            std::printf("  %-24s failed: %s\n", qPrintable(row->name), qPrintable(row->failure));
            continue;
        }
        const double med = median(row->spawnToPaint);
        const double min = *std::min_element(row->spawnToPaint.begin(), row->spawnToPaint.end());
        const bool isApp = row == &real;
        std::printf("  %-24s %10.1f %10.1f %16.1f   %-10s %s\n", qPrintable(row->name), med, min, median(row->mainToPaint),
            isApp ? "< 500" : "", isApp ? verdict(med < kTargetColdMs) : "");
        if (!row->failure.isEmpty())
            std::printf("  %-24s (stopped early: %s)\n", "", qPrintable(row->failure));
    }
    if (!bare.spawnToPaint.empty() && !real.spawnToPaint.empty())
        std::printf("  MainWindow - bare: %+.1f ms (median)\n", median(real.spawnToPaint) - median(bare.spawnToPaint));
    return 0;
}
