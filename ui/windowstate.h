#pragma once

#include <QString>

class QSplitter;

namespace rt::ui {

// Splitters keep their sizes between runs: restored from the settings now
// (when saved before) and saved whenever the user moves them. key names the
// splitter in the settings ("debate/seats").
void rememberSplitter(QSplitter *splitter, const QString &key);

} // namespace rt::ui
