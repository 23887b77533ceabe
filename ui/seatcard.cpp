#include "seatcard.h"

#include "debatetext.h"
#include "elidedlabel.h"
#include "theme.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QProgressBar>
#include <QScrollBar>
#include <QTextBrowser>
#include <QTextCursor>
#include <QTimer>
#include <QVBoxLayout>

namespace rt::ui {

using rt::debate::SeatRole;
using rt::debate::TurnRecord;

namespace {
// Distinct on light and dark surfaces; used when an agent has no colour.
const QColor kSeatPalette[] = { QColor(0x25, 0x63, 0xeb), QColor(0xd9, 0x46, 0x2b), QColor(0x05, 0x96, 0x69), QColor(0x93, 0x33, 0xea),
    QColor(0xd9, 0x77, 0x06), QColor(0x08, 0x91, 0xb2), QColor(0xdb, 0x27, 0x77), QColor(0x65, 0xa3, 0x0d), QColor(0x4b, 0x55, 0x63) };

} // namespace

namespace {
void setTextColour(QWidget *widget, const QColor &colour)
{
    QPalette pal = widget->palette();
    pal.setColor(QPalette::WindowText, colour);
    widget->setPalette(pal);
}
} // namespace

QColor SeatCard::colourOf(const rt::agents::Agent &agent, int seatIndex)
{
    const QColor own(agent.colour);
    if (own.isValid())
        return own;
    return kSeatPalette[qMax(0, seatIndex) % int(std::size(kSeatPalette))];
}

QPixmap SeatCard::avatar(const rt::agents::Agent &agent, int size, qreal dpr)
{
    QPixmap pixmap(QSize(size, size) * dpr);
    pixmap.setDevicePixelRatio(dpr);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    const QColor colour = colourOf(agent, 0);
    p.setPen(Qt::NoPen);
    p.setBrush(colour);
    p.drawEllipse(QRectF(0, 0, size, size));
    QString glyph = agent.avatar.trimmed();
    // An emoji avatar is drawn as is; an icon name or nothing: the initial.
    const bool emoji = !glyph.isEmpty() && glyph.size() <= 4 && !glyph.at(0).isLetterOrNumber();
    if (!emoji)
        glyph = agent.name.left(1).toUpper();
    QFont font;
    font.setPixelSize(qRound(size * (emoji ? 0.55 : 0.5)));
    font.setBold(true);
    p.setFont(font);
    p.setPen(Qt::white);
    p.drawText(QRectF(0, 0, size, size), Qt::AlignCenter, glyph);
    return pixmap;
}

SeatCard::SeatCard(const rt::debate::Seat &seat, QWidget *parent)
    : QFrame(parent)
    , m_seat(seat)
    , m_colour(colourOf(seat.agent, seat.index))
    , m_avatar(new QLabel(this))
    , m_name(new QLabel(this))
    , m_meta(new ElidedLabel(this))
    , m_status(new QLabel(this))
    , m_heading(new QLabel(this))
    , m_text(new QTextBrowser(this))
    , m_stance(new QFrame(this))
    , m_answer(new QLabel(m_stance))
    , m_confidence(new QProgressBar(m_stance))
    , m_points(new QLabel(m_stance))
    , m_relations(new QLabel(m_stance))
{
    setObjectName(QStringLiteral("seatCard%1").arg(seat.index));
    setAccessibleName(tr("Seat %1: %2").arg(seat.index + 1).arg(seat.agent.name));
    setFrameShape(QFrame::NoFrame);

    m_avatar->setPixmap(avatar(seat.agent, 30, devicePixelRatioF()));
    m_avatar->setFixedSize(30, 30);
    m_name->setText(seat.agent.name);
    m_name->setFont(Theme::scaledFont(font(), 1.05, true));
    m_meta->setFont(Theme::scaledFont(font(), 0.85));
    // "role · model" may be longer than a narrow card (a long model name, a
    // longer language): elided, whole in the tooltip.
    m_model = seat.agent.model;
    m_status->setFont(Theme::scaledFont(font(), 0.82, true));
    m_status->setObjectName(QStringLiteral("seatStatus"));
    m_status->setAutoFillBackground(false);
    // Fixed sizes: a label that changes text per turn must not make the whole
    // table lay itself out again (nine seats, word-wrapped stance text).
    {
        const QFontMetrics fm(m_status->font());
        int width = 0;
        for (const QString &label : { tr("waiting"), tr("● speaking"), tr("✓ done"), tr("skipped"), tr("✕ failed"), tr("◐ partial") })
            width = qMax(width, fm.horizontalAdvance(label));
        m_status->setFixedSize(width + 6, fm.height());
        m_status->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    }

    auto *names = new QVBoxLayout;
    names->setSpacing(0);
    names->addWidget(m_name);
    names->addWidget(m_meta);
    auto *header = new QHBoxLayout;
    header->setSpacing(8);
    header->addWidget(m_avatar);
    header->addLayout(names, 1);
    header->addWidget(m_status, 0, Qt::AlignTop);

    m_heading->setFont(Theme::scaledFont(font(), 0.82));
    m_heading->setFixedHeight(QFontMetrics(m_heading->font()).height());

    m_text->setObjectName(QStringLiteral("seatText"));
    m_text->setAccessibleName(tr("What %1 says").arg(seat.agent.name));
    m_text->setFrameShape(QFrame::NoFrame);
    m_text->setOpenExternalLinks(true);
    m_text->setMinimumHeight(90);
    m_text->document()->setDocumentMargin(2);
    m_text->setPlaceholderText(tr("Waiting for the first turn…"));

    // The stance card under the text.
    m_stance->setObjectName(QStringLiteral("stanceCard"));
    Theme::style(m_stance, QStringLiteral("QFrame#stanceCard { background: {ChatBackground}; border-radius: 6px; }"));
    m_answer->setObjectName(QStringLiteral("stanceAnswer"));
    m_answer->setWordWrap(true);
    m_answer->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_confidence->setRange(0, 100);
    m_confidence->setTextVisible(true);
    m_confidence->setFixedHeight(14);
    m_confidence->setFormat(tr("confidence %p%"));
    m_confidence->setAccessibleName(tr("Confidence"));
    for (QLabel *label : { m_points, m_relations }) {
        label->setWordWrap(true);
        label->setFont(Theme::scaledFont(font(), 0.85));
    }
    auto *stanceLayout = new QVBoxLayout(m_stance);
    stanceLayout->setContentsMargins(10, 8, 10, 8);
    stanceLayout->setSpacing(4);
    stanceLayout->addWidget(m_answer);
    stanceLayout->addWidget(m_confidence);
    stanceLayout->addWidget(m_points);
    stanceLayout->addWidget(m_relations);
    m_stance->hide();

    auto *layout = new QVBoxLayout(this);
    layout->setSizeConstraint(QLayout::SetNoConstraint); // the table sizes the card
    layout->setContentsMargins(12, 10, 12, 10);
    layout->setSpacing(6);
    layout->addLayout(header);
    layout->addWidget(m_heading);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_stance);
    updateHeader();
    applyColours();
    // A theme chosen in Settings applies to a card already on screen.
    // Later, not at once: the style sheets re-applied by the change re-polish
    // the card's children, which puts back the palettes they had.
    connect(Theme::notifier(), &Theme::Notifier::modeChanged, this, [this] {
        QTimer::singleShot(0, this, [this] {
            applyColours();
            setState(m_state, m_status->toolTip()); // the status colour
        });
    });
    setState(State::Waiting);
}

void SeatCard::applyColours()
{
    // Colours through palettes: nine cards with style sheets each cost a
    // style polish per widget when the table is built.
    setTextColour(m_name, Theme::readableOn(m_colour));
    setTextColour(m_meta, Theme::MutedText);
    setTextColour(m_heading, Theme::MutedText);
    for (QLabel *label : { m_points, m_relations })
        setTextColour(label, Theme::MutedText);
    QPalette pal = m_text->palette();
    pal.setColor(QPalette::Base, Theme::Surface);
    pal.setColor(QPalette::Text, Theme::Text);
    m_text->setPalette(pal);
    m_text->viewport()->setPalette(pal); // the viewport keeps its own once polished
    m_confidence->setStyleSheet(
        QStringLiteral("QProgressBar { border: none; background: %1; border-radius: 4px; font-size: 10px; color: %3; }"
                       "QProgressBar::chunk { background: %2; border-radius: 4px; }")
            .arg(Theme::css(Theme::Border), Theme::css(m_colour.lighter(Theme::CurrentMode == Theme::Mode::Dark ? 100 : 130)),
                Theme::css(Theme::Text)));
    update();
}

void SeatCard::updateHeader()
{
    QStringList parts { DebateText::roleName(m_seat.role) };
    if (!m_model.isEmpty())
        parts << m_model;
    const QString meta = parts.join(QStringLiteral(" · "));
    m_meta->setFullText(meta);
    m_meta->setToolTip(m_seat.agent.description.isEmpty() ? meta : meta + u'\n' + m_seat.agent.description);
}

void SeatCard::setModel(const QString &model)
{
    if (model.isEmpty() || model == m_model)
        return;
    m_model = model;
    updateHeader();
}

void SeatCard::setState(State state, const QString &detail)
{
    m_state = state;
    QString label;
    QColor colour = Theme::MutedText;
    switch (state) {
    case State::Waiting:
        label = tr("waiting");
        break;
    case State::Speaking:
        label = tr("● speaking");
        colour = Theme::readableOn(m_colour);
        break;
    case State::Done:
        label = tr("✓ done");
        colour = Theme::Online;
        break;
    case State::Skipped:
        label = tr("skipped");
        colour = Theme::WarningText;
        break;
    case State::Failed:
        label = tr("✕ failed");
        colour = Theme::ErrorText;
        break;
    }
    m_status->setText(label);
    m_status->setToolTip(detail);
    // Colours through the palette and a painted border: a style sheet change
    // per turn would re-polish the whole card, nine times per round.
    setTextColour(m_status, colour);
    m_speaking = state == State::Speaking;
    update();
}

void SeatCard::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const qreal width = m_speaking ? 2.0 : 1.0;
    p.setPen(QPen(m_speaking ? Theme::readableOn(m_colour) : Theme::Border, width));
    p.setBrush(Theme::Surface);
    p.drawRoundedRect(QRectF(rect()).adjusted(width / 2, width / 2, -width / 2, -width / 2), 10, 10);
}

QString SeatCard::text() const
{
    return m_text->toPlainText();
}

QString SeatCard::answer() const
{
    return m_stance->isVisible() || !m_answer->text().isEmpty() ? m_answer->text() : QString();
}

void SeatCard::beginTurn(const QString &heading)
{
    m_text->clear();
    m_heading->setText(heading);
    setState(State::Speaking);
}

void SeatCard::appendText(const QString &text)
{
    if (text.isEmpty())
        return;
    QScrollBar *bar = m_text->verticalScrollBar();
    const bool atEnd = bar->value() >= bar->maximum() - 4;
    QTextCursor cursor(m_text->document());
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(text); // O(delta): never re-lays out the whole turn
    if (atEnd)
        bar->setValue(bar->maximum());
}

void SeatCard::replaceText(const QString &text)
{
    m_text->clear();
    appendText(text);
}

void SeatCard::showTurn(const TurnRecord &turn)
{
    m_text->setMarkdown(turn.text);
    const rt::debate::Stance &stance = turn.stance;
    const bool hasStance = stance.hasAnswer() || stance.confidence.has_value();
    m_stance->setVisible(hasStance);
    if (hasStance) {
        QString answer = stance.answer.toHtmlEscaped();
        if (turn.changed)
            answer += QStringLiteral(" <span style='color:%1'>%2</span>").arg(Theme::css(Theme::WarningText), tr("↻ changed position"));
        m_answer->setText(tr("<b>Answer:</b> %1").arg(answer));
        m_confidence->setVisible(stance.confidence.has_value());
        m_confidence->setValue(qRound(stance.confidence.value_or(0.0) * 100));
        QStringList points;
        for (const QString &point : stance.keyPoints.mid(0, 3))
            points << QStringLiteral("• ") + point.toHtmlEscaped();
        m_points->setText(points.join(QStringLiteral("<br>")));
        m_points->setVisible(!points.isEmpty());
        QStringList relations;
        if (!stance.agreesWith.isEmpty())
            relations << tr("agrees with %1").arg(stance.agreesWith.join(QStringLiteral(", ")).toHtmlEscaped());
        if (!stance.disagreesWith.isEmpty())
            relations << tr("disagrees with %1").arg(stance.disagreesWith.join(QStringLiteral(", ")).toHtmlEscaped());
        m_relations->setText(relations.join(QStringLiteral(" · ")));
        m_relations->setVisible(!relations.isEmpty());
    }
    switch (turn.status) {
    case rt::TurnStatus::Complete:
        setState(State::Done);
        break;
    case rt::TurnStatus::Partial:
    case rt::TurnStatus::Interrupted:
        setState(State::Done, tr("stopped before the end; the text so far is kept"));
        m_status->setText(tr("◐ partial"));
        break;
    case rt::TurnStatus::Failed:
        setState(State::Failed, turn.error);
        break;
    }
    setModel(turn.info.model);
}

void SeatCard::setCompact(bool compact)
{
    m_text->setMinimumHeight(compact ? 70 : 110);
    m_points->setVisible(!compact && !m_points->text().isEmpty() && m_stance->isVisible());
}

} // namespace rt::ui
