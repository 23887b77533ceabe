#pragma once

#include <QString>
#include <QStringView>

namespace rt::llm {

// Ollama names without a tag mean ":latest"; names compare case-insensitively
// ("Llama3.2" and "llama3.2:latest" are the same model).
QString normalizeModelName(QStringView name);
bool sameModel(QStringView a, QStringView b);

} // namespace rt::llm
