// Remote viewers over real WebSockets (docs/remote-protocol.md): a real
// debate against the simulator streamed to QWebSocket viewers through the
// local server on its own thread; order and sequence numbers, the snapshot of
// a viewer that comes late or reconnects, access (token in the URL or first
// frame, wrong token, Origin, path, room, rate limits), read-only, oversize
// and binary frames, a slow viewer and a silent one dropped while a fast one
// gets everything, shared chats, the page itself, TLS, and stopping.
#include "../debate/debaterecorder.h"
#include "awaitfuture.h"
#include "debate/debateengine.h"
#include "metrics/metricnames.h"
#include "metrics/metricsregistry.h"
#include "server/livefeed.h"
#include "server/metricsservice.h"
#include "simprocess.h"
#include "viewerclient.h"

#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;
using namespace rt;
using rt::test::RawClient;
using rt::test::SimProcess;
using rt::test::Viewer;

namespace {
const QString ViewerToken = u"00112233445566778899aabbccddeeff"_s;
const QString Model = u"llama3.2:1b"_s;

debate::DebateConfig debateConfig(const QString &question = u"Is 7 a prime number?"_s)
{
    debate::DebateConfig c;
    c.question = question;
    c.seed = 5;
    c.maxRounds = 2;
    c.stallRounds = 0;
    c.agents = { rt::test::makeAgent(u"Ada"_s, Model), rt::test::makeAgent(u"Bo"_s, Model), rt::test::makeAgent(u"Cy"_s, Model) };
    return c;
}

QUrl wsUrl(const QUrl &server, const QString &token = ViewerToken)
{
    QUrl u = server;
    u.setScheme(server.scheme() == "https"_L1 ? u"wss"_s : u"ws"_s);
    u.setPath(u"/ws"_s);
    if (!token.isEmpty())
        u.setQuery(u"token="_s + token);
    return u;
}

// The visible text of each turn (by debate index) as the token batches built it.
QHash<int, QString> streamedText(const Viewer &v)
{
    QHash<int, QString> text;
    QHash<int, int> attempt;
    for (const Viewer::Frame &f : v.frames) {
        if (f.type() != "tokens"_L1)
            continue;
        if (!f.json.contains(u"due"_s))
            text[-1] = u"a tokens frame without due"_s;
        for (const QJsonValue &d : f.json.value(u"deltas"_s).toArray()) {
            const QJsonObject o = d.toObject();
            const int index = o.value(u"index"_s).toInt();
            if (o.value(u"attempt"_s).toInt() != attempt.value(index, 1))
                text[index].clear();
            attempt[index] = o.value(u"attempt"_s).toInt();
            text[index] += o.value(u"text"_s).toString();
        }
    }
    return text;
}

// The finished turns a viewer knows: from its snapshot, then from events.
QList<QJsonObject> knownTurns(const Viewer &v, qint64 debateId)
{
    QList<QJsonObject> turns;
    if (v.frames.size() < 2)
        return turns;
    for (const QJsonValue &d : v.frames.at(1).json.value(u"debates"_s).toArray()) {
        if (qint64(d.toObject().value(u"debate"_s).toObject().value(u"debate_id"_s).toDouble()) != debateId)
            continue;
        for (const QJsonValue &t : d.toObject().value(u"turns"_s).toArray())
            turns.append(t.toObject());
    }
    for (const Viewer::Frame &f : v.ofType(u"turn_finished"_s))
        turns.append(f.json.value(u"turn"_s).toObject());
    return turns;
}

QStringList describe(const QList<QJsonObject> &turns)
{
    QStringList out;
    for (const QJsonObject &t : turns)
        out.append(u"%1/%2/%3: %4"_s.arg(t.value(u"index"_s).toInt())
                       .arg(t.value(u"round"_s).toInt())
                       .arg(t.value(u"agent"_s).toString(), t.value(u"text"_s).toString()));
    return out;
}
} // namespace

class TestRemoteViewers final : public QObject {
    Q_OBJECT

    SimProcess m_sim;
    std::unique_ptr<llm::EndpointPool> m_pool;

    server::ServerOptions options() const
    {
        server::ServerOptions o;
        o.token = u"metrics-token-0123456789"_s;
        o.viewerToken = ViewerToken;
        o.viewerLimits.metricsMs = 0;
        return o;
    }
    QUrl start(server::MetricsService &service, const server::ServerOptions &o)
    {
        service.attach(m_pool.get(), nullptr, nullptr);
        const Result<QUrl> url = rt::test::await(service.startServer(o));
        if (!url.ok())
            qFatal("server did not start: %s", qPrintable(url.error().message));
        return url.value();
    }
    double metric(server::MetricsService &service, const QString &name, const QStringList &labels = {})
    {
        return service.registry()->value(name, labels);
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY2(m_sim.start({ u"--tps"_s, u"400"_s, u"--tokens"_s, u"30"_s }), qPrintable(m_sim.errorString()));
        m_pool = rt::test::makePool(m_sim.url());
    }

    // A debate seen by a viewer from the start and one that joins halfway:
    // hello, snapshot, then every event numbered without a gap; the same
    // bytes for the same event; the streamed text equals the stored text; the
    // late viewer's snapshot plus its events is the whole debate, once.
    void helloSnapshotThenEventsWithoutGaps()
    {
        server::MetricsService service;
        const QUrl url = start(service, options());
        Viewer early;
        early.open(wsUrl(url));
        QVERIFY(early.waitType(u"snapshot"_s));

        debate::MemoryDebateStore store;
        debate::DebateEngine engine(m_pool.get(), &store);
        engine.setConcurrentTurns(true);
        rt::test::DebateRecorder rec(&engine);
        QVERIFY(engine.start(debateConfig()));
        QVERIFY(early.waitFor([&] { return early.ofType(u"turn_finished"_s).size() >= 2; }));
        Viewer late;
        late.open(wsUrl(url));
        QVERIFY(late.waitType(u"snapshot"_s));
        QVERIFY(rec.waitEnded());
        QVERIFY(rec.finished);
        QVERIFY(early.waitType(u"finished"_s));
        QVERIFY(late.waitType(u"finished"_s));

        QVERIFY2(early.sequenceProblem().isEmpty(), qPrintable(early.sequenceProblem()));
        QVERIFY2(late.sequenceProblem().isEmpty(), qPrintable(late.sequenceProblem()));
        const QJsonObject hello = early.frames.at(0).json;
        QCOMPARE(hello.value(u"protocol"_s).toInt(), 1);
        QVERIFY(hello.value(u"capabilities"_s).toArray().contains(u"debates"_s));
        QVERIFY(hello.value(u"server"_s).toString().startsWith(u"Roundtable"_s));

        // The early viewer saw the whole debate as events, in the engine's order.
        QCOMPARE(early.ofType(u"debate_started"_s).size(), 1);
        const qint64 id = engine.debateId();
        QCOMPARE(qint64(early.ofType(u"debate_started"_s).first().json.value(u"debate"_s).toObject().value(u"debate_id"_s).toDouble()), id);
        QCOMPARE(early.ofType(u"turn_finished"_s).size(), rec.turns.size());
        QCOMPARE(early.ofType(u"turn_started"_s).size(), rec.turnsStarted.size());
        QCOMPARE(early.ofType(u"round_started"_s).size(), rec.rounds.size());
        QCOMPARE(early.ofType(u"consensus"_s).size(), rec.snapshots.size());
        QVERIFY(early.indexOf(u"turn_started"_s) < early.indexOf(u"tokens"_s));
        QVERIFY(early.indexOf(u"finished"_s) > early.indexOf(u"turn_finished"_s));
        // Text arrives in batches (several tokens per frame) and adds up to the turn's text.
        const QHash<int, QString> streamed = streamedText(early);
        QVERIFY(!streamed.contains(-1));
        for (const debate::TurnRecord &t : std::as_const(rec.turns)) {
            if (!t.text.isEmpty())
                QCOMPARE(streamed.value(t.info.index), t.text);
        }
        QVERIFY(early.ofType(u"tokens"_s).size() < rec.deltas);

        // Frames with the same number are the same bytes for both viewers.
        QHash<quint64, QByteArray> bySeq;
        for (const Viewer::Frame &f : std::as_const(early.frames).mid(2))
            bySeq.insert(f.seq(), f.raw);
        for (const Viewer::Frame &f : std::as_const(late.frames).mid(2))
            QCOMPARE(f.raw, bySeq.value(f.seq()));

        // Late: what the snapshot had plus what followed is the whole debate, each turn once.
        const QStringList all = describe(knownTurns(early, id));
        QCOMPARE(describe(knownTurns(late, id)), all);
        const QJsonObject snap = late.frames.at(1).json;
        const QJsonObject d = snap.value(u"debates"_s).toArray().first().toObject();
        QCOMPARE(d.value(u"debate"_s).toObject().value(u"question"_s).toString(), debateConfig().question);
        QCOMPARE(d.value(u"debate"_s).toObject().value(u"seats"_s).toArray().size(), 4); // three and the synthesiser
        QCOMPARE(d.value(u"phase"_s).toString(), u"running"_s);
        // The final result reached both.
        const QJsonObject outcome = late.ofType(u"finished"_s).first().json.value(u"outcome"_s).toObject();
        QCOMPARE(outcome.value(u"answer"_s).toString(), rec.outcome.answer);
        QCOMPARE(metric(service, metrics::name::ViewersPeak), 2.0);
    }

    // A viewer that comes after the end sees the finished debate in its snapshot.
    void finishedDebateStaysInTheSnapshot()
    {
        server::MetricsService service;
        const QUrl url = start(service, options());
        debate::MemoryDebateStore store;
        debate::DebateEngine engine(m_pool.get(), &store);
        rt::test::DebateRecorder rec(&engine);
        debate::DebateConfig c = debateConfig(u"Tea or coffee?"_s);
        c.maxRounds = 1;
        QVERIFY(engine.start(c));
        QVERIFY(rec.waitEnded());
        Viewer v;
        v.open(wsUrl(url));
        QVERIFY(v.waitType(u"snapshot"_s));
        QJsonObject found;
        for (const QJsonValue &d : v.frames.at(1).json.value(u"debates"_s).toArray()) {
            if (qint64(d.toObject().value(u"debate"_s).toObject().value(u"debate_id"_s).toDouble()) == engine.debateId())
                found = d.toObject();
        }
        QCOMPARE(found.value(u"phase"_s).toString(), u"finished"_s);
        QCOMPARE(found.value(u"outcome"_s).toObject().value(u"answer"_s).toString(), rec.outcome.answer);
        QCOMPARE(found.value(u"turns"_s).toArray().size(), rec.turns.size());
        QVERIFY(found.value(u"live"_s).toArray().isEmpty());
    }

    // A viewer that drops and comes back mid-debate gets a fresh, consistent
    // snapshot: no turn missing, none twice.
    void reconnectGetsAConsistentSnapshot()
    {
        server::MetricsService service;
        const QUrl url = start(service, options());
        Viewer steady;
        steady.open(wsUrl(url));
        QVERIFY(steady.waitType(u"snapshot"_s));
        debate::MemoryDebateStore store;
        debate::DebateEngine engine(m_pool.get(), &store);
        engine.setConcurrentTurns(true);
        rt::test::DebateRecorder rec(&engine);
        QVERIFY(engine.start(debateConfig(u"Rust or Go?"_s)));
        auto first = std::make_unique<Viewer>();
        first->open(wsUrl(url));
        QVERIFY(first->waitFor([&] { return first->ofType(u"turn_finished"_s).size() >= 1; }));
        first.reset(); // gone mid-debate
        QVERIFY(steady.waitFor([&] { return steady.ofType(u"turn_finished"_s).size() >= 3; }));
        Viewer again;
        again.open(wsUrl(url));
        QVERIFY(again.waitType(u"snapshot"_s));
        QVERIFY(rec.waitEnded());
        QVERIFY(again.waitType(u"finished"_s));
        QVERIFY(steady.waitType(u"finished"_s));
        QVERIFY2(again.sequenceProblem().isEmpty(), qPrintable(again.sequenceProblem()));
        QCOMPARE(describe(knownTurns(again, engine.debateId())), describe(knownTurns(steady, engine.debateId())));
        QCOMPARE(knownTurns(again, engine.debateId()).size(), rec.turns.size());
        // The live text in the snapshot plus the batches after it is the turn's text.
        const QJsonObject d = again.frames.at(1).json.value(u"debates"_s).toArray().last().toObject();
        QHash<int, QString> text = streamedText(again);
        for (const QJsonValue &l : d.value(u"live"_s).toArray()) {
            const int index = l.toObject().value(u"turn"_s).toObject().value(u"index"_s).toInt();
            text[index].prepend(l.toObject().value(u"text"_s).toString());
        }
        for (const debate::TurnRecord &t : std::as_const(rec.turns)) {
            if (text.contains(t.info.index) && !t.text.isEmpty())
                QCOMPARE(text.value(t.info.index), t.text);
        }
    }

    // Access: the token in the URL, as the first frame, or refused.
    void tokenIsRequired()
    {
        server::MetricsService service;
        server::ServerOptions o = options();
        o.viewerLimits.handshakeMs = 300;
        const QUrl url = start(service, o);
        const quint16 port = quint16(url.port());

        // Wrong token: closed with 1008 "invalid token" before any frame
        // (a browser can show the reason; an HTTP 401 would look like a
        // server that is down), and counted.
        RawClient wrong;
        QVERIFY(wrong.connectTo(port, u"/ws?token=ffffffffffffffffffffffffffffffff"_s));
        QCOMPARE(wrong.readStatus(), 101);
        QByteArray reason;
        QCOMPARE(wrong.readUntilClosed(5000, &reason), 1008);
        QCOMPARE(reason, QByteArray("invalid token"));
        QVERIFY(wrong.texts.isEmpty());
        QCOMPARE(metric(service, metrics::name::ViewerRefused, { u"token"_s }), 1.0);
        Viewer refused;
        refused.open(wsUrl(url, u"ffffffffffffffffffffffffffffffff"_s));
        QVERIFY(refused.waitClosed());
        QCOMPARE(refused.closeCode, 1008);
        QCOMPARE(refused.closeReason, u"invalid token"_s);
        QVERIFY(refused.frames.isEmpty());

        // No token: nothing is sent; closed with 1008 when none comes in time.
        Viewer silent;
        silent.open(wsUrl(url, QString()));
        QVERIFY(silent.waitConnected());
        QVERIFY(silent.waitClosed(5000));
        QCOMPARE(silent.closeCode, 1008);
        QCOMPARE(silent.closeReason, u"no token sent in time"_s);
        QVERIFY(silent.frames.isEmpty());

        // The token as the first frame.
        Viewer firstFrame;
        firstFrame.open(wsUrl(url, QString()));
        QVERIFY(firstFrame.waitConnected());
        firstFrame.socket.sendTextMessage(u"{\"v\":1,\"type\":\"auth\",\"token\":\"%1\"}"_s.arg(ViewerToken));
        QVERIFY(firstFrame.waitType(u"snapshot"_s));
        QCOMPARE(firstFrame.frames.first().type(), u"hello"_s);

        // A wrong token as the first frame: 1008 "invalid token", no frame.
        Viewer badFrame;
        badFrame.open(wsUrl(url, QString()));
        QVERIFY(badFrame.waitConnected());
        badFrame.socket.sendTextMessage(u"{\"v\":1,\"type\":\"auth\",\"token\":\"nope\"}"_s);
        QVERIFY(badFrame.waitClosed());
        QCOMPARE(badFrame.closeCode, 1008);
        QCOMPARE(badFrame.closeReason, u"invalid token"_s);
        QVERIFY(badFrame.frames.isEmpty());
    }

    // After ten wrong tokens an address waits; the right token is refused too meanwhile.
    void wrongTokensAreRateLimited()
    {
        server::MetricsService service;
        server::ServerOptions o = options();
        o.viewerLimits.badTokensPerMinute = 3;
        const QUrl url = start(service, o);
        for (int i = 0; i < 3; ++i) {
            RawClient c;
            QVERIFY(c.connectTo(quint16(url.port()), u"/ws?token=%1"_s.arg(i)));
            QCOMPARE(c.readStatus(), 101);
            QCOMPARE(c.readUntilClosed(5000), 1008);
        }
        RawClient blocked;
        QVERIFY(blocked.connectTo(quint16(url.port()), u"/ws?token="_s + ViewerToken));
        QCOMPARE(blocked.readStatus(), 429);
        QCOMPARE(metric(service, metrics::name::ViewerRefused, { u"rate"_s }), 1.0);
    }

    void connectionsAreRateLimitedPerAddress()
    {
        server::MetricsService service;
        server::ServerOptions o = options();
        o.viewerLimits.connectionsPerMinute = 4;
        o.viewerLimits.limitLoopback = true;
        const QUrl url = start(service, o);
        for (int i = 0; i < 4; ++i) {
            RawClient c;
            QVERIFY(c.connectTo(quint16(url.port()), u"/ws?token="_s + ViewerToken));
            QCOMPARE(c.readStatus(), 101);
        }
        RawClient fifth;
        QVERIFY(fifth.connectTo(quint16(url.port()), u"/ws?token="_s + ViewerToken));
        QCOMPARE(fifth.readStatus(), 429);
    }

    void originPathAndRoomAreChecked()
    {
        server::MetricsService service;
        server::ServerOptions o = options();
        o.viewerLimits.maxViewers = 2;
        const QUrl url = start(service, o);
        const quint16 port = quint16(url.port());
        const QString path = u"/ws?token="_s + ViewerToken;

        RawClient evil;
        QVERIFY(evil.connectTo(port, path, "Origin: http://evil.example\r\n"));
        QCOMPARE(evil.readStatus(), 403);
        RawClient otherPort;
        QVERIFY(otherPort.connectTo(port, path, "Origin: http://127.0.0.1:1\r\n"));
        QCOMPARE(otherPort.readStatus(), 403);
        // The page this server served may connect.
        Viewer page;
        page.open(wsUrl(url), "http://127.0.0.1:" + QByteArray::number(port));
        QVERIFY(page.waitType(u"snapshot"_s));
        QCOMPARE(metric(service, metrics::name::ViewerRefused, { u"origin"_s }), 2.0);

        RawClient wrongPath;
        QVERIFY(wrongPath.connectTo(port, u"/elsewhere?token="_s + ViewerToken));
        QCOMPARE(wrongPath.readStatus(), 404);

        // Room for two.
        Viewer second;
        second.open(wsUrl(url));
        QVERIFY(second.waitType(u"snapshot"_s));
        RawClient third;
        QVERIFY(third.connectTo(port, path));
        QCOMPARE(third.readStatus(), 503);
        QCOMPARE(metric(service, metrics::name::Viewers), 2.0);
        QCOMPARE(metric(service, metrics::name::ViewerRefused, { u"full"_s }), 1.0);

        // /ws without an upgrade is a clear 426.
        const rt::test::HttpReply plain = SimProcess::request(url, "GET", u"/ws"_s);
        QCOMPARE(plain.status, 426);
    }

    // Viewers are read-only: anything they send is refused, then too much closes.
    void commandsAreRefused()
    {
        server::MetricsService service;
        server::ServerOptions o = options();
        o.viewerLimits.commandsPerMinute = 3;
        const QUrl url = start(service, o);
        Viewer v;
        v.open(wsUrl(url));
        QVERIFY(v.waitType(u"snapshot"_s));
        v.socket.sendTextMessage(u"{\"v\":1,\"type\":\"stop\",\"debate_id\":1}"_s);
        QVERIFY(v.waitType(u"error"_s));
        const QJsonObject error = v.ofType(u"error"_s).first().json;
        QCOMPARE(error.value(u"code"_s).toString(), u"read_only"_s);
        QVERIFY(error.value(u"message"_s).toString().contains(u"read-only"_s));
        for (int i = 0; i < 3; ++i)
            v.socket.sendTextMessage(u"pause"_s);
        QVERIFY(v.waitClosed());
        QCOMPARE(v.closeCode, 1008);
        QCOMPARE(v.ofType(u"error"_s).size(), 3);
        QCOMPARE(metric(service, metrics::name::ViewerRefused, { u"command"_s }), 4.0);
    }

    void oversizeAndBinaryFramesClose()
    {
        server::MetricsService service;
        const QUrl url = start(service, options());
        Viewer big;
        big.open(wsUrl(url));
        QVERIFY(big.waitType(u"snapshot"_s));
        big.socket.sendTextMessage(QString(10000, u'x'));
        QVERIFY(big.waitClosed());
        QCOMPARE(big.closeCode, 1009);

        Viewer binary;
        binary.open(wsUrl(url));
        QVERIFY(binary.waitType(u"snapshot"_s));
        binary.socket.sendBinaryMessage("\x01\x02\x03");
        QVERIFY(binary.waitClosed());
        QCOMPARE(binary.closeCode, 1003);
        QCOMPARE(metric(service, metrics::name::ViewerDropped, { u"binary"_s }), 1.0);
    }

    // A viewer that stops reading is dropped once its queue passes the limit;
    // a fast viewer next to it receives every event.
    void slowViewerIsDroppedFastOneGetsEverything()
    {
        server::MetricsService service;
        server::ServerOptions o = options();
        o.viewerLimits.maxQueueBytes = 256 * 1024;
        const QUrl url = start(service, o);
        Viewer fast;
        fast.open(wsUrl(url));
        QVERIFY(fast.waitType(u"snapshot"_s));
        RawClient slow;
        QVERIFY(slow.connectTo(quint16(url.port()), u"/ws?token="_s + ViewerToken));
        QCOMPARE(slow.readStatus(), 101);
        slow.socket.setReadBufferSize(1024); // and never read again
        QVERIFY(fast.waitFor([&] { return metric(service, metrics::name::Viewers) == 2.0; }));

        server::LiveFeed &feed = *service.feed();
        feed.debateEvent(
            u"debate_started"_s, 900, { { u"debate"_s, QJsonObject { { u"debate_id"_s, 900 }, { u"question"_s, u"Flood?"_s } } } });
        feed.debateEvent(
            u"turn_started"_s, 900, { { u"turn"_s, QJsonObject { { u"debate_id"_s, 900 }, { u"seat"_s, 0 }, { u"index"_s, 0 } } } });
        // In step with the fast viewer (it reads on this thread): it never
        // falls behind, while the paused one's buffers fill up.
        const QString chunk(32 * 1024, u'a');
        int sent = 0;
        QElapsedTimer t;
        t.start();
        while (metric(service, metrics::name::ViewerDropped, { u"slow"_s }) < 1 && t.elapsed() < 120000) {
            feed.debateTokens(900, 0, 0, 1, chunk);
            feed.debateEvent(u"note"_s, 900, { { u"note"_s, QJsonObject { { u"text"_s, QString::number(++sent) } } } });
            QVERIFY(fast.waitFor([&] { return fast.ofType(u"note"_s).size() == sent; }, 20000));
        }
        QCOMPARE(metric(service, metrics::name::ViewerDropped, { u"slow"_s }), 1.0);
        QVERIFY(fast.waitFor([&] { return fast.ofType(u"note"_s).size() == sent; }, 60000));
        QVERIFY2(fast.sequenceProblem().isEmpty(), qPrintable(fast.sequenceProblem()));
        QVERIFY(!fast.closed);
        QCOMPARE(metric(service, metrics::name::Viewers), 1.0);
        qInfo("slow viewer dropped after %d events of 32 KiB", sent);
    }

    // A viewer that reads but never answers pings is dropped by the heartbeat;
    // a real WebSocket (which answers) stays.
    void silentViewerIsDroppedByTheHeartbeat()
    {
        server::MetricsService service;
        server::ServerOptions o = options();
        o.viewerLimits.heartbeatMs = 150;
        o.viewerLimits.heartbeatTimeoutMs = 300;
        const QUrl url = start(service, o);
        Viewer answering;
        answering.open(wsUrl(url));
        QVERIFY(answering.waitType(u"snapshot"_s));
        RawClient mute;
        QVERIFY(mute.connectTo(quint16(url.port()), u"/ws?token="_s + ViewerToken));
        QCOMPARE(mute.readStatus(), 101);
        QByteArray reason;
        QCOMPARE(mute.readUntilClosed(5000, &reason), 1013);
        QCOMPARE(reason, QByteArray("no answer to ping"));
        QVERIFY(mute.pings >= 1);
        QVERIFY(mute.texts.size() >= 2); // hello and snapshot arrived
        QTest::qWait(600); // several heartbeats
        QVERIFY(!answering.closed);
        QCOMPARE(metric(service, metrics::name::ViewerDropped, { u"heartbeat"_s }), 1.0);
    }

    // Shared chats: shown only when shared; text in the same batches.
    void sharedChatsStream()
    {
        server::MetricsService service;
        const QUrl url = start(service, options());
        server::LiveFeed &feed = *service.feed();
        feed.chatMessage(7, { { u"role"_s, u"user"_s }, { u"content"_s, u"not shared"_s } }); // ignored
        Viewer v;
        v.open(wsUrl(url));
        QVERIFY(v.waitType(u"snapshot"_s));
        QVERIFY(v.frames.at(1).json.value(u"chats"_s).toArray().isEmpty());
        feed.shareChat(
            7, u"Rust or Go?"_s, Model, QJsonArray { QJsonObject { { u"role"_s, u"user"_s }, { u"content"_s, u"Rust or Go?"_s } } });
        feed.chatReplyStarted(7, Model);
        feed.chatTokens(7, u"It "_s);
        feed.chatTokens(7, u"depends"_s);
        QVERIFY(v.waitType(u"tokens"_s));
        Viewer late;
        late.open(wsUrl(url));
        QVERIFY(late.waitType(u"snapshot"_s));
        const QJsonObject chat = late.frames.at(1).json.value(u"chats"_s).toArray().first().toObject();
        QCOMPARE(chat.value(u"title"_s).toString(), u"Rust or Go?"_s);
        QCOMPARE(chat.value(u"live"_s).toObject().value(u"text"_s).toString(), u"It depends"_s);
        feed.chatMessage(7, { { u"role"_s, u"assistant"_s }, { u"content"_s, u"It depends"_s }, { u"model"_s, Model } });
        feed.unshareChat(7);
        QVERIFY(v.waitType(u"chat_unshared"_s));
        QString text;
        for (const Viewer::Frame &f : v.ofType(u"tokens"_s)) {
            for (const QJsonValue &c : f.json.value(u"chats"_s).toArray())
                text += c.toObject().value(u"text"_s).toString();
        }
        QCOMPARE(text, u"It depends"_s);
        QCOMPARE(v.ofType(u"chat_message"_s).size(), 1);
        QVERIFY2(v.sequenceProblem().isEmpty(), qPrintable(v.sequenceProblem()));
        QVERIFY(!feed.isChatShared(7));
    }

    // Metrics events every interval, with the viewer count.
    void metricsArrivePeriodically()
    {
        server::MetricsService service;
        server::ServerOptions o = options();
        o.viewerLimits.metricsMs = 100;
        const QUrl url = start(service, o);
        Viewer v;
        v.open(wsUrl(url));
        QVERIFY(v.waitFor([&] { return v.ofType(u"metrics"_s).size() >= 2; }, 5000));
        const QJsonObject m = v.ofType(u"metrics"_s).last().json.value(u"metrics"_s).toObject();
        QCOMPARE(m.value(u"viewers"_s).toInt(), 1);
        QVERIFY(m.contains(u"status"_s));
        QVERIFY(m.contains(u"tokens_per_second"_s));
    }

    // The page: served from the program, with a strict policy and nothing from elsewhere.
    void viewerPageIsServed()
    {
        server::MetricsService service;
        const QUrl url = start(service, options());
        const rt::test::HttpReply page = SimProcess::request(url, "GET", u"/?token="_s + ViewerToken);
        QCOMPARE(page.status, 200);
        QVERIFY(page.header("content-type").startsWith("text/html"));
        QVERIFY(page.body.contains("viewer.js"));
        // Nothing is loaded from elsewhere (no CDN): no src or href to another server.
        static const QRegularExpression external(u"(src|href)\\s*=\\s*[\"']?(https?:)?//"_s);
        QVERIFY2(!external.match(QString::fromUtf8(page.body)).hasMatch(), page.body.constData());
        QVERIFY(page.header("content-security-policy").contains("default-src 'self'"));
        const rt::test::HttpReply js = SimProcess::request(url, "GET", u"/viewer.js"_s);
        QCOMPARE(js.status, 200);
        QVERIFY(js.header("content-type").startsWith("text/javascript"));
        QVERIFY(js.body.contains("WebSocket"));
        QCOMPARE(SimProcess::request(url, "GET", u"/viewer.css"_s).status, 200);
        QCOMPARE(SimProcess::request(url, "POST", u"/"_s).status, 405);
    }

    // Stopping the server tells viewers why.
    void stoppingClosesWithGoingAway()
    {
        server::MetricsService service;
        const QUrl url = start(service, options());
        Viewer v;
        v.open(wsUrl(url));
        QVERIFY(v.waitType(u"snapshot"_s));
        service.stopServer();
        QVERIFY(v.waitClosed());
        QCOMPARE(v.closeCode, 1001);
        QCOMPARE(v.closeReason, u"server stopping"_s);
    }

    // https and wss with a throwaway self-signed certificate.
    void tlsWithASelfSignedCertificate()
    {
        const QString openssl = QStandardPaths::findExecutable(u"openssl"_s);
        if (openssl.isEmpty())
            QFAIL("openssl is needed to make the test certificate: apt-get install openssl");
        QTemporaryDir dir;
        QProcess gen;
        gen.start(openssl,
            { u"req"_s, u"-x509"_s, u"-newkey"_s, u"rsa:2048"_s, u"-nodes"_s, u"-days"_s, u"1"_s, u"-subj"_s, u"/CN=127.0.0.1"_s,
                u"-keyout"_s, dir.filePath(u"key.pem"_s), u"-out"_s, dir.filePath(u"cert.pem"_s) });
        QVERIFY(gen.waitForFinished(60000));
        QCOMPARE(gen.exitCode(), 0);

        server::MetricsService service;
        server::ServerOptions o = options();
        o.certificateFile = dir.filePath(u"cert.pem"_s);
        o.keyFile = dir.filePath(u"missing.pem"_s);
        service.attach(m_pool.get(), nullptr, nullptr);
        const Result<QUrl> refused = rt::test::await(service.startServer(o));
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.contains(u"missing.pem"_s), qPrintable(refused.error().message));

        o.keyFile = dir.filePath(u"key.pem"_s);
        const QUrl url = start(service, o);
        QCOMPARE(url.scheme(), u"https"_s);
        QVERIFY(service.viewerUrl().toString().startsWith(u"https://"_s));
        // The certificate we made is the one trusted: verification stays on.
        const QList<QSslCertificate> ca = QSslCertificate::fromPath(dir.filePath(u"cert.pem"_s));
        QCOMPARE(ca.size(), 1);
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(ca);
        Viewer v;
        v.socket.setSslConfiguration(tls);
        v.open(wsUrl(url));
        QVERIFY(v.waitType(u"snapshot"_s));
        QCOMPARE(v.frames.first().type(), u"hello"_s);

        QNetworkAccessManager nam;
        QNetworkRequest request(QUrl(url.toString() + u"/"_s));
        request.setSslConfiguration(tls);
        QNetworkReply *reply = nam.get(request);
        QSignalSpy done(reply, &QNetworkReply::finished);
        QVERIFY(done.wait(10000));
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QVERIFY(reply->readAll().contains("viewer.js"));
        reply->deleteLater();
    }
};

QTEST_GUILESS_MAIN(TestRemoteViewers)
#include "tst_remoteviewers.moc"
