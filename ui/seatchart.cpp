#include "seatchart.h"

#include "seatcard.h"
#include "theme.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QHBoxLayout>
#include <QHorizontalStackedBarSeries>
#include <QLegend>
#include <QLineSeries>
#include <QPen>
#include <QValueAxis>

namespace rt::ui {

using namespace rt::debate;

namespace {
QChartView *makeView(QWidget *parent, const QString &name, const QString &accessibleName)
{
    auto *view = new QChartView(parent);
    view->setObjectName(name);
    view->setAccessibleName(accessibleName);
    view->setRenderHint(QPainter::Antialiasing);
    view->setStyleSheet(QStringLiteral("background: transparent;"));
    view->setMinimumSize(150, 120);
    view->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    view->setFixedHeight(132); // compact: the transcript below keeps its room
    // The chart the view made itself: setChart() would release (and leak) it.
    QChart *chart = view->chart();
    chart->setBackgroundVisible(false);
    chart->setMargins(QMargins(2, 2, 2, 2));
    chart->legend()->hide();
    return view;
}

void styleAxis(QAbstractAxis *axis, const QFont &base)
{
    axis->setLabelsFont(Theme::scaledFont(base, 0.75));
    axis->setTitleFont(Theme::scaledFont(base, 0.75));
}

// An upper bound a little above `value` that reads well on an axis.
double roundedUp(double value)
{
    if (value <= 0)
        return 1;
    double step = 1;
    while (step * 10 <= value)
        step *= 10;
    while (step > value && step > 0.1)
        step /= 10;
    for (const double m : { 1.0, 2.0, 2.5, 5.0, 10.0 }) {
        if (step * m >= value * 1.05)
            return step * m;
    }
    return step * 10;
}
} // namespace

SeatChart::SeatChart(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("seatChart"));
    setAccessibleName(tr("Tokens and time per turn of each seat"));
    m_tokensView = makeView(this, QStringLiteral("seatTokensChart"), tr("Tokens generated per seat"));
    m_timeView = makeView(this, QStringLiteral("seatTimeChart"), tr("Seconds per turn of each seat, by round"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(m_tokensView, 3); // room for the names
    layout->addWidget(m_timeView, 2);
    // A theme chosen in Settings: axes, titles, bars and lines take its colours.
    connect(Theme::notifier(), &Theme::Notifier::modeChanged, this, &SeatChart::applyColours);
    setSeats({}, 3);
}

void SeatChart::setSeats(const QList<Seat> &seats, int maxRounds)
{
    for (QChartView *view : { m_tokensView, m_timeView }) {
        QChart *c = view->chart();
        c->removeAllSeries();
        for (QAbstractAxis *axis : c->axes()) {
            c->removeAxis(axis); // releases it: ours to delete
            delete axis;
        }
    }
    m_seats.clear();
    m_sets.clear();
    m_lines.clear();
    m_maxRounds = qMax(1, maxRounds);
    for (const Seat &seat : seats) {
        if (seat.index >= 0)
            m_seats.append(seat);
    }

    // Tokens: one category per seat, the first seat on top; one set per seat
    // holding only its own bar, stacked, so each bar has its seat's colour
    // and the full width of its row.
    QChart *tokens = m_tokensView->chart();
    m_bars = new QHorizontalStackedBarSeries(tokens);
    m_bars->setBarWidth(0.7);
    m_bars->setLabelsVisible(true);
    m_bars->setLabelsPosition(QAbstractBarSeries::LabelsInsideBase);
    m_bars->setLabelsFormat(QStringLiteral("@value"));
    const int n = int(m_seats.size());
    for (int i = 0; i < n; ++i) {
        auto *set = new QBarSet(m_seats.at(i).agent.name, m_bars);
        set->setLabelFont(Theme::scaledFont(font(), 0.7, true));
        for (int c = 0; c < n; ++c)
            set->append(0);
        m_bars->append(set);
        m_sets.insert(m_seats.at(i).index, set);
    }
    tokens->addSeries(m_bars);
    tokens->legend()->setVisible(true);
    tokens->legend()->setAlignment(Qt::AlignRight);
    tokens->legend()->setFont(Theme::scaledFont(font(), 0.75));
    tokens->legend()->setMarkerShape(QLegend::MarkerShapeCircle);
    m_categories = new QBarCategoryAxis(tokens);
    m_tokensAxis = new QValueAxis(tokens);
    m_tokensAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_tokensAxis->setTickCount(3);
    m_tokensAxis->setTitleText(tr("tokens"));
    // Names go in the legend: a compact category axis elides its labels
    // to "..." once the rows are lower than a line of text.
    m_categories->setVisible(false);
    styleAxis(m_tokensAxis, font());
    tokens->addAxis(m_categories, Qt::AlignLeft);
    tokens->addAxis(m_tokensAxis, Qt::AlignBottom);
    m_bars->attachAxis(m_categories);
    m_bars->attachAxis(m_tokensAxis);

    // Time per turn: x = round, one line per seat.
    QChart *time = m_timeView->chart();
    m_roundAxis = new QValueAxis(time);
    m_roundAxis->setLabelFormat(QStringLiteral("%d"));
    // A tick on every round, and room either side so points on the first
    // and last round are not drawn on the frame.
    m_roundAxis->setTickType(QValueAxis::TicksDynamic);
    m_roundAxis->setTickAnchor(1);
    m_roundAxis->setTickInterval(1);
    m_roundAxis->setTitleText(tr("round"));
    m_secondsAxis = new QValueAxis(time);
    m_secondsAxis->setTickCount(3);
    m_secondsAxis->setTitleText(tr("s"));
    styleAxis(m_roundAxis, font());
    styleAxis(m_secondsAxis, font());
    time->addAxis(m_roundAxis, Qt::AlignBottom);
    time->addAxis(m_secondsAxis, Qt::AlignLeft);
    for (const Seat &seat : std::as_const(m_seats)) {
        auto *line = new QLineSeries(time);
        line->setName(seat.agent.name);
        line->setPointsVisible(true);
        line->setMarkerSize(7);
        time->addSeries(line);
        line->attachAxis(m_roundAxis);
        line->attachAxis(m_secondsAxis);
        m_lines.insert(seat.index, line);
    }
    applyColours();
    setTurns({});
}

void SeatChart::setTurns(const QList<TurnRecord> &turns)
{
    QHash<int, qint64> tokens;
    QHash<int, QList<QPointF>> seconds;
    int lastRound = m_maxRounds;
    double mostSeconds = 0;
    for (const TurnRecord &turn : turns) {
        if (turn.info.seat < 0 || !m_sets.contains(turn.info.seat))
            continue; // the moderator types; nothing was generated
        tokens[turn.info.seat] += turn.metrics.evalCount;
        const double s = double(turn.metrics.wallTimeMs) / 1000.0;
        seconds[turn.info.seat].append(QPointF(turn.info.round, s));
        lastRound = qMax(lastRound, turn.info.round);
        mostSeconds = qMax(mostSeconds, s);
    }

    // Bars: one value each, the seat's name as its label.
    const int n = int(m_seats.size());
    QStringList labels;
    qint64 most = 0;
    for (int i = n - 1; i >= 0; --i) { // categories run bottom up
        const Seat &seat = m_seats.at(i);
        const qint64 value = tokens.value(seat.index);
        m_sets.value(seat.index)->replace(n - 1 - i, double(value));
        most = qMax(most, value);
        QString label = seat.agent.name;
        if (labels.contains(label)) // categories must differ
            label += QStringLiteral(" (%1)").arg(seat.index + 1);
        labels.append(label);
    }
    m_categories->setCategories(labels);
    m_tokensAxis->setRange(0, roundedUp(double(qMax<qint64>(most, 10))));

    for (auto it = m_lines.cbegin(); it != m_lines.cend(); ++it)
        it.value()->replace(seconds.value(it.key()));
    m_roundAxis->setRange(0.7, lastRound + 0.3);
    const double top = roundedUp(qMax(mostSeconds, 0.1));
    m_secondsAxis->setRange(0, top);
    m_secondsAxis->setLabelFormat(top < 3 ? QStringLiteral("%.1f") : QStringLiteral("%.0f"));
}

void SeatChart::applyColours()
{
    m_tokensView->chart()->legend()->setLabelColor(Theme::Text);
    for (QChartView *view : { m_tokensView, m_timeView }) {
        QChart *c = view->chart();
        for (QAbstractAxis *axis : c->axes()) {
            axis->setLabelsColor(Theme::MutedText);
            axis->setTitleBrush(Theme::MutedText);
            axis->setGridLineColor(Theme::Border);
            axis->setLinePenColor(Theme::Border);
        }
    }
    for (const Seat &seat : std::as_const(m_seats)) {
        const QColor colour = Theme::readableOn(SeatCard::colourOf(seat.agent, seat.index));
        if (QBarSet *set = m_sets.value(seat.index)) {
            set->setColor(colour);
            set->setBorderColor(colour);
            set->setLabelColor(Theme::CurrentMode == Theme::Mode::Dark ? Theme::Window : Theme::AccentText);
        }
        if (QLineSeries *line = m_lines.value(seat.index)) {
            QPen pen(colour);
            pen.setWidthF(1.6);
            line->setPen(pen);
        }
    }
}

int SeatChart::seatOf(const QString &agent) const
{
    for (const Seat &seat : m_seats) {
        if (seat.agent.name == agent)
            return seat.index;
    }
    return -1;
}

qint64 SeatChart::tokensFor(const QString &agent) const
{
    const int seat = seatOf(agent);
    const QBarSet *set = m_sets.value(seat);
    if (!set)
        return -1;
    // Read back from the bar itself: what is drawn.
    const int n = int(m_seats.size());
    for (int i = 0; i < n; ++i) {
        if (m_seats.at(i).index == seat)
            return qRound64(set->at(n - 1 - i));
    }
    return -1;
}

QList<QPointF> SeatChart::turnSeconds(const QString &agent) const
{
    const QLineSeries *line = m_lines.value(seatOf(agent));
    return line ? line->points() : QList<QPointF> {};
}

int SeatChart::barCount() const
{
    return int(m_sets.size());
}

} // namespace rt::ui
