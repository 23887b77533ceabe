// `roundtable chat` stores the exchange: a new conversation per chat, or
// --conversation ID to continue one; --no-save stores nothing; a reply killed
// mid-stream keeps the text checkpointed every 2 s. The app runs with its own
// HOME and XDG folders and talks only to simulators.
#include "appprocess.h"
#include "simprocess.h"
#include "storage/storagecontext.h"
#include "tempdatabase.h"
#include "testpaths.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest/QTest>

using namespace rt::storage;
using namespace Qt::StringLiterals;

class TstCliChatHistory final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY2(m_sim.start({ QStringLiteral("--tokens"), QStringLiteral("25") }), qPrintable(m_sim.errorString())); }
    void storesAndContinues();
    void noSaveAndBadIds();
    void killedMidStreamKeepsCheckpointedText();

private:
    using Run = rt::test::AppRun;
    Run chat(const QStringList &arguments, const QUrl &host);
    rt::test::SimProcess m_sim;
    rt::test::AppEnvironment m_app;
};

TstCliChatHistory::Run TstCliChatHistory::chat(const QStringList &arguments, const QUrl &host)
{
    return m_app.run(QStringList { QStringLiteral("chat"), QStringLiteral("--ollama-host"), host.toString() } + arguments);
}

void TstCliChatHistory::storesAndContinues()
{
    rt::test::TempDatabase tmp;
    Run r = chat({ QStringLiteral("--db"), tmp.dbArgument(), QStringLiteral("--model"), QStringLiteral("llama3.2:1b"),
                     QStringLiteral("--system"), QStringLiteral("Be brief."), QStringLiteral("--json"), QStringLiteral("Hello there") },
        m_sim.url());
    QCOMPARE(r.code, 0);
    const QJsonObject first = QJsonDocument::fromJson(r.out.toUtf8()).object();
    const qint64 conv = first.value(u"conversation_id").toInteger();
    QVERIFY2(conv > 0, qPrintable(r.out + r.err));

    // Plain streaming output stays as it was: nothing extra on stderr.
    r = chat(
        { QStringLiteral("--db"), tmp.dbArgument(), QStringLiteral("--conversation"), QString::number(conv), QStringLiteral("And again?") },
        m_sim.url());
    QCOMPARE(r.code, 0);
    QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
    QVERIFY(!r.out.isEmpty());

    auto db = tmp.open();
    QVERIFY(db.ok());
    StorageContext c(*db.value());
    QCOMPARE(*c.conversations().count(), 1);
    auto conversation = c.conversations().get(conv);
    QCOMPARE(conversation->title, QStringLiteral("Hello there"));
    QCOMPARE(conversation->model, QStringLiteral("llama3.2:1b"));
    QCOMPARE(conversation->systemPrompt, QStringLiteral("Be brief."));
    auto messages = c.messages().all(conv);
    QCOMPARE(messages->size(), 5); // system, user, assistant, user, assistant
    RT_COMPARE_ENUM(messages->at(0).role, MessageRole::System);
    QCOMPARE(messages->at(1).content, QStringLiteral("Hello there"));
    const Message &reply = messages->at(2);
    RT_COMPARE_ENUM(reply.role, MessageRole::Assistant);
    RT_COMPARE_ENUM(reply.status, MessageStatus::Complete);
    QCOMPARE(reply.id, first.value(u"message_id").toInteger());
    QCOMPARE(reply.content, first.value(u"content").toString());
    QCOMPARE(reply.model, QStringLiteral("llama3.2:1b"));
    QCOMPARE(reply.metrics.evalCount, std::optional<qint64>(25));
    QVERIFY(reply.metrics.ttftMs.has_value());
    QCOMPARE(messages->at(3).content, QStringLiteral("And again?"));
    QCOMPARE(messages->at(4).content, r.out.trimmed());
    RT_COMPARE_ENUM(messages->at(4).status, MessageStatus::Complete);
}

void TstCliChatHistory::noSaveAndBadIds()
{
    rt::test::TempDatabase tmp;
    QVERIFY(tmp.open().ok());
    Run r = chat({ QStringLiteral("--db"), tmp.dbArgument(), QStringLiteral("--no-save"), QStringLiteral("--model"),
                     QStringLiteral("llama3.2:1b"), QStringLiteral("not stored") },
        m_sim.url());
    QCOMPARE(r.code, 0);
    {
        auto db = tmp.open();
        StorageContext c(*db.value());
        QCOMPARE(*c.conversations().count(), 0);
    }
    r = chat({ QStringLiteral("--db"), tmp.dbArgument(), QStringLiteral("--conversation"), QStringLiteral("999"), QStringLiteral("hi") },
        m_sim.url());
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(u"no conversation with id 999"), qPrintable(r.err));
    r = chat({ QStringLiteral("--db"), tmp.dbArgument(), QStringLiteral("--conversation"), QStringLiteral("x"), QStringLiteral("hi") },
        m_sim.url());
    QCOMPARE(r.code, 2);
    r = chat({ QStringLiteral("--db"), tmp.dbArgument(), QStringLiteral("--conversation"), QStringLiteral("1"), QStringLiteral("--no-save"),
                 QStringLiteral("hi") },
        m_sim.url());
    QCOMPARE(r.code, 2);
}

void TstCliChatHistory::killedMidStreamKeepsCheckpointedText()
{
    rt::test::SimProcess slow;
    QVERIFY2(slow.start({ QStringLiteral("--tokens"), QStringLiteral("200"), QStringLiteral("--tps"), QStringLiteral("20") }),
        qPrintable(slow.errorString()));
    rt::test::TempDatabase tmp;
    QProcess p;
    QString printed;
    connect(&p, &QProcess::readyReadStandardOutput, this, [&] { printed += QString::fromUtf8(p.readAllStandardOutput()); });
    m_app.start(p,
        { QStringLiteral("chat"), QStringLiteral("--ollama-host"), slow.url().toString(), QStringLiteral("--db"), tmp.dbArgument(),
            QStringLiteral("--model"), QStringLiteral("llama3.2:1b"), QStringLiteral("long answer please") });
    QVERIFY(p.waitForStarted());

    // The reply takes 10 s. Wait until the stored reply has been checkpointed
    // twice (its text grew between two reads), then kill the app mid-stream.
    rt::storage::OpenOptions readOnly = rt::test::TempDatabase::noRecovery();
    readOnly.migrate = false; // the app creates the database; until then there is nothing to read
    readOnly.connection.readOnly = true;
    auto stored = [&]() -> Message {
        auto db = tmp.open(readOnly);
        if (!db.ok())
            return {};
        StorageContext c(*db.value());
        auto messages = c.messages().all(1);
        return messages.ok() && messages->size() == 2 ? messages->at(1) : Message {};
    };
    QTRY_VERIFY_WITH_TIMEOUT(stored().content.size() > 20, 8000);
    const QString firstCheckpoint = stored().content;
    QTRY_VERIFY_WITH_TIMEOUT(stored().content.size() > firstCheckpoint.size(), 8000);
    QCOMPARE(p.state(), QProcess::Running); // still streaming: the kill cuts the reply
    QTRY_VERIFY_WITH_TIMEOUT(!printed.isEmpty(), 5000); // streamed text reaches a pipe promptly
    p.kill();
    QVERIFY(p.waitForFinished());
    printed += QString::fromUtf8(p.readAllStandardOutput());

    auto db = tmp.open();
    QVERIFY(db.ok());
    StorageContext c(*db.value());
    auto messages = c.messages().all(1);
    QVERIFY(messages.ok());
    QCOMPARE(messages->size(), 2);
    QCOMPARE(messages->at(0).content, QStringLiteral("long answer please"));
    const Message &reply = messages->at(1);
    RT_COMPARE_ENUM(reply.status, MessageStatus::Partial);
    QVERIFY2(reply.content.size() > firstCheckpoint.size(), qPrintable(reply.content));
    QVERIFY(reply.content.startsWith(firstCheckpoint));
    // What was printed and what was stored are the same text, cut at
    // different points: neither is empty and the shorter starts the longer.
    QVERIFY2(!printed.isEmpty(), "nothing reached stdout before the kill");
    const QString &shorter = printed.size() < reply.content.size() ? printed : reply.content;
    const QString &longer = printed.size() < reply.content.size() ? reply.content : printed;
    QVERIFY2(longer.startsWith(shorter), qPrintable(u"printed: "_s + printed + u"\nstored: "_s + reply.content));
    QCOMPARE(c.maintenance().markInterrupted()->messages, 1);
    RT_COMPARE_ENUM(c.messages().get(reply.id)->status, MessageStatus::Interrupted);
}

QTEST_GUILESS_MAIN(TstCliChatHistory)
#include "tst_cli_chat_history.moc"
