#include "guiapp.h"

#include "agentspage.h"
#include "chatinput.h"
#include "chatpage.h"
#include "common/appsettings.h"
#include "common/i18n.h"
#include "common/logging.h"
#include "debatesession.h"
#include "debatespage.h"
#include "demoserver.h"
#include "historypage.h"
#include "icons.h"
#include "llm/chattypes.h"
#include "llm/endpointpool.h"
#include "llm/modelcatalog.h"
#include "llm/ollamahost.h"
#include "llm/pooledchat.h"
#include "mainwindow.h"
#include "metricspage.h"
#include "modellistmodel.h"
#include "modelspage.h"
#include "newdebatepanel.h"
#include "pulldialog.h"
#include "settingspage.h"
#include "taskspage.h"
#include "theme.h"
#include "workspace.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineSeries>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTableWidget>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <functional>
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

QCommandLineOption pageOption();

QCommandLineOption languageOption()
{
    return { QStringLiteral("language"),
        QCoreApplication::translate("rt::ui::GuiOptions",
            "Language of the window for this run: en, de or fr (default: the choice in Settings, else the system's)."),
        QStringLiteral("code") };
}

QCommandLineOption themeOption()
{
    return { QStringLiteral("theme"),
        QCoreApplication::translate(
            "rt::ui::GuiOptions", "Colours for this run: light, dark or system (default: the choice in Settings, else system)."),
        QStringLiteral("name"), QStringLiteral("system") };
}

// A page --page can open: how to open it once the window has settled, and
// when it is ready to be captured. open() is asked again until it says true.
struct PageSpec {
    QString name;
    QString description; // for --help
    std::function<bool(MainWindow &)> open;
    std::function<bool(MainWindow &)> ready;
};

bool debatesLoaded(MainWindow &window)
{
    return window.workspace()->isReady() && window.debatesPage()->isLoaded();
}

bool openDebates(MainWindow &window)
{
    if (!debatesLoaded(window))
        return false;
    window.showPage(window.pageIndex(window.debatesPage()));
    return true;
}

// A sample debate needs the agents and the models.
bool startSample(MainWindow &window)
{
    if (!openDebates(window))
        return false;
    if (!window.modelCatalog()->hasAnyList() && window.connectionMonitor()->state() == ConnectionMonitor::State::Online)
        return false;
    window.debatesPage()->startSample();
    return true;
}

// A short run for the Metrics picture in the demo: four real chats through
// the window's pool to the simulator, a second apart, the first two broken
// mid-stream by faults queued on the simulator (its /_sim/fault control API);
// then the hosts are probed, which reads what is loaded.
class SampleRun final : public QObject {
public:
    static constexpr int Chats = 4;

    SampleRun(MainWindow &window, const QString &model)
        : QObject(&window)
        , m_window(window)
        , m_model(model)
    {
        setObjectName(QStringLiteral("metricsSampleRun"));
        QUrl url = window.demoServer()->url();
        url.setPath(QStringLiteral("/_sim/fault"));
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        const QJsonObject fault { { QStringLiteral("mode"), QStringLiteral("error_midstream") },
            { QStringLiteral("arg"), QStringLiteral("8") }, { QStringLiteral("count"), 2 },
            { QStringLiteral("path"), QStringLiteral("/api/chat") } };
        QNetworkReply *reply = m_network.post(request, QJsonDocument(fault).toJson(QJsonDocument::Compact));
        connect(reply, &QNetworkReply::finished, this, [this, reply] {
            reply->deleteLater();
            for (int i = 0; i < Chats; ++i)
                QTimer::singleShot(i * 1200, this, [this, i] { send(i); });
        });
    }

    bool isDone() const { return m_finished == Chats; }
    QString model() const { return m_model; }

private:
    void send(int i)
    {
        static const char *const prompts[]
            = { "What makes a round table fair?", "Who speaks first at a round table?", "How do you end a debate that goes in circles?" };
        rt::llm::ChatRequest request;
        request.model = m_model;
        request.messages = { rt::llm::ChatMessage::user(QString::fromUtf8(prompts[i % Chats])) };
        rt::llm::PooledChat *chat = m_window.pool()->chat(request, { m_model });
        connect(chat, &rt::llm::PooledChat::finished, this, [this] {
            if (++m_finished == Chats)
                m_window.pool()->probeNow(); // what the simulator has loaded now
        });
    }

    MainWindow &m_window;
    QString m_model;
    QNetworkAccessManager m_network;
    int m_finished = 0;
};

bool openMetrics(MainWindow &window)
{
    window.showPage(window.pageIndex(window.metricsPage()));
    if (!window.isDemo())
        return true; // a real Ollama is not sent requests for a picture
    // The simulator's everyday model when it has it (the chat's may be its deliberately slow one).
    const QString everyday = QStringLiteral("llama3.2:1b");
    const QString model
        = window.modelCatalog()->model(everyday, window.pool()->defaultHost()) ? everyday : window.chatPage()->currentModel();
    if (model.isEmpty())
        return false;
    new SampleRun(window, model);
    return true;
}

bool metricsReady(MainWindow &window)
{
    MetricsPage *page = window.metricsPage();
    if (!window.isDemo())
        return page->refreshCount() >= 3; // a sample or two after the probes the page started
    auto *run = dynamic_cast<SampleRun *>(window.findChild<QObject *>(QStringLiteral("metricsSampleRun"), Qt::FindDirectChildrenOnly));
    if (!run || !run->isDone() || page->loadedTable()->rowCount() == 0)
        return false;
    // The lines hold the run: tokens, response times, and the failure.
    const QLineSeries *tokens = page->series(rt::metrics::Chart::TokensPerSecond, run->model());
    const QLineSeries *errors = page->series(rt::metrics::Chart::ErrorRate, window.pool()->defaultHost());
    auto positive = [](const QLineSeries *series) {
        if (!series)
            return false;
        const QList<QPointF> points = series->points();
        return std::any_of(points.cbegin(), points.cend(), [](const QPointF &p) { return p.y() > 0; });
    };
    return positive(tokens) && positive(errors) && page->series(rt::metrics::Chart::Latency, QStringLiteral("p50"));
}

const QList<PageSpec> &pageSpecs()
{
    static const QList<PageSpec> specs {
        { QStringLiteral("chat"), QStringLiteral("the chat"),
            [](MainWindow &window) {
                window.showPage(window.pageIndex(window.chatPage()));
                return true;
            },
            [](MainWindow &) { return true; } },
        { QStringLiteral("debates"), QStringLiteral("the list of debates"), openDebates, debatesLoaded },
        { QStringLiteral("debate-new"), QStringLiteral("a new debate"),
            [](MainWindow &window) {
                if (!openDebates(window))
                    return false;
                window.debatesPage()->newDebate();
                window.debatesPage()->newPanel()->questionEdit()->setPlainText(
                    QCoreApplication::translate("rt::ui::GuiOptions", "Should a small team write its own tests before the code?"));
                return true;
            },
            debatesLoaded },
        { QStringLiteral("debate-live"), QStringLiteral("a sample debate, mid-round"), startSample,
            [](MainWindow &window) {
                // Mid-round: seats are writing.
                DebateSession *session = window.debatesPage()->currentSession();
                if (!session)
                    return false;
                for (const DebateSession::LiveTurn &turn : session->liveTurns()) {
                    if (turn.text.size() >= 60)
                        return true;
                }
                return false;
            } },
        { QStringLiteral("debate-result"), QStringLiteral("a sample debate, finished"), startSample,
            [](MainWindow &window) {
                DebateSession *session = window.debatesPage()->currentSession();
                return session && (session->phase() == DebateSession::Phase::Finished || session->phase() == DebateSession::Phase::Failed);
            } },
        { QStringLiteral("agents"), QStringLiteral("the agents, built-ins first"),
            [](MainWindow &window) {
                if (!window.agentsPage()->isLoaded())
                    return false;
                window.showPage(window.pageIndex(window.agentsPage()));
                return true;
            },
            [](MainWindow &window) { return window.agentsPage()->isLoaded(); } },
        { QStringLiteral("agent-edit"), QStringLiteral("the editor, open on the Skeptic"),
            [](MainWindow &window) {
                if (!window.agentsPage()->isLoaded())
                    return false;
                window.showPage(window.pageIndex(window.agentsPage()));
                return window.agentsPage()->selectAgentByName(QStringLiteral("Skeptic"));
            },
            [](MainWindow &window) { return window.agentsPage()->isLoaded(); } },
        { QStringLiteral("models"), QStringLiteral("the models of every host, one with its details"),
            [](MainWindow &window) {
                ModelsPage *page = window.modelsPage();
                window.showPage(window.pageIndex(page)); // probes the hosts while shown
                if (!page->isLoaded())
                    return false;
                page->showTab(ModelsPage::Tab::Models);
                page->selectFirstModel();
                return true;
            },
            [](MainWindow &window) {
                ModelsPage *page = window.modelsPage();
                return page->isLoaded() && (page->detailsLoaded() || page->modelModel()->rowCount() == 0);
            } },
        { QStringLiteral("pull"), QStringLiteral("pulling a model (with --demo: one mid-pull)"),
            [](MainWindow &window) {
                ModelsPage *page = window.modelsPage();
                window.showPage(window.pageIndex(page));
                if (!page->isLoaded() || !window.workspace()->isReady())
                    return false;
                // Only the demo's simulator pulls for a picture; a real Ollama would download gigabytes.
                page->openPull(window.isDemo() ? QStringLiteral("tinyllama:latest") : QStringLiteral("llama3.2:3b"));
                if (window.isDemo())
                    page->pullDialog()->startPull();
                return true;
            },
            [](MainWindow &window) {
                PullDialog *pull = window.modelsPage()->pullDialog();
                if (!window.isDemo())
                    return true;
                return !pull->shownTasks().isEmpty() && pull->rowPercent(pull->shownTasks().constFirst()) >= 20;
            } },
        { QStringLiteral("hosts"), QStringLiteral("the Ollama hosts: state, version, latency, models"),
            [](MainWindow &window) {
                ModelsPage *page = window.modelsPage();
                window.showPage(window.pageIndex(page));
                page->showTab(ModelsPage::Tab::Hosts);
                return page->isLoaded();
            },
            [](MainWindow &window) { return window.modelsPage()->isLoaded(); } },
        { QStringLiteral("settings"), QStringLiteral("the settings"),
            [](MainWindow &window) {
                window.showPage(window.pageIndex(window.settingsPage()));
                return true;
            },
            [](MainWindow &window) { return window.workspace()->isReady(); } },
        { QStringLiteral("history"), QStringLiteral("the history, searched for a word from the stored titles"),
            [](MainWindow &window) {
                HistoryPage *history = window.historyPage();
                if (!window.workspace()->isReady() || !history->isLoaded())
                    return false;
                window.showPage(window.pageIndex(history));
                history->search(history->sampleWord());
                return true;
            },
            [](MainWindow &window) { return !window.historyPage()->isSearching() && !window.historyPage()->shownQuery().isEmpty(); } },
        { QStringLiteral("tasks"), QStringLiteral("running and recent tasks"),
            [](MainWindow &window) {
                if (!window.tasksPage()->isLoaded())
                    return false;
                window.showPage(window.pageIndex(window.tasksPage()));
                return true;
            },
            [](MainWindow &window) { return window.tasksPage()->isLoaded(); } },
        { QStringLiteral("metrics"), QStringLiteral("the dashboard (with --demo: after four simulated chats, two failing)"), openMetrics,
            metricsReady },
    };
    return specs;
}

const PageSpec *findPage(const QString &name)
{
    for (const PageSpec &spec : pageSpecs()) {
        if (spec.name == name)
            return &spec;
    }
    return nullptr;
}

QStringList pageNames()
{
    QStringList names;
    for (const PageSpec &spec : pageSpecs())
        names.append(spec.name);
    return names;
}

QCommandLineOption pageOption()
{
    QStringList described;
    for (const PageSpec &spec : pageSpecs())
        described.append(QStringLiteral("%1 (%2)").arg(spec.name, spec.description));
    return { QStringLiteral("page"),
        QCoreApplication::translate("rt::ui::GuiOptions", "Open this page: %1. With --screenshot, that page is saved.")
            .arg(described.join(QStringLiteral(", "))),
        QStringLiteral("name"), QStringLiteral("chat") };
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
    parser.addOption(pageOption());
    parser.addOption(themeOption());
    parser.addOption(languageOption());
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
    const bool parsed = parser.parse(app.arguments());
    // The language first (--language for this run, else the choice in Settings,
    // else the system's), so that every message below is in it.
    QString language = rt::AppSettings::value(rt::AppSettings::Language).toString();
    const bool languageGiven = parsed && parser.isSet(languageOption());
    if (languageGiven)
        language = parser.value(languageOption());
    rt::i18n::install(&app, rt::i18n::resolve(language));
    if (languageGiven && !rt::i18n::languages().contains(language)) {
        printError(QCoreApplication::translate("rt::ui::GuiOptions", "--language \"%1\" is not a language Roundtable speaks; use %2.")
                       .arg(language, rt::i18n::languages().join(QStringLiteral(", "))));
        return 2;
    }
    if (!parsed) {
        printError(QCoreApplication::translate("rt::ui::GuiOptions", "%1 (see roundtable --help)").arg(parser.errorText()));
        return 2;
    }
    if (!parser.positionalArguments().isEmpty()) {
        printError(QCoreApplication::translate("rt::ui::GuiOptions", "Unexpected argument \"%1\" (see roundtable --help).")
                       .arg(parser.positionalArguments().constFirst()));
        return 2;
    }
    if (parser.isSet(verbose))
        rt::enableVerboseLogging();

    QUrl url = rt::llm::resolveOllamaHost(parser.value(host));
    if (parser.isSet(host)) {
        if (const auto checked = rt::llm::parseOllamaHostStrict(parser.value(host)); !checked) {
            printError(QCoreApplication::translate("rt::ui::GuiOptions", "--ollama-host \"%1\" is not a valid Ollama host: %2")
                           .arg(parser.value(host), checked.error().message));
            return 2;
        }
    }

    const QString page = parser.value(pageOption());
    const PageSpec *spec = findPage(page);
    if (!spec) {
        printError(QCoreApplication::translate("rt::ui::GuiOptions", "--page \"%1\" is not a page; use one of: %2.")
                       .arg(page, pageNames().join(QStringLiteral(", "))));
        return 2;
    }
    // --theme for this run, else the theme chosen in Settings.
    const QString themeName
        = parser.isSet(themeOption()) ? parser.value(themeOption()) : rt::AppSettings::value(rt::AppSettings::Theme).toString();
    std::optional<Theme::Mode> mode = Theme::parseMode(themeName);
    if (!mode && !parser.isSet(themeOption()))
        mode = Theme::systemMode(); // a bad saved value is not the user's typing error
    if (!mode) {
        printError(QCoreApplication::translate("rt::ui::GuiOptions", "--theme \"%1\" is not a theme; use light, dark or system.")
                       .arg(parser.value(themeOption())));
        return 2;
    }

    // The desktop entry's id (packaging/org.roundtable.Roundtable.desktop), so
    // a Wayland compositor matches the window to its icon and name.
    QGuiApplication::setDesktopFileName(QStringLiteral("org.roundtable.Roundtable"));
    QApplication::setWindowIcon(Icons::app());
    Theme::apply(app, *mode);

    // --ollama-host: just this host; else the hosts in the settings (roundtable hosts).
    QList<rt::llm::HostConfig> hosts = rt::llm::HostConfig::fromSettings(parser.isSet(host) ? url.toString() : QString());
    Theme::TranscriptPointSize = rt::AppSettings::value(rt::AppSettings::TranscriptFontPt).toInt();
    MainWindow window(hosts, parser.value(database));
    window.settingsPage()->setOverrides({ parser.value(database), parser.isSet(host) ? parser.value(host) : QString(),
        parser.isSet(themeOption()) ? parser.value(themeOption()) : QString() });
    window.show();
    if (parser.isSet(demoOption()))
        window.startDemo();

    const bool screenshot = parser.isSet(screenshotOption());
    auto *poll = new QTimer(&window);
    auto clock = std::make_shared<QElapsedTimer>();
    auto opened = std::make_shared<bool>(false);
    clock->start();
    const QString file = screenshot ? QFileInfo(parser.value(screenshotOption())).absoluteFilePath() : QString();
    QObject::connect(poll, &QTimer::timeout, &window, [&window, poll, clock, opened, file, spec, screenshot] {
        // Let it settle (host answered, models listed), then open the page.
        if (!*opened) {
            if ((!window.isSettled() || clock->elapsed() < 800) && clock->elapsed() < 20'000)
                return;
            *opened = spec->open(window);
            if (!*opened && clock->elapsed() < 30'000)
                return;
            *opened = true;
            if (!screenshot) {
                poll->stop();
                return;
            }
        }
        // A sample debate takes a while; give up after two minutes.
        if (!spec->ready(window) && clock->elapsed() < 120'000)
            return;
        poll->stop();
        QDir().mkpath(QFileInfo(file).absolutePath());
        const bool saved = window.grab().save(file, "PNG");
        if (!saved)
            printError(QCoreApplication::translate("rt::ui::GuiOptions", "Could not write the screenshot to %1.").arg(file));
        // A sample debate still running is left resumable, not asked about.
        window.setCloseAnswer([] { return MainWindow::CloseChoice::KeepResumable; });
        QCoreApplication::exit(saved ? 0 : 1);
    });
    if (screenshot || parser.isSet(pageOption()))
        poll->start(200);
    return QApplication::exec();
}

} // namespace rt::ui
