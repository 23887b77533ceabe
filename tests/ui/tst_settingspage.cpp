// The Settings page against real databases: Test Connection reports the exact
// error for a server that is not there and the version of a throwaway
// PostgreSQL server that is; Use This Database saves it; the window started
// again works on PostgreSQL and shows what is stored there. Backup writes a
// real SQLite copy; the theme switches live; window geometry and the last page
// come back; --db shows as an override.
#include "appprocess.h"
#include "awaitfuture.h"
#include "common/appsettings.h"
#include "metrics/metricssampler.h"
#include "screenshot.h"
#include "server/metricsservice.h"
#include "simprocess.h"
#include "storage/conversationrepository.h"
#include "storage/database.h"
#include "storage/storage.h"
#include "tempdatabase.h"
#include "ui/chatpage.h"
#include "ui/chatview.h"
#include "ui/mainwindow.h"
#include "ui/qrcodewidget.h"
#include "ui/settingspage.h"
#include "ui/shortcutsdialog.h"
#include "ui/tasklistmodel.h"
#include "ui/taskspage.h"
#include "ui/theme.h"
#include "ui/workspace.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>
#include <QUrlQuery>
#include <QWebSocket>
#include <memory>

using namespace Qt::StringLiterals;
using rt::test::await;

class TestSettingsPage : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void testConnectionThenPostgresAfterRestart();
    void backupWritesACopy();
    void themeChangesLive();
    void geometryAndPageComeBack();
    void overridesAreShown();
    void shortcutsListEveryMenuAction();
    void unusableDatabaseLeadsToSettings();
    void defaultModelStartsTheChat();
    void localServerFromSettings();

private:
    void openWindow(const QString &db = {});
    rt::ui::SettingsPage *page() const { return m_window->settingsPage(); }
    void showSettings();

    rt::test::SimProcess m_sim;
    std::unique_ptr<rt::ui::MainWindow> m_window;
};

void TestSettingsPage::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"RoundtableTest"_s);
    QCoreApplication::setApplicationName(u"tst_settingspage"_s);
    rt::ui::Theme::apply(*qApp);
    QVERIFY2(m_sim.start(), qPrintable(m_sim.errorString()));
}

void TestSettingsPage::init()
{
    QSettings().clear();
}

void TestSettingsPage::cleanup()
{
    m_window.reset();
    rt::ui::Theme::change(*qApp, rt::ui::Theme::Mode::Light);
}

void TestSettingsPage::openWindow(const QString &db)
{
    m_window = std::make_unique<rt::ui::MainWindow>(m_sim.url(), db);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->workspace()->isReady(), 15000);
}

void TestSettingsPage::showSettings()
{
    m_window->showPage(m_window->pageIndex(page()));
    QTRY_VERIFY(page()->isVisible());
}

void TestSettingsPage::testConnectionThenPostgresAfterRestart()
{
    rt::test::TempDatabase pg(rt::test::TempDatabase::Backend::Postgres);
    if (!pg.isValid()) {
        if (qEnvironmentVariableIsSet("RT_REQUIRE_POSTGRES"))
            QFAIL(qPrintable(pg.error()));
        QSKIP(qPrintable(pg.error()));
    }
    // Something stored on the server before the switch.
    {
        auto db = pg.open();
        QVERIFY2(db, qPrintable(db ? QString() : db.error().message));
        rt::storage::ConversationRepository conversations(**db);
        rt::storage::Conversation seeded;
        seeded.title = u"Kept on the team server"_s;
        seeded.model = u"llama3.2:1b"_s;
        QVERIFY(conversations.create(seeded));
    }

    openWindow(); // no --db: the settings (empty), so the default SQLite file
    QVERIFY(!m_window->workspace()->locationName().startsWith(u"postgresql"_s));
    showSettings();

    // A server that is not there: the exact error, and nothing can be saved.
    page()->databaseEdit()->setText(u"postgresql://nobody@127.0.0.1:1/nothing"_s);
    QTest::mouseClick(page()->testButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!page()->isTesting() && page()->databaseResult()->text().startsWith(u"✗"_s), 15000);
    QVERIFY2(page()->databaseResult()->text().contains(u"127.0.0.1"_s), qPrintable(page()->databaseResult()->text()));
    QVERIFY(!page()->useDatabaseButton()->isEnabled());
    // Not a URL or a path at all.
    page()->databaseEdit()->setText(u"postgresql://"_s);
    QTest::mouseClick(page()->testButton(), Qt::LeftButton);
    QTRY_VERIFY(page()->databaseResult()->text().startsWith(u"✗"_s));

    // The real server: its version, what it holds, then saved.
    page()->databaseEdit()->setText(pg.dbArgument());
    QTest::keyClick(page()->databaseEdit(), Qt::Key_Return); // Enter tests too
    QTRY_VERIFY2_WITH_TIMEOUT(
        !page()->isTesting() && page()->databaseResult()->text().startsWith(u"✓"_s), qPrintable(page()->databaseResult()->text()), 15000);
    QVERIFY2(page()->databaseResult()->text().contains(u"PostgreSQL 1"_s), qPrintable(page()->databaseResult()->text()));
    QVERIFY2(page()->databaseResult()->text().contains(u"1 conversation"_s), qPrintable(page()->databaseResult()->text()));
    QVERIFY(page()->useDatabaseButton()->isEnabled());
    QTest::mouseClick(page()->useDatabaseButton(), Qt::LeftButton);
    QCOMPARE(rt::AppSettings::value(rt::AppSettings::Database).toString(), pg.dbArgument());
    QVERIFY(page()->databaseResult()->text().contains(u"next start"_s));
    QVERIFY(page()->findChild<QPushButton *>(u"restartButton"_s)->isVisible());
    // Still the old database until the restart.
    QVERIFY(!m_window->workspace()->locationName().startsWith(u"postgresql"_s));

    // Started again: PostgreSQL, with its data.
    m_window.reset();
    openWindow();
    QCOMPARE(m_window->workspace()->state(), rt::ui::Workspace::State::Ready);
    QVERIFY2(m_window->workspace()->locationName().startsWith(u"postgresql://"_s), qPrintable(m_window->workspace()->locationName()));
    const auto listed = await(m_window->workspace()->storage()->conversations());
    QVERIFY(listed);
    QCOMPARE(listed->size(), 1);
    QCOMPARE(listed->first().title, u"Kept on the team server"_s);
    showSettings();
    QVERIFY(page()->databaseNow()->text().contains(u"postgresql://"_s));
    QVERIFY(!page()->backupButton()->isEnabled()); // pg_dump's job
    QVERIFY(page()->backupButton()->toolTip().contains(u"pg_dump"_s));
}

void TestSettingsPage::backupWritesACopy()
{
    rt::test::TempDatabase db;
    QVERIFY(db.isValid());
    openWindow(db.dbArgument());
    rt::storage::Conversation conversation;
    conversation.title = u"Backed up"_s;
    QVERIFY(await(m_window->workspace()->storage()->startConversation(conversation)));
    showSettings();
    QVERIFY(page()->backupButton()->isEnabled());

    QTemporaryDir dir;
    const QString target = dir.filePath(u"copy.sqlite"_s);
    page()->setSaveFileHook([&](const QString &suggested) {
        [&] { QVERIFY(suggested.endsWith(u".sqlite"_s)); }();
        return target;
    });
    QTest::mouseClick(page()->backupButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(page()->backupResult()->text().startsWith(u"✓"_s), 10000);
    QVERIFY(QFileInfo::exists(target));
    // The copy is a database with the conversation in it.
    rt::storage::DatabaseLocation copy;
    copy.sqlitePath = target;
    auto opened = rt::storage::Database::connect(copy);
    QVERIFY(opened);
    auto titles = (*opened)->query(u"SELECT title FROM conversations"_s);
    QVERIFY(titles && titles->next());
    QCOMPARE(titles->text(0), u"Backed up"_s);

    // Again to the same file: refused in words, the first copy kept.
    QTest::mouseClick(page()->backupButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(page()->backupResult()->text().startsWith(u"✗"_s), 10000);
    QVERIFY(page()->backupResult()->text().contains(u"already exists"_s));
}

void TestSettingsPage::themeChangesLive()
{
    rt::test::TempDatabase db;
    openWindow(db.dbArgument());
    showSettings();
    const QColor lightWindow = qApp->palette().color(QPalette::Window);
    QLabel *summary = page()->findChild<QLabel *>(u"hostsOverride"_s);
    QVERIFY(summary);
    const QString lightSheet = summary->styleSheet();

    page()->themeCombo()->setCurrentIndex(2); // Dark
    QCOMPARE(rt::AppSettings::value(rt::AppSettings::Theme).toString(), u"dark"_s);
    QCOMPARE(rt::ui::Theme::CurrentMode, rt::ui::Theme::Mode::Dark);
    QVERIFY(qApp->palette().color(QPalette::Window).lightness() < lightWindow.lightness());
    // Widgets styled with theme colours took the dark ones.
    QVERIFY(summary->styleSheet() != lightSheet);
    QVERIFY(summary->styleSheet().contains(rt::ui::Theme::css(rt::ui::Theme::WarningText)));
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    rt::test::saveScreenshot(m_window.get(), u"settings-dark.png"_s);

    // The transcript size applies to open chats at once.
    auto *chat = m_window->findChild<rt::ui::ChatView *>();
    QVERIFY(chat);
    page()->fontSizeSpin()->setValue(17);
    QCOMPARE(chat->font().pointSize(), 17);
    QCOMPARE(rt::AppSettings::value(rt::AppSettings::TranscriptFontPt).toInt(), 17);
    page()->fontSizeSpin()->setValue(0);
    QCOMPARE(rt::ui::Theme::TranscriptPointSize, 0);

    page()->themeCombo()->setCurrentIndex(1); // Light
    QCOMPARE(qApp->palette().color(QPalette::Window), lightWindow);
    QCOMPARE(summary->styleSheet(), lightSheet);
    rt::test::saveScreenshot(m_window.get(), u"settings.png"_s);

    page()->languageCombo()->setCurrentIndex(1);
    QCOMPARE(rt::AppSettings::value(rt::AppSettings::Language).toString(), u"en"_s);
}

void TestSettingsPage::geometryAndPageComeBack()
{
    rt::test::TempDatabase db;
    openWindow(db.dbArgument());
    m_window->resize(1000, 640);
    QTRY_COMPARE(m_window->size(), QSize(1000, 640));
    m_window->showPage(m_window->pageIndex(m_window->tasksPage()));
    QVERIFY(m_window->close());
    m_window.reset();

    openWindow(db.dbArgument());
    QCOMPARE(m_window->size(), QSize(1000, 640));
    QVERIFY(m_window->tasksPage()->isVisible());
}

void TestSettingsPage::overridesAreShown()
{
    rt::test::TempDatabase db;
    openWindow(db.dbArgument());
    page()->setOverrides({ db.dbArgument(), u"http://gpu-box:11434"_s, u"dark"_s });
    showSettings();
    QVERIFY(page()->findChild<QLabel *>(u"databaseOverride"_s)->isVisible());
    QVERIFY(page()->findChild<QLabel *>(u"databaseOverride"_s)->text().contains(u"--db"_s));
    QVERIFY(page()->findChild<QLabel *>(u"hostsOverride"_s)->text().contains(u"gpu-box"_s));
    QVERIFY(page()->databaseNow()->text().contains(QFileInfo(db.sqlitePath()).fileName()));
    QVERIFY(page()->hostsSummary()->text().contains(u"local"_s));
}

void TestSettingsPage::shortcutsListEveryMenuAction()
{
    rt::test::TempDatabase db;
    openWindow(db.dbArgument());
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    QTest::keyClick(m_window.get(), Qt::Key_Slash, Qt::ControlModifier);
    rt::ui::ShortcutsDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = m_window->findChild<rt::ui::ShortcutsDialog *>()) != nullptr);
    QCOMPARE(dialog->shortcutFor(u"New Debate…"_s), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N).toString(QKeySequence::NativeText));
    QCOMPARE(dialog->shortcutFor(u"Settings"_s), QKeySequence(Qt::CTRL | Qt::Key_Comma).toString(QKeySequence::NativeText));
    QCOMPARE(dialog->shortcutFor(u"New Chat"_s), QKeySequence(Qt::CTRL | Qt::Key_N).toString(QKeySequence::NativeText));
    // Every page of the Go menu, with its number.
    QCOMPARE(dialog->shortcutFor(u"Tasks"_s),
        QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + m_window->pageIndex(m_window->tasksPage()))).toString(QKeySequence::NativeText));
    QCOMPARE(dialog->shortcutFor(u"Pause or resume"_s), QKeySequence(Qt::CTRL | Qt::Key_P).toString(QKeySequence::NativeText));
    // The filter keeps matching rows only.
    dialog->findChild<QLineEdit *>(u"shortcutsFilter"_s)->setText(u"debate"_s);
    int shown = 0;
    for (int i = 0; i < dialog->list()->topLevelItemCount(); ++i) {
        QTreeWidgetItem *group = dialog->list()->topLevelItem(i);
        for (int j = 0; j < group->childCount(); ++j) {
            if (group->isHidden() || group->child(j)->isHidden())
                continue;
            ++shown;
            QVERIFY(group->text(0).contains(u"debate"_s, Qt::CaseInsensitive)
                || group->child(j)->text(0).contains(u"debate"_s, Qt::CaseInsensitive));
        }
    }
    QVERIFY(shown >= 3);
    rt::test::saveScreenshot(dialog, u"shortcuts.png"_s);
    // Ctrl+, opens Settings.
    dialog->close();
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    QTest::keyClick(m_window.get(), Qt::Key_Comma, Qt::ControlModifier);
    QTRY_VERIFY(page()->isVisible());
}

void TestSettingsPage::unusableDatabaseLeadsToSettings()
{
    QTemporaryDir dir;
    openWindow(dir.path()); // a folder, not a database file
    QCOMPARE(m_window->workspace()->state(), rt::ui::Workspace::State::Failed);
    QLabel *warning = nullptr;
    QTRY_VERIFY((warning = m_window->findChild<QLabel *>(u"databaseWarning"_s)) != nullptr);
    QVERIFY(warning->text().contains(u"Not saving"_s));
    QVERIFY(warning->text().contains(u"href"_s));
    emit warning->linkActivated(u"settings"_s);
    QTRY_VERIFY(page()->isVisible());
    QVERIFY(page()->databaseNow()->text().contains(u"could not be opened"_s));
}

void TestSettingsPage::defaultModelStartsTheChat()
{
    rt::test::TempDatabase db;
    rt::AppSettings::setValue(rt::AppSettings::LastModel, u"llama3.2:1b"_s);
    openWindow(db.dbArgument());
    showSettings();
    // Chosen in Settings (typed, as a person would), then the window starts again.
    page()->defaultModelCombo()->setCurrentText(u"gemma3:1b"_s);
    emit page()->defaultModelCombo()->lineEdit()->editingFinished();
    QCOMPARE(rt::AppSettings::value(rt::AppSettings::DefaultModel).toString(), u"gemma3:1b"_s);
    m_window.reset();

    openWindow(db.dbArgument());
    QTRY_VERIFY_WITH_TIMEOUT(m_window->chatPage()->modelsLoaded(), 10000);
    QCOMPARE(m_window->chatPage()->modelPicker()->currentData().toString(), u"gemma3:1b"_s);
    // Without it, the model used last.
    m_window.reset();
    rt::AppSettings::setValue(rt::AppSettings::DefaultModel, QString());
    openWindow(db.dbArgument());
    QTRY_VERIFY_WITH_TIMEOUT(m_window->chatPage()->modelsLoaded(), 10000);
    QCOMPARE(m_window->chatPage()->modelPicker()->currentData().toString(), u"llama3.2:1b"_s);
}

void TestSettingsPage::localServerFromSettings()
{
    using rt::test::SimProcess;
    rt::test::TempDatabase db;
    const quint16 port = quint16(rt::test::closedLoopbackUrl().port());
    openWindow(db.dbArgument());
    showSettings();
    QCOMPARE(page()->serverStatus()->text(), u"Not running."_s); // off by default
    page()->serverPortSpin()->setValue(port);
    QCOMPARE(rt::AppSettings::value(rt::AppSettings::ServerPort).toInt(), int(port));
    const QString token = page()->serverTokenEdit()->text();
    QCOMPARE(token.size(), 32); // 128 random bits
    QCOMPARE(rt::AppSettings::value(rt::AppSettings::ServerToken).toString(), token);

    page()->serverCheck()->setChecked(true);
    const QString url = u"http://127.0.0.1:%1"_s.arg(port);
    QTRY_VERIFY_WITH_TIMEOUT(page()->serverStatus()->text().startsWith(u"● Serving on "_s + url), 10000);
    const QUrl base(url);
    auto scrape = [&](const QString &bearer) {
        rt::test::RawHeaders headers;
        if (!bearer.isEmpty())
            headers.append({ "Authorization", "Bearer " + bearer.toUtf8() });
        return SimProcess::request(base, "GET", u"/metrics"_s, {}, headers, 3000);
    };
    QCOMPARE(scrape({}).status, 401);
    // The window's own pool and database feed it.
    rt::test::HttpReply r = scrape(token);
    QCOMPARE(r.status, 200);
    QVERIFY2(r.body.contains("roundtable_host_up{host=\"local\"}"), r.body.constData());
    QVERIFY(r.body.contains("roundtable_db_write_seconds_count "));

    // The viewer link of this start: its own token, its QR code, the page,
    // and a WebSocket that gets hello and the snapshot.
    const QString link = page()->viewerLinkEdit()->text();
    QVERIFY2(link.startsWith(url + u"/?token="_s), qPrintable(link));
    QCOMPARE(link, m_window->metrics()->viewerUrl().toString());
    const QString viewerToken = QUrlQuery(QUrl(link)).queryItemValue(u"token"_s);
    QCOMPARE(viewerToken.size(), 32);
    QVERIFY(viewerToken != token);
    QCOMPARE(page()->viewerQr()->text(), link);
    QVERIFY(page()->shareDebatesCheck()->isChecked());
    const rt::test::HttpReply viewerPage = SimProcess::request(base, "GET", u"/?token="_s + viewerToken);
    QCOMPARE(viewerPage.status, 200);
    QVERIFY(viewerPage.body.contains("viewer.js"));
    {
        QWebSocket ws;
        QStringList frames;
        connect(&ws, &QWebSocket::textMessageReceived, &ws, [&frames](const QString &m) { frames.append(m); });
        ws.open(QUrl(u"ws://127.0.0.1:%1/ws?token=%2"_s.arg(port).arg(viewerToken)));
        QTRY_COMPARE_WITH_TIMEOUT(frames.size(), 2, 10000);
        QVERIFY(frames.at(0).contains(u"\"type\":\"hello\""_s));
        QVERIFY(frames.at(1).contains(u"\"type\":\"snapshot\""_s));
    }
    if (auto *scroll = page()->findChild<QScrollArea *>())
        scroll->ensureWidgetVisible(page()->viewerQr(), 0, 200);
    rt::test::saveScreenshot(m_window.get(), u"settings-viewers.png"_s);

    // A new token: the old one is refused from now on.
    QPushButton *newToken = page()->findChild<QPushButton *>(u"newTokenButton"_s);
    QVERIFY(newToken);
    newToken->click();
    const QString fresh = page()->serverTokenEdit()->text();
    QVERIFY(fresh != token);
    QTRY_COMPARE_WITH_TIMEOUT(scrape(fresh).status, 200, 10000);
    // Every start has a new viewer token.
    QTRY_VERIFY(!page()->viewerLinkEdit()->text().isEmpty());
    QVERIFY(page()->viewerLinkEdit()->text() != link);
    QCOMPARE(scrape(token).status, 401);
    // Loopback without the token, when allowed.
    page()->serverLoopbackCheck()->setChecked(true);
    QTRY_COMPARE_WITH_TIMEOUT(scrape({}).status, 200, 10000);

    // The next start serves at once, as the settings say.
    m_window.reset();
    QCOMPARE(scrape(fresh).status, 0); // the window closed, the server with it
    openWindow(db.dbArgument());
    QTRY_COMPARE_WITH_TIMEOUT(scrape(fresh).status, 200, 10000);
    QTRY_VERIFY(page()->serverStatus()->text().startsWith(u"● Serving on "_s + url));

    // Off: nothing listens any more.
    showSettings();
    page()->serverCheck()->setChecked(false);
    QCOMPARE(page()->serverStatus()->text(), u"Not running."_s);
    QCOMPARE(scrape(fresh).status, 0);
    QVERIFY(page()->viewerLinkEdit()->text().isEmpty());
    QVERIFY(page()->viewerQr()->text().isEmpty());
    QCOMPARE(rt::AppSettings::value(rt::AppSettings::ServerEnabled).toBool(), false);

    // Health thresholds and persistence apply to the running sampler at once.
    rt::metrics::MetricsSampler *sampler = m_window->metrics()->sampler();
    page()->errorRateSpin()->setValue(55);
    page()->healthWindowSpin()->setValue(120);
    QCOMPARE(sampler->thresholds().errorRate, 0.55);
    QCOMPARE(sampler->thresholds().windowSeconds, 120);
    QCOMPARE(rt::AppSettings::value(rt::AppSettings::HealthErrorRatePercent).toInt(), 55);
    page()->findChild<QSpinBox *>(u"persistSpin"_s)->setValue(15);
    QCOMPARE(sampler->persistSeconds(), 15);

    // A port in use: said in words, in the error colour.
    QTcpServer blocker;
    QVERIFY(blocker.listen(QHostAddress::LocalHost, 0));
    page()->serverPortSpin()->setValue(blocker.serverPort());
    page()->serverCheck()->setChecked(true);
    QTRY_VERIFY_WITH_TIMEOUT(
        page()->serverStatus()->text().startsWith(u"✗ Cannot listen on 127.0.0.1 port %1"_s.arg(blocker.serverPort())), 10000);
    page()->findChild<QScrollArea *>(u"settingsScroll"_s)->ensureWidgetVisible(page()->serverStatus());
    rt::test::saveScreenshot(m_window.get(), u"settings-server-error.png"_s);
    page()->serverCheck()->setChecked(false);
}

QTEST_MAIN(TestSettingsPage)
#include "tst_settingspage.moc"
