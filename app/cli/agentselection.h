#pragma once

#include "agents/agent.h"
#include "common/result.h"

#include <QList>
#include <QString>

namespace rt::agents {
class AgentRegistry;
}
namespace rt::llm {
class EndpointPool;
}

// Choosing the agents of a debate or an evaluation from the command line.
namespace rt::cli {

// "Skeptic=qwen3:0.6b,Pragmatist,Domain expert": agents by name or id (or a
// built-in role), NAME=MODEL sets the seat's model. The same agent twice gets
// a distinct seat name ("Skeptic 2"). Agents keep an empty model when they
// have none; the debate engine gives them the default model.
rt::Result<QList<rt::agents::Agent>> resolveAgents(rt::agents::AgentRegistry &registry, const QString &list);

struct DefaultModelChoice {
    QString model;
    QString source; // "--model", "the default model in the settings", ...
};

// The model for agents that have none: --model, else the default model in
// the settings, else the last model used, else the first installed chat
// model on a reachable host (asked now; this blocks the command, which has
// nothing else to do yet). An empty model when no agent needs one; an error
// (code model_not_found) only when an agent needs one and no chat model exists.
rt::Result<DefaultModelChoice> chooseDefaultModel(
    const QList<rt::agents::Agent> &agents, const QString &option, rt::llm::EndpointPool &pool);

} // namespace rt::cli
