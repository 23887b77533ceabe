#pragma once

#include "llm/modelcatalog.h"
#include "llm/modelinfo.h"

#include <QAbstractTableModel>
#include <QList>
#include <optional>

namespace rt::ui {

// The models of every host, one row per (host, model): what /api/tags says,
// with what /api/ps says is loaded now.
class ModelListModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ModelListModel)
public:
    enum Column { Name, Host, Family, Parameters, Quantization, Size, Context, Capabilities, Loaded, ColumnCount };
    enum Role { HostRole = Qt::UserRole + 1, ModelNameRole };

    struct Row {
        QString host;
        rt::llm::ModelInfo info;
        std::optional<rt::llm::RunningModel> running;
    };

    explicit ModelListModel(QObject *parent = nullptr);

    void setRows(const QList<Row> &rows);
    const QList<Row> &rows() const { return m_rows; }
    const Row *row(int index) const { return index >= 0 && index < m_rows.size() ? &m_rows.at(index) : nullptr; }
    int rowOf(const QString &name, const QString &host = {}) const; // -1: not listed

    // "tools, vision, thinking" (completion is implied and left out).
    static QString capabilitiesText(const rt::llm::ModelInfo &info);
    // "In memory, 1.2 GB (40% on the CPU), unloads at 14:05"; empty when not loaded.
    static QString loadedText(const rt::llm::RunningModel &running);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<Row> m_rows;
};

} // namespace rt::ui
