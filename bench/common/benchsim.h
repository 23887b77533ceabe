#pragma once

// Starting roundtable-ollama-sim for a benchmark: one place for every bench.
#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

namespace rt::bench {

// Starts the simulator at `path` with `--port 0 --quiet` plus `arguments` and
// returns the URL it prints ("listening on http://..."), or an empty string
// when it does not come up within `timeoutMs`.
inline QString startSimulator(QProcess &sim, const QString &path, const QStringList &arguments, int timeoutMs = 10000)
{
    sim.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    sim.start(path, QStringList { QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--quiet") } + arguments);
    static const QRegularExpression listening(QStringLiteral("listening on (http://\\S+)"));
    QByteArray out;
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < timeoutMs && sim.state() != QProcess::NotRunning) {
        sim.waitForReadyRead(200);
        out += sim.readAllStandardOutput();
        const QRegularExpressionMatch m = listening.match(QString::fromUtf8(out));
        if (m.hasMatch())
            return m.captured(1);
    }
    return {};
}

} // namespace rt::bench
