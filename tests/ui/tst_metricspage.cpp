// The Metrics page against the real simulator and a real SQLite file: before
// any request the charts say so; after a short workload through the window's
// pool (one chat broken mid-stream by an injected fault) the tokens/s line of
// the model and the error rate of the host hold the values, the health badge
// says what the sampler's report says, and the loaded-model table lists what
// the simulator loaded; the 24-hour range reads the stored samples; nothing
// is redrawn while the page is hidden. Screenshots in light and dark.
#include "common/appsettings.h"
#include "llm/chattypes.h"
#include "llm/endpointpool.h"
#include "llm/pooledchat.h"
#include "metrics/metricssampler.h"
#include "screenshot.h"
#include "server/metricsservice.h"
#include "simprocess.h"
#include "tempdatabase.h"
#include "ui/chatpage.h"
#include "ui/mainwindow.h"
#include "ui/metricspage.h"
#include "ui/settingspage.h"
#include "ui/taskspage.h"
#include "ui/theme.h"
#include "ui/workspace.h"

#include <QApplication>
#include <QLineSeries>
#include <QMenu>
#include <QMenuBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;
using rt::metrics::Chart;
using rt::ui::MetricsPage;

namespace {

const QString Model = u"llama3.2:1b"_s;

double highest(const QLineSeries *series)
{
    double top = -1;
    if (series) {
        for (const QPointF &p : series->points())
            top = qMax(top, p.y());
    }
    return top;
}

QStringList column(const QTableWidget *table, int column)
{
    QStringList out;
    for (int row = 0; row < table->rowCount(); ++row) {
        if (const QTableWidgetItem *item = table->item(row, column))
            out << item->text();
    }
    return out;
}

QAction *goAction(QMenuBar *bar, const QString &text)
{
    for (QAction *top : bar->actions()) {
        if (!top->menu() || top->text() != u"&Go"_s)
            continue;
        for (QAction *action : top->menu()->actions()) {
            if (action->text() == text)
                return action;
        }
    }
    return nullptr;
}

} // namespace

class TestMetricsPage final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void emptyBeforeAnyRequest();
    void workloadShowsInChartsHealthAndTable();

private:
    void openWindow();
    void showPage();
    MetricsPage *page() const { return m_window->metricsPage(); }
    rt::metrics::MetricsSampler *sampler() const { return m_window->metrics()->sampler(); }

    rt::test::SimProcess m_sim;
    std::unique_ptr<rt::test::TempDatabase> m_db;
    std::unique_ptr<rt::ui::MainWindow> m_window;
};

void TestMetricsPage::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"RoundtableTest"_s);
    QCoreApplication::setApplicationName(u"tst_metricspage"_s);
    QSettings().clear();
    // Samples stored every second, so the 24-hour range has something to read.
    rt::AppSettings::setValue(rt::AppSettings::MetricsPersistSec, 1);
    rt::ui::Theme::apply(*qApp);
    // Replies of 60 tokens at 40 tokens/s: each spans a sample or two.
    QVERIFY2(m_sim.start({ u"--tps"_s, u"40"_s, u"--tokens"_s, u"60"_s }), qPrintable(m_sim.errorString()));
    m_db = std::make_unique<rt::test::TempDatabase>();
    QVERIFY2(m_db->isValid(), qPrintable(m_db->error()));
}

void TestMetricsPage::cleanup()
{
    if (rt::ui::Theme::CurrentMode != rt::ui::Theme::Mode::Light)
        rt::ui::Theme::change(*qApp, rt::ui::Theme::Mode::Light);
    m_window.reset();
    m_sim.reset();
}

void TestMetricsPage::openWindow()
{
    m_window = std::make_unique<rt::ui::MainWindow>(m_sim.url(), m_db->dbArgument());
    m_window->resize(1180, 780);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->workspace()->isReady(), 10000);
    QCOMPARE(m_window->workspace()->state(), rt::ui::Workspace::State::Ready);
}

void TestMetricsPage::showPage()
{
    // Between Tasks and Settings; Ctrl+<position> from the Go menu lands on it.
    const int position = m_window->pageIndex(page());
    QCOMPARE(position, m_window->pageIndex(m_window->tasksPage()) + 1);
    QCOMPARE(m_window->pageIndex(m_window->settingsPage()), position + 1);
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    QTest::keyClick(m_window.get(), Qt::Key(Qt::Key_1 + position), Qt::ControlModifier);
    QTRY_VERIFY(page()->isVisible());
}

void TestMetricsPage::emptyBeforeAnyRequest()
{
    openWindow();
    // The Go menu: Metrics is Ctrl+7, Settings moved to Ctrl+8.
    QAction *metrics = goAction(m_window->menuBar(), u"Metrics"_s);
    QAction *settings = goAction(m_window->menuBar(), u"Settings"_s);
    QVERIFY(metrics && settings);
    QCOMPARE(metrics->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_7));
    QCOMPARE(settings->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_8));
    showPage();

    // Sampled with the host in the pool: healthy, in words.
    QTRY_VERIFY_WITH_TIMEOUT(page()->healthText().startsWith(u"Healthy "_s), 5000);
    QCOMPARE(page()->healthText(), u"Healthy "_s + sampler()->health().summary);
    const QString host = m_window->pool()->defaultHost();
    QVERIFY2(page()->hostHealthText(host).contains(u"Answering normally."_s), qPrintable(page()->hostHealthText(host)));
    for (Chart chart : { Chart::TokensPerSecond, Chart::Latency, Chart::ErrorRate, Chart::ActiveStreams })
        QCOMPARE(page()->emptyText(chart), u"No requests yet: start a chat or a debate"_s);
    QVERIFY(page()->seriesLabels(Chart::ErrorRate).isEmpty());
    QVERIFY(page()->loadedTable()->isHidden()); // nothing loaded: said in words instead
    rt::test::saveScreenshot(m_window.get(), u"metrics-empty.png"_s);
}

void TestMetricsPage::workloadShowsInChartsHealthAndTable()
{
    openWindow();
    const QString host = m_window->pool()->defaultHost();

    // Four chats through the window's pool; the first two requests to reach
    // the simulator break after 5 tokens (an error chunk mid-stream).
    QVERIFY(m_sim.setFault(u"error_midstream"_s, u"5"_s, 2, u"/api/chat"_s));
    int completed = 0;
    int failed = 0;
    for (int i = 0; i < 4; ++i) {
        rt::llm::ChatRequest request;
        request.model = Model;
        request.messages = { rt::llm::ChatMessage::user(u"Tell me about round tables, part %1."_s.arg(i + 1)) };
        rt::llm::PooledChat *chat = m_window->pool()->chat(request, { Model });
        connect(
            chat, &rt::llm::PooledChat::finished, this, [&](const rt::llm::ChatResult &result) { ++(result.ok() ? completed : failed); });
    }
    QTRY_COMPARE_WITH_TIMEOUT(completed + failed, 4, 20000);
    QCOMPARE(completed, 2);
    QCOMPARE(failed, 2);

    showPage();
    QCOMPARE(page()->range(), MetricsPage::Range::FiveMinutes);

    // Tokens per second of the model: a line with a positive value.
    QTRY_VERIFY_WITH_TIMEOUT(highest(page()->series(Chart::TokensPerSecond, Model)) > 0, 5000);
    QVERIFY(page()->emptyText(Chart::TokensPerSecond).isEmpty());
    // The error rate of the host: above zero once the failure is sampled.
    QTRY_VERIFY_WITH_TIMEOUT(highest(page()->series(Chart::ErrorRate, host)) > 0, 5000);
    // Response time and time to first token of the finished replies.
    QTRY_VERIFY_WITH_TIMEOUT(page()->series(Chart::Latency, u"p50"_s) && page()->series(Chart::Latency, u"first token p50"_s), 5000);
    QVERIFY(highest(page()->series(Chart::Latency, u"p95"_s)) > 0);

    // Health: the badge shows the sampler's report; the host's badge its
    // reasons in words. Two failed chats in the minute (with the hosts' probes
    // and lists, a dozen requests) degrade the host.
    QTRY_COMPARE_WITH_TIMEOUT(rt::metrics::toString(sampler()->health().status), u"degraded"_s, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(page()->healthText(), u"Degraded "_s + sampler()->health().summary, 5000);
    QVERIFY2(sampler()->health().summary.contains(u"of requests failed"_s), qPrintable(sampler()->health().summary));
    const QString shownHost = page()->hostHealthText(host);
    QVERIFY2(shownHost.contains(u"Degraded"_s), qPrintable(shownHost));
    const QList<rt::metrics::HostHealth> hosts = sampler()->health().hosts;
    QCOMPARE(hosts.size(), 1);
    QVERIFY(!hosts.constFirst().reasons.isEmpty());
    for (const QString &reason : hosts.constFirst().reasons)
        QVERIFY2(shownHost.contains(reason.mid(host.size() + 2)), qPrintable(shownHost + u" / "_s + reason));

    // Shown, the page probes the hosts, which reads /api/ps: the model the simulator loaded.
    QTRY_VERIFY_WITH_TIMEOUT(column(page()->loadedTable(), 0).contains(Model), 10000);
    QVERIFY(page()->loadedTable()->isVisible());
    const int row = int(column(page()->loadedTable(), 0).indexOf(Model));
    QCOMPARE(page()->loadedTable()->item(row, 1)->text(), host);
    QVERIFY(!page()->loadedTable()->item(row, 2)->text().isEmpty()); // size
    QVERIFY2(page()->loadedTable()->item(row, 4)->text().startsWith(u"in "_s), qPrintable(page()->loadedTable()->item(row, 4)->text()));

    rt::test::saveScreenshot(m_window.get(), u"metrics.png"_s);
    // Dark: the charts take the theme's colours at once.
    const int before = page()->refreshCount();
    rt::ui::Theme::change(*qApp, rt::ui::Theme::Mode::Dark);
    QTRY_VERIFY(page()->refreshCount() > before); // and the next sample still draws
    QVERIFY(highest(page()->series(Chart::TokensPerSecond, Model)) > 0);
    rt::test::saveScreenshot(m_window.get(), u"metrics-dark.png"_s);
    rt::ui::Theme::change(*qApp, rt::ui::Theme::Mode::Light);

    // Hidden: samples go on, the page draws nothing.
    m_window->showPage(m_window->pageIndex(m_window->chatPage()));
    QTRY_VERIFY(!page()->isVisible());
    const int hidden = page()->refreshCount();
    QSignalSpy samples(sampler(), &rt::metrics::MetricsSampler::sampled);
    QTRY_VERIFY_WITH_TIMEOUT(samples.size() >= 2, 5000);
    QCOMPARE(page()->refreshCount(), hidden);
    // Shown again: drawn at once.
    m_window->showPage(m_window->pageIndex(page()));
    QVERIFY(page()->refreshCount() > hidden);

    // 24 hours come from the stored samples (every second in this test): "Loading…", then the lines.
    // Wait until the minute's samples holding the tokens have been written (two persists later).
    const qint64 lastToken = page()->series(Chart::TokensPerSecond, Model)->points().constLast().x();
    QTRY_VERIFY_WITH_TIMEOUT(sampler()->lastSampleMs() > lastToken + 2500, 5000);
    page()->setRange(MetricsPage::Range::Day);
    QVERIFY(page()->isLoading());
    QCOMPARE(page()->emptyText(Chart::TokensPerSecond), u"Loading…"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!page()->isLoading(), 5000);
    QVERIFY2(page()->emptyText(Chart::TokensPerSecond).isEmpty(), qPrintable(page()->emptyText(Chart::TokensPerSecond)));
    QVERIFY(highest(page()->series(Chart::TokensPerSecond, Model)) > 0);
    QVERIFY(highest(page()->series(Chart::ErrorRate, host)) > 0);
    rt::test::saveScreenshot(m_window.get(), u"metrics-24h.png"_s);
    // Per agent: no debate ran, said in words.
    page()->setRange(MetricsPage::Range::FiveMinutes);
    page()->setTokensBy(MetricsPage::TokensBy::Agent);
    QCOMPARE(page()->emptyText(Chart::AgentTokensPerSecond), u"No debate turns yet: tokens per agent come from debates"_s);
    QVERIFY(page()->series(Chart::TokensPerSecond, Model) == nullptr);
    page()->setTokensBy(MetricsPage::TokensBy::Model);
    QVERIFY(highest(page()->series(Chart::TokensPerSecond, Model)) > 0);
}

QTEST_MAIN(TestMetricsPage)
#include "tst_metricspage.moc"
