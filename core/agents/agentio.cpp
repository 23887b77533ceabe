#include "agentio.h"

#include "common/translate.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace rt::agents {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::agents)
};
} // namespace

namespace {
const QString ImportFailed = QStringLiteral("import_invalid");

QString label(int index, const QJsonObject &object)
{
    const QString name = object.value(QStringLiteral("name")).toString().trimmed();
    return name.isEmpty() ? Tr::tr("Agent %1").arg(index + 1) : Tr::tr("Agent %1 (“%2”)").arg(index + 1).arg(name);
}

// Empty string when the object's fields have usable types.
QString checkTypes(const QJsonObject &object)
{
    struct Field {
        const char *key;
        QJsonValue::Type type;
        const char *message; // %1 is the key; translated in the context rt::agents
    };
    static const Field fields[] = {
        //: Why an agent in an agents file cannot be imported; %1 is a key of the file (not translated)
        { "name", QJsonValue::String, QT_TRANSLATE_NOOP("rt::agents", "“%1” must be text") },
        { "role", QJsonValue::String, QT_TRANSLATE_NOOP("rt::agents", "“%1” must be text") },
        { "description", QJsonValue::String, QT_TRANSLATE_NOOP("rt::agents", "“%1” must be text") },
        { "system_prompt", QJsonValue::String, QT_TRANSLATE_NOOP("rt::agents", "“%1” must be text") },
        { "model", QJsonValue::String, QT_TRANSLATE_NOOP("rt::agents", "“%1” must be text") },
        { "fallback_models", QJsonValue::Array, QT_TRANSLATE_NOOP("rt::agents", "“%1” must be a list of model names") },
        { "options", QJsonValue::Object, QT_TRANSLATE_NOOP("rt::agents", "“%1” must be an object") },
        { "colour", QJsonValue::String, QT_TRANSLATE_NOOP("rt::agents", "“%1” must be text") },
        { "avatar", QJsonValue::String, QT_TRANSLATE_NOOP("rt::agents", "“%1” must be text") },
        { "weight", QJsonValue::Double, QT_TRANSLATE_NOOP("rt::agents", "“%1” must be a number") },
    };
    for (const Field &field : fields) {
        const QJsonValue value = object.value(QLatin1String(field.key));
        if (value.isUndefined() || value.isNull())
            continue;
        if (value.type() != field.type)
            return Tr::tr(field.message).arg(QLatin1String(field.key));
    }
    if (!object.contains(QStringLiteral("name"))) {
        //: Why an agent in an agents file cannot be imported
        return Tr::tr("it has no “name”");
    }
    const QJsonArray fallbacks = object.value(QStringLiteral("fallback_models")).toArray();
    for (const QJsonValue &v : fallbacks) {
        if (!v.isString())
            return Tr::tr("“fallback_models” must be a list of model names");
    }
    const QJsonObject options = object.value(QStringLiteral("options")).toObject();
    for (const char *key : { "temperature", "seed", "num_ctx", "num_predict", "top_p", "top_k" }) {
        const QJsonValue value = options.value(QLatin1String(key));
        if (!value.isUndefined() && !value.isNull() && !value.isDouble()) {
            //: Why an agent in an agents file cannot be imported; %1 is an option key such as num_ctx
            return Tr::tr("the option “%1” must be a number").arg(QLatin1String(key));
        }
    }
    for (const char *key : { "seed", "num_ctx", "num_predict", "top_k" }) {
        const QJsonValue value = options.value(QLatin1String(key));
        if (value.isDouble() && value.toDouble() != double(qint64(value.toDouble()))) {
            //: Why an agent in an agents file cannot be imported; %1 is an option key such as num_ctx
            return Tr::tr("the option “%1” must be a whole number").arg(QLatin1String(key));
        }
    }
    return {};
}
} // namespace

rt::Result<QList<Agent>> parseAgentsJson(const QByteArray &json)
{
    QJsonParseError parseError {};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return Error { ImportFailed,
            Tr::tr("The agents file is not valid JSON (%1 at byte %2); nothing was imported.")
                .arg(parseError.errorString())
                .arg(parseError.offset) };

    QJsonArray array;
    if (doc.isArray()) {
        array = doc.array();
    } else {
        const QJsonObject root = doc.object();
        if (root.contains(QStringLiteral("agents"))) {
            const QJsonValue version = root.value(QStringLiteral("version"));
            if (!version.isUndefined() && (!version.isDouble() || version.toInt() < 1))
                return Error { ImportFailed, Tr::tr("The agents file has an invalid “version”; nothing was imported.") };
            if (version.toInt(AgentFileVersion) > AgentFileVersion)
                return Error { ImportFailed,
                    Tr::tr(
                        "The agents file uses format version %1, newer than this Roundtable understands (%2); update Roundtable to import "
                        "it.")
                        .arg(version.toInt())
                        .arg(AgentFileVersion) };
            if (!root.value(QStringLiteral("agents")).isArray())
                return Error { ImportFailed, Tr::tr("“agents” in the agents file must be a list; nothing was imported.") };
            array = root.value(QStringLiteral("agents")).toArray();
        } else if (root.contains(QStringLiteral("name"))) {
            array.append(root);
        } else {
            return Error { ImportFailed,
                Tr::tr("The file does not contain agents (expected {\"version\":1,\"agents\":[...]}); nothing was imported.") };
        }
    }
    if (array.isEmpty())
        return Error { ImportFailed, Tr::tr("The agents file contains no agents; nothing was imported.") };

    QList<Agent> agents;
    agents.reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        if (!array.at(i).isObject())
            return Error { ImportFailed, Tr::tr("Agent %1 in the file is not a JSON object; nothing was imported.").arg(i + 1) };
        const QJsonObject object = array.at(i).toObject();
        if (const QString problem = checkTypes(object); !problem.isEmpty())
            return Error { ImportFailed,
                Tr::tr("%1 in the file is invalid: %2; nothing was imported.").arg(label(int(i), object), problem) };
        Agent agent = Agent::fromJson(object);
        agent.id = 0;
        agent.builtin = false;
        if (!object.contains(QStringLiteral("weight")))
            agent.weight = 1.0;
        if (agent.role.isEmpty())
            agent.role = QStringLiteral("custom");
        agents.append(std::move(agent));
    }
    return agents;
}

QByteArray agentsToJson(const QList<Agent> &agents, bool indented)
{
    QJsonArray array;
    for (const Agent &agent : agents) {
        QJsonObject object = agent.toJson();
        object.remove(QStringLiteral("id"));
        object.remove(QStringLiteral("builtin"));
        array.append(object);
    }
    const QJsonObject root { { QStringLiteral("version"), AgentFileVersion }, { QStringLiteral("agents"), array } };
    return QJsonDocument(root).toJson(indented ? QJsonDocument::Indented : QJsonDocument::Compact);
}

} // namespace rt::agents
