#include "chatview.h"

#include "chatmessagemodel.h"
#include "messagedelegate.h"
#include "theme.h"

#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QMenu>
#include <QPainter>
#include <QScrollBar>

namespace rt::ui {

ChatView::ChatView(QWidget *parent)
    : QListView(parent)
    , m_delegate(new MessageDelegate(this))
{
    setItemDelegate(m_delegate);
    // The transcript size of the settings, now and when it changes.
    setFont(Theme::transcriptFont(QApplication::font()));
    connect(
        Theme::notifier(), &Theme::Notifier::transcriptFontChanged, this, [this] { setFont(Theme::transcriptFont(QApplication::font())); });
    connect(Theme::notifier(), &Theme::Notifier::modeChanged, this, [this] {
        m_delegate->updateFonts(); // cached layouts carry the old colours
        viewport()->update();
    });
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setResizeMode(QListView::Adjust);
    setUniformItemSizes(false);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setFrameShape(QFrame::NoFrame);
    setMouseTracking(true);
    setWordWrap(true);
    verticalScrollBar()->setSingleStep(24);

    Theme::style(verticalScrollBar(),
        QStringLiteral("QScrollBar:vertical { background: transparent; width: 12px; margin: 2px; }"
                       "QScrollBar::handle:vertical { background: {ScrollHandle}; border-radius: 4px; min-height: 32px; }"
                       "QScrollBar::handle:vertical:hover { background: {ScrollHandleHover}; }"
                       "QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical { height: 0; }"
                       "QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical { background: transparent; }"));

    QPalette palette = this->palette();
    palette.setColor(QPalette::Base, Theme::ChatBackground);
    setPalette(palette);
    setAutoFillBackground(true);

    // Follow the end while the user is there; scrolling up to read stops it.
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this,
        [this](int value) { m_follow = value >= verticalScrollBar()->maximum() - 4; });
    connect(verticalScrollBar(), &QScrollBar::rangeChanged, this, [this](int, int maximum) {
        if (m_follow)
            verticalScrollBar()->setValue(maximum);
    });
}

void ChatView::setPlaceholder(const QString &title, const QString &text)
{
    m_placeholderTitle = title;
    m_placeholderText = text;
    viewport()->update();
}

void ChatView::followEnd()
{
    m_follow = true;
    verticalScrollBar()->setValue(verticalScrollBar()->maximum());
}

void ChatView::dataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight, const QList<int> &roles)
{
    // A message that grew by a line needs the rows re-measured (cheap: every
    // other row's size is cached); one that only changed inside a line is
    // just repainted.
    bool grew = false;
    for (int row = topLeft.row(); row <= bottomRight.row(); ++row)
        grew = m_delegate->refresh(model()->index(row, 0)) || grew;
    if (grew) {
        ++m_relayouts;
        // Now, not at the next event-loop pass: a paint in between would find
        // the rows without positions and draw nothing.
        scheduleDelayedItemsLayout();
        executeDelayedItemsLayout();
    }
    QListView::dataChanged(topLeft, bottomRight, roles);
}

void ChatView::rowsInserted(const QModelIndex &parent, int start, int end)
{
    QListView::rowsInserted(parent, start, end); // schedules a layout
    // Lay out now (see dataChanged); this also re-measures the previous last
    // row, which loses its end padding.
    executeDelayedItemsLayout();
}

void ChatView::reset()
{
    m_delegate->clearCache();
    QListView::reset();
    m_follow = true;
}

void ChatView::paintEvent(QPaintEvent *event)
{
    if (model() && model()->rowCount() > 0) {
        QListView::paintEvent(event);
        return;
    }
    QPainter painter(viewport());
    painter.setRenderHint(QPainter::Antialiasing);
    const QRect area = viewport()->rect().adjusted(40, 0, -40, 0);
    const QFont titleFont = Theme::scaledFont(font(), 1.5, true);
    const QFont textFont = font();
    const QFontMetrics titleMetrics(titleFont);
    const QRect textBounds = QFontMetrics(textFont).boundingRect(
        QRect(0, 0, qMin(area.width(), 520), 1000), Qt::AlignHCenter | Qt::TextWordWrap, m_placeholderText);
    const int total = titleMetrics.height() + 10 + textBounds.height();
    int y = area.center().y() - total / 2 - 20;
    painter.setFont(titleFont);
    painter.setPen(Theme::Text);
    painter.drawText(QRect(area.left(), y, area.width(), titleMetrics.height()), Qt::AlignHCenter, m_placeholderTitle);
    y += titleMetrics.height() + 10;
    painter.setFont(textFont);
    painter.setPen(Theme::MutedText);
    const int textWidth = qMin(area.width(), 520);
    painter.drawText(QRect(area.center().x() - textWidth / 2, y, textWidth, textBounds.height()), Qt::AlignHCenter | Qt::TextWordWrap,
        m_placeholderText);
}

int ChatView::retryRowAt(const QPoint &pos) const
{
    const QModelIndex index = indexAt(pos);
    if (!index.isValid())
        return -1;
    return m_delegate->retryRect(index, visualRect(index)).contains(pos) ? index.row() : -1;
}

void ChatView::mouseMoveEvent(QMouseEvent *event)
{
    viewport()->setCursor(retryRowAt(event->position().toPoint()) >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
    QListView::mouseMoveEvent(event);
}

void ChatView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        const int row = retryRowAt(event->position().toPoint());
        if (row >= 0) {
            emit retryRequested(row);
            event->accept();
            return;
        }
    }
    QListView::mouseReleaseEvent(event);
}

void ChatView::keyPressEvent(QKeyEvent *event)
{
    if (event->matches(QKeySequence::Copy) && currentIndex().isValid()) {
        copyRow(currentIndex().row());
        return;
    }
    QListView::keyPressEvent(event);
}

void ChatView::contextMenuEvent(QContextMenuEvent *event)
{
    const QModelIndex index = indexAt(event->pos());
    if (!index.isValid())
        return;
    auto *menu = new QMenu(this); // popup(), not exec(): no nested event loop
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->addAction(tr("Copy Message"), this, [this, row = index.row()] { copyRow(row); });
    if (index.data(ChatMessageModel::CanRetryRole).toBool())
        menu->addAction(tr("Retry"), this, [this, row = index.row()] { emit retryRequested(row); });
    menu->popup(event->globalPos());
}

void ChatView::changeEvent(QEvent *event)
{
    QListView::changeEvent(event);
    if (event->type() == QEvent::FontChange) {
        m_delegate->updateFonts();
        scheduleDelayedItemsLayout();
    }
}

void ChatView::copyRow(int row) const
{
    const QString text = model()->index(row, 0).data(ChatMessageModel::ContentRole).toString();
    if (!text.isEmpty())
        QApplication::clipboard()->setText(text);
}

} // namespace rt::ui
