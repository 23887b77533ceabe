// Child process for tst_storage_crash: writes streamed replies in a loop
// through the real Storage path and reports each durable step on stdout:
//   ready <conv>      the database is open and the conversation exists
//   begun <id>        the partial row is committed
//   holding <id> <n>  (with HOLD) reply n is checkpointed and will not finish
//   done <id> <n>     the reply is finished (content = replyText(n))
// The test kills it with SIGKILL at chosen points of that output.
//   storage_crash_writer DBPATH [HOLD]
// With HOLD, reply number HOLD stops after its last checkpoint, so a kill
// is sure to land mid-stream.
#include "storage/storage.h"

#include <QCoreApplication>
#include <QThread>
#include <cstdio>

using namespace rt::storage;

static QString replyText(int n)
{
    return QStringLiteral("reply %1 ").arg(n) + QString(n % 40 * 50, u'x');
}

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: storage_crash_writer DBPATH [HOLD]\n");
        return 2;
    }
    const int hold = argc > 2 ? QByteArray(argv[2]).toInt() : -1;
    Storage storage;
    OpenOptions options;
    options.recover = false; // the test checks recovery itself
    auto location = parseDatabaseLocation(QString::fromLocal8Bit(argv[1]));
    auto opened = storage.open(*location, options);
    opened.waitForFinished();
    if (!opened.result().ok()) {
        std::fprintf(stderr, "%s\n", qPrintable(opened.result().error().message));
        return 1;
    }
    Conversation conversation;
    conversation.title = QStringLiteral("crash test");
    const qint64 conv = storage.startConversation(conversation).result().value();
    std::printf("ready %lld\n", conv);
    std::fflush(stdout);
    for (int n = 0;; ++n) {
        Message user;
        user.conversationId = conv;
        user.content = QStringLiteral("question %1").arg(n);
        storage.appendMessage(user);
        auto begun = storage.beginAssistantMessage(conv, QStringLiteral("crash-model")).result();
        if (!begun.ok())
            return 1;
        std::printf("begun %lld\n", *begun);
        std::fflush(stdout);
        const QString text = replyText(n);
        QFuture<rt::Status> checkpoint;
        for (int part = 1; part <= 3; ++part)
            checkpoint = storage.checkpointMessage(*begun, text.left(text.size() * part / 4));
        if (n == hold) {
            if (!checkpoint.result().ok())
                return 1;
            std::printf("holding %lld %d\n", *begun, n);
            std::fflush(stdout);
            for (;;)
                QThread::sleep(60); // until killed
        }
        Completion done;
        done.content = text;
        done.metrics.evalCount = n;
        if (!storage.finishMessage(*begun, done).result().ok())
            return 1;
        std::printf("done %lld %d\n", *begun, n);
        std::fflush(stdout);
    }
}
