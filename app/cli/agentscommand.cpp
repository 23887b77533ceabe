// roundtable agents: list, show, add, edit, rm, duplicate, reset, import, export.
#include "agents/agentio.h"
#include "agents/agentregistry.h"
#include "agents/builtinroles.h"
#include "agents/storageagentstore.h"
#include "clicommon.h"
#include "commands.h"
#include "common/translate.h"
#include "llm/endpointpool.h"
#include "llm/modelcatalog.h"
#include "llm/ollamaclient.h"
#include "llm/ollamahost.h"
#include "llm/storagemodelcache.h"
#include "storage/storage.h"
#include "storagecli.h"
#include "taskscli.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <cstdio>

namespace rt::cli {

using rt::agents::Agent;
using rt::agents::AgentRegistry;
namespace BuiltinRoles = rt::agents::BuiltinRoles;

namespace {

struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::cli::agents)
};

// The help text (a function: the translation is looked up when it is shown).
QString usage()
{
    return Tr::tr("Manage the agents (debate participants) stored in the database.\n\n"
                  "  list                      list agents (built-ins first)\n"
                  "  show NAME|ID              show one agent, with its role prompt\n"
                  "  add --name NAME [...]     create an agent (see the options below)\n"
                  "  edit NAME|ID [...]        change an agent; only the options given change\n"
                  "  rm NAME|ID                delete an agent (built-ins cannot be deleted)\n"
                  "  duplicate NAME|ID [--name NEW]  copy an agent, e.g. to make your own version of a built-in\n"
                  "  reset NAME|ID             restore a built-in agent as shipped\n"
                  "  import FILE|-             import agents from JSON (all or nothing)\n"
                  "  export [NAME|ID...]       print agents as JSON (all when none given)");
}

struct AgentOptions {
    QCommandLineOption name { QStringLiteral("name"), Tr::tr("Agent name (unique, ignoring case)."), QStringLiteral("name") };
    QCommandLineOption role { QStringLiteral("role"), Tr::tr("Role key (moderator, skeptic, ... or custom)."), QStringLiteral("role") };
    QCommandLineOption description { QStringLiteral("description"), Tr::tr("One-line description."), QStringLiteral("text") };
    QCommandLineOption model { QStringLiteral("model"), Tr::tr("Model, e.g. llama3.2:1b (empty: the debate's default model)."),
        QStringLiteral("model") };
    QCommandLineOption fallback { QStringLiteral("fallback"),
        Tr::tr("Fallback models, comma-separated, tried in order when the model is missing or failing (empty clears)."),
        QStringLiteral("models") };
    QCommandLineOption system { QStringLiteral("system"), Tr::tr("Role prompt text."), QStringLiteral("text") };
    QCommandLineOption systemFile { QStringLiteral("system-file"), Tr::tr("Read the role prompt from a file."), QStringLiteral("file") };
    QCommandLineOption temperature { QStringLiteral("temperature"), Tr::tr("Sampling temperature, 0 to 2 (\"default\" unsets)."),
        QStringLiteral("t") };
    QCommandLineOption seed { QStringLiteral("seed"), Tr::tr("Random seed (\"default\" unsets)."), QStringLiteral("n") };
    QCommandLineOption numCtx { QStringLiteral("num-ctx"), Tr::tr("Context length in tokens (\"default\" unsets)."), QStringLiteral("n") };
    QCommandLineOption numPredict { QStringLiteral("num-predict"),
        Tr::tr("Maximum tokens per reply, -1 for no limit (\"default\" unsets)."), QStringLiteral("n") };
    QCommandLineOption colour { QStringLiteral("colour"), Tr::tr("Colour as #RRGGBB."), QStringLiteral("colour") };
    QCommandLineOption avatar { QStringLiteral("avatar"), Tr::tr("Emoji or icon name."), QStringLiteral("avatar") };
    QCommandLineOption weight { QStringLiteral("weight"), Tr::tr("Vote weight in the consensus, 0 to 10."), QStringLiteral("w") };
    QCommandLineOption from { QStringLiteral("from"), Tr::tr("add: start from a built-in role (its prompt, options and colour)."),
        QStringLiteral("role") };
    QCommandLineOption json { QStringLiteral("json"), Tr::tr("Print JSON.") };
    QCommandLineOption output { { QStringLiteral("o"), QStringLiteral("output") }, Tr::tr("export: write to a file instead of stdout."),
        QStringLiteral("file") };
    QCommandLineOption rename { QStringLiteral("rename"), Tr::tr("import: give agents whose name is taken a new name.") };
    QCommandLineOption replace { QStringLiteral("replace"), Tr::tr("import: overwrite agents whose name is taken.") };

    void addTo(QCommandLineParser &parser) const
    {
        for (const QCommandLineOption *o : { &name, &role, &description, &model, &fallback, &system, &systemFile, &temperature, &seed,
                 &numCtx, &numPredict, &colour, &avatar, &weight, &from, &json, &output, &rename, &replace })
            parser.addOption(*o);
    }
};

// Parses a number option; "default" (or empty) unsets it.
template<typename T> bool numberOption(const QCommandLineParser &parser, const QCommandLineOption &option, std::optional<T> &target)
{
    if (!parser.isSet(option))
        return true;
    const QString text = parser.value(option).trimmed();
    if (text.isEmpty() || text == u"default") {
        target.reset();
        return true;
    }
    bool ok = false;
    if constexpr (std::is_floating_point_v<T>) {
        const double v = text.toDouble(&ok);
        if (ok)
            target = v;
    } else {
        const qint64 v = text.toLongLong(&ok);
        if (ok)
            target = T(v);
    }
    if (!ok) {
        //: %1 is an option name, %2 the value given
        err(Tr::tr("--%1 needs a number, not “%2”.").arg(option.names().constFirst(), text));
    }
    return ok;
}

// Applies the flags that were given. Returns false (after printing why) on a bad value.
bool applyFlags(const QCommandLineParser &parser, const AgentOptions &o, Agent &agent)
{
    if (parser.isSet(o.name))
        agent.name = parser.value(o.name);
    if (parser.isSet(o.role))
        agent.role = parser.value(o.role).trimmed();
    if (parser.isSet(o.description))
        agent.description = parser.value(o.description);
    if (parser.isSet(o.model))
        agent.model = parser.value(o.model).trimmed();
    if (parser.isSet(o.fallback)) {
        agent.fallbackModels.clear();
        for (const QString &m : parser.value(o.fallback).split(QLatin1Char(','), Qt::SkipEmptyParts))
            agent.fallbackModels.append(m.trimmed());
    }
    if (parser.isSet(o.system) && parser.isSet(o.systemFile)) {
        err(Tr::tr("Give the role prompt either with --system or with --system-file, not both."));
        return false;
    }
    if (parser.isSet(o.system))
        agent.systemPrompt = parser.value(o.system);
    if (parser.isSet(o.systemFile)) {
        QFile file(parser.value(o.systemFile));
        if (!file.open(QIODevice::ReadOnly)) {
            //: %1 is a file name, %2 the reason from the system
            err(Tr::tr("Cannot read the role prompt from %1: %2.").arg(file.fileName(), file.errorString()));
            return false;
        }
        agent.systemPrompt = QString::fromUtf8(file.readAll()).trimmed();
    }
    if (!numberOption(parser, o.temperature, agent.options.temperature) || !numberOption(parser, o.seed, agent.options.seed)
        || !numberOption(parser, o.numCtx, agent.options.numCtx) || !numberOption(parser, o.numPredict, agent.options.numPredict))
        return false;
    if (parser.isSet(o.colour))
        agent.colour = parser.value(o.colour).trimmed();
    if (parser.isSet(o.avatar))
        agent.avatar = parser.value(o.avatar);
    if (parser.isSet(o.weight)) {
        bool ok = false;
        agent.weight = parser.value(o.weight).toDouble(&ok);
        if (!ok) {
            err(Tr::tr("--weight needs a number, not “%1”.").arg(parser.value(o.weight)));
            return false;
        }
    }
    return true;
}

QString optionalText(const auto &value)
{
    return value ? QString::number(*value) : Tr::tr("(model default)");
}

void printAgent(const Agent &a)
{
    QString text;
    auto line
        = [&text](const QString &label, const QString &value) { text += QStringLiteral("%1 %2\n").arg(label.leftJustified(14), value); };
    line(Tr::tr("Id:"), QString::number(a.id));
    line(Tr::tr("Name:"), a.builtin ? Tr::tr("%1 (built-in)").arg(a.name) : a.name);
    line(Tr::tr("Role:"), a.role);
    line(Tr::tr("Description:"), a.description);
    line(Tr::tr("Model:"), a.model.isEmpty() ? Tr::tr("(the debate's default model)") : a.model);
    line(Tr::tr("Fallbacks:"), a.fallbackModels.isEmpty() ? Tr::tr("(none)") : a.fallbackModels.join(QStringLiteral(", ")));
    line(Tr::tr("Temperature:"), optionalText(a.options.temperature));
    line(Tr::tr("Seed:"), optionalText(a.options.seed));
    line(Tr::tr("Context:"), optionalText(a.options.numCtx));
    line(Tr::tr("Max tokens:"), optionalText(a.options.numPredict));
    if (!a.options.extra.isEmpty())
        line(Tr::tr("Other options:"), QString::fromUtf8(QJsonDocument(a.options.extra).toJson(QJsonDocument::Compact)));
    line(Tr::tr("Colour:"), a.colour);
    line(Tr::tr("Avatar:"), a.avatar);
    line(Tr::tr("Weight:"), QString::number(a.weight));
    text += Tr::tr("Role prompt:") + QLatin1Char('\n');
    for (const QString &l : a.systemPrompt.split(QLatin1Char('\n')))
        text += QStringLiteral("  %1\n").arg(l);
    out(text);
}

void printWarnings(const QStringList &warnings)
{
    for (const QString &w : warnings)
        err(Tr::tr("Warning: %1").arg(w));
}

// What the validator should know about installed models: the live lists of
// every configured host (through the pool's control clients) when they answer
// quickly, else the lists cached in the database.
void learnModels(AgentRegistry &registry, rt::storage::Storage &storage, rt::llm::EndpointPool &pool)
{
    QList<rt::llm::ModelInfo> all;
    int pending = 0;
    bool answered = false;
    QEventLoop loop;
    for (const QString &host : pool.hostNames()) {
        rt::llm::OllamaClient *control = pool.controlClient(host);
        if (!control)
            continue;
        ++pending;
        control->requestJson(
            "GET", QStringLiteral("/api/tags"), {}, {}, &loop,
            [&](const Result<QJsonObject> &result) {
                if (result) {
                    all.append(rt::llm::ModelInfo::listFromTags(result.value()));
                    answered = true;
                }
                if (--pending == 0)
                    loop.quit();
            },
            3000);
    }
    if (pending > 0)
        loop.exec();
    if (answered) {
        registry.setKnownModels(all);
        return;
    }
    rt::llm::StorageModelCache cache(storage);
    auto cached = await(cache.loadAll());
    if (cached && !cached->isEmpty()) {
        for (const auto &list : cached.value())
            all.append(list);
        registry.setKnownModels(all);
    }
}

} // namespace

int runAgents(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(usage());
    CommonOptions common;
    common.addTo(parser, true);
    AgentOptions o;
    o.addTo(parser);
    parser.addPositionalArgument(QStringLiteral("action"), Tr::tr("list, show, add, edit, rm, duplicate, reset, import or export"));
    parser.addPositionalArgument(QStringLiteral("agent"), Tr::tr("Agent name or id (show, edit, rm, duplicate, reset), file (import)"),
        QStringLiteral("[agent|file]"));
    if (!parseOrExplain(parser, arguments))
        return ExitUsage;
    common.apply(parser);
    const QStringList positional = parser.positionalArguments();
    const QString action = positional.value(0, QStringLiteral("list"));
    static const QStringList actions { QStringLiteral("list"), QStringLiteral("show"), QStringLiteral("add"), QStringLiteral("edit"),
        QStringLiteral("rm"), QStringLiteral("duplicate"), QStringLiteral("reset"), QStringLiteral("import"), QStringLiteral("export") };
    if (!actions.contains(action)) {
        err(Tr::tr("Unknown agents action “%1”. Use one of: %2.").arg(action, actions.join(QStringLiteral(", "))));
        return ExitUsage;
    }
    const bool needsTarget
        = action == u"show" || action == u"edit" || action == u"rm" || action == u"duplicate" || action == u"reset" || action == u"import";
    if (needsTarget && positional.size() < 2) {
        err(action == u"import" ? Tr::tr("Name the file to import (or - for standard input): roundtable agents import FILE")
                                : Tr::tr("Name the agent: roundtable agents %1 NAME|ID").arg(action));
        return ExitUsage;
    }
    if (action == u"add" && !parser.isSet(o.name)) {
        err(Tr::tr("A new agent needs a name: roundtable agents add --name NAME [--model MODEL] [--system TEXT]"));
        return ExitUsage;
    }
    if (parser.isSet(o.rename) && parser.isSet(o.replace)) {
        err(Tr::tr("Use either --rename or --replace, not both."));
        return ExitUsage;
    }

    int openExit = ExitOk;
    // Read-only towards crash leftovers: another Roundtable may be running tasks right now.
    const std::unique_ptr<rt::storage::Storage> storagePtr = openStorage(parser.value(common.db), false, &openExit);
    if (!storagePtr)
        return openExit;
    rt::storage::Storage &storage = *storagePtr;
    AgentRegistry registry(std::make_unique<rt::agents::StorageAgentStore>(storage));
    if (auto loaded = await(registry.loadAsync()); !loaded) {
        err(loaded.error().message);
        return ExitFailure;
    }

    auto findAgent = [&](const QString &key) -> std::optional<Agent> {
        auto found = registry.find(key);
        if (!found)
            err(Tr::tr("There is no agent “%1”; see roundtable agents list.").arg(key));
        return found;
    };
    const bool json = parser.isSet(o.json);

    if (action == u"list") {
        const QList<Agent> agents = registry.agents();
        if (json) {
            QJsonArray array;
            for (const Agent &a : agents)
                array.append(a.toJson());
            outLine(QString::fromUtf8(QJsonDocument(QJsonObject { { QStringLiteral("agents"), array } }).toJson(QJsonDocument::Compact)));
        } else {
            QList<QStringList> rows { { Tr::tr("ID"), Tr::tr("NAME"), Tr::tr("ROLE"), Tr::tr("MODEL"), Tr::tr("DESCRIPTION") } };
            for (const Agent &a : agents) {
                rows.append({ QString::number(a.id), a.builtin ? a.name + QStringLiteral(" *") : a.name, a.role,
                    a.model.isEmpty() ? Tr::tr("(default)") : a.model, a.description.left(60) });
            }
            out(formatTable(rows));
            outLine(Tr::tr("* built-in: can be edited, duplicated and reset, not deleted."));
        }
        flushOut();
        return ExitOk;
    }

    if (action == u"show") {
        const auto agent = findAgent(positional.at(1));
        if (!agent)
            return ExitFailure;
        if (json)
            outLine(QString::fromUtf8(QJsonDocument(agent->toJson()).toJson(QJsonDocument::Indented)).trimmed());
        else
            printAgent(*agent);
        flushOut();
        return ExitOk;
    }

    if (action == u"export") {
        QList<qint64> ids;
        for (qsizetype i = 1; i < positional.size(); ++i) {
            const auto agent = findAgent(positional.at(i));
            if (!agent)
                return ExitFailure;
            ids.append(agent->id);
        }
        const QByteArray data = registry.exportJson(ids);
        if (parser.isSet(o.output)) {
            QFile file(parser.value(o.output));
            if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(data) != data.size()) {
                //: %1 is a file name, %2 the reason from the system
                err(Tr::tr("Cannot write %1: %2.").arg(file.fileName(), file.errorString()));
                return ExitFailure;
            }
            //: %1 is the number of agents (the same form for any number, 1 included), %2 a file name
            err(Tr::tr("Exported %1 agents to %2.").arg(ids.isEmpty() ? registry.count() : ids.size()).arg(file.fileName()));
        } else {
            out(QString::fromUtf8(data));
            flushOut();
        }
        return ExitOk;
    }

    if (action == u"import") {
        QFile file;
        const QString path = positional.at(1);
        const bool opened = path == u"-" ? file.open(stdin, QIODevice::ReadOnly) : (file.setFileName(path), file.open(QIODevice::ReadOnly));
        if (!opened) {
            //: %1 is a file name, %2 the reason from the system
            err(Tr::tr("Cannot read %1: %2.").arg(path, file.errorString()));
            return ExitFailure;
        }
        const auto policy = parser.isSet(o.rename) ? AgentRegistry::ImportPolicy::Rename
            : parser.isSet(o.replace)              ? AgentRegistry::ImportPolicy::Replace
                                                   : AgentRegistry::ImportPolicy::FailOnConflict;
        auto imported = await(registry.importJson(file.readAll(), policy));
        if (!imported) {
            err(imported.error().message);
            return ExitFailure;
        }
        QStringList names;
        for (const Agent &a : imported.value())
            names.append(a.name);
        if (imported->size() == 1) {
            //: %1 is the name of the agent
            outLine(Tr::tr("Imported 1 agent: %1").arg(names.join(QStringLiteral(", "))));
        } else {
            //: %1 is the number of agents (never 1), %2 their names
            outLine(Tr::tr("Imported %1 agents: %2").arg(imported->size()).arg(names.join(QStringLiteral(", "))));
        }
        flushOut();
        return ExitOk;
    }

    if (action == u"rm") {
        const auto agent = findAgent(positional.at(1));
        if (!agent)
            return ExitFailure;
        if (auto removed = await(registry.remove(agent->id)); !removed) {
            err(removed.error().message);
            return ExitFailure;
        }
        outLine(Tr::tr("Deleted agent “%1”.").arg(agent->name));
        flushOut();
        return ExitOk;
    }

    if (action == u"reset") {
        const auto agent = findAgent(positional.at(1));
        if (!agent)
            return ExitFailure;
        auto restored = await(registry.resetToDefault(agent->id));
        if (!restored) {
            err(restored.error().message);
            return ExitFailure;
        }
        outLine(Tr::tr("Restored “%1” to its default.").arg(restored->name));
        flushOut();
        return ExitOk;
    }

    if (action == u"duplicate") {
        const auto agent = findAgent(positional.at(1));
        if (!agent)
            return ExitFailure;
        auto copy = await(registry.duplicate(agent->id, parser.value(o.name)));
        if (!copy) {
            err(copy.error().message);
            return ExitFailure;
        }
        //: %1 is the new agent's name, %2 its id, %3 the name of the agent it was copied from
        outLine(Tr::tr("Created “%1” (id %2) from “%3”.").arg(copy->name).arg(copy->id).arg(agent->name));
        flushOut();
        return ExitOk;
    }

    // add / edit
    Agent agent;
    if (action == u"edit") {
        const auto existing = findAgent(positional.at(1));
        if (!existing)
            return ExitFailure;
        agent = *existing;
    } else if (parser.isSet(o.from)) {
        const auto base = BuiltinRoles::find(parser.value(o.from).trimmed().toLower());
        if (!base) {
            err(Tr::tr("There is no built-in role “%1”; use one of: %2.")
                    .arg(parser.value(o.from), BuiltinRoles::keys().join(QStringLiteral(", "))));
            return ExitUsage;
        }
        agent = *base;
        agent.builtin = false;
    } else {
        agent.role = QStringLiteral("custom");
    }
    if (!applyFlags(parser, o, agent))
        return ExitUsage;
    if (parser.isSet(o.model) || parser.isSet(o.fallback) || parser.isSet(o.system) || parser.isSet(o.systemFile) || parser.isSet(o.numCtx))
        learnModels(registry, storage, *common.makePool(parser));
    const QStringList warnings = registry.validate(agent).warnings(); // they do not block saving
    auto saved = await(action == u"add" ? registry.add(agent) : registry.update(agent));
    if (!saved) {
        err(saved.error().message);
        return ExitFailure;
    }
    printWarnings(warnings);
    if (json)
        outLine(QString::fromUtf8(QJsonDocument(saved->toJson()).toJson(QJsonDocument::Compact)));
    else
        outLine(action == u"add" ? Tr::tr("Created agent “%1” (id %2).").arg(saved->name).arg(saved->id)
                                 : Tr::tr("Saved agent “%1”.").arg(saved->name));
    flushOut();
    return ExitOk;
}

} // namespace rt::cli
