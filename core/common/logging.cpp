#include "logging.h"

Q_LOGGING_CATEGORY(lcLlm, "rt.llm", QtInfoMsg)
Q_LOGGING_CATEGORY(lcDebate, "rt.debate", QtInfoMsg)
Q_LOGGING_CATEGORY(lcStorage, "rt.storage", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAgents, "rt.agents", QtInfoMsg)
Q_LOGGING_CATEGORY(lcTasks, "rt.tasks", QtInfoMsg)
Q_LOGGING_CATEGORY(lcMetrics, "rt.metrics", QtInfoMsg)
Q_LOGGING_CATEGORY(lcRemote, "rt.remote", QtInfoMsg)
Q_LOGGING_CATEGORY(lcApp, "rt.app", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUi, "rt.ui", QtInfoMsg)

namespace rt {
void enableVerboseLogging()
{
    QLoggingCategory::setFilterRules(QStringLiteral("rt.*.debug=true"));
}
} // namespace rt
