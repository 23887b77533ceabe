#pragma once

#include "agent.h"
#include "common/result.h"

#include <QByteArray>
#include <QList>

namespace rt::agents {

inline constexpr int AgentFileVersion = 1;

// Reads agents from JSON: {"version":1,"agents":[...]}, a bare array, or one
// agent object. Field types are checked; the first problem fails the whole
// read with a message that names the agent. Ids and the built-in flag in the
// file are ignored (ids belong to one database).
rt::Result<QList<Agent>> parseAgentsJson(const QByteArray &json);

// {"version":1,"agents":[...]} without ids or the built-in flag.
QByteArray agentsToJson(const QList<Agent> &agents, bool indented = true);

} // namespace rt::agents
