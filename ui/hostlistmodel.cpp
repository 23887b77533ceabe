#include "hostlistmodel.h"

#include "llm/ollamahost.h"
#include "theme.h"

#include <QDateTime>

namespace rt::ui {

HostListModel::HostListModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void HostListModel::setRows(const QList<Row> &rows)
{
    bool same = rows.size() == m_rows.size();
    for (qsizetype i = 0; same && i < rows.size(); ++i)
        same = rows.at(i).status.config.name == m_rows.at(i).status.config.name;
    if (!same) {
        beginResetModel();
        m_rows = rows;
        endResetModel();
        return;
    }
    m_rows = rows;
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
}

int HostListModel::rowOf(const QString &host) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).status.config.name == host)
            return i;
    }
    return -1;
}

const HostListModel::Row *HostListModel::row(const QString &host) const
{
    const int i = rowOf(host);
    return i >= 0 ? &m_rows.at(i) : nullptr;
}

HostListModel::HostState HostListModel::state(const Row &row)
{
    switch (row.status.state) {
    case rt::llm::HostState::Probing:
        return HostState::Checking;
    case rt::llm::HostState::Offline:
        // Our probe could not reach it: down. Otherwise requests failed and
        // the breaker keeps requests away until it answers a probe.
        return row.probeFailed ? HostState::Down : HostState::BreakerOpen;
    case rt::llm::HostState::Online:
        if (row.probeFailed)
            return HostState::Down;
        if (row.status.active > 0 || row.status.queued > 0)
            return HostState::Busy;
        return row.probed ? HostState::Up : HostState::Unknown;
    }
    return HostState::Unknown;
}

QString HostListModel::stateText(const Row &row)
{
    switch (state(row)) {
    case HostState::Unknown:
        return tr("Checking…");
    case HostState::Up:
        return tr("Up");
    case HostState::Busy:
        return row.status.queued > 0 ? tr("Busy (%1 waiting)").arg(row.status.queued) : tr("Busy");
    case HostState::Down:
        return tr("Down");
    case HostState::BreakerOpen: {
        const qint64 seconds = row.status.retryAt.isValid() ? QDateTime::currentDateTimeUtc().secsTo(row.status.retryAt) : -1;
        return seconds > 0 ? tr("Breaker open (retry in %1 s)").arg(seconds) : tr("Breaker open");
    }
    case HostState::Checking:
        return tr("Checking…");
    }
    return {};
}

int HostListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int HostListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HostListModel::data(const QModelIndex &index, int role) const
{
    if (index.row() < 0 || index.row() >= m_rows.size())
        return {};
    const Row &r = m_rows.at(index.row());
    const HostState s = state(r);
    if (role == HostNameRole)
        return r.status.config.name;
    if (role == StateRole)
        return int(s);
    if (role == Qt::ForegroundRole) {
        if (index.column() == State) {
            switch (s) {
            case HostState::Up:
                return Theme::Online;
            case HostState::Busy:
            case HostState::Checking:
            case HostState::Unknown:
                return Theme::Pending;
            case HostState::Down:
            case HostState::BreakerOpen:
                return Theme::Offline;
            }
        }
        return index.column() == Name ? QVariant() : QVariant(Theme::MutedText);
    }
    if (role == Qt::TextAlignmentRole) {
        if (index.column() == Latency || index.column() == Models || index.column() == Loaded)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    }
    if (role == Qt::ToolTipRole) {
        if (index.column() == State) {
            const QString error = r.probeFailed ? r.probeError : r.status.lastError;
            return error.isEmpty() ? stateText(r) : tr("%1: %2").arg(stateText(r), error);
        }
        return {};
    }
    if (role != Qt::DisplayRole && role != Qt::AccessibleTextRole)
        return {};
    const QString version = !r.version.isEmpty() ? r.version : r.status.version;
    switch (Column(index.column())) {
    case Name:
        return r.status.config.name;
    case Url:
        return rt::llm::displayHost(r.status.config.url);
    case State:
        return tr("● %1").arg(stateText(r));
    case Version:
        return version.isEmpty() ? QStringLiteral("–") : version;
    case Latency:
        return r.latencyMs >= 0 && !r.probeFailed ? tr("%1 ms").arg(r.latencyMs) : QStringLiteral("–");
    case Models:
        return r.models >= 0 ? QString::number(r.models) : QStringLiteral("–");
    case Loaded:
        return r.loaded >= 0 ? QString::number(r.loaded) : QStringLiteral("–");
    case Requests:
        return r.status.queued > 0 ? tr("%1 of %2, %3 waiting").arg(r.status.active).arg(r.status.config.maxConcurrent).arg(r.status.queued)
                                   : tr("%1 of %2").arg(r.status.active).arg(r.status.config.maxConcurrent);
    case ColumnCount:
        break;
    }
    return {};
}

QVariant HostListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Name:
        return tr("Host");
    case Url:
        return tr("URL");
    case State:
        return tr("State");
    case Version:
        return tr("Version");
    case Latency:
        return tr("Latency");
    case Models:
        return tr("Models");
    case Loaded:
        return tr("Loaded");
    case Requests:
        return tr("Requests");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace rt::ui
