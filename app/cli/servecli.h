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
    // The descriptions are translated when the options are made (servecli.cpp).
    ServeOptions();

    QCommandLineOption bind;
    QCommandLineOption token;
    QCommandLineOption loopbackWithoutToken;
    QCommandLineOption maxViewers;
    QCommandLineOption viewerToken;
    QCommandLineOption noViewers;
    QCommandLineOption tlsCert;
    QCommandLineOption tlsKey;

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
