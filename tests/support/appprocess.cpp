#include "appprocess.h"

#include "testpaths.h"

#include <QDir>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QTcpServer>

namespace rt::test {

QUrl closedLoopbackUrl()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return QUrl(QStringLiteral("http://127.0.0.1:9"));
    const quint16 port = server.serverPort();
    server.close();
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(port);
    return url;
}

AppEnvironment::AppEnvironment()
    : m_deadUrl(closedLoopbackUrl())
{
    const QProcessEnvironment system = QProcessEnvironment::systemEnvironment();
    for (const QString &name : system.keys()) {
        if (name.startsWith(u"ROUNDTABLE_") || name.startsWith(u"OLLAMA_") || name.startsWith(u"XDG_"))
            continue;
        m_env.insert(name, system.value(name));
    }
    const QDir home(m_home.path());
    m_env.insert(QStringLiteral("HOME"), home.path());
    const struct {
        const char *variable;
        const char *folder;
    } folders[] = { { "XDG_CONFIG_HOME", "config" }, { "XDG_DATA_HOME", "data" }, { "XDG_CACHE_HOME", "cache" },
        { "XDG_STATE_HOME", "state" }, { "XDG_RUNTIME_DIR", "runtime" } };
    for (const auto &f : folders) {
        const QString path = home.filePath(QString::fromLatin1(f.folder));
        QDir().mkpath(path);
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        m_env.insert(QString::fromLatin1(f.variable), path);
    }
    m_env.insert(QStringLiteral("OLLAMA_HOST"), m_deadUrl.toString());
}

void AppEnvironment::start(QProcess &process, const QStringList &arguments) const
{
    start(process, arguments, m_env);
}

void AppEnvironment::start(QProcess &process, const QStringList &arguments, const QProcessEnvironment &env) const
{
    process.setProcessEnvironment(env);
    process.setWorkingDirectory(m_home.path());
    process.start(appPath(), arguments);
}

AppRun AppEnvironment::run(const QStringList &arguments, int timeoutMs) const
{
    return run(arguments, m_env, timeoutMs);
}

AppRun AppEnvironment::run(const QStringList &arguments, const QProcessEnvironment &env, int timeoutMs) const
{
    QProcess process;
    start(process, arguments, env);
    AppRun r;
    if (!process.waitForStarted(10000)) {
        r.err = QStringLiteral("did not start: ") + process.errorString();
        return r;
    }
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(5000);
        r.out = QString::fromUtf8(process.readAllStandardOutput());
        r.err = QStringLiteral("did not finish within %1 ms; stderr so far: ").arg(timeoutMs)
            + QString::fromUtf8(process.readAllStandardError());
        return r;
    }
    r.code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    r.out = QString::fromUtf8(process.readAllStandardOutput());
    r.err = QString::fromUtf8(process.readAllStandardError());
    return r;
}

QRegularExpressionMatch waitForLine(QProcess &p, QByteArray &buffer, const QRegularExpression &pattern, bool stderrChannel, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < timeoutMs) {
        const QRegularExpressionMatch m = pattern.match(QString::fromUtf8(buffer));
        if (m.hasMatch())
            return m;
        if (p.state() == QProcess::NotRunning)
            break;
        p.waitForReadyRead(100);
        buffer += stderrChannel ? p.readAllStandardError() : p.readAllStandardOutput();
    }
    return pattern.match(QString::fromUtf8(buffer));
}

} // namespace rt::test
