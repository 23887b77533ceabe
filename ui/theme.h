#pragma once

#include <QColor>
#include <QFont>
#include <QString>

class QApplication;

namespace rt::ui {

// The colours and type scale of the window, in one place. Light theme; every
// widget takes its colours from here or from the palette set by apply().
namespace Theme {

inline const QColor Accent { 0x25, 0x63, 0xeb }; // user bubbles, primary buttons, selection
inline const QColor AccentHover { 0x1d, 0x4e, 0xd8 };
inline const QColor AccentText { 0xff, 0xff, 0xff };
inline const QColor Text { 0x1f, 0x23, 0x28 };
inline const QColor MutedText { 0x6b, 0x72, 0x80 };
inline const QColor Window { 0xff, 0xff, 0xff };
inline const QColor ChatBackground { 0xf5, 0xf6, 0xf8 };
inline const QColor AssistantBubble { 0xff, 0xff, 0xff };
inline const QColor AssistantBorder { 0xdf, 0xe3, 0xe8 };
inline const QColor Border { 0xdf, 0xe3, 0xe8 };
inline const QColor SidebarBackground { 0x1e, 0x23, 0x2e };
inline const QColor SidebarText { 0xd5, 0xda, 0xe3 };
inline const QColor SidebarSelected { 0x33, 0x3b, 0x4d };
inline const QColor ErrorBackground { 0xfd, 0xec, 0xec };
inline const QColor ErrorBorder { 0xf2, 0xb8, 0xb8 };
inline const QColor ErrorText { 0x9b, 0x1c, 0x1c };
inline const QColor WarningText { 0xa1, 0x4f, 0x05 };
inline const QColor DemoBackground { 0xff, 0xf4, 0xce };
inline const QColor DemoBorder { 0xee, 0xd3, 0x7f };
inline const QColor DemoText { 0x5c, 0x44, 0x00 };
inline const QColor Online { 0x16, 0xa3, 0x4a };
inline const QColor Offline { 0xdc, 0x26, 0x26 };
inline const QColor Pending { 0xd9, 0x97, 0x06 };
inline const QColor CodeBackground { 0xf0, 0xf2, 0xf5 };

// Fusion style, a light palette, a readable base font and the shared style
// sheet. Call once after QApplication exists (runGui and the GUI tests do).
void apply(QApplication &app);

// The base font scaled by factor (captions ~0.85, titles ~1.6), optionally bold.
QFont scaledFont(const QFont &base, qreal factor, bool bold = false);

// "#2563eb", for style sheets and rich text.
inline QString css(const QColor &color)
{
    return color.name(QColor::HexRgb);
}

} // namespace Theme
} // namespace rt::ui
