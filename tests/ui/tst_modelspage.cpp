// The Models page against the real simulator and a real SQLite file: a pull
// with progress that is cancelled and pulled again (each task state seen in
// the task manager), the model then listed; details from /api/show and a
// delete with confirmation; a host that goes down while chat goes on on the
// other one; "Pull it" from the chat. Screenshots go to <build>/screenshots/.
#include "agents/agentregistry.h"
#include "debate/debatetypes.h"
#include "llm/endpointpool.h"
#include "llm/hostconfig.h"
#include "llm/modelcatalog.h"
#include "screenshot.h"
#include "simprocess.h"
#include "tasks/pulljob.h"
#include "tasks/taskmanager.h"
#include "tempdatabase.h"
#include "ui/chatmessagemodel.h"
#include "ui/chatpage.h"
#include "ui/debatespage.h"
#include "ui/hostlistmodel.h"
#include "ui/mainwindow.h"
#include "ui/modellistmodel.h"
#include "ui/modelspage.h"
#include "ui/newdebatepanel.h"
#include "ui/pulldialog.h"
#include "ui/taskindicator.h"
#include "ui/theme.h"
#include "ui/workspace.h"

#include <QApplication>
#include <QComboBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <QTextBrowser>
#include <memory>

using namespace Qt::StringLiterals;
using rt::test::saveScreenshot;
using rt::ui::HostListModel;
using rt::ui::ModelsPage;

namespace {

QStringList installedOn(const QUrl &url)
{
    QStringList names;
    const QJsonArray models = rt::test::SimProcess::httpGet(url, u"/api/tags"_s).json().value(u"models"_s).toArray();
    for (const QJsonValue &m : models)
        names << m.toObject().value(u"name"_s).toString();
    return names;
}

// Task states by their stored names (QCOMPARE cannot print the enum).
QStringList names(const QList<rt::TaskStatus> &statuses)
{
    QStringList out;
    for (rt::TaskStatus s : statuses)
        out << rt::tasks::statusName(s);
    return out;
}

QString statusOf(rt::tasks::TaskManager *tasks, qint64 id)
{
    const std::optional<rt::tasks::TaskInfo> task = tasks->task(id);
    return task ? rt::tasks::statusName(task->status) : QString();
}

rt::llm::HostConfig host(const QString &name, const QUrl &url)
{
    rt::llm::HostConfig h;
    h.name = name;
    h.url = url;
    h.maxConcurrent = 4;
    return h;
}

} // namespace

class TestModelsPage final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void pullCancelThenPullAgain();
    void detailsAndDeleteWithConfirmation();
    void pullItFromChat();
    void hostGoesDownChatUsesTheOther();

private:
    void openWindow(const QList<rt::llm::HostConfig> &hosts);
    void waitUntilLoaded();
    ModelsPage *page() const { return m_window->modelsPage(); }

    rt::test::SimProcess m_a;
    rt::test::SimProcess m_b;
    std::unique_ptr<rt::test::TempDatabase> m_db;
    std::unique_ptr<rt::ui::MainWindow> m_window;
};

void TestModelsPage::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"RoundtableTest"_s);
    QCoreApplication::setApplicationName(u"tst_modelspage"_s);
    QSettings().clear();
    rt::ui::Theme::apply(*qApp);
    QVERIFY2(m_a.start(), qPrintable(m_a.errorString()));
    QVERIFY2(m_b.start(), qPrintable(m_b.errorString()));
    m_db = std::make_unique<rt::test::TempDatabase>();
    QVERIFY2(m_db->isValid(), qPrintable(m_db->error()));
}

void TestModelsPage::cleanup()
{
    if (m_window)
        m_window->setCloseAnswer([] { return rt::ui::MainWindow::CloseChoice::KeepResumable; });
    m_window.reset();
    if (m_a.isRunning())
        m_a.reset();
}

void TestModelsPage::openWindow(const QList<rt::llm::HostConfig> &hosts)
{
    m_window = std::make_unique<rt::ui::MainWindow>(hosts, m_db->dbArgument());
    m_window->resize(1280, 820);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestModelsPage::waitUntilLoaded()
{
    QTRY_VERIFY_WITH_TIMEOUT(m_window->workspace()->isReady(), 10000);
    QCOMPARE(m_window->workspace()->state(), rt::ui::Workspace::State::Ready);
    m_window->showPage(m_window->pageIndex(page()));
    QTRY_VERIFY_WITH_TIMEOUT(page()->isLoaded(), 10000);
}

void TestModelsPage::pullCancelThenPullAgain()
{
    openWindow({ host(u"local"_s, m_a.url()) });
    waitUntilLoaded();
    rt::tasks::TaskManager *tasks = m_window->workspace()->tasks();
    QVERIFY(tasks);
    const QString model = u"tinyllama:latest"_s;
    QVERIFY(!installedOn(m_a.url()).contains(model));
    QCOMPARE(page()->modelModel()->rowOf(model), -1);

    // Every state each pull task goes through, from the task manager's signals.
    QHash<qint64, QList<rt::TaskStatus>> seen;
    auto record = [&](const rt::tasks::TaskInfo &t) {
        if (t.kind != rt::tasks::PullJob::Kind)
            return;
        QList<rt::TaskStatus> &list = seen[t.id];
        if (list.isEmpty() || list.last() != t.status)
            list.append(t.status);
    };
    connect(tasks, &rt::tasks::TaskManager::taskAdded, this, record);
    connect(tasks, &rt::tasks::TaskManager::taskChanged, this, record);
    connect(tasks, &rt::tasks::TaskManager::taskFinished, this, record);

    // The first pull stalls after a few progress lines, so it can be cancelled mid-way.
    QVERIFY(m_a.setFault(u"stall"_s, u"6"_s, 1, u"/api/pull"_s));
    QVERIFY(!page()->isPullOpen());
    QTest::mouseClick(page()->findChild<QPushButton *>(u"openPullButton"_s), Qt::LeftButton);
    QVERIFY(page()->isPullOpen());
    rt::ui::PullDialog *pull = page()->pullDialog();
    QVERIFY(pull->suggestions()->count() >= 6);
    QTest::keyClicks(pull->modelEdit()->lineEdit(), model);
    QTest::mouseClick(pull->pullButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(pull->shownTasks().size(), 1, 5000);
    const qint64 first = pull->shownTasks().constFirst();
    // Progress: percent, layers, and the summary with bytes.
    QTRY_VERIFY_WITH_TIMEOUT(pull->rowPercent(first) > 0 && pull->rowText(first).contains(u"Layers"_s), 10000);
    QVERIFY2(pull->rowText(first).contains(u"Downloading"_s), qPrintable(pull->rowText(first)));
    QVERIFY(pull->rowText(first).contains(u"%"_s));
    QCOMPARE(statusOf(tasks, first), u"running"_s);
    // The status bar shows it; clicking it from another page lands here with the pulls.
    QTRY_VERIFY_WITH_TIMEOUT(m_window->taskIndicator()->isVisible(), 5000);
    QVERIFY(m_window->taskIndicator()->text().contains(u"pull"_s));
    m_window->showPage(m_window->pageIndex(m_window->chatPage()));
    page()->closePull();
    QTest::mouseClick(m_window->taskIndicator(), Qt::LeftButton);
    QCOMPARE(m_window->pageIndex(page()), m_window->findChild<QListWidget *>(u"navigation"_s)->currentRow());
    QVERIFY(page()->isPullOpen());
    QVERIFY(pull->shownTasks().contains(first)); // reopened: the running pull is there
    saveScreenshot(m_window.get(), u"pull.png"_s);

    // Cancel.
    QCOMPARE(pull->rowButton(first)->text(), u"Cancel"_s);
    QTest::mouseClick(pull->rowButton(first), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(tasks, first), u"cancelled"_s, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(pull->rowText(first).contains(u"Cancelled"_s), 2000);
    QTRY_VERIFY_WITH_TIMEOUT(m_a.stats().value(u"client_closed_early"_s).toInteger() >= 1, 5000);
    QVERIFY(!installedOn(m_a.url()).contains(model));

    // Pull again from the cancelled row; close the panel meanwhile: the pull goes on.
    QCOMPARE(pull->rowButton(first)->text(), u"Pull Again"_s);
    QTest::mouseClick(pull->rowButton(first), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(pull->shownTasks().size(), 2, 5000);
    const qint64 second = pull->shownTasks().constFirst();
    QVERIFY(second != first);
    page()->closePull();
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(tasks, second), u"succeeded"_s, 15000);
    page()->openPull();
    QVERIFY(pull->rowText(second).contains(u"Pulled"_s));
    QCOMPARE(pull->rowPercent(second), 100);

    QCOMPARE(names(seen.value(first)), (QStringList { u"queued"_s, u"running"_s, u"cancelled"_s }));
    QCOMPARE(names(seen.value(second)), (QStringList { u"queued"_s, u"running"_s, u"succeeded"_s }));
    // The model is listed, and the server has it.
    QTRY_VERIFY_WITH_TIMEOUT(page()->modelModel()->rowOf(model, u"local"_s) >= 0, 5000);
    QVERIFY(installedOn(m_a.url()).contains(model));
}

void TestModelsPage::detailsAndDeleteWithConfirmation()
{
    openWindow({ host(u"local"_s, m_a.url()) });
    waitUntilLoaded();
    const QString model = u"gemma3:1b"_s;
    QTRY_VERIFY_WITH_TIMEOUT(page()->modelModel()->rowOf(model) >= 0, 5000);
    const int row = page()->modelModel()->rowOf(model);
    // The list has what /api/tags says.
    const rt::ui::ModelListModel::Row *listed = page()->modelModel()->row(row);
    QCOMPARE(listed->host, u"local"_s);
    QVERIFY(!listed->info.family.isEmpty());
    QVERIFY(!listed->info.parameterSize.isEmpty());
    QVERIFY(!listed->info.quantization.isEmpty());

    // Details from /api/show, checked against the server's own answer.
    const QJsonObject show = rt::test::SimProcess::httpPost(m_a.url(), u"/api/show"_s, R"({"model":"gemma3:1b"})").json();
    const QJsonObject info = show.value(u"model_info"_s).toObject();
    qint64 context = 0;
    for (auto it = info.begin(); it != info.end(); ++it) {
        if (it.key().endsWith(u".context_length"_s))
            context = it.value().toInteger();
    }
    QVERIFY(context > 0);
    QVERIFY(page()->selectModel(model, u"local"_s));
    QTRY_VERIFY_WITH_TIMEOUT(page()->detailsLoaded(), 5000);
    QCOMPARE(page()->detailsModel(), model);
    const QString details = page()->detailsView()->toPlainText();
    QVERIFY2(details.contains(QLocale().toString(context)), qPrintable(details));
    QVERIFY(details.contains(show.value(u"details"_s).toObject().value(u"family"_s).toString()));
    QVERIFY(details.contains(show.value(u"details"_s).toObject().value(u"quantization_level"_s).toString()));
    if (const QString parameters = show.value(u"parameters"_s).toString().trimmed(); !parameters.isEmpty())
        QVERIFY(details.contains(parameters.section(u'\n', 0, 0).simplified().section(u' ', 0, 0)));
    saveScreenshot(m_window.get(), u"models.png"_s);

    // Delete asks first; "no" keeps it.
    QStringList asked;
    bool answer = false;
    page()->setConfirmAnswer([&](const QString &question) {
        asked << question;
        return answer;
    });
    QVERIFY(page()->deleteButton()->isEnabled());
    QTest::mouseClick(page()->deleteButton(), Qt::LeftButton);
    QCOMPARE(asked.size(), 1);
    QVERIFY(asked.constFirst().contains(model));
    QVERIFY(installedOn(m_a.url()).contains(model));
    QVERIFY(page()->modelModel()->rowOf(model) >= 0);
    answer = true;
    QTest::mouseClick(page()->deleteButton(), Qt::LeftButton);
    QCOMPARE(asked.size(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(page()->modelModel()->rowOf(model), -1, 5000);
    QVERIFY(!installedOn(m_a.url()).contains(model));
    QVERIFY(page()->statusMessage().contains(u"Deleted"_s));
    QVERIFY(!page()->detailsLoaded());

    // A debate seat with the deleted model offers to pull it.
    QTRY_VERIFY_WITH_TIMEOUT(m_window->workspace()->agents()->count() >= 2, 10000);
    rt::ui::NewDebatePanel *form = m_window->debatesPage()->newPanel();
    QTRY_VERIFY_WITH_TIMEOUT(form->config().agents.size() >= 2, 5000);
    rt::debate::DebateConfig config = form->config();
    config.agents[0].model = model;
    form->prefill(config);
    QVERIFY2(form->problemLabel()->text().contains(u"pull:"_s + model), qPrintable(form->problemLabel()->text()));
    page()->closePull();
    emit form->problemLabel()->linkActivated(u"pull:"_s + model);
    QCOMPARE(m_window->findChild<QListWidget *>(u"navigation"_s)->currentRow(), m_window->pageIndex(page()));
    QVERIFY(page()->isPullOpen());
    QCOMPARE(page()->pullDialog()->modelName(), model);
}

void TestModelsPage::pullItFromChat()
{
    openWindow({ host(u"local"_s, m_a.url()) });
    rt::ui::ChatPage *chat = m_window->chatPage();
    QTRY_VERIFY_WITH_TIMEOUT(chat->modelsLoaded(), 10000);
    QVERIFY(chat->selectModel(u"llama3.2:1b"_s));
    QVERIFY(!chat->pullHint()->isVisible());
    // The server says the model is gone.
    QVERIFY(m_a.setFault(u"not_found"_s, {}, 5, u"/api/chat"_s));
    QVERIFY(chat->sendMessage(u"hello"_s));
    QTRY_VERIFY_WITH_TIMEOUT(!chat->isBusy(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(chat->pullHint()->isVisible(), 2000);
    QVERIFY(chat->pullHint()->text().contains(u"Pull it"_s));
    emit chat->pullHint()->linkActivated(u"pull:llama3.2:1b"_s);
    QCOMPARE(m_window->findChild<QListWidget *>(u"navigation"_s)->currentRow(), m_window->pageIndex(page()));
    QVERIFY(page()->isPullOpen());
    QCOMPARE(page()->pullDialog()->modelName(), u"llama3.2:1b"_s);
}

void TestModelsPage::hostGoesDownChatUsesTheOther()
{
    openWindow({ host(u"alpha"_s, m_a.url()), host(u"beta"_s, m_b.url()) });
    rt::llm::EndpointPool::Options options = m_window->pool()->options();
    options.healthIntervalMs = 400;
    m_window->pool()->setOptions(options);
    waitUntilLoaded();
    page()->showTab(ModelsPage::Tab::Hosts);
    HostListModel *hosts = page()->hostModel();
    QCOMPARE(hosts->rowCount(), 2);
    for (const QString &name : { u"alpha"_s, u"beta"_s }) {
        const HostListModel::Row *row = hosts->row(name);
        QVERIFY(row);
        QCOMPARE(HostListModel::state(*row), HostListModel::HostState::Up);
        QCOMPARE(row->version, u"0.12.6"_s);
        QVERIFY(row->latencyMs >= 0);
        QCOMPARE(row->models, int(installedOn(name == u"alpha" ? m_a.url() : m_b.url()).size()));
    }
    const int stateColumn = HostListModel::State;
    QVERIFY(hosts->index(1, stateColumn).data().toString().contains(u"Up"_s));
    QVERIFY(hosts->index(1, HostListModel::Latency).data().toString().endsWith(u" ms"_s));
    saveScreenshot(m_window.get(), u"hosts.png"_s);

    // beta goes away: within a health interval (plus a probe) the list says so.
    QVERIFY(m_b.stop());
    QTRY_VERIFY_WITH_TIMEOUT(HostListModel::state(*hosts->row(u"beta"_s)) == HostListModel::HostState::Down, 2000);
    QVERIFY(hosts->index(1, stateColumn).data().toString().contains(u"Down"_s));
    QVERIFY(!m_window->pool()->isAvailable(u"beta"_s));
    QCOMPARE(HostListModel::state(*hosts->row(u"alpha"_s)), HostListModel::HostState::Up);
    saveScreenshot(m_window.get(), u"hosts-down.png"_s);

    // The chat still offers the model alpha has, and the reply comes from alpha.
    m_window->showPage(m_window->pageIndex(m_window->chatPage()));
    rt::ui::ChatPage *chat = m_window->chatPage();
    QTRY_VERIFY_WITH_TIMEOUT(chat->modelsLoaded(), 10000);
    QVERIFY(chat->selectModel(u"llama3.2:1b"_s));
    const qint64 before = m_a.stats().value(u"completed_streams"_s).toInteger();
    QVERIFY(chat->sendMessage(u"Which host answers?"_s));
    QTRY_VERIFY_WITH_TIMEOUT(!chat->isBusy(), 15000);
    const auto last = chat->messages()->message(chat->messages()->count() - 1);
    QCOMPARE(last.phase, rt::ui::ChatMessageModel::Phase::Done);
    QVERIFY(!last.content.isEmpty());
    QCOMPARE(m_a.stats().value(u"completed_streams"_s).toInteger(), before + 1);

    // /api/ps now lists it on alpha: the models list and the hosts list say it is loaded.
    page()->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(page()->modelModel()->rowOf(u"llama3.2:1b"_s, u"alpha"_s) >= 0
            && page()->modelModel()->row(page()->modelModel()->rowOf(u"llama3.2:1b"_s, u"alpha"_s))->running.has_value(),
        5000);
    const int loadedRow = page()->modelModel()->rowOf(u"llama3.2:1b"_s, u"alpha"_s);
    QVERIFY(!page()->modelModel()->index(loadedRow, rt::ui::ModelListModel::Loaded).data().toString().isEmpty());
    QCOMPARE(hosts->row(u"alpha"_s)->loaded, 1);

    // Hosts are kept in the settings, as `roundtable hosts add|rm` keeps them.
    QVERIFY(!page()->addHost(host(u"alpha"_s, m_a.url())).ok()); // taken name
    QVERIFY(page()->addHost(host(u"gamma"_s, m_a.url())).ok());
    QCOMPARE(hosts->rowCount(), 3);
    QStringList saved;
    for (const rt::llm::HostConfig &h : rt::llm::HostConfig::fromSettings())
        saved << h.name;
    QCOMPARE(saved, (QStringList { u"alpha"_s, u"beta"_s, u"gamma"_s }));
    QTRY_VERIFY_WITH_TIMEOUT(HostListModel::state(*hosts->row(u"gamma"_s)) == HostListModel::HostState::Up, 5000);
    QVERIFY(!page()->removeHost(u"alpha"_s).ok()); // the window's own connection
    QVERIFY(page()->removeHost(u"gamma"_s).ok());
    QCOMPARE(hosts->rowCount(), 2);
    QCOMPARE(rt::llm::HostConfig::fromSettings().size(), 2);
}

QTEST_MAIN(TestModelsPage)
#include "tst_modelspage.moc"
