#include "agent.h"

#include <QJsonArray>

namespace rt::agents {

QJsonObject Agent::toJson() const
{
    QJsonObject object {
        { QStringLiteral("name"), name },
        { QStringLiteral("role"), role },
        { QStringLiteral("description"), description },
        { QStringLiteral("system_prompt"), systemPrompt },
        { QStringLiteral("model"), model },
        { QStringLiteral("fallback_models"), QJsonArray::fromStringList(fallbackModels) },
        { QStringLiteral("options"), options.toJson() },
        { QStringLiteral("colour"), colour },
        { QStringLiteral("avatar"), avatar },
        { QStringLiteral("weight"), weight },
        { QStringLiteral("builtin"), builtin },
    };
    if (id > 0)
        object.insert(QStringLiteral("id"), double(id));
    return object;
}

Agent Agent::fromJson(const QJsonObject &object)
{
    Agent agent;
    agent.id = qint64(object.value(QStringLiteral("id")).toDouble());
    agent.name = object.value(QStringLiteral("name")).toString();
    agent.role = object.value(QStringLiteral("role")).toString();
    agent.description = object.value(QStringLiteral("description")).toString();
    agent.systemPrompt = object.value(QStringLiteral("system_prompt")).toString();
    agent.model = object.value(QStringLiteral("model")).toString();
    const QJsonArray fallbacks = object.value(QStringLiteral("fallback_models")).toArray();
    for (const QJsonValue &v : fallbacks)
        agent.fallbackModels.append(v.toString());
    agent.options = rt::llm::GenerationOptions::fromJson(object.value(QStringLiteral("options")).toObject());
    agent.colour = object.value(QStringLiteral("colour")).toString();
    agent.avatar = object.value(QStringLiteral("avatar")).toString();
    agent.weight = object.value(QStringLiteral("weight")).toDouble(1.0);
    agent.builtin = object.value(QStringLiteral("builtin")).toBool();
    return agent;
}

QStringList Agent::modelsToTry() const
{
    QStringList list;
    if (!model.isEmpty())
        list.append(model);
    for (const QString &m : fallbackModels) {
        if (!m.isEmpty() && !list.contains(m))
            list.append(m);
    }
    return list;
}

bool Agent::operator==(const Agent &other) const
{
    return id == other.id && name == other.name && role == other.role && description == other.description
        && systemPrompt == other.systemPrompt && model == other.model && fallbackModels == other.fallbackModels
        && options.toJson() == other.options.toJson() && colour == other.colour && avatar == other.avatar && weight == other.weight
        && builtin == other.builtin;
}

} // namespace rt::agents
