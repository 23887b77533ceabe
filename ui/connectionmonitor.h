#pragma once

#include "common/result.h"

#include <QObject>
#include <QTimer>
#include <QUrl>

namespace rt::llm {
class OllamaClient;
}

namespace rt::ui {

// Knows whether Ollama answers at the client's host: asks /api/version at
// start, retries every few seconds while offline (with a countdown a page can
// show) and checks now and then while online, so a server that goes away is
// noticed. Shared by every page that needs Ollama. Checks go through a
// network manager of their own, so they never wait behind six busy streams
// (QNAM's per-host connection limit) and mistake a busy server for a dead one.
class ConnectionMonitor final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionMonitor)
public:
    enum class State { Connecting, Online, Offline };
    Q_ENUM(State)

    explicit ConnectionMonitor(rt::llm::OllamaClient *client, QObject *parent = nullptr);

    State state() const { return m_state; }
    bool isOnline() const { return m_state == State::Online; }
    bool isChecking() const { return m_checking; }
    QUrl host() const;
    QString version() const { return m_version; }
    rt::Error lastError() const { return m_lastError; }
    int secondsUntilRetry() const { return m_secondsLeft; }

    void setRetryIntervalMs(int ms) { m_retryIntervalMs = ms; }
    void setOnlinePollIntervalMs(int ms) { m_onlinePollMs = ms; }
    void setRequestTimeoutMs(int ms) { m_requestTimeoutMs = ms; }

public slots:
    // Starts (or restarts, after the client's host changed) from Connecting.
    void restart();
    // Asks now, unless a check is already on its way.
    void checkNow();

signals:
    void stateChanged(rt::ui::ConnectionMonitor::State state);
    void checkingChanged(bool checking);
    void countdownChanged(int secondsLeft);

private:
    void onTick();
    void setState(State state);
    void scheduleNext();

    rt::llm::OllamaClient *m_client; // whose host is watched
    rt::llm::OllamaClient *m_probe; // own network manager: never queued behind streams
    QTimer m_tick; // one second: countdown while offline, poll while online
    State m_state = State::Connecting;
    QString m_version;
    rt::Error m_lastError;
    quint64 m_generation = 0; // answers from before restart() are ignored
    int m_retryIntervalMs = 5000;
    int m_onlinePollMs = 15000;
    int m_requestTimeoutMs = 5000;
    int m_secondsLeft = 0;
    int m_onlineElapsedMs = 0;
    bool m_checking = false;
};

} // namespace rt::ui
