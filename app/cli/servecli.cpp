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
RT_TRANSLATION_CONTEXT("rt::cli::serve")
} // namespace

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
            err(tr("--bind needs an IP address such as 127.0.0.1 or 0.0.0.0, not \"%1\".").arg(value));
            return ExitUsage;
        }
    }
    if (parser.isSet(options.token)) {
        server.token = parser.value(options.token).trimmed();
        if (server.token.size() < 16) {
            err(tr("--token must be at least 16 characters long, so it cannot be guessed."));
            return ExitUsage;
        }
    }
    if (parser.isSet(options.loopbackWithoutToken))
        server.loopbackWithoutToken = true;
    if (parser.isSet(options.maxViewers)) {
        bool ok = false;
        const int n = parser.value(options.maxViewers).toInt(&ok);
        if (!ok || n < 1 || n > 100000) {
            err(tr("--max-viewers needs a number from 1 to 100000."));
            return ExitUsage;
        }
        server.viewerLimits.maxViewers = n;
    }
    if (parser.isSet(options.viewerToken)) {
        static const QRegularExpression hex(u"^[0-9A-Fa-f]{32,}$"_s);
        server.viewerToken = parser.value(options.viewerToken).trimmed();
        if (!hex.match(server.viewerToken).hasMatch()) {
            err(tr("--viewer-token needs at least 32 hex digits (128 bits), so it cannot be guessed."));
            return ExitUsage;
        }
    }
    if (parser.isSet(options.noViewers))
        server.shareDebates = false;
    if (parser.isSet(options.tlsCert) || parser.isSet(options.tlsKey)) {
        server.certificateFile = parser.value(options.tlsCert);
        server.keyFile = parser.value(options.tlsKey);
        if (server.certificateFile.isEmpty() || server.keyFile.isEmpty()) {
            err(tr("--tls-cert and --tls-key go together: give both PEM files."));
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
    print(tr("listening on %1").arg(url.toString()));
    print(tr("  %1/metrics  Prometheus text format; send the header \"Authorization: Bearer TOKEN\"%2")
              .arg(url.toString(), server.loopbackWithoutToken ? tr(" (not needed from this machine)") : QString()));
    print(tr("  %1/health   status as JSON (HTTP 503 when down); details with the token").arg(url.toString()));
    print(tr("  %1/         live view of the debates for remote viewers (open the viewers link below)").arg(url.toString()));
    print(u"token: "_s + server.token);
    print(tr("viewers: %1").arg(service.viewerUrl().toString()));
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
