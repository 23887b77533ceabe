// The Chat page keeps every word: conversations are stored as they happen,
// listed at the left, reopened with their messages, continued with their
// history, renamed, deleted with Undo, and a stopped reply keeps its partial
// text. Real SQLite file, real simulator, real window.
#include "awaitfuture.h"
#include "screenshot.h"
#include "server/metricsservice.h"
#include "simprocess.h"
#include "storage/storage.h"
#include "tempdatabase.h"
#include "testpaths.h"
#include "ui/chatinput.h"
#include "ui/chatmessagemodel.h"
#include "ui/chatpage.h"
#include "ui/chatview.h"
#include "ui/conversationlist.h"
#include "ui/mainwindow.h"
#include "ui/theme.h"
#include "ui/workspace.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QWebSocket>
#include <memory>

using namespace Qt::StringLiterals;
using rt::test::await;
using rt::ui::ChatMessageModel;
using rt::ui::ConversationListModel;
using Phase = ChatMessageModel::Phase;

using rt::test::distinctColours;
using rt::test::saveScreenshot;

namespace {

QJsonObject lastChatRequest(rt::test::SimProcess &sim)
{
    const QJsonObject last = sim.stats().value(u"last_request"_s).toObject();
    return QJsonDocument::fromJson(last.value(u"body"_s).toString().toUtf8()).object();
}

// The value of a storage future, waited for with the event loop running.
struct Exchange {
    QString prompt;
    QString reply;
};

} // namespace

class TestChatConversations final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void conversationsSurviveRestart();
    void renamePersists();
    void deleteUndoAndExpiry();
    void stoppedReplyIsStoredPartial();
    void storageFailureIsSaidAndChatGoesOn();
    void sharedChatReachesViewers();

private:
    void openWindow();
    void closeWindow();
    rt::ui::ChatPage *chat() const { return m_window->chatPage(); }
    rt::ui::ConversationList *list() const { return chat()->conversationList(); }
    ConversationListModel *listModel() const { return list()->model(); }
    const ChatMessageModel::Message &lastMessage() const { return chat()->messages()->message(chat()->messages()->count() - 1); }
    // Sends text and waits until the reply is complete and stored; returns the reply.
    QString sendAndStore(const QString &text);
    void typeAndSend(const QString &text);
    QStringList listedTitles() const;
    void clickRow(int row);
    // A second connection to the test's database, to check what was written.
    rt::storage::Storage &probe();

    rt::test::SimProcess m_sim;
    QTemporaryDir m_dir;
    QString m_dbPath;
    int m_dbCount = 0;
    std::unique_ptr<rt::ui::MainWindow> m_window;
    std::unique_ptr<rt::storage::Storage> m_probe;
};

void TestChatConversations::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"RoundtableTest"_s);
    QCoreApplication::setApplicationName(u"tst_chatconversations"_s);
    QSettings().clear();
    rt::ui::Theme::apply(*qApp);
    QVERIFY(m_dir.isValid());
    QVERIFY2(m_sim.start(), qPrintable(m_sim.errorString()));
}

void TestChatConversations::init()
{
    QVERIFY(m_sim.reset());
    m_dbPath = m_dir.filePath(u"chat-%1.sqlite"_s.arg(++m_dbCount)); // a fresh database per test
}

void TestChatConversations::cleanup()
{
    m_window.reset();
    m_probe.reset();
}

rt::storage::Storage &TestChatConversations::probe()
{
    if (!m_probe) {
        auto opened = rt::test::openStorage(m_dbPath); // look, do not touch
        if (!opened)
            qFatal("probe: %s", qPrintable(opened.error().message));
        m_probe = std::move(opened).value();
    }
    return *m_probe;
}

void TestChatConversations::openWindow()
{
    m_window = std::make_unique<rt::ui::MainWindow>(m_sim.url(), m_dbPath);
    m_window->resize(1180, 760);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    QTRY_VERIFY_WITH_TIMEOUT(chat()->modelsLoaded(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(list()->isLoaded(), 10000);
    QCOMPARE(m_window->workspace()->state(), rt::ui::Workspace::State::Ready);
    QVERIFY(list()->isVisible());
    QCOMPARE(chat()->conversationId(), qint64(0)); // a new window starts a new chat
    QVERIFY(chat()->selectModel(u"llama3.2:1b"_s));
}

void TestChatConversations::closeWindow()
{
    m_window.reset();
}

void TestChatConversations::typeAndSend(const QString &text)
{
    rt::ui::ChatInput *input = chat()->input();
    input->setFocus();
    QTest::keyClicks(input, text);
    QVERIFY(chat()->sendButton()->isEnabled());
    QTest::keyClick(input, Qt::Key_Return);
    QVERIFY(input->toPlainText().isEmpty());
}

QString TestChatConversations::sendAndStore(const QString &text)
{
    QSignalSpy stored(chat(), &rt::ui::ChatPage::replyStored);
    typeAndSend(text);
    if (QTest::currentTestFailed())
        return {};
    [&] { QTRY_COMPARE_WITH_TIMEOUT(lastMessage().phase, Phase::Done, 15000); }();
    [&] { QTRY_COMPARE_WITH_TIMEOUT(stored.count(), 1, 10000); }();
    return lastMessage().content;
}

QStringList TestChatConversations::listedTitles() const
{
    QStringList titles;
    for (int row = 0; row < listModel()->count(); ++row)
        titles.append(listModel()->conversation(row).title);
    return titles;
}

void TestChatConversations::clickRow(int row)
{
    QListView *view = list()->view();
    const QRect rect = view->visualRect(listModel()->index(row));
    QVERIFY(rect.isValid());
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
}

void TestChatConversations::conversationsSurviveRestart()
{
    openWindow();
    QCOMPARE(listModel()->count(), 0);
    QVERIFY(list()->findChild<QLabel *>(u"conversationEmpty"_s)->isVisible());

    // Two messages in one conversation ...
    QList<Exchange> first;
    for (const QString &prompt : { u"Name a colour."_s, u"And another one?"_s }) {
        const QString reply = sendAndStore(prompt);
        QVERIFY(!QTest::currentTestFailed());
        QVERIFY(!reply.isEmpty());
        first.append({ prompt, reply });
    }
    const qint64 firstId = chat()->conversationId();
    QVERIFY(firstId > 0);
    QCOMPARE(listedTitles(), QStringList { u"Name a colour."_s });
    QCOMPARE(chat()->conversationTitle(), u"Name a colour."_s);
    QVERIFY(listModel()->data(listModel()->index(0), ConversationListModel::OpenRole).toBool());

    // ... and one in a second (Ctrl+N).
    QTest::keyClick(m_window.get(), Qt::Key_N, Qt::ControlModifier);
    QCOMPARE(chat()->messages()->count(), 0);
    QCOMPARE(chat()->conversationId(), qint64(0));
    QVERIFY(chat()->selectModel(u"qwen3:0.6b"_s));
    const Exchange second { u"Why is the sky blue?"_s, sendAndStore(u"Why is the sky blue?"_s) };
    QVERIFY(!QTest::currentTestFailed());
    const qint64 secondId = chat()->conversationId();
    QVERIFY(secondId > 0 && secondId != firstId);
    QCOMPARE(listedTitles(), (QStringList { u"Why is the sky blue?"_s, u"Name a colour."_s })); // newest first
    closeWindow();

    // Two older conversations from other days, for the list's dates.
    {
        rt::storage::Conversation old;
        old.title = u"Plan a weekend in Lisbon"_s;
        old.model = u"qwen3:0.6b"_s;
        old.createdAt = old.updatedAt = QDateTime::currentDateTimeUtc().addDays(-1);
        QVERIFY(await(probe().startConversation(old)).ok());
        old.title = u"Rust or C++ for a small command-line tool?"_s;
        old.model = u"llama3.2:1b"_s;
        old.createdAt = old.updatedAt = QDateTime::currentDateTimeUtc().addDays(-12);
        QVERIFY(await(probe().startConversation(old)).ok());
        m_probe.reset();
    }

    // A new window on the same database lists them, newest first.
    openWindow();
    QCOMPARE(listedTitles(),
        (QStringList { u"Why is the sky blue?"_s, u"Name a colour."_s, u"Plan a weekend in Lisbon"_s,
            u"Rust or C++ for a small command-line tool?"_s }));
    QCOMPARE(listModel()->conversation(0).model, u"qwen3:0.6b"_s); // the model is recorded
    QCOMPARE(listModel()->conversation(1).model, u"llama3.2:1b"_s);
    const QString detail = listModel()->data(listModel()->index(2), ConversationListModel::DetailRole).toString();
    QVERIFY2(detail.contains(u"Yesterday"_s) && detail.contains(u"qwen3:0.6b"_s), qPrintable(detail));

    // Opening one (a click) shows the same messages, rendered as finished replies.
    QSignalSpy opened(chat(), &rt::ui::ChatPage::conversationOpened);
    clickRow(1);
    QTRY_COMPARE(opened.count(), 1);
    QCOMPARE(chat()->conversationId(), firstId);
    QCOMPARE(chat()->conversationTitle(), u"Name a colour."_s);
    ChatMessageModel *messages = chat()->messages();
    QCOMPARE(messages->count(), 4);
    for (int i = 0; i < first.size(); ++i) {
        QCOMPARE(messages->message(2 * i).sender, ChatMessageModel::Sender::User);
        QCOMPARE(messages->message(2 * i).content, first.at(i).prompt);
        QCOMPARE(messages->message(2 * i + 1).sender, ChatMessageModel::Sender::Assistant);
        QCOMPARE(messages->message(2 * i + 1).content, first.at(i).reply);
        QCOMPARE(messages->message(2 * i + 1).phase, Phase::Done);
        QCOMPARE(messages->message(2 * i + 1).model, u"llama3.2:1b"_s);
    }
    const QString caption = messages->data(messages->index(1), ChatMessageModel::CaptionRole).toString();
    QVERIFY2(caption.contains(u"llama3.2:1b"_s) && caption.contains(u"tokens/s"_s), qPrintable(caption));
    QCOMPARE(chat()->currentModel(), u"llama3.2:1b"_s); // continues with its model
    QTRY_VERIFY(chat()->view()->visualRect(messages->index(1)).height() > 20);

    // Typing continues it, with its history in the request.
    const QString third = sendAndStore(u"Which one is warmer?"_s);
    QVERIFY(!QTest::currentTestFailed());
    QCOMPARE(chat()->conversationId(), firstId);
    const QJsonObject request = lastChatRequest(m_sim);
    QCOMPARE(request.value(u"model"_s).toString(), u"llama3.2:1b"_s);
    const QJsonArray sent = request.value(u"messages"_s).toArray();
    QCOMPARE(sent.size(), 5);
    for (int i = 0; i < first.size(); ++i) {
        QCOMPARE(sent.at(2 * i).toObject().value(u"role"_s).toString(), u"user"_s);
        QCOMPARE(sent.at(2 * i).toObject().value(u"content"_s).toString(), first.at(i).prompt);
        QCOMPARE(sent.at(2 * i + 1).toObject().value(u"role"_s).toString(), u"assistant"_s);
        QCOMPARE(sent.at(2 * i + 1).toObject().value(u"content"_s).toString(), first.at(i).reply);
    }
    QCOMPARE(sent.at(4).toObject().value(u"content"_s).toString(), u"Which one is warmer?"_s);
    // Continuing moved it to the top.
    QTRY_COMPARE(listModel()->conversation(0).id, firstId);

    // Ctrl+PgDown / Ctrl+PgUp step through the conversations.
    opened.clear();
    QTest::keyClick(chat()->input(), Qt::Key_PageDown, Qt::ControlModifier);
    QTRY_COMPARE(opened.count(), 1);
    QCOMPARE(chat()->conversationId(), secondId);
    QCOMPARE(chat()->messages()->count(), 2);
    QCOMPARE(chat()->messages()->message(1).content, second.reply);
    QCOMPARE(chat()->currentModel(), u"qwen3:0.6b"_s);
    QTest::keyClick(chat()->input(), Qt::Key_PageUp, Qt::ControlModifier);
    QTRY_COMPARE(opened.count(), 2);
    QCOMPARE(chat()->conversationId(), firstId);
    QCOMPARE(chat()->messages()->count(), 6);
    QCOMPARE(chat()->messages()->message(5).content, third);

    // Keyboard in the list: Down moves, Enter opens.
    list()->view()->setFocus();
    list()->view()->setCurrentIndex(listModel()->index(0));
    QTest::keyClick(list()->view(), Qt::Key_Down);
    QTest::keyClick(list()->view(), Qt::Key_Return);
    QTRY_COMPARE(opened.count(), 3);
    QCOMPARE(chat()->conversationId(), secondId);
    clickRow(0);
    QTRY_COMPARE(opened.count(), 4);
    QCOMPARE(chat()->conversationId(), firstId);

    // Accessible names on the list and its buttons.
    QCOMPARE(list()->view()->accessibleName(), u"Conversations"_s);
    QVERIFY(!list()->newButton()->accessibleName().isEmpty());
    QVERIFY(!list()->renameButton()->accessibleName().isEmpty());
    QVERIFY(!list()->deleteButton()->accessibleName().isEmpty());
    QVERIFY(!list()->undoButton()->accessibleName().isEmpty());

    QTRY_VERIFY(chat()->view()->visualRect(chat()->messages()->index(5)).height() > 20);
    saveScreenshot(m_window.get(), u"chat-conversations.png"_s);

    // What the list shows is what is stored.
    closeWindow();
    const auto stored = await(probe().lastMessages(firstId));
    QVERIFY(stored.ok());
    QCOMPARE(stored->size(), 6);
    QCOMPARE(stored->at(5).content, third);
    QCOMPARE(rt::storage::toString(stored->at(5).status), rt::storage::toString(rt::storage::MessageStatus::Complete));
    QCOMPARE(stored->at(5).model, u"llama3.2:1b"_s);
    QVERIFY(stored->at(5).metrics.evalCount.value_or(0) > 0);
}

void TestChatConversations::renamePersists()
{
    openWindow();
    sendAndStore(u"Summarise the meeting notes."_s);
    QVERIFY(!QTest::currentTestFailed());
    const qint64 id = chat()->conversationId();
    QCOMPARE(listedTitles(), QStringList { u"Summarise the meeting notes."_s });

    // F2 in the list edits the title in place; Enter keeps it.
    QSignalSpy renamed(list(), &rt::ui::ConversationList::renamed);
    QListView *view = list()->view();
    view->setFocus();
    view->setCurrentIndex(listModel()->index(0));
    QTest::keyClick(view, Qt::Key_F2);
    QLineEdit *editor = nullptr;
    QTRY_VERIFY((editor = view->findChild<QLineEdit *>(u"conversationTitleEditor"_s)) && editor->isVisible());
    editor->selectAll();
    QTest::keyClicks(editor, u"Meeting summary"_s);
    QTest::keyClick(editor, Qt::Key_Return);
    QTRY_COMPARE(renamed.count(), 1);
    QCOMPARE(renamed.at(0).at(1).toBool(), true);
    QCOMPARE(listedTitles(), QStringList { u"Meeting summary"_s });
    QCOMPARE(chat()->conversationTitle(), u"Meeting summary"_s);

    // More messages do not change a title the user gave.
    sendAndStore(u"Shorter, please."_s);
    QVERIFY(!QTest::currentTestFailed());
    closeWindow();

    openWindow();
    QCOMPARE(listedTitles(), QStringList { u"Meeting summary"_s });
    const auto stored = await(probe().conversation(id));
    QVERIFY(stored.ok());
    QCOMPARE(stored->title, u"Meeting summary"_s);
}

void TestChatConversations::deleteUndoAndExpiry()
{
    openWindow();
    for (const QString &prompt : { u"First topic"_s, u"Second topic"_s, u"Third topic"_s }) {
        QTest::keyClick(m_window.get(), Qt::Key_N, Qt::ControlModifier);
        sendAndStore(prompt);
        QVERIFY(!QTest::currentTestFailed());
    }
    QCOMPARE(listedTitles(), (QStringList { u"Third topic"_s, u"Second topic"_s, u"First topic"_s }));
    const qint64 thirdId = listModel()->conversation(0).id;
    const qint64 secondId = listModel()->conversation(1).id;
    const qint64 firstId = listModel()->conversation(2).id;
    QCOMPARE(chat()->conversationId(), thirdId);
    QCOMPARE(list()->undoTimeoutMs(), 10000); // the bar stays ~10 s

    // Delete (the key) removes the row at once, no dialog; Undo brings it back.
    QListView *view = list()->view();
    view->setFocus();
    view->setCurrentIndex(listModel()->index(1));
    QTest::keyClick(view, Qt::Key_Delete);
    QCOMPARE(listedTitles(), (QStringList { u"Third topic"_s, u"First topic"_s }));
    QVERIFY(list()->undoBar()->isVisible());
    QCOMPARE(list()->pendingDelete(), std::optional<qint64>(secondId));
    QVERIFY(QApplication::activeModalWidget() == nullptr);
    QTest::mouseClick(list()->undoButton(), Qt::LeftButton);
    QVERIFY(!list()->undoBar()->isVisible());
    QCOMPARE(list()->pendingDelete(), std::nullopt);
    QCOMPARE(listedTitles(), (QStringList { u"Third topic"_s, u"Second topic"_s, u"First topic"_s }));
    {
        const auto all = await(m_window->workspace()->storage()->conversations());
        QVERIFY(all.ok());
        QCOMPARE(all->size(), 3); // nothing was deleted
    }

    // Deleting the open conversation clears the chat; a second delete writes the first.
    QSignalSpy committed(list(), &rt::ui::ConversationList::deleteCommitted);
    view->setCurrentIndex(listModel()->index(0));
    QTest::mouseClick(list()->deleteButton(), Qt::LeftButton);
    QCOMPARE(chat()->conversationId(), qint64(0));
    QCOMPARE(chat()->messages()->count(), 0);
    QCOMPARE(committed.count(), 0);
    // The next delete writes the pending one; this one is written when its bar expires.
    list()->setUndoTimeoutMs(400);
    view->setCurrentIndex(listModel()->index(listModel()->rowOf(firstId)));
    QTest::keyClick(view, Qt::Key_Delete);
    QTRY_COMPARE(committed.count(), 1);
    QCOMPARE(committed.at(0).at(0).toLongLong(), thirdId);
    QCOMPARE(committed.at(0).at(1).toBool(), true);
    QCOMPARE(list()->pendingDelete(), std::optional<qint64>(firstId));
    QVERIFY(list()->undoBar()->isVisible());
    QTRY_COMPARE_WITH_TIMEOUT(committed.count(), 2, 5000);
    QCOMPARE(committed.at(1).at(0).toLongLong(), firstId);
    QCOMPARE(committed.at(1).at(1).toBool(), true);
    QVERIFY(!list()->undoBar()->isVisible());
    QCOMPARE(listedTitles(), QStringList { u"Second topic"_s });

    // Checked in storage, and after a restart.
    const auto left = await(m_window->workspace()->storage()->conversations());
    QVERIFY(left.ok());
    QCOMPARE(left->size(), 1);
    QCOMPARE(left->at(0).id, secondId);
    closeWindow();
    const auto gone = await(probe().conversation(firstId));
    QVERIFY(!gone.ok());
    const auto messages = await(probe().lastMessages(firstId));
    QVERIFY(messages.ok());
    QVERIFY(messages->isEmpty()); // its messages went with it
    openWindow();
    QCOMPARE(listedTitles(), QStringList { u"Second topic"_s });

    // Closing the window while the bar shows is not an undo.
    list()->view()->setFocus();
    list()->view()->setCurrentIndex(listModel()->index(0));
    QTest::keyClick(list()->view(), Qt::Key_Delete);
    QCOMPARE(list()->pendingDelete(), std::optional<qint64>(secondId));
    closeWindow();
    const auto none = await(probe().conversations());
    QVERIFY(none.ok());
    QVERIFY2(none->isEmpty(), qPrintable(none->isEmpty() ? QString() : none->first().title));
}

void TestChatConversations::stoppedReplyIsStoredPartial()
{
    openWindow();
    chat()->setCheckpointIntervalMs(200);
    QVERIFY(chat()->selectModel(u"sim-slow:latest"_s));
    typeAndSend(u"Tell me a long story."_s);
    QTRY_VERIFY_WITH_TIMEOUT(lastMessage().content.size() > 10, 10000);
    QCOMPARE(lastMessage().phase, Phase::Streaming);
    QTRY_VERIFY(chat()->conversationId() > 0);
    const qint64 id = chat()->conversationId();

    // While it streams, the text is checkpointed (a crash keeps it).
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const auto now = await(probe().lastMessages(id));
            return now.ok() && now->size() == 2 && now->at(1).status == rt::storage::MessageStatus::Partial
                && !now->at(1).content.isEmpty();
        }(),
        5000);

    QSignalSpy stored(chat(), &rt::ui::ChatPage::replyStored);
    QTest::mouseClick(chat()->stopButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(lastMessage().phase, Phase::Stopped, 5000);
    const QString partial = lastMessage().content;
    QVERIFY(!partial.isEmpty());
    QTRY_COMPARE(stored.count(), 1);

    const auto messages = await(probe().lastMessages(id));
    QVERIFY(messages.ok());
    QCOMPARE(messages->size(), 2);
    QCOMPARE(messages->at(0).content, u"Tell me a long story."_s);
    QCOMPARE(messages->at(1).content, partial);
    QCOMPARE(rt::storage::toString(messages->at(1).status), rt::storage::toString(rt::storage::MessageStatus::Cancelled));
    QCOMPARE(messages->at(1).model, u"sim-slow:latest"_s);

    // Reopened, it is shown as stopped, with its text.
    closeWindow();
    openWindow();
    QSignalSpy opened(chat(), &rt::ui::ChatPage::conversationOpened);
    clickRow(0);
    QTRY_COMPARE(opened.count(), 1);
    QCOMPARE(chat()->messages()->count(), 2);
    QCOMPARE(lastMessage().content, partial);
    QCOMPARE(lastMessage().phase, Phase::Stopped);
    const QString status = chat()->messages()->data(chat()->messages()->index(1), ChatMessageModel::StatusRole).toString();
    QVERIFY2(status.contains(u"Stopped"_s), qPrintable(status));
}

void TestChatConversations::storageFailureIsSaidAndChatGoesOn()
{
    openWindow();
    sendAndStore(u"Remember this."_s);
    QVERIFY(!QTest::currentTestFailed());
    const qint64 id = chat()->conversationId();
    QVERIFY(!chat()->storageError()->isVisible());

    // Another program removes the conversation under the window's feet: the
    // next message cannot be stored. The window says so and the chat goes on.
    QVERIFY(await(probe().write([id](rt::storage::StorageContext &c) { return c.conversations().remove(id); })).ok());
    typeAndSend(u"Still there?"_s);
    QTRY_COMPARE_WITH_TIMEOUT(lastMessage().phase, Phase::Done, 15000);
    QVERIFY(!lastMessage().content.isEmpty());
    QTRY_VERIFY(chat()->storageError()->isVisible());
    const QString error = chat()->storageError()->text();
    QVERIFY2(error.contains(u"saved"_s) && error.contains(u"no conversation"_s), qPrintable(error));
    QCOMPARE(lastChatRequest(m_sim).value(u"messages"_s).toArray().size(), 3); // the history still goes with it

    // A new chat starts clean and is stored again.
    QTest::keyClick(m_window.get(), Qt::Key_N, Qt::ControlModifier);
    QVERIFY(!chat()->storageError()->isVisible());
    sendAndStore(u"A fresh start."_s);
    QVERIFY(!QTest::currentTestFailed());
    QVERIFY(chat()->conversationId() > id);
}

// Share: a stored conversation is shown to viewers with the link, live,
// through the window's own server; unshared, it is gone for them.
void TestChatConversations::sharedChatReachesViewers()
{
    openWindow();
    QVERIFY(chat()->shareButton()->isVisible());
    QVERIFY(!chat()->shareButton()->isEnabled()); // nothing stored yet
    sendAndStore(u"Rust or Go for a small web service?"_s);
    QTRY_VERIFY(chat()->shareButton()->isEnabled());
    rt::server::ServerOptions o;
    o.token = u"metrics-token-0123456789"_s;
    const rt::Result<QUrl> url = rt::test::await(m_window->metrics()->startServer(o));
    QVERIFY(url.ok());
    const QUrl viewer = m_window->metrics()->viewerUrl();
    QWebSocket ws;
    QList<QJsonObject> frames;
    connect(&ws, &QWebSocket::textMessageReceived, &ws,
        [&frames](const QString &m) { frames.append(QJsonDocument::fromJson(m.toUtf8()).object()); });
    ws.open(QUrl(u"ws://%1:%2/ws?%3"_s.arg(viewer.host()).arg(viewer.port()).arg(viewer.query())));
    QTRY_COMPARE_WITH_TIMEOUT(frames.size(), 2, 10000);
    QVERIFY(frames.at(1).value(u"chats"_s).toArray().isEmpty()); // not shared by default

    chat()->shareButton()->click();
    QVERIFY(chat()->shareButton()->isChecked());
    const auto ofType = [&frames](const QString &type) {
        QList<QJsonObject> out;
        for (const QJsonObject &f : frames) {
            if (f.value(u"type"_s).toString() == type)
                out.append(f);
        }
        return out;
    };
    QTRY_COMPARE_WITH_TIMEOUT(ofType(u"chat_shared"_s).size(), 1, 10000);
    const QJsonObject shared = ofType(u"chat_shared"_s).first().value(u"chat"_s).toObject();
    QCOMPARE(qint64(shared.value(u"conversation_id"_s).toDouble()), chat()->conversationId());
    QCOMPARE(shared.value(u"messages"_s).toArray().size(), 2);
    QCOMPARE(
        shared.value(u"messages"_s).toArray().first().toObject().value(u"content"_s).toString(), u"Rust or Go for a small web service?"_s);

    // A new exchange streams to the viewer: the question, the text in batches, the reply.
    const QString reply = sendAndStore(u"And for a command-line tool?"_s);
    QTRY_COMPARE_WITH_TIMEOUT(ofType(u"chat_message"_s).size(), 2, 10000);
    QCOMPARE(
        ofType(u"chat_message"_s).at(0).value(u"message"_s).toObject().value(u"content"_s).toString(), u"And for a command-line tool?"_s);
    QCOMPARE(ofType(u"chat_message"_s).at(1).value(u"message"_s).toObject().value(u"content"_s).toString(), reply);
    QCOMPARE(ofType(u"chat_reply_started"_s).size(), 1);
    QString streamed;
    for (const QJsonObject &f : ofType(u"tokens"_s)) {
        for (const QJsonValue &c : f.value(u"chats"_s).toArray())
            streamed += c.toObject().value(u"text"_s).toString();
    }
    QCOMPARE(streamed, reply);
    rt::test::saveScreenshot(m_window.get(), u"chat-shared.png"_s);

    chat()->shareButton()->click();
    QVERIFY(!chat()->shareButton()->isChecked());
    QTRY_COMPARE_WITH_TIMEOUT(ofType(u"chat_unshared"_s).size(), 1, 10000);
    // Another conversation is not shared.
    chat()->newChat();
    QVERIFY(!chat()->shareButton()->isChecked());
}

QTEST_MAIN(TestChatConversations)
#include "tst_chatconversations.moc"
