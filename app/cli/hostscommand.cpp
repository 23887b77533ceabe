// roundtable hosts: the Ollama servers Roundtable uses, kept in the settings
// file the window reads too.
#include "clicommon.h"
#include "commands.h"
#include "common/appsettings.h"
#include "common/translate.h"
#include "llm/endpointpool.h"
#include "llm/modelcatalog.h"
#include "llm/modelinfo.h"
#include "llm/ollamaclient.h"
#include "llm/ollamahost.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace rt::cli {

namespace {

struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::cli::hosts)
};

// Hosts saved in the settings (not the implicit default).
QList<rt::llm::HostConfig> savedHosts()
{
    if (rt::AppSettings::value(rt::AppSettings::OllamaHosts).toString().trimmed().isEmpty())
        return {};
    return rt::llm::HostConfig::fromSettings();
}

QJsonArray toJson(const QList<rt::llm::HostConfig> &hosts, bool saved)
{
    QJsonArray array;
    for (const rt::llm::HostConfig &h : hosts) {
        QJsonObject o = h.toJson();
        o.insert(u"saved"_s, saved);
        array.append(o);
    }
    return array;
}

int listHosts(const QCommandLineParser &parser, const CommonOptions &common, bool json)
{
    const QList<rt::llm::HostConfig> saved = parser.isSet(common.ollamaHost) ? QList<rt::llm::HostConfig>() : savedHosts();
    const QList<rt::llm::HostConfig> hosts = saved.isEmpty() ? rt::llm::HostConfig::fromSettings(parser.value(common.ollamaHost)) : saved;
    if (json) {
        outLine(QString::fromUtf8(QJsonDocument(toJson(hosts, !saved.isEmpty())).toJson(QJsonDocument::Compact)));
        return ExitOk;
    }
    QList<QStringList> rows { { Tr::tr("NAME"), Tr::tr("URL"), Tr::tr("MAX REQUESTS") } };
    for (const rt::llm::HostConfig &h : hosts)
        rows.append({ h.name, rt::llm::displayHost(h.url), QString::number(h.maxConcurrent) });
    out(formatTable(rows));
    if (saved.isEmpty() && !parser.isSet(common.ollamaHost))
        outLine(Tr::tr("(No host is saved, so Roundtable uses this one, from $OLLAMA_HOST or the default. "
                       "Add hosts with: roundtable hosts add NAME URL)"));
    return ExitOk;
}

int addHost(const QStringList &positional, const QCommandLineParser &parser, const QCommandLineOption &maxOption)
{
    if (positional.size() != 3) {
        err(Tr::tr("Usage: roundtable hosts add NAME URL [--max-concurrent N], e.g. roundtable hosts add gpu-box http://10.0.0.5:11434"));
        return ExitUsage;
    }
    const QString name = positional.at(1).trimmed();
    static const QRegularExpression validName(u"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"_s);
    if (!validName.match(name).hasMatch()) {
        err(Tr::tr("The host name \"%1\" is not valid: use letters, digits, '.', '_' or '-' (up to 40), starting with a letter or digit.")
                .arg(name));
        return ExitUsage;
    }
    const auto url = rt::llm::parseOllamaHostStrict(positional.at(2));
    if (!url) {
        //: %1 is the address given, %2 the reason it is not valid
        err(Tr::tr("\"%1\" is not a valid Ollama host: %2").arg(positional.at(2), url.error().message));
        return ExitUsage;
    }
    rt::llm::HostConfig host;
    host.name = name;
    host.url = *url;
    host.maxConcurrent = rt::AppSettings::value(rt::AppSettings::MaxConcurrentPerHost).toInt();
    if (!readNumber(parser, maxOption, 1, rt::llm::HostConfig::MaxConcurrentLimit, [&](double v) { host.maxConcurrent = int(v); }))
        return ExitUsage;

    QList<rt::llm::HostConfig> hosts = savedHosts();
    if (hosts.isEmpty()) {
        // The implicit default stays in the list: adding a second machine
        // should not silently drop the first.
        const rt::llm::HostConfig implicit = rt::llm::HostConfig::fromSettings().constFirst();
        if (implicit.url != host.url && implicit.name.compare(name, Qt::CaseInsensitive) != 0) {
            hosts.append(implicit);
            //: %1 is a host name, %2 its address
            err(Tr::tr("Saved the host Roundtable used so far too: %1 (%2). Remove it with: roundtable hosts rm %1")
                    .arg(implicit.name, rt::llm::displayHost(implicit.url)));
        }
    }
    for (const rt::llm::HostConfig &h : std::as_const(hosts)) {
        if (h.name.compare(name, Qt::CaseInsensitive) == 0) {
            //: %1 is a host name, %2 its address
            err(Tr::tr("A host named \"%1\" already exists (%2). Remove it first with: roundtable hosts rm %1")
                    .arg(h.name, rt::llm::displayHost(h.url)));
            return ExitFailure;
        }
    }
    hosts.append(host);
    rt::llm::HostConfig::saveToSettings(hosts);
    //: %1 is a host name, %2 its address
    outLine(Tr::tr("Added host %1 (%2).").arg(name, rt::llm::displayHost(host.url)));
    return ExitOk;
}

int removeHost(const QStringList &positional)
{
    if (positional.size() != 2) {
        err(Tr::tr("Usage: roundtable hosts rm NAME"));
        return ExitUsage;
    }
    const QString name = positional.at(1).trimmed();
    QList<rt::llm::HostConfig> hosts = savedHosts();
    QStringList names;
    for (qsizetype i = 0; i < hosts.size(); ++i) {
        if (hosts.at(i).name.compare(name, Qt::CaseInsensitive) == 0) {
            const rt::llm::HostConfig removed = hosts.takeAt(i);
            rt::llm::HostConfig::saveToSettings(hosts);
            //: %1 is a host name, %2 its address
            outLine(Tr::tr("Removed host %1 (%2).").arg(removed.name, rt::llm::displayHost(removed.url)));
            if (hosts.isEmpty())
                outLine(Tr::tr("No host is saved now; Roundtable uses $OLLAMA_HOST or http://127.0.0.1:11434."));
            return ExitOk;
        }
        names.append(hosts.at(i).name);
    }
    err(names.isEmpty() ? Tr::tr("There is no saved host \"%1\"; no host is saved.").arg(name)
                        : Tr::tr("There is no saved host \"%1\". Saved hosts: %2.").arg(name, names.join(u", "_s)));
    return ExitFailure;
}

struct HostCheck {
    rt::llm::HostConfig config;
    bool up = false;
    QString version;
    qint64 latencyMs = -1;
    int models = -1;
    QStringList modelNames;
    int loaded = -1;
    QString error;

    QJsonObject toJson() const
    {
        QJsonObject o = config.toJson();
        o.insert(u"state"_s, up ? u"up"_s : u"down"_s);
        if (up) {
            o.insert(u"version"_s, version);
            o.insert(u"latency_ms"_s, double(latencyMs));
            o.insert(u"models"_s, QJsonArray::fromStringList(modelNames));
            if (loaded >= 0)
                o.insert(u"loaded"_s, loaded);
        } else {
            o.insert(u"error"_s, error);
        }
        return o;
    }
};

// Asks every host at once: /api/version (state, version, latency), /api/tags
// (models) and /api/ps (loaded now), through the pool's control clients.
int checkHosts(const QCommandLineParser &parser, const CommonOptions &common, bool json)
{
    const std::unique_ptr<rt::llm::EndpointPool> pool = common.makePool(parser);
    const QStringList names = pool->hostNames();
    QList<HostCheck> checks;
    for (const QString &name : names)
        checks.append(HostCheck { *pool->hostConfig(name) });
    int remaining = int(checks.size()) * 3;
    const auto done = [&](HostCheck &) {
        if (--remaining == 0)
            QCoreApplication::exit(0);
    };
    for (qsizetype i = 0; i < checks.size(); ++i) {
        rt::llm::OllamaClient *control = pool->controlClient(names.at(i));
        auto clock = std::make_shared<QElapsedTimer>();
        clock->start();
        control->fetchVersion(pool.get(), [&, i, clock](const rt::Result<QString> &version) {
            HostCheck &c = checks[i];
            if (version) {
                c.up = true;
                c.version = *version;
                c.latencyMs = clock->elapsed();
            } else {
                c.error = version.error().message;
            }
            done(c);
        });
        control->fetchModels(pool.get(), [&, i](const rt::Result<QList<rt::llm::ModelInfo>> &models) {
            HostCheck &c = checks[i];
            if (models) {
                c.models = int(models->size());
                for (const rt::llm::ModelInfo &m : *models)
                    c.modelNames.append(m.name);
            }
            done(c);
        });
        control->fetchRunning(pool.get(), [&, i](const rt::Result<QJsonObject> &ps) {
            HostCheck &c = checks[i];
            if (ps)
                c.loaded = int(rt::llm::RunningModel::listFromPs(*ps).size());
            done(c);
        });
    }
    if (remaining > 0)
        QCoreApplication::exec();

    bool anyUp = false;
    for (const HostCheck &c : std::as_const(checks))
        anyUp = anyUp || c.up;
    if (json) {
        QJsonArray array;
        for (const HostCheck &c : std::as_const(checks))
            array.append(c.toJson());
        outLine(QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact)));
    } else {
        QList<QStringList> rows { { Tr::tr("NAME"), Tr::tr("URL"), Tr::tr("STATE"), Tr::tr("VERSION"), Tr::tr("LATENCY"), Tr::tr("MODELS"),
            Tr::tr("LOADED") } };
        for (const HostCheck &c : std::as_const(checks)) {
            //: The state of an Ollama host in the STATE column: it answers (up) or not (down)
            rows.append({ c.config.name, rt::llm::displayHost(c.config.url), c.up ? Tr::tr("up") : Tr::tr("down"),
                c.up ? c.version : u"-"_s, c.up ? Tr::tr("%1 ms").arg(c.latencyMs) : u"-"_s,
                c.models >= 0 ? QString::number(c.models) : u"-"_s, c.loaded >= 0 ? QString::number(c.loaded) : u"-"_s });
        }
        out(formatTable(rows));
        for (const HostCheck &c : std::as_const(checks)) {
            if (!c.up)
                //: %1 is a host name, %2 why it does not answer
                err(Tr::tr("%1: %2").arg(c.config.name, c.error));
        }
    }
    flushOut();
    if (!anyUp) {
        err(names.size() == 1 ? Tr::tr("The Ollama host does not answer.") : Tr::tr("No Ollama host answers."));
        return ExitUnreachable;
    }
    return ExitOk;
}

} // namespace

int runHosts(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Tr::tr("The Ollama hosts Roundtable uses, saved in the settings the window uses too. Requests go to a host that has the "
               "model; a host that fails is taken out of rotation until it answers again.\n\n"
               "  roundtable hosts list [--json]\n"
               "  roundtable hosts add NAME URL [--max-concurrent N]\n"
               "  roundtable hosts rm NAME\n"
               "  roundtable hosts check [--json]    state, version, latency and models of every host; exit 3 when none answers"));
    CommonOptions common;
    common.addTo(parser);
    const QCommandLineOption json(u"json"_s, Tr::tr("Print JSON."));
    const QCommandLineOption maxConcurrent(u"max-concurrent"_s, Tr::tr("add: requests this host runs at once (default 4)."), u"n"_s);
    parser.addOptions({ json, maxConcurrent });
    parser.addPositionalArgument(u"action"_s, Tr::tr("list (default), add, rm or check"));
    parser.addPositionalArgument(u"args"_s, Tr::tr("NAME URL (add), NAME (rm)"), u"[args...]"_s);
    if (!parseOrExplain(parser, arguments))
        return ExitUsage;
    common.apply(parser);
    const QStringList positional = parser.positionalArguments();
    const QString action = positional.value(0, u"list"_s);
    if (action == u"list" && positional.size() <= 1)
        return listHosts(parser, common, parser.isSet(json));
    if (action == u"check" && positional.size() <= 1)
        return checkHosts(parser, common, parser.isSet(json));
    if (action == u"add")
        return addHost(positional, parser, maxConcurrent);
    if (action == u"rm" || action == u"remove")
        return removeHost(positional);
    err(Tr::tr("Unknown hosts action \"%1\". Use list, add NAME URL, rm NAME or check.").arg(positional.join(u' ')));
    return ExitUsage;
}

} // namespace rt::cli
