// PullTracker: /api/pull status lines -> phase, bytes, percent, speed, ETA.
#include "llm/pullprogress.h"

#include <QTest>

using namespace rt::llm;

namespace {
QJsonObject status(const QString &text)
{
    return { { QStringLiteral("status"), text } };
}
QJsonObject layer(const QString &digest, qint64 total, qint64 completed)
{
    return { { QStringLiteral("status"), QStringLiteral("pulling %1").arg(digest.left(12)) }, { QStringLiteral("digest"), digest },
        { QStringLiteral("total"), double(total) }, { QStringLiteral("completed"), double(completed) } };
}
const QString A = QStringLiteral("sha256:aaaaaaaaaaaaaaaa");
const QString B = QStringLiteral("sha256:bbbbbbbbbbbbbbbb");
} // namespace

class TestPullProgress final : public QObject {
    Q_OBJECT

private slots:
    void phasesBytesSpeedAndEta()
    {
        PullTracker t(QStringLiteral("m:1b"));
        t.start(0);
        QCOMPARE(t.progress().phase, PullProgress::Phase::Starting);
        QVERIFY(t.update(status(QStringLiteral("pulling manifest")), 10));
        QCOMPARE(t.progress().phase, PullProgress::Phase::Manifest);
        QCOMPARE(t.progress().percent(), -1);
        QCOMPARE(t.progress().etaSeconds, qint64(-1));

        QVERIFY(t.update(layer(A, 1000, 0), 10));
        QCOMPARE(t.progress().phase, PullProgress::Phase::Downloading);
        QCOMPARE(t.progress().percent(), 0);
        QVERIFY(t.update(layer(A, 1000, 500), 1000));
        QCOMPARE(t.progress().completedBytes, qint64(500));
        QCOMPARE(t.progress().percent(), 50);
        QCOMPARE(t.progress().bytesPerSecond, 500.0); // 500 bytes over one second
        QCOMPARE(t.progress().etaSeconds, qint64(1));

        // A second layer makes the total known so far larger.
        t.update(layer(B, 3000, 0), 1000);
        QCOMPARE(t.progress().totalBytes, qint64(4000));
        QCOMPARE(t.progress().percent(), 12);
        QCOMPARE(t.progress().layers.size(), 2);
        t.update(layer(B, 3000, 1500), 3000);
        QCOMPARE(t.progress().completedBytes, qint64(2000));
        QCOMPARE(t.progress().percent(), 50);
        // 2000 bytes since the start at t=0, over 3 s
        QVERIFY(qAbs(t.progress().bytesPerSecond - 2000.0 / 3.0) < 1.0);
        QCOMPARE(t.progress().etaSeconds, qint64(3)); // 2000 left at ~667 B/s

        // Completed never goes backwards, and never above the total.
        t.update(layer(A, 1000, 400), 3200);
        QCOMPARE(t.progress().layers.at(0).completed, qint64(500));

        t.update(layer(A, 1000, 1000), 3300);
        t.update(layer(B, 3000, 3000), 3400);
        QCOMPARE(t.progress().fraction(), 1.0);
        QCOMPARE(t.progress().percent(), 99); // 100% only with "success": more layers may follow
        QVERIFY(t.progress().layers.at(1).isComplete());
        t.update(status(QStringLiteral("verifying sha256 digest")), 3500);
        QCOMPARE(t.progress().phase, PullProgress::Phase::Verifying);
        QCOMPARE(t.progress().etaSeconds, qint64(-1));
        t.update(status(QStringLiteral("writing manifest")), 3600);
        QCOMPARE(t.progress().phase, PullProgress::Phase::Writing);
        t.update(status(QStringLiteral("success")), 3700);
        QVERIFY(t.progress().isDone());
        QCOMPARE(t.progress().fraction(), 1.0);
        QCOMPARE(t.progress().percent(), 100);
        QCOMPARE(t.progress().etaSeconds, qint64(0));
        QCOMPARE(t.progress().elapsedMs, qint64(3700));
    }

    void resumedBytesAreNotSpeed()
    {
        PullTracker t(QStringLiteral("m"));
        t.start(100);
        // A re-pull: 900 of 1000 bytes already on disk.
        t.update(layer(A, 1000, 900), 100);
        QCOMPARE(t.progress().percent(), 90);
        QCOMPARE(t.progress().bytesPerSecond, 0.0);
        QCOMPARE(t.progress().etaSeconds, qint64(-1));
        t.update(layer(A, 1000, 950), 1100);
        QCOMPARE(t.progress().bytesPerSecond, 50.0);
        QCOMPARE(t.progress().etaSeconds, qint64(1));
    }

    void speedUsesARecentWindow()
    {
        PullTracker t(QStringLiteral("m"));
        t.start(0);
        t.update(layer(A, 100'000'000, 0), 0);
        // Fast for 10 s, then slow: the speed follows the last seconds.
        qint64 done = 0;
        for (int s = 1; s <= 10; ++s)
            t.update(layer(A, 100'000'000, done += 1'000'000), s * 1000);
        QVERIFY(qAbs(t.progress().bytesPerSecond - 1'000'000.0) < 1.0);
        for (int s = 11; s <= 20; ++s)
            t.update(layer(A, 100'000'000, done += 100'000), s * 1000);
        QVERIFY2(qAbs(t.progress().bytesPerSecond - 100'000.0) < 1.0, qPrintable(QString::number(t.progress().bytesPerSecond)));
        // Nothing for a while: the speed drops to zero and the ETA is unknown.
        t.update({}, 26'000);
        QCOMPARE(t.progress().bytesPerSecond, 0.0);
        QCOMPARE(t.progress().etaSeconds, qint64(-1));
    }

    void texts()
    {
        QCOMPARE(formatDuration(42), QStringLiteral("42 s"));
        QCOMPARE(formatDuration(185), QStringLiteral("3 min 05 s"));
        QCOMPARE(formatDuration(3720), QStringLiteral("1 h 02 min"));
        PullProgress p;
        p.phase = PullProgress::Phase::Downloading;
        p.completedBytes = 500;
        p.totalBytes = 1000;
        p.bytesPerSecond = 250;
        p.etaSeconds = 2;
        QVERIFY2(p.summary().startsWith(QStringLiteral("Downloading 50% (")), qPrintable(p.summary()));
        QVERIFY2(p.summary().endsWith(QStringLiteral("/s, 2 s left)")), qPrintable(p.summary()));
        p.phase = PullProgress::Phase::Verifying;
        QCOMPARE(p.summary(), QStringLiteral("Verifying"));
        QCOMPARE(p.toJson().value(QStringLiteral("percent")).toInt(), 50);
    }
};

QTEST_GUILESS_MAIN(TestPullProgress)
#include "tst_pullprogress.moc"
