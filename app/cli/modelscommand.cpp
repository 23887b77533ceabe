// roundtable models: what an Ollama host offers, and pulling/removing models.
#include "clicommon.h"
#include "commands.h"
#include "llm/endpointpool.h"
#include "llm/modelcatalog.h"
#include "llm/modelpull.h"
#include "llm/ollamaclient.h"
#include "llm/ollamaerrors.h"
#include "llm/ollamahost.h"
#include "storage/storage.h"
#include "tasks/storagetaskstore.h"
#include "tasks/taskmanager.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <cstdio>
#include <sys/ioctl.h>
#include <unistd.h>

namespace rt::cli {

namespace {
int exitCodeFor(const Error &error)
{
    if (error.code == rt::llm::ErrorCode::Unreachable || error.code == rt::llm::ErrorCode::ConnectTimeout)
        return ExitUnreachable;
    if (error.code == rt::llm::ErrorCode::ModelNotFound)
        return ExitModelNotFound;
    if (error.code == rt::llm::ErrorCode::Cancelled)
        return ExitCancelled;
    return ExitFailure;
}


int terminalColumns()
{
    winsize size {};
    if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 20)
        return size.ws_col;
    const int env = qEnvironmentVariableIntValue("COLUMNS");
    return env > 20 ? env : 80;
}

// Draws pull progress: one redrawn line on a terminal (at most 10 times a
// second), plain lines otherwise (each status change and every 10%).
class ProgressPrinter {
public:
    explicit ProgressPrinter(QString model)
        : m_model(std::move(model))
        , m_tty(::isatty(STDOUT_FILENO) == 1)
    {
        m_clock.start();
    }

    void update(const rt::llm::PullProgress &p, bool force = false)
    {
        if (m_tty) {
            if (!force && m_lastDrawMs >= 0 && m_clock.elapsed() - m_lastDrawMs < 100 && p.phase == m_lastPhase)
                return;
            m_lastDrawMs = m_clock.elapsed();
            m_lastPhase = p.phase;
            draw(p);
            return;
        }
        const int decile = p.percent() < 0 ? -1 : p.percent() / 10;
        if (p.status != m_lastStatus || (p.phase == rt::llm::PullProgress::Phase::Downloading && decile != m_lastDecile && decile >= 0)) {
            if (p.status != m_lastStatus && p.phase != rt::llm::PullProgress::Phase::Downloading)
                outLine(p.status);
            else
                outLine(p.summary());
            flushOut();
            m_lastStatus = p.status;
            m_lastDecile = decile;
        }
    }

    void finishLine()
    {
        if (m_tty && m_drawn) {
            out(QStringLiteral("\n"));
            flushOut();
            m_drawn = false;
        }
    }

private:
    void draw(const rt::llm::PullProgress &p)
    {
        QString text;
        if (p.phase == rt::llm::PullProgress::Phase::Downloading && p.totalBytes > 0) {
            QStringList tail { QStringLiteral("%1%").arg(p.percent(), 3),
                QStringLiteral("%1/%2").arg(rt::llm::formatBytes(p.completedBytes), rt::llm::formatBytes(p.totalBytes)) };
            if (p.bytesPerSecond > 0)
                tail.append(rt::llm::formatSpeed(p.bytesPerSecond));
            if (p.etaSeconds >= 0)
                tail.append(QStringLiteral("%1 left").arg(rt::llm::formatDuration(p.etaSeconds)));
            const QString right = tail.join(QStringLiteral("  "));
            const QString left = QStringLiteral("pulling %1 ").arg(m_model);
            // A steady bar: room for the longest right-hand text, not the current one.
            const int barWidth = qBound(10, terminalColumns() - int(left.size()) - 46, 40);
            const int filled = int(double(barWidth) * qMax(0.0, p.fraction()));
            text = QStringLiteral("%1[%2%3] %4")
                       .arg(left, QString(filled, QLatin1Char('#')), QString(barWidth - filled, QLatin1Char('-')), right);
        } else {
            text = QStringLiteral("%1: %2").arg(m_model, p.status.isEmpty() ? p.phaseText() : p.status);
        }
        const int columns = terminalColumns() - 1;
        if (text.size() > columns)
            text.truncate(columns);
        const qsizetype pad = qMax<qsizetype>(0, m_lastWidth - text.size());
        out(QStringLiteral("\r") + text + QString(pad, QLatin1Char(' ')));
        flushOut();
        m_lastWidth = text.size();
        m_drawn = true;
    }

    QString m_model;
    bool m_tty;
    bool m_drawn = false;
    QElapsedTimer m_clock;
    qint64 m_lastDrawMs = -1;
    rt::llm::PullProgress::Phase m_lastPhase = rt::llm::PullProgress::Phase::Starting;
    QString m_lastStatus;
    int m_lastDecile = -2;
    qsizetype m_lastWidth = 0;
};

// A task row for a pull, so the app's task list shows pulls made here too and
// a killed pull is found interrupted later. Best effort: without a database
// the pull runs all the same.
class PullTaskRecord {
public:
    PullTaskRecord(const QString &dbArgument, const QString &host, const QString &model)
    {
        const auto location = rt::storage::resolveDatabaseLocation(dbArgument);
        if (!location)
            return;
        m_storage = std::make_unique<rt::storage::Storage>();
        rt::storage::OpenOptions options;
        options.recover = false; // do not touch what a running app is doing
        if (!m_storage->open(location.value(), options).result().ok()) {
            m_storage.reset();
            return;
        }
        m_store = std::make_unique<rt::tasks::StorageTaskStore>(*m_storage);
        rt::tasks::TaskInfo info;
        info.kind = QStringLiteral("pull");
        info.title = QStringLiteral("Pull %1").arg(model);
        info.host = host;
        info.payload = { { QStringLiteral("model"), model } };
        auto id = m_store->create(info);
        if (!id) {
            m_store.reset();
            return;
        }
        m_task = info;
        m_task.id = id.value();
        m_task.status = rt::tasks::TaskStatus::Running;
        m_store->saveStatus(m_task);
    }

    void progress(const rt::llm::PullProgress &p)
    {
        // At most once a second, and at every phase change.
        if (!m_store || (m_saved.isValid() && m_saved.elapsed() < 1000 && p.phase == m_phase))
            return;
        m_saved.start();
        m_phase = p.phase;
        m_task.progress = qMax(0.0, p.fraction());
        m_task.progressText = p.summary();
        m_store->saveProgress(m_task);
    }

    void finish(const rt::llm::PullResult &result)
    {
        if (!m_store)
            return;
        progress(result.progress);
        m_task.status = result.ok()                               ? rt::tasks::TaskStatus::Succeeded
            : result.kind == rt::llm::PullResult::Kind::Cancelled ? rt::tasks::TaskStatus::Cancelled
                                                                  : rt::tasks::TaskStatus::Failed;
        m_task.error = result.ok() ? QString() : result.error.message;
        m_store->saveStatus(m_task);
    }

private:
    std::unique_ptr<rt::storage::Storage> m_storage;
    std::unique_ptr<rt::tasks::StorageTaskStore> m_store;
    rt::tasks::TaskInfo m_task;
    QElapsedTimer m_saved;
    rt::llm::PullProgress::Phase m_phase = rt::llm::PullProgress::Phase::Starting;
};

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
            outLine(QStringLiteral("No models installed on %1. Pull one with: ollama pull llama3.2").arg(rt::llm::displayHost(host)));
            exitCode = ExitOk;
        } else {
            QList<QStringList> rows { { QStringLiteral("NAME"), QStringLiteral("SIZE"), QStringLiteral("FAMILY"),
                QStringLiteral("PARAMETERS"), QStringLiteral("QUANTIZATION") } };
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
            line(QStringLiteral("Model:"), m.name);
            line(QStringLiteral("Family:"), m.family);
            line(QStringLiteral("Parameters:"), m.parameterSize);
            line(QStringLiteral("Quantization:"), m.quantization);
            line(QStringLiteral("Context length:"), m.contextLength > 0 ? QString::number(m.contextLength) : QString());
            line(QStringLiteral("Capabilities:"), m.capabilities.join(QStringLiteral(", ")));
            line(QStringLiteral("Size:"), m.sizeBytes > 0 ? rt::llm::formatBytes(m.sizeBytes) : QString());
            if (!result->parameters.trimmed().isEmpty()) {
                text += QStringLiteral("Parameters (defaults):\n");
                for (const QString &l : result->parameters.trimmed().split(QLatin1Char('\n')))
                    text += QStringLiteral("  %1\n").arg(l.simplified());
            }
            if (!result->license.trimmed().isEmpty())
                text += QStringLiteral("License:        %1\n").arg(result->license.trimmed().section(QLatin1Char('\n'), 0, 0));
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
            outLine(QStringLiteral("No model is loaded right now."));
            exitCode = ExitOk;
        } else {
            QList<QStringList> rows { { QStringLiteral("NAME"), QStringLiteral("SIZE"), QStringLiteral("PROCESSOR"),
                QStringLiteral("CONTEXT"), QStringLiteral("UNTIL") } };
            for (const auto &m : *result) {
                const int gpu = m.sizeBytes > 0 ? int(100.0 * double(m.sizeVramBytes) / double(m.sizeBytes) + 0.5) : 0;
                const QString processor = gpu >= 100 ? QStringLiteral("100% GPU")
                    : gpu <= 0                       ? QStringLiteral("100% CPU")
                                                     : QStringLiteral("%1% GPU").arg(gpu);
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
            outLine(QStringLiteral("Deleted %1.").arg(name));
            exitCode = ExitOk;
        }
        flushOut();
        QCoreApplication::exit(exitCode);
    });
    QCoreApplication::exec();
    return exitCode;
}

int pullModel(rt::llm::ModelCatalog &catalog, const QString &hostName, const QString &name, const QString &dbArgument)
{
    PullTaskRecord record(dbArgument, hostName, name);
    ProgressPrinter printer(name);
    InterruptWatcher interrupts;
    rt::llm::ModelPull *pull = catalog.pull(name, hostName);
    if (!pull) {
        err(QStringLiteral("There is no Ollama host named “%1”.").arg(hostName));
        return ExitUsage;
    }
    int exitCode = ExitFailure;
    QObject::connect(&interrupts, &InterruptWatcher::interrupted, pull, &rt::llm::ModelPull::cancel);
    QObject::connect(pull, &rt::llm::ModelPull::progressed, &catalog, [&](const rt::llm::PullProgress &p) {
        printer.update(p);
        record.progress(p);
    });
    QObject::connect(pull, &rt::llm::ModelPull::finished, &catalog, [&](const rt::llm::PullResult &result) {
        printer.update(result.progress, true);
        printer.finishLine();
        record.finish(result);
        if (result.ok()) {
            outLine(QStringLiteral("Pulled %1.").arg(name));
            exitCode = ExitOk;
        } else if (result.kind == rt::llm::PullResult::Kind::Cancelled) {
            err(QStringLiteral("Pull of %1 cancelled; run the same command again to resume.").arg(name));
            exitCode = ExitCancelled;
        } else {
            err(result.error.message);
            exitCode = exitCodeFor(result.error);
            if (exitCode == ExitFailure)
                exitCode = ExitStreamFailed;
        }
        flushOut();
        QCoreApplication::exit(exitCode);
    });
    QCoreApplication::exec();
    return exitCode;
}
} // namespace

int runModels(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Manage the models of an Ollama host.\n\n"
                                                    "  list          list installed models\n"
                                                    "  show NAME     details: family, size, context length, capabilities\n"
                                                    "  ps            models loaded in memory now\n"
                                                    "  pull NAME     download a model (Ctrl-C stops; pulling again resumes)\n"
                                                    "  rm NAME       delete a model"));
    CommonOptions common;
    common.addTo(parser, true);
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON."));
    const QCommandLineOption hostOption(
        QStringLiteral("host"), QStringLiteral("Configured Ollama host to use, by name (default: the first one)."), QStringLiteral("name"));
    parser.addOption(json);
    parser.addOption(hostOption);
    parser.addPositionalArgument(QStringLiteral("action"), QStringLiteral("list, show, ps, pull or rm"));
    parser.addPositionalArgument(QStringLiteral("model"), QStringLiteral("Model name (show, pull, rm)"), QStringLiteral("[model]"));
    if (!parseOrExplain(parser, arguments))
        return ExitUsage;
    const QUrl commandLineHost = common.apply(parser);
    const QStringList positional = parser.positionalArguments();
    const QString action = positional.value(0, QStringLiteral("list"));
    static const QStringList actions { QStringLiteral("list"), QStringLiteral("show"), QStringLiteral("ps"), QStringLiteral("pull"),
        QStringLiteral("rm") };
    if (!actions.contains(action)) {
        err(QStringLiteral("Unknown models action \"%1\". Use: roundtable models list|show|ps|pull|rm").arg(action));
        return ExitUsage;
    }
    const bool needsModel = action == u"show" || action == u"pull" || action == u"rm";
    if (needsModel && positional.size() < 2) {
        err(QStringLiteral("Name the model: roundtable models %1 NAME").arg(action));
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
            err(QStringLiteral("There is no Ollama host named “%1”; the configured hosts are: %2.")
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
