#include "chatmessagemodel.h"

#include <QLocale>

namespace rt::ui {

using rt::llm::ChatStatus;

QString formatDuration(qint64 ms)
{
    const QLocale locale;
    if (ms < 1000)
        return ChatMessageModel::tr("%1 ms").arg(ms);
    if (ms < 60'000)
        return ChatMessageModel::tr("%1 s").arg(locale.toString(double(ms) / 1000.0, 'f', 1));
    return ChatMessageModel::tr("%1 min %2 s").arg(ms / 60'000).arg((ms % 60'000) / 1000);
}

ChatMessageModel::ChatMessageModel(QObject *parent)
    : QAbstractListModel(parent)
{
    m_frameTimer.setSingleShot(true);
    m_frameTimer.setInterval(16);
    connect(&m_frameTimer, &QTimer::timeout, this, &ChatMessageModel::flush);
}

int ChatMessageModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_messages.size());
}

QVariant ChatMessageModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_messages.size())
        return {};
    const Message &m = m_messages.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case ContentRole:
        return m.content;
    case Qt::ToolTipRole:
        return m.sender == Sender::Assistant ? caption(m) : QVariant();
    case IdRole:
        return m.id;
    case SenderRole:
        return int(m.sender);
    case PhaseRole:
        return int(m.phase);
    case ThinkingRole:
        return m.thinking;
    case ModelRole:
        return m.model;
    case ErrorRole:
        return m.error;
    case WarningRole:
        return m.warning;
    case CaptionRole:
        return caption(m);
    case StatusRole:
        return status(m);
    case CanRetryRole:
        return canRetry(index.row());
    case RevisionRole:
        return m.revision;
    default:
        return {};
    }
}

QHash<int, QByteArray> ChatMessageModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(IdRole, "messageId");
    names.insert(SenderRole, "sender");
    names.insert(PhaseRole, "phase");
    names.insert(ContentRole, "content");
    names.insert(ThinkingRole, "thinking");
    names.insert(ModelRole, "model");
    names.insert(ErrorRole, "error");
    names.insert(WarningRole, "warning");
    names.insert(CaptionRole, "caption");
    names.insert(StatusRole, "status");
    names.insert(CanRetryRole, "canRetry");
    names.insert(RevisionRole, "revision");
    return names;
}

bool ChatMessageModel::isBusy() const
{
    if (m_messages.isEmpty())
        return false;
    const Message &last = m_messages.constLast();
    return last.sender == Sender::Assistant
        && (last.phase == Phase::Waiting || last.phase == Phase::Loading || last.phase == Phase::Retrying
            || last.phase == Phase::Streaming);
}

int ChatMessageModel::appendUser(const QString &text)
{
    const int row = int(m_messages.size());
    beginInsertRows({}, row, row);
    Message m;
    m.id = m_nextId++;
    m.sender = Sender::User;
    m.content = text;
    m_messages.append(m);
    endInsertRows();
    if (row > 0)
        changed(row - 1, { CanRetryRole }); // an older failure can no longer be retried
    return row;
}

int ChatMessageModel::appendAssistant(const QString &model)
{
    const bool wasBusy = isBusy();
    const int row = int(m_messages.size());
    beginInsertRows({}, row, row);
    Message m;
    m.id = m_nextId++;
    m.sender = Sender::Assistant;
    m.phase = Phase::Waiting;
    m.model = model;
    m_messages.append(m);
    endInsertRows();
    if (!wasBusy)
        emit busyChanged(true);
    return row;
}

void ChatMessageModel::appendDelta(int row, const QString &content, const QString &thinking)
{
    if (row < 0 || row >= m_messages.size())
        return;
    Message &m = m_messages[row];
    m.content += content;
    m.thinking += thinking;
    ++m_deltas;
    if (m.phase != Phase::Streaming) {
        m.phase = Phase::Streaming; // first text: announce at once, the waiting text goes away
        m_dirtyRows.insert(row);
        flush();
        return;
    }
    m_dirtyRows.insert(row);
    if (!m_frameTimer.isActive())
        m_frameTimer.start();
}

void ChatMessageModel::flush()
{
    m_frameTimer.stop();
    if (m_dirtyRows.isEmpty())
        return;
    const QSet<int> rows = std::exchange(m_dirtyRows, {});
    ++m_flushes;
    for (const int row : rows) {
        if (row < m_messages.size())
            changed(row, { ContentRole, ThinkingRole, PhaseRole, StatusRole, CaptionRole });
    }
}

void ChatMessageModel::setPhase(int row, Phase phase, int retryAttempt)
{
    if (row < 0 || row >= m_messages.size())
        return;
    flush();
    const bool wasBusy = isBusy();
    Message &m = m_messages[row];
    m.phase = phase;
    m.retryAttempt = retryAttempt;
    changed(row, { PhaseRole, StatusRole, CaptionRole });
    if (wasBusy != isBusy())
        emit busyChanged(isBusy());
}

void ChatMessageModel::finish(int row, const rt::llm::ChatResult &result)
{
    if (row < 0 || row >= m_messages.size())
        return;
    m_dirtyRows.remove(row);
    const bool wasBusy = isBusy();
    Message &m = m_messages[row];
    // The stream's own record is complete; deltas may still be queued behind it.
    m.content = result.content;
    m.thinking = result.thinking;
    if (!result.model.isEmpty())
        m.model = result.model;
    m.tokensPerSecond = result.metrics.tokensPerSecond();
    m.timeToFirstTokenMs = result.metrics.timeToFirstTokenMs;
    m.evalCount = result.metrics.evalCount;
    m.warning = result.warning;
    m.error = result.error.message;
    switch (result.status) {
    case ChatStatus::Completed:
        m.phase = Phase::Done;
        m.error.clear();
        break;
    case ChatStatus::Cancelled:
        m.phase = Phase::Stopped;
        break;
    case ChatStatus::Failed:
        m.phase = result.isPartial() ? Phase::Cut : Phase::Failed;
        break;
    }
    changed(row, { ContentRole, ThinkingRole, PhaseRole, StatusRole, CaptionRole, ErrorRole, WarningRole, CanRetryRole });
    if (wasBusy != isBusy())
        emit busyChanged(isBusy());
}

void ChatMessageModel::removeLast()
{
    if (m_messages.isEmpty())
        return;
    const bool wasBusy = isBusy();
    const int row = int(m_messages.size()) - 1;
    m_dirtyRows.remove(row);
    beginRemoveRows({}, row, row);
    m_messages.removeLast();
    endRemoveRows();
    if (wasBusy != isBusy())
        emit busyChanged(isBusy());
}

void ChatMessageModel::clear()
{
    const bool wasBusy = isBusy();
    m_frameTimer.stop();
    m_dirtyRows.clear();
    beginResetModel();
    m_messages.clear();
    endResetModel();
    if (wasBusy)
        emit busyChanged(false);
}

void ChatMessageModel::setMessages(QList<Message> messages)
{
    const bool wasBusy = isBusy();
    m_frameTimer.stop();
    m_dirtyRows.clear();
    beginResetModel();
    for (Message &m : messages)
        m.id = m_nextId++;
    m_messages = std::move(messages);
    endResetModel();
    if (wasBusy != isBusy())
        emit busyChanged(isBusy());
}

int ChatMessageModel::rowOfId(quint64 id) const
{
    for (int row = int(m_messages.size()) - 1; row >= 0; --row) {
        if (m_messages.at(row).id == id)
            return row;
    }
    return -1;
}

void ChatMessageModel::setStoredId(int row, qint64 storedId)
{
    if (row >= 0 && row < m_messages.size())
        m_messages[row].storedId = storedId; // nothing drawn changes
}

QList<rt::llm::ChatMessage> ChatMessageModel::history() const
{
    QList<rt::llm::ChatMessage> messages;
    messages.reserve(m_messages.size());
    for (const Message &m : m_messages) {
        if (m.sender == Sender::User)
            messages.append(rt::llm::ChatMessage::user(m.content));
        else if (!m.content.isEmpty() && m.phase != Phase::Waiting && m.phase != Phase::Loading && m.phase != Phase::Retrying)
            messages.append(rt::llm::ChatMessage::assistant(m.content));
    }
    return messages;
}

void ChatMessageModel::changed(int row, const QList<int> &roles)
{
    ++m_messages[row].revision;
    const QModelIndex index = this->index(row);
    emit dataChanged(index, index, roles);
}

QString ChatMessageModel::caption(const Message &m) const
{
    if (m.sender != Sender::Assistant)
        return {};
    const QLocale locale;
    QStringList parts { m.model };
    switch (m.phase) {
    case Phase::Waiting:
    case Phase::Loading:
    case Phase::Retrying:
    case Phase::Failed:
        break;
    case Phase::Streaming:
        parts.append(tr("writing…"));
        break;
    case Phase::Done:
    case Phase::Stopped:
    case Phase::Cut:
        if (m.tokensPerSecond > 0)
            parts.append(tr("%1 tokens/s").arg(locale.toString(m.tokensPerSecond, 'f', m.tokensPerSecond >= 100 ? 0 : 1)));
        if (m.timeToFirstTokenMs >= 0)
            parts.append(tr("first token %1").arg(formatDuration(m.timeToFirstTokenMs)));
        if (m.evalCount > 0)
            parts.append(m.evalCount == 1 ? tr("1 token") : tr("%1 tokens").arg(locale.toString(m.evalCount)));
        break;
    }
    return parts.join(QStringLiteral("  ·  "));
}

QString ChatMessageModel::status(const Message &m) const
{
    if (m.sender != Sender::Assistant)
        return {};
    switch (m.phase) {
    case Phase::Waiting:
        return tr("Waiting for %1…").arg(m.model);
    case Phase::Loading:
        return tr("Loading model… %1 is being loaded into memory; the first reply can take a while.").arg(m.model);
    case Phase::Retrying:
        return tr("Ollama is busy. Trying again (attempt %1)…").arg(m.retryAttempt);
    case Phase::Streaming:
    case Phase::Done:
        return m.warning;
    case Phase::Stopped:
        return tr("Stopped. The partial reply is kept.");
    case Phase::Cut:
        return tr("The reply was cut off: %1").arg(m.error);
    case Phase::Failed:
        return m.error;
    }
    return {};
}

bool ChatMessageModel::canRetry(int row) const
{
    const Message &m = m_messages.at(row);
    return row == m_messages.size() - 1 && m.sender == Sender::Assistant && (m.phase == Phase::Failed || m.phase == Phase::Cut);
}

} // namespace rt::ui
