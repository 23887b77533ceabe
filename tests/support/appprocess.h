#pragma once

#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

namespace rt::test {

// What one run of the built roundtable executable printed.
struct AppRun {
    int code = -1; // -1: did not start, did not finish in time, or crashed
    QString out;
    QString err;
};

// A sealed-off environment for running the roundtable executable, so a test
// never reads or writes the user's settings or database and never reaches a
// real Ollama: HOME and the XDG folders point into a temporary directory,
// ROUNDTABLE_* and OLLAMA_* variables are removed, and OLLAMA_HOST names a
// loopback port nobody listens on. Tests that need a server pass
// --ollama-host with a simulator's URL.
class AppEnvironment final {
    Q_DISABLE_COPY_MOVE(AppEnvironment)

public:
    AppEnvironment();

    bool isValid() const { return m_home.isValid(); }
    QString home() const { return m_home.path(); }
    QProcessEnvironment environment() const { return m_env; } // a copy to add to
    QUrl deadOllamaUrl() const { return m_deadUrl; }

    // Starts the app in this environment (or in `env`, e.g. a copy of
    // environment() with ROUNDTABLE_DB added) without waiting.
    void start(QProcess &process, const QStringList &arguments) const;
    void start(QProcess &process, const QStringList &arguments, const QProcessEnvironment &env) const;
    // Runs the app and waits up to timeoutMs for it to exit.
    AppRun run(const QStringList &arguments, int timeoutMs = 60000) const;
    AppRun run(const QStringList &arguments, const QProcessEnvironment &env, int timeoutMs = 60000) const;

private:
    QTemporaryDir m_home;
    QProcessEnvironment m_env;
    QUrl m_deadUrl;
};

// http://127.0.0.1:PORT where PORT was free a moment ago: connections to it
// are refused at once.
QUrl closedLoopbackUrl();

// Reads a running process's stdout (or stderr) into `buffer` until `pattern`
// matches it, the process ends or timeoutMs pass; the last match attempt.
QRegularExpressionMatch waitForLine(QProcess &p, QByteArray &buffer, const QRegularExpression &pattern, bool stderrChannel, int timeoutMs);

} // namespace rt::test
