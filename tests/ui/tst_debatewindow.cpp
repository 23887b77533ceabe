// The Debates page against the real simulator and a real SQLite file: start a
// debate with the keyboard, watch it stream, steer it (pause, resume,
// interject, stop), survive a SIGKILL of the real binary, reopen and export.
// What the view showed is compared with what storage kept. Screenshots go to
// <build>/screenshots/.
#include "agents/agentregistry.h"
#include "appprocess.h"
#include "debate/debatetypes.h"
#include "llm/modelcatalog.h"
#include "screenshot.h"
#include "simprocess.h"
#include "storage/database.h"
#include "storage/debaterepository.h"
#include "tempdatabase.h"
#include "testpaths.h"
#include "ui/chatinput.h"
#include "ui/consensuschart.h"
#include "ui/debatesession.h"
#include "ui/debatespage.h"
#include "ui/debateview.h"
#include "ui/demoserver.h"
#include "ui/mainwindow.h"
#include "ui/newdebatepanel.h"
#include "ui/seatcard.h"
#include "ui/seatchart.h"
#include "ui/taskindicator.h"
#include "ui/theme.h"
#include "ui/workspace.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFrame>
#include <QLineEdit>
#include <QLineSeries>
#include <QProcess>
#include <QPushButton>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTest>
#include <QTextBrowser>
#include <QTreeView>
#include <csignal>
#include <memory>

using namespace Qt::StringLiterals;
using rt::ui::DebateSession;
using Phase = DebateSession::Phase;

using rt::test::distinctColours;
using rt::test::saveScreenshot;

namespace {

const QString kQuestion = u"What is the result of 27+12*24+28-13*1? Answer with a single number."_s;

// The stored turns of a debate, read with a connection of the test's own.
QList<rt::storage::DebateTurn> storedTurns(const rt::test::TempDatabase &db, qint64 debateId)
{
    auto opened = db.open();
    if (!opened)
        return {};
    rt::storage::DebateRepository repo(**opened);
    auto turns = repo.turns(debateId);
    return turns ? *turns : QList<rt::storage::DebateTurn> {};
}

std::optional<rt::storage::Debate> storedDebate(const rt::test::TempDatabase &db, qint64 debateId)
{
    auto opened = db.open();
    if (!opened)
        return std::nullopt;
    rt::storage::DebateRepository repo(**opened);
    auto debate = repo.get(debateId);
    return debate ? std::optional(*debate) : std::nullopt;
}

} // namespace

class TestDebateWindow final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void startWithKeyboardFinishesAndMatchesStorage();
    void reopenFinishedAndExportLikeHistory();
    void pauseResumeInterjectStop();
    void faultMidTurnShowsNoteWithoutModal();
    void killedAppOffersResumeAndFinishes();
    void closingWhileRunningAsksStopOrKeep();
    void demoOffersSampleDebate();
    void darkLivePageFromCommandLine();
    void seatChartsMatchTurnsLiveAndReopened();

private:
    void openWindow(const QUrl &host, const QString &db);
    rt::ui::DebatesPage *page() const { return m_window->debatesPage(); }
    void waitUntilReady();
    DebateSession *waitForSession();

    rt::test::SimProcess m_sim; // fast
    rt::test::SimProcess m_slow; // 25 tokens/s, for steering
    std::unique_ptr<rt::test::TempDatabase> m_db;
    std::unique_ptr<rt::ui::MainWindow> m_window;
    qint64 m_finishedId = 0;
    QStringList m_liveTexts; // what each turn of that debate showed live
};

void TestDebateWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"RoundtableTest"_s);
    QCoreApplication::setApplicationName(u"tst_debatewindow"_s);
    QSettings().clear();
    rt::ui::Theme::apply(*qApp);
    QVERIFY2(m_sim.start(), qPrintable(m_sim.errorString()));
    QVERIFY2(m_slow.start({ u"--tps"_s, u"25"_s, u"--tokens"_s, u"60"_s }), qPrintable(m_slow.errorString()));
    m_db = std::make_unique<rt::test::TempDatabase>();
    QVERIFY2(m_db->isValid(), qPrintable(m_db->error()));
}

void TestDebateWindow::cleanup()
{
    if (m_window)
        m_window->setCloseAnswer([] { return rt::ui::MainWindow::CloseChoice::KeepResumable; });
    m_window.reset();
}

void TestDebateWindow::openWindow(const QUrl &host, const QString &db)
{
    m_window = std::make_unique<rt::ui::MainWindow>(host, db);
    m_window->resize(1280, 820);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
}

void TestDebateWindow::waitUntilReady()
{
    QTRY_VERIFY_WITH_TIMEOUT(m_window->workspace()->isReady(), 10000);
    QCOMPARE(m_window->workspace()->state(), rt::ui::Workspace::State::Ready); // the --db file, not the fallback
    QTRY_VERIFY_WITH_TIMEOUT(page()->isLoaded(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->modelCatalog()->model(u"llama3.2:1b"_s).has_value(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->workspace()->agents()->count() >= 9, 10000);
}

DebateSession *TestDebateWindow::waitForSession()
{
    [&] { QTRY_VERIFY_WITH_TIMEOUT(page()->currentSession() != nullptr, 10000); }();
    return page()->currentSession();
}

void TestDebateWindow::startWithKeyboardFinishesAndMatchesStorage()
{
    openWindow(m_sim.url(), m_db->dbArgument());
    waitUntilReady();

    // Ctrl+Shift+N opens the form with the cursor in the question.
    QTest::keyClick(m_window.get(), Qt::Key_N, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(page()->panel(), rt::ui::DebatesPage::Panel::New);
    rt::ui::NewDebatePanel *form = page()->newPanel();
    QTRY_VERIFY(form->questionEdit()->hasFocus());
    // Defaults: three debaters, simultaneous, 3 rounds, 0.8.
    const rt::debate::DebateConfig defaults = form->config();
    QCOMPARE(defaults.agents.size(), 3);
    QVERIFY(defaults.format == rt::debate::FormatKind::Simultaneous);
    QCOMPARE(defaults.maxRounds, 3);
    QCOMPARE(defaults.consensusThreshold, 0.8);
    // Without a question Start is disabled and says why.
    QVERIFY(!form->startButton()->isEnabled());
    QVERIFY(form->startButton()->toolTip().contains(u"question"_s));
    QTest::keyClicks(form->questionEdit(), kQuestion);
    QVERIFY2(form->startButton()->isEnabled(), qPrintable(form->problems().join(u'\n')));
    saveScreenshot(m_window.get(), u"debate-new.png"_s);
    QTest::keyClick(form->questionEdit(), Qt::Key_Return);

    DebateSession *session = waitForSession();
    QVERIFY(session->isLive());
    QCOMPARE(page()->panel(), rt::ui::DebatesPage::Panel::Debate);
    rt::ui::DebateView *view = page()->view();
    QTRY_COMPARE(view->seatCards().size(), 4); // three debaters and the synthesiser the engine adds
    // The status bar says a debate runs while it runs.
    QTRY_VERIFY_WITH_TIMEOUT(m_window->taskIndicator()->text().contains(u"debate"_s) || session->phase() == Phase::Finished, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(session->phase(), Phase::Finished, 120000);
    QVERIFY(session->outcome().has_value());
    QVERIFY2(session->outcome()->score >= 0.8, qPrintable(QString::number(session->outcome()->score)));
    const QString answer = session->outcome()->answer;
    QVERIFY(!answer.isEmpty());
    QVERIFY(view->resultPanel()->isVisible());
    QVERIFY(view->resultText().contains(answer));
    QVERIFY(!view->pauseButton()->isEnabled());
    QVERIFY(!view->pauseButton()->toolTip().isEmpty());
    QCOMPARE(view->chart()->pointCount(), int(session->rounds().size()));
    m_finishedId = session->debateId();

    // Every turn's text in the view equals the stored turn, and nothing is stored twice.
    const QList<rt::storage::DebateTurn> stored = storedTurns(*m_db, m_finishedId);
    QCOMPARE(stored.size(), session->turns().size());
    QSet<QString> seen;
    for (qsizetype i = 0; i < stored.size(); ++i) {
        const rt::debate::TurnRecord &shown = session->turns().at(i);
        QCOMPARE(shown.content, stored.at(i).content);
        QCOMPARE(session->streamedText(int(i)), shown.text);
        m_liveTexts << shown.text;
        QVERIFY(!shown.text.isEmpty());
        const QString key = u"%1/%2/%3"_s.arg(stored.at(i).round).arg(stored.at(i).seat).arg(rt::toString(stored.at(i).kind));
        QVERIFY2(!seen.contains(key), qPrintable(key));
        seen.insert(key);
        // The transcript shows it.
        QVERIFY(view->transcript()->toPlainText().contains(shown.text.left(40).simplified().left(20)));
    }
    const auto debate = storedDebate(*m_db, m_finishedId);
    QVERIFY(debate);
    QVERIFY(debate->status == rt::DebateStatus::Finished);
    QCOMPARE(debate->finalAnswer, answer);
    saveScreenshot(m_window.get(), u"debate-result.png"_s);
}

void TestDebateWindow::reopenFinishedAndExportLikeHistory()
{
    QVERIFY(m_finishedId > 0);
    openWindow(m_sim.url(), m_db->dbArgument());
    waitUntilReady();
    m_window->showPage(m_window->pageIndex(page()));
    QTRY_VERIFY(page()->listModel()->rowOf(m_finishedId) >= 0);
    saveScreenshot(m_window.get(), u"debates.png"_s);

    // Search and filter narrow the list.
    auto *search = m_window->findChild<QLineEdit *>(u"debateSearch"_s);
    QVERIFY(search);
    QTest::keyClicks(search, u"no such words"_s);
    QCOMPARE(page()->listView()->model()->rowCount(), 0);
    search->clear();
    QCOMPARE(page()->listView()->model()->rowCount(), page()->listModel()->rowCount());

    // Enter on the row reopens it read-only, the same view.
    page()->listView()->setFocus();
    page()->listView()->setCurrentIndex(page()->listView()->model()->index(0, 0));
    QTest::keyClick(page()->listView(), Qt::Key_Return);
    DebateSession *session = waitForSession();
    QTRY_COMPARE(session->debateId(), m_finishedId);
    QVERIFY(!session->isLive());
    QCOMPARE(session->phase(), Phase::Finished);
    const QList<rt::storage::DebateTurn> stored = storedTurns(*m_db, m_finishedId);
    QCOMPARE(session->turns().size(), stored.size());
    // Each reopened turn reads as it did live.
    QCOMPARE(session->turns().size(), m_liveTexts.size());
    for (qsizetype i = 0; i < m_liveTexts.size(); ++i)
        QCOMPARE(session->turns().at(i).text, m_liveTexts.at(i));
    rt::ui::DebateView *view = page()->view();
    for (rt::ui::SeatCard *card : view->seatCards())
        QVERIFY2(!card->text().isEmpty(), qPrintable(card->objectName()));
    QVERIFY(view->resultPanel()->isVisible());
    QVERIFY(view->resultText().contains(session->outcome()->answer));
    QCOMPARE(session->outcome()->answer, storedDebate(*m_db, m_finishedId)->finalAnswer);
    QVERIFY(!view->stopButton()->isEnabled());
    QCOMPARE(view->chart()->pointCount(), int(session->rounds().size()));

    // Export through the button; the file is what `roundtable history export` writes.
    const QString file = m_db->dir() + u"/exported.md"_s;
    page()->setSaveFileHook([file](const QString &) { return file; });
    QSignalSpy exported(page(), &rt::ui::DebatesPage::exported);
    QTest::mouseClick(view->exportButton(), Qt::LeftButton);
    QTRY_COMPARE(exported.size(), 1);
    QCOMPARE(exported.at(0).at(1).toString(), QString());
    QFile written(file);
    QVERIFY(written.open(QIODevice::ReadOnly));
    rt::test::AppEnvironment env;
    const rt::test::AppRun cli = env.run(
        { u"history"_s, u"export"_s, QString::number(m_finishedId), u"--debate"_s, u"--format"_s, u"md"_s, u"--db"_s, m_db->dbArgument() });
    QCOMPARE(cli.code, 0);
    QCOMPARE(QString::fromUtf8(written.readAll()), cli.out);
}

void TestDebateWindow::pauseResumeInterjectStop()
{
    openWindow(m_slow.url(), m_db->dbArgument());
    waitUntilReady();
    QTest::keyClick(m_window.get(), Qt::Key_N, Qt::ControlModifier | Qt::ShiftModifier);
    QTest::keyClicks(page()->newPanel()->questionEdit(), u"Is 91 a prime number? Answer yes or no."_s);
    QTest::keyClick(page()->newPanel()->questionEdit(), Qt::Key_Return);
    DebateSession *session = waitForSession();
    rt::ui::DebateView *view = page()->view();
    QTRY_VERIFY_WITH_TIMEOUT(!session->liveTurns().isEmpty(), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(view->pauseButton()->isEnabled(), 5000);

    // Pause: takes effect after the turn in flight; storage says paused.
    const int turnsBefore = int(session->turns().size());
    QTest::mouseClick(view->pauseButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(session->phase(), Phase::Paused, 30000);
    QVERIFY(session->turns().size() > turnsBefore); // the turn in flight finished first
    QTRY_VERIFY_WITH_TIMEOUT(storedDebate(*m_db, session->debateId())->status == rt::DebateStatus::Paused, 5000);
    QCOMPARE(view->pauseButton()->text(), u"Resume"_s);
    const qsizetype pausedTurns = session->turns().size();

    // Interject while paused: Ctrl+I opens the box, Enter sends.
    view->setFocus();
    QTest::keyClick(view, Qt::Key_I, Qt::ControlModifier);
    QTRY_VERIFY(view->interjectInput()->isVisible());
    const QString note = u"Remember that 91 = 7 x 13."_s;
    QTest::keyClicks(view->interjectInput(), note);
    QTest::keyClick(view->interjectInput(), Qt::Key_Return);

    // Resume (Ctrl+P): the interjection is stored and shows; the agents go on.
    QTest::keyClick(view, Qt::Key_P, Qt::ControlModifier);
    QTRY_COMPARE_WITH_TIMEOUT(session->phase(), Phase::Running, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(session->turns().size() > pausedTurns, 20000);
    bool interjected = false;
    for (const rt::debate::TurnRecord &t : session->turns())
        interjected = interjected || (t.info.kind == rt::TurnKind::Interjection && t.text == note);
    QVERIFY(interjected);
    QTRY_VERIFY(view->transcript()->toPlainText().contains(note));
    bool storedNote = false;
    for (const rt::storage::DebateTurn &t : storedTurns(*m_db, session->debateId()))
        storedNote = storedNote || (t.kind == rt::TurnKind::Interjection && t.content == note);
    QVERIFY(storedNote);

    // Stop mid-turn: the partial turn is kept, the debate ends.
    QTRY_VERIFY_WITH_TIMEOUT(!session->liveTurns().isEmpty() && !session->liveTurns().begin()->text.isEmpty(), 20000);
    saveScreenshot(m_window.get(), u"debate-live.png"_s);
    QTest::mouseClick(view->stopButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(session->phase() == Phase::Finished || session->phase() == Phase::Failed, 20000);
    const auto debate = storedDebate(*m_db, session->debateId());
    QVERIFY(debate->status == rt::DebateStatus::Finished);
    QCOMPARE(debate->stopReason, u"user_stop"_s);
    const QList<rt::storage::DebateTurn> stored = storedTurns(*m_db, session->debateId());
    QCOMPARE(stored.size(), session->turns().size());
    bool partial = false;
    for (const rt::storage::DebateTurn &t : stored)
        partial = partial || t.status == rt::TurnStatus::Partial;
    QVERIFY(partial);
    QVERIFY(!view->stopButton()->isEnabled());
}

void TestDebateWindow::faultMidTurnShowsNoteWithoutModal()
{
    openWindow(m_slow.url(), m_db->dbArgument());
    waitUntilReady();
    QTest::keyClick(m_window.get(), Qt::Key_N, Qt::ControlModifier | Qt::ShiftModifier);
    QTest::keyClicks(page()->newPanel()->questionEdit(), u"Is the square root of 2 a rational number? Answer yes or no."_s);
    page()->newPanel()->findChild<QSpinBox *>(u"roundsSpin"_s)->setValue(1);
    QTest::keyClick(page()->newPanel()->questionEdit(), Qt::Key_Return);
    DebateSession *session = waitForSession();
    QTRY_VERIFY_WITH_TIMEOUT(!session->liveTurns().isEmpty(), 20000);
    // The next chat request breaks after three tokens with an error line.
    QVERIFY(m_slow.setFault(u"error_midstream"_s, u"3"_s, 1, u"/api/chat"_s));
    QTRY_VERIFY_WITH_TIMEOUT(
        session->phase() == Phase::Finished || session->phase() == Phase::Paused || session->phase() == Phase::Failed, 120000);
    QVERIFY(QApplication::activeModalWidget() == nullptr);
    // The failed turn is visible as such (a note or a failed/partial turn), in the transcript too.
    bool marked = !session->notes().isEmpty();
    for (const rt::debate::TurnRecord &t : session->turns())
        marked = marked || t.status != rt::TurnStatus::Complete || !t.error.isEmpty();
    QVERIFY(marked);
    QVERIFY(m_slow.reset());
}

void TestDebateWindow::killedAppOffersResumeAndFinishes()
{
    // The real binary runs the sample debate on the slow simulator ...
    rt::test::TempDatabase db;
    QVERIFY(db.isValid());
    rt::test::AppEnvironment env;
    QProcess app;
    env.start(app, { u"--ollama-host"_s, m_slow.url().toString(), u"--db"_s, db.dbArgument(), u"--page"_s, u"debate-live"_s });
    QVERIFY(app.waitForStarted());
    // ... until round 2 has a stored turn; then SIGKILL.
    qint64 debateId = 0;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            auto opened = db.open();
            if (!opened)
                return false;
            rt::storage::DebateRepository repo(**opened);
            auto list = repo.list(5);
            if (!list || list->isEmpty())
                return false;
            debateId = list->constFirst().id;
            auto turns = repo.turns(debateId);
            if (!turns)
                return false;
            for (const rt::storage::DebateTurn &t : *turns) {
                if (t.round == 2)
                    return true;
            }
            return false;
        }(),
        120000);
    ::kill(pid_t(app.processId()), SIGKILL);
    QVERIFY(app.waitForFinished(5000));
    const qsizetype before = storedTurns(db, debateId).size();

    // Restart: the debate is offered for resume at once.
    openWindow(m_sim.url(), db.dbArgument());
    waitUntilReady();
    m_window->showPage(m_window->pageIndex(page()));
    QTRY_VERIFY_WITH_TIMEOUT(page()->interruptedBanner()->isVisible(), 10000);
    QVERIFY(page()->interruptedBanner()->findChild<QPushButton *>(u"resumeInterruptedButton"_s));
    // Opened, it says what happened and offers Resume.
    page()->openDebate(debateId);
    DebateSession *reopened = waitForSession();
    QTRY_COMPARE(reopened->debateId(), debateId);
    QCOMPARE(reopened->phase(), Phase::Interrupted);
    QCOMPARE(reopened->turns().size(), before);
    QVERIFY(page()->view()->resumeButton()->isVisible());
    saveScreenshot(m_window.get(), u"debate-interrupted.png"_s);
    QTest::mouseClick(page()->view()->resumeButton(), Qt::LeftButton);
    QTRY_VERIFY(page()->currentSession() != reopened);
    DebateSession *session = page()->currentSession();
    QVERIFY(session->isLive());
    QTRY_COMPARE(session->debateId(), debateId);
    QTRY_VERIFY_WITH_TIMEOUT(session->turns().size() >= before, 10000); // what was stored shows first
    QTRY_COMPARE_WITH_TIMEOUT(session->phase(), Phase::Finished, 120000);

    // Every planned turn is stored exactly once.
    const QList<rt::storage::DebateTurn> stored = storedTurns(db, debateId);
    QVERIFY(stored.size() > before);
    QSet<QString> seen;
    for (const rt::storage::DebateTurn &t : stored) {
        if (t.status != rt::TurnStatus::Complete)
            continue;
        const QString key = u"%1/%2/%3"_s.arg(t.round).arg(t.seat).arg(rt::toString(t.kind));
        QVERIFY2(!seen.contains(key), qPrintable(key + u" stored twice"_s));
        seen.insert(key);
    }
    QVERIFY(storedDebate(db, debateId)->status == rt::DebateStatus::Finished);
    QVERIFY(!page()->interruptedBanner()->isVisible());
    // The resumed round keeps one header in the transcript.
    const QString transcript = page()->view()->transcript()->toPlainText();
    QCOMPARE(transcript.count(u"— Round 2 —"_s), 1);
}

void TestDebateWindow::closingWhileRunningAsksStopOrKeep()
{
    using Choice = rt::ui::MainWindow::CloseChoice;
    rt::test::TempDatabase db;
    QVERIFY(db.isValid());
    auto startOne = [this] {
        QTest::keyClick(m_window.get(), Qt::Key_N, Qt::ControlModifier | Qt::ShiftModifier);
        QTest::keyClicks(page()->newPanel()->questionEdit(), u"Is 91 a prime number? Answer yes or no."_s);
        QTest::keyClick(page()->newPanel()->questionEdit(), Qt::Key_Return);
    };
    openWindow(m_slow.url(), db.dbArgument());
    waitUntilReady();
    startOne();
    DebateSession *session = waitForSession();
    QTRY_VERIFY_WITH_TIMEOUT(!session->liveTurns().isEmpty(), 20000);
    const qint64 first = session->debateId();

    // Cancel: nothing happens.
    int asked = 0;
    m_window->setCloseAnswer([&asked] {
        ++asked;
        return Choice::Cancel;
    });
    QVERIFY(!m_window->close());
    QCOMPARE(asked, 1);
    QVERIFY(m_window->isVisible());
    QCOMPARE(page()->runningCount(), 1);

    // Stop: the debate ends (partial turn kept, result saved), then the window closes.
    m_window->setCloseAnswer([&asked] {
        ++asked;
        return Choice::Stop;
    });
    m_window->close();
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->isVisible(), 10000);
    QCOMPARE(asked, 2);
    QTRY_VERIFY_WITH_TIMEOUT(storedDebate(db, first)->status == rt::DebateStatus::Finished, 5000);
    QCOMPARE(storedDebate(db, first)->stopReason, u"user_stop"_s);
    m_window.reset();

    // Keep resumable: the next start offers it.
    openWindow(m_slow.url(), db.dbArgument());
    waitUntilReady();
    startOne();
    session = waitForSession();
    QTRY_VERIFY_WITH_TIMEOUT(!session->liveTurns().isEmpty(), 20000);
    const qint64 second = session->debateId();
    QVERIFY(second != first);
    m_window->setCloseAnswer([] { return Choice::KeepResumable; });
    m_window->close();
    QTRY_VERIFY(!m_window->isVisible());
    m_window.reset();
    openWindow(m_slow.url(), db.dbArgument());
    waitUntilReady();
    // The window opens on the Debates page with the offer.
    QTRY_VERIFY_WITH_TIMEOUT(page()->interruptedBanner()->isVisible(), 10000);
    QCOMPARE(m_window->findChild<QStackedWidget *>() != nullptr, true);
    QTRY_VERIFY(page()->isVisible());
    QVERIFY(storedDebate(db, second)->status != rt::DebateStatus::Finished);
}

void TestDebateWindow::demoOffersSampleDebate()
{
    // No Ollama, an empty database: the demo's Debates page offers a sample
    // debate, and one click seats three agents that stream side by side.
    rt::test::TempDatabase db;
    QVERIFY(db.isValid());
    openWindow(rt::test::closedLoopbackUrl(), db.dbArgument());
    QTRY_VERIFY_WITH_TIMEOUT(page()->isLoaded(), 10000);
    m_window->showPage(m_window->pageIndex(page()));
    QVERIFY(!page()->sampleButton()->isVisible()); // not outside the demo
    m_window->demoServer()->setProgramPath(rt::test::simulatorPath());
    m_window->startDemo();
    QTRY_VERIFY_WITH_TIMEOUT(m_window->isDemo(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->modelCatalog()->model(u"llama3.2:1b"_s).has_value(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->workspace()->agents()->count() >= 9, 10000);
    QTRY_VERIFY(page()->sampleButton()->isVisible());
    QTest::mouseClick(page()->sampleButton(), Qt::LeftButton);
    DebateSession *session = waitForSession();
    QVERIFY(session->isLive());
    // Simultaneous: the debaters of round 1 stream at the same time.
    int most = 0;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            most = qMax(most, int(session->liveTurns().size()));
            return most >= 3 || session->phase() == Phase::Finished;
        }(),
        30000);
    QCOMPARE(most, 3);
    QTRY_COMPARE_WITH_TIMEOUT(session->phase(), Phase::Finished, 120000);
    QVERIFY(!session->outcome()->answer.isEmpty());
    m_window->leaveDemo();
}

void TestDebateWindow::darkLivePageFromCommandLine()
{
    // The command-line contract: --page debate-live --theme dark --screenshot FILE.
    rt::test::TempDatabase db;
    rt::test::AppEnvironment env;
    const QString file = rt::test::buildDir() + u"/screenshots/debate-live-dark.png"_s;
    QFile::remove(file);
    const rt::test::AppRun run = env.run({ u"--ollama-host"_s, m_slow.url().toString(), u"--db"_s, db.dbArgument(), u"--theme"_s, u"dark"_s,
                                             u"--page"_s, u"debate-live"_s, u"--screenshot"_s, file },
        150000);
    QVERIFY2(run.code == 0, qPrintable(run.err));
    QImage image(file);
    QVERIFY(!image.isNull());
    QVERIFY(distinctColours(image, 16) >= 16);
    // Dark: most of the window is dark.
    const QImage small = image.scaled(64, 40);
    int dark = 0;
    for (int y = 0; y < small.height(); ++y)
        for (int x = 0; x < small.width(); ++x)
            dark += qGray(small.pixel(x, y)) < 90 ? 1 : 0;
    QVERIFY2(dark > small.width() * small.height() / 2, qPrintable(QString::number(dark)));
    // Bad values are usage errors.
    QCOMPARE(env.run({ u"--theme"_s, u"purple"_s }).code, 2);
    QCOMPARE(env.run({ u"--page"_s, u"nowhere"_s }).code, 2);
}

void TestDebateWindow::seatChartsMatchTurnsLiveAndReopened()
{
    openWindow(m_sim.url(), m_db->dbArgument());
    waitUntilReady();
    QTest::keyClick(m_window.get(), Qt::Key_N, Qt::ControlModifier | Qt::ShiftModifier);
    QTest::keyClicks(page()->newPanel()->questionEdit(), kQuestion);
    QTest::keyClick(page()->newPanel()->questionEdit(), Qt::Key_Return);
    DebateSession *session = waitForSession();
    QVERIFY(session->isLive());
    QTRY_COMPARE_WITH_TIMEOUT(session->phase(), Phase::Finished, 120000);
    const qint64 debateId = session->debateId();

    // What each seat did, from the session's turns (the values the metrics
    // registry is fed from); the moderator (seat < 0) is left out.
    QHash<QString, qint64> tokens;
    QHash<QString, QList<QPointF>> seconds;
    QHash<QString, QSet<int>> rounds;
    for (const rt::debate::TurnRecord &turn : session->turns()) {
        if (turn.info.seat < 0)
            continue;
        tokens[turn.info.agentName] += turn.metrics.evalCount;
        seconds[turn.info.agentName].append(QPointF(turn.info.round, double(turn.metrics.wallTimeMs) / 1000.0));
        rounds[turn.info.agentName].insert(turn.info.round);
    }
    // The same totals storage kept.
    QHash<QString, qint64> storedTokens;
    for (const rt::storage::DebateTurn &turn : storedTurns(*m_db, debateId)) {
        if (turn.seat >= 0)
            storedTokens[turn.agentName] += turn.metrics.evalCount.value_or(0);
    }
    QCOMPARE(storedTokens, tokens);

    auto check = [&](rt::ui::SeatChart *chart) {
        int debaters = 0;
        QCOMPARE(chart->barCount(), int(session->seats().size()));
        for (const rt::debate::Seat &seat : session->seats()) {
            const QString name = seat.agent.name;
            QCOMPARE(chart->tokensFor(name), tokens.value(name));
            QCOMPARE(chart->turnSeconds(name), seconds.value(name));
            if (!seat.speaksInRounds())
                continue;
            ++debaters;
            QVERIFY2(tokens.value(name) > 0, qPrintable(name));
            // One point per round the seat spoke, at that round.
            const QList<QPointF> points = chart->turnSeconds(name);
            QCOMPARE(points.size(), rounds.value(name).size());
            for (const QPointF &p : points) {
                QVERIFY(rounds.value(name).contains(qRound(p.x())));
                QVERIFY2(p.y() > 0, qPrintable(name));
            }
        }
        QCOMPARE(debaters, 3);
    };

    rt::ui::DebateView *view = page()->view();
    rt::ui::SeatChart *chart = view->seatChart();
    QVERIFY(chart->isVisible());
    // Redraws are coalesced: wait until the last turn is drawn.
    QTRY_VERIFY(chart->turnSeconds(session->seats().constFirst().agent.name) == seconds.value(session->seats().constFirst().agent.name));
    check(chart);
    if (QTest::currentTestFailed())
        return;
    // The seat cards keep their size next to the charts.
    for (rt::ui::SeatCard *card : view->seatCards())
        QVERIFY2(card->height() >= 200, qPrintable(QString::number(card->height())));
    saveScreenshot(m_window.get(), u"debate-charts.png"_s);
    rt::ui::Theme::change(*qApp, rt::ui::Theme::Mode::Dark);
    // The consensus line follows the theme (it is drawn in the text colour).
    QCOMPARE(view->chart()->consensusLine()->pen().color(), rt::ui::Theme::Text);
    QVERIFY(qGray(view->chart()->consensusLine()->pen().color().rgb()) > 150);
    // The seat cards' text areas turn dark too.
    for (rt::ui::SeatCard *card : view->seatCards()) {
        auto *text = card->findChild<QTextBrowser *>(u"seatText"_s);
        QVERIFY(text);
        QTRY_COMPARE(text->viewport()->palette().color(QPalette::Base), rt::ui::Theme::Surface);
        QCOMPARE(text->grab().toImage().pixelColor(text->width() - 4, text->height() - 4), rt::ui::Theme::Surface);
    }
    saveScreenshot(m_window.get(), u"debate-charts-dark.png"_s);
    rt::ui::Theme::change(*qApp, rt::ui::Theme::Mode::Light);

    // Reopened from the list in a new window: the same picture from storage.
    m_window.reset();
    openWindow(m_sim.url(), m_db->dbArgument());
    waitUntilReady();
    m_window->showPage(m_window->pageIndex(page()));
    QTRY_VERIFY(page()->listModel()->rowOf(debateId) >= 0);
    page()->listView()->setFocus();
    page()->listView()->setCurrentIndex(page()->listView()->model()->index(0, 0)); // the newest
    QTest::keyClick(page()->listView(), Qt::Key_Return);
    session = waitForSession();
    QTRY_COMPARE(session->debateId(), debateId);
    QVERIFY(!session->isLive());
    chart = page()->view()->seatChart();
    QVERIFY(chart->isVisible());
    check(chart);
}

QTEST_MAIN(TestDebateWindow)
#include "tst_debatewindow.moc"
