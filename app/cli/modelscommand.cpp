// roundtable models: what the Ollama host offers.
#include "clicommon.h"
#include "commands.h"

#include "llm/ollamaclient.h"
#include "llm/ollamaerrors.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

namespace rt::cli {

namespace {
int exitCodeFor(const Error &error)
{
    if (error.code == rt::llm::ErrorCode::Unreachable || error.code == rt::llm::ErrorCode::ConnectTimeout)
        return ExitUnreachable;
    if (error.code == rt::llm::ErrorCode::ModelNotFound)
        return ExitModelNotFound;
    return ExitFailure;
}

QString table(const QList<QStringList> &rows)
{
    QList<qsizetype> widths;
    for (const QStringList &row : rows) {
        for (qsizetype i = 0; i < row.size(); ++i) {
            if (widths.size() <= i)
                widths.append(0);
            widths[i] = qMax(widths[i], row[i].size());
        }
    }
    QString text;
    for (const QStringList &row : rows) {
        QString line;
        for (qsizetype i = 0; i < row.size(); ++i)
            line += (i + 1 < row.size() ? row[i].leftJustified(widths[i] + 2) : row[i]);
        text += line.trimmed() + QLatin1Char('\n');
    }
    return text;
}
} // namespace

int runModels(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Manage the models of an Ollama host.\n\n  list    list installed models"));
    CommonOptions common;
    common.addTo(parser);
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON."));
    parser.addOption(json);
    parser.addPositionalArgument(QStringLiteral("action"), QStringLiteral("list"));
    if (!parseOrExplain(parser, arguments))
        return ExitUsage;
    const QUrl host = common.apply(parser);
    const QStringList positional = parser.positionalArguments();
    const QString action = positional.value(0, QStringLiteral("list"));
    if (action != u"list") {
        err(QStringLiteral("Unknown models action \"%1\". Use: roundtable models list").arg(action));
        return ExitUsage;
    }

    rt::llm::OllamaClient client(rt::llm::ClientConfig::fromSettings(host));
    int exitCode = ExitFailure;
    client.fetchModels(&client, [&](const Result<QList<rt::llm::ModelInfo>> &result) {
        if (!result) {
            err(result.error().message);
            exitCode = exitCodeFor(result.error());
        } else if (parser.isSet(json)) {
            QJsonArray array;
            for (const auto &model : *result)
                array.append(model.toJson());
            outLine(QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("models"), array}}).toJson(QJsonDocument::Compact)));
            exitCode = ExitOk;
        } else if (result->isEmpty()) {
            outLine(QStringLiteral("No models installed on %1. Pull one with: ollama pull llama3.2").arg(rt::llm::displayHost(host)));
            exitCode = ExitOk;
        } else {
            QList<QStringList> rows{{QStringLiteral("NAME"), QStringLiteral("SIZE"), QStringLiteral("FAMILY"), QStringLiteral("PARAMETERS"), QStringLiteral("QUANTIZATION")}};
            for (const auto &model : *result)
                rows.append({model.name, rt::llm::formatBytes(model.sizeBytes), model.family, model.parameterSize, model.quantization});
            out(table(rows));
            exitCode = ExitOk;
        }
        flushOut();
        QCoreApplication::exit(exitCode);
    });
    QCoreApplication::exec();
    return exitCode;
}

} // namespace rt::cli
