#pragma once

#include <QCommandLineOption>
#include <QCommandLineParser>

namespace rt::server {
class MetricsService;
}

// The local server's flags and start-up, shared by `roundtable serve` and
// `roundtable debate --serve PORT`.
namespace rt::cli {

struct ServeOptions {
    QCommandLineOption bind { QStringLiteral("bind"),
        QStringLiteral("Address to listen on (default: the one in Settings, 127.0.0.1). Use 0.0.0.0 to let other machines connect."),
        QStringLiteral("address") };
    QCommandLineOption token { QStringLiteral("token"),
        QStringLiteral("Bearer token for /metrics (default: the one in Settings, generated on first use)."), QStringLiteral("token") };
    QCommandLineOption loopbackWithoutToken { QStringLiteral("no-token-on-loopback"),
        QStringLiteral("Let requests from this machine read /metrics without the token.") };
    QCommandLineOption maxViewers { QStringLiteral("max-viewers"),
        QStringLiteral("Most remote viewers at once (default: the one in Settings, 1000)."), QStringLiteral("n") };
    QCommandLineOption viewerToken { QStringLiteral("viewer-token"),
        QStringLiteral("Token of the viewer link, at least 32 hex digits (default: a fresh random one at every start)."),
        QStringLiteral("hex") };
    QCommandLineOption noViewers { QStringLiteral("no-viewers"), QStringLiteral("Do not show debates to remote viewers.") };
    QCommandLineOption tlsCert { QStringLiteral("tls-cert"), QStringLiteral("PEM certificate: serve https and wss (with --tls-key)."),
        QStringLiteral("file") };
    QCommandLineOption tlsKey { QStringLiteral("tls-key"), QStringLiteral("PEM private key for --tls-cert."), QStringLiteral("file") };

    void addTo(QCommandLineParser &parser) const;
};

// Starts `service`'s server on `port` with the flags of `options` (else the
// settings) and prints its address, endpoints, `token: TOKEN` and
// `viewers: URL` (the link to share with remote viewers) to stdout
// (or stderr when stdout carries other output). Returns an exit code: 0 when
// serving, 1 when the port cannot be used, 2 for a bad flag.
int startServing(
    rt::server::MetricsService &service, const QCommandLineParser &parser, const ServeOptions &options, int port, bool toStderr);

// "90s", "15m", "2h", "7d" or plain seconds; -1 when not understood.
qint64 parseDurationSeconds(const QString &text);

} // namespace rt::cli
