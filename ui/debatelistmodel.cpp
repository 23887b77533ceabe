#include "debatelistmodel.h"

#include "theme.h"

#include <QColor>
#include <QLocale>

namespace rt::ui {

DebateListModel::DebateListModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void DebateListModel::setDebates(const QList<DebateSummary> &debates)
{
    beginResetModel();
    // Debates running here keep their live flag across a reload.
    QList<DebateSummary> rows = debates;
    for (DebateSummary &row : rows) {
        if (const auto old = debate(row.id); old && old->liveHere) {
            row.liveHere = true;
            row.status = old->status;
        }
    }
    m_rows = rows;
    endResetModel();
}

void DebateListModel::upsert(const DebateSummary &debate)
{
    const int row = rowOf(debate.id);
    if (row >= 0) {
        m_rows[row] = debate;
        emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return;
    }
    beginInsertRows({}, 0, 0);
    m_rows.prepend(debate);
    endInsertRows();
}

std::optional<DebateSummary> DebateListModel::debate(qint64 id) const
{
    const int row = rowOf(id);
    if (row < 0)
        return std::nullopt;
    return m_rows.at(row);
}

int DebateListModel::rowOf(qint64 id) const
{
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).id == id)
            return int(i);
    }
    return -1;
}

int DebateListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int DebateListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString DebateListModel::statusText(rt::DebateStatus status, bool liveHere)
{
    switch (status) {
    case rt::DebateStatus::Running:
        return liveHere ? tr("● running") : tr("running elsewhere");
    case rt::DebateStatus::Paused:
        return tr("❚❚ paused");
    case rt::DebateStatus::Finished:
        return tr("✓ finished");
    case rt::DebateStatus::Failed:
        return tr("✕ failed");
    case rt::DebateStatus::Interrupted:
        return tr("◌ interrupted");
    case rt::DebateStatus::Cancelled:
        return tr("cancelled");
    }
    return {};
}

QVariant DebateListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const DebateSummary &d = m_rows.at(index.row());
    switch (role) {
    case IdRole:
        return d.id;
    case StatusRole:
        return int(d.status);
    case ColoursRole:
        return d.colours;
    case Qt::DisplayRole:
        switch (index.column()) {
        case Question:
            return d.question.simplified();
        case Format:
            return d.format;
        case Agents:
            return d.agents.join(QStringLiteral(", "));
        case Status:
            return statusText(d.status, d.liveHere);
        case Consensus:
            return d.score ? QStringLiteral("%1%").arg(qRound(*d.score * 100)) : QStringLiteral("—");
        case Date:
            return QLocale().toString(d.createdAt.toLocalTime(), QLocale::ShortFormat);
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == Question)
            return d.question;
        if (index.column() == Agents)
            return d.agents.join(QStringLiteral(", "));
        break;
    case Qt::ForegroundRole:
        if (index.column() == Status) {
            switch (d.status) {
            case rt::DebateStatus::Running:
                return d.liveHere ? Theme::Online : Theme::MutedText;
            case rt::DebateStatus::Finished:
                return Theme::Text;
            case rt::DebateStatus::Failed:
                return Theme::ErrorText;
            case rt::DebateStatus::Interrupted:
            case rt::DebateStatus::Paused:
                return Theme::WarningText;
            case rt::DebateStatus::Cancelled:
                return Theme::MutedText;
            }
        }
        if (index.column() == Date || index.column() == Format)
            return Theme::MutedText;
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == Consensus)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    default:
        break;
    }
    return {};
}

QVariant DebateListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Question:
        return tr("Question");
    case Format:
        return tr("Format");
    case Agents:
        return tr("Agents");
    case Status:
        return tr("Status");
    case Consensus:
        return tr("Consensus");
    case Date:
        return tr("Started");
    }
    return {};
}

DebateFilterModel::DebateFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
}

void DebateFilterModel::setStatus(std::optional<rt::DebateStatus> status)
{
    m_status = status;
    invalidateFilter();
}

void DebateFilterModel::setText(const QString &text)
{
    m_words = text.simplified().split(u' ', Qt::SkipEmptyParts);
    invalidateFilter();
}

bool DebateFilterModel::filterAcceptsRow(int row, const QModelIndex &parent) const
{
    const QModelIndex index = sourceModel()->index(row, DebateListModel::Question, parent);
    if (m_status && sourceModel()->data(index, DebateListModel::StatusRole).toInt() != int(*m_status))
        return false;
    const QString question = sourceModel()->data(index, Qt::ToolTipRole).toString();
    for (const QString &word : m_words) {
        if (!question.contains(word, Qt::CaseInsensitive))
            return false;
    }
    return true;
}

} // namespace rt::ui
