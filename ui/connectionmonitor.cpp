#include "connectionmonitor.h"

#include "common/logging.h"
#include "llm/ollamaclient.h"
#include "llm/ollamahost.h"

namespace rt::ui {

ConnectionMonitor::ConnectionMonitor(rt::llm::OllamaClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_probe(new rt::llm::OllamaClient(client->config(), nullptr, this))
{
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &ConnectionMonitor::onTick);
}

QUrl ConnectionMonitor::host() const
{
    return m_client->baseUrl();
}

void ConnectionMonitor::restart()
{
    ++m_generation;
    m_tick.stop();
    if (m_checking) {
        m_checking = false;
        emit checkingChanged(false);
    }
    m_version.clear();
    m_lastError = {};
    setState(State::Connecting);
    checkNow();
}

void ConnectionMonitor::checkNow()
{
    if (m_checking)
        return;
    m_checking = true;
    m_secondsLeft = 0;
    emit checkingChanged(true);
    emit countdownChanged(0);
    const quint64 generation = m_generation;
    const QUrl host = m_client->baseUrl();
    m_probe->setConfig(m_client->config());
    m_probe->requestJson(
        "GET", QStringLiteral("/api/version"), {}, {}, this,
        [this, generation, host](const rt::Result<QJsonObject> &result) {
            if (generation != m_generation)
                return; // the host changed meanwhile
            m_checking = false;
            emit checkingChanged(false);
            if (result) {
                m_version = result->value(QStringLiteral("version")).toString();
                m_lastError = {};
                qCDebug(lcUi) << "Ollama online at" << rt::llm::displayHost(host) << m_version;
                setState(State::Online);
            } else {
                m_lastError = result.error();
                qCDebug(lcUi) << "Ollama offline at" << rt::llm::displayHost(host) << m_lastError.message;
                setState(State::Offline);
            }
            scheduleNext();
        },
        m_requestTimeoutMs);
}

void ConnectionMonitor::scheduleNext()
{
    m_onlineElapsedMs = 0;
    m_secondsLeft = m_state == State::Offline ? qMax(1, (m_retryIntervalMs + 999) / 1000) : 0;
    if (m_state == State::Offline)
        emit countdownChanged(m_secondsLeft);
    // Sub-second intervals (tests) tick faster.
    m_tick.setInterval(qBound(50, m_state == State::Offline ? m_retryIntervalMs : m_onlinePollMs, 1000));
    m_tick.start();
}

void ConnectionMonitor::onTick()
{
    if (m_checking)
        return;
    if (m_state == State::Online) {
        m_onlineElapsedMs += m_tick.interval();
        if (m_onlineElapsedMs >= m_onlinePollMs) {
            m_tick.stop();
            checkNow();
        }
        return;
    }
    m_secondsLeft = qMax(0, m_secondsLeft - qMax(1, m_tick.interval() / 1000));
    if (m_tick.interval() < 1000)
        m_secondsLeft = 0;
    emit countdownChanged(m_secondsLeft);
    if (m_secondsLeft == 0) {
        m_tick.stop();
        checkNow();
    }
}

void ConnectionMonitor::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

} // namespace rt::ui
