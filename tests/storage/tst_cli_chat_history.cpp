// `roundtable chat` stores the exchange: a new conversation per chat, or
// --conversation ID to continue one; --no-save stores nothing; a reply killed
// mid-stream keeps the text checkpointed every 2 s.
#include "simprocess.h"
#include "tempdatabase.h"
#include "testpaths.h"

#include "storage/storagecontext.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest/QTest>

#include <csignal>

using namespace rt::storage;

class TstCliChatHistory final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY2(m_sim.start({QStringLiteral("--tokens"), QStringLiteral("25")}), qPrintable(m_sim.errorString())); }
    void storesAndContinues();
    void noSaveAndBadIds();
    void killedMidStreamKeepsCheckpointedText();

private:
    struct Run
    {
        int code = -1;
        QString out;
        QString err;
    };
    Run chat(const QStringList &arguments, const QUrl &host);
    rt::test::SimProcess m_sim;
};

TstCliChatHistory::Run TstCliChatHistory::chat(const QStringList &arguments, const QUrl &host)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("ROUNDTABLE_DB"));
    env.remove(QStringLiteral("OLLAMA_HOST"));
    p.setProcessEnvironment(env);
    p.start(rt::test::appPath(), QStringList{QStringLiteral("chat"), QStringLiteral("--ollama-host"), host.toString()} + arguments);
    Run r;
    if (!p.waitForFinished(60000))
        return r;
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

void TstCliChatHistory::storesAndContinues()
{
    rt::test::TempDatabase tmp;
    Run r = chat({QStringLiteral("--db"), tmp.dbArgument(), QStringLiteral("--model"), QStringLiteral("llama3.2:1b"), QStringLiteral("--system"),
                  QStringLiteral("Be brief."), QStringLiteral("--json"), QStringLiteral("Hello there")},
                 m_sim.url());
    QCOMPARE(r.code, 0);
    const QJsonObject first = QJsonDocument::fromJson(r.out.toUtf8()).object();
    const qint64 conv = first.value(u"conversation_id").toInteger();
    QVERIFY2(conv > 0, qPrintable(r.out + r.err));

    // Plain streaming output stays as it was: nothing extra on stderr.
    r = chat({QStringLiteral("--db"), tmp.dbArgument(), QStringLiteral("--conversation"), QString::number(conv), QStringLiteral("And again?")}, m_sim.url());
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
    Run r = chat({QStringLiteral("--db"), tmp.dbArgument(), QStringLiteral("--no-save"), QStringLiteral("--model"), QStringLiteral("llama3.2:1b"),
                  QStringLiteral("not stored")},
                 m_sim.url());
    QCOMPARE(r.code, 0);
    {
        auto db = tmp.open();
        StorageContext c(*db.value());
        QCOMPARE(*c.conversations().count(), 0);
    }
    r = chat({QStringLiteral("--db"), tmp.dbArgument(), QStringLiteral("--conversation"), QStringLiteral("999"), QStringLiteral("hi")}, m_sim.url());
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(u"no conversation with id 999"), qPrintable(r.err));
    r = chat({QStringLiteral("--db"), tmp.dbArgument(), QStringLiteral("--conversation"), QStringLiteral("x"), QStringLiteral("hi")}, m_sim.url());
    QCOMPARE(r.code, 2);
    r = chat({QStringLiteral("--db"), tmp.dbArgument(), QStringLiteral("--conversation"), QStringLiteral("1"), QStringLiteral("--no-save"), QStringLiteral("hi")},
             m_sim.url());
    QCOMPARE(r.code, 2);
}

void TstCliChatHistory::killedMidStreamKeepsCheckpointedText()
{
    rt::test::SimProcess slow;
    QVERIFY2(slow.start({QStringLiteral("--tokens"), QStringLiteral("200"), QStringLiteral("--tps"), QStringLiteral("20")}), qPrintable(slow.errorString()));
    rt::test::TempDatabase tmp;
    QProcess p;
    p.start(rt::test::appPath(), {QStringLiteral("chat"), QStringLiteral("--ollama-host"), slow.url().toString(), QStringLiteral("--db"), tmp.dbArgument(),
                                  QStringLiteral("--model"), QStringLiteral("llama3.2:1b"), QStringLiteral("long answer please")});
    QVERIFY(p.waitForStarted());
    QTest::qWait(5000); // two checkpoints at least, well before the 10 s reply ends
    p.kill();
    QVERIFY(p.waitForFinished());
    const QString printed = QString::fromUtf8(p.readAllStandardOutput());

    auto db = tmp.open();
    QVERIFY(db.ok());
    StorageContext c(*db.value());
    auto messages = c.messages().all(1);
    QVERIFY(messages.ok());
    QCOMPARE(messages->size(), 2);
    const Message &reply = messages->at(1);
    RT_COMPARE_ENUM(reply.status, MessageStatus::Partial);
    QVERIFY2(reply.content.size() > 20, qPrintable(reply.content));
    // stdout is block-buffered, so either may be ahead; they agree on the text.
    QVERIFY(printed.startsWith(reply.content) || reply.content.startsWith(printed));
    QCOMPARE(c.maintenance().markInterrupted()->messages, 1);
    RT_COMPARE_ENUM(c.messages().get(reply.id)->status, MessageStatus::Interrupted);
}

QTEST_GUILESS_MAIN(TstCliChatHistory)
#include "tst_cli_chat_history.moc"
