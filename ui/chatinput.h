#pragma once

#include <QPlainTextEdit>

namespace rt::ui {

// The message box: Enter sends, Shift+Enter starts a new line. Grows with its
// text up to a few lines, then scrolls.
class ChatInput final : public QPlainTextEdit {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChatInput)
public:
    explicit ChatInput(QWidget *parent = nullptr);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void submitted();

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void updateHeight();
    int heightForLines(int lines) const;

    int m_maxLines = 8;
};

} // namespace rt::ui
