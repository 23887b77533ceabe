#include "modelpull.h"

#include "common/logging.h"
#include "common/translate.h"
#include "ollamaclient.h"
#include "ollamaerrors.h"
#include "ollamahost.h"

#include <QCoreApplication>

namespace rt::llm {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::llm)
};
} // namespace

ModelPull::ModelPull(OllamaClient *client, QString model, QString hostName, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_host(std::move(hostName))
    , m_tracker(std::move(model))
{
    qRegisterMetaType<rt::llm::PullProgress>();
    qRegisterMetaType<rt::llm::PullResult>();
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, [this] {
        m_tracker.update({}, m_clock.elapsed());
        emitProgress(true);
    });
}

ModelPull::~ModelPull()
{
    if (m_stream)
        m_stream->cancel();
}

void ModelPull::start()
{
    if (m_running)
        return;
    m_running = true;
    m_clock.start();
    m_tracker.start(0);
    if (!m_client) {
        onFinished(
            { NdjsonStream::Outcome::Kind::Failed, { ErrorCode::Unreachable, Tr::tr("The Ollama host is gone; try again.") }, 0, false });
        return;
    }
    qCDebug(lcLlm).noquote() << "pulling" << model() << "from" << displayHost(m_client->baseUrl());
    m_stream = m_client->openStream("POST", QStringLiteral("/api/pull"),
        { { QStringLiteral("model"), model() }, { QStringLiteral("stream"), true } }, model(),
        [](const QJsonObject &o) { return o.value(QStringLiteral("status")).toString() == u"success"; });
    connect(m_stream, &NdjsonStream::objectReceived, this, &ModelPull::onObject);
    connect(m_stream, &NdjsonStream::finished, this, &ModelPull::onFinished);
    m_tick.start();
    m_stream->start();
    emitProgress(true);
}

void ModelPull::cancel()
{
    if (m_stream && m_stream->isRunning())
        m_stream->cancel(); // abort(): the server sees the closed connection
}

void ModelPull::onObject(const QJsonObject &object)
{
    if (m_tracker.update(object, m_clock.elapsed()))
        emitProgress(false);
}

void ModelPull::emitProgress(bool force)
{
    const qint64 now = m_clock.elapsed();
    const PullProgress &p = m_tracker.progress();
    const bool phaseChanged = p.phase != m_lastPhase;
    if (!force && !phaseChanged && m_lastEmitMs >= 0 && now - m_lastEmitMs < m_intervalMs)
        return;
    m_lastEmitMs = now;
    m_lastPhase = p.phase;
    emit progressed(p);
}

void ModelPull::onFinished(const NdjsonStream::Outcome &outcome)
{
    if (!m_running)
        return;
    m_running = false;
    m_tick.stop();
    if (m_stream)
        m_stream->deleteLater();
    PullResult result;
    result.host = m_host;
    result.progress = m_tracker.progress();
    switch (outcome.kind) {
    case NdjsonStream::Outcome::Kind::Completed:
        result.kind = PullResult::Kind::Succeeded;
        break;
    case NdjsonStream::Outcome::Kind::Cancelled:
        result.kind = PullResult::Kind::Cancelled;
        result.error
            = { ErrorCode::Cancelled, Tr::tr("The download of %1 was stopped; pulling it again resumes where it left off.").arg(model()) };
        break;
    case NdjsonStream::Outcome::Kind::Failed:
        result.kind = PullResult::Kind::Failed;
        result.error = outcome.error;
        // Ollama reports an unknown model as an error line under 200.
        if (outcome.error.code == ErrorCode::StreamError
            && (outcome.error.message.contains(QStringLiteral("file does not exist"))
                || outcome.error.message.contains(QStringLiteral("not found"))))
            result.error = { ErrorCode::ModelNotFound,
                Tr::tr("The model “%1” does not exist in the Ollama library; check the name and tag.").arg(model()) };
        break;
    }
    if (result.ok())
        emitProgress(true);
    qCDebug(lcLlm).noquote() << "pull of" << model() << "ended:" << int(result.kind) << result.error.message;
    emit finished(result);
    deleteLater();
}

} // namespace rt::llm
