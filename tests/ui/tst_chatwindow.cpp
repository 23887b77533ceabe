// The first window against the real simulator: stream a reply, stop a slow
// one (the simulator confirms the close), inline errors with Retry, and the
// offline panel with its demo button. Screenshots go to <build>/screenshots/.
#include "common/appsettings.h"
#include "llm/chattypes.h"
#include "llm/ollamahost.h"
#include "screenshot.h"
#include "simprocess.h"
#include "testpaths.h"
#include "ui/chatinput.h"
#include "ui/chatmessagemodel.h"
#include "ui/chatpage.h"
#include "ui/chatview.h"
#include "ui/demoserver.h"
#include "ui/mainwindow.h"
#include "ui/messagedelegate.h"
#include "ui/offlinepanel.h"
#include "ui/theme.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QSet>
#include <QSettings>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTest>
#include <csignal>
#include <memory>
#include <sys/resource.h>

using namespace Qt::StringLiterals;
using rt::ui::ChatMessageModel;
using Phase = ChatMessageModel::Phase;

using rt::test::distinctColours;
using rt::test::saveScreenshot;

namespace {

// The reply the simulator gives to the same request, fetched independently of
// the UI and of OllamaClient (raw HTTP, streaming off).
QString replayReply(const QUrl &url, const QJsonObject &requestBody)
{
    QJsonObject body = requestBody;
    body.insert(u"stream"_s, false);
    const rt::test::HttpReply reply
        = rt::test::SimProcess::httpPost(url, u"/api/chat"_s, QJsonDocument(body).toJson(QJsonDocument::Compact));
    return reply.json().value(u"message"_s).toObject().value(u"content"_s).toString();
}

QJsonObject lastChatRequest(rt::test::SimProcess &sim)
{
    const QJsonObject last = sim.stats().value(u"last_request"_s).toObject();
    return QJsonDocument::fromJson(last.value(u"body"_s).toString().toUtf8()).object();
}

qint64 cpuTimeMs()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000 + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000;
}

quint16 closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    const quint16 port = server.serverPort();
    server.close();
    return port;
}

} // namespace

class TestChatWindow final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void streamsReplyIntoView();
    void followUpCarriesHistory();
    void stopAbortsSlowReply();
    void errorInlineWithRetry();
    void loadingThenEscapeStops();
    void cutReplyKeepsPartialText();
    void coalescesLongReply();
    void rendersFinishedReplyAsMarkdown();
    void offlinePanelThenDemo();

private:
    void openWindow(const QUrl &host);
    rt::ui::ChatPage *chat() const { return m_window->chatPage(); }
    void waitForModels();
    void typeAndSend(const QString &text);
    const ChatMessageModel::Message &lastMessage() const { return chat()->messages()->message(chat()->messages()->count() - 1); }

    rt::test::SimProcess m_sim;
    std::unique_ptr<rt::ui::MainWindow> m_window;
};

void TestChatWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"RoundtableTest"_s);
    QCoreApplication::setApplicationName(u"tst_chatwindow"_s);
    QSettings().clear();
    rt::ui::Theme::apply(*qApp);
    QVERIFY2(m_sim.start(), qPrintable(m_sim.errorString()));
}

void TestChatWindow::init()
{
    QVERIFY(m_sim.reset());
}

void TestChatWindow::cleanup()
{
    m_window.reset();
}

void TestChatWindow::openWindow(const QUrl &host)
{
    m_window = std::make_unique<rt::ui::MainWindow>(host);
    m_window->resize(1100, 720);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
}

void TestChatWindow::waitForModels()
{
    QTRY_VERIFY_WITH_TIMEOUT(chat()->modelsLoaded(), 10000);
    QVERIFY(chat()->hasModels());
    QVERIFY(!m_window->isShowingOfflinePanel());
}

void TestChatWindow::typeAndSend(const QString &text)
{
    rt::ui::ChatInput *input = chat()->input();
    input->setFocus();
    QTest::keyClicks(input, text);
    QCOMPARE(input->toPlainText(), text);
    QVERIFY(chat()->sendButton()->isEnabled());
    QTest::keyClick(input, Qt::Key_Return);
    QVERIFY(input->toPlainText().isEmpty()); // Enter sent it
}

void TestChatWindow::streamsReplyIntoView()
{
    openWindow(m_sim.url());
    waitForModels();
    QTRY_VERIFY(m_window->statusText().contains(u"Online"_s));
    QVERIFY(m_window->statusText().contains(rt::llm::displayHost(m_sim.url())));

    QComboBox *picker = chat()->modelPicker();
    QCOMPARE(picker->findData(u"nomic-embed-text:latest"_s), -1); // embedding-only: cannot chat
    const int index = picker->findData(u"llama3.2:1b"_s);
    QVERIFY(index >= 0);
    picker->setCurrentIndex(index);
    QCOMPARE(chat()->currentModel(), u"llama3.2:1b"_s);
    QCOMPARE(rt::AppSettings::lastModel(), u"llama3.2:1b"_s); // remembered

    // Shift+Enter adds a line instead of sending.
    rt::ui::ChatInput *input = chat()->input();
    input->setFocus();
    const int oneLine = input->height();
    QTest::keyClicks(input, u"first line"_s);
    QTest::keyClick(input, Qt::Key_Return, Qt::ShiftModifier);
    QTest::keyClicks(input, u"second line"_s);
    QCOMPARE(input->toPlainText(), u"first line\nsecond line"_s);
    QCOMPARE(chat()->messages()->count(), 0);
    QVERIFY(input->height() > oneLine); // the box grows with its text
    input->clear();
    QCOMPARE(input->height(), oneLine);
    saveScreenshot(m_window.get(), u"chat-empty.png"_s);

    typeAndSend(u"Why is the sky blue?"_s);
    QCOMPARE(chat()->messages()->count(), 2);
    QVERIFY(chat()->isBusy());
    QVERIFY(chat()->stopButton()->isVisible());
    QTRY_COMPARE_WITH_TIMEOUT(lastMessage().phase, Phase::Done, 15000);
    QVERIFY(!chat()->isBusy());
    QVERIFY(chat()->sendButton()->isVisible());

    // The text is exactly what the simulator produces for this request.
    const QJsonObject request = lastChatRequest(m_sim);
    QCOMPARE(request.value(u"model"_s).toString(), u"llama3.2:1b"_s);
    const QString expected = replayReply(m_sim.url(), request);
    QVERIFY(!expected.isEmpty());
    const ChatMessageModel::Message &reply = lastMessage();
    QCOMPARE(reply.content, expected);
    QVERIFY2(reply.content.toUtf8().size() > reply.content.size(), "reply has multi-byte UTF-8");
    QVERIFY(reply.tokensPerSecond > 0);
    QVERIFY(reply.timeToFirstTokenMs >= 0);
    QVERIFY(reply.evalCount > 0);
    const QString caption = chat()->messages()->data(chat()->messages()->index(1), ChatMessageModel::CaptionRole).toString();
    QVERIFY2(
        caption.contains(u"llama3.2:1b"_s) && caption.contains(u"tokens/s"_s) && caption.contains(u"first token"_s), qPrintable(caption));

    // Visible in the view, laid out, and drawn.
    rt::ui::ChatView *view = chat()->view();
    const QRect rect = view->visualRect(chat()->messages()->index(1));
    QVERIFY(rect.height() > 40);
    QVERIFY(view->viewport()->rect().intersects(rect));
    saveScreenshot(m_window.get(), u"chat.png"_s);
}

void TestChatWindow::followUpCarriesHistory()
{
    openWindow(m_sim.url());
    waitForModels();
    QVERIFY(chat()->selectModel(u"llama3.2:1b"_s));
    typeAndSend(u"Name a colour."_s);
    QTRY_COMPARE_WITH_TIMEOUT(lastMessage().phase, Phase::Done, 15000);
    const QString firstReply = lastMessage().content;
    typeAndSend(u"And another one?"_s);
    QTRY_COMPARE_WITH_TIMEOUT(lastMessage().phase, Phase::Done, 15000);

    const QJsonArray messages = lastChatRequest(m_sim).value(u"messages"_s).toArray();
    QCOMPARE(messages.size(), 3);
    QCOMPARE(messages.at(0).toObject().value(u"content"_s).toString(), u"Name a colour."_s);
    QCOMPARE(messages.at(1).toObject().value(u"role"_s).toString(), u"assistant"_s);
    QCOMPARE(messages.at(1).toObject().value(u"content"_s).toString(), firstReply);
    QCOMPARE(messages.at(2).toObject().value(u"content"_s).toString(), u"And another one?"_s);

    // New chat (Ctrl+N) clears.
    QTest::keyClick(m_window.get(), Qt::Key_N, Qt::ControlModifier);
    QCOMPARE(chat()->messages()->count(), 0);
}

void TestChatWindow::stopAbortsSlowReply()
{
    openWindow(m_sim.url());
    waitForModels();
    QVERIFY(chat()->selectModel(u"sim-slow:latest"_s));
    const qint64 closedBefore = m_sim.stats().value(u"client_closed_early"_s).toInteger();

    typeAndSend(u"Tell me a long story."_s);
    QTRY_VERIFY_WITH_TIMEOUT(lastMessage().content.size() > 10, 10000);
    QCOMPARE(lastMessage().phase, Phase::Streaming);
    QPushButton *stop = chat()->stopButton();
    QVERIFY(stop->isVisible() && stop->isEnabled());
    saveScreenshot(m_window.get(), u"chat-streaming.png"_s);
    QTest::mouseClick(stop, Qt::LeftButton);

    QTRY_COMPARE_WITH_TIMEOUT(lastMessage().phase, Phase::Stopped, 5000);
    const QString partial = lastMessage().content;
    QVERIFY(!partial.isEmpty()); // the partial text is kept
    const QString status = chat()->messages()->data(chat()->messages()->index(1), ChatMessageModel::StatusRole).toString();
    QVERIFY2(status.contains(u"Stopped"_s), qPrintable(status));
    QVERIFY(!chat()->isBusy());

    // The simulator saw the client go away before the reply was complete.
    QTRY_VERIFY_WITH_TIMEOUT(m_sim.stats().value(u"client_closed_early"_s).toInteger() > closedBefore, 5000);
    // And nothing more arrives.
    QTest::qWait(300);
    QCOMPARE(lastMessage().content, partial);
    saveScreenshot(m_window.get(), u"chat-stopped.png"_s);
}

void TestChatWindow::errorInlineWithRetry()
{
    openWindow(m_sim.url());
    waitForModels();
    QVERIFY(chat()->selectModel(u"llama3.2:1b"_s));
    QVERIFY(m_sim.setFault(u"not_found"_s));

    typeAndSend(u"Hello?"_s);
    QTRY_COMPARE_WITH_TIMEOUT(lastMessage().phase, Phase::Failed, 10000);
    const QString error = lastMessage().error;
    QVERIFY2(error.contains(u"llama3.2:1b"_s), qPrintable(error)); // plain words that name the model
    const QModelIndex index = chat()->messages()->index(1);
    QVERIFY(index.data(ChatMessageModel::CanRetryRole).toBool());
    saveScreenshot(m_window.get(), u"chat-error.png"_s);

    // Click the Retry link drawn under the failed reply: the fault was used up, so it works now.
    rt::ui::ChatView *view = chat()->view();
    const QRect retry = view->messageDelegate()->retryRect(index, view->visualRect(index));
    QVERIFY(retry.isValid());
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, retry.center());
    QCOMPARE(chat()->messages()->count(), 2); // the failed reply was replaced
    QTRY_COMPARE_WITH_TIMEOUT(lastMessage().phase, Phase::Done, 10000);
    QVERIFY(!lastMessage().content.isEmpty());
}

void TestChatWindow::loadingThenEscapeStops()
{
    // The model takes a while to load: the reply says so, and Esc stops it.
    openWindow(m_sim.url());
    waitForModels();
    QVERIFY(chat()->selectModel(u"llama3.2:1b"_s));
    QVERIFY(m_sim.setFault(u"slow_first_token"_s, u"20000"_s));
    const qint64 closedBefore = m_sim.stats().value(u"client_closed_early"_s).toInteger();
    typeAndSend(u"Are you there?"_s);
    QTRY_COMPARE_WITH_TIMEOUT(lastMessage().phase, Phase::Loading, 5000);
    const QString status = chat()->messages()->data(chat()->messages()->index(1), ChatMessageModel::StatusRole).toString();
    QVERIFY2(status.contains(u"Loading model"_s), qPrintable(status));
    saveScreenshot(m_window.get(), u"chat-loading.png"_s);

    QTest::keyClick(chat()->input(), Qt::Key_Escape);
    QTRY_COMPARE_WITH_TIMEOUT(lastMessage().phase, Phase::Stopped, 5000);
    QVERIFY(lastMessage().content.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(m_sim.stats().value(u"client_closed_early"_s).toInteger() > closedBefore, 5000);
    // The next message goes through as usual.
    typeAndSend(u"Now?"_s);
    QTRY_COMPARE_WITH_TIMEOUT(lastMessage().phase, Phase::Done, 10000);
}

void TestChatWindow::cutReplyKeepsPartialText()
{
    openWindow(m_sim.url());
    waitForModels();
    QVERIFY(chat()->selectModel(u"llama3.2:1b"_s));
    QVERIFY(m_sim.setFault(u"error_midstream"_s, u"8"_s));
    typeAndSend(u"Explain consensus."_s);
    QTRY_COMPARE_WITH_TIMEOUT(lastMessage().phase, Phase::Cut, 10000);
    QVERIFY(!lastMessage().content.isEmpty()); // the text before the break is kept
    QVERIFY(!lastMessage().error.isEmpty());
    const QModelIndex index = chat()->messages()->index(1);
    QVERIFY2(index.data(ChatMessageModel::StatusRole).toString().contains(u"cut off"_s),
        qPrintable(index.data(ChatMessageModel::StatusRole).toString()));
    QVERIFY(index.data(ChatMessageModel::CanRetryRole).toBool());
    saveScreenshot(m_window.get(), u"chat-cut.png"_s);

    // The partial reply goes with the next question, as it was shown.
    typeAndSend(u"Go on."_s);
    QTRY_COMPARE_WITH_TIMEOUT(lastMessage().phase, Phase::Done, 10000);
    const QJsonArray messages = lastChatRequest(m_sim).value(u"messages"_s).toArray();
    QCOMPARE(messages.size(), 3);
    QCOMPARE(messages.at(1).toObject().value(u"content"_s).toString(), chat()->messages()->message(1).content);
    QVERIFY(!index.data(ChatMessageModel::CanRetryRole).toBool()); // only the last reply can be retried
}

void TestChatWindow::coalescesLongReply()
{
    // 2,000 tokens at 800 tokens/s: repaints stay per frame, not per token.
    rt::test::SimProcess fast;
    QVERIFY2(fast.start({ u"--tokens"_s, u"2000"_s, u"--tps"_s, u"800"_s }), qPrintable(fast.errorString()));
    openWindow(fast.url());
    waitForModels();
    QVERIFY(chat()->selectModel(u"llama3.2:1b"_s));
    rt::ui::ChatMessageModel *model = chat()->messages();
    rt::ui::MessageDelegate *delegate = chat()->view()->messageDelegate();
    // A long conversation before it, so re-measuring rows has something to cost.
    for (int i = 0; i < 150; ++i) {
        model->appendUser(u"Question %1: what about the façade?"_s.arg(i));
        const int row = model->appendAssistant(u"llama3.2:1b"_s);
        rt::llm::ChatResult earlier;
        earlier.status = rt::llm::ChatStatus::Completed;
        earlier.content = u"Answer %1 with **some** Markdown and a list:\n\n- one\n- two\n\nDone."_s.arg(i);
        model->finish(row, earlier);
    }
    QTest::qWait(50);
    const qint64 rebuildsBefore = delegate->layoutRebuilds();

    QElapsedTimer clock;
    clock.start();
    const qint64 cpuBefore = cpuTimeMs();
    typeAndSend(u"Write a long essay."_s);
    QTRY_COMPARE_WITH_TIMEOUT(lastMessage().phase, Phase::Done, 30000);
    const qint64 elapsedMs = clock.elapsed();
    qInfo("2000-token reply after 300 messages: %lld deltas, %lld flushes, %lld relayouts, %lld appends, %lld ms, %lld ms CPU in this "
          "process",
        model->deltaCount(), model->flushCount(), chat()->view()->relayouts(), delegate->incrementalAppends(), elapsedMs,
        cpuTimeMs() - cpuBefore);
    QVERIFY(model->deltaCount() >= 1000);
    // At most one announcement per ~16 ms frame (plus the first token and the end).
    QVERIFY2(model->flushCount() <= elapsedMs / 10 + 5, "per-token repaints");
    QVERIFY(model->flushCount() < model->deltaCount() / 4);
    // The growing reply was laid out by appending, and rebuilt only a few times
    // (user message, waiting text, the finished Markdown).
    QVERIFY2(delegate->layoutRebuilds() - rebuildsBefore <= 6, qPrintable(QString::number(delegate->layoutRebuilds() - rebuildsBefore)));
    // The view followed the end of the reply.
    QScrollBar *bar = chat()->view()->verticalScrollBar();
    QTRY_VERIFY(bar->value() >= bar->maximum() - 4);
    QVERIFY(bar->maximum() > 0);
    saveScreenshot(m_window.get(), u"chat-long.png"_s);
}

void TestChatWindow::rendersFinishedReplyAsMarkdown()
{
    openWindow(m_sim.url());
    waitForModels();
    ChatMessageModel *model = chat()->messages();
    model->appendUser(u"How do I list files in Python?"_s);
    const int row = model->appendAssistant(u"llama3.2:1b"_s);
    model->appendDelta(row, u"Use **pathlib**:\n\n```python\nfrom pathlib import Path\n"_s, {});
    model->flush();
    QCOMPARE(model->message(row).phase, Phase::Streaming);
    rt::llm::ChatResult result;
    result.status = rt::llm::ChatStatus::Completed;
    result.model = u"llama3.2:1b"_s;
    result.content = u"Use **pathlib**:\n\n```python\nfrom pathlib import Path\n\nfor p in Path('.').iterdir():\n    print(p)\n```\n\n"
                     u"- `iterdir()` lists one folder\n- `rglob('*')` walks the whole tree\n\n### Tip\nSort with `sorted(...)`."_s;
    result.metrics.evalCount = 58;
    result.metrics.evalDurationNs = 1'400'000'000;
    result.metrics.timeToFirstTokenMs = 240;
    model->finish(row, result);
    QCOMPARE(model->message(row).phase, Phase::Done);
    // Laid out as Markdown: paragraphs, code block, list, heading.
    QTRY_VERIFY2(chat()->view()->visualRect(model->index(row)).height() > 150,
        qPrintable(QString::number(chat()->view()->visualRect(model->index(row)).height())));

    // A thinking model: its thinking is shown apart from the answer, muted.
    model->appendUser(u"Is 17 prime?"_s);
    const int thinker = model->appendAssistant(u"qwen3:0.6b"_s);
    model->appendDelta(thinker, {}, u"Check divisors up to 4: 2, 3 do not divide 17."_s);
    model->appendDelta(thinker, u"Yes, **17** is prime."_s, {});
    model->flush();
    rt::llm::ChatResult thought;
    thought.status = rt::llm::ChatStatus::Completed;
    thought.model = u"qwen3:0.6b"_s;
    thought.thinking = u"Check divisors up to 4: 2, 3 do not divide 17."_s;
    thought.content = u"Yes, **17** is prime."_s;
    model->finish(thinker, thought);
    QCOMPARE(model->message(thinker).thinking, thought.thinking);
    QTRY_VERIFY(chat()->view()->visualRect(model->index(thinker)).height() > 0);
    saveScreenshot(m_window.get(), u"chat-markdown.png"_s);
}

void TestChatWindow::offlinePanelThenDemo()
{
    QUrl closed;
    closed.setScheme(u"http"_s);
    closed.setHost(u"127.0.0.1"_s);
    closed.setPort(closedPort());
    openWindow(closed);

    rt::ui::OfflinePanel *panel = m_window->offlinePanel();
    QTRY_VERIFY_WITH_TIMEOUT(m_window->isShowingOfflinePanel(), 10000);
    QVERIFY(panel->isVisible());
    QVERIFY2(panel->hostText().contains(rt::llm::displayHost(closed)), qPrintable(panel->hostText()));
    QVERIFY(m_window->statusText().contains(u"Offline"_s));
    QVERIFY(!m_window->chatPage()->isVisible());
    auto *retryStatus = panel->findChild<QLabel *>(u"retryStatus"_s);
    QVERIFY(retryStatus);
    QTRY_VERIFY(retryStatus->text().contains(u"second"_s)); // the countdown to the next try
    saveScreenshot(m_window.get(), u"offline.png"_s);

    // Try the demo: the simulator starts as a child process on a free port.
    m_window->demoServer()->setProgramPath(rt::test::simulatorPath());
    QPushButton *demo = panel->demoButton();
    QVERIFY(demo->isVisible());
    QTest::mouseClick(demo, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->isDemo(), 10000);
    const qint64 pid = m_window->demoServer()->processId();
    QVERIFY(pid > 0);
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->isShowingOfflinePanel(), 10000);
    waitForModels();
    QVERIFY(m_window->windowTitle().contains(u"Demo"_s));
    QTRY_VERIFY(m_window->statusText().contains(u"Simulated (demo)"_s));
    QVERIFY(m_window->findChild<QWidget *>(u"demoBanner"_s)->isVisible());

    // The chat works against it.
    QVERIFY(chat()->selectModel(u"llama3.2:1b"_s));
    typeAndSend(u"What can you do?"_s);
    QTRY_COMPARE_WITH_TIMEOUT(lastMessage().phase, Phase::Done, 20000);
    QVERIFY(!lastMessage().content.isEmpty());
    saveScreenshot(m_window.get(), u"demo.png"_s);

    // Closing the window stops the simulator.
    m_window.reset();
    QTRY_VERIFY_WITH_TIMEOUT(::kill(pid_t(pid), 0) != 0, 5000);
}

QTEST_MAIN(TestChatWindow)
#include "tst_chatwindow.moc"
