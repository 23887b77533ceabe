#pragma once

#include "agent.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace rt::agents {

struct ValidationIssue {
    enum class Severity { Warning, Error };
    Severity severity = Severity::Error;
    QString field; // "name", "model", "options.temperature", "system_prompt", ...
    QString message; // one sentence: what is wrong and what to do

    bool isError() const { return severity == Severity::Error; }
};

// The outcome of checking one agent. Errors block saving; warnings do not.
struct ValidationReport {
    QList<ValidationIssue> issues;

    bool ok() const;
    QStringList errors() const;
    QStringList warnings() const;
    QString firstError() const;
    void addError(const QString &field, const QString &message);
    void addWarning(const QString &field, const QString &message);
};

// What the validator knows about installed models. When `known` is false
// (no host reached yet), unknown models are not reported at all.
struct ModelFacts {
    bool known = false;
    QHash<QString, int> contextLengths; // normalised name -> trained context length (0 = unknown)

    bool contains(const QString &model) const;
    int contextLength(const QString &model) const; // 0 = unknown
};

namespace limits {
inline constexpr int MaxNameLength = 64;
inline constexpr int MaxDescriptionLength = 500;
inline constexpr int MaxPromptCharacters = 200'000;
inline constexpr int MaxFallbackModels = 8;
inline constexpr double MinTemperature = 0.0;
inline constexpr double MaxTemperature = 2.0;
inline constexpr double MaxWeight = 10.0;
inline constexpr int MaxNumCtx = 1 << 21;
inline constexpr int DefaultServerContext = 4096; // what Ollama uses when num_ctx is not set (small GPUs)
} // namespace limits

// Rough token count for prompt budgeting: about four characters per token.
int estimateTokens(QStringView text);

// Checks the agent on its own (not the uniqueness of its name; the registry
// does that). Messages are ready to show.
ValidationReport validateAgent(const Agent &agent, const ModelFacts &models);

} // namespace rt::agents
