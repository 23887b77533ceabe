// The Agents page: the registry's agents listed (built-ins marked), edited
// with the registry's own validation shown inline, saved without blocking
// (and visible to `roundtable agents show` in another process), duplicated,
// deleted with Undo, reset to the shipped version, exported and imported
// (all or nothing), and tried in a chat. Real SQLite file, real simulator,
// real window, the real roundtable binary.
#include "agents/agentio.h"
#include "agents/agentregistry.h"
#include "agents/builtinroles.h"
#include "appprocess.h"
#include "screenshot.h"
#include "simprocess.h"
#include "testpaths.h"
#include "ui/agenteditor.h"
#include "ui/agentlistmodel.h"
#include "ui/agentspage.h"
#include "ui/chatinput.h"
#include "ui/chatmessagemodel.h"
#include "ui/chatpage.h"
#include "ui/mainwindow.h"
#include "ui/theme.h"
#include "ui/workspace.h"

#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;
using rt::agents::Agent;
using rt::ui::AgentEditor;
using rt::ui::AgentListModel;
using rt::ui::AgentsPage;

namespace {

QJsonObject lastChatRequest(rt::test::SimProcess &sim)
{
    const QJsonObject last = sim.stats().value(u"last_request"_s).toObject();
    return QJsonDocument::fromJson(last.value(u"body"_s).toString().toUtf8()).object();
}

void writeFile(const QString &path, const QByteArray &data)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(data), data.size());
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

// The agent as a file carries it: no id, no built-in flag.
Agent portable(Agent a)
{
    a.id = 0;
    a.builtin = false;
    return a;
}

} // namespace

class TestAgentsPage final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void listShowsTheBuiltins();
    void invalidNameShowsRegistryMessageAndSavesNothing();
    void savedEditReachesOtherProcesses();
    void duplicateDeleteUndo();
    void resetBuiltinBringsBackShippedPrompt();
    void exportImportRoundTrip();
    void badImportChangesNothing();
    void tryThisAgentOpensChat();
    void screenshots();

private:
    void openWindow();
    AgentsPage *page() const { return m_window->agentsPage(); }
    AgentEditor *editor() const { return page()->editor(); }
    rt::agents::AgentRegistry *registry() const { return page()->registry(); }
    // `roundtable agents ARGS --db FILE`, a separate process.
    rt::test::AppRun cli(QStringList arguments);
    void select(const QString &name);
    void clickRow(qint64 id);
    // Save and wait until the registry (and so the database) has it.
    void saveAndWait();
    QStringList listedNames() const;
    void replaceText(QLineEdit *edit, const QString &text);

    rt::test::SimProcess m_sim;
    QTemporaryDir m_dir;
    QString m_dbPath;
    int m_dbCount = 0;
    std::unique_ptr<rt::ui::MainWindow> m_window;
    std::unique_ptr<rt::test::AppEnvironment> m_env;
};

void TestAgentsPage::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"RoundtableTest"_s);
    QCoreApplication::setApplicationName(u"tst_agentspage"_s);
    QSettings().clear();
    rt::ui::Theme::apply(*qApp);
    QVERIFY(m_dir.isValid());
    QVERIFY2(m_sim.start(), qPrintable(m_sim.errorString()));
    m_env = std::make_unique<rt::test::AppEnvironment>();
    QVERIFY(m_env->isValid());
}

void TestAgentsPage::init()
{
    QVERIFY(m_sim.reset());
    m_dbPath = m_dir.filePath(u"agents-%1.sqlite"_s.arg(++m_dbCount)); // a fresh database per test
}

void TestAgentsPage::cleanup()
{
    m_window.reset();
}

void TestAgentsPage::openWindow()
{
    m_window = std::make_unique<rt::ui::MainWindow>(m_sim.url(), m_dbPath);
    m_window->resize(1180, 780);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    QVERIFY(page());
    QTRY_VERIFY_WITH_TIMEOUT(page()->isLoaded(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->chatPage()->modelsLoaded(), 10000);
    m_window->showPage(m_window->pageIndex(page()));
    QVERIFY(page()->isVisible());
}

rt::test::AppRun TestAgentsPage::cli(QStringList arguments)
{
    arguments.prepend(u"agents"_s);
    arguments << u"--db"_s << m_dbPath;
    return m_env->run(arguments, 30000);
}

void TestAgentsPage::select(const QString &name)
{
    const std::optional<Agent> agent = registry()->findByName(name);
    QVERIFY2(agent, qPrintable(name));
    clickRow(agent->id);
    QCOMPARE(page()->currentId(), agent->id);
    QCOMPARE(editor()->nameEdit()->text(), agent->name);
}

void TestAgentsPage::clickRow(qint64 id)
{
    const int sourceRow = page()->model()->rowOf(id);
    QVERIFY(sourceRow >= 0);
    const QModelIndex index = page()->filterModel()->mapFromSource(page()->model()->index(sourceRow));
    QVERIFY(index.isValid());
    QListView *view = page()->view();
    view->scrollTo(index);
    const QRect rect = view->visualRect(index);
    QVERIFY(rect.isValid());
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
}

void TestAgentsPage::saveAndWait()
{
    QSignalSpy saved(page(), &AgentsPage::saveFinished);
    QVERIFY(editor()->saveButton()->isEnabled());
    QTest::mouseClick(editor()->saveButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(saved.size(), 1, 10000);
    QCOMPARE(saved.at(0).at(1).toString(), QString());
    QVERIFY(!editor()->isDirty());
    QCOMPARE(editor()->statusLabel()->text(), u"All changes saved."_s);
}

QStringList TestAgentsPage::listedNames() const
{
    QStringList names;
    for (int row = 0; row < page()->filterModel()->rowCount(); ++row)
        names.append(page()->filterModel()->index(row, 0).data(AgentListModel::NameRole).toString());
    return names;
}

void TestAgentsPage::replaceText(QLineEdit *edit, const QString &text)
{
    edit->setFocus();
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Backspace);
    QTest::keyClicks(edit, text);
    QCOMPARE(edit->text(), text);
}

void TestAgentsPage::listShowsTheBuiltins()
{
    openWindow();
    QStringList shipped;
    for (const Agent &a : rt::agents::BuiltinRoles::all())
        shipped.append(a.name);
    QCOMPARE(listedNames(), shipped);
    const QModelIndex first = page()->filterModel()->index(0, 0);
    QVERIFY(first.data(AgentListModel::BuiltinRole).toBool());
    QCOMPARE(first.data(AgentListModel::ColourRole).value<QColor>(), QColor(rt::agents::BuiltinRoles::all().first().colour));
    QVERIFY(first.data(AgentListModel::DetailRole).toString().contains(u"default model"_s));
    // The first agent is open in the editor.
    QCOMPARE(page()->currentId(), first.data(AgentListModel::IdRole).toLongLong());
    QVERIFY(editor()->isVisible());
    QVERIFY(editor()->resetButton()->isVisible());
    QVERIFY(!editor()->deleteButton()->isVisible());
    QVERIFY(!editor()->saveButton()->isEnabled());

    // The search box filters by name, role, model or description.
    QTest::keyClick(page(), Qt::Key_F, Qt::ControlModifier);
    QVERIFY(page()->searchEdit()->hasFocus());
    QTest::keyClicks(page()->searchEdit(), u"evidence"_s);
    QVERIFY(listedNames().contains(u"Skeptic"_s));
    QVERIFY(!listedNames().contains(u"Moderator"_s));
    page()->searchEdit()->clear();
    QCOMPARE(listedNames().size(), shipped.size());
}

void TestAgentsPage::invalidNameShowsRegistryMessageAndSavesNothing()
{
    openWindow();
    select(u"Moderator"_s);
    const qint64 id = page()->currentId();

    // Empty: the registry's message, under the name field.
    replaceText(editor()->nameEdit(), QString());
    Agent nameless = *registry()->agent(id);
    nameless.name.clear();
    const QString emptyMessage = registry()->validate(nameless).firstError();
    QCOMPARE(emptyMessage, u"The agent needs a name."_s);
    QCOMPARE(editor()->fieldMessage(u"name"_s), emptyMessage);
    QVERIFY(editor()->fieldMessageLabel(u"name"_s)->isVisible());
    QVERIFY(editor()->isDirty());
    QVERIFY(!editor()->saveButton()->isEnabled());
    QTest::keyClick(editor()->nameEdit(), Qt::Key_S, Qt::ControlModifier); // refused
    QVERIFY(!page()->save());

    // Another agent's name (any case): the registry's duplicate message.
    QTest::keyClicks(editor()->nameEdit(), u"skeptic"_s);
    Agent clash = *registry()->agent(id);
    clash.name = u"skeptic"_s;
    const QString clashMessage = registry()->validate(clash).firstError();
    QCOMPARE(clashMessage, u"An agent named “skeptic” already exists; choose another name."_s);
    QCOMPARE(editor()->fieldMessage(u"name"_s), clashMessage);
    QVERIFY(!editor()->saveButton()->isEnabled());
    QVERIFY(!page()->save());

    // Leaving the agent is refused while its changes cannot be saved.
    const qint64 judge = registry()->findByName(u"Judge"_s)->id;
    QVERIFY(!page()->selectAgent(judge));
    QCOMPARE(page()->currentId(), id);
    QVERIFY(page()->messageBar()->isVisible());

    // A number the registry refuses: its message under the options.
    editor()->contextSpin()->setValue(100);
    QCOMPARE(editor()->fieldMessage(u"options"_s), u"The context length (num_ctx) must be between 256 and 2097152 tokens (it is 100)."_s);

    // Nothing was written: not in the registry, not in the database.
    QCOMPARE(registry()->agent(id)->name, u"Moderator"_s);
    QVERIFY(!registry()->agent(id)->options.numCtx);
    const rt::test::AppRun shown = cli({ u"show"_s, u"Moderator"_s });
    QCOMPARE(shown.code, 0);
    QVERIFY2(shown.out.contains(u"Name:          Moderator (built-in)"_s), qPrintable(shown.out));
    QVERIFY2(shown.out.contains(u"Context:       (model default)"_s), qPrintable(shown.out));

    // Revert: the stored version, no messages.
    QTest::mouseClick(editor()->revertButton(), Qt::LeftButton);
    QVERIFY(!editor()->isDirty());
    QCOMPARE(editor()->nameEdit()->text(), u"Moderator"_s);
    QCOMPARE(editor()->fieldMessage(u"name"_s), QString());
    QCOMPARE(editor()->fieldMessage(u"options"_s), QString());
    QVERIFY(page()->selectAgent(judge));
}

void TestAgentsPage::savedEditReachesOtherProcesses()
{
    openWindow();
    select(u"Skeptic"_s);
    const QString description = u"Checks every claim twice."_s;
    replaceText(editor()->descriptionEdit(), description);
    editor()->temperatureSpin()->setValue(0.85);
    QVERIFY(editor()->isDirty());
    QVERIFY(editor()->statusLabel()->text().contains(u"Unsaved changes"_s));
    saveAndWait();
    QCOMPARE(registry()->findByName(u"Skeptic"_s)->description, description);
    QCOMPARE(*registry()->findByName(u"Skeptic"_s)->options.temperature, 0.85);

    const rt::test::AppRun shown = cli({ u"show"_s, u"Skeptic"_s });
    QCOMPARE(shown.code, 0);
    QVERIFY2(shown.out.contains(u"Description:   "_s + description), qPrintable(shown.out));
    QVERIFY2(shown.out.contains(u"Temperature:   0.85"_s), qPrintable(shown.out));

    // Leaving an agent saves it: another agent's edit, then a click elsewhere.
    select(u"Judge"_s);
    replaceText(editor()->descriptionEdit(), u"Weighs the arguments, not the people."_s);
    QSignalSpy saved(page(), &AgentsPage::saveFinished);
    select(u"Pragmatist"_s);
    QTRY_COMPARE_WITH_TIMEOUT(saved.size(), 1, 10000);
    QCOMPARE(saved.at(0).at(1).toString(), QString());
    const rt::test::AppRun judge = cli({ u"show"_s, u"Judge"_s, u"--json"_s });
    QCOMPARE(judge.code, 0);
    QCOMPARE(QJsonDocument::fromJson(judge.out.toUtf8()).object().value(u"description"_s).toString(),
        u"Weighs the arguments, not the people."_s);

    // Leaving the page saves too.
    replaceText(editor()->descriptionEdit(), u"Gets things done."_s);
    QSignalSpy savedOnLeave(page(), &AgentsPage::saveFinished);
    m_window->showPage(m_window->pageIndex(m_window->chatPage()));
    QTRY_COMPARE_WITH_TIMEOUT(savedOnLeave.size(), 1, 10000);
    QCOMPARE(registry()->findByName(u"Pragmatist"_s)->description, u"Gets things done."_s);
}

void TestAgentsPage::duplicateDeleteUndo()
{
    openWindow();
    select(u"Skeptic"_s);
    const int before = int(registry()->count());

    QSignalSpy changed(page(), &AgentsPage::changeFinished);
    QTest::mouseClick(editor()->duplicateButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 1, 10000);
    QCOMPARE(changed.at(0).at(1).toString(), QString());
    const qint64 copyId = changed.at(0).at(0).toLongLong();
    QCOMPARE(page()->currentId(), copyId);
    QCOMPARE(editor()->nameEdit()->text(), u"Skeptic (copy)"_s);
    QCOMPARE(editor()->promptEdit()->toPlainText(), registry()->findByName(u"Skeptic"_s)->systemPrompt);
    QVERIFY(editor()->deleteButton()->isVisible());
    QVERIFY(!editor()->resetButton()->isVisible());
    QCOMPARE(int(registry()->count()), before + 1);
    QVERIFY(listedNames().contains(u"Skeptic (copy)"_s));

    // Delete: gone from the list at once, Undo offered; Undo brings it back.
    QTest::mouseClick(editor()->deleteButton(), Qt::LeftButton);
    QCOMPARE(page()->pendingDelete(), std::optional<qint64>(copyId));
    QVERIFY(!listedNames().contains(u"Skeptic (copy)"_s));
    QVERIFY(page()->undoBar()->isVisible());
    QCOMPARE(page()->undoText()->text(), u"“Skeptic (copy)” deleted."_s);
    QVERIFY(page()->currentId() != copyId);
    QTest::mouseClick(page()->undoButton(), Qt::LeftButton);
    QVERIFY(!page()->pendingDelete());
    QVERIFY(!page()->undoBar()->isVisible());
    QVERIFY(listedNames().contains(u"Skeptic (copy)"_s));
    QCOMPARE(page()->currentId(), copyId);
    QVERIFY(registry()->agent(copyId));
    QCOMPARE(cli({ u"show"_s, u"Skeptic (copy)"_s }).code, 0);

    // Delete again and let the bar expire: written, for other processes too.
    page()->setUndoTimeoutMs(200);
    QSignalSpy committed(page(), &AgentsPage::deleteCommitted);
    page()->view()->setFocus();
    QTest::keyClick(page()->view(), Qt::Key_Delete);
    QCOMPARE(page()->pendingDelete(), std::optional<qint64>(copyId));
    QTRY_COMPARE_WITH_TIMEOUT(committed.size(), 1, 10000);
    QCOMPARE(committed.at(0).at(0).toLongLong(), copyId);
    QVERIFY(committed.at(0).at(1).toBool());
    QVERIFY(!registry()->agent(copyId));
    QCOMPARE(int(registry()->count()), before);
    QVERIFY(cli({ u"show"_s, u"Skeptic (copy)"_s }).code != 0);

    // A built-in cannot be deleted: the registry says why.
    select(u"Judge"_s);
    page()->deleteCurrent();
    QTRY_VERIFY(page()->messageBar()->isVisible());
    QCOMPARE(page()->messageLabel()->text(),
        u"“Judge” is a built-in agent and cannot be deleted; duplicate it to make your own version, or reset it to its default."_s);
    QVERIFY(registry()->findByName(u"Judge"_s));
}

void TestAgentsPage::resetBuiltinBringsBackShippedPrompt()
{
    openWindow();
    select(u"Skeptic"_s);
    const QString shipped = rt::agents::BuiltinRoles::find(u"skeptic"_s)->systemPrompt;
    QCOMPARE(editor()->promptEdit()->toPlainText(), shipped);
    QVERIFY(editor()->promptEdit()->lineWrapMode() == QPlainTextEdit::WidgetWidth);

    editor()->promptEdit()->selectAll();
    QTest::keyClicks(editor()->promptEdit(), u"Doubt everything, briefly."_s);
    replaceText(editor()->nameEdit(), u"Doubter"_s);
    saveAndWait();
    QCOMPARE(registry()->findByName(u"Doubter"_s)->systemPrompt, u"Doubt everything, briefly."_s);
    QVERIFY(cli({ u"show"_s, u"Doubter"_s }).out.contains(u"  Doubt everything, briefly."_s));

    QSignalSpy changed(page(), &AgentsPage::changeFinished);
    QTest::mouseClick(editor()->resetButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 1, 10000);
    QCOMPARE(changed.at(0).at(1).toString(), QString());
    QCOMPARE(editor()->nameEdit()->text(), u"Skeptic"_s);
    QCOMPARE(editor()->promptEdit()->toPlainText(), shipped);
    QCOMPARE(registry()->findByName(u"Skeptic"_s)->systemPrompt, shipped);
    QVERIFY(!registry()->findByName(u"Doubter"_s));
    const rt::test::AppRun json = cli({ u"show"_s, u"Skeptic"_s, u"--json"_s });
    QCOMPARE(json.code, 0);
    QCOMPARE(QJsonDocument::fromJson(json.out.toUtf8()).object().value(u"system_prompt"_s).toString(), shipped);

    // The reset can be undone, like a delete.
    QVERIFY(page()->undoBar()->isVisible());
    QCOMPARE(page()->undoText()->text(), u"“Skeptic” reset to its default."_s);
    QTest::mouseClick(page()->undoButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 2, 10000);
    QCOMPARE(registry()->findByName(u"Doubter"_s)->systemPrompt, u"Doubt everything, briefly."_s);
    QTRY_COMPARE(editor()->promptEdit()->toPlainText(), u"Doubt everything, briefly."_s);
}

void TestAgentsPage::exportImportRoundTrip()
{
    openWindow();
    QSignalSpy changed(page(), &AgentsPage::changeFinished);
    QTest::mouseClick(page()->newButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 1, 10000);
    QCOMPARE(editor()->nameEdit()->text(), u"New Agent"_s);
    QVERIFY(editor()->nameEdit()->hasFocus());
    QTest::keyClicks(editor()->nameEdit(), u"Analyst"_s); // replaces the selected name
    replaceText(editor()->descriptionEdit(), u"Looks at the numbers."_s);
    editor()->promptEdit()->setPlainText(u"You are a data analyst.\nAsk for the numbers behind every claim."_s);
    editor()->modelCombo()->setEditText(u"llama3.2:1b"_s);
    replaceText(editor()->fallbackEdit(), u"qwen3:0.6b, gemma3:1b"_s);
    editor()->temperatureSpin()->setValue(0.4);
    editor()->contextSpin()->setValue(8192);
    editor()->weightSpin()->setValue(1.5);
    replaceText(editor()->colourEdit(), u"#00897B"_s);
    editor()->avatarEdit()->setText(u"📊"_s); // QTest types Latin-1 only
    QCOMPARE(editor()->fieldMessage(u"model"_s), QString()); // installed on the simulator
    saveAndWait();
    const Agent analyst = *registry()->findByName(u"Analyst"_s);
    QCOMPARE(analyst.fallbackModels, (QStringList { u"qwen3:0.6b"_s, u"gemma3:1b"_s }));
    QCOMPARE(*analyst.options.numCtx, 8192);
    QCOMPARE(analyst.weight, 1.5);
    QCOMPARE(analyst.avatar, u"📊"_s);

    // Export this agent: the file holds what `roundtable agents export` prints.
    const QString file = m_dir.filePath(u"analyst-%1.json"_s.arg(m_dbCount));
    QString suggested;
    page()->setSaveFileHook([&suggested, file](const QString &name) {
        suggested = name;
        return file;
    });
    QSignalSpy exported(page(), &AgentsPage::exportFinished);
    QTest::mouseClick(editor()->exportButton(), Qt::LeftButton);
    QTRY_COMPARE(exported.size(), 1);
    QCOMPARE(exported.at(0).at(1).toString(), QString());
    QCOMPARE(suggested, u"analyst.json"_s);
    const QByteArray written = readFile(file);
    const rt::test::AppRun cliExport = cli({ u"export"_s, u"Analyst"_s });
    QCOMPARE(cliExport.code, 0);
    QCOMPARE(QJsonDocument::fromJson(written), QJsonDocument::fromJson(cliExport.out.toUtf8()));
    const auto parsed = rt::agents::parseAgentsJson(written);
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->size(), 1);
    QVERIFY(portable(parsed->first()) == portable(analyst));

    // Delete it for good, then import the file: it comes back as it was.
    page()->setUndoTimeoutMs(100);
    QSignalSpy committed(page(), &AgentsPage::deleteCommitted);
    QTest::mouseClick(editor()->deleteButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(committed.size(), 1, 10000);
    QVERIFY(!registry()->findByName(u"Analyst"_s));
    page()->setOpenFileHook([file] { return file; });
    QSignalSpy imported(page(), &AgentsPage::importFinished);
    QTest::mouseClick(page()->importButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(imported.size(), 1, 10000);
    QCOMPARE(imported.at(0).at(1).toString(), QString());
    QCOMPARE(imported.at(0).at(0).toInt(), 1);
    const std::optional<Agent> back = registry()->findByName(u"Analyst"_s);
    QVERIFY(back);
    QVERIFY(portable(*back) == portable(analyst));
    QCOMPARE(page()->currentId(), back->id);
    QCOMPARE(page()->messageLabel()->text(), u"Imported 1 agent(s): Analyst."_s);
    QVERIFY(cli({ u"show"_s, u"Analyst"_s }).out.contains(u"Fallbacks:     qwen3:0.6b, gemma3:1b"_s));

    // Again: the name is taken, so nothing is imported; the registry's words,
    // and an offer to import with new names.
    QTest::mouseClick(page()->importButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(imported.size(), 2, 10000);
    const QString conflict = imported.at(1).at(1).toString();
    QCOMPARE(conflict,
        u"Agent 1 (“Analyst”): an agent with this name already exists; nothing was imported. Import with renaming or replacing instead."_s);
    QCOMPARE(page()->messageLabel()->text(), conflict);
    QVERIFY(page()->messageAction()->isVisible());
    QTest::mouseClick(page()->messageAction(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(imported.size(), 3, 10000);
    QCOMPARE(imported.at(2).at(0).toInt(), 1);
    QVERIFY(registry()->findByName(u"Analyst (2)"_s));
    QCOMPARE(editor()->nameEdit()->text(), u"Analyst (2)"_s);

    // Export all: every agent, readable by the importer.
    const QString all = m_dir.filePath(u"all-%1.json"_s.arg(m_dbCount));
    page()->setSaveFileHook([all](const QString &) { return all; });
    QTest::mouseClick(page()->exportAllButton(), Qt::LeftButton);
    QTRY_COMPARE(exported.size(), 2);
    const auto everyone = rt::agents::parseAgentsJson(readFile(all));
    QVERIFY(everyone.ok());
    QCOMPARE(everyone->size(), registry()->count());
}

void TestAgentsPage::badImportChangesNothing()
{
    openWindow();
    const QList<Agent> before = registry()->agents();
    QSignalSpy imported(page(), &AgentsPage::importFinished);

    // The second agent is invalid: the whole file is refused.
    Agent good;
    good.name = u"Historian"_s;
    good.systemPrompt = u"You know what happened before."_s;
    Agent bad = good;
    bad.name = u"Hothead"_s;
    bad.options.temperature = 5.0;
    const QString file = m_dir.filePath(u"bad-%1.json"_s.arg(m_dbCount));
    writeFile(file, rt::agents::agentsToJson({ good, bad }));
    page()->setOpenFileHook([file] { return file; });
    QTest::mouseClick(page()->importButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(imported.size(), 1, 10000);
    const QString error = imported.at(0).at(1).toString();
    QCOMPARE(error, u"Agent 2 (“Hothead”): The temperature must be between 0 and 2 (it is 5). Nothing was imported."_s);
    QVERIFY(page()->messageBar()->isVisible());
    QCOMPARE(page()->messageLabel()->text(), error);
    QVERIFY(!page()->messageAction()->isVisible());
    QVERIFY(registry()->agents() == before);
    QVERIFY(!registry()->findByName(u"Historian"_s));

    // Not JSON at all: the reader's message, nothing changes.
    writeFile(file, "{ this is not json");
    QTest::mouseClick(page()->importButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(imported.size(), 2, 10000);
    const QString unreadable = imported.at(1).at(1).toString();
    QVERIFY(!unreadable.isEmpty());
    QCOMPARE(page()->messageLabel()->text(), unreadable);
    QCOMPARE(rt::agents::parseAgentsJson("{ this is not json").error().message, unreadable);
    QVERIFY(registry()->agents() == before);

    // A file that is not there.
    page()->setOpenFileHook([this] { return m_dir.filePath(u"missing.json"_s); });
    QTest::mouseClick(page()->importButton(), Qt::LeftButton);
    QTRY_COMPARE(imported.size(), 3);
    QVERIFY(page()->messageLabel()->text().startsWith(u"Cannot read "_s));

    // And the database agrees: nothing new for another process.
    const rt::test::AppRun listed = cli({ u"list"_s, u"--json"_s });
    QCOMPARE(listed.code, 0);
    QCOMPARE(QJsonDocument::fromJson(listed.out.toUtf8()).object().value(u"agents"_s).toArray().size(), before.size());
    QVERIFY(!listed.out.contains(u"Historian"_s));
}

void TestAgentsPage::tryThisAgentOpensChat()
{
    openWindow();
    select(u"Skeptic"_s);
    const Agent skeptic = *registry()->findByName(u"Skeptic"_s);
    rt::ui::ChatPage *chat = m_window->chatPage();
    QVERIFY(chat->selectModel(u"llama3.2:1b"_s));
    // An unsaved model choice is saved first, then used.
    editor()->modelCombo()->setEditText(u"gemma3:1b"_s);
    QSignalSpy saved(page(), &AgentsPage::saveFinished);
    QTest::mouseClick(editor()->tryButton(), Qt::LeftButton);
    QVERIFY(chat->isVisible());
    QCOMPARE(m_window->findChild<QListWidget *>(u"navigation"_s)->currentRow(), m_window->pageIndex(chat));
    QCOMPARE(chat->currentModel(), u"gemma3:1b"_s);
    QCOMPARE(chat->agentName(), u"Skeptic"_s);
    QCOMPARE(chat->systemPrompt(), skeptic.systemPrompt);
    QCOMPARE(chat->findChild<QLabel *>(u"conversationTitle"_s)->text(), u"Chat with Skeptic"_s);
    QTRY_COMPARE_WITH_TIMEOUT(saved.size(), 1, 10000);
    QCOMPARE(registry()->findByName(u"Skeptic"_s)->model, u"gemma3:1b"_s);

    QSignalSpy stored(chat, &rt::ui::ChatPage::replyStored);
    QVERIFY(chat->sendMessage(u"Is coffee bad for you?"_s));
    QTRY_COMPARE_WITH_TIMEOUT(stored.size(), 1, 20000);
    const QJsonObject request = lastChatRequest(m_sim);
    QCOMPARE(request.value(u"model"_s).toString(), u"gemma3:1b"_s);
    const QJsonArray messages = request.value(u"messages"_s).toArray();
    QCOMPARE(messages.size(), 2);
    QCOMPARE(messages.at(0).toObject().value(u"role"_s).toString(), u"system"_s);
    QCOMPARE(messages.at(0).toObject().value(u"content"_s).toString(), skeptic.systemPrompt);
    QCOMPARE(messages.at(1).toObject().value(u"content"_s).toString(), u"Is coffee bad for you?"_s);
    QCOMPARE(request.value(u"options"_s).toObject().value(u"temperature"_s).toDouble(), 0.3);
    QCOMPARE(chat->conversationTitle(), u"Skeptic: Is coffee bad for you?"_s);
    QCOMPARE(m_window->findChild<QLabel *>(u"conversationTitle"_s)->text(), u"Skeptic: Is coffee bad for you?"_s);

    // A new chat is an ordinary one again.
    chat->newChat();
    QCOMPARE(chat->agentName(), QString());
    QVERIFY(chat->sendMessage(u"Hello"_s));
    QTRY_COMPARE_WITH_TIMEOUT(stored.size(), 2, 20000);
    QCOMPARE(lastChatRequest(m_sim).value(u"messages"_s).toArray().at(0).toObject().value(u"role"_s).toString(), u"user"_s);
}

void TestAgentsPage::screenshots()
{
    openWindow();
    QTRY_VERIFY(page()->view()->isVisible());
    rt::test::saveScreenshot(m_window.get(), u"agents.png"_s);
    QVERIFY(page()->selectAgentByName(u"Skeptic"_s));
    QCOMPARE(editor()->nameEdit()->text(), u"Skeptic"_s);
    rt::test::saveScreenshot(m_window.get(), u"agent-edit.png"_s);
    // An invalid edit, for the inline messages.
    replaceText(editor()->nameEdit(), u"Moderator"_s);
    editor()->contextSpin()->setValue(100);
    rt::test::saveScreenshot(m_window.get(), u"agent-edit-invalid.png"_s);
    QTest::mouseClick(editor()->revertButton(), Qt::LeftButton);
    m_window.reset();

    // The executable renders both pages, in both themes.
    for (const QString &theme : { u"light"_s, u"dark"_s }) {
        for (const QString &name : { u"agents"_s, u"agent-edit"_s }) {
            const QString file = rt::test::buildDir() + u"/screenshots/app-%1-%2.png"_s.arg(name, theme);
            QFile::remove(file);
            const rt::test::AppRun run = m_env->run({ u"--ollama-host"_s, m_sim.url().toString(), u"--db"_s, m_dbPath, u"--theme"_s, theme,
                                                        u"--page"_s, name, u"--screenshot"_s, file },
                60000);
            QVERIFY2(run.code == 0, qPrintable(run.err));
            QVERIFY(QImage(file).width() > 0);
        }
    }
}

QTEST_MAIN(TestAgentsPage)
#include "tst_agentspage.moc"
