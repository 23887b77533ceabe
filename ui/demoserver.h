#pragma once

#include <QByteArray>
#include <QObject>
#include <QProcess>
#include <QStringList>
#include <QTimer>
#include <QUrl>
#include <chrono>

namespace rt::ui {

// Runs the bundled roundtable-ollama-sim as a child process on a free port, for
// the demo mode. Start-up is asynchronous: the port is read from the first line
// the simulator prints. The process is stopped with this object (and, on Linux,
// by the kernel if the app dies).
class DemoServer final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DemoServer)
public:
    enum class State { Stopped, Starting, Running };
    Q_ENUM(State)
    static constexpr std::chrono::milliseconds KillAfter { 1500 };

    explicit DemoServer(QObject *parent = nullptr);
    ~DemoServer() override;

    // The simulator binary: set here, else $RT_SIM_PATH, else next to the app.
    void setProgramPath(const QString &path) { m_programPath = path; }
    QString programPath() const;
    void setExtraArguments(const QStringList &arguments) { m_extraArguments = arguments; }
    void setStartTimeoutMs(int ms) { m_startTimeout.setInterval(ms); }

    State state() const { return m_state; }
    bool isRunning() const { return m_state == State::Running; }
    QUrl url() const { return m_url; }
    qint64 processId() const { return m_process ? m_process->processId() : 0; }

public slots:
    void start();
    // Asks the simulator to exit (SIGTERM) and returns at once; it is killed
    // if it has not exited after KillAfter. Never waits.
    void stop();

signals:
    void started(const QUrl &url);
    void failed(const QString &message); // could not start
    void stopped(bool unexpectedly); // a running simulator ended
    void stateChanged(rt::ui::DemoServer::State state);

private:
    void onReadyRead();
    void onProcessError(QProcess::ProcessError error);
    void onProcessFinished(int exitCode, QProcess::ExitStatus status);
    void fail(const QString &message);
    void setState(State state);
    void discardProcess();
    // Lets the current process finish on its own: terminate (or kill at once
    // when killAfter is 0), delete it when it has exited.
    void retireProcess(std::chrono::milliseconds killAfter);

    QProcess *m_process = nullptr;
    QString m_programPath;
    QStringList m_extraArguments;
    QByteArray m_stdout;
    QTimer m_startTimeout;
    QUrl m_url;
    State m_state = State::Stopped;
    bool m_stopping = false;
};

} // namespace rt::ui
