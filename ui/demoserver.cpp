#include "demoserver.h"

#include "common/logging.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSignalBlocker>
#include <QThread>

#ifdef Q_OS_LINUX
#include <csignal>
#include <sys/prctl.h>
#endif

namespace rt::ui {

DemoServer::DemoServer(QObject *parent)
    : QObject(parent)
{
    m_startTimeout.setSingleShot(true);
    m_startTimeout.setInterval(15'000);
    connect(&m_startTimeout, &QTimer::timeout, this,
        [this] { fail(tr("The simulator did not report its address within %1 seconds.").arg(m_startTimeout.interval() / 1000)); });
    // Quitting the app stops the simulator even if this object outlives the loop.
    if (QCoreApplication *app = QCoreApplication::instance())
        connect(app, &QCoreApplication::aboutToQuit, this, &DemoServer::stop);
}

DemoServer::~DemoServer()
{
    const QSignalBlocker quiet(this); // receivers may already be half gone
    stop();
}

QString DemoServer::programPath() const
{
    if (!m_programPath.isEmpty())
        return m_programPath;
    if (const QString fromEnvironment = qEnvironmentVariable("RT_SIM_PATH"); !fromEnvironment.isEmpty())
        return fromEnvironment;
#ifdef Q_OS_WIN
    return QCoreApplication::applicationDirPath() + QStringLiteral("/roundtable-ollama-sim.exe");
#else
    return QCoreApplication::applicationDirPath() + QStringLiteral("/roundtable-ollama-sim");
#endif
}

void DemoServer::start()
{
    if (m_state != State::Stopped)
        return;
    const QString program = programPath();
    const QFileInfo info(program);
    if (!info.exists() || !info.isExecutable()) {
        emit failed(tr("The demo simulator was not found at %1. It is built with Roundtable as roundtable-ollama-sim.").arg(program));
        return;
    }

    m_stdout.clear();
    m_url = QUrl();
    m_stopping = false;
    m_process = new QProcess(this);
    m_process->setProgram(program);
    m_process->setArguments(QStringList { QStringLiteral("--port"), QStringLiteral("0") } + m_extraArguments);
    m_process->setProcessChannelMode(QProcess::SeparateChannels);
#ifdef Q_OS_LINUX
    // If the app is killed, the kernel stops the simulator too.
    m_process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
#endif
    connect(m_process, &QProcess::readyReadStandardOutput, this, &DemoServer::onReadyRead);
    connect(m_process, &QProcess::readyReadStandardError, this, [this] {
        if (m_process && m_state == State::Running)
            m_process->readAllStandardError(); // keep only start-up errors; don't let a log pile up
    });
    connect(m_process, &QProcess::errorOccurred, this, &DemoServer::onProcessError);
    connect(m_process, &QProcess::finished, this, &DemoServer::onProcessFinished);
    setState(State::Starting);
    m_startTimeout.start();
    qCDebug(lcUi) << "starting demo simulator" << program << m_process->arguments();
    m_process->start(QIODevice::ReadOnly);
}

void DemoServer::onReadyRead()
{
    if (!m_process)
        return;
    const QByteArray bytes = m_process->readAllStandardOutput();
    if (m_state != State::Starting)
        return; // later output is not ours to read
    m_stdout += bytes;
    static const QRegularExpression listening(QStringLiteral("listening on (https?://\\S+)"));
    qsizetype newline = -1;
    while ((newline = m_stdout.indexOf('\n')) >= 0) {
        const QString line = QString::fromUtf8(m_stdout.left(newline)).trimmed();
        m_stdout.remove(0, newline + 1);
        const QRegularExpressionMatch match = listening.match(line);
        if (!match.hasMatch())
            continue;
        const QUrl url(match.captured(1));
        if (!url.isValid() || url.port() <= 0)
            continue;
        m_startTimeout.stop();
        m_url = url;
        m_stdout.clear();
        setState(State::Running);
        qCDebug(lcUi) << "demo simulator listening on" << url;
        emit started(url);
        return;
    }
    if (m_stdout.size() > 64 * 1024)
        m_stdout = m_stdout.right(4096);
}

void DemoServer::onProcessError(QProcess::ProcessError error)
{
    if (error == QProcess::FailedToStart)
        fail(tr("The demo simulator could not be started: %1").arg(m_process ? m_process->errorString() : QString()));
}

void DemoServer::onProcessFinished(int exitCode, QProcess::ExitStatus status)
{
    if (m_stopping || !m_process)
        return;
    if (m_state == State::Starting) {
        const QString errors = QString::fromUtf8(m_process->readAllStandardError()).trimmed().section(u'\n', -1);
        fail(errors.isEmpty() ? tr("The demo simulator exited before it was ready (exit code %1).").arg(exitCode)
                              : tr("The demo simulator exited before it was ready: %1").arg(errors));
        return;
    }
    qCWarning(lcUi) << "demo simulator ended" << exitCode << status;
    discardProcess();
    m_url = QUrl();
    setState(State::Stopped);
    emit stopped(true);
}

void DemoServer::fail(const QString &message)
{
    if (m_state != State::Starting)
        return;
    m_startTimeout.stop();
    m_stopping = true;
    retireProcess(std::chrono::milliseconds(0)); // it failed us: no grace
    setState(State::Stopped);
    qCWarning(lcUi).noquote() << message;
    emit failed(message);
}

void DemoServer::stop()
{
    if (!m_process)
        return;
    m_stopping = true;
    m_startTimeout.stop();
    const bool wasRunning = m_state == State::Running;
    // Nothing waits here: the simulator exits at once on SIGTERM, and is
    // killed if it lingers; it finishes in the background.
    retireProcess(KillAfter);
    m_url = QUrl();
    setState(State::Stopped);
    if (wasRunning)
        emit stopped(false);
}

void DemoServer::retireProcess(std::chrono::milliseconds killAfter)
{
    QProcess *process = std::exchange(m_process, nullptr);
    if (!process)
        return;
    process->disconnect(this);
    if (process->state() == QProcess::NotRunning) {
        process->deleteLater();
        return;
    }
    if (QThread::currentThread()->loopLevel() == 0) {
        // No event loop runs any more (the window closed and the application
        // is ending): nobody would see it finish, so end it here.
        process->kill();
        process->waitForFinished(1000);
        delete process;
        return;
    }
    // From here it is on its own: owned by the application (so it outlives
    // this object), deleted when it has exited. Without an application it
    // stays our child and QProcess's destructor kills and reaps it.
    if (QCoreApplication *app = QCoreApplication::instance(); app && app->thread() == process->thread())
        process->setParent(app);
    connect(process, &QProcess::finished, process, [process](int exitCode, QProcess::ExitStatus status) {
        qCDebug(lcUi) << "demo simulator exited" << exitCode << status;
        process->deleteLater();
    });
    auto *killTimer = new QTimer(process);
    killTimer->setSingleShot(true);
    connect(killTimer, &QTimer::timeout, process, [process] {
        qCWarning(lcUi) << "demo simulator did not exit on SIGTERM; killing it";
        process->kill(); // finished() follows
    });
    if (killAfter.count() <= 0) {
        process->kill();
    } else {
        process->terminate();
        killTimer->start(killAfter);
    }
}

void DemoServer::discardProcess()
{
    if (!m_process)
        return;
    m_process->disconnect(this);
    m_process->deleteLater();
    m_process = nullptr;
}

void DemoServer::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

} // namespace rt::ui
