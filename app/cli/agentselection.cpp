#include "agentselection.h"

#include "agents/agentregistry.h"
#include "common/appsettings.h"
#include "common/translate.h"
#include "llm/endpointpool.h"
#include "llm/modelinfo.h"
#include "llm/ollamaclient.h"
#include "llm/ollamaerrors.h"

#include <QCoreApplication>
#include <QEventLoop>

using namespace Qt::StringLiterals;

namespace rt::cli {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::cli::agents)
};

bool isChatModel(const rt::llm::ModelInfo &m)
{
    if (m.capabilities.isEmpty())
        return !m.name.contains(u"embed"_s, Qt::CaseInsensitive);
    return m.hasCapability(u"completion");
}
} // namespace

rt::Result<QList<rt::agents::Agent>> resolveAgents(rt::agents::AgentRegistry &registry, const QString &list)
{
    QList<rt::agents::Agent> agents;
    for (const QString &raw : list.split(u',', Qt::SkipEmptyParts)) {
        QString name = raw.trimmed();
        QString model;
        if (const qsizetype eq = name.indexOf(u'='); eq > 0) {
            model = name.mid(eq + 1).trimmed();
            name = name.left(eq).trimmed();
        }
        std::optional<rt::agents::Agent> agent = registry.find(name);
        if (!agent)
            agent = registry.builtin(name.toLower().replace(u' ', u'_'));
        if (!agent) {
            QStringList known;
            for (const rt::agents::Agent &a : registry.agents())
                known.append(a.name);
            return rt::Error { u"usage"_s, Tr::tr("There is no agent \"%1\". Known agents: %2.").arg(name, known.join(u", "_s)) };
        }
        if (!model.isEmpty())
            agent->model = model;
        // The same role twice is allowed: seats need distinct names.
        const QString base = agent->name;
        for (int n = 2;; ++n) {
            bool clash = false;
            for (const rt::agents::Agent &a : std::as_const(agents))
                clash = clash || a.name.compare(agent->name, Qt::CaseInsensitive) == 0;
            if (!clash)
                break;
            agent->name = u"%1 %2"_s.arg(base).arg(n);
        }
        agents.append(*agent);
    }
    if (agents.isEmpty())
        return rt::Error { u"usage"_s, Tr::tr("--agents names no agent.") };
    return agents;
}

rt::Result<DefaultModelChoice> chooseDefaultModel(
    const QList<rt::agents::Agent> &agents, const QString &option, rt::llm::EndpointPool &pool)
{
    if (!option.trimmed().isEmpty())
        return DefaultModelChoice { option.trimmed(), Tr::tr("given with --model") };
    bool needed = false;
    for (const rt::agents::Agent &a : agents)
        needed = needed || a.model.trimmed().isEmpty();
    if (!needed)
        return DefaultModelChoice {};
    if (const QString m = rt::AppSettings::value(rt::AppSettings::DefaultModel).toString().trimmed(); !m.isEmpty())
        return DefaultModelChoice { m, Tr::tr("the default model in the settings") };
    if (const QString m = rt::AppSettings::lastModel().trimmed(); !m.isEmpty())
        return DefaultModelChoice { m, Tr::tr("the last model used") };

    // Ask the hosts, in their configured order.
    QStringList problems;
    for (const QString &host : pool.hostNames()) {
        rt::llm::OllamaClient *control = pool.controlClient(host);
        if (!control)
            continue;
        QEventLoop loop;
        rt::Result<QList<rt::llm::ModelInfo>> models = rt::Error {};
        control->fetchModels(&loop, [&](const rt::Result<QList<rt::llm::ModelInfo>> &result) {
            models = result;
            loop.quit();
        });
        loop.exec();
        if (!models) {
            pool.reportFailure(host, models.error());
            problems.append(models.error().message);
            continue;
        }
        QStringList names;
        for (const rt::llm::ModelInfo &m : *models)
            names.append(m.name);
        pool.setHostModels(host, names);
        for (const rt::llm::ModelInfo &m : *models) {
            if (isChatModel(m))
                return DefaultModelChoice { m.name, Tr::tr("the first chat model installed on %1").arg(host) };
        }
    }
    if (!problems.isEmpty() && problems.size() == pool.hostNames().size())
        return rt::Error { rt::llm::ErrorCode::Unreachable, problems.join(u' ') };
    return rt::Error { rt::llm::ErrorCode::ModelNotFound,
        Tr::tr("No chat model is installed, so the agents without a model cannot speak. Pull one with: "
               "roundtable models pull llama3.2:1b") };
}

} // namespace rt::cli
