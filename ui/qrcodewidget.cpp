#include "qrcodewidget.h"

#include <QPaintEvent>
#include <QPainter>
#include <QPen>

namespace rt::ui {

QrCodeWidget::QrCodeWidget(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("qrCode"));
    setAccessibleName(tr("QR code of the viewer link"));
    setAccessibleDescription(tr("Scan it with a phone camera to open the viewer"));
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
}

void QrCodeWidget::setText(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    m_code.reset();
    if (!text.isEmpty())
        m_code = rt::QrCode::encode(text.toUtf8());
    updateGeometry();
    update();
}

QImage QrCodeWidget::image(int moduleSize) const
{
    if (!m_code || moduleSize < 1)
        return {};
    const int modules = m_code->size() + 2 * QuietZone;
    QImage out(modules * moduleSize, modules * moduleSize, QImage::Format_RGB32);
    out.fill(Qt::white);
    const QRgb black = qRgb(0, 0, 0);
    for (int y = 0; y < out.height(); ++y) {
        auto *line = reinterpret_cast<QRgb *>(out.scanLine(y));
        const int row = y / moduleSize - QuietZone;
        for (int x = 0; x < out.width(); ++x) {
            if (m_code->module(x / moduleSize - QuietZone, row))
                line[x] = black;
        }
    }
    return out;
}

int QrCodeWidget::moduleSize() const
{
    if (!m_code)
        return 0;
    const int modules = m_code->size() + 2 * QuietZone;
    // Whole device pixels per module: a fractional size blurs the edges a scanner relies on.
    const int devicePixels = int(qMin(width(), height()) * devicePixelRatioF());
    return qMax(1, devicePixels / modules);
}

QSize QrCodeWidget::sizeHint() const
{
    return { 180, 180 };
}

QSize QrCodeWidget::minimumSizeHint() const
{
    const int modules = m_code ? m_code->size() + 2 * QuietZone : 64;
    return { modules, modules };
}

void QrCodeWidget::paintEvent(QPaintEvent *event)
{
    Q_UNUSED(event)
    QPainter painter(this);
    if (!m_code) {
        // Where the code will be: a quiet dashed square in the palette's colours.
        const int side = qMin(width(), height());
        if (side < 2)
            return;
        QPen pen(palette().color(QPalette::Mid));
        pen.setStyle(Qt::DashLine);
        painter.setPen(pen);
        painter.drawRect(QRect((width() - side) / 2, (height() - side) / 2, side, side).adjusted(0, 0, -1, -1));
        return;
    }
    // Placed on whole device pixels too, centred.
    const qreal ratio = devicePixelRatioF();
    QImage symbol = image(moduleSize());
    const int left = (int(width() * ratio) - symbol.width()) / 2;
    const int top = (int(height() * ratio) - symbol.height()) / 2;
    symbol.setDevicePixelRatio(ratio);
    painter.drawImage(QPointF(left / ratio, top / ratio), symbol);
}

} // namespace rt::ui
