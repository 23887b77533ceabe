#include "modelinfo.h"

#include <QJsonArray>
#include <QLocale>

namespace rt::llm {

namespace {
void readDetails(ModelInfo &info, const QJsonObject &details)
{
    if (const QString v = details.value(QStringLiteral("family")).toString(); !v.isEmpty())
        info.family = v;
    if (const QString v = details.value(QStringLiteral("parameter_size")).toString(); !v.isEmpty())
        info.parameterSize = v;
    if (const QString v = details.value(QStringLiteral("quantization_level")).toString(); !v.isEmpty())
        info.quantization = v;
    if (const QString v = details.value(QStringLiteral("format")).toString(); !v.isEmpty())
        info.format = v;
    if (const int ctx = details.value(QStringLiteral("context_length")).toInt(); ctx > 0)
        info.contextLength = ctx;
}

QStringList stringList(const QJsonValue &value)
{
    QStringList list;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &item : array)
        list.append(item.toString());
    return list;
}
} // namespace

QJsonObject ModelInfo::toJson() const
{
    return {
        { QStringLiteral("name"), name },
        { QStringLiteral("digest"), digest },
        { QStringLiteral("size"), double(sizeBytes) },
        { QStringLiteral("modified_at"), modifiedAt.toString(Qt::ISODate) },
        { QStringLiteral("family"), family },
        { QStringLiteral("parameter_size"), parameterSize },
        { QStringLiteral("quantization_level"), quantization },
        { QStringLiteral("format"), format },
        { QStringLiteral("context_length"), contextLength },
        { QStringLiteral("capabilities"), QJsonArray::fromStringList(capabilities) },
    };
}

ModelInfo ModelInfo::fromTagsEntry(const QJsonObject &entry)
{
    ModelInfo info;
    info.name = entry.value(QStringLiteral("name")).toString();
    if (info.name.isEmpty())
        info.name = entry.value(QStringLiteral("model")).toString();
    info.digest = entry.value(QStringLiteral("digest")).toString();
    info.sizeBytes = qint64(entry.value(QStringLiteral("size")).toDouble());
    info.modifiedAt = QDateTime::fromString(entry.value(QStringLiteral("modified_at")).toString(), Qt::ISODateWithMs);
    readDetails(info, entry.value(QStringLiteral("details")).toObject());
    info.capabilities = stringList(entry.value(QStringLiteral("capabilities")));
    return info;
}

QList<ModelInfo> ModelInfo::listFromTags(const QJsonObject &tags)
{
    QList<ModelInfo> list;
    const QJsonArray models = tags.value(QStringLiteral("models")).toArray();
    for (const QJsonValue &entry : models)
        list.append(fromTagsEntry(entry.toObject()));
    return list;
}

void ModelInfo::mergeShow(const QJsonObject &show)
{
    readDetails(*this, show.value(QStringLiteral("details")).toObject());
    if (const QStringList caps = stringList(show.value(QStringLiteral("capabilities"))); !caps.isEmpty())
        capabilities = caps;
    // model_info holds GGUF keys such as "llama.context_length".
    const QJsonObject modelInfo = show.value(QStringLiteral("model_info")).toObject();
    const QString arch = modelInfo.value(QStringLiteral("general.architecture")).toString();
    if (!arch.isEmpty()) {
        if (const int ctx = modelInfo.value(arch + QStringLiteral(".context_length")).toInt(); ctx > 0)
            contextLength = ctx;
    }
}

QString formatBytes(qint64 bytes)
{
    return QLocale::system().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

} // namespace rt::llm
