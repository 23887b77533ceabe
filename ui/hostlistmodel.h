#pragma once

#include "llm/hostconfig.h"

#include <QAbstractTableModel>
#include <QList>

namespace rt::ui {

// The Ollama hosts of the pool with what the Models page measured: state
// (up, busy, down, breaker open, checking), version, latency of the last
// /api/version probe, installed and loaded model counts, requests in flight.
class HostListModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HostListModel)
public:
    enum Column { Name, Url, State, Version, Latency, Models, Loaded, Requests, ColumnCount };
    enum Role { HostNameRole = Qt::UserRole + 1, StateRole };
    enum class HostState { Unknown, Up, Busy, Down, BreakerOpen, Checking };

    struct Row {
        rt::llm::HostStatus status;
        bool probed = false; // a probe of ours has answered or failed
        bool probeFailed = false;
        QString probeError;
        qint64 latencyMs = -1;
        QString version;
        int models = -1; // -1: list not known
        int loaded = -1; // -1: /api/ps not known
    };

    explicit HostListModel(QObject *parent = nullptr);

    // Same hosts in the same order: rows change in place (the selection stays).
    void setRows(const QList<Row> &rows);
    const QList<Row> &rows() const { return m_rows; }
    int rowOf(const QString &host) const;
    const Row *row(const QString &host) const;

    static HostState state(const Row &row);
    static QString stateText(const Row &row);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<Row> m_rows;
};

} // namespace rt::ui
