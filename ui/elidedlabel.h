#pragma once

#include <QLabel>

namespace rt::ui {

// A one-line label that shows as much of its text as fits, ending in "…",
// and lets the layout make it narrower than the text (a card or header in a
// longer language, a long model name). The whole text stays in fullText();
// callers put it in the tooltip when it matters.
class ElidedLabel final : public QLabel {
    Q_OBJECT
public:
    // minimumWidth: elide to at least this many pixels even when narrower.
    explicit ElidedLabel(QWidget *parent = nullptr, int minimumWidth = 0);

    void setFullText(const QString &text);
    QString fullText() const { return m_fullText; }

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void elide();

    QString m_fullText;
    int m_minimumWidth;
};

} // namespace rt::ui
