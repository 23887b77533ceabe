#include "searchresultmodel.h"

#include "theme.h"

#include <QAbstractTextDocumentLayout>
#include <QApplication>
#include <QPainter>
#include <QPainterPath>
#include <QTextDocument>

namespace rt::ui {

using rt::storage::SearchHit;

SearchResultModel::SearchResultModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

int SearchResultModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_hits.size());
}

QString SearchResultModel::who(const SearchHit &hit) const
{
    if (m_recent || hit.kind == SearchHit::Kind::DebateTurn)
        return hit.who;
    if (hit.who == u"user")
        return tr("You");
    if (hit.who == u"assistant")
        return tr("Assistant");
    return hit.who;
}

QVariant SearchResultModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_hits.size())
        return {};
    const SearchHit &h = m_hits.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole: {
        const QString kind = h.kind == SearchHit::Kind::Message ? tr("Chat") : tr("Debate");
        if (m_recent)
            return tr("%1: %2").arg(kind, h.parentTitle);
        return tr("%1: %2 — %3: %4").arg(kind, h.parentTitle, who(h), plainSnippet(h.snippet));
    }
    case Qt::ToolTipRole:
        return h.parentTitle;
    case KindRole:
        return int(h.kind);
    case ItemIdRole:
        return h.id;
    case ParentIdRole:
        return h.parentId;
    case TitleRole:
        return h.parentTitle;
    case WhoRole:
        return who(h);
    case SnippetRole:
        return h.snippet;
    case SnippetHtmlRole:
        return snippetHtml(h.snippet);
    case DateRole:
        return h.createdAt.toLocalTime();
    case IsRecentRole:
        return m_recent;
    default:
        return {};
    }
}

void SearchResultModel::setHits(const QList<SearchHit> &hits, bool recent)
{
    beginResetModel();
    m_hits = hits;
    m_recent = recent;
    endResetModel();
}

void SearchResultModel::clear()
{
    setHits({}, m_recent);
}

QString SearchResultModel::snippetHtml(const QString &snippet)
{
    QString flat = snippet;
    flat.replace(u'\n', u' ');
    QString html = flat.toHtmlEscaped();
    html.replace(QChar(HighlightStart),
        QStringLiteral("<span style=\"background-color:%1; color:%2; font-weight:600;\">")
            .arg(Theme::css(Theme::DemoBackground), Theme::css(Theme::DemoText)));
    html.replace(QChar(HighlightEnd), QStringLiteral("</span>"));
    return html;
}

QString SearchResultModel::plainSnippet(const QString &snippet)
{
    QString plain = snippet;
    plain.remove(QChar(HighlightStart));
    plain.remove(QChar(HighlightEnd));
    plain.replace(u'\n', u' ');
    return plain;
}

namespace {
constexpr int CardMarginX = 12;
constexpr int CardMarginY = 4;
constexpr int PaddingX = 12;
constexpr int PaddingY = 8;
constexpr int LineGap = 4;
constexpr qreal Radius = 8;
} // namespace

SearchResultDelegate::SearchResultDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{
}

QSize SearchResultDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    const QFontMetrics fm(option.font);
    const int height = 2 * CardMarginY + 2 * PaddingY + fm.height() + LineGap + 2 * fm.lineSpacing();
    return { 200, height };
}

void SearchResultDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const bool selected = option.state.testFlag(QStyle::State_Selected);
    const bool hovered = option.state.testFlag(QStyle::State_MouseOver);
    const bool recent = index.data(SearchResultModel::IsRecentRole).toBool();
    const QRect card = option.rect.adjusted(CardMarginX, CardMarginY, -CardMarginX, -CardMarginY);
    const QRect inner = card.adjusted(PaddingX, PaddingY, -PaddingX, -PaddingY);

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    QPainterPath path;
    path.addRoundedRect(QRectF(card).adjusted(0.5, 0.5, -0.5, -0.5), Radius, Radius);
    painter->setPen(QPen(selected ? Theme::Accent : Theme::Border, selected ? 2 : 1));
    painter->setBrush(selected || hovered ? Theme::SurfaceHover : Theme::Surface);
    painter->drawPath(path);

    // First line: kind, title, date.
    const QFontMetrics fm(option.font);
    QFont small = Theme::scaledFont(option.font, 0.85, true);
    const QFontMetrics smallFm(small);
    const bool debate = index.data(SearchResultModel::KindRole).toInt() == int(SearchHit::Kind::DebateTurn);
    const QString kind = debate ? SearchResultModel::tr("DEBATE") : SearchResultModel::tr("CHAT");
    const int kindWidth = smallFm.horizontalAdvance(kind) + 12;
    const QRect kindRect(inner.left(), inner.top() + (fm.height() - smallFm.height() - 2) / 2, kindWidth, smallFm.height() + 2);
    painter->setPen(Qt::NoPen);
    painter->setBrush(debate ? Theme::readableOn(QColor(0x7c, 0x3a, 0xed)) : Theme::Accent);
    painter->drawRoundedRect(kindRect, 4, 4);
    painter->setFont(small);
    painter->setPen(Theme::AccentText);
    painter->drawText(kindRect, Qt::AlignCenter, kind);

    const QDateTime date = index.data(SearchResultModel::DateRole).toDateTime();
    const QString dateText = date.isValid() ? QLocale().toString(date, QLocale::ShortFormat) : QString();
    QFont dateFont = Theme::scaledFont(option.font, 0.9);
    const QFontMetrics dateFm(dateFont);
    const int dateWidth = dateFm.horizontalAdvance(dateText);
    painter->setFont(dateFont);
    painter->setPen(Theme::MutedText);
    painter->drawText(QRect(inner.right() - dateWidth, inner.top(), dateWidth, fm.height()), Qt::AlignRight | Qt::AlignVCenter, dateText);

    QFont titleFont = option.font;
    titleFont.setBold(true);
    const QFontMetrics titleFm(titleFont);
    const QRect titleRect(kindRect.right() + 8, inner.top(), inner.right() - dateWidth - 12 - kindRect.right() - 8, fm.height());
    painter->setFont(titleFont);
    painter->setPen(Theme::Text);
    const QString title = index.data(SearchResultModel::TitleRole).toString();
    painter->drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter,
        titleFm.elidedText(title.isEmpty() ? SearchResultModel::tr("(untitled)") : title.simplified(), Qt::ElideRight, titleRect.width()));

    // Then who said it and the snippet, matches highlighted, two lines at most.
    const QRect body(inner.left(), inner.top() + fm.height() + LineGap, inner.width(), 2 * fm.lineSpacing());
    const QString who = index.data(SearchResultModel::WhoRole).toString().toHtmlEscaped();
    QString html;
    if (recent)
        html = QStringLiteral("<span style=\"color:%1\">%2</span>").arg(Theme::css(Theme::MutedText), who);
    else
        html = QStringLiteral("<span style=\"color:%1\">%2:</span> <span style=\"color:%3\">%4</span>")
                   .arg(Theme::css(Theme::MutedText), who, Theme::css(Theme::Text),
                       index.data(SearchResultModel::SnippetHtmlRole).toString());
    QTextDocument document;
    document.setDefaultFont(option.font);
    document.setDocumentMargin(0);
    document.setHtml(html);
    document.setTextWidth(body.width());
    painter->translate(body.topLeft());
    painter->setClipRect(QRect(QPoint(0, 0), body.size()));
    QAbstractTextDocumentLayout::PaintContext context;
    context.palette = option.palette;
    context.palette.setColor(QPalette::Text, Theme::Text);
    context.clip = QRectF(QPoint(0, 0), body.size());
    document.documentLayout()->draw(painter, context);
    painter->restore();
}

} // namespace rt::ui
