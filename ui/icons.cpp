#include "icons.h"

#include <QPainter>
#include <QPainterPath>
#include <QPixmap>
#include <functional>

namespace rt::ui::Icons {

namespace {

// Draws on a 24x24 design grid at several sizes.
QIcon render(const std::function<void(QPainter &)> &draw)
{
    QIcon icon;
    for (const int size : { 16, 24, 32, 48, 64 }) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.scale(size / 24.0, size / 24.0);
        draw(painter);
        painter.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

QPen strokePen(const QColor &color, qreal width = 2.0)
{
    QPen pen(color, width);
    pen.setCapStyle(Qt::RoundCap);
    pen.setJoinStyle(Qt::RoundJoin);
    return pen;
}

} // namespace

QIcon chat(const QColor &color)
{
    return render([color](QPainter &p) {
        p.setPen(strokePen(color));
        p.setBrush(Qt::NoBrush);
        QPainterPath path;
        path.addRoundedRect(QRectF(3, 4, 18, 12.5), 4, 4);
        p.drawPath(path);
        QPainterPath tail;
        tail.moveTo(8, 16.5);
        tail.lineTo(6.5, 21);
        tail.lineTo(12, 16.5);
        p.drawPath(tail);
    });
}

QIcon debate(const QColor &color)
{
    return render([color](QPainter &p) {
        p.setPen(strokePen(color, 1.8));
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(QRectF(7, 8.5, 10, 7)); // the table
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        for (const QPointF &seat : { QPointF(12, 4), QPointF(4, 17.5), QPointF(20, 17.5) })
            p.drawEllipse(seat, 2.4, 2.4);
    });
}

QIcon send(const QColor &color)
{
    return render([color](QPainter &p) {
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        QPainterPath path;
        path.moveTo(3, 3.5);
        path.lineTo(21.5, 12);
        path.lineTo(3, 20.5);
        path.lineTo(5.5, 12);
        path.closeSubpath();
        p.drawPath(path);
    });
}

QIcon stop(const QColor &color)
{
    return render([color](QPainter &p) {
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        p.drawRoundedRect(QRectF(6, 6, 12, 12), 2, 2);
    });
}

QIcon newChat(const QColor &color)
{
    return render([color](QPainter &p) {
        p.setPen(strokePen(color));
        p.drawLine(QPointF(12, 5), QPointF(12, 19));
        p.drawLine(QPointF(5, 12), QPointF(19, 12));
    });
}

QIcon refresh(const QColor &color)
{
    return render([color](QPainter &p) {
        p.setPen(strokePen(color));
        p.setBrush(Qt::NoBrush);
        p.drawArc(QRectF(5, 5, 14, 14), 60 * 16, 270 * 16);
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        QPainterPath head;
        head.moveTo(15.2, 2.8);
        head.lineTo(19.8, 6.4);
        head.lineTo(14.4, 8.6);
        head.closeSubpath();
        p.drawPath(head);
    });
}

QIcon agents(const QColor &color)
{
    return render([color](QPainter &p) {
        p.setPen(strokePen(color, 1.8));
        p.setBrush(Qt::NoBrush);
        // A person in front, a second one behind.
        p.drawEllipse(QPointF(9.5, 8.5), 3.6, 3.6);
        QPainterPath body;
        body.moveTo(3, 20.5);
        body.cubicTo(3, 15.5, 6, 14, 9.5, 14);
        body.cubicTo(13, 14, 16, 15.5, 16, 20.5);
        p.drawPath(body);
        QPainterPath back;
        back.moveTo(15, 5.2);
        back.arcTo(QRectF(13.2, 4.9, 7, 7), 120, -240);
        p.drawPath(back);
        QPainterPath backBody;
        backBody.moveTo(18.5, 14.2);
        backBody.cubicTo(20.5, 15, 21.5, 16.8, 21.5, 19.5);
        p.drawPath(backBody);
    });
}

QIcon models(const QColor &color)
{
    return render([color](QPainter &p) {
        p.setPen(strokePen(color, 1.8));
        p.setBrush(Qt::NoBrush);
        for (const qreal y : { 7.0, 12.0, 17.0 }) {
            QPainterPath layer;
            layer.moveTo(3, y);
            layer.lineTo(12, y - 4);
            layer.lineTo(21, y);
            layer.lineTo(12, y + 4);
            layer.closeSubpath();
            p.drawPath(layer);
        }
    });
}

QIcon history(const QColor &color)
{
    return render([color](QPainter &p) {
        p.setPen(strokePen(color, 1.8));
        p.setBrush(Qt::NoBrush);
        p.drawArc(QRectF(4, 4, 16, 16), 150 * 16, -300 * 16);
        p.drawLine(QPointF(12, 8), QPointF(12, 12));
        p.drawLine(QPointF(12, 12), QPointF(15, 14));
        p.drawLine(QPointF(3.5, 6), QPointF(5.1, 8.3));
        p.drawLine(QPointF(5.1, 8.3), QPointF(7.8, 7.3));
    });
}

QIcon tasks(const QColor &color)
{
    return render([color](QPainter &p) {
        p.setPen(strokePen(color, 1.8));
        for (const qreal y : { 6.0, 12.0, 18.0 }) {
            p.drawLine(QPointF(3.5, y), QPointF(5, y + 1.5));
            p.drawLine(QPointF(5, y + 1.5), QPointF(7.5, y - 1.5));
            p.drawLine(QPointF(10.5, y), QPointF(20.5, y));
        }
    });
}

QIcon metrics(const QColor &color)
{
    return render([color](QPainter &p) {
        p.setPen(strokePen(color, 1.8));
        p.setBrush(Qt::NoBrush);
        // The axes, then a line going up with a dip.
        p.drawLine(QPointF(3.5, 3.5), QPointF(3.5, 20.5));
        p.drawLine(QPointF(3.5, 20.5), QPointF(20.5, 20.5));
        QPainterPath line;
        line.moveTo(7, 16);
        line.lineTo(11, 10.5);
        line.lineTo(14.5, 13.5);
        line.lineTo(20, 6);
        p.drawPath(line);
    });
}

QIcon settings(const QColor &color)
{
    return render([color](QPainter &p) {
        p.setPen(strokePen(color, 1.8));
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(QPointF(12, 12), 3, 3);
        for (int i = 0; i < 8; ++i) {
            p.save();
            p.translate(12, 12);
            p.rotate(i * 45.0);
            p.drawLine(QPointF(0, -6.5), QPointF(0, -9));
            p.restore();
        }
        p.drawEllipse(QPointF(12, 12), 6.5, 6.5);
    });
}

QIcon app()
{
    return render([](QPainter &p) {
        const QColor table(0x25, 0x63, 0xeb);
        p.setPen(Qt::NoPen);
        p.setBrush(table);
        p.drawEllipse(QPointF(12, 12), 6, 6);
        const QColor seats[] = { QColor(0xf5, 0x9e, 0x0b), QColor(0x10, 0xb9, 0x81), QColor(0xef, 0x44, 0x44) };
        const QPointF positions[] = { QPointF(12, 3), QPointF(19.8, 16.5), QPointF(4.2, 16.5) };
        for (int i = 0; i < 3; ++i) {
            p.setBrush(seats[i]);
            p.drawEllipse(positions[i], 2.6, 2.6);
        }
    });
}

} // namespace rt::ui::Icons
