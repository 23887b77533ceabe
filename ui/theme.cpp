#include "theme.h"

#include <QApplication>
#include <QPalette>
#include <QStyleFactory>

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

void apply(QApplication &app)
{
    if (QStyle *fusion = QStyleFactory::create(QStringLiteral("Fusion")))
        QApplication::setStyle(fusion);

    QPalette palette;
    palette.setColor(QPalette::Window, QColor(0xf5, 0xf6, 0xf8));
    palette.setColor(QPalette::WindowText, Text);
    palette.setColor(QPalette::Base, Window);
    palette.setColor(QPalette::AlternateBase, ChatBackground);
    palette.setColor(QPalette::Text, Text);
    palette.setColor(QPalette::Button, QColor(0xf7, 0xf8, 0xfa));
    palette.setColor(QPalette::ButtonText, Text);
    palette.setColor(QPalette::Highlight, Accent);
    palette.setColor(QPalette::HighlightedText, AccentText);
    palette.setColor(QPalette::Link, Accent);
    palette.setColor(QPalette::PlaceholderText, MutedText);
    palette.setColor(QPalette::ToolTipBase, Window);
    palette.setColor(QPalette::ToolTipText, Text);
    palette.setColor(QPalette::Disabled, QPalette::Text, QColor(0xa0, 0xa6, 0xb0));
    palette.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0xa0, 0xa6, 0xb0));
    palette.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0xa0, 0xa6, 0xb0));
    QApplication::setPalette(palette);

    // Qt's generic default (9 pt) is small for reading long replies.
    QFont font = QApplication::font();
    if (font.pointSizeF() > 0 && font.pointSizeF() < 10)
        font.setPointSizeF(10);
    QApplication::setFont(font);

    app.setStyleSheet(QStringLiteral(R"(
QPushButton { padding: 5px 14px; border: 1px solid %1; border-radius: 6px; background: #ffffff; }
QPushButton:hover { background: #f0f3f7; }
QPushButton:pressed { background: #e5e9ef; }
QPushButton:disabled { color: #a0a6b0; background: #f7f8fa; }
QPushButton[primary="true"] { background: %2; color: #ffffff; border: 1px solid %2; font-weight: 600; }
QPushButton[primary="true"]:hover { background: %3; border-color: %3; }
QPushButton[primary="true"]:disabled { background: #9db6ee; border-color: #9db6ee; color: #eef3fd; }
QPushButton[danger="true"] { color: %4; border-color: %5; }
QPushButton[danger="true"]:hover { background: %6; }
QMenuBar { background: #ffffff; border-bottom: 1px solid %1; }
QStatusBar { background: #ffffff; border-top: 1px solid %1; }
QStatusBar::item { border: none; }
QToolTip { border: 1px solid %1; padding: 4px; }
)")
                          .arg(css(Border), css(Accent), css(AccentHover), css(ErrorText), css(ErrorBorder), css(ErrorBackground)));
}

} // namespace rt::ui::Theme
