#pragma once

#include "common/vocabulary.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QList>
#include <QSortFilterProxyModel>
#include <optional>

namespace rt::ui {

// One row of the Debates page.
struct DebateSummary {
    qint64 id = 0;
    QString question;
    QString format;
    rt::DebateStatus status = rt::DebateStatus::Running;
    bool liveHere = false; // running in this window now
    std::optional<double> score;
    QStringList agents; // names, in seat order
    QStringList colours; // "#rrggbb" per agent
    QDateTime createdAt;
};

// The stored debates, newest first. Columns: question, format, agents (colour
// dots), status, consensus, date.
class DebateListModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DebateListModel)
public:
    enum Column { Question, Format, Agents, Status, Consensus, Date, ColumnCount };
    enum Role { IdRole = Qt::UserRole + 1, StatusRole, ColoursRole };

    explicit DebateListModel(QObject *parent = nullptr);

    void setDebates(const QList<DebateSummary> &debates);
    // Updates or inserts one row (a debate that started or changed here).
    void upsert(const DebateSummary &debate);
    const QList<DebateSummary> &debates() const { return m_rows; }
    std::optional<DebateSummary> debate(qint64 id) const;
    int rowOf(qint64 id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString statusText(rt::DebateStatus status, bool liveHere);

private:
    QList<DebateSummary> m_rows;
};

// Filters by status ("all", or one status) and by words in the question.
class DebateFilterModel final : public QSortFilterProxyModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DebateFilterModel)
public:
    explicit DebateFilterModel(QObject *parent = nullptr);
    void setStatus(std::optional<rt::DebateStatus> status);
    void setText(const QString &text);

protected:
    bool filterAcceptsRow(int row, const QModelIndex &parent) const override;

private:
    std::optional<rt::DebateStatus> m_status;
    QStringList m_words;
};

} // namespace rt::ui
