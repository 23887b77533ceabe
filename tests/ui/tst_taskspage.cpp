// The Tasks page against the real simulator and a real SQLite file: a model
// pull runs as a task and the panel shows it running with its progress, then
// cancelled by the panel's button; a pull left running when the window
// closes comes back interrupted and the panel's Resume finishes it; a pull of
// a model that does not exist shows the server's error in words.
#include "llm/modelcatalog.h"
#include "screenshot.h"
#include "simprocess.h"
#include "tasks/pulljob.h"
#include "tasks/taskmanager.h"
#include "tempdatabase.h"
#include "ui/mainwindow.h"
#include "ui/tasklistmodel.h"
#include "ui/taskspage.h"
#include "ui/theme.h"
#include "ui/workspace.h"

#include <QApplication>
#include <QCheckBox>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>
#include <QTreeView>
#include <memory>

using namespace Qt::StringLiterals;
using rt::TaskStatus;
using rt::tasks::TaskInfo;
using rt::ui::TaskListModel;

class TestTasksPage : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void pullShowsProgressAndCancels();
    void interruptedPullResumesFromThePanel();
    void failedPullShowsTheError();

private:
    void openWindow();
    rt::ui::TasksPage *page() const { return m_window->tasksPage(); }
    qint64 submitPull(const QString &model);
    // The panel's text for a task: the status column as shown.
    QString shownStatus(qint64 id) const;

    rt::test::SimProcess m_sim; // slow pulls, so there is time to look
    std::unique_ptr<rt::test::TempDatabase> m_db;
    std::unique_ptr<rt::ui::MainWindow> m_window;
};

void TestTasksPage::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"RoundtableTest"_s);
    QCoreApplication::setApplicationName(u"tst_taskspage"_s);
    QSettings().clear();
    rt::ui::Theme::apply(*qApp);
    QVERIFY2(m_sim.start({ u"--pull-ms"_s, u"6000"_s }), qPrintable(m_sim.errorString()));
    m_db = std::make_unique<rt::test::TempDatabase>();
    QVERIFY2(m_db->isValid(), qPrintable(m_db->error()));
}

void TestTasksPage::cleanup()
{
    m_window.reset();
}

void TestTasksPage::openWindow()
{
    m_window = std::make_unique<rt::ui::MainWindow>(m_sim.url(), m_db->dbArgument());
    m_window->resize(1180, 760);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->workspace()->isReady(), 10000);
    QCOMPARE(m_window->workspace()->state(), rt::ui::Workspace::State::Ready);
    QTRY_VERIFY_WITH_TIMEOUT(page()->isLoaded(), 10000);
    // Ctrl+<position> from the Go menu lands on the page.
    const int position = m_window->pageIndex(page());
    QTest::keyClick(m_window.get(), Qt::Key(Qt::Key_1 + position), Qt::ControlModifier);
    QTRY_VERIFY(page()->isVisible());
}

qint64 TestTasksPage::submitPull(const QString &model)
{
    rt::tasks::TaskManager *tasks = m_window->workspace()->tasks();
    auto future = tasks->submit(rt::tasks::PullJob::Kind, rt::tasks::PullJob::title(model),
        std::make_unique<rt::tasks::PullJob>(m_window->modelCatalog(), model), rt::tasks::PullJob::options(model, {}));
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, 10000))
        return 0;
    const rt::Result<qint64> id = future.result();
    return id ? *id : 0;
}

QString TestTasksPage::shownStatus(qint64 id) const
{
    const int row = page()->model()->rowOf(id);
    return row < 0 ? QString() : page()->model()->index(row, TaskListModel::StatusColumn).data().toString();
}

void TestTasksPage::pullShowsProgressAndCancels()
{
    openWindow();
    const qint64 id = submitPull(u"mistral:7b"_s);
    QVERIFY(id > 0);
    QTRY_COMPARE_WITH_TIMEOUT(shownStatus(id), u"Running"_s, 10000);
    // Progress arrives from the pull: a percentage and a moving bar.
    QTRY_VERIFY_WITH_TIMEOUT(page()->model()->taskAt(page()->model()->rowOf(id))->progress > 0.05, 10000);
    const int row = page()->model()->rowOf(id);
    QVERIFY(page()->model()->index(row, TaskListModel::ProgressColumn).data().toString().endsWith(u'%'));
    QVERIFY(page()->model()->index(row, TaskListModel::TitleColumn).data().toString().contains(u"mistral:7b"_s));
    QVERIFY(!page()->model()->index(row, TaskListModel::DetailColumn).data().toString().isEmpty());
    QVERIFY(page()->selectTask(id));
    QVERIFY(page()->detailLabel()->text().contains(u"mistral:7b"_s));
    QVERIFY(page()->cancelButton()->isEnabled());
    QVERIFY(!page()->resumeButton()->isEnabled()); // it is running

    QTest::mouseClick(page()->cancelButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(shownStatus(id), u"Cancelled"_s, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_sim.stats().value(u"pulls_cancelled"_s).toInt(), 1, 10000);
    QVERIFY(!page()->cancelButton()->isEnabled());
    QVERIFY(page()->clearFinishedButton()->isEnabled());

    // Hidden finished tasks, then shown again.
    page()->findChild<QCheckBox *>(u"showFinishedTasks"_s)->setChecked(false);
    QCOMPARE(page()->model()->rowOf(id), -1);
    page()->findChild<QCheckBox *>(u"showFinishedTasks"_s)->setChecked(true);
    QVERIFY(page()->model()->rowOf(id) >= 0);
}

void TestTasksPage::interruptedPullResumesFromThePanel()
{
    openWindow();
    const qint64 id = submitPull(u"llama3.2:3b"_s);
    QVERIFY(id > 0);
    QTRY_VERIFY_WITH_TIMEOUT(
        page()->model()->rowOf(id) >= 0 && page()->model()->taskAt(page()->model()->rowOf(id))->progress > 0.02, 10000);
    // Closing the window with the pull running keeps it resumable.
    m_window.reset();

    openWindow();
    QTRY_COMPARE_WITH_TIMEOUT(shownStatus(id), u"Interrupted"_s, 10000);
    QVERIFY(page()->selectTask(id));
    QVERIFY(page()->resumeButton()->isEnabled());
    QVERIFY(page()->detailLabel()->text().contains(u"Resume continues"_s));
    QCOMPARE(page()->cancelButton()->text(), u"&Dismiss"_s);
    QTest::mouseClick(page()->resumeButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(shownStatus(id), u"Running"_s, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(shownStatus(id), u"Done"_s, 20000);
    QCOMPARE(page()->model()->index(page()->model()->rowOf(id), TaskListModel::ProgressColumn).data().toString(), u"100%"_s);
    // The model is installed on the server and in the window's list.
    QTRY_VERIFY_WITH_TIMEOUT(m_window->modelCatalog()->model(u"llama3.2:3b"_s).has_value(), 10000);
    const rt::test::HttpReply tags = rt::test::SimProcess::httpGet(m_sim.url(), u"/api/tags"_s);
    QVERIFY(tags.body.contains("llama3.2:3b"));
}

void TestTasksPage::failedPullShowsTheError()
{
    openWindow();
    const qint64 id = submitPull(u"no-such-model:13b"_s);
    QVERIFY(id > 0);
    QTRY_COMPARE_WITH_TIMEOUT(shownStatus(id), u"Failed"_s, 15000);
    QVERIFY(page()->selectTask(id));
    const TaskInfo task = *page()->selectedTask();
    QVERIFY(!task.error.isEmpty());
    // The error in the row and, whole, in the details.
    QCOMPARE(
        page()->model()->index(page()->model()->rowOf(id), TaskListModel::DetailColumn).data().toString(), task.error.section(u'\n', 0, 0));
    QVERIFY(page()->detailLabel()->text().contains(task.error.section(u'\n', 0, 0).toHtmlEscaped()));
    QVERIFY(page()->detailLabel()->text().contains(rt::ui::Theme::css(rt::ui::Theme::ErrorText)));
    QCOMPARE(page()->resumeButton()->text(), u"&Retry"_s); // a failed pull can be tried again

    // Every state of this run in one list: failed, done, cancelled, and a pull running.
    const qint64 running = submitPull(u"tinyllama:latest"_s);
    QTRY_VERIFY_WITH_TIMEOUT(
        page()->model()->rowOf(running) >= 0 && page()->model()->taskAt(page()->model()->rowOf(running))->progress > 0.2, 10000);
    QVERIFY(page()->selectTask(id));
    rt::test::saveScreenshot(m_window.get(), u"tasks.png"_s);
}

QTEST_MAIN(TestTasksPage)
#include "tst_taskspage.moc"
