// roundtable chat: stream one reply to stdout.
#include "clicommon.h"
#include "commands.h"
#include "common/translate.h"
#include "llm/chatcompletion.h"
#include "llm/endpointpool.h"
#include "llm/ollamaerrors.h"
#include "llm/ollamahost.h"
#include "llm/pooledchat.h"
#include "storagecli.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QPointer>
#include <QTimer>

namespace rt::cli {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::cli::chat)
};

int exitCodeFor(const rt::llm::ChatResult &result)
{
    using namespace rt::llm;
    switch (result.status) {
    case ChatStatus::Completed:
        return ExitOk;
    case ChatStatus::Cancelled:
        return ExitCancelled;
    case ChatStatus::Failed:
        break;
    }
    const QString &code = result.error.code;
    if (code == ErrorCode::Unreachable || code == ErrorCode::ConnectTimeout)
        return ExitUnreachable;
    if (code == ErrorCode::ModelNotFound)
        return ExitModelNotFound;
    return ExitStreamFailed;
}

} // namespace

int runChat(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(Tr::tr("Send PROMPT to a model and stream the reply to stdout."));
    CommonOptions common;
    common.addTo(parser, true);
    const QCommandLineOption model(QStringLiteral("model"), Tr::tr("Model to use, e.g. llama3.2:1b (required)."), QStringLiteral("name"));
    const QCommandLineOption system(QStringLiteral("system"), Tr::tr("System prompt."), QStringLiteral("text"));
    const QCommandLineOption json(
        QStringLiteral("json"), Tr::tr("Print one JSON object with the text and metrics at the end instead of streaming."));
    const QCommandLineOption temperature(QStringLiteral("temperature"), Tr::tr("Sampling temperature (0-2)."), QStringLiteral("t"));
    const QCommandLineOption seed(QStringLiteral("seed"), Tr::tr("Random seed for reproducible replies."), QStringLiteral("n"));
    const QCommandLineOption numCtx(QStringLiteral("num-ctx"), Tr::tr("Context window in tokens."), QStringLiteral("n"));
    const QCommandLineOption numPredict(QStringLiteral("num-predict"), Tr::tr("Maximum tokens to generate."), QStringLiteral("n"));
    const QCommandLineOption think(QStringLiteral("think"), Tr::tr("Ask a thinking model to think first (shown on stderr)."));
    const QCommandLineOption format(
        QStringLiteral("format"), Tr::tr("\"json\", or a JSON schema (inline or @file)."), QStringLiteral("format"));
    const QCommandLineOption conversation(
        QStringLiteral("conversation"), Tr::tr("Continue stored conversation ID (see roundtable history list)."), QStringLiteral("ID"));
    const QCommandLineOption noSave(QStringLiteral("no-save"), Tr::tr("Do not store this exchange in the history."));
    parser.addOptions({ model, system, json, temperature, seed, numCtx, numPredict, think, format, conversation, noSave });
    parser.addPositionalArgument(QStringLiteral("prompt"), Tr::tr("The message to send (words are joined)."));
    if (!parseOrExplain(parser, arguments))
        return ExitUsage;

    common.apply(parser);
    const QString prompt = parser.positionalArguments().join(QLatin1Char(' ')).trimmed();

    if (!parser.isSet(conversation) && parser.value(model).trimmed().isEmpty()) {
        err(Tr::tr("Missing --model NAME. List the installed models with: roundtable models list"));
        return ExitUsage;
    }
    if (prompt.isEmpty()) {
        err(Tr::tr("Missing the prompt: roundtable chat --model NAME \"your question\""));
        return ExitUsage;
    }

    // History: store the exchange unless --no-save; --conversation continues one.
    qint64 conversationId = 0;
    if (parser.isSet(conversation)) {
        bool ok = false;
        conversationId = parser.value(conversation).toLongLong(&ok);
        if (!ok || conversationId <= 0) {
            err(Tr::tr("--conversation needs an id from 'roundtable history list'."));
            return ExitUsage;
        }
        if (parser.isSet(noSave)) {
            err(Tr::tr("--conversation and --no-save cannot be combined."));
            return ExitUsage;
        }
    }
    std::unique_ptr<rt::storage::Storage> storage;
    rt::storage::Conversation stored;
    QList<rt::storage::Message> earlier;
    if (!parser.isSet(noSave)) {
        int storageExit = ExitOk;
        storage = openStorage(parser.value(common.db), true, &storageExit);
        if (!storage && conversationId > 0)
            return storageExit; // the reason is printed
        if (!storage)
            err(Tr::tr("This chat will not be saved (see above). Use --no-save to chat without the history."));
        if (storage && conversationId > 0) {
            auto found = waitFor(storage->conversation(conversationId));
            if (!found.ok())
                return fail(found.error());
            stored = *found;
            auto messages
                = waitFor(storage->read([conversationId](rt::storage::StorageContext &c) { return c.messages().all(conversationId); }));
            if (!messages.ok())
                return fail(messages.error());
            earlier = *messages;
        }
    }
    // Continuing a conversation: its model unless --model says otherwise.
    const QString modelName = parser.value(model).trimmed().isEmpty() ? stored.model : parser.value(model).trimmed();
    if (modelName.isEmpty()) {
        err(Tr::tr("Missing --model NAME. List the installed models with: roundtable models list"));
        return ExitUsage;
    }
    if (prompt.isEmpty()) {
        err(Tr::tr("Missing the prompt: roundtable chat --model NAME \"your question\""));
        return ExitUsage;
    }

    rt::llm::ChatRequest request;
    request.model = modelName;
    const QString systemPrompt = parser.isSet(system) ? parser.value(system) : stored.systemPrompt;
    if (!systemPrompt.isEmpty())
        request.messages.append(rt::llm::ChatMessage::system(systemPrompt));
    for (const rt::storage::Message &m : std::as_const(earlier)) {
        // The earlier exchange (its system prompt is above; failed replies are left out).
        if (m.role == rt::storage::MessageRole::System || m.content.isEmpty())
            continue;
        if (m.role == rt::storage::MessageRole::Assistant && m.status == rt::storage::MessageStatus::Failed)
            continue;
        request.messages.append(rt::llm::ChatMessage { rt::storage::toString(m.role), m.content, {}, {}, {} });
    }
    request.messages.append(rt::llm::ChatMessage::user(prompt));

    if (!readNumber(parser, temperature, 0, 2, [&](double v) { request.options.temperature = v; })
        || !readNumber(parser, seed, -1, 9e15, [&](double v) { request.options.seed = qint64(v); })
        || !readNumber(parser, numCtx, 1, 10'000'000, [&](double v) { request.options.numCtx = int(v); })
        || !readNumber(parser, numPredict, -2, 10'000'000, [&](double v) { request.options.numPredict = int(v); }))
        return ExitUsage;
    if (parser.isSet(think))
        request.think = true;
    if (parser.isSet(format)) {
        QString value = parser.value(format);
        if (value.startsWith(u'@')) {
            QFile file(value.mid(1));
            if (!file.open(QIODevice::ReadOnly)) {
                //: %1 is a file name, %2 the reason from the system
                err(Tr::tr("Cannot read the schema file %1: %2").arg(value.mid(1), file.errorString()));
                return ExitUsage;
            }
            value = QString::fromUtf8(file.readAll());
        }
        if (value == u"json") {
            request.format = value;
        } else {
            const QJsonDocument schema = QJsonDocument::fromJson(value.toUtf8());
            if (!schema.isObject()) {
                err(Tr::tr("--format must be \"json\" or a JSON schema object."));
                return ExitUsage;
            }
            request.format = schema.object();
        }
    }

    const bool jsonOutput = parser.isSet(json);
    const std::unique_ptr<rt::llm::EndpointPool> pool = common.makePool(parser);
    rt::llm::EndpointPool &client = *pool; // context object of the handlers below
    InterruptWatcher interrupts;
    OutputFlusher flusher;
    int exitCode = ExitFailure;

    // Store the prompt and a 'partial' reply now; the reply's text is saved every
    // 2 s while it streams (crash safety) and in full when it ends. Storage runs
    // on its own thread; the token path below only appends to two strings.
    QFuture<rt::Result<qint64>> replyId;
    QPointer<rt::llm::PooledChat> live; // the stream keeps the text received so far
    QTimer checkpoints;
    if (storage) {
        if (conversationId == 0) {
            rt::storage::Conversation c;
            c.title = prompt.left(80).simplified();
            c.model = request.model;
            c.systemPrompt = systemPrompt;
            auto created = waitFor(storage->startConversation(c));
            if (!created.ok())
                return fail(created.error());
            conversationId = *created;
            if (!systemPrompt.isEmpty()) {
                rt::storage::Message sys;
                sys.conversationId = conversationId;
                sys.role = rt::storage::MessageRole::System;
                sys.content = systemPrompt;
                storage->appendMessage(sys);
            }
        }
        rt::storage::Message user;
        user.conversationId = conversationId;
        user.content = prompt;
        storage->appendMessage(user);
        replyId = storage->beginAssistantMessage(conversationId, request.model);
        checkpoints.setInterval(2000);
        QObject::connect(&checkpoints, &QTimer::timeout, &client, [&] {
            if (live && replyId.isFinished() && replyId.result().ok())
                storage->checkpointMessage(replyId.result().value(), live->content(), live->thinking());
        });
        checkpoints.start();
    }

    rt::llm::PooledChat *stream = client.chat(request, { request.model });
    live = stream;
    QObject::connect(&interrupts, &InterruptWatcher::interrupted, stream, &rt::llm::PooledChat::cancel);
    QObject::connect(stream, &rt::llm::PooledChat::waiting, &client, [&](qint64) {
        if (!jsonOutput) {
            //: %1 is a model name
            err(Tr::tr("Waiting for %1 to start answering (it may be loading)...").arg(request.model));
        }
    });
    QObject::connect(stream, &rt::llm::PooledChat::retrying, &client, [](int attempt, int delayMs, const QString &reason) {
        //: %1 is the reason (a whole sentence), %2 the attempt number, %3 the delay in milliseconds
        err(Tr::tr("%1 Retrying (%2) in %3 ms.").arg(reason).arg(attempt).arg(delayMs));
    });
    QObject::connect(stream, &rt::llm::PooledChat::notice, &client, [](const QString &message) { err(message); });
    QString servedBy; // the pool host that answered
    QObject::connect(
        stream, &rt::llm::PooledChat::routed, &client, [&](const QString &hostName, const QString &, int) { servedBy = hostName; });
    bool thinkingOpen = false;
    QObject::connect(stream, &rt::llm::PooledChat::delta, &client, [&](const QString &content, const QString &thinking) {
        if (jsonOutput)
            return;
        if (!thinking.isEmpty()) {
            // Thinking goes to stderr so stdout holds only the answer.
            thinkingOpen = true;
            const QByteArray bytes = thinking.toUtf8();
            std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
        }
        if (!content.isEmpty()) {
            if (thinkingOpen) {
                std::fputc('\n', stderr);
                thinkingOpen = false;
            }
            out(content); // stdio buffers; no flush per token
        }
    });
    QObject::connect(stream, &rt::llm::PooledChat::finished, &client, [&](const rt::llm::ChatResult &result) {
        exitCode = exitCodeFor(result);
        checkpoints.stop();
        qint64 messageId = 0;
        if (storage) {
            const auto id = waitFor(replyId);
            if (id.ok()) {
                messageId = *id;
                if (auto saved = waitFor(storage->finishMessage(messageId, rt::llm::toCompletion(result))); !saved.ok())
                    err(Tr::tr("The reply could not be saved: %1").arg(saved.error().message));
            } else {
                err(Tr::tr("The reply could not be saved: %1").arg(id.error().message));
            }
        }
        if (jsonOutput) {
            QJsonObject object = result.toJson();
            const QString hostName = servedBy.isEmpty() ? client.defaultHost() : servedBy;
            if (const auto config = client.hostConfig(hostName)) {
                object.insert(QStringLiteral("host"), rt::llm::displayHost(config->url));
                object.insert(QStringLiteral("host_name"), hostName);
            }
            if (conversationId > 0 && messageId > 0) {
                object.insert(QStringLiteral("conversation_id"), double(conversationId));
                object.insert(QStringLiteral("message_id"), double(messageId));
            }
            outLine(QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)));
        } else if (!result.content.isEmpty() && !result.content.endsWith(u'\n')) {
            out(QStringLiteral("\n"));
        }
        flushOut();
        if (!result.ok())
            err(result.error.message);
        if (!result.warning.isEmpty()) {
            //: %1 is a warning from the model server
            err(Tr::tr("Warning: %1").arg(result.warning));
        }
        QCoreApplication::exit(exitCode);
    });
    QCoreApplication::exec();
    return exitCode;
}

} // namespace rt::cli
