#include "builtinroles.h"

#include "common/logging.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

namespace rt::agents::BuiltinRoles {

const QStringList &keys()
{
    static const QStringList list {
        QStringLiteral("moderator"),
        QStringLiteral("proponent"),
        QStringLiteral("opponent"),
        QStringLiteral("skeptic"),
        QStringLiteral("expert"),
        QStringLiteral("ethicist"),
        QStringLiteral("pragmatist"),
        QStringLiteral("synthesizer"),
        QStringLiteral("judge"),
    };
    return list;
}

const QList<Agent> &all()
{
    static const QList<Agent> list = [] {
        QList<Agent> agents;
        for (const QString &key : keys()) {
            QFile file(QStringLiteral(":/agents/%1.json").arg(key));
            if (!file.open(QIODevice::ReadOnly)) {
                qCCritical(lcAgents) << "built-in role missing from resources:" << key;
                continue;
            }
            const QJsonObject object = QJsonDocument::fromJson(file.readAll()).object();
            Agent agent = Agent::fromJson(object);
            agent.id = 0;
            agent.role = key;
            agent.builtin = true;
            if (!object.contains(QStringLiteral("weight")))
                agent.weight = 1.0;
            agents.append(std::move(agent));
        }
        return agents;
    }();
    return list;
}

std::optional<Agent> find(const QString &roleKey)
{
    for (const Agent &agent : all()) {
        if (agent.role == roleKey)
            return agent;
    }
    return std::nullopt;
}

int order(const QString &roleKey)
{
    return int(keys().indexOf(roleKey));
}

} // namespace rt::agents::BuiltinRoles
