#pragma once

#include "agent.h"

#include <QList>
#include <QStringList>
#include <optional>

namespace rt::agents {

// The nine debate roles shipped in resources/agents (compiled in as :/agents).
namespace BuiltinRoles {
// Role keys in display order: moderator, proponent, opponent, skeptic, expert,
// ethicist, pragmatist, synthesizer, judge.
const QStringList &keys();
// Every built-in agent as shipped (id 0, builtin = true), in keys() order.
const QList<Agent> &all();
std::optional<Agent> find(const QString &roleKey);
// Position in keys(), or -1 for a custom role.
int order(const QString &roleKey);
} // namespace BuiltinRoles

} // namespace rt::agents
