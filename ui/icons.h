#pragma once

#include <QColor>
#include <QIcon>

namespace rt::ui::Icons {

// Small line icons drawn with QPainter, crisp at any scale and with no image
// plugin needed (Debian's Qt SVG module is not a dependency).
QIcon chat(const QColor &color);
QIcon debate(const QColor &color);
QIcon send(const QColor &color);
QIcon stop(const QColor &color);
QIcon newChat(const QColor &color);
QIcon refresh(const QColor &color);
QIcon agents(const QColor &color); // two people
QIcon models(const QColor &color); // a stack of layers
QIcon history(const QColor &color); // a clock with a back arrow
QIcon tasks(const QColor &color); // a checklist
QIcon metrics(const QColor &color); // a line rising over an axis
QIcon settings(const QColor &color); // a gear
QIcon app(); // the window icon: three seats around a table

} // namespace rt::ui::Icons
