// The window in German and in French: every page shows its words translated
// (no English left where the catalogue has a translation), nothing is cut off
// (every button and label is as wide as its text needs, the window still fits
// a 1280-pixel screen), the language setting offers a restart, and the
// command line speaks the system's language. Screenshots: <lang>-<page>.png
// from the window here, and de-/fr-debate-live.png and friends from the real
// program started with --language.
#include "appprocess.h"
#include "common/i18n.h"
#include "screenshot.h"
#include "simprocess.h"
#include "tempdatabase.h"
#include "testpaths.h"
#include "ui/agentspage.h"
#include "ui/chatinput.h"
#include "ui/chatpage.h"
#include "ui/debatesession.h"
#include "ui/debatespage.h"
#include "ui/debateview.h"
#include "ui/historypage.h"
#include "ui/mainwindow.h"
#include "ui/metricspage.h"
#include "ui/modelspage.h"
#include "ui/newdebatepanel.h"
#include "ui/settingspage.h"
#include "ui/taskspage.h"
#include "ui/theme.h"
#include "ui/workspace.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QGroupBox>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLibraryInfo>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabBar>
#include <QTest>
#include <QTextDocument>
#include <QToolButton>
#include <QTranslator>
#include <QXmlStreamReader>
#include <functional>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

// What a person reads: accelerators and surrounding space removed.
QString readable(QString text)
{
    text.replace(u"&&"_s, u"\x01"_s).remove(u'&').replace(u"\x01"_s, u"&"_s);
    return text.trimmed();
}

// The English sources of translations/roundtable_<code>.ts whose translation
// differs from them: if one of these is on screen, a string was not translated.
QSet<QString> translatedSources(const QString &code, int *entries)
{
    QSet<QString> sources;
    QFile file(rt::test::sourceDir() + u"/translations/roundtable_%1.ts"_s.arg(code));
    if (!file.open(QIODevice::ReadOnly))
        return sources;
    QXmlStreamReader xml(&file);
    QString source;
    *entries = 0;
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement)
            continue;
        if (xml.name() == "source"_L1) {
            source = xml.readElementText();
        } else if (xml.name() == "translation"_L1) {
            const QString translation = xml.readElementText(QXmlStreamReader::IncludeChildElements);
            ++*entries;
            // Short, whole labels only: a sentence with %1 never appears verbatim.
            if (!source.contains(u'%') && readable(source) != readable(translation) && readable(source).size() > 1)
                sources.insert(readable(source));
        }
    }
    return sources;
}

// The built-in agents' names: data a person may rename, shown as stored
// (and the names the command line takes), not words of the program.
QSet<QString> builtinAgentNames()
{
    QSet<QString> names;
    const QDir dir(rt::test::sourceDir() + u"/resources/agents"_s);
    for (const QString &entry : dir.entryList({ u"*.json"_s })) {
        QFile file(dir.filePath(entry));
        if (file.open(QIODevice::ReadOnly))
            names.insert(QJsonDocument::fromJson(file.readAll()).object().value(u"name"_s).toString());
    }
    return names;
}

struct Finding {
    QString where;
    QString text;
};

// Every text on screen below `root`, with where it is.
QList<Finding> visibleTexts(QWidget *root)
{
    QList<Finding> texts;
    const auto add = [&texts](const QObject *o, const QString &text) {
        if (!readable(text).isEmpty())
            texts.append({ QString::fromLatin1(o->metaObject()->className()) + u' ' + o->objectName(), readable(text) });
    };
    for (QWidget *w : root->findChildren<QWidget *>()) {
        if (!w->isVisibleTo(root) || !w->window()->isVisible())
            continue;
        if (auto *b = qobject_cast<QAbstractButton *>(w))
            add(b, b->text());
        if (auto *l = qobject_cast<QLabel *>(w)) {
            QTextDocument doc;
            doc.setHtml(l->text());
            add(l, Qt::mightBeRichText(l->text()) ? doc.toPlainText() : l->text());
        }
        if (auto *g = qobject_cast<QGroupBox *>(w))
            add(g, g->title());
        if (auto *t = qobject_cast<QTabBar *>(w)) {
            for (int i = 0; i < t->count(); ++i)
                add(t, t->tabText(i));
        }
        if (auto *e = qobject_cast<QLineEdit *>(w))
            add(e, e->placeholderText());
        if (auto *v = qobject_cast<QAbstractItemView *>(w); v && v->model()) {
            for (int c = 0; c < v->model()->columnCount(); ++c)
                add(v, v->model()->headerData(c, Qt::Horizontal).toString());
        }
        if (auto *list = qobject_cast<QListWidget *>(w)) { // the navigation: words of the program
            for (int i = 0; i < list->count(); ++i)
                add(list, list->item(i)->text());
        }
        if (auto *c = qobject_cast<QComboBox *>(w)) {
            for (int i = 0; i < c->count(); ++i)
                add(c, c->itemText(i));
        }
        if (!w->toolTip().isEmpty())
            add(w, w->toolTip());
    }
    return texts;
}

// Buttons and one-line labels narrower than their text needs.
QStringList clipped(QWidget *root)
{
    QStringList found;
    for (QWidget *w : root->findChildren<QWidget *>()) {
        if (!w->isVisibleTo(root) || w->width() <= 0)
            continue;
        QString text;
        if (auto *b = qobject_cast<QAbstractButton *>(w)) {
            auto *tool = qobject_cast<QToolButton *>(b);
            if (b->text().isEmpty() || (tool && tool->toolButtonStyle() == Qt::ToolButtonIconOnly))
                continue;
            text = b->text();
        } else if (auto *l = qobject_cast<QLabel *>(w)) {
            // Labels that wrap, or that are allowed to shrink (they elide), are fine.
            if (l->wordWrap() || l->text().isEmpty() || l->sizePolicy().horizontalPolicy() == QSizePolicy::Ignored || !l->pixmap().isNull())
                continue;
            text = l->text();
        } else {
            continue;
        }
        const QString what = u"%1 \"%2\""_s.arg(QString::fromLatin1(w->metaObject()->className()), readable(text));
        if (w->width() + 1 < w->sizeHint().width())
            found << u"%1: %2 px wide, needs %3"_s.arg(what).arg(w->width()).arg(w->sizeHint().width());
        // Wide enough itself, but sticking out of its panel (a row of buttons
        // wider than the column it sits in). Scrolled contents are meant to.
        QWidget *parent = w->parentWidget();
        if (parent && parent->objectName() != u"qt_scrollarea_viewport"_s && !parent->rect().contains(w->geometry()))
            found << u"%1: sticks out of its %2 (%3 px of %4)"_s.arg(what, QString::fromLatin1(parent->metaObject()->className()))
                         .arg(w->geometry().right() + 1)
                         .arg(parent->width());
    }
    return found;
}

} // namespace

class TestTranslations final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void everyPageTranslatedAndUnclipped_data();
    void everyPageTranslatedAndUnclipped();
    void languageSettingOffersRestart();
    void programStartsInTheChosenLanguage_data();
    void programStartsInTheChosenLanguage();
    void commandLineFollowsTheSystem();

private:
    void useLanguage(const QString &code);
    void dropLanguage();

    rt::test::SimProcess m_sim;
    std::unique_ptr<rt::ui::MainWindow> m_window;
    QList<QTranslator *> m_translators;
};

void TestTranslations::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"RoundtableTest"_s);
    QCoreApplication::setApplicationName(u"tst_translations"_s);
    rt::ui::Theme::apply(*qApp);
    QVERIFY2(m_sim.start(), qPrintable(m_sim.errorString()));
}

void TestTranslations::cleanup()
{
    m_window.reset();
    dropLanguage();
    QSettings().clear();
}

void TestTranslations::useLanguage(const QString &code)
{
    // The catalogues the program loads (rt::i18n::install), undone after each test.
    auto *ours = new QTranslator(this);
    QVERIFY2(ours->load(u":/i18n/roundtable_%1.qm"_s.arg(code)), qPrintable(code));
    QCoreApplication::installTranslator(ours);
    m_translators << ours;
    auto *qt = new QTranslator(this);
    if (qt->load(u"qtbase_%1"_s.arg(code), QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QCoreApplication::installTranslator(qt);
        m_translators << qt;
    } else {
        delete qt;
    }
}

void TestTranslations::dropLanguage()
{
    for (QTranslator *t : std::as_const(m_translators)) {
        QCoreApplication::removeTranslator(t);
        delete t;
    }
    m_translators.clear();
}

void TestTranslations::everyPageTranslatedAndUnclipped_data()
{
    QTest::addColumn<QString>("code");
    QTest::newRow("English") << u"en"_s; // the source: nothing cut off either
    QTest::newRow("German") << u"de"_s;
    QTest::newRow("French") << u"fr"_s;
}

void TestTranslations::everyPageTranslatedAndUnclipped()
{
    QFETCH(QString, code);
    int entries = 0;
    const QSet<QString> english = translatedSources(code, &entries) - builtinAgentNames();
    if (code != u"en"_s)
        QVERIFY2(entries > 1000 && english.size() > 500, qPrintable(u"%1 entries, %2 differ"_s.arg(entries).arg(english.size())));
    useLanguage(code);

    rt::test::TempDatabase db;
    m_window = std::make_unique<rt::ui::MainWindow>(m_sim.url(), db.dbArgument());
    m_window->resize(1280, 800);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->workspace()->isReady() && m_window->isSettled(), 15000);

    // The window still fits a common laptop screen in this language.
    QVERIFY2(m_window->minimumSizeHint().width() <= 1280,
        qPrintable(u"the window needs %1 px in %2"_s.arg(m_window->minimumSizeHint().width()).arg(code)));

    rt::ui::DebatesPage *debates = m_window->debatesPage();
    rt::ui::ModelsPage *models = m_window->modelsPage();
    const struct {
        QWidget *page;
        const char *name;
        std::function<bool()> open; // then ready to read; none: shown is enough
    } pages[] = { { m_window->chatPage(), "chat", {} }, { debates, "debates", {} },
        { debates, "debates-new",
            [debates] {
                debates->newDebate();
                return debates->panel() == rt::ui::DebatesPage::Panel::New;
            } },
        { m_window->agentsPage(), "agents", {} }, { models, "models", {} },
        { models, "models-hosts",
            [models] {
                models->showTab(rt::ui::ModelsPage::Tab::Hosts);
                return models->currentTab() == rt::ui::ModelsPage::Tab::Hosts;
            } },
        { m_window->historyPage(), "history", {} }, { m_window->tasksPage(), "tasks", {} }, { m_window->metricsPage(), "metrics", {} },
        { m_window->settingsPage(), "settings", {} } };
    QStringList untranslated;
    QStringList cut;
    for (const auto &p : pages) {
        m_window->showPage(m_window->pageIndex(p.page));
        QTRY_VERIFY(p.page->isVisible());
        if (p.open)
            QTRY_VERIFY(p.open());
        QCoreApplication::processEvents();
        for (const Finding &f : visibleTexts(m_window.get())) {
            if (english.contains(f.text))
                untranslated << u"%1: %2 \"%3\""_s.arg(QString::fromLatin1(p.name), f.where, f.text);
        }
        // Text set a moment ago is laid out on a later pass: what stays cut off is.
        [[maybe_unused]] const bool laidOut = QTest::qWaitFor([this] { return clipped(m_window.get()).isEmpty(); }, 3000);
        for (const QString &c : clipped(m_window.get()))
            cut << u"%1: %2"_s.arg(QString::fromLatin1(p.name), c);
        rt::test::saveScreenshot(m_window.get(), u"%1-%2.png"_s.arg(code, QString::fromLatin1(p.name)));
    }
    // A debate run to its end in this language: the table, the result and
    // the charts (the simulator answers the sample question as the demo's does).
    m_window->showPage(m_window->pageIndex(debates));
    debates->newDebate();
    QTRY_COMPARE(debates->panel(), rt::ui::DebatesPage::Panel::New);
    rt::ui::NewDebatePanel *form = debates->newPanel();
    form->questionEdit()->setPlainText( // typed in: QTest types Latin-1 only
        QCoreApplication::translate("rt::ui::DebatesPage",
            "A car drives up a hill at 1 m/s and comes back down the same road at 3 m/s. What is its average speed for the whole trip, in "
            "m/s? Answer with a single number."));
    QVERIFY2(form->startButton()->isEnabled(), qPrintable(form->problems().join(u'\n')));
    QTest::keyClick(form->questionEdit(), Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(
        debates->currentSession() && debates->currentSession()->phase() == rt::ui::DebateSession::Phase::Finished, 120000);
    QTRY_VERIFY(debates->view()->resultPanel()->isVisible());
    // The simulator knew the question (else its agents answer random words):
    // the right answer or its planted wrong one.
    const QString answer = debates->currentSession()->outcome() ? debates->currentSession()->outcome()->answer : QString();
    QVERIFY2(answer == u"1.5"_s || answer == u"2"_s, qPrintable(answer));
    QCoreApplication::processEvents();
    for (const Finding &f : visibleTexts(m_window.get())) {
        if (english.contains(f.text))
            untranslated << u"debate-result: %1 \"%2\""_s.arg(f.where, f.text);
    }
    [[maybe_unused]] const bool settled = QTest::qWaitFor([this] { return clipped(m_window.get()).isEmpty(); }, 3000);
    for (const QString &c : clipped(m_window.get()))
        cut << u"debate-result: %1"_s.arg(c);
    rt::test::saveScreenshot(m_window.get(), u"%1-debate-finished.png"_s.arg(code));

    untranslated.removeDuplicates();
    cut.removeDuplicates();
    QVERIFY2(untranslated.isEmpty() && cut.isEmpty(),
        qPrintable(u"English left on screen:\n"_s + untranslated.join(u'\n') + u"\nCut off:\n"_s + cut.join(u'\n')));

    if (code == u"en"_s)
        return;
    // The sample debate's question, as this window asks it, is one the demo's
    // simulator knows (so the sample plays the same in every language).
    QFile samples(rt::test::sourceDir() + u"/resources/debate/sample-translations.json"_s);
    QVERIFY(samples.open(QIODevice::ReadOnly));
    const QString asked = QCoreApplication::translate("rt::ui::DebatesPage",
        "A car drives up a hill at 1 m/s and comes back down the same road at 3 m/s. What is its average speed for the whole trip, in "
        "m/s? Answer with a single number.");
    bool known = false;
    for (const QJsonValue q : QJsonDocument::fromJson(samples.readAll()).object().value(u"questions"_s).toArray())
        known = known || (q[u"id"_s].toString() == u"trick-01-"_s + code && q[u"question"_s].toString() == asked);
    QVERIFY2(known, qPrintable(asked));

    // A few words a person sees first, in the language (the catalogue's own words).
    const QString settings = QCoreApplication::translate("rt::ui::MainWindow", "Settings");
    QVERIFY(settings != u"Settings"_s);
    bool found = false;
    for (const Finding &f : visibleTexts(m_window.get()))
        found = found || f.text == readable(settings);
    QVERIFY2(found, qPrintable(settings));
}

void TestTranslations::languageSettingOffersRestart()
{
    // This window runs in English (nothing installed); choosing French
    // stores the choice and offers a restart, which closes the window.
    rt::test::TempDatabase db;
    m_window = std::make_unique<rt::ui::MainWindow>(m_sim.url(), db.dbArgument());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    rt::ui::SettingsPage *page = m_window->settingsPage();
    m_window->showPage(m_window->pageIndex(page));
    QTRY_VERIFY(page->isVisible());
    QVERIFY(!page->languageRestartButton()->isVisible());
    QComboBox *combo = page->languageCombo();
    const int french = combo->findData(u"fr"_s);
    QVERIFY(french > 0);
    QCOMPARE(combo->itemText(french), u"Français"_s);
    QCOMPARE(combo->itemText(combo->findData(u"de"_s)), u"Deutsch"_s);
    combo->setCurrentIndex(french);
    QCOMPARE(QSettings().value("ui/language").toString(), u"fr"_s);
    QVERIFY(page->languageRestartButton()->isVisible());
    auto *note = page->findChild<QLabel *>(u"languageNote"_s);
    QVERIFY(note && note->text().contains(u"Français"_s));
    // Back to English: nothing to restart for.
    combo->setCurrentIndex(combo->findData(u"en"_s));
    QVERIFY(!page->languageRestartButton()->isVisible());
    combo->setCurrentIndex(french);
    // The button asks the window to restart (MainWindow::restart, as for a
    // new database); here it must not start this test program again.
    QObject::disconnect(page, &rt::ui::SettingsPage::restartRequested, m_window.get(), nullptr);
    QSignalSpy restart(page, &rt::ui::SettingsPage::restartRequested);
    QTest::mouseClick(page->languageRestartButton(), Qt::LeftButton);
    QCOMPARE(restart.count(), 1);
}

void TestTranslations::programStartsInTheChosenLanguage_data()
{
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("page");
    for (const char *code : { "de", "fr" }) {
        for (const char *page : { "debate-new", "debate-live", "debate-result", "agent-edit", "pull", "hosts" })
            QTest::addRow("%s %s", code, page) << QString::fromLatin1(code) << QString::fromLatin1(page);
    }
}

void TestTranslations::programStartsInTheChosenLanguage()
{
    // The real program, as a person starts it: --language for this run, the
    // demo's simulator, the page saved once it has settled.
    QFETCH(QString, code);
    QFETCH(QString, page);
    rt::test::AppEnvironment env;
    const QString file = rt::test::buildDir() + u"/screenshots/%1-%2.png"_s.arg(code, page);
    QFile::remove(file);
    const rt::test::AppRun run = env.run({ u"--demo"_s, u"--language"_s, code, u"--page"_s, page, u"--screenshot"_s, file }, 150000);
    QVERIFY2(run.code == 0, qPrintable(run.err));
    QImage image(file);
    QVERIFY(!image.isNull());
    QVERIFY(rt::test::distinctColours(image, 16) >= 16);
    if (page == u"hosts"_s) {
        // And a language Roundtable does not speak is a usage error, said in English here.
        const rt::test::AppRun bad = env.run({ u"--language"_s, u"xx"_s });
        QCOMPARE(bad.code, 2);
        QVERIFY2(bad.err.contains(u"--language \"xx\""_s), qPrintable(bad.err));
    }
}

void TestTranslations::commandLineFollowsTheSystem()
{
    rt::test::AppEnvironment env;
    QProcessEnvironment german = env.environment();
    german.insert(u"LANGUAGE"_s, u"de"_s);
    german.insert(u"LC_ALL"_s, u"de_DE.UTF-8"_s);
    QProcessEnvironment french = env.environment();
    french.insert(u"LANGUAGE"_s, u"fr"_s);
    french.insert(u"LC_ALL"_s, u"fr_FR.UTF-8"_s);

    const QString englishHelp = env.run({ u"--help"_s }).out;
    QVERIFY(englishHelp.contains(u"Commands (roundtable COMMAND --help for details):"_s));
    for (const auto &[environment, code] : { std::pair { german, "de" }, std::pair { french, "fr" } }) {
        QTranslator catalogue;
        QVERIFY(catalogue.load(u":/i18n/roundtable_%1.qm"_s.arg(QString::fromLatin1(code))));
        const QString heading = catalogue.translate("rt::cli", "Commands (roundtable COMMAND --help for details):");
        QVERIFY(!heading.isEmpty());
        const rt::test::AppRun help = env.run({ u"--help"_s }, environment);
        QCOMPARE(help.code, 0);
        QVERIFY2(help.out.contains(heading), qPrintable(help.out));
        // A subcommand's help and an error, in the language.
        const rt::test::AppRun chat = env.run({ u"chat"_s }, environment);
        QCOMPARE(chat.code, 2);
        QVERIFY2(!chat.err.contains(u"Missing --model NAME"_s), qPrintable(chat.err));
        const QString version = env.run({ u"--version"_s, u"--verbose"_s }, environment).out;
        QVERIFY2(version.contains(u"roundtable " RT_VERSION ""_s), qPrintable(version));
        QVERIFY2(version.contains(catalogue.translate("rt::cli", "SQL drivers:")), qPrintable(version));
        QVERIFY2(version.contains(u"QSQLITE"_s), qPrintable(version));
    }
}

QTEST_MAIN(TestTranslations)
#include "tst_translations.moc"
