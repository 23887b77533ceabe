#include "chatinput.h"

#include <QKeyEvent>
#include <QTextBlock>

namespace rt::ui {

ChatInput::ChatInput(QWidget *parent)
    : QPlainTextEdit(parent)
{
    setTabChangesFocus(true);
    setFrameShape(QFrame::NoFrame);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    document()->setDocumentMargin(6);
    connect(this, &QPlainTextEdit::textChanged, this, &ChatInput::updateHeight);
    updateHeight();
}

void ChatInput::keyPressEvent(QKeyEvent *event)
{
    const bool enter = event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter;
    if (enter) {
        if (event->modifiers().testFlag(Qt::ShiftModifier)) {
            insertPlainText(QStringLiteral("\n")); // a new paragraph, not U+2028
            return;
        }
        if (!event->modifiers().testFlag(Qt::AltModifier)) {
            emit submitted();
            return;
        }
    }
    QPlainTextEdit::keyPressEvent(event);
}

void ChatInput::resizeEvent(QResizeEvent *event)
{
    QPlainTextEdit::resizeEvent(event);
    updateHeight(); // wrapping changed
}

int ChatInput::heightForLines(int lines) const
{
    const int margins = int(2 * document()->documentMargin()) + contentsMargins().top() + contentsMargins().bottom();
    return lines * fontMetrics().lineSpacing() + margins + 2;
}

void ChatInput::updateHeight()
{
    // The plain-text layout counts wrapped lines in its document size.
    int lines = 0;
    for (QTextBlock block = document()->begin(); block.isValid(); block = block.next())
        lines += qMax(1, block.layout() ? block.layout()->lineCount() : 1);
    if (document()->isEmpty() && !placeholderText().isEmpty()) {
        // Room for the whole hint, which may wrap (a longer language, a narrow window).
        const int width = viewport()->width() - int(2 * document()->documentMargin());
        if (width > 0) {
            const QRect hint = fontMetrics().boundingRect(QRect(0, 0, width, 100000), Qt::TextWordWrap, placeholderText());
            lines = qMax(lines, qRound(double(hint.height()) / fontMetrics().lineSpacing()));
        }
    }
    lines = qBound(1, lines, m_maxLines);
    const int height = heightForLines(lines);
    if (height != this->height())
        setFixedHeight(height);
    setVerticalScrollBarPolicy(lines >= m_maxLines ? Qt::ScrollBarAsNeeded : Qt::ScrollBarAlwaysOff);
}

QSize ChatInput::sizeHint() const
{
    return { 400, heightForLines(1) };
}

QSize ChatInput::minimumSizeHint() const
{
    return { 120, heightForLines(1) };
}

} // namespace rt::ui
