// The app as a viewer: "Connect to a Remote Table…" watches a debate served
// by another instance's local server (here in the same process, on its own
// thread, over real WebSockets) with the same table as a local debate, read
// only; a viewer that comes late, and one whose server restarts, show the
// same transcript as the debate itself, once.
#include "../debate/debaterecorder.h"
#include "awaitfuture.h"
#include "debate/debateengine.h"
#include "screenshot.h"
#include "server/metricsservice.h"
#include "server/remotetable.h"
#include "simprocess.h"
#include "ui/debateview.h"
#include "ui/remotetablewindow.h"
#include "ui/seatcard.h"

#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QStandardPaths>
#include <QTest>
#include <QTextBrowser>

using namespace Qt::StringLiterals;
using namespace rt;

namespace {
const QString Token = u"0f1e2d3c4b5a69788796a5b4c3d2e1f0"_s;
const QString Model = u"llama3.2:1b"_s;

debate::DebateConfig config(const QString &question)
{
    debate::DebateConfig c;
    c.question = question;
    c.seed = 3;
    c.maxRounds = 2;
    c.agents = { rt::test::makeAgent(u"Ada"_s, Model), rt::test::makeAgent(u"Bo"_s, Model), rt::test::makeAgent(u"Cy"_s, Model) };
    return c;
}

QUrl wsUrl(const QUrl &server)
{
    QUrl u = server;
    u.setScheme(u"ws"_s);
    u.setPath(u"/ws"_s);
    u.setQuery(u"token="_s + Token);
    return u;
}

QStringList turnsOf(const ui::DebateSession *session)
{
    QStringList out;
    for (const debate::TurnRecord &t : session->turns())
        out.append(u"%1 %2: %3"_s.arg(t.info.index).arg(t.info.agentName, t.text));
    return out;
}
} // namespace

class TestRemoteTable final : public QObject {
    Q_OBJECT

    rt::test::SimProcess m_sim;
    std::unique_ptr<llm::EndpointPool> m_pool;

    server::ServerOptions options() const
    {
        server::ServerOptions o;
        o.token = u"metrics-token-0123456789"_s;
        o.viewerToken = Token;
        o.viewerLimits.metricsMs = 0;
        return o;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY2(m_sim.start({ u"--tps"_s, u"150"_s, u"--tokens"_s, u"40"_s }), qPrintable(m_sim.errorString()));
        m_pool = rt::test::makePool(m_sim.url());
    }

    void linksAreChecked()
    {
        QCOMPARE(
            server::RemoteTable::webSocketUrl(u"http://10.0.0.5:9477/?token=abc"_s).value(), QUrl(u"ws://10.0.0.5:9477/ws?token=abc"_s));
        QCOMPARE(server::RemoteTable::webSocketUrl(u"https://table.local:9477/?token=abc"_s).value().scheme(), u"wss"_s);
        QVERIFY(server::RemoteTable::webSocketUrl(u"http://10.0.0.5:9477/"_s).error().message.contains(u"no token"_s));
        QVERIFY(server::RemoteTable::webSocketUrl(u"ftp://x/?token=1"_s).error().message.contains(u"not a viewer link"_s));
    }

    void watchesALiveDebateReadOnly()
    {
        server::MetricsService service;
        service.attach(m_pool.get(), nullptr, nullptr);
        const Result<QUrl> url = rt::test::await(service.startServer(options()));
        QVERIFY(url.ok());

        debate::MemoryDebateStore store;
        debate::DebateEngine engine(m_pool.get(), &store);
        engine.setConcurrentTurns(true);
        rt::test::DebateRecorder rec(&engine);
        QVERIFY(engine.start(config(u"Should cities ban cars from their centres?"_s)));
        QTRY_VERIFY_WITH_TIMEOUT(!rec.turns.isEmpty(), 20000); // joins halfway

        ui::RemoteTableWindow window(wsUrl(url.value()));
        window.resize(1200, 820);
        window.show();
        QTRY_COMPARE_WITH_TIMEOUT(window.table()->state(), server::RemoteTable::State::Connected, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(window.currentDebate(), engine.debateId(), 10000);
        QVERIFY(window.statusLabel()->text().contains(u"Watching"_s));
        ui::DebateView *view = window.view();
        QVERIFY(view->session()->isRemote());
        QCOMPARE(view->seatCards().size(), 4); // three and the synthesiser
        // Read-only: nothing to steer here.
        QVERIFY(!view->pauseButton()->isVisible());
        QVERIFY(!view->stopButton()->isVisible());
        QVERIFY(!view->interjectButton()->isVisible());
        QVERIFY(!view->exportButton()->isVisible());

        // Mid-debate: some seat shows streaming text.
        QTRY_VERIFY_WITH_TIMEOUT(
            std::any_of(view->seatCards().cbegin(), view->seatCards().cend(), [](ui::SeatCard *c) { return !c->text().isEmpty(); }), 20000);
        QVERIFY(rec.waitEnded());
        QTRY_VERIFY_WITH_TIMEOUT(view->session()->outcome().has_value(), 20000);
        QCOMPARE(turnsOf(view->session()), [&] {
            QStringList out;
            for (const debate::TurnRecord &t : std::as_const(rec.turns))
                out.append(u"%1 %2: %3"_s.arg(t.info.index).arg(t.info.agentName, t.text));
            return out;
        }());
        QCOMPARE(view->session()->rounds().size(), rec.snapshots.size());
        QTRY_VERIFY(view->resultPanel()->isVisible());
        QVERIFY(view->resultText().contains(rec.outcome.answer));
        QVERIFY(view->transcript()->toPlainText().contains(rec.turns.first().text.left(20)));
        QVERIFY(window.debateList()->currentText().contains(u"Should cities ban cars"_s));
        rt::test::saveScreenshot(&window, u"remote-table.png"_s);

        // The server restarts (same token, a new debate): the window comes
        // back by itself and follows the new debate from a fresh snapshot.
        service.stopServer();
        QTRY_COMPARE_WITH_TIMEOUT(window.table()->state(), server::RemoteTable::State::Reconnecting, 10000);
        server::ServerOptions again = options();
        again.port = quint16(url.value().port());
        QVERIFY(rt::test::await(service.startServer(again)).ok());
        QTRY_COMPARE_WITH_TIMEOUT(window.table()->state(), server::RemoteTable::State::Connected, 20000);
        QCOMPARE(window.table()->connects(), 2);
        debate::DebateEngine second(m_pool.get(), &store);
        rt::test::DebateRecorder rec2(&second);
        debate::DebateConfig c2 = config(u"Tabs or spaces?"_s);
        c2.maxRounds = 1;
        QVERIFY(second.start(c2));
        QVERIFY(rec2.waitEnded());
        QTRY_COMPARE_WITH_TIMEOUT(window.currentDebate(), second.debateId(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(window.view()->session()->outcome().has_value(), 20000);
        QCOMPARE(window.view()->session()->turns().size(), rec2.turns.size());
    }

    void aWrongTokenIsRefusedOnce()
    {
        server::MetricsService service;
        service.attach(m_pool.get(), nullptr, nullptr);
        const Result<QUrl> url = rt::test::await(service.startServer(options()));
        QVERIFY(url.ok());
        QUrl wrong = wsUrl(url.value());
        wrong.setQuery(u"token=ffffffffffffffffffffffffffffffff"_s);
        ui::RemoteTableWindow window(wrong);
        window.show();
        QTRY_COMPARE_WITH_TIMEOUT(window.table()->state(), server::RemoteTable::State::Refused, 10000);
        QVERIFY2(window.statusLabel()->text().contains(u"token"_s), qPrintable(window.statusLabel()->text()));
        QTest::qWait(1500); // no retries after a refusal
        QCOMPARE(window.table()->state(), server::RemoteTable::State::Refused);
        QCOMPARE(window.table()->connects(), 0);
    }
};

QTEST_MAIN(TestRemoteTable)
#include "tst_remotetable.moc"
