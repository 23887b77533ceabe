#pragma once

#include "llm/chattypes.h"

#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace rt::agents {

// One seat at the table: who it is, how it speaks, which model voices it.
// A plain value type; safe to copy across threads.
struct Agent {
    qint64 id = 0; // storage id; 0 = not stored yet
    QString name; // unique, case-insensitive ("Skeptic")
    QString role; // built-in role key ("skeptic") or "custom"
    QString description; // one line for lists
    QString systemPrompt; // the role prompt
    QString model; // e.g. "llama3.2:1b"
    QStringList fallbackModels; // tried in order when the model is missing or failing
    rt::llm::GenerationOptions options;
    QString colour; // "#RRGGBB" for the UI
    QString avatar; // emoji or icon name
    double weight = 1.0; // vote weight in consensus
    bool builtin = false;

    QJsonObject toJson() const;
    static Agent fromJson(const QJsonObject &object);
    // Models to try, in order: the model, then the fallbacks (no duplicates).
    QStringList modelsToTry() const;

    // Field-by-field equality (options compared by their JSON form).
    bool operator==(const Agent &other) const;
};

} // namespace rt::agents

Q_DECLARE_METATYPE(rt::agents::Agent)
