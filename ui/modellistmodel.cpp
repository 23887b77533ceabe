#include "modellistmodel.h"

#include "llm/modelname.h"
#include "theme.h"

#include <QLocale>

namespace rt::ui {

ModelListModel::ModelListModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void ModelListModel::setRows(const QList<Row> &rows)
{
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

int ModelListModel::rowOf(const QString &name, const QString &host) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (rt::llm::sameModel(m_rows.at(i).info.name, name) && (host.isEmpty() || m_rows.at(i).host == host))
            return i;
    }
    return -1;
}

QString ModelListModel::capabilitiesText(const rt::llm::ModelInfo &info)
{
    QStringList shown;
    for (const QString &c : info.capabilities) {
        if (c == u"completion")
            continue;
        if (c == u"tools")
            shown << tr("tools");
        else if (c == u"vision")
            shown << tr("vision");
        else if (c == u"thinking")
            shown << tr("thinking");
        else if (c == u"embedding")
            shown << tr("embedding");
        else
            shown << c;
    }
    return shown.join(QStringLiteral(", "));
}

QString ModelListModel::loadedText(const rt::llm::RunningModel &running)
{
    const QString size = rt::llm::formatBytes(running.sizeBytes);
    const QString until
        = running.expiresAt.isValid() ? QLocale().toString(running.expiresAt.toLocalTime().time(), QLocale::ShortFormat) : QString();
    QString where = size;
    if (running.isPartlyOnCpu() && running.sizeBytes > 0) {
        const int cpu = int(100 * (running.sizeBytes - running.sizeVramBytes) / running.sizeBytes);
        where = tr("%1, %2% on the CPU").arg(size).arg(cpu);
    }
    return until.isEmpty() ? tr("In memory (%1)").arg(where) : tr("In memory (%1) until %2").arg(where, until);
}

int ModelListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ModelListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ModelListModel::data(const QModelIndex &index, int role) const
{
    const Row *r = row(index.row());
    if (!r)
        return {};
    const rt::llm::ModelInfo &m = r->info;
    if (role == HostRole)
        return r->host;
    if (role == ModelNameRole)
        return m.name;
    if (role == Qt::ForegroundRole) {
        if (index.column() == Loaded && r->running)
            return Theme::Online;
        if (index.column() != Name)
            return Theme::MutedText;
        return {};
    }
    if (role == Qt::TextAlignmentRole) {
        if (index.column() == Size || index.column() == Context)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    }
    if (role == Qt::ToolTipRole && index.column() == Loaded)
        return r->running ? loadedText(*r->running) : tr("Not loaded; Ollama loads it with the first request.");
    if (role != Qt::DisplayRole && role != Qt::AccessibleTextRole)
        return {};
    switch (Column(index.column())) {
    case Name:
        return m.name;
    case Host:
        return r->host;
    case Family:
        return m.family;
    case Parameters:
        return m.parameterSize;
    case Quantization:
        return m.quantization;
    case Size:
        return m.sizeBytes > 0 ? rt::llm::formatBytes(m.sizeBytes) : QString();
    case Context:
        return m.contextLength > 0 ? QLocale().toString(m.contextLength) : QString();
    case Capabilities:
        return capabilitiesText(m);
    case Loaded:
        return r->running ? tr("● %1").arg(rt::llm::formatBytes(r->running->sizeBytes)) : QString();
    case ColumnCount:
        break;
    }
    return {};
}

QVariant ModelListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Name:
        return tr("Model");
    case Host:
        return tr("Host");
    case Family:
        return tr("Family");
    case Parameters:
        return tr("Parameters");
    case Quantization:
        return tr("Quantisation");
    case Size:
        return tr("Size");
    case Context:
        return tr("Context");
    case Capabilities:
        return tr("Capabilities");
    case Loaded:
        return tr("Loaded");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace rt::ui
