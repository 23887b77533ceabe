#pragma once

#include "common/qrcode.h"

#include <QImage>
#include <QString>
#include <QWidget>
#include <optional>

namespace rt::ui {

// Shows a text (the remote-viewer link) as a QR code a phone can scan: black
// on white with a 4-module quiet zone whatever the theme, since scanners need
// the contrast; scaled to fit with whole pixels per module, centred. Nothing
// but a neutral frame while the text is empty or too long to encode.
class QrCodeWidget final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(QrCodeWidget)
public:
    static constexpr int QuietZone = 4; // modules of white around the symbol

    explicit QrCodeWidget(QWidget *parent = nullptr);

    void setText(const QString &text);
    QString text() const { return m_text; }
    bool hasCode() const { return m_code.has_value(); }
    const std::optional<rt::QrCode> &code() const { return m_code; }

    // The symbol with its quiet zone, moduleSize pixels per module; null without a code.
    QImage image(int moduleSize) const;
    // Device pixels per module when painted at the current size (0 without a code).
    int moduleSize() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QString m_text;
    std::optional<rt::QrCode> m_code;
};

} // namespace rt::ui
