// Crash safety: a child process writes streamed replies in a loop and is
// killed with SIGKILL (25 times) at points chosen from its own output: at
// once (while it opens the database), after a random number of steps, or
// while a reply is held mid-stream. After each kill the database passes
// integrity_check, every reply the child reported as done is there in full,
// and the one in flight is marked interrupted by recovery.
#include "storage/storagecontext.h"
#include "tempdatabase.h"
#include "testpaths.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QtTest/QTest>
#include <functional>

using namespace rt::storage;

class TstStorageCrash final : public QObject {
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
    int heldRounds = 0;
    for (int round = 0; round < Kills; ++round) {
        // Every fifth round holds a reply mid-stream; one in ten is killed at
        // once; the rest after a random number of reported steps.
        const bool hold = round % 5 == 2;
        const int holdAt = int(random.bounded(0, 4));
        const int steps = round % 10 == 0 ? 0 : int(random.bounded(1, 12));
        QProcess child;
        child.setProcessChannelMode(QProcess::SeparateChannels);
        child.start(writerPath(), hold ? QStringList { tmp.sqlitePath(), QString::number(holdAt) } : QStringList { tmp.sqlitePath() });
        QVERIFY2(child.waitForStarted(10000), qPrintable(child.errorString()));
        QByteArray output;
        auto waitForOutput = [&](const std::function<bool()> &reached) {
            while (!reached()) {
                if (!child.waitForReadyRead(30000))
                    return false;
                output += child.readAllStandardOutput();
            }
            return true;
        };
        if (hold) {
            QVERIFY2(waitForOutput([&] { return output.contains("holding "); }),
                qPrintable(QString::fromUtf8(output + child.readAllStandardError())));
            ++heldRounds;
        } else if (steps > 0) {
            QVERIFY2(waitForOutput([&] { return output.count('\n') >= steps; }),
                qPrintable(QString::fromUtf8(output + child.readAllStandardError())));
        }
        child.kill(); // SIGKILL
        QVERIFY(child.waitForFinished(10000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);
        output += child.readAllStandardOutput();

        const QList<QByteArray> lines = output.split('\n');
        QHash<qint64, int> done; // id -> n
        qint64 lastBegun = 0;
        qint64 held = 0;
        int heldN = -1;
        for (const QByteArray &line : lines) {
            const QList<QByteArray> parts = line.split(' ');
            if (parts.size() == 3 && parts.at(0) == "done")
                done.insert(parts.at(1).toLongLong(), parts.at(2).toInt());
            else if (parts.size() == 2 && parts.at(0) == "begun")
                lastBegun = parts.at(1).toLongLong();
            else if (parts.size() == 3 && parts.at(0) == "holding") {
                held = parts.at(1).toLongLong();
                heldN = parts.at(2).toInt();
            }
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
        if (held != 0) {
            // Killed while held after its checkpoints: the checkpointed text survives.
            QCOMPARE(held, lastBegun);
            auto inFlight = c.messages().get(held);
            QVERIFY2(inFlight.ok(), "the held reply was lost");
            RT_COMPARE_ENUM(inFlight->status, MessageStatus::Interrupted);
            const QString text = replyText(heldN);
            QCOMPARE(inFlight->content, text.left(text.size() * 3 / 4));
        }
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
    qInfo("%d kills, %d replies reported done and found intact, %d in-flight replies marked interrupted (%d held mid-stream)", Kills,
        totalDone, totalInterrupted, heldRounds);
    QVERIFY(totalDone > 0);
    QCOMPARE(heldRounds, 5);
    QVERIFY(totalInterrupted >= heldRounds);
}

QTEST_GUILESS_MAIN(TstStorageCrash)
#include "tst_storage_crash.moc"
