#include "theme.h"

#include <QApplication>
#include <QGuiApplication>
#include <QPalette>
#include <QStyleFactory>
#include <QWidget>
#include <utility>

namespace rt::ui::Theme {

QFont scaledFont(const QFont &base, qreal factor, bool bold)
{
    QFont font = base;
    if (base.pointSizeF() > 0)
        font.setPointSizeF(base.pointSizeF() * factor);
    else
        font.setPixelSize(qMax(8, qRound(base.pixelSize() * factor)));
    font.setBold(bold);
    return font;
}

Mode systemMode()
{
    // Read once, before apply() puts our palette in place of the platform's.
    static const Mode platform = QGuiApplication::palette().color(QPalette::Window).lightness() < 128 ? Mode::Dark : Mode::Light;
    return platform;
}

std::optional<Mode> parseMode(QStringView name)
{
    if (name == u"light")
        return Mode::Light;
    if (name == u"dark")
        return Mode::Dark;
    if (name == u"system")
        return systemMode();
    return std::nullopt;
}

QColor readableOn(const QColor &seatColour)
{
    if (CurrentMode == Mode::Light)
        return seatColour.darker(115);
    QColor c = seatColour.toHsl();
    return QColor::fromHsl(c.hslHue(), qMin(c.hslSaturation(), 200), qMax(c.lightness(), 165));
}

namespace {
const char *const StyleTemplateProperty = "rtStyleTemplate";

void useLightColours()
{
    Accent = QColor(0x25, 0x63, 0xeb);
    AccentHover = QColor(0x1d, 0x4e, 0xd8);
    AccentText = QColor(0xff, 0xff, 0xff);
    Text = QColor(0x1f, 0x23, 0x28);
    MutedText = QColor(0x6b, 0x72, 0x80);
    Window = QColor(0xff, 0xff, 0xff);
    Surface = QColor(0xff, 0xff, 0xff);
    SurfaceHover = QColor(0xf0, 0xf3, 0xf7);
    ChatBackground = QColor(0xf5, 0xf6, 0xf8);
    AssistantBubble = QColor(0xff, 0xff, 0xff);
    AssistantBorder = QColor(0xdf, 0xe3, 0xe8);
    Border = QColor(0xdf, 0xe3, 0xe8);
    SidebarBackground = QColor(0x1e, 0x23, 0x2e);
    SidebarText = QColor(0xd5, 0xda, 0xe3);
    SidebarSelected = QColor(0x33, 0x3b, 0x4d);
    ErrorBackground = QColor(0xfd, 0xec, 0xec);
    ErrorBorder = QColor(0xf2, 0xb8, 0xb8);
    ErrorText = QColor(0x9b, 0x1c, 0x1c);
    WarningText = QColor(0xa1, 0x4f, 0x05);
    DemoBackground = QColor(0xff, 0xf4, 0xce);
    DemoBorder = QColor(0xee, 0xd3, 0x7f);
    DemoText = QColor(0x5c, 0x44, 0x00);
    Online = QColor(0x16, 0xa3, 0x4a);
    Offline = QColor(0xdc, 0x26, 0x26);
    Pending = QColor(0xd9, 0x97, 0x06);
    CodeBackground = QColor(0xf0, 0xf2, 0xf5);
    ScrollHandle = QColor(0xc9, 0xce, 0xd6);
    ScrollHandleHover = QColor(0xaa, 0xb1, 0xbc);
}

void useDarkColours()
{
    Accent = QColor(0x4f, 0x8c, 0xff);
    AccentHover = QColor(0x6b, 0x9f, 0xff);
    AccentText = QColor(0xff, 0xff, 0xff);
    Text = QColor(0xe6, 0xe8, 0xec);
    MutedText = QColor(0x9a, 0xa3, 0xb2);
    Window = QColor(0x1b, 0x1f, 0x27);
    Surface = QColor(0x23, 0x28, 0x32);
    SurfaceHover = QColor(0x2c, 0x33, 0x3f);
    ChatBackground = QColor(0x16, 0x19, 0x20);
    AssistantBubble = QColor(0x23, 0x28, 0x32);
    AssistantBorder = QColor(0x34, 0x3b, 0x48);
    Border = QColor(0x34, 0x3b, 0x48);
    SidebarBackground = QColor(0x11, 0x14, 0x1a);
    SidebarText = QColor(0xd5, 0xda, 0xe3);
    SidebarSelected = QColor(0x2a, 0x31, 0x40);
    ErrorBackground = QColor(0x3a, 0x1d, 0x1f);
    ErrorBorder = QColor(0x7f, 0x2d, 0x31);
    ErrorText = QColor(0xff, 0x9b, 0x9b);
    WarningText = QColor(0xf5, 0xb4, 0x5c);
    DemoBackground = QColor(0x3a, 0x30, 0x12);
    DemoBorder = QColor(0x6b, 0x57, 0x1c);
    DemoText = QColor(0xf3, 0xdc, 0x8c);
    Online = QColor(0x34, 0xd3, 0x6f);
    Offline = QColor(0xf8, 0x71, 0x71);
    Pending = QColor(0xf5, 0xb3, 0x2e);
    CodeBackground = QColor(0x2a, 0x2f, 0x3a);
    ScrollHandle = QColor(0x4a, 0x52, 0x62);
    ScrollHandleHover = QColor(0x5d, 0x66, 0x78);
}
} // namespace

void apply(QApplication &app, Mode mode)
{
    systemMode(); // remembered before the palette changes
    CurrentMode = mode;
    if (mode == Mode::Dark)
        useDarkColours();
    else
        useLightColours();
    if (QStyle *fusion = QStyleFactory::create(QStringLiteral("Fusion")))
        QApplication::setStyle(fusion);

    QPalette palette;
    palette.setColor(QPalette::Window, ChatBackground);
    palette.setColor(QPalette::WindowText, Text);
    palette.setColor(QPalette::Base, Window);
    palette.setColor(QPalette::AlternateBase, ChatBackground);
    palette.setColor(QPalette::Text, Text);
    palette.setColor(QPalette::Button, Surface);
    palette.setColor(QPalette::Mid, Border);
    palette.setColor(QPalette::Light, SurfaceHover);
    palette.setColor(QPalette::ButtonText, Text);
    palette.setColor(QPalette::Highlight, Accent);
    palette.setColor(QPalette::HighlightedText, AccentText);
    palette.setColor(QPalette::Link, Accent);
    palette.setColor(QPalette::PlaceholderText, MutedText);
    palette.setColor(QPalette::ToolTipBase, Window);
    palette.setColor(QPalette::ToolTipText, Text);
    const QColor disabled = mode == Mode::Dark ? QColor(0x6b, 0x72, 0x80) : QColor(0xa0, 0xa6, 0xb0);
    palette.setColor(QPalette::Disabled, QPalette::Text, disabled);
    palette.setColor(QPalette::Disabled, QPalette::ButtonText, disabled);
    palette.setColor(QPalette::Disabled, QPalette::WindowText, disabled);
    QApplication::setPalette(palette);

    // Qt's generic default (9 pt) is small for reading long replies.
    QFont font = QApplication::font();
    if (font.pointSizeF() > 0 && font.pointSizeF() < 10)
        font.setPointSizeF(10);
    QApplication::setFont(font);

    const QColor pressed = mode == Mode::Dark ? QColor(0x34, 0x3b, 0x48) : QColor(0xe5, 0xe9, 0xef);
    const QColor disabledButton = mode == Mode::Dark ? QColor(0x1f, 0x23, 0x2b) : QColor(0xf7, 0xf8, 0xfa);
    const QColor primaryDisabled = mode == Mode::Dark ? QColor(0x2d, 0x45, 0x70) : QColor(0x9d, 0xb6, 0xee);
    app.setStyleSheet(QStringLiteral(R"(
QPushButton { padding: 5px 14px; border: 1px solid %1; border-radius: 6px; background: %7; color: %10; }
QPushButton:hover { background: %8; }
QPushButton:pressed { background: %9; }
QPushButton:disabled { color: %11; background: %12; }
QPushButton[primary="true"] { background: %2; color: #ffffff; border: 1px solid %2; font-weight: 600; }
QPushButton[primary="true"]:hover { background: %3; border-color: %3; }
QPushButton[primary="true"]:disabled { background: %13; border-color: %13; color: #eef3fd; }
QPushButton[danger="true"] { color: %4; border-color: %5; }
QPushButton[danger="true"]:hover { background: %6; }
QPushButton[danger="true"]:disabled { color: %11; border-color: %1; background: %12; }
QMenuBar { background: %7; border-bottom: 1px solid %1; }
QStatusBar { background: %7; border-top: 1px solid %1; }
QStatusBar::item { border: none; }
QToolTip { border: 1px solid %1; padding: 4px; }
)")
                          .arg(css(Border), css(Accent), css(AccentHover), css(ErrorText), css(ErrorBorder), css(ErrorBackground),
                              css(Surface), css(SurfaceHover), css(pressed))
                          .arg(css(Text), css(disabled), css(disabledButton), css(primaryDisabled)));
}

Notifier *notifier()
{
    static Notifier *instance = new Notifier(qApp); // lives as long as the application
    return instance;
}

QString expand(const QString &styleTemplate)
{
    static const std::pair<QStringView, QColor *> colours[] = {
        { u"Accent", &Accent },
        { u"AccentHover", &AccentHover },
        { u"AccentText", &AccentText },
        { u"Text", &Text },
        { u"MutedText", &MutedText },
        { u"Window", &Window },
        { u"Surface", &Surface },
        { u"SurfaceHover", &SurfaceHover },
        { u"ChatBackground", &ChatBackground },
        { u"AssistantBubble", &AssistantBubble },
        { u"AssistantBorder", &AssistantBorder },
        { u"Border", &Border },
        { u"SidebarBackground", &SidebarBackground },
        { u"SidebarText", &SidebarText },
        { u"SidebarSelected", &SidebarSelected },
        { u"ErrorBackground", &ErrorBackground },
        { u"ErrorBorder", &ErrorBorder },
        { u"ErrorText", &ErrorText },
        { u"WarningText", &WarningText },
        { u"DemoBackground", &DemoBackground },
        { u"DemoBorder", &DemoBorder },
        { u"DemoText", &DemoText },
        { u"Online", &Online },
        { u"Offline", &Offline },
        { u"Pending", &Pending },
        { u"CodeBackground", &CodeBackground },
        { u"ScrollHandleHover", &ScrollHandleHover },
        { u"ScrollHandle", &ScrollHandle },
    };
    QString out = styleTemplate;
    for (const auto &[name, colour] : colours)
        out.replace(QLatin1Char('{') + name.toString() + QLatin1Char('}'), css(*colour));
    return out;
}

void style(QWidget *widget, const QString &styleTemplate)
{
    widget->setProperty(StyleTemplateProperty, styleTemplate);
    widget->setStyleSheet(expand(styleTemplate));
}

void change(QApplication &app, Mode mode)
{
    if (mode == CurrentMode)
        return;
    apply(app, mode);
    for (QWidget *widget : QApplication::allWidgets()) {
        const QVariant styleTemplate = widget->property(StyleTemplateProperty);
        if (styleTemplate.isValid())
            widget->setStyleSheet(expand(styleTemplate.toString()));
        widget->update();
    }
    emit notifier()->modeChanged();
}

QFont transcriptFont(const QFont &base)
{
    QFont font = base;
    if (TranscriptPointSize > 0)
        font.setPointSize(TranscriptPointSize);
    return font;
}

void setTranscriptPointSize(int points)
{
    if (points == TranscriptPointSize)
        return;
    TranscriptPointSize = points;
    emit notifier()->transcriptFontChanged();
}

} // namespace rt::ui::Theme
