#include "messagedelegate.h"

#include "chatmessagemodel.h"
#include "theme.h"

#include <QAbstractItemView>
#include <QAbstractTextDocumentLayout>
#include <QPainter>
#include <QPainterPath>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <cmath>

namespace rt::ui {

namespace {
constexpr int SideMargin = 28; // between the view's edge and a bubble
constexpr int RowTop = 8;
constexpr int RowBottom = 10;
constexpr int PadX = 14; // inside a bubble
constexpr int PadY = 10;
constexpr int ThinkingGap = 8; // between the thinking text and the answer
constexpr int UnderGap = 5; // between a bubble and the lines under it
constexpr int MaxBubbleWidth = 860;
constexpr int Radius = 12;

using Sender = ChatMessageModel::Sender;
using Phase = ChatMessageModel::Phase;

bool isWaitingPhase(Phase phase)
{
    return phase == Phase::Waiting || phase == Phase::Loading || phase == Phase::Retrying;
}

std::unique_ptr<QTextDocument> makeDocument(const QFont &font, int textWidth)
{
    auto document = std::make_unique<QTextDocument>();
    document->setUndoRedoEnabled(false); // no undo history for text nobody edits
    document->setDocumentMargin(0);
    document->setDefaultFont(font);
    document->setTextWidth(textWidth);
    return document;
}

bool isCodeBlock(const QTextBlock &block)
{
    if (!block.isValid())
        return false;
    const QTextBlockFormat format = block.blockFormat();
    return format.hasProperty(QTextFormat::BlockCodeFence) || format.hasProperty(QTextFormat::BlockCodeLanguage)
        || (block.charFormat().fontFixedPitch() && !block.textList());
}

// md4c leaves code bare and paragraphs touching: tint code, space the blocks.
// Returns true when the text has wide elements (code, tables), which get the
// bubble's full width rather than the width of the longest line.
bool polishMarkdown(QTextDocument *document)
{
    bool wide = !document->rootFrame()->childFrames().isEmpty(); // tables
    QTextCursor cursor(document);
    cursor.beginEditBlock();
    for (QTextBlock block = document->begin(); block.isValid(); block = block.next()) {
        QTextBlockFormat format = block.blockFormat();
        const QTextBlock next = block.next();
        if (isCodeBlock(block)) {
            wide = true;
            format.setBackground(Theme::CodeBackground);
            format.setLeftMargin(format.leftMargin() + 6);
            if (!isCodeBlock(block.previous()))
                format.setTopMargin(2);
            if (!isCodeBlock(next))
                format.setBottomMargin(next.isValid() ? 8 : 0);
        } else if (format.headingLevel() > 0) {
            if (block.previous().isValid())
                format.setTopMargin(10);
            format.setBottomMargin(4);
        } else if (block.textList()) {
            if (next.isValid() && !next.textList())
                format.setBottomMargin(6);
        } else if (next.isValid()) {
            format.setBottomMargin(qMax<qreal>(format.bottomMargin(), 6));
        } else {
            format.setBottomMargin(0);
        }
        QTextCursor(block).setBlockFormat(format);

        if (isCodeBlock(block))
            continue;
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextFragment fragment = it.fragment();
            if (!fragment.isValid() || !fragment.charFormat().fontFixedPitch())
                continue;
            QTextCursor code(document);
            code.setPosition(fragment.position());
            code.setPosition(fragment.position() + fragment.length(), QTextCursor::KeepAnchor);
            QTextCharFormat tint;
            tint.setBackground(Theme::CodeBackground);
            code.mergeCharFormat(tint);
        }
    }
    cursor.endEditBlock();
    return wide;
}
} // namespace

struct MessageDelegate::Entry {
    enum class Mode { None, Plain, Stream, Markdown, Placeholder };

    quint64 revision = ~quint64(0);
    int textWidth = -1;
    Sender sender = Sender::User;
    Phase phase = Phase::Done;

    Mode mode = Mode::None;
    QString source; // the text now in body
    std::unique_ptr<QTextDocument> body;
    QString thinkingSource;
    std::unique_ptr<QTextDocument> thinking;
    QSizeF bodySize;
    qreal bodyIdeal = 0;
    bool bodyWide = false; // code or tables: use the full width
    QSizeF thinkingSize;
    qreal thinkingIdeal = 0;

    QString status;
    int statusHeight = 0;
    QString caption;
    int captionWidth = 0;
    bool canRetry = false;
    bool isError = false;

    int height = -1; // row height, for the first/last-row flags in heightKey
    int heightKey = -1;
};

struct MessageDelegate::Geometry {
    QRect bubble;
    QPoint thinkingPos;
    QPoint bodyPos;
    QRect status;
    QRect caption;
    QRect retry;
    int height = 0;
};

MessageDelegate::MessageDelegate(QAbstractItemView *view)
    : QStyledItemDelegate(view)
    , m_view(view)
{
    updateFonts();
}

void MessageDelegate::updateFonts()
{
    m_bodyFont = m_view->font();
    m_placeholderFont = m_bodyFont;
    m_placeholderFont.setItalic(true);
    m_thinkingFont = Theme::scaledFont(m_bodyFont, 0.92);
    m_thinkingFont.setItalic(true);
    m_statusFont = Theme::scaledFont(m_bodyFont, 0.9);
    m_captionFont = Theme::scaledFont(m_bodyFont, 0.86);
    m_retryFont = Theme::scaledFont(m_bodyFont, 0.92, true);
    m_captionHeight = QFontMetrics(m_captionFont).height();
    const QFontMetrics retry(m_retryFont);
    m_retryHeight = retry.height() + 4;
    m_retryWidth = retry.horizontalAdvance(tr("Retry")) + 12;
    clearCache();
}

MessageDelegate::~MessageDelegate() = default;

int MessageDelegate::viewportWidth() const
{
    return qMax(200, m_view->viewport()->width());
}

void MessageDelegate::clearCache()
{
    m_cache.clear();
}

void MessageDelegate::forget(quint64 messageId)
{
    m_cache.erase(messageId);
}

MessageDelegate::Entry &MessageDelegate::entry(const QModelIndex &index) const
{
    const quint64 id = index.data(ChatMessageModel::IdRole).toULongLong();
    std::unique_ptr<Entry> &slot = m_cache[id];
    if (!slot)
        slot = std::make_unique<Entry>();
    Entry &e = *slot;

    const auto sender = Sender(index.data(ChatMessageModel::SenderRole).toInt());
    const int available = viewportWidth() - 2 * SideMargin;
    const int bubbleMax = qBound(160, int(available * (sender == Sender::User ? 0.75 : 0.92)), MaxBubbleWidth);
    const int textWidth = bubbleMax - 2 * PadX;
    const quint64 revision = index.data(ChatMessageModel::RevisionRole).toULongLong();
    if (e.revision == revision && e.textWidth == textWidth)
        return e; // the common case: nothing to do

    const auto phase = Phase(index.data(ChatMessageModel::PhaseRole).toInt());
    const QString content = index.data(ChatMessageModel::ContentRole).toString();
    const QString thinking = index.data(ChatMessageModel::ThinkingRole).toString();
    const QString status = index.data(ChatMessageModel::StatusRole).toString();
    e.sender = sender;
    e.phase = phase;
    e.isError = false;
    e.height = -1;

    // What the bubble shows.
    Entry::Mode mode = Entry::Mode::Plain;
    QString text = content;
    if (sender == Sender::Assistant) {
        if (!content.isEmpty()) {
            mode = phase == Phase::Streaming ? Entry::Mode::Stream : Entry::Mode::Markdown;
        } else if (!thinking.isEmpty() && (phase == Phase::Streaming || phase == Phase::Done)) {
            mode = Entry::Mode::None;
        } else {
            mode = Entry::Mode::Placeholder;
            if (isWaitingPhase(phase)) {
                text = status;
            } else if (phase == Phase::Failed || phase == Phase::Cut) {
                text = index.data(ChatMessageModel::ErrorRole).toString();
                e.isError = true;
                mode = Entry::Mode::Plain;
            } else if (phase == Phase::Stopped) {
                text = tr("Stopped before any text arrived.");
            } else {
                text = tr("The model sent an empty reply.");
            }
        }
    }

    if (mode == Entry::Mode::None) {
        e.body.reset();
        e.source.clear();
    } else if (mode == Entry::Mode::Stream && e.mode == Entry::Mode::Stream && e.body && text.size() >= e.source.size()) {
        // Streaming: lay out only what is new.
        if (text.size() > e.source.size()) {
            QTextCursor cursor(e.body.get());
            cursor.movePosition(QTextCursor::End);
            cursor.insertText(QStringView(text).mid(e.source.size()).toString());
            ++m_appends;
        }
        e.source = text;
    } else if (mode != e.mode || !e.body || text != e.source) {
        e.body = makeDocument(mode == Entry::Mode::Placeholder ? m_placeholderFont : m_bodyFont, textWidth);
        if (mode == Entry::Mode::Markdown) {
            e.body->setMarkdown(text, QTextDocument::MarkdownDialectGitHub);
            e.bodyWide = polishMarkdown(e.body.get());
        } else {
            e.body->setPlainText(text);
            e.bodyWide = false;
        }
        e.source = text;
        ++m_rebuilds;
    }
    e.mode = mode;

    // Thinking, kept apart from the answer and shown muted above it.
    if (thinking.isEmpty()) {
        e.thinking.reset();
        e.thinkingSource.clear();
    } else if (e.thinking && thinking.size() >= e.thinkingSource.size() && phase == Phase::Streaming) {
        if (thinking.size() > e.thinkingSource.size()) {
            QTextCursor cursor(e.thinking.get());
            cursor.movePosition(QTextCursor::End);
            cursor.insertText(QStringView(thinking).mid(e.thinkingSource.size()).toString());
        }
        e.thinkingSource = thinking;
    } else if (!e.thinking || thinking != e.thinkingSource) {
        e.thinking = makeDocument(m_thinkingFont, textWidth - 10);
        e.thinking->setPlainText(thinking);
        e.thinkingSource = thinking;
    }

    if (e.textWidth != textWidth) {
        if (e.body)
            e.body->setTextWidth(textWidth);
        if (e.thinking)
            e.thinking->setTextWidth(textWidth - 10);
    }
    e.textWidth = textWidth;
    e.revision = revision;

    e.bodySize = e.body ? e.body->size() : QSizeF();
    e.bodyIdeal = e.body ? (e.bodyWide ? textWidth : e.body->idealWidth()) : 0;
    e.thinkingSize = e.thinking ? e.thinking->size() : QSizeF();
    e.thinkingIdeal = e.thinking ? e.thinking->idealWidth() + 10 : 0;

    // Lines under the bubble.
    e.status.clear();
    e.statusHeight = 0;
    if (sender == Sender::Assistant && !isWaitingPhase(phase) && !e.isError)
        e.status = status;
    if (!e.status.isEmpty()) {
        const QFontMetrics metrics(m_statusFont);
        e.statusHeight = metrics.boundingRect(QRect(0, 0, bubbleMax, 100000), Qt::TextWordWrap, e.status).height();
    }
    e.caption = index.data(ChatMessageModel::CaptionRole).toString();
    e.captionWidth = e.caption.isEmpty() ? 0 : QFontMetrics(m_captionFont).horizontalAdvance(e.caption);
    e.canRetry = index.data(ChatMessageModel::CanRetryRole).toBool();
    return e;
}

bool MessageDelegate::refresh(const QModelIndex &index) const
{
    const quint64 id = index.data(ChatMessageModel::IdRole).toULongLong();
    const auto it = m_cache.find(id);
    if (it == m_cache.end())
        return true; // never measured: the view must ask for its size
    const QRect row(0, 0, viewportWidth(), 0);
    const int before = geometry(index, *it->second, row).height;
    const Entry &e = entry(index);
    return geometry(index, e, row).height != before;
}

MessageDelegate::Geometry MessageDelegate::geometry(const QModelIndex &index, const Entry &e, const QRect &rowRect) const
{
    Geometry g;
    const int width = rowRect.width() > 0 ? rowRect.width() : viewportWidth();
    int y = rowRect.top() + RowTop + (index.row() == 0 ? 10 : 0);

    int innerWidth = int(std::ceil(qMax(e.bodyIdeal, e.thinkingIdeal)));
    innerWidth = qBound(24, innerWidth, e.textWidth);
    int innerHeight = 0;
    if (e.thinking)
        innerHeight += int(std::ceil(e.thinkingSize.height()));
    if (e.thinking && e.body)
        innerHeight += ThinkingGap;
    const int thinkingHeight = innerHeight;
    if (e.body)
        innerHeight += int(std::ceil(e.bodySize.height()));
    const int bubbleWidth = innerWidth + 2 * PadX;
    const int x = e.sender == Sender::User ? rowRect.left() + width - SideMargin - bubbleWidth : rowRect.left() + SideMargin;
    g.bubble = QRect(x, y, bubbleWidth, innerHeight + 2 * PadY);
    g.thinkingPos = QPoint(x + PadX + 10, y + PadY);
    g.bodyPos = QPoint(x + PadX, y + PadY + thinkingHeight);
    y = g.bubble.bottom() + 1;

    if (e.sender == Sender::Assistant) {
        if (e.statusHeight > 0) {
            g.status = QRect(x + 2, y + UnderGap, e.textWidth + 2 * PadX, e.statusHeight); // as measured
            y = g.status.bottom() + 1;
        }
        g.caption = QRect(x + 2, y + UnderGap - 1, e.captionWidth, m_captionHeight);
        if (e.canRetry) {
            const int left = e.caption.isEmpty() ? x + 2 : g.caption.right() + 16;
            g.retry = QRect(left, y + UnderGap - 3, m_retryWidth, m_retryHeight);
        }
        y = qMax(g.caption.bottom(), g.retry.isValid() ? g.retry.bottom() : 0) + 1;
    }
    y += RowBottom;
    if (index.model() && index.row() == index.model()->rowCount() - 1)
        y += 12;
    g.height = y - rowRect.top();
    return g;
}

QSize MessageDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    Q_UNUSED(option)
    Entry &e = entry(index);
    const int key = (index.row() == 0 ? 1 : 0) | (index.model() && index.row() == index.model()->rowCount() - 1 ? 2 : 0);
    if (e.height < 0 || e.heightKey != key) {
        e.height = geometry(index, e, QRect(0, 0, viewportWidth(), 0)).height;
        e.heightKey = key;
    }
    return { viewportWidth(), e.height };
}

QRect MessageDelegate::retryRect(const QModelIndex &index, const QRect &rowRect) const
{
    const Entry &e = entry(index);
    return e.canRetry ? geometry(index, e, rowRect).retry : QRect();
}

void MessageDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const Entry &e = entry(index);
    const Geometry g = geometry(index, e, option.rect);
    const bool user = e.sender == Sender::User;
    const bool selected = option.state.testFlag(QStyle::State_Selected) && m_view->hasFocus();

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);

    QColor fill = user ? Theme::Accent : Theme::AssistantBubble;
    QColor border = user ? Theme::Accent : Theme::AssistantBorder;
    QColor textColor = user ? Theme::AccentText : Theme::Text;
    if (e.isError) {
        fill = Theme::ErrorBackground;
        border = Theme::ErrorBorder;
        textColor = Theme::ErrorText;
    } else if (e.mode == Entry::Mode::Placeholder) {
        textColor = Theme::MutedText;
    }
    if (selected)
        border = user ? Theme::AccentHover : Theme::Accent;

    QPainterPath bubble;
    bubble.addRoundedRect(QRectF(g.bubble).adjusted(0.5, 0.5, -0.5, -0.5), Radius, Radius);
    painter->setPen(QPen(border, selected ? 2 : 1));
    painter->setBrush(fill);
    painter->drawPath(bubble);

    // Only the visible part of a long message is drawn.
    const QRect visible = m_view->viewport()->rect();
    const auto drawDocument = [&](QTextDocument *document, QPoint pos, const QColor &color) {
        QAbstractTextDocumentLayout::PaintContext context;
        context.palette = option.palette;
        context.palette.setColor(QPalette::Text, color);
        context.palette.setColor(QPalette::Link, user ? Theme::AccentText : Theme::Accent);
        const QRectF docRect(pos, document->size());
        context.clip = docRect.intersected(visible).translated(-pos);
        if (context.clip.isEmpty())
            return;
        painter->save();
        painter->translate(pos);
        document->documentLayout()->draw(painter, context);
        painter->restore();
    };

    if (e.thinking) {
        painter->setPen(QPen(Theme::AssistantBorder, 2));
        painter->drawLine(QPointF(g.thinkingPos.x() - 8, g.thinkingPos.y() + 2),
            QPointF(g.thinkingPos.x() - 8, g.thinkingPos.y() + e.thinkingSize.height() - 2));
        drawDocument(e.thinking.get(), g.thinkingPos, Theme::MutedText);
    }
    if (e.body)
        drawDocument(e.body.get(), g.bodyPos, textColor);

    if (!g.status.isEmpty()) {
        painter->setFont(m_statusFont);
        painter->setPen(e.phase == Phase::Done || e.phase == Phase::Streaming ? Theme::MutedText : Theme::WarningText);
        painter->drawText(g.status, Qt::TextWordWrap | Qt::AlignLeft | Qt::AlignTop, e.status);
    }
    if (!e.caption.isEmpty()) {
        painter->setFont(m_captionFont);
        painter->setPen(Theme::MutedText);
        painter->drawText(g.caption, Qt::AlignLeft | Qt::AlignVCenter, e.caption);
    }
    if (g.retry.isValid()) {
        painter->setPen(QPen(Theme::Accent, 1));
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(QRectF(g.retry).adjusted(0.5, 0.5, -0.5, -0.5), 5, 5);
        painter->setFont(m_retryFont);
        painter->drawText(g.retry, Qt::AlignCenter, tr("Retry"));
    }
    painter->restore();
}

} // namespace rt::ui
