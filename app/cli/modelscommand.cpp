// roundtable models: what an Ollama host offers, and pulling/removing models.
#include "clicommon.h"
#include "commands.h"
#include "common/translate.h"
#include "llm/endpointpool.h"
#include "llm/modelcatalog.h"
#include "llm/modelname.h"
#include "llm/modelpull.h"
#include "llm/ollamaclient.h"
#include "llm/ollamaerrors.h"
#include "llm/ollamahost.h"
#include "storage/storage.h"
#include "tasks/pulljob.h"
#include "tasks/taskmanager.h"
#include "taskscli.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <cstdio>

namespace rt::cli {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::cli::models)
};

int exitCodeFor(const Error &error)
{
    return exitCodeForErrorCode(error.code);
}

int listModels(rt::llm::OllamaClient *client, const QUrl &host, bool json)
{
    int exitCode = ExitFailure;
    client->fetchModels(client, [&](const Result<QList<rt::llm::ModelInfo>> &result) {
        if (!result) {
            err(result.error().message);
            exitCode = exitCodeFor(result.error());
        } else if (json) {
            QJsonArray array;
            for (const auto &model : *result)
                array.append(model.toJson());
            outLine(QString::fromUtf8(QJsonDocument(QJsonObject { { QStringLiteral("models"), array } }).toJson(QJsonDocument::Compact)));
            exitCode = ExitOk;
        } else if (result->isEmpty()) {
            //: %1 is the address of an Ollama host
            outLine(Tr::tr("No models installed on %1. Pull one with: ollama pull llama3.2").arg(rt::llm::displayHost(host)));
            exitCode = ExitOk;
        } else {
            QList<QStringList> rows { { Tr::tr("NAME"), Tr::tr("SIZE"), Tr::tr("FAMILY"), Tr::tr("PARAMETERS"), Tr::tr("QUANTIZATION") } };
            for (const auto &model : *result)
                rows.append({ model.name, rt::llm::formatBytes(model.sizeBytes), model.family, model.parameterSize, model.quantization });
            out(formatTable(rows));
            exitCode = ExitOk;
        }
        flushOut();
        QCoreApplication::exit(exitCode);
    });
    QCoreApplication::exec();
    return exitCode;
}

int showModel(rt::llm::ModelCatalog &catalog, const QString &hostName, const QString &name, bool json)
{
    int exitCode = ExitFailure;
    catalog.show(name, hostName, &catalog, [&](const Result<rt::llm::ModelDetails> &result) {
        if (!result) {
            err(result.error().message);
            exitCode = exitCodeFor(result.error());
        } else if (json) {
            QJsonObject object = result->info.toJson();
            object.insert(QStringLiteral("parameters"), result->parameters);
            object.insert(QStringLiteral("license"), result->license);
            object.insert(QStringLiteral("template"), result->templateText);
            outLine(QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)));
            exitCode = ExitOk;
        } else {
            const rt::llm::ModelInfo &m = result->info;
            QString text;
            auto line = [&text](const QString &label, const QString &value) {
                if (!value.isEmpty())
                    text += QStringLiteral("%1 %2\n").arg(label.leftJustified(15), value);
            };
            line(Tr::tr("Model:"), m.name);
            line(Tr::tr("Family:"), m.family);
            line(Tr::tr("Parameters:"), m.parameterSize);
            line(Tr::tr("Quantization:"), m.quantization);
            line(Tr::tr("Context length:"), m.contextLength > 0 ? QString::number(m.contextLength) : QString());
            line(Tr::tr("Capabilities:"), m.capabilities.join(QStringLiteral(", ")));
            line(Tr::tr("Size:"), m.sizeBytes > 0 ? rt::llm::formatBytes(m.sizeBytes) : QString());
            if (!result->parameters.trimmed().isEmpty()) {
                text += Tr::tr("Parameters (defaults):") + QLatin1Char('\n');
                for (const QString &l : result->parameters.trimmed().split(QLatin1Char('\n')))
                    text += QStringLiteral("  %1\n").arg(l.simplified());
            }
            if (!result->license.trimmed().isEmpty())
                line(Tr::tr("License:"), result->license.trimmed().section(QLatin1Char('\n'), 0, 0));
            out(text);
            exitCode = ExitOk;
        }
        flushOut();
        QCoreApplication::exit(exitCode);
    });
    QCoreApplication::exec();
    return exitCode;
}

int runningModels(rt::llm::ModelCatalog &catalog, const QString &hostName, bool json)
{
    int exitCode = ExitFailure;
    catalog.running(hostName, &catalog, [&](const Result<QList<rt::llm::RunningModel>> &result) {
        if (!result) {
            err(result.error().message);
            exitCode = exitCodeFor(result.error());
        } else if (json) {
            QJsonArray array;
            for (const auto &m : *result)
                array.append(m.toJson());
            outLine(QString::fromUtf8(QJsonDocument(QJsonObject { { QStringLiteral("models"), array } }).toJson(QJsonDocument::Compact)));
            exitCode = ExitOk;
        } else if (result->isEmpty()) {
            outLine(Tr::tr("No model is loaded right now."));
            exitCode = ExitOk;
        } else {
            QList<QStringList> rows { { Tr::tr("NAME"), Tr::tr("SIZE"), Tr::tr("PROCESSOR"), Tr::tr("CONTEXT"), Tr::tr("UNTIL") } };
            for (const auto &m : *result) {
                const int gpu = m.sizeBytes > 0 ? int(100.0 * double(m.sizeVramBytes) / double(m.sizeBytes) + 0.5) : 0;
                QString processor;
                if (gpu > 0) {
                    //: %1 is the share of the model held in graphics memory, in percent
                    processor = Tr::tr("%1% GPU").arg(qMin(gpu, 100));
                } else {
                    //: The model runs on the processor alone
                    processor = Tr::tr("100% CPU");
                }
                rows.append({ m.name, rt::llm::formatBytes(m.sizeBytes), processor,
                    m.contextLength > 0 ? QString::number(m.contextLength) : QStringLiteral("?"),
                    m.expiresAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")) });
            }
            out(formatTable(rows));
            exitCode = ExitOk;
        }
        flushOut();
        QCoreApplication::exit(exitCode);
    });
    QCoreApplication::exec();
    return exitCode;
}

int removeModel(rt::llm::ModelCatalog &catalog, const QString &hostName, const QString &name)
{
    int exitCode = ExitFailure;
    catalog.remove(name, hostName, &catalog, [&](const Result<bool> &result) {
        if (!result) {
            err(result.error().message);
            exitCode = exitCodeFor(result.error());
        } else {
            //: %1 is a model name
            outLine(Tr::tr("Deleted %1.").arg(name));
            exitCode = ExitOk;
        }
        flushOut();
        QCoreApplication::exit(exitCode);
    });
    QCoreApplication::exec();
    return exitCode;
}

// A pull is a task (kind "pull") in the shared task list, so the window and
// `roundtable tasks` see it, a killed pull is found interrupted, and `tasks
// resume` finishes it. An interrupted pull of the same model on the same host
// continues as that task.
int pullModel(rt::llm::ModelCatalog &catalog, const QString &hostName, const QString &name, const QString &dbArgument)
{
    std::unique_ptr<rt::storage::Storage> storage;
    rt::tasks::TaskManager tasks(openTaskStore(dbArgument, &storage));
    rt::tasks::PullJob::registerResumer(tasks, &catalog);
    std::optional<qint64> id;
    if (await(tasks.restore()).ok()) {
        const QString wanted = rt::llm::normalizeModelName(name);
        for (const rt::tasks::TaskInfo &t : tasks.interruptedTasks()) {
            if (t.kind == rt::tasks::PullJob::Kind && t.host == hostName
                && rt::llm::normalizeModelName(t.payload.value(QStringLiteral("model")).toString()) == wanted && tasks.resume(t.id).ok()) {
                id = t.id;
                break;
            }
        }
    }
    if (!id) {
        auto submitted = await(tasks.submit(rt::tasks::PullJob::Kind, rt::tasks::PullJob::title(name),
            std::make_unique<rt::tasks::PullJob>(&catalog, name, hostName), rt::tasks::PullJob::options(name, hostName)));
        if (!submitted) {
            err(submitted.error().message);
            return ExitFailure;
        }
        id = submitted.value();
    }
    return runTaskInForeground(tasks, *id);
}
} // namespace

int runModels(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(Tr::tr("Manage the models of an Ollama host.\n\n"
                                            "  list          list installed models\n"
                                            "  show NAME     details: family, size, context length, capabilities\n"
                                            "  ps            models loaded in memory now\n"
                                            "  pull NAME     download a model as a task (Ctrl-C stops; pulling again or\n"
                                            "                roundtable tasks resume ID continues it)\n"
                                            "  rm NAME       delete a model"));
    CommonOptions common;
    common.addTo(parser, true);
    const QCommandLineOption json(QStringLiteral("json"), Tr::tr("Print JSON."));
    const QCommandLineOption hostOption(
        QStringLiteral("host"), Tr::tr("Configured Ollama host to use, by name (default: the first one)."), QStringLiteral("name"));
    parser.addOption(json);
    parser.addOption(hostOption);
    parser.addPositionalArgument(QStringLiteral("action"), Tr::tr("list, show, ps, pull or rm"));
    parser.addPositionalArgument(QStringLiteral("model"), Tr::tr("Model name (show, pull, rm)"), QStringLiteral("[model]"));
    if (!parseOrExplain(parser, arguments))
        return ExitUsage;
    const QUrl commandLineHost = common.apply(parser);
    const QStringList positional = parser.positionalArguments();
    const QString action = positional.value(0, QStringLiteral("list"));
    static const QStringList actions { QStringLiteral("list"), QStringLiteral("show"), QStringLiteral("ps"), QStringLiteral("pull"),
        QStringLiteral("rm") };
    if (!actions.contains(action)) {
        err(Tr::tr("Unknown models action \"%1\". Use: roundtable models list|show|ps|pull|rm").arg(action));
        return ExitUsage;
    }
    const bool needsModel = action == u"show" || action == u"pull" || action == u"rm";
    if (needsModel && positional.size() < 2) {
        //: %1 is the action (show, pull or rm), which is not translated
        err(Tr::tr("Name the model: roundtable models %1 NAME").arg(action));
        return ExitUsage;
    }

    // The hosts: --ollama-host alone, else the configured ones (one by default).
    const QList<rt::llm::HostConfig> hosts = parser.isSet(common.ollamaHost)
        ? QList<rt::llm::HostConfig> { { QStringLiteral("local"), commandLineHost, 4 } }
        : rt::llm::HostConfig::fromSettings();
    rt::llm::EndpointPool pool(hosts);
    QString hostName = pool.defaultHost();
    if (parser.isSet(hostOption)) {
        hostName.clear();
        for (const QString &h : pool.hostNames()) {
            if (h.compare(parser.value(hostOption), Qt::CaseInsensitive) == 0)
                hostName = h;
        }
        if (hostName.isEmpty()) {
            err(Tr::tr("There is no Ollama host named “%1”; the configured hosts are: %2.")
                    .arg(parser.value(hostOption), pool.hostNames().join(QStringLiteral(", "))));
            return ExitUsage;
        }
    }
    rt::llm::ModelCatalog catalog(&pool);
    catalog.setAutoRefresh(false);
    const QUrl hostUrl = pool.hostConfig(hostName)->url;

    if (action == u"list")
        return listModels(pool.controlClient(hostName), hostUrl, parser.isSet(json));
    if (action == u"show")
        return showModel(catalog, hostName, positional.at(1), parser.isSet(json));
    if (action == u"ps")
        return runningModels(catalog, hostName, parser.isSet(json));
    if (action == u"rm")
        return removeModel(catalog, hostName, positional.at(1));
    return pullModel(catalog, hostName, positional.at(1), parser.value(common.db));
}

} // namespace rt::cli
