#pragma once

// Screenshots of the window tests: written to <build>/screenshots/ and
// checked not to be blank. A window with text on it has dozens of colours
// (anti-aliased glyphs, theme surfaces, accents); an empty or single-fill
// grab has one or two.

#include "testpaths.h"

#include <QDir>
#include <QImage>
#include <QSet>
#include <QTest>
#include <QWidget>

namespace rt::test {

// Distinct colours in the image, counting up to `enough`.
inline int distinctColours(const QImage &image, int enough)
{
    QSet<QRgb> colours;
    const QImage rgb = image.convertToFormat(QImage::Format_RGB32);
    for (int y = 0; y < rgb.height(); ++y) {
        const auto *line = reinterpret_cast<const QRgb *>(rgb.constScanLine(y));
        for (int x = 0; x < rgb.width(); ++x) {
            colours.insert(line[x]);
            if (colours.size() >= enough)
                return int(colours.size());
        }
    }
    return int(colours.size());
}

inline void saveScreenshot(QWidget *widget, const QString &name)
{
    const QString dir = rt::test::buildDir() + QStringLiteral("/screenshots");
    QDir().mkpath(dir);
    const QImage image = widget->grab().toImage();
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), widget->size() * widget->devicePixelRatio());
    constexpr int MinColours = 16;
    const int colours = distinctColours(image, MinColours);
    QVERIFY2(colours >= MinColours, qPrintable(QStringLiteral("%1 looks blank: only %2 distinct colours").arg(name).arg(colours)));
    QVERIFY2(image.save(dir + u'/' + name, "PNG"), qPrintable(dir + u'/' + name));
    qInfo("screenshot: %s/%s", qPrintable(dir), qPrintable(name));
}

} // namespace rt::test
