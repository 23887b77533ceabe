#include "agentlistmodel.h"

#include "agents/builtinroles.h"
#include "seatcard.h"
#include "theme.h"

#include <QApplication>
#include <QHash>
#include <QPainter>
#include <QSet>

namespace rt::ui {

using rt::agents::Agent;

AgentListModel::AgentListModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

int AgentListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QString AgentListModel::roleText(const Agent &agent)
{
    if (agent.role.isEmpty() || agent.role == u"custom")
        return tr("Custom role");
    // The nine built-in roles (rt::agents::BuiltinRoles::keys()), by the name of the role.
    static const QHash<QString, const char *> names {
        { QStringLiteral("moderator"), QT_TR_NOOP("Moderator") },
        { QStringLiteral("proponent"), QT_TR_NOOP("Proponent") },
        { QStringLiteral("opponent"), QT_TR_NOOP("Opponent") },
        { QStringLiteral("skeptic"), QT_TR_NOOP("Skeptic") },
        { QStringLiteral("expert"), QT_TR_NOOP("Expert") },
        { QStringLiteral("ethicist"), QT_TR_NOOP("Ethicist") },
        { QStringLiteral("pragmatist"), QT_TR_NOOP("Pragmatist") },
        { QStringLiteral("synthesizer"), QT_TR_NOOP("Synthesizer") },
        { QStringLiteral("judge"), QT_TR_NOOP("Judge") },
    };
    if (const char *name = names.value(agent.role))
        return tr(name);
    QString key = agent.role;
    key[0] = key.at(0).toUpper();
    return key;
}

QVariant AgentListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Agent &a = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return a.name;
    case Qt::ToolTipRole:
        return a.description.isEmpty() ? a.name : tr("%1\n%2").arg(a.name, a.description);
    case Qt::AccessibleTextRole:
        return a.builtin ? tr("%1, built-in, %2").arg(a.name, data(index, DetailRole).toString())
                         : tr("%1, %2").arg(a.name, data(index, DetailRole).toString());
    case IdRole:
        return a.id;
    case RoleKeyRole:
        return a.role;
    case ModelRole:
        return a.model;
    case DescriptionRole:
        return a.description;
    case BuiltinRole:
        return a.builtin;
    case ColourRole:
        return SeatCard::colourOf(a, index.row());
    case DetailRole:
        return tr("%1 · %2").arg(roleText(a), a.model.isEmpty() ? tr("default model") : a.model);
    case SearchTextRole:
        return QStringList { a.name, a.role, a.model, a.description, a.fallbackModels.join(u' ') }.join(u'\n');
    case AgentRole:
        return QVariant::fromValue(a);
    default:
        return {};
    }
}

int AgentListModel::rowOf(qint64 id) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).id == id)
            return row;
    }
    return -1;
}

void AgentListModel::sync(const QList<Agent> &agents)
{
    QSet<qint64> wanted;
    for (const Agent &a : agents)
        wanted.insert(a.id);
    // Rows that went away, from the end.
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        if (!wanted.contains(m_rows.at(row).id)) {
            beginRemoveRows({}, row, row);
            m_rows.removeAt(row);
            endRemoveRows();
        }
    }
    // Every remaining row is wanted: place each one where the new order puts it.
    for (int i = 0; i < agents.size(); ++i) {
        const Agent &fresh = agents.at(i);
        if (i < m_rows.size() && m_rows.at(i).id == fresh.id) {
            if (!(m_rows.at(i) == fresh)) {
                m_rows[i] = fresh;
                emit dataChanged(index(i), index(i));
            }
            continue;
        }
        int from = -1;
        for (int j = i + 1; j < m_rows.size(); ++j) {
            if (m_rows.at(j).id == fresh.id) {
                from = j;
                break;
            }
        }
        if (from > i) {
            beginMoveRows({}, from, from, {}, i);
            m_rows.move(from, i);
            endMoveRows();
            m_rows[i] = fresh;
            emit dataChanged(index(i), index(i));
        } else {
            beginInsertRows({}, i, i);
            m_rows.insert(i, fresh);
            endInsertRows();
        }
    }
}

AgentFilterModel::AgentFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
}

void AgentFilterModel::setSearchText(const QString &text)
{
    if (text == m_search)
        return;
    m_search = text;
    invalidateFilter();
}

void AgentFilterModel::setHidden(qint64 id, bool hidden)
{
    if (hidden == m_hidden.contains(id))
        return;
    if (hidden)
        m_hidden.insert(id);
    else
        m_hidden.remove(id);
    invalidateFilter();
}

bool AgentFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (!m_hidden.isEmpty() && m_hidden.contains(index.data(AgentListModel::IdRole).toLongLong()))
        return false;
    const QString search = m_search.simplified();
    if (search.isEmpty())
        return true;
    const QString haystack = index.data(AgentListModel::SearchTextRole).toString();
    // Every word must match somewhere.
    for (const QString &word : search.split(u' ', Qt::SkipEmptyParts)) {
        if (!haystack.contains(word, Qt::CaseInsensitive))
            return false;
    }
    return true;
}

AgentDelegate::AgentDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{
}

QSize AgentDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    const QFontMetrics fm(option.font);
    return { 200, qMax(52, fm.height() * 2 + 20) };
}

void AgentDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QRect rect = option.rect.adjusted(6, 2, -6, -2);
    const bool selected = option.state & QStyle::State_Selected;
    const bool hover = option.state & QStyle::State_MouseOver;
    if (selected || hover) {
        painter->setPen(Qt::NoPen);
        QColor fill = selected ? Theme::Accent : Theme::SurfaceHover;
        if (selected)
            fill.setAlpha(Theme::CurrentMode == Theme::Mode::Dark ? 90 : 38);
        painter->setBrush(fill);
        painter->drawRoundedRect(rect, 7, 7);
    }

    const Agent agent = index.data(AgentListModel::AgentRole).value<Agent>();
    const int avatarSize = 32;
    const QRect avatarRect(rect.left() + 8, rect.center().y() - avatarSize / 2, avatarSize, avatarSize);
    Agent drawn = agent;
    if (!QColor(drawn.colour).isValid())
        drawn.colour = index.data(AgentListModel::ColourRole).value<QColor>().name();
    painter->drawPixmap(avatarRect, SeatCard::avatar(drawn, avatarSize, painter->device()->devicePixelRatioF()));

    const int textLeft = avatarRect.right() + 10;
    QFont nameFont = option.font;
    nameFont.setBold(true);
    const QFontMetrics nameMetrics(nameFont);
    QFont detailFont = Theme::scaledFont(option.font, 0.88);
    const QFontMetrics detailMetrics(detailFont);
    const int lineGap = 2;
    const int textHeight = nameMetrics.height() + lineGap + detailMetrics.height();
    const int top = rect.center().y() - textHeight / 2;

    // The "built-in" tag at the right of the name.
    QString tag;
    int tagWidth = 0;
    QFont tagFont = Theme::scaledFont(option.font, 0.78, true);
    const QFontMetrics tagMetrics(tagFont);
    if (agent.builtin) {
        tag = AgentListModel::tr("BUILT-IN");
        tagWidth = tagMetrics.horizontalAdvance(tag) + 10;
    }
    const int nameRoom = rect.right() - 8 - textLeft - (tagWidth > 0 ? tagWidth + 6 : 0);
    const QString name = nameMetrics.elidedText(agent.name, Qt::ElideRight, qMax(20, nameRoom));
    painter->setFont(nameFont);
    painter->setPen(Theme::Text);
    painter->drawText(QRect(textLeft, top, nameRoom, nameMetrics.height()), Qt::AlignLeft | Qt::AlignVCenter, name);
    if (tagWidth > 0) {
        const int nameWidth = nameMetrics.horizontalAdvance(name);
        const QRect tagRect(
            textLeft + nameWidth + 6, top + (nameMetrics.height() - tagMetrics.height() - 2) / 2, tagWidth, tagMetrics.height() + 2);
        painter->setPen(Qt::NoPen);
        QColor tagFill = Theme::MutedText;
        tagFill.setAlpha(40);
        painter->setBrush(tagFill);
        painter->drawRoundedRect(tagRect, 4, 4);
        painter->setFont(tagFont);
        painter->setPen(Theme::MutedText);
        painter->drawText(tagRect, Qt::AlignCenter, tag);
    }

    painter->setFont(detailFont);
    painter->setPen(Theme::MutedText);
    const QString detail = detailMetrics.elidedText(
        index.data(AgentListModel::DetailRole).toString(), Qt::ElideRight, qMax(20, rect.right() - 8 - textLeft));
    painter->drawText(QRect(textLeft, top + nameMetrics.height() + lineGap, rect.right() - 8 - textLeft, detailMetrics.height()),
        Qt::AlignLeft | Qt::AlignVCenter, detail);
    painter->restore();
}

} // namespace rt::ui
