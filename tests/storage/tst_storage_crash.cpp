// Crash safety: a child process writes streamed replies in a loop and is
// killed with SIGKILL at random moments (25 times). After each kill the
// database passes integrity_check, every reply the child reported as done is
// there in full, and the one in flight is marked interrupted by recovery.
#include "tempdatabase.h"
#include "testpaths.h"

#include "storage/storagecontext.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QtTest/QTest>

using namespace rt::storage;

class TstStorageCrash final : public QObject
{
    Q_OBJECT

private slots:
    void killedWriterLosesNothing();
};

namespace {
QString writerPath()
{
    return QStringLiteral(RT_CRASH_WRITER_PATH);
}

QString replyText(int n)
{
    return QStringLiteral("reply %1 ").arg(n) + QString(n % 40 * 50, u'x');
}
} // namespace

void TstStorageCrash::killedWriterLosesNothing()
{
    rt::test::TempDatabase tmp;
    QVERIFY(tmp.open().ok()); // create the schema once
    QRandomGenerator random(20240501);
    constexpr int Kills = 25;
    int totalDone = 0;
    int totalInterrupted = 0;
    for (int round = 0; round < Kills; ++round) {
        QProcess child;
        child.setProcessChannelMode(QProcess::SeparateChannels);
        child.start(writerPath(), {tmp.sqlitePath()});
        QVERIFY2(child.waitForStarted(10000), qPrintable(child.errorString()));
        // Let it write for a random while (some rounds kill it right away).
        const int waitMs = round % 5 == 0 ? int(random.bounded(5, 40)) : int(random.bounded(40, 400));
        QTest::qWait(waitMs);
        child.kill(); // SIGKILL
        QVERIFY(child.waitForFinished(10000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);

        const QList<QByteArray> lines = child.readAllStandardOutput().split('\n');
        QHash<qint64, int> done; // id -> n
        qint64 lastBegun = 0;
        for (const QByteArray &line : lines) {
            const QList<QByteArray> parts = line.split(' ');
            if (parts.size() == 3 && parts.at(0) == "done")
                done.insert(parts.at(1).toLongLong(), parts.at(2).toInt());
            else if (parts.size() == 2 && parts.at(0) == "begun")
                lastBegun = parts.at(1).toLongLong();
        }

        auto opened = tmp.open();
        QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
        StorageContext c(*opened.value());
        auto problems = c.maintenance().integrityCheck();
        QVERIFY2(problems.ok(), qPrintable(problems.ok() ? QString() : problems.error().message));
        QVERIFY2(problems->isEmpty(), qPrintable(problems->join(u'\n')));

        for (auto it = done.cbegin(); it != done.cend(); ++it) {
            auto m = c.messages().get(it.key());
            QVERIFY2(m.ok(), qPrintable(QStringLiteral("reported message %1 is missing").arg(it.key())));
            RT_COMPARE_ENUM(m->status, MessageStatus::Complete);
            QCOMPARE(m->content, replyText(it.value()));
            QCOMPARE(m->metrics.evalCount, std::optional<qint64>(it.value()));
        }
        // At most the one in flight is left partial; recovery marks it.
        auto partial = opened.value()->query(QStringLiteral("SELECT id FROM messages WHERE status = 'partial'"));
        QList<qint64> partialIds;
        while (partial->next())
            partialIds.append(partial->integer(0));
        partial = rt::Result<Query>(Query());
        QVERIFY2(partialIds.size() <= 1, "more than one reply was left in flight");
        if (!partialIds.isEmpty())
            QVERIFY2(partialIds.first() >= lastBegun, "an older reply was left partial");
        auto counts = c.maintenance().markInterrupted();
        QVERIFY(counts.ok());
        QCOMPARE(counts->messages, int(partialIds.size()));
        if (lastBegun != 0 && !done.contains(lastBegun)) {
            // Reported as begun but not as done: it was killed mid-stream (or
            // right after finishing, before it could say so).
            auto inFlight = c.messages().get(lastBegun);
            QVERIFY2(inFlight.ok(), "the reply in flight was lost");
            QVERIFY2(inFlight->status == MessageStatus::Interrupted || inFlight->status == MessageStatus::Complete,
                     qPrintable(toString(inFlight->status)));
            if (inFlight->status == MessageStatus::Interrupted)
                ++totalInterrupted;
        }
        totalDone += int(done.size());
    }
    qInfo("%d kills, %d replies reported done and found intact, %d in-flight replies marked interrupted", Kills, totalDone, totalInterrupted);
    QVERIFY(totalDone > 0);
    QVERIFY(totalInterrupted > 0);
}

QTEST_GUILESS_MAIN(TstStorageCrash)
#include "tst_storage_crash.moc"
