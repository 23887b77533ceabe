#include "mainwindow.h"

#include "agentspage.h"
#include "chatpage.h"
#include "common/appsettings.h"
#include "common/logging.h"
#include "conversationlist.h"
#include "debate/debatejob.h"
#include "debatespage.h"
#include "debateview.h"
#include "demoserver.h"
#include "historypage.h"
#include "icons.h"
#include "llm/clientconfig.h"
#include "llm/endpointpool.h"
#include "llm/modelcatalog.h"
#include "llm/ollamaclient.h"
#include "llm/ollamahost.h"
#include "metricspage.h"
#include "modelspage.h"
#include "newdebatepanel.h"
#include "offlinepanel.h"
#include "remotetablewindow.h"
#include "server/metricsservice.h"
#include "settingspage.h"
#include "shortcutsdialog.h"
#include "taskindicator.h"
#include "tasks/pulljob.h"
#include "tasks/taskmanager.h"
#include "taskspage.h"
#include "theme.h"
#include "workspace.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTimer>
#include <QVBoxLayout>
#include <memory>

namespace rt::ui {

namespace {
QList<rt::llm::HostConfig> oneHost(const QUrl &url)
{
    QList<rt::llm::HostConfig> hosts = rt::llm::HostConfig::fromSettings(url.toString());
    hosts.first().url = url;
    return hosts;
}
} // namespace

MainWindow::MainWindow(const QUrl &host, const QString &dbArgument, QWidget *parent)
    : MainWindow(oneHost(host), dbArgument, parent)
{
}

MainWindow::MainWindow(const QList<rt::llm::HostConfig> &hosts, const QString &dbArgument, QWidget *parent)
    : QMainWindow(parent)
    , m_configuredHost(hosts.value(0).url)
    , m_pool(new rt::llm::EndpointPool(hosts, this))
    , m_primaryHost(hosts.value(0).name)
    , m_client(m_pool->controlClient(m_primaryHost)) // the pool's control client of the first host
    , m_monitor(new ConnectionMonitor(m_client, this))
    , m_workspace(new Workspace(dbArgument, m_pool, this))
    , m_demo(new DemoServer(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    // Every host's models: debate seats, the Models page, pulls (resumed as tasks).
    m_catalog = new rt::llm::ModelCatalog(m_pool, {}, this);
    m_workspace->setModelCatalog(m_catalog);
    // Metrics from the real paths: the pool now (before any debate engine
    // exists, since engines take the registry from the pool), storage and
    // tasks once the database is open.
    m_metrics = new rt::server::MetricsService(this);
    m_metrics->attach(m_pool, nullptr, nullptr);
    auto attachWorkspace = [this] { m_metrics->attach(nullptr, m_workspace->storage(), m_workspace->tasks()); };
    if (m_workspace->isReady())
        attachWorkspace();
    else
        connect(m_workspace, &Workspace::ready, this, attachWorkspace);
    // Demo replies stream at a believable pace and length.
    m_demo->setExtraArguments(
        { QStringLiteral("--quiet"), QStringLiteral("--tps"), QStringLiteral("30"), QStringLiteral("--tokens"), QStringLiteral("90") });
    resize(1180, 780);
    setMinimumSize(760, 520);

    auto *central = new QWidget(this);
    auto *sidebar = new QFrame(central);
    buildSidebar(sidebar);

    m_pages = new QStackedWidget(central);
    m_offline = new OfflinePanel(central);
    m_content = new QStackedWidget(central);
    m_content->addWidget(m_pages);
    m_content->addWidget(m_offline);
    buildDemoBanner();

    auto *right = new QVBoxLayout;
    right->setContentsMargins(0, 0, 0, 0);
    right->setSpacing(0);
    right->addWidget(m_demoBanner);
    right->addWidget(m_content, 1);
    auto *layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(sidebar);
    layout->addLayout(right, 1);
    setCentralWidget(central);

    // Pages, in sidebar order. Pages that work without Ollama say Needs::Nothing.
    m_chat = new ChatPage(m_pool, m_client, m_workspace, this);
    m_chat->setLiveFeed(m_metrics->feed()); // Share: remote viewers watch this conversation
    addPage(tr("Chat"), Icons::chat(Theme::SidebarText), m_chat);
    m_debates = new DebatesPage(m_workspace, m_pool, m_catalog, this);
    addPage(tr("Debates"), Icons::debate(Theme::SidebarText), m_debates, Needs::Nothing);
    // After a crash the unfinished debates are the first thing to see.
    connect(m_debates, &DebatesPage::interruptedOffered, this, [this] {
        if (m_pages->currentWidget() == m_chat && !m_chat->isBusy())
            showPage(pageIndex(m_debates));
    });
    m_agentsPage = new AgentsPage(m_workspace, m_catalog, this);
    addPage(tr("Agents"), Icons::agents(Theme::SidebarText), m_agentsPage, Needs::Nothing);
    connect(m_agentsPage, &AgentsPage::tryRequested, this, [this](const rt::agents::Agent &agent) {
        showPage(pageIndex(m_chat));
        m_chat->startChatWithAgent(agent);
    });
    m_models = new ModelsPage(m_pool, m_catalog, m_workspace, this);
    addPage(tr("Models"), Icons::models(Theme::SidebarText), m_models, Needs::Nothing);
    // "Pull it" wherever a model is missing: the Models page with the pull panel filled in.
    auto pullModel = [this](const QString &model) {
        showPage(pageIndex(m_models));
        m_models->openPull(model);
    };
    connect(m_chat, &ChatPage::pullRequested, this, pullModel);
    connect(m_debates->newPanel(), &NewDebatePanel::pullRequested, this, pullModel);
    m_history = new HistoryPage(m_workspace, this);
    addPage(tr("History"), Icons::history(Theme::SidebarText), m_history, Needs::Nothing);
    connect(m_history, &HistoryPage::openConversationRequested, this, [this](qint64 conversationId, qint64 messageId) {
        showPage(pageIndex(m_chat));
        m_chat->showMessage(conversationId, messageId);
    });
    connect(m_history, &HistoryPage::openDebateRequested, this, [this](qint64 debateId, qint64 turnId) {
        showPage(pageIndex(m_debates));
        m_debates->showTurn(debateId, turnId);
    });
    // Export from the chat list goes through the same code as History's; an
    // import shows in the chat list and the debates list at once.
    connect(
        m_chat->conversationList(), &ConversationList::exportRequested, m_history, [this](qint64 id) { m_history->exportItem(false, id); });
    connect(m_history, &HistoryPage::imported, this, [this](const QString &kind, qint64, const QString &error) {
        if (!error.isEmpty())
            return;
        if (kind == u"conversation")
            m_chat->conversationList()->reload();
        else
            m_debates->reload();
    });
    m_tasksPage = new TasksPage(m_workspace, this);
    addPage(tr("Tasks"), Icons::tasks(Theme::SidebarText), m_tasksPage, Needs::Nothing);
    // A debate resumes into its live view; Open shows what a task works on.
    m_tasksPage->setResumeHandler(rt::debate::DebateJob::Kind, [this](const rt::tasks::TaskInfo &task) {
        showPage(pageIndex(m_debates));
        m_debates->resumeDebate(qint64(task.payload.value(rt::debate::DebateJob::DebateIdKey).toDouble()));
    });
    connect(m_tasksPage, &TasksPage::openRequested, this, [this](const rt::tasks::TaskInfo &task) {
        if (task.kind == rt::debate::DebateJob::Kind) {
            showPage(pageIndex(m_debates));
            m_debates->openDebate(qint64(task.payload.value(rt::debate::DebateJob::DebateIdKey).toDouble()));
        }
        if (task.kind == rt::tasks::PullJob::Kind) {
            showPage(pageIndex(m_models));
            m_models->openPull();
        }
    });
    m_metricsPage = new MetricsPage(m_metrics, m_pool, this);
    addPage(tr("Metrics"), Icons::metrics(Theme::SidebarText), m_metricsPage, Needs::Nothing);
    m_settingsPage = new SettingsPage(m_workspace, m_pool, m_catalog, this);
    addPage(tr("Settings"), Icons::settings(Theme::SidebarText), m_settingsPage, Needs::Nothing);
    m_settingsPage->setMetricsService(m_metrics);
    connect(m_settingsPage, &SettingsPage::restartRequested, this, &MainWindow::restart);
    connect(m_settingsPage, &SettingsPage::manageHostsRequested, this, [this] {
        showPage(pageIndex(m_models));
        m_models->showTab(ModelsPage::Tab::Hosts);
    });

    // Status bar: a coloured dot and the host with its state.
    m_statusDot = new QLabel(this);
    m_statusText = new QLabel(this);
    m_statusText->setObjectName(QStringLiteral("connectionStatus"));
    m_statusText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_modelCount = new QLabel(this);
    Theme::style(m_modelCount, QStringLiteral("color: {MutedText}; padding-right: 8px;"));
    statusBar()->setSizeGripEnabled(false);
    statusBar()->addWidget(m_statusDot);
    statusBar()->addWidget(m_statusText, 1);
    statusBar()->addPermanentWidget(m_modelCount);
    m_tasks = new TaskIndicator(this);
    statusBar()->addPermanentWidget(m_tasks);
    connect(m_tasks, &TaskIndicator::clicked, this, [this](const QString &kind) {
        if (kind == u"debate")
            showPage(pageIndex(m_debates));
        else if (kind == rt::tasks::PullJob::Kind) {
            showPage(pageIndex(m_models));
            m_models->openPull();
        } else
            showPage(pageIndex(m_tasksPage));
    });
    auto tasksReady = [this] { m_tasks->setTaskManager(m_workspace->tasks()); };
    if (m_workspace->isReady())
        tasksReady();
    else
        connect(m_workspace, &Workspace::ready, this, tasksReady);

    buildActions();

    // The database: a failure is said once, in the status bar, in words.
    connect(m_workspace, &Workspace::openFailed, this, [this](const rt::Error &error) {
        auto *warning = new QLabel(tr("⚠ Not saving: %1 Using a temporary database until restart. <a href=\"settings\">Choose another…</a>")
                                       .arg(error.message.section(u'\n', 0, 0).toHtmlEscaped()),
            this);
        warning->setObjectName(QStringLiteral("databaseWarning"));
        warning->setTextFormat(Qt::RichText);
        connect(warning, &QLabel::linkActivated, this, [this] { showPage(pageIndex(m_settingsPage)); });
        warning->setToolTip(tr("%1\n\nDatabase: %2\nChoose another in Settings, with --db or $ROUNDTABLE_DB.")
                                .arg(error.message, m_workspace->locationName()));
        Theme::style(warning, QStringLiteral("color: {ErrorText}; padding-right: 8px;"));
        statusBar()->addPermanentWidget(warning);
    });

    connect(m_monitor, &ConnectionMonitor::stateChanged, this, &MainWindow::onConnectionStateChanged);
    connect(m_monitor, &ConnectionMonitor::checkingChanged, this, [this](bool checking) {
        m_offline->setChecking(checking);
        if (!checking)
            m_offline->setReason(m_monitor->lastError().message);
        updateStatus();
    });
    connect(m_monitor, &ConnectionMonitor::countdownChanged, this, [this](int seconds) {
        m_offline->setCountdown(seconds);
        updateStatus();
    });
    connect(m_chat, &ChatPage::connectionLost, m_monitor, &ConnectionMonitor::checkNow);
    connect(m_chat, &ChatPage::modelsChanged, this, [this](int count) {
        m_modelCount->setText(count == 1 ? tr("1 model") : count > 1 ? tr("%1 models").arg(count) : QString());
    });
    connect(m_chat, &ChatPage::busyChanged, this, [this](bool busy) { m_stopAction->setEnabled(busy); });
    connect(m_offline, &OfflinePanel::retryRequested, m_monitor, &ConnectionMonitor::checkNow);
    connect(m_offline, &OfflinePanel::demoRequested, this, &MainWindow::startDemo);

    connect(m_demo, &DemoServer::started, this, [this](const QUrl &url) {
        m_demoActive = true;
        m_debates->setDemo(true);
        m_demoMessage.clear();
        m_offline->setDemoStarting(false);
        m_offline->setDemoError(QString());
        switchHost(url);
    });
    connect(m_demo, &DemoServer::failed, this, [this](const QString &message) {
        m_offline->setDemoError(message);
        m_demoMessage = message;
        updateStatus();
    });
    connect(m_demo, &DemoServer::stopped, this, [this](bool unexpectedly) {
        if (!m_demoActive)
            return;
        m_demoActive = false;
        if (unexpectedly) {
            m_demoMessage = tr("The demo simulator stopped unexpectedly.");
            m_offline->setDemoError(m_demoMessage);
        }
        switchHost(m_configuredHost);
    });

    m_offline->setHost(m_configuredHost);
    updateTitle();
    updateStatus();
    // A theme chosen in Settings: what is coloured in code follows.
    connect(Theme::notifier(), &Theme::Notifier::modeChanged, this, &MainWindow::updateStatus);
    restoreWindowState();
    if (m_pages->currentWidget() == m_chat)
        m_chat->focusInput();
    m_monitor->restart();
}

void MainWindow::restoreWindowState()
{
    const QByteArray geometry = rt::AppSettings::value(rt::AppSettings::WindowGeometry).toByteArray();
    if (!geometry.isEmpty())
        restoreGeometry(geometry);
    const QByteArray state = rt::AppSettings::value(rt::AppSettings::WindowState).toByteArray();
    if (!state.isEmpty())
        restoreState(state);
    const QString page = rt::AppSettings::value(rt::AppSettings::LastPage).toString();
    for (int i = 0; i < m_pages->count(); ++i) {
        if (!page.isEmpty() && m_pages->widget(i)->objectName() == page)
            showPage(i);
    }
}

void MainWindow::saveWindowState()
{
    rt::AppSettings::setValue(rt::AppSettings::WindowGeometry, saveGeometry());
    rt::AppSettings::setValue(rt::AppSettings::WindowState, saveState());
    if (QWidget *page = m_pages->currentWidget())
        rt::AppSettings::setValue(rt::AppSettings::LastPage, page->objectName());
}

MainWindow::~MainWindow()
{
    // Stop the simulator while the window's signal receivers still exist quietly.
    m_demo->disconnect(this);
    m_demo->stop();
    // In order: the pages (they may queue last writes), then the workspace
    // (running debates saved as interrupted, storage flushed), and only then,
    // with the other children, the pool the debates ran on.
    delete m_chat;
    m_chat = nullptr;
    delete m_debates;
    m_debates = nullptr;
    delete m_models; // its pull list follows the task manager
    m_models = nullptr;
    // The agents page writes a pending delete or edit as it goes.
    for (QWidget *page : std::initializer_list<QWidget *> { m_agentsPage, m_history, m_tasksPage, m_settingsPage })
        delete page;
    m_agentsPage = nullptr;
    m_history = nullptr;
    m_tasksPage = nullptr;
    m_settingsPage = nullptr;
    delete m_workspace;
    m_workspace = nullptr;
}

void MainWindow::buildSidebar(QFrame *sidebar)
{
    sidebar->setObjectName(QStringLiteral("sidebar"));
    sidebar->setFixedWidth(208);
    Theme::style(sidebar, QStringLiteral(R"(
QFrame#sidebar { background: {SidebarBackground}; }
QLabel { color: {SidebarText}; }
QListWidget { background: transparent; border: none; color: {SidebarText}; outline: none; }
QListWidget::item { padding: 8px 10px; margin: 1px 10px; border-radius: 7px; }
QListWidget::item:hover { background: #2a3140; }
QListWidget::item:selected { background: {SidebarSelected}; color: #ffffff; }
)"));

    auto *logo = new QLabel(sidebar);
    logo->setPixmap(Icons::app().pixmap(28, 28));
    auto *name = new QLabel(tr("Roundtable"), sidebar);
    name->setFont(Theme::scaledFont(font(), 1.25, true));
    name->setStyleSheet(QStringLiteral("color: #ffffff;"));
    auto *brand = new QHBoxLayout;
    brand->setContentsMargins(18, 18, 18, 14);
    brand->setSpacing(10);
    brand->addWidget(logo);
    brand->addWidget(name, 1);

    m_nav = new QListWidget(sidebar);
    m_nav->setObjectName(QStringLiteral("navigation"));
    m_nav->setIconSize(QSize(18, 18));
    m_nav->setFrameShape(QFrame::NoFrame);
    m_nav->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_nav->setFont(Theme::scaledFont(font(), 1.0));
    connect(m_nav, &QListWidget::currentRowChanged, this, &MainWindow::showPage);

    auto *version = new QLabel(tr("Version %1").arg(QStringLiteral(RT_VERSION)), sidebar);
    version->setFont(Theme::scaledFont(font(), 0.82));
    version->setStyleSheet(QStringLiteral("color: #7d8596;"));

    auto *layout = new QVBoxLayout(sidebar);
    layout->setContentsMargins(0, 0, 0, 14);
    layout->setSpacing(0);
    layout->addLayout(brand);
    layout->addWidget(m_nav, 1);
    layout->addWidget(version, 0, Qt::AlignLeft);
    layout->itemAt(layout->count() - 1)->widget()->setContentsMargins(20, 0, 0, 0);
}

void MainWindow::buildDemoBanner()
{
    m_demoBanner = new QFrame(this);
    m_demoBanner->setObjectName(QStringLiteral("demoBanner"));
    Theme::style(m_demoBanner,
        QStringLiteral(
            "QFrame#demoBanner { background: {DemoBackground}; border-bottom: 1px solid {DemoBorder}; } QLabel { color: {DemoText}; }"));
    auto *label = new QLabel(
        tr("<b>Demo — simulated models.</b> Replies come from Roundtable's built-in simulator, not from an AI model."), m_demoBanner);
    label->setWordWrap(true);
    auto *leave = new QPushButton(tr("Leave Demo"), m_demoBanner);
    leave->setObjectName(QStringLiteral("leaveDemoButton"));
    connect(leave, &QPushButton::clicked, this, &MainWindow::leaveDemo);
    auto *layout = new QHBoxLayout(m_demoBanner);
    layout->setContentsMargins(24, 8, 20, 8);
    layout->addWidget(label, 1);
    layout->addWidget(leave);
    m_demoBanner->hide();
}

void MainWindow::buildActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *newChat = file->addAction(Icons::newChat(Theme::Text), tr("&New Chat"));
    newChat->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_N));
    connect(newChat, &QAction::triggered, this, [this] {
        showPage(m_pages->indexOf(m_chat));
        m_chat->newChat();
    });
    file->addSeparator();
    QAction *settings = file->addAction(Icons::settings(Theme::Text), tr("&Settings…"));
    settings->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    settings->setMenuRole(QAction::PreferencesRole);
    connect(settings, &QAction::triggered, this, [this] { showPage(pageIndex(m_settingsPage)); });
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    quit->setMenuRole(QAction::QuitRole);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    QMenu *chat = menuBar()->addMenu(tr("&Chat"));
    m_stopAction = chat->addAction(Icons::stop(Theme::Text), tr("&Stop Reply"));
    m_stopAction->setShortcut(QKeySequence(Qt::Key_Escape));
    m_stopAction->setEnabled(false);
    connect(m_stopAction, &QAction::triggered, m_chat, &ChatPage::stop);
    QAction *focus = chat->addAction(tr("&Focus Message Box"));
    focus->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    connect(focus, &QAction::triggered, this, [this] {
        showPage(m_pages->indexOf(m_chat));
        m_chat->focusInput();
    });
    QAction *reload = chat->addAction(Icons::refresh(Theme::Text), tr("&Reload Models"));
    reload->setShortcut(QKeySequence::Refresh);
    connect(reload, &QAction::triggered, m_chat, &ChatPage::refreshModels);

    QMenu *debate = menuBar()->addMenu(tr("&Debate"));
    QAction *newDebate = debate->addAction(Icons::debate(Theme::Text), tr("New &Debate…"));
    newDebate->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    connect(newDebate, &QAction::triggered, this, [this] {
        showPage(pageIndex(m_debates));
        m_debates->newDebate();
    });
    QAction *allDebates = debate->addAction(tr("All &Debates"));
    connect(allDebates, &QAction::triggered, this, [this] {
        showPage(pageIndex(m_debates));
        m_debates->showList();
    });
    debate->addSeparator();
    QAction *remote = debate->addAction(tr("Connect to a &Remote Table…"));
    remote->setObjectName(QStringLiteral("connectRemoteAction"));
    remote->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    remote->setToolTip(tr("Watch the debates of another Roundtable from its viewer link (read-only)"));
    connect(remote, &QAction::triggered, this, [this] { RemoteTableWindow::ask(this); });

    // Go: one entry per page, Ctrl+1 … Ctrl+9 in the sidebar's order.
    QMenu *go = menuBar()->addMenu(tr("&Go"));
    for (int i = 0; i < m_nav->count(); ++i) {
        QAction *page = go->addAction(m_nav->item(i)->icon(), m_nav->item(i)->text());
        if (i < 9)
            page->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        connect(page, &QAction::triggered, this, [this, i] { showPage(i); });
    }
    // [menus: history]
    go->addSeparator();
    QAction *searchHistory = go->addAction(Icons::history(Theme::Text), tr("&Search History…"));
    searchHistory->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F)); // Ctrl+F searches within a page
    connect(searchHistory, &QAction::triggered, this, [this] {
        showPage(pageIndex(m_history));
        m_history->focusSearch();
    });

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *shortcuts = help->addAction(tr("&Keyboard Shortcuts"));
    shortcuts->setObjectName(QStringLiteral("keyboardShortcutsAction"));
    shortcuts->setShortcuts({ QKeySequence(Qt::CTRL | Qt::Key_Slash), QKeySequence(Qt::Key_F1) });
    connect(shortcuts, &QAction::triggered, this, [this] {
        // Built when asked, so it lists the menus as they are now; one at a time.
        if (auto *open = findChild<ShortcutsDialog *>()) {
            open->raise();
            open->activateWindow();
            return;
        }
        auto *dialog = new ShortcutsDialog(menuBar(), this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
    });
    help->addSeparator();
    QAction *about = help->addAction(tr("&About Roundtable"));
    about->setMenuRole(QAction::AboutRole);
    connect(about, &QAction::triggered, this, [this] {
        auto *box = new QMessageBox(QMessageBox::NoIcon, tr("About Roundtable"),
            tr("<h3>Roundtable %1</h3><p>Seat several local AI models at one table and let them debate.</p>"
               "<p>Talks to Ollama at %2.</p>")
                .arg(QStringLiteral(RT_VERSION), rt::llm::displayHost(m_client->baseUrl()).toHtmlEscaped()),
            QMessageBox::Close, this);
        box->setIconPixmap(Icons::app().pixmap(64, 64));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open(); // window-modal without a nested event loop
    });
}

int MainWindow::pageIndex(QWidget *page) const
{
    return m_pages->indexOf(page);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    const int running = m_debates->runningCount();
    if (m_closing || running == 0) {
        saveWindowState();
        QMainWindow::closeEvent(event);
        if (m_restartPending && event->isAccepted()) {
            m_restartPending = false;
            QProcess::startDetached(QCoreApplication::applicationFilePath(), m_restartArguments);
        }
        return;
    }
    event->ignore();
    if (m_closeAnswer) {
        closeAfter(m_closeAnswer());
        return;
    }
    auto *box = new QMessageBox(QMessageBox::Question, tr("Debates are running"),
        tr("%n debate(s) still running. Stop them now (the turns in progress are kept, marked partial) or keep them resumable "
           "(they continue from the last saved turn next time)?",
            nullptr, running),
        QMessageBox::NoButton, this);
    QPushButton *stop = box->addButton(tr("Stop Debates"), QMessageBox::DestructiveRole);
    QPushButton *keep = box->addButton(tr("Keep Resumable"), QMessageBox::AcceptRole);
    box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(keep);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, stop, keep](QAbstractButton *button) {
        closeAfter(button == stop ? CloseChoice::Stop : button == keep ? CloseChoice::KeepResumable : CloseChoice::Cancel);
    });
    box->open();
}

void MainWindow::restart()
{
    // The same program with the same options, once this window has closed
    // (running debates are asked about as on any close); --language was for
    // that run only, so the language chosen in Settings applies.
    QStringList arguments = QCoreApplication::arguments().mid(1);
    for (const QString &dropped : { QStringLiteral("--screenshot"), QStringLiteral("--page"), QStringLiteral("--language") }) {
        const qsizetype at = arguments.indexOf(dropped);
        if (at >= 0)
            arguments.remove(at, std::min<qsizetype>(2, arguments.size() - at));
    }
    m_restartArguments = arguments;
    m_restartPending = true;
    close();
}

void MainWindow::closeAfter(CloseChoice choice)
{
    if (choice == CloseChoice::Cancel) {
        m_restartPending = false;
        return;
    }
    m_closing = true;
    // close() again once this close event is over (it is refused while one runs).
    auto closeLater = [this] { QMetaObject::invokeMethod(this, &QWidget::close, Qt::QueuedConnection); };
    if (choice == CloseChoice::KeepResumable || !m_workspace->tasks()) {
        closeLater(); // the task manager saves running debates as interrupted
        return;
    }
    // Stop: each debate ends with its partial turn and result saved, then we close.
    m_debates->stopAll();
    auto *wait = new QTimer(this);
    auto deadline = std::make_shared<QElapsedTimer>();
    deadline->start();
    connect(wait, &QTimer::timeout, this, [this, wait, deadline, closeLater] {
        qCDebug(lcUi) << "closing: debates still running" << m_debates->runningCount();
        if (m_debates->runningCount() > 0 && deadline->elapsed() < 5000)
            return;
        wait->stop();
        wait->deleteLater();
        closeLater();
    });
    wait->start(50);
}

int MainWindow::addPage(const QString &title, const QIcon &icon, QWidget *page, Needs needs)
{
    const int index = m_pages->addWidget(page);
    m_pageNeeds.append(needs);
    auto *item = new QListWidgetItem(icon, title, m_nav);
    item->setSizeHint(QSize(0, 40));
    if (m_nav->currentRow() < 0)
        m_nav->setCurrentRow(index);
    return index;
}

void MainWindow::showPage(int index)
{
    if (index < 0 || index >= m_pages->count())
        return;
    if (m_nav->currentRow() != index)
        m_nav->setCurrentRow(index); // comes back here through currentRowChanged
    m_pages->setCurrentIndex(index);
    updateContent();
}

bool MainWindow::isShowingOfflinePanel() const
{
    return m_content->currentWidget() == m_offline;
}

bool MainWindow::isSettled() const
{
    if (m_demo->state() == DemoServer::State::Starting)
        return false;
    switch (m_monitor->state()) {
    case ConnectionMonitor::State::Connecting:
        return false;
    case ConnectionMonitor::State::Offline:
        return true;
    case ConnectionMonitor::State::Online:
        return m_chat->modelsLoaded() || !m_chat->modelPicker()->isEnabled();
    }
    return true;
}

void MainWindow::onConnectionStateChanged(ConnectionMonitor::State state)
{
    if (state == ConnectionMonitor::State::Online) {
        m_catalog->refresh();
        if (!m_modelsRequested || !m_chat->modelsLoaded()) {
            m_modelsRequested = true;
            m_chat->refreshModels();
        }
    } else if (state == ConnectionMonitor::State::Offline) {
        m_offline->setHost(m_client->baseUrl());
        m_offline->setReason(m_monitor->lastError().message);
        m_modelsRequested = false; // list again when it comes back: it may be another server
    }
    updateContent();
    updateStatus();
}

void MainWindow::switchHost(const QUrl &host)
{
    qCDebug(lcUi) << "switching to" << host;
    m_chat->stop();
    rt::llm::ClientConfig config = m_client->config();
    config.baseUrl = host;
    m_client->setConfig(config);
    // The primary host of the pool moves with it (demo simulator and back).
    if (std::optional<rt::llm::HostConfig> primary = m_pool->hostConfig(m_primaryHost); primary && primary->url != host) {
        primary->url = host;
        if (const rt::Status updated = m_pool->updateHost(*primary); !updated)
            qCWarning(lcUi).noquote() << updated.error().message;
    }
    m_offline->setHost(host);
    m_chat->clearModels();
    m_chat->setRememberModel(!m_demoActive);
    m_modelsRequested = false;
    m_demoBanner->setVisible(m_demoActive);
    updateTitle();
    m_monitor->restart();
    updateContent();
    updateStatus();
}

void MainWindow::startDemo()
{
    if (m_demoActive || m_demo->state() != DemoServer::State::Stopped)
        return;
    m_demoMessage.clear();
    m_offline->setDemoStarting(true);
    m_demo->start(); // may fail at once (simulator missing): failed() has told the panel
    updateStatus();
}

void MainWindow::leaveDemo()
{
    if (!m_demoActive)
        return;
    m_demoActive = false;
    m_debates->setDemo(false);
    m_demo->stop();
    switchHost(m_configuredHost);
}

void MainWindow::updateContent()
{
    const int index = m_pages->currentIndex();
    const bool needsOllama = index >= 0 && index < m_pageNeeds.size() && m_pageNeeds.at(index) == Needs::Ollama;
    const bool offline = m_monitor->state() == ConnectionMonitor::State::Offline;
    QWidget *shown = needsOllama && offline ? static_cast<QWidget *>(m_offline) : m_pages;
    if (m_content->currentWidget() == shown)
        return;
    m_content->setCurrentWidget(shown);
    if (shown == m_pages && m_pages->currentWidget())
        m_pages->currentWidget()->setFocus(); // back online: straight to typing
}

QString MainWindow::statusText() const
{
    return m_statusText->text();
}

void MainWindow::updateStatus()
{
    const QString host = rt::llm::displayHost(m_client->baseUrl());
    QColor dot = Theme::Pending;
    QString text;
    switch (m_monitor->state()) {
    case ConnectionMonitor::State::Connecting:
        text = m_demo->state() == DemoServer::State::Starting ? tr("Starting the demo simulator…") : tr("Connecting to %1…").arg(host);
        break;
    case ConnectionMonitor::State::Online:
        if (m_demoActive) {
            dot = Theme::Pending;
            text = tr("Simulated (demo) — roundtable-ollama-sim at %1").arg(host);
        } else {
            dot = Theme::Online;
            text = m_monitor->version().isEmpty() ? tr("Online — Ollama at %1").arg(host)
                                                  : tr("Online — Ollama %1 at %2").arg(m_monitor->version(), host);
        }
        break;
    case ConnectionMonitor::State::Offline:
        dot = Theme::Offline;
        if (m_monitor->isChecking() || m_monitor->secondsUntilRetry() <= 0)
            text = tr("Offline — no answer from %1. Trying again…").arg(host);
        else
            text = tr("Offline — no answer from %1. Next try in %2 s.").arg(host).arg(m_monitor->secondsUntilRetry());
        break;
    }
    if (!m_demoMessage.isEmpty() && !m_demoActive)
        text = tr("%1 (%2)").arg(text, m_demoMessage);
    m_statusDot->setText(QStringLiteral("●"));
    m_statusDot->setStyleSheet(QStringLiteral("color: %1; padding-left: 10px; font-size: 14px;").arg(Theme::css(dot)));
    m_statusText->setText(text);
    if (m_monitor->state() != ConnectionMonitor::State::Online)
        m_modelCount->clear();
}

void MainWindow::updateTitle()
{
    setWindowTitle(m_demoActive ? tr("Roundtable (Demo — simulated models)") : tr("Roundtable"));
}

} // namespace rt::ui
