#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace rt::sim {

struct SimModel {
    QString name; // normalised, always with a tag ("x:latest")
    QString family;
    QString architecture; // GGUF general.architecture
    QString parameterSize;
    QString quantization;
    qint64 size = 0;
    QString digest; // 64 hex digits, no "sha256:" prefix
    int contextLength = 0;
    int embeddingLength = 0;
    QStringList capabilities;
    int tokensPerSecond = 0; // 0: use the global --tps
    QDateTime modifiedAt;

    bool hasCapability(QStringView cap) const { return capabilities.contains(cap); }
    QJsonObject detailsJson() const; // api ModelDetails
};

struct LoadedModel {
    QString name;
    QDateTime expiresAt;
    int contextLength = 0;
};

// Installed models (what /api/tags shows), the "registry" that /api/pull can
// fetch from, and the models that recent requests "loaded" (/api/ps).
class ModelTable final {
public:
    ModelTable();

    // Replace the defaults with the models in a JSON file: a list of objects
    // (or {"models":[...]}) with name, family, parameter_size,
    // quantization_level, size, digest, context_length, embedding_length,
    // capabilities, tps, installed (default true; false = pullable only).
    bool loadFile(const QString &path, QString *error);

    static QString normalizeName(QStringView name);

    const SimModel *find(const QString &name) const;
    const SimModel *findInRegistry(const QString &name) const;
    const QList<SimModel> &installed() const { return m_installed; }
    void install(SimModel model);
    bool remove(const QString &name);
    bool copy(const QString &source, const QString &destination);
    void resetToInitial();

    // Marks `name` loaded until `expiresAt`; returns true when it was not
    // loaded before (the request pays a load).
    bool touchLoaded(const QString &name, int contextLength, const QDateTime &expiresAt);
    void unload(const QString &name);
    QList<LoadedModel> loaded(const QDateTime &now) const;
    void clearLoaded() { m_loaded.clear(); }

private:
    static QList<SimModel> defaultInstalled();
    static QList<SimModel> defaultRegistry();

    QList<SimModel> m_initialInstalled;
    QList<SimModel> m_installed;
    QList<SimModel> m_registry;
    QList<LoadedModel> m_loaded;
};

} // namespace rt::sim
