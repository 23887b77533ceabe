#include "simoptions.h"

#include <QCommandLineParser>

using namespace Qt::StringLiterals;

namespace rt::sim {

namespace {
bool toInt(const QString &text, int min, int *out)
{
    bool ok = false;
    const int v = text.toInt(&ok);
    if (!ok || v < min)
        return false;
    *out = v;
    return true;
}
} // namespace

bool SimOptions::parse(const QStringList &arguments, QString *error)
{
    QCommandLineParser p;
    p.setApplicationDescription(u"Protocol-faithful Ollama simulator for Roundtable's tests and benchmarks."_s);
    p.addHelpOption();
    const QCommandLineOption hostOpt(u"host"_s, u"Address to listen on (default 127.0.0.1)."_s, u"addr"_s);
    const QCommandLineOption portOpt(u"port"_s, u"Port (default 11434; 0 = any free port)."_s, u"n"_s);
    const QCommandLineOption seedOpt(u"seed"_s, u"Seed for the replies (default 42)."_s, u"n"_s);
    const QCommandLineOption tokensOpt(u"tokens"_s, u"Reply length in tokens (default 40)."_s, u"n"_s);
    const QCommandLineOption tpsOpt(u"tps"_s, u"Tokens per second (0 = as fast as possible; default 0)."_s, u"n"_s);
    const QCommandLineOption delayOpt(u"first-token-delay-ms"_s, u"Delay before the first chunk (and headers)."_s, u"ms"_s);
    const QCommandLineOption pullOpt(u"pull-ms"_s, u"Duration of a successful pull (default 1500)."_s, u"ms"_s);
    const QCommandLineOption faultOpt(u"fault"_s, u"Fault for every generation request: MODE[:ARG]."_s, u"mode"_s);
    const QCommandLineOption maxOpt(u"max-seconds"_s, u"Exit by itself after this many seconds."_s, u"n"_s);
    const QCommandLineOption modelsOpt(u"models"_s, u"JSON file listing the models to serve."_s, u"file"_s);
    const QCommandLineOption versionOpt(u"server-version"_s, u"Version reported by /api/version."_s, u"v"_s);
    const QCommandLineOption quietOpt(u"quiet"_s, u"Do not log requests to stderr."_s);
    p.addOptions({ hostOpt, portOpt, seedOpt, tokensOpt, tpsOpt, delayOpt, pullOpt, faultOpt, maxOpt, modelsOpt, versionOpt, quietOpt });
    const DebateSimFlags debateFlags;
    debateFlags.addTo(p);
    if (!p.parse(arguments)) {
        *error = p.errorText();
        return false;
    }
    if (p.isSet(u"help"_s)) {
        *error = p.helpText();
        return false;
    }
    if (!p.positionalArguments().isEmpty()) {
        *error = u"unexpected argument: %1"_s.arg(p.positionalArguments().first());
        return false;
    }
    int v = 0;
    if (p.isSet(hostOpt))
        host = p.value(hostOpt);
    if (p.isSet(portOpt)) {
        if (!toInt(p.value(portOpt), 0, &v) || v > 65535) {
            *error = u"--port must be 0-65535"_s;
            return false;
        }
        port = quint16(v);
    }
    if (p.isSet(seedOpt)) {
        bool ok = false;
        seed = p.value(seedOpt).toULongLong(&ok);
        if (!ok) {
            *error = u"--seed must be a non-negative integer"_s;
            return false;
        }
    }
    const struct {
        const QCommandLineOption &opt;
        int *target;
    } ints[] = { { tokensOpt, &tokens }, { tpsOpt, &tokensPerSecond }, { delayOpt, &firstTokenDelayMs }, { pullOpt, &pullMs },
        { maxOpt, &maxSeconds } };
    for (const auto &i : ints) {
        if (!p.isSet(i.opt))
            continue;
        if (!toInt(p.value(i.opt), 0, i.target)) {
            *error = u"--%1 must be a non-negative integer"_s.arg(i.opt.names().first());
            return false;
        }
    }
    if (p.isSet(faultOpt)) {
        const auto spec = FaultSpec::parse(p.value(faultOpt), error);
        if (!spec)
            return false;
        fault = *spec;
    }
    if (p.isSet(modelsOpt))
        modelsFile = p.value(modelsOpt);
    if (p.isSet(versionOpt))
        version = p.value(versionOpt);
    quiet = p.isSet(quietOpt);
    return debateFlags.apply(p, &debate, error);
}

} // namespace rt::sim
