// The History page searches every stored chat and debate as you type, over a
// real 10,000-message SQLite file: highlighted snippets, filters, a result
// opens its message in the Chat page or its turn in the Debates page, typing
// fast does not queue stale searches, and export/import work from here.
#include "awaitfuture.h"
#include "historyseed.h"
#include "screenshot.h"
#include "simprocess.h"
#include "storage/storage.h"
#include "tempdatabase.h"
#include "testpaths.h"
#include "ui/chatmessagemodel.h"
#include "ui/chatpage.h"
#include "ui/chatview.h"
#include "ui/conversationlist.h"
#include "ui/debatespage.h"
#include "ui/debateview.h"
#include "ui/historypage.h"
#include "ui/mainwindow.h"
#include "ui/searchresultmodel.h"
#include "ui/theme.h"
#include "ui/workspace.h"

#include <QApplication>
#include <QComboBox>
#include <QDateEdit>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QThread>
#include <memory>

using namespace Qt::StringLiterals;
using rt::storage::SearchHit;
using rt::test::await;
using rt::ui::SearchResultModel;

namespace {

constexpr int Messages = 10000;
constexpr int NewestMessages = 3000;
const QString RareWord = u"zanzibarian"_s; // in every 997th message and one debate turn
const QString TurnWord = u"marmalade"_s; // in one debate turn only

} // namespace

class TestHistoryPage final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void searchFindsWordAndOpensMessage();
    void typingFastDoesNotQueueStaleSearches();
    void filtersNarrowResults();
    void debateTurnResultOpensHighlightedTurn();
    void emptySearchListsRecentItems();
    void exportAndImport();
    void chatListExportAndImportShowInChat();

private:
    void openWindow();
    // Types text into the search box and waits for its results; returns them.
    QList<SearchHit> searchFor(const QString &text);
    rt::ui::HistoryPage *history() const { return m_window->historyPage(); }
    SearchResultModel *results() const { return history()->results(); }
    rt::storage::Storage &probe();

    rt::test::SimProcess m_sim;
    QTemporaryDir m_dir;
    QString m_dbPath;
    QList<qint64> m_conversations; // oldest first; the last is the big one
    qint64 m_debateId = 0;
    qint64 m_rareTurnId = 0;
    qint64 m_turnWordId = 0;
    std::unique_ptr<rt::ui::MainWindow> m_window;
    std::unique_ptr<rt::storage::Storage> m_probe;
};

void TestHistoryPage::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"RoundtableTest"_s);
    QCoreApplication::setApplicationName(u"tst_historypage"_s);
    QSettings().clear();
    rt::ui::Theme::apply(*qApp);
    QVERIFY(m_dir.isValid());
    QVERIFY2(m_sim.start(), qPrintable(m_sim.errorString()));

    // 10,000 messages over 100 conversations (3,000 in the newest), and a
    // stored debate, written on this thread in batched transactions.
    m_dbPath = m_dir.filePath(u"history.sqlite"_s);
    rt::storage::DatabaseLocation location;
    location.sqlitePath = m_dbPath;
    auto opened = rt::storage::openDatabase(location);
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
    rt::storage::StorageContext c(*opened.value().database);
    rt::test::HistorySeedOptions seed;
    seed.messages = Messages;
    seed.conversations = 100;
    seed.newestConversationMessages = NewestMessages;
    seed.models = { u"llama3.2:1b"_s, u"gemma3:1b"_s };
    seed.rareWord = RareWord;
    QElapsedTimer timer;
    timer.start();
    auto ids = rt::test::seedHistory(c, seed);
    QVERIFY2(ids.ok(), qPrintable(ids.ok() ? QString() : ids.error().message));
    m_conversations = *ids;
    rt::storage::Debate debate;
    debate.question = u"Should the village plant an orchard?"_s;
    debate.format = u"simultaneous"_s;
    debate.status = rt::DebateStatus::Finished;
    debate.finalAnswer = u"yes"_s;
    m_debateId = *c.debates().create(debate);
    const QStringList agents { u"Skeptic"_s, u"Optimist"_s, u"Economist"_s };
    for (int i = 0; i < 9; ++i) {
        rt::storage::DebateTurn turn;
        turn.debateId = m_debateId;
        turn.round = 1 + i / 3;
        turn.seat = i % 3;
        turn.agentName = agents.at(i % 3);
        turn.model = i % 3 == 0 ? u"gemma3:1b"_s : u"qwen3:0.6b"_s;
        turn.content
            = u"Round %1: an orchard takes years to pay back, but apples keep.\n\nPlanting now means fruit in five years."_s.arg(1 + i / 3);
        if (i == 4)
            turn.content += u" Besides, the "_s + TurnWord + u" would sell at the market."_s;
        if (i == 7)
            turn.content += u" A "_s + RareWord + u" variety would suit the climate."_s;
        const qint64 id = *c.debates().appendTurn(turn);
        if (i == 4)
            m_turnWordId = id;
        if (i == 7)
            m_rareTurnId = id;
    }
    opened.value().database.reset();
    qInfo("seeded %d messages and a debate in %lld ms", Messages, timer.elapsed());
}

void TestHistoryPage::init()
{
    QVERIFY(m_sim.reset());
    openWindow();
}

void TestHistoryPage::cleanup()
{
    m_window.reset();
    m_probe.reset();
}

rt::storage::Storage &TestHistoryPage::probe()
{
    if (!m_probe) {
        auto opened = rt::test::openStorage(m_dbPath); // look, do not touch
        if (!opened)
            qFatal("probe: %s", qPrintable(opened.error().message));
        m_probe = std::move(opened).value();
    }
    return *m_probe;
}

void TestHistoryPage::openWindow()
{
    m_window = std::make_unique<rt::ui::MainWindow>(m_sim.url(), m_dbPath);
    m_window->resize(1180, 760);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(history()->isLoaded(), 10000);
    // Ctrl+Shift+F from anywhere: the History page, typing into its search box.
    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_VERIFY(history()->isVisible());
    QTRY_VERIFY(history()->searchBox()->hasFocus());
}

QList<SearchHit> TestHistoryPage::searchFor(const QString &text)
{
    QSignalSpy shown(history(), &rt::ui::HistoryPage::resultsShown);
    history()->searchBox()->selectAll();
    QTest::keyClicks(history()->searchBox(), text);
    if (!QTest::qWaitFor([&] { return !history()->isSearching() && history()->shownQuery() == text; }, 20000))
        qWarning() << "no results for" << text;
    QList<SearchHit> hits;
    for (int row = 0; row < results()->rowCount(); ++row)
        hits.append(results()->hit(row));
    return hits;
}

void TestHistoryPage::searchFindsWordAndOpensMessage()
{
    const QList<SearchHit> hits = searchFor(RareWord);
    // Every 997th of 10,000 messages (0, 997, … 9,970) and one debate turn.
    QCOMPARE(hits.size(), 11 + 1);
    QCOMPARE(history()->shownQuery(), RareWord);
    int turns = 0;
    for (const SearchHit &h : hits) {
        turns += h.kind == SearchHit::Kind::DebateTurn;
        QVERIFY2(h.snippet.contains(QChar(SearchResultModel::HighlightStart) + RareWord + QChar(SearchResultModel::HighlightEnd)),
            qPrintable(h.snippet));
    }
    QCOMPARE(turns, 1);
    QVERIFY2(history()->statusLabel()->text().contains(u"12"_s), qPrintable(history()->statusLabel()->text()));
    // Snippets are shown as HTML: the match highlighted, the rest escaped.
    const QString html = results()->data(results()->index(0, 0), SearchResultModel::SnippetHtmlRole).toString();
    QVERIFY2(html.contains(u"font-weight:600;\">"_s + RareWord + u"</span>"_s), qPrintable(html));
    QCOMPARE(SearchResultModel::snippetHtml(
                 u"<b>x</b> & "_s + QChar(SearchResultModel::HighlightStart) + u"y"_s + QChar(SearchResultModel::HighlightEnd))
                 .left(32),
        u"&lt;b&gt;x&lt;/b&gt; &amp; <span"_s);

    // The oldest match in the big conversation is far behind its last 200
    // messages: opening it has to page back to it.
    const qint64 big = m_conversations.last();
    int row = -1;
    for (int i = 0; i < hits.size(); ++i) {
        if (hits.at(i).kind == SearchHit::Kind::Message && hits.at(i).parentId == big && (row < 0 || hits.at(i).id < hits.at(row).id))
            row = i;
    }
    QVERIFY(row >= 0);
    const SearchHit target = hits.at(row);
    const auto newest = await(probe().lastMessages(big, 200));
    QVERIFY(newest.ok());
    QVERIFY2(target.id < newest->first().id, "the target should be older than the last 200 messages");

    // Down to it with the arrow keys, then Enter, from the search box.
    QSignalSpy shown(m_window->chatPage(), &rt::ui::ChatPage::messageShown);
    for (int i = 0; i < row; ++i)
        QTest::keyClick(history()->searchBox(), Qt::Key_Down);
    QCOMPARE(history()->resultsView()->currentIndex().row(), row);
    QTest::keyClick(history()->searchBox(), Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(shown.size(), 1, 10000);
    QCOMPARE(shown.first().first().toLongLong(), target.id);

    rt::ui::ChatPage *chat = m_window->chatPage();
    QVERIFY(chat->isVisible());
    QCOMPARE(chat->conversationId(), big);
    QCOMPARE(chat->highlightedMessageId(), target.id);
    const QModelIndex current = chat->view()->currentIndex();
    QVERIFY(current.isValid());
    const rt::ui::ChatMessageModel::Message &message = chat->messages()->message(current.row());
    QCOMPARE(message.storedId, target.id);
    QVERIFY2(message.content.contains(RareWord), qPrintable(message.content.left(200)));
    QVERIFY(chat->view()->selectionModel()->isSelected(current));
    // Everything from it to the newest message is there, in order.
    QCOMPARE(chat->messages()->message(chat->messages()->count() - 1).storedId, newest->last().id);
    QVERIFY(chat->messages()->count() > 200);
    // In view, not at the end where a conversation usually opens.
    QTRY_VERIFY(chat->view()->viewport()->rect().intersects(chat->view()->visualRect(current)));
    QVERIFY(chat->view()->verticalScrollBar()->value() < chat->view()->verticalScrollBar()->maximum());
    QVERIFY(chat->view()->hasFocus()); // the selection border shows
    rt::test::saveScreenshot(m_window.get(), u"history-open-message.png"_s);

    // Back to History: a result in the conversation shown now is found without reloading.
    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_VERIFY(history()->searchBox()->hasFocus());
    int other = -1;
    for (int i = 0; i < hits.size(); ++i) {
        if (hits.at(i).parentId == big && hits.at(i).id != target.id && hits.at(i).kind == SearchHit::Kind::Message)
            other = i;
    }
    QVERIFY(other >= 0);
    history()->openRow(other);
    QTRY_COMPARE_WITH_TIMEOUT(shown.size(), 2, 10000);
    QCOMPARE(chat->highlightedMessageId(), hits.at(other).id);
    QCOMPARE(chat->messages()->message(chat->view()->currentIndex().row()).storedId, hits.at(other).id);
}

void TestHistoryPage::typingFastDoesNotQueueStaleSearches()
{
    const QString text = u"tomato1 climate2"_s;
    QSignalSpy started(history(), &rt::ui::HistoryPage::searchStarted);
    QSignalSpy shown(history(), &rt::ui::HistoryPage::resultsShown);
    const int before = history()->searchesRun();

    // Letter by letter, faster than the debounce: one search, for the whole text.
    QTest::keyClicks(history()->searchBox(), text, Qt::NoModifier, 25);
    QTRY_VERIFY_WITH_TIMEOUT(!history()->isSearching() && history()->shownQuery() == text, 20000);
    QCOMPARE(history()->searchesRun() - before, 1);
    QCOMPARE(started.size(), 1);
    QCOMPARE(started.first().first().toString(), text);
    // (The recent list, read when the page was shown, may also arrive: "".)
    QStringList shownTexts;
    for (const QList<QVariant> &args : std::as_const(shown)) {
        if (!args.first().toString().isEmpty())
            shownTexts.append(args.first().toString());
    }
    QCOMPARE(shownTexts, QStringList { text });
    QVERIFY(results()->rowCount() > 0);
    // Exactly what storage answers for the whole text.
    const auto expected = await(probe().search(text, history()->currentOptions()));
    QVERIFY(expected.ok());
    QCOMPARE(results()->rowCount(), int(expected->size()));
    for (int row = 0; row < results()->rowCount(); ++row) {
        QCOMPARE(results()->hit(row).id, expected->at(row).id);
        const QString snippet = results()->hit(row).snippet;
        QVERIFY2(snippet.contains(QChar(SearchResultModel::HighlightStart) + u"tomato1"_s)
                || snippet.contains(QChar(SearchResultModel::HighlightStart) + u"climate2"_s),
            qPrintable(snippet));
    }

    // Without the debounce, and with the storage thread busy (a slow read
    // ahead of the searches, as on a big database), the first letter starts a
    // search and the rest only update the one waiting behind it: two searches
    // for 22 letters, and only the final text's results are shown.
    history()->setDebounceMs(0);
    history()->searchBox()->clear();
    QTRY_VERIFY(!history()->isSearching());
    started.clear();
    shown.clear();
    int maxInFlight = 0;
    int inFlight = 0;
    connect(history(), &rt::ui::HistoryPage::searchStarted, this, [&] { maxInFlight = std::max(maxInFlight, ++inFlight); });
    QList<bool> finished; // shown or dropped, in order
    connect(history(), &rt::ui::HistoryPage::searchFinished, this, [&](const QString &, bool wasShown) {
        --inFlight;
        finished.append(wasShown);
    });
    const QString second = u"model0 answer1 reason2"_s;
    auto busy = m_window->workspace()->storage()->read([](rt::storage::StorageContext &) {
        QThread::msleep(600);
        return rt::Result<int>(0);
    });
    QTest::keyClicks(history()->searchBox(), second, Qt::NoModifier, 2);
    QVERIFY2(!busy.isFinished(), "typing took longer than the storage thread was kept busy");
    QTRY_VERIFY_WITH_TIMEOUT(!history()->isSearching() && history()->shownQuery() == second, 20000);
    qInfo("typed %lld letters, %lld searches ran", qint64(second.size()), qint64(started.size()));
    QCOMPARE(started.size(), 2);
    QCOMPARE(started.first().first().toString(), second.left(1));
    QCOMPARE(started.last().first().toString(), second);
    QCOMPARE(maxInFlight, 1);
    QCOMPARE(finished, QList<bool>({ false, true }));
    QStringList searchedShown; // (the recent list of the cleared box may come too: "")
    for (const QList<QVariant> &args : std::as_const(shown)) {
        if (!args.first().toString().isEmpty())
            searchedShown.append(args.first().toString());
    }
    QCOMPARE(searchedShown, QStringList { second }); // the answer for "m" came late and was dropped
    // Every search started was for a prefix of the text being typed.
    for (const QList<QVariant> &args : std::as_const(started))
        QVERIFY(second.startsWith(args.first().toString()));
    const int settled = int(shown.size());
    QTest::qWait(300); // nothing late arrives (a bounded look, not synchronisation)
    QCOMPARE(shown.size(), settled);
    QCOMPARE(history()->shownQuery(), second);
}

void TestHistoryPage::filtersNarrowResults()
{
    const QList<SearchHit> all = searchFor(RareWord);
    QCOMPARE(all.size(), 12);

    // Chats only / debates only.
    history()->kindFilter()->setCurrentIndex(history()->kindFilter()->findData(int(rt::ui::HistoryPage::Kinds::Chats)));
    QTRY_VERIFY_WITH_TIMEOUT(!history()->isSearching(), 10000);
    QCOMPARE(results()->rowCount(), 11);
    for (int row = 0; row < results()->rowCount(); ++row)
        QVERIFY(results()->hit(row).kind == SearchHit::Kind::Message);
    history()->kindFilter()->setCurrentIndex(history()->kindFilter()->findData(int(rt::ui::HistoryPage::Kinds::Debates)));
    QTRY_VERIFY_WITH_TIMEOUT(!history()->isSearching(), 10000);
    QCOMPARE(results()->rowCount(), 1);
    QCOMPARE(results()->hit(0).id, m_rareTurnId);

    // A model: the conversations that used it (the prompts count too) and its turns.
    history()->kindFilter()->setCurrentIndex(0);
    QTRY_VERIFY_WITH_TIMEOUT(history()->modelFilter()->findData(u"gemma3:1b"_s) > 0, 10000); // filled from storage
    QVERIFY(history()->modelFilter()->findData(u"qwen3:0.6b"_s) > 0); // a debate's model
    history()->modelFilter()->setCurrentIndex(history()->modelFilter()->findData(u"gemma3:1b"_s));
    QTRY_VERIFY_WITH_TIMEOUT(!history()->isSearching(), 10000);
    QVERIFY(results()->rowCount() > 0);
    QVERIFY(results()->rowCount() < all.size());
    int gemmaMessages = 0;
    for (int row = 0; row < results()->rowCount(); ++row) {
        const SearchHit &h = results()->hit(row);
        if (h.kind == SearchHit::Kind::Message) {
            ++gemmaMessages;
            const auto conversation = await(probe().conversation(h.parentId));
            QVERIFY(conversation.ok());
            QCOMPARE(conversation->model, u"gemma3:1b"_s);
        } else {
            QFAIL("the debate turn with the word ran on qwen3:0.6b"); // seat 1 of round 3
        }
    }
    int expectedGemma = 0;
    for (const SearchHit &h : all) {
        if (h.kind != SearchHit::Kind::Message)
            continue;
        const auto conversation = await(probe().conversation(h.parentId));
        expectedGemma += conversation->model == u"gemma3:1b"_s;
    }
    QCOMPARE(gemmaMessages, expectedGemma);
    QVERIFY(gemmaMessages > 0);

    // The agent filter: the rare turn is seat 1's, the Optimist's; chat messages have no agent.
    history()->modelFilter()->setCurrentIndex(0);
    QTRY_VERIFY_WITH_TIMEOUT(history()->agentFilter()->findData(u"Optimist"_s) > 0, 10000);
    history()->agentFilter()->setCurrentIndex(history()->agentFilter()->findData(u"Optimist"_s));
    QTRY_VERIFY_WITH_TIMEOUT(!history()->isSearching(), 10000);
    QCOMPARE(results()->rowCount(), 1);
    QCOMPARE(results()->hit(0).who, u"Optimist"_s);
    history()->agentFilter()->setCurrentIndex(history()->agentFilter()->findData(u"Skeptic"_s));
    QTRY_VERIFY_WITH_TIMEOUT(!history()->isSearching(), 10000);
    QCOMPARE(results()->rowCount(), 0);
    QVERIFY(history()->findChild<QLabel *>(u"historyEmpty"_s)->isVisible());
    history()->agentFilter()->setCurrentIndex(0);

    // Dates: a range before everything finds nothing; the past year finds all.
    history()->dateFilter()->setCurrentIndex(history()->dateFilter()->count() - 1); // Between…
    QVERIFY(history()->fromDate()->isVisible());
    history()->fromDate()->setDate(QDate(2001, 1, 1));
    history()->toDate()->setDate(QDate(2001, 12, 31));
    QTRY_VERIFY_WITH_TIMEOUT(!history()->isSearching(), 10000);
    QCOMPARE(results()->rowCount(), 0);
    history()->toDate()->setDate(QDate::currentDate());
    QTRY_VERIFY_WITH_TIMEOUT(!history()->isSearching(), 10000);
    QCOMPARE(results()->rowCount(), 12);
    history()->dateFilter()->setCurrentIndex(0);
    QVERIFY(!history()->fromDate()->isVisible());
}

void TestHistoryPage::debateTurnResultOpensHighlightedTurn()
{
    const QList<SearchHit> hits = searchFor(TurnWord);
    QCOMPARE(hits.size(), 1);
    QVERIFY(hits.first().kind == SearchHit::Kind::DebateTurn);
    QCOMPARE(hits.first().id, m_turnWordId);
    QCOMPARE(hits.first().parentId, m_debateId);
    QCOMPARE(hits.first().who, u"Optimist"_s);
    rt::test::saveScreenshot(m_window.get(), u"history-search.png"_s);

    QSignalSpy shown(m_window->debatesPage(), &rt::ui::DebatesPage::turnShown);
    // A double-click opens it too.
    QListView *list = history()->resultsView();
    const QRect rect = list->visualRect(results()->index(0, 0));
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, rect.center());
    QTest::mouseDClick(list->viewport(), Qt::LeftButton, {}, rect.center());
    QTRY_COMPARE_WITH_TIMEOUT(shown.size(), 1, 10000);
    QCOMPARE(shown.first().first().toLongLong(), m_turnWordId);
    rt::ui::DebatesPage *debates = m_window->debatesPage();
    QVERIFY(debates->isVisible());
    QCOMPARE(debates->panel(), rt::ui::DebatesPage::Panel::Debate);
    QCOMPARE(debates->currentSession()->debateId(), m_debateId);
    rt::ui::DebateView *view = debates->view();
    QCOMPARE(view->highlightedTurnId(), m_turnWordId);
    QVERIFY2(view->highlightedTurnText().contains(TurnWord), qPrintable(view->highlightedTurnText()));
    QVERIFY2(view->highlightedTurnText().startsWith(u"Optimist"_s), qPrintable(view->highlightedTurnText()));
    QCOMPARE(view->transcript()->extraSelections().size(), 1);
    // The turn is in view in the transcript.
    QTextBrowser *transcript = view->transcript();
    QTRY_VERIFY(transcript->viewport()->rect().intersects(transcript->cursorRect()));
    rt::test::saveScreenshot(m_window.get(), u"history-open-turn.png"_s);
}

void TestHistoryPage::emptySearchListsRecentItems()
{
    // Before typing: recent conversations and debates, newest first; Enter opens one.
    QVERIFY(history()->searchBox()->text().isEmpty());
    QVERIFY(results()->isRecent());
    QCOMPARE(results()->rowCount(), 12);
    bool sawDebate = false;
    for (int row = 0; row < results()->rowCount(); ++row)
        sawDebate = sawDebate || results()->hit(row).kind == SearchHit::Kind::DebateTurn;
    QVERIFY(sawDebate);
    QVERIFY(results()->hit(0).kind == SearchHit::Kind::DebateTurn); // the debate was stored last
    QCOMPARE(results()->hit(1).parentId, m_conversations.last());
    QVERIFY2(results()->hit(1).who.contains(u"message"_s), qPrintable(results()->hit(1).who));
    rt::test::saveScreenshot(m_window.get(), u"history-recent.png"_s);

    // Typing and clearing comes back to them without a search.
    searchFor(u"garden0"_s);
    QVERIFY(!results()->isRecent());
    const int searches = history()->searchesRun();
    history()->searchBox()->clear();
    QTRY_VERIFY(results()->isRecent() && results()->rowCount() == 12);
    QCOMPARE(history()->searchesRun(), searches);

    QSignalSpy opened(m_window->chatPage(), &rt::ui::ChatPage::conversationOpened);
    history()->resultsView()->setCurrentIndex(results()->index(1, 0));
    QTest::keyClick(history()->searchBox(), Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(opened.size(), 1, 10000);
    QCOMPARE(m_window->chatPage()->conversationId(), m_conversations.last());
}

void TestHistoryPage::exportAndImport()
{
    const QList<SearchHit> hits = searchFor(TurnWord);
    QCOMPARE(hits.size(), 1);
    const QString mdPath = m_dir.filePath(u"debate.md"_s);
    const QString jsonPath = m_dir.filePath(u"debate.json"_s);
    QString suggested;
    QSignalSpy exported(history(), &rt::ui::HistoryPage::exported);
    history()->setSaveFileHook([&](const QString &s) {
        suggested = s;
        return exported.isEmpty() ? mdPath : jsonPath;
    });
    QVERIFY(history()->exportButton()->isEnabled());
    QTest::mouseClick(history()->exportButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(exported.size(), 1, 10000);
    QCOMPARE(exported.first().at(1).toString(), QString());
    QVERIFY2(suggested.endsWith(u"/debate-%1.md"_s.arg(m_debateId)), qPrintable(suggested));
    QFile md(mdPath);
    QVERIFY(md.open(QIODevice::ReadOnly));
    const QString markdown = QString::fromUtf8(md.readAll());
    QVERIFY2(markdown.contains(u"Should the village plant an orchard?"_s), qPrintable(markdown.left(300)));
    QVERIFY(markdown.contains(TurnWord));

    history()->exportSelected();
    QTRY_COMPARE_WITH_TIMEOUT(exported.size(), 2, 10000);
    QCOMPARE(exported.last().at(1).toString(), QString());
    QFile json(jsonPath);
    QVERIFY(json.open(QIODevice::ReadOnly));
    QVERIFY(QJsonDocument::fromJson(json.readAll()).isObject());

    // Import it back: a second copy of the debate, found by the next search.
    QSignalSpy imported(history(), &rt::ui::HistoryPage::imported);
    history()->setOpenFileHook([&] { return jsonPath; });
    QTest::mouseClick(history()->importButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(imported.size(), 1, 10000);
    QCOMPARE(imported.first().at(0).toString(), u"debate"_s);
    const qint64 copy = imported.first().at(1).toLongLong();
    QVERIFY(copy > m_debateId);
    QCOMPARE(imported.first().at(2).toString(), QString());
    QVERIFY2(history()->statusLabel()->text().contains(u"9"_s), qPrintable(history()->statusLabel()->text()));
    QTRY_VERIFY_WITH_TIMEOUT(!history()->isSearching() && results()->rowCount() == 2, 10000);
    QSet<qint64> debates;
    for (int row = 0; row < results()->rowCount(); ++row)
        debates.insert(results()->hit(row).parentId);
    QCOMPARE(debates, QSet<qint64>({ m_debateId, copy }));

    // A file that is not an export is refused in words.
    const QString bad = m_dir.filePath(u"bad.json"_s);
    QFile file(bad);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"hello\": 1}");
    file.close();
    history()->setOpenFileHook([&] { return bad; });
    history()->importFile();
    QTRY_COMPARE_WITH_TIMEOUT(imported.size(), 2, 10000);
    QVERIFY(!imported.last().at(2).toString().isEmpty());
    QVERIFY(history()->statusLabel()->text().startsWith(u"Not imported"_s));

    // Leave the shared database as it was for the other tests.
    const auto removed = await(probe().write([copy](rt::storage::StorageContext &c) { return c.debates().remove(copy); }));
    QVERIFY(removed.ok());
}

void TestHistoryPage::chatListExportAndImportShowInChat()
{
    rt::ui::ConversationList *list = m_window->chatPage()->conversationList();
    QTRY_VERIFY_WITH_TIMEOUT(list->isLoaded() && list->model()->rowCount() > 0, 10000);
    const qint64 id = list->model()->index(0, 0).data(rt::ui::ConversationListModel::IdRole).toLongLong();
    const QString title = list->model()->index(0, 0).data(Qt::DisplayRole).toString();
    QVERIFY(id > 0);

    // Export… in the chat list's menu writes through the History page's export.
    const QString path = m_dir.filePath(u"chat.json"_s);
    QSignalSpy exported(history(), &rt::ui::HistoryPage::exported);
    history()->setSaveFileHook([&](const QString &suggested) {
        [&] { QVERIFY2(suggested.contains(u"conversation"_s), qPrintable(suggested)); }();
        return path;
    });
    emit list->exportRequested(id);
    QTRY_COMPARE_WITH_TIMEOUT(exported.size(), 1, 10000);
    QCOMPARE(exported.first().at(1).toString(), QString());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject exportedJson = QJsonDocument::fromJson(file.readAll()).object();
    QVERIFY2(QJsonDocument(exportedJson).toJson().contains(title.toUtf8()), qPrintable(title));

    // Imported back: the copy is in the chat list at once.
    QSignalSpy imported(history(), &rt::ui::HistoryPage::imported);
    history()->setOpenFileHook([&] { return path; });
    history()->importFile();
    QTRY_COMPARE_WITH_TIMEOUT(imported.size(), 1, 10000);
    QCOMPARE(imported.first().at(0).toString(), u"conversation"_s);
    const qint64 copy = imported.first().at(1).toLongLong();
    QVERIFY(copy > 0 && copy != id);
    QTRY_VERIFY_WITH_TIMEOUT(list->model()->rowOf(copy) >= 0, 10000);

    const auto removed = await(probe().write([copy](rt::storage::StorageContext &c) { return c.conversations().remove(copy); }));
    QVERIFY(removed.ok());
}

QTEST_MAIN(TestHistoryPage)
#include "tst_historypage.moc"
