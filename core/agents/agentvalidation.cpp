#include "agentvalidation.h"

#include "common/translate.h"
#include "llm/modelname.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <cmath>

namespace rt::agents {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::agents)
};
} // namespace

bool ValidationReport::ok() const
{
    for (const ValidationIssue &issue : issues) {
        if (issue.isError())
            return false;
    }
    return true;
}

QStringList ValidationReport::errors() const
{
    QStringList list;
    for (const ValidationIssue &issue : issues) {
        if (issue.isError())
            list.append(issue.message);
    }
    return list;
}

QStringList ValidationReport::warnings() const
{
    QStringList list;
    for (const ValidationIssue &issue : issues) {
        if (!issue.isError())
            list.append(issue.message);
    }
    return list;
}

QString ValidationReport::firstError() const
{
    const QStringList list = errors();
    return list.isEmpty() ? QString() : list.first();
}

void ValidationReport::addError(const QString &field, const QString &message)
{
    issues.append({ ValidationIssue::Severity::Error, field, message });
}

void ValidationReport::addWarning(const QString &field, const QString &message)
{
    issues.append({ ValidationIssue::Severity::Warning, field, message });
}

bool ModelFacts::contains(const QString &model) const
{
    return contextLengths.contains(rt::llm::normalizeModelName(model));
}

int ModelFacts::contextLength(const QString &model) const
{
    return contextLengths.value(rt::llm::normalizeModelName(model), 0);
}

int estimateTokens(QStringView text)
{
    return int((text.size() + 3) / 4);
}

ValidationReport validateAgent(const Agent &agent, const ModelFacts &models)
{
    ValidationReport report;

    const QString name = agent.name.trimmed();
    if (name.isEmpty())
        report.addError(QStringLiteral("name"), Tr::tr("The agent needs a name."));
    else if (name.size() > limits::MaxNameLength)
        report.addError(QStringLiteral("name"),
            Tr::tr("The name “%1…” is too long; use at most %2 characters.").arg(name.left(20)).arg(limits::MaxNameLength));
    else if (name.contains(QRegularExpression(QStringLiteral("[\\x00-\\x1f\\x7f]"))))
        report.addError(
            QStringLiteral("name"), Tr::tr("The name “%1” contains control characters; use plain text.").arg(name.simplified()));

    if (agent.description.size() > limits::MaxDescriptionLength)
        report.addError(QStringLiteral("description"),
            Tr::tr("The description is too long; use at most %1 characters.").arg(limits::MaxDescriptionLength));

    if (agent.systemPrompt.size() > limits::MaxPromptCharacters)
        report.addError(QStringLiteral("system_prompt"),
            Tr::tr("The role prompt has %1 characters, more than the %2 allowed; shorten it.")
                .arg(agent.systemPrompt.size())
                .arg(limits::MaxPromptCharacters));

    const auto &options = agent.options;
    if (options.temperature
        && (!std::isfinite(*options.temperature) || *options.temperature < limits::MinTemperature
            || *options.temperature > limits::MaxTemperature))
        report.addError(
            QStringLiteral("options.temperature"), Tr::tr("The temperature must be between 0 and 2 (it is %1).").arg(*options.temperature));
    if (options.topP && (!std::isfinite(*options.topP) || *options.topP < 0.0 || *options.topP > 1.0))
        report.addError(QStringLiteral("options.top_p"),
            //: top_p is an option name (not translated); %1 is the value given
            Tr::tr("top_p must be between 0 and 1 (it is %1).").arg(*options.topP));
    if (options.topK && *options.topK < 0)
        report.addError(QStringLiteral("options.top_k"),
            //: top_k is an option name (not translated); %1 is the value given
            Tr::tr("top_k must be 0 or more (it is %1).").arg(*options.topK));
    if (options.numCtx && (*options.numCtx < 256 || *options.numCtx > limits::MaxNumCtx))
        report.addError(QStringLiteral("options.num_ctx"),
            Tr::tr("The context length (num_ctx) must be between 256 and %1 tokens (it is %2).")
                .arg(limits::MaxNumCtx)
                .arg(*options.numCtx));
    if (options.numPredict && *options.numPredict < -2)
        report.addError(QStringLiteral("options.num_predict"),
            //: num_predict is an option name (not translated); %1 is the value given
            Tr::tr("num_predict must be -1 (no limit), -2 (fill the context) or a positive number of tokens (it is %1).")
                .arg(*options.numPredict));
    if (options.numPredict && *options.numPredict == 0)
        report.addError(QStringLiteral("options.num_predict"),
            //: num_predict is an option name (not translated)
            Tr::tr("num_predict is 0, so the agent would never say anything; use -1 for no limit."));

    if (!std::isfinite(agent.weight) || agent.weight < 0.0 || agent.weight > limits::MaxWeight)
        report.addError(QStringLiteral("weight"),
            Tr::tr("The vote weight must be between 0 and %1 (it is %2).").arg(limits::MaxWeight).arg(agent.weight));

    static const QRegularExpression colourPattern(QStringLiteral("^#[0-9A-Fa-f]{6}$"));
    if (!agent.colour.isEmpty() && !colourPattern.match(agent.colour).hasMatch())
        report.addError(QStringLiteral("colour"), Tr::tr("The colour “%1” is not a #RRGGBB value such as #1E88E5.").arg(agent.colour));

    if (agent.fallbackModels.size() > limits::MaxFallbackModels)
        report.addError(QStringLiteral("fallback_models"),
            Tr::tr("Too many fallback models (%1); keep at most %2.").arg(agent.fallbackModels.size()).arg(limits::MaxFallbackModels));
    for (const QString &fallback : agent.fallbackModels) {
        if (fallback.trimmed().isEmpty()) {
            report.addError(QStringLiteral("fallback_models"), Tr::tr("A fallback model name is empty; remove it or enter a model name."));
            break;
        }
    }

    if (models.known) {
        if (!agent.model.isEmpty() && !models.contains(agent.model))
            report.addWarning(QStringLiteral("model"),
                Tr::tr(
                    "The model “%1” is not installed on any connected Ollama host; pull it (roundtable models pull %1) or choose another.")
                    .arg(agent.model));
        for (const QString &fallback : agent.fallbackModels) {
            if (!fallback.trimmed().isEmpty() && !models.contains(fallback))
                report.addWarning(QStringLiteral("fallback_models"),
                    Tr::tr("The fallback model “%1” is not installed on any connected Ollama host.").arg(fallback));
        }
    }

    // Prompt budget: the role prompt must fit the context, and should leave
    // most of it to the question and the transcript.
    const int promptTokens = estimateTokens(agent.systemPrompt);
    const int trained = agent.model.isEmpty() ? 0 : models.contextLength(agent.model);
    const int hardLimit = options.numCtx ? *options.numCtx : trained;
    const int effective = options.numCtx ? *options.numCtx : (trained > 0 ? qMin(trained, limits::DefaultServerContext) : 0);
    if (hardLimit > 0 && promptTokens > hardLimit) {
        report.addError(QStringLiteral("system_prompt"),
            Tr::tr(
                "The role prompt (about %1 tokens) does not fit the model's %2-token context; shorten it or choose a model with a longer "
                "context.")
                .arg(promptTokens)
                .arg(hardLimit));
    } else if (effective > 0 && promptTokens > effective / 2) {
        report.addWarning(QStringLiteral("system_prompt"),
            Tr::tr("The role prompt (about %1 tokens) takes more than half of the %2-token context, leaving little room for the debate; "
                   "shorten it or raise num_ctx.")
                .arg(promptTokens)
                .arg(effective));
    }
    return report;
}

} // namespace rt::agents
