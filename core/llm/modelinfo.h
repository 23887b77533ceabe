#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace rt::llm {

// One entry of GET /api/tags, enriched by /api/show when known.
struct ModelInfo {
    QString name;
    QString digest;
    qint64 sizeBytes = 0;
    QDateTime modifiedAt;
    QString family;
    QString parameterSize; // "7.2B"
    QString quantization; // "Q4_K_M"
    QString format; // "gguf"
    int contextLength = 0; // trained context length, 0 = unknown
    QStringList capabilities; // completion, tools, thinking, vision, embedding, ...

    bool hasCapability(QStringView capability) const { return capabilities.contains(capability); }
    QJsonObject toJson() const;
    static ModelInfo fromTagsEntry(const QJsonObject &entry);
    static QList<ModelInfo> listFromTags(const QJsonObject &tags);
    // Adds what /api/show knows: capabilities, context length, details.
    void mergeShow(const QJsonObject &show);
};

// "4.7 GB"
QString formatBytes(qint64 bytes);

} // namespace rt::llm

Q_DECLARE_METATYPE(rt::llm::ModelInfo)
