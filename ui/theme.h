#pragma once

#include <QColor>
#include <QFont>
#include <QObject>
#include <QString>
#include <optional>

class QApplication;
class QWidget;

namespace rt::ui {

// The colours and type scale of the window, in one place: every widget takes
// its colours from here or from the palette set by apply().
namespace Theme {

// Light or dark: set once by apply() before the first widget is made; the
// colours below then hold that theme's values (every widget reads them or
// the palette apply() sets, so nothing else needs to know the mode).
enum class Mode { Light, Dark };

inline QColor Accent { 0x25, 0x63, 0xeb }; // user bubbles, primary buttons, selection
inline QColor AccentHover { 0x1d, 0x4e, 0xd8 };
inline QColor AccentText { 0xff, 0xff, 0xff };
inline QColor Text { 0x1f, 0x23, 0x28 };
inline QColor MutedText { 0x6b, 0x72, 0x80 };
inline QColor Window { 0xff, 0xff, 0xff };
inline QColor Surface { 0xff, 0xff, 0xff }; // cards, bars, inputs
inline QColor SurfaceHover { 0xf0, 0xf3, 0xf7 };
inline QColor ChatBackground { 0xf5, 0xf6, 0xf8 };
inline QColor AssistantBubble { 0xff, 0xff, 0xff };
inline QColor AssistantBorder { 0xdf, 0xe3, 0xe8 };
inline QColor Border { 0xdf, 0xe3, 0xe8 };
inline QColor SidebarBackground { 0x1e, 0x23, 0x2e };
inline QColor SidebarText { 0xd5, 0xda, 0xe3 };
inline QColor SidebarSelected { 0x33, 0x3b, 0x4d };
inline QColor ErrorBackground { 0xfd, 0xec, 0xec };
inline QColor ErrorBorder { 0xf2, 0xb8, 0xb8 };
inline QColor ErrorText { 0x9b, 0x1c, 0x1c };
inline QColor WarningText { 0xa1, 0x4f, 0x05 };
inline QColor DemoBackground { 0xff, 0xf4, 0xce };
inline QColor DemoBorder { 0xee, 0xd3, 0x7f };
inline QColor DemoText { 0x5c, 0x44, 0x00 };
inline QColor Online { 0x16, 0xa3, 0x4a };
inline QColor Offline { 0xdc, 0x26, 0x26 };
inline QColor Pending { 0xd9, 0x97, 0x06 };
inline QColor CodeBackground { 0xf0, 0xf2, 0xf5 };
inline QColor ScrollHandle { 0xc9, 0xce, 0xd6 };
inline QColor ScrollHandleHover { 0xaa, 0xb1, 0xbc };
inline Mode CurrentMode = Mode::Light;

// The system's preference, read from the platform palette before apply()
// replaces it (Qt 6.4 has no colour-scheme hint).
Mode systemMode();
// "light", "dark" or "system" (anything else: nullopt).
std::optional<Mode> parseMode(QStringView name);

// A seat's colour made readable as text on this theme's surfaces (agent
// colours are chosen for light backgrounds; in dark mode they are lightened).
QColor readableOn(const QColor &seatColour);

// Fusion style, the palette of `mode`, a readable base font and the shared
// style sheet. Call once after QApplication exists, before any widget (runGui
// and the GUI tests do).
void apply(QApplication &app, Mode mode = Mode::Light);

// Switches the whole running window to `mode`: apply(), then every widget
// styled through style() gets its colours again and everything repaints;
// notifier() says modeChanged() for what draws with its own colours.
void change(QApplication &app, Mode mode);

// A style sheet with theme colours by name, "color: {MutedText}; border: 1px
// solid {Border};", kept on the widget so change() can fill in the new
// colours. Unknown names are left as they are.
void style(QWidget *widget, const QString &styleTemplate);
QString expand(const QString &styleTemplate);

// Chat and debate transcripts: the base font at the chosen size (0 = as is).
inline int TranscriptPointSize = 0;
QFont transcriptFont(const QFont &base);
void setTranscriptPointSize(int points); // says transcriptFontChanged()

// Live changes of the theme, for widgets that keep colours or fonts of their own.
class Notifier final : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
signals:
    void modeChanged();
    void transcriptFontChanged();
};
Notifier *notifier();

// The base font scaled by factor (captions ~0.85, titles ~1.6), optionally bold.
QFont scaledFont(const QFont &base, qreal factor, bool bold = false);

// "#2563eb", for style sheets and rich text.
inline QString css(const QColor &color)
{
    return color.name(QColor::HexRgb);
}

} // namespace Theme
} // namespace rt::ui
