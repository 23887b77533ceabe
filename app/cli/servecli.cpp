#include "servecli.h"

#include "clicommon.h"
#include "commands.h"
#include "common/translate.h"
#include "server/metricsservice.h"
#include "taskscli.h"

#include <QCoreApplication>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace rt::cli {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::cli::serve)
};
} // namespace

ServeOptions::ServeOptions()
    : bind(u"bind"_s, Tr::tr("Address to listen on (default: the one in Settings, 127.0.0.1). Use 0.0.0.0 to let other machines connect."),
        u"address"_s)
    , token(u"token"_s, Tr::tr("Bearer token for /metrics (default: the one in Settings, generated on first use)."), u"token"_s)
    , loopbackWithoutToken(u"no-token-on-loopback"_s, Tr::tr("Let requests from this machine read /metrics without the token."))
    , maxViewers(u"max-viewers"_s, Tr::tr("Most remote viewers at once (default: the one in Settings, 1000)."), u"n"_s)
    , viewerToken(u"viewer-token"_s,
          Tr::tr("Token of the viewer link, at least 32 hex digits (default: a fresh random one at every start)."), u"hex"_s)
    , noViewers(u"no-viewers"_s, Tr::tr("Do not show debates to remote viewers."))
    , tlsCert(u"tls-cert"_s, Tr::tr("PEM certificate: serve https and wss (with --tls-key)."), u"file"_s)
    , tlsKey(u"tls-key"_s, Tr::tr("PEM private key for --tls-cert."), u"file"_s)
{
}

void ServeOptions::addTo(QCommandLineParser &parser) const
{
    parser.addOptions({ bind, token, loopbackWithoutToken, maxViewers, viewerToken, noViewers, tlsCert, tlsKey });
}

int startServing(
    rt::server::MetricsService &service, const QCommandLineParser &parser, const ServeOptions &options, int port, bool toStderr)
{
    rt::server::ServerOptions server = rt::server::MetricsService::optionsFromSettings();
    if (port >= 0)
        server.port = quint16(port);
    if (parser.isSet(options.bind)) {
        const QString value = parser.value(options.bind).trimmed();
        server.address = value == u"localhost"_s ? QHostAddress(QHostAddress::LocalHost) : QHostAddress(value);
        if (server.address.isNull()) {
            err(Tr::tr("--bind needs an IP address such as 127.0.0.1 or 0.0.0.0, not \"%1\".").arg(value));
            return ExitUsage;
        }
    }
    if (parser.isSet(options.token)) {
        server.token = parser.value(options.token).trimmed();
        if (server.token.size() < 16) {
            err(Tr::tr("--token must be at least 16 characters long, so it cannot be guessed."));
            return ExitUsage;
        }
    }
    if (parser.isSet(options.loopbackWithoutToken))
        server.loopbackWithoutToken = true;
    if (parser.isSet(options.maxViewers)) {
        bool ok = false;
        const int n = parser.value(options.maxViewers).toInt(&ok);
        if (!ok || n < 1 || n > 100000) {
            err(Tr::tr("--max-viewers needs a number from 1 to 100000."));
            return ExitUsage;
        }
        server.viewerLimits.maxViewers = n;
    }
    if (parser.isSet(options.viewerToken)) {
        static const QRegularExpression hex(u"^[0-9A-Fa-f]{32,}$"_s);
        server.viewerToken = parser.value(options.viewerToken).trimmed();
        if (!hex.match(server.viewerToken).hasMatch()) {
            err(Tr::tr("--viewer-token needs at least 32 hex digits (128 bits), so it cannot be guessed."));
            return ExitUsage;
        }
    }
    if (parser.isSet(options.noViewers))
        server.shareDebates = false;
    if (parser.isSet(options.tlsCert) || parser.isSet(options.tlsKey)) {
        server.certificateFile = parser.value(options.tlsCert);
        server.keyFile = parser.value(options.tlsKey);
        if (server.certificateFile.isEmpty() || server.keyFile.isEmpty()) {
            err(Tr::tr("--tls-cert and --tls-key go together: give both PEM files."));
            return ExitUsage;
        }
    }
    const rt::Result<QUrl> started = await(service.startServer(server));
    if (!started) {
        err(started.error().message);
        return ExitFailure;
    }
    const QUrl url = started.value();
    const auto print = [toStderr](const QString &line) {
        if (toStderr)
            err(line);
        else
            outLine(line);
    };
    // "listening on URL", "token: TOKEN" and "viewers: URL" are read by
    // scripts and tests: never translated. The lines between are for people.
    print(u"listening on "_s + url.toString());
    if (server.loopbackWithoutToken) {
        //: %1 is the server's address; the endpoint and the header are not translated
        print(Tr::tr("  %1/metrics  Prometheus text format; send the header \"Authorization: Bearer TOKEN\" (not needed from this "
                     "machine)")
                  .arg(url.toString()));
    } else {
        //: %1 is the server's address; the endpoint and the header are not translated
        print(Tr::tr("  %1/metrics  Prometheus text format; send the header \"Authorization: Bearer TOKEN\"").arg(url.toString()));
    }
    //: %1 is the server's address
    print(Tr::tr("  %1/health   status as JSON (HTTP 503 when down); details with the token").arg(url.toString()));
    //: %1 is the server's address
    print(Tr::tr("  %1/         live view of the debates for remote viewers (open the viewers link below)").arg(url.toString()));
    print(u"token: "_s + server.token);
    print(u"viewers: "_s + service.viewerUrl().toString());
    flushOut();
    return ExitOk;
}

qint64 parseDurationSeconds(const QString &text)
{
    static const QRegularExpression pattern(u"^\\s*(\\d+(?:\\.\\d+)?)\\s*([smhdw]?)\\s*$"_s);
    const QRegularExpressionMatch m = pattern.match(text.toLower());
    if (!m.hasMatch())
        return -1;
    const double n = m.captured(1).toDouble();
    const QString unit = m.captured(2);
    const double scale = unit == u"m"_s ? 60 : unit == u"h"_s ? 3600 : unit == u"d"_s ? 86400 : unit == u"w"_s ? 604800 : 1;
    return qint64(n * scale);
}

} // namespace rt::cli
