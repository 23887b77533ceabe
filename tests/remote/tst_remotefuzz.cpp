// Fuzz of the viewer side of the local server: more than 10,000 malformed,
// oversized, binary, fragmented and out-of-order frames, broken handshakes
// and connect/disconnect storms from hand-written clients, while a bystander
// viewer watches a stream of events. The server must stay up, the bystander
// must lose nothing, and the sanitizer build must report nothing.
#include "awaitfuture.h"
#include "metrics/metricnames.h"
#include "metrics/metricsregistry.h"
#include "server/livefeed.h"
#include "server/metricsservice.h"
#include "viewerclient.h"

#include <QRandomGenerator>
#include <QTimer>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;
using namespace rt;
using rt::test::RawClient;
using rt::test::Viewer;
using rt::test::wsFrame;

namespace {
const QString ViewerToken = u"ffeeddccbbaa99887766554433221100"_s;

// One frame a viewer should never send (or a legal one in a bad place).
QByteArray badFrame(QRandomGenerator &rng)
{
    const auto bytes = [&rng](int n) {
        QByteArray b(n, Qt::Uninitialized);
        for (char &c : b)
            c = char(rng.bounded(256));
        return b;
    };
    switch (rng.bounded(16)) {
    case 0:
        return bytes(1 + rng.bounded(64)); // noise
    case 1:
        return wsFrame(0x1, "{\"v\":1,\"type\":\"stop\"}", true, false); // unmasked
    case 2:
        return wsFrame(0x1, QByteArray("\xff\xfe\xc3\x28 not utf-8", 14)); // invalid UTF-8
    case 3:
        return wsFrame(0x1, {}, true, true, qint64(1) << 40); // claims a terabyte
    case 4:
        return wsFrame(0x0, "continuation without a start"); // out of order
    case 5:
        return wsFrame(0x1, "first half ", false) + wsFrame(0x9, "ping in between") + wsFrame(0x0, "second half"); // fragmented
    case 6:
        return wsFrame(0x9, QByteArray(200, 'p')); // control frame over 125 bytes
    case 7:
        return wsFrame(0x3 + rng.bounded(5), bytes(8)); // reserved data opcode
    case 8:
        return wsFrame(0xB + rng.bounded(5), bytes(4)); // reserved control opcode
    case 9: {
        QByteArray f = wsFrame(0x1, "rsv bits");
        f[0] = char(f[0] | 0x70);
        return f;
    }
    case 10:
        return wsFrame(0x8, QByteArray("\x03\xe7", 2) + "bad close code 999");
    case 11:
        return wsFrame(0x2, bytes(16)); // binary
    case 12:
        return wsFrame(0x1, QByteArray(5000, 'x')); // over the 4 KiB limit
    case 13:
        return wsFrame(0x1, "{\"v\":1,\"type\":\"interject\",\"text\":\"hi\"}"); // a command
    case 14:
        return wsFrame(0x1, "first", false) + wsFrame(0x1, "a new message before the first ended");
    default:
        return wsFrame(0x1, bytes(40)).left(5 + rng.bounded(20)); // a frame cut short
    }
}

// The request line and headers of a broken or odd handshake.
QByteArray badHandshake(QRandomGenerator &rng, quint16 port)
{
    const QByteArray host = "Host: 127.0.0.1:" + QByteArray::number(port) + "\r\n";
    switch (rng.bounded(6)) {
    case 0:
        return "GET /ws?token=" + ViewerToken.toLatin1() + " HTTP/1.1\r\n" + host; // never finished
    case 1:
        return "GET /ws HTTP/1.1\r\n" + host + "Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n"; // no key
    case 2:
        return "BREW /ws HTTP/1.1\r\n\r\n";
    case 3:
        return QByteArray(3000, 'A') + "\r\n\r\n";
    case 4:
        return "GET /ws?token=" + ViewerToken.toLatin1() + " HTTP/1.1\r\n" + host
            + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: x\r\nSec-WebSocket-Version: 99\r\n\r\n";
    default:
        return "GET /ws?token=wrong HTTP/1.1\r\n" + host
            + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: "
              "13\r\n\r\n";
    }
}
} // namespace

class TestRemoteFuzz final : public QObject {
    Q_OBJECT

private slots:
    void serverSurvivesAndBystanderLosesNothing()
    {
        server::MetricsService service;
        server::ServerOptions o;
        o.token = u"metrics-token-0123456789"_s;
        o.viewerToken = ViewerToken;
        o.viewerLimits.metricsMs = 0;
        o.viewerLimits.handshakeMs = 300;
        o.viewerLimits.badTokensPerMinute = 1000000; // the storm would lock loopback out otherwise
        o.viewerLimits.maxViewers = 5000;
        const Result<QUrl> started = rt::test::await(service.startServer(o));
        QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().message));
        const QUrl url = started.value();
        const quint16 port = quint16(url.port());

        Viewer bystander;
        QUrl ws = url;
        ws.setScheme(u"ws"_s);
        ws.setPath(u"/ws"_s);
        ws.setQuery(u"token="_s + ViewerToken);
        bystander.open(ws);
        QVERIFY(bystander.waitType(u"snapshot"_s));

        // A steady stream of events while the fuzz runs.
        server::LiveFeed &feed = *service.feed();
        feed.debateEvent(u"debate_started"_s, 1, { { u"debate"_s, QJsonObject { { u"debate_id"_s, 1 }, { u"question"_s, u"Fuzz?"_s } } } });
        feed.debateEvent(
            u"turn_started"_s, 1, { { u"turn"_s, QJsonObject { { u"debate_id"_s, 1 }, { u"seat"_s, 0 }, { u"index"_s, 0 } } } });
        int published = 0;
        QString streamed;
        const auto publish = [&] {
            const QString piece = u"word%1 "_s.arg(published);
            streamed += piece;
            feed.debateTokens(1, 0, 0, 1, piece);
            feed.debateEvent(u"note"_s, 1, { { u"note"_s, QJsonObject { { u"text"_s, QString::number(++published) } } } });
        };
        QTimer producer;
        connect(&producer, &QTimer::timeout, this, publish);
        producer.start(5);

        QRandomGenerator rng(20261206);
        int frames = 0;
        int connections = 0;
        const QByteArray goodPath = "/ws?token=" + ViewerToken.toLatin1();
        while (frames < 10000) {
            std::vector<std::unique_ptr<RawClient>> batch;
            for (int i = 0; i < 40; ++i) {
                auto c = std::make_unique<RawClient>();
                ++connections;
                const int kind = rng.bounded(10);
                if (kind == 0) {
                    // Storm: connect and vanish.
                    c->socket.connectToHost(QHostAddress::LocalHost, port);
                    c->socket.abort();
                    continue;
                }
                if (kind == 1) {
                    c->socket.connectToHost(QHostAddress::LocalHost, port);
                    if (c->socket.waitForConnected(2000))
                        c->socket.write(badHandshake(rng, port));
                    batch.push_back(std::move(c));
                    continue;
                }
                // A proper handshake (token in the URL, or none and maybe an
                // auth frame), then a burst of bad frames.
                const bool tokenInUrl = kind != 2;
                if (!c->connectTo(port, tokenInUrl ? QString::fromLatin1(goodPath) : u"/ws"_s))
                    continue;
                QByteArray burst;
                if (!tokenInUrl && rng.bounded(2))
                    burst += wsFrame(0x1, "{\"v\":1,\"type\":\"auth\",\"token\":\"" + ViewerToken.toLatin1() + "\"}");
                const int n = 20 + rng.bounded(60);
                for (int k = 0; k < n; ++k)
                    burst += badFrame(rng);
                frames += n;
                c->socket.write(burst);
                batch.push_back(std::move(c));
            }
            for (int k = 0; k < 5; ++k)
                publish();
            // Half leave politely, half drop; then let the server catch up.
            for (std::size_t i = 0; i < batch.size(); ++i) {
                if (i % 2)
                    batch[i]->socket.disconnectFromHost();
                else {
                    batch[i]->socket.flush();
                    QTest::qWait(1);
                    batch[i]->socket.abort();
                }
            }
            QTest::qWait(20);
        }
        producer.stop();
        qInfo("%d bad frames over %d connections; %d events published", frames, connections, published);

        // The bystander got every event, in order, and the text as streamed.
        QVERIFY(bystander.waitFor([&] { return bystander.ofType(u"note"_s).size() == published; }, 30000));
        QVERIFY2(bystander.sequenceProblem().isEmpty(), qPrintable(bystander.sequenceProblem()));
        QVERIFY(!bystander.closed);
        QString text;
        for (const Viewer::Frame &f : bystander.ofType(u"tokens"_s)) {
            for (const QJsonValue &d : f.json.value(u"deltas"_s).toArray())
                text += d.toObject().value(u"text"_s).toString();
        }
        QCOMPARE(text, streamed);

        // The fuzzers are gone, and the server still takes new viewers.
        QVERIFY(bystander.waitFor([&] { return service.registry()->value(metrics::name::Viewers) == 1.0; }, 15000));
        Viewer after;
        after.open(ws);
        QVERIFY(after.waitType(u"snapshot"_s));
        QVERIFY(service.registry()->value(metrics::name::ViewerDropped, { u"too_big"_s })
                + service.registry()->value(metrics::name::ViewerDropped, { u"protocol"_s })
                + service.registry()->value(metrics::name::ViewerDropped, { u"binary"_s })
            > 0);
    }
};

QTEST_GUILESS_MAIN(TestRemoteFuzz)
#include "tst_remotefuzz.moc"
