#include "elidedlabel.h"

#include <algorithm>

namespace rt::ui {

ElidedLabel::ElidedLabel(QWidget *parent, int minimumWidth)
    : QLabel(parent)
    , m_minimumWidth(minimumWidth)
{
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
}

void ElidedLabel::setFullText(const QString &text)
{
    m_fullText = text;
    elide();
}

void ElidedLabel::resizeEvent(QResizeEvent *event)
{
    QLabel::resizeEvent(event);
    elide();
}

void ElidedLabel::elide()
{
    setText(fontMetrics().elidedText(m_fullText, Qt::ElideRight, std::max(m_minimumWidth, width())));
}

} // namespace rt::ui
