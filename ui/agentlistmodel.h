#pragma once

#include "agents/agent.h"

#include <QAbstractListModel>
#include <QList>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QStyledItemDelegate>

namespace rt::ui {

// The agents of the registry, in its order (built-ins first, then by name).
// sync() brings the rows in line with a fresh list by inserting, moving and
// removing rows, so views keep their selection across edits elsewhere.
class AgentListModel final : public QAbstractListModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AgentListModel)
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        NameRole,
        RoleKeyRole,
        ModelRole,
        DescriptionRole,
        BuiltinRole, // bool
        ColourRole, // QColor
        DetailRole, // "Skeptic · default model"
        SearchTextRole, // everything the search box matches
        AgentRole, // the whole rt::agents::Agent
    };

    explicit AgentListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    void sync(const QList<rt::agents::Agent> &agents);
    const rt::agents::Agent &agent(int row) const { return m_rows.at(row); }
    int count() const { return int(m_rows.size()); }
    int rowOf(qint64 id) const;

    // "Skeptic (built-in)", "custom": how a role reads in the list.
    static QString roleText(const rt::agents::Agent &agent);

private:
    QList<rt::agents::Agent> m_rows;
};

// The list as shown: matching the search text, without the agent whose
// delete waits for Undo.
class AgentFilterModel final : public QSortFilterProxyModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AgentFilterModel)
public:
    explicit AgentFilterModel(QObject *parent = nullptr);

    void setSearchText(const QString &text);
    QString searchText() const { return m_search; }
    // Agents whose delete waits for Undo (or for the registry).
    void setHidden(qint64 id, bool hidden);
    bool isHidden(qint64 id) const { return m_hidden.contains(id); }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_search;
    QSet<qint64> m_hidden;
};

// One agent per row: its avatar in its colour, the name (a "built-in" tag),
// the role and the model under it.
class AgentDelegate final : public QStyledItemDelegate {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AgentDelegate)
public:
    explicit AgentDelegate(QObject *parent = nullptr);
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace rt::ui
