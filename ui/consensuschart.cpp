#include "consensuschart.h"

#include "seatcard.h"
#include "theme.h"

#include <QChart>
#include <QLegend>
#include <QLineSeries>
#include <QPen>
#include <QValueAxis>

namespace rt::ui {

ConsensusChart::ConsensusChart(QWidget *parent)
    : QChartView(parent)
{
    setObjectName(QStringLiteral("consensusChart"));
    setAccessibleName(tr("Consensus and confidence per round"));
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(170);
    // The chart the view made itself: setChart() would release (and leak) it.
    QChart *chart = this->chart();
    chart->setBackgroundVisible(false);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->legend()->setLabelColor(Theme::MutedText);
    chart->legend()->setFont(Theme::scaledFont(font(), 0.8));
    setStyleSheet(QStringLiteral("background: transparent;"));
    // A theme chosen in Settings: the axes and legend take its colours.
    connect(Theme::notifier(), &Theme::Notifier::modeChanged, this, [this] {
        this->chart()->legend()->setLabelColor(Theme::MutedText);
        for (QAbstractAxis *axis : this->chart()->axes()) {
            axis->setLabelsColor(Theme::MutedText);
            axis->setTitleBrush(Theme::MutedText);
            axis->setGridLineColor(Theme::Border);
            axis->setLinePenColor(Theme::Border);
        }
        // The lines too: the consensus line is drawn in the text colour, which
        // would vanish on a dark surface if it kept the light one.
        for (auto it = m_seats.cbegin(); it != m_seats.cend(); ++it) {
            QPen pen = it.value()->pen();
            pen.setColor(Theme::readableOn(m_seatColours.value(it.key())));
            it.value()->setPen(pen);
        }
        if (m_threshold) {
            QPen pen = m_threshold->pen();
            pen.setColor(Theme::MutedText);
            m_threshold->setPen(pen);
        }
        if (m_consensus) {
            QPen pen = m_consensus->pen();
            pen.setColor(Theme::Text);
            m_consensus->setPen(pen);
        }
    });
}

void ConsensusChart::setDebate(const QList<rt::debate::Seat> &seats, int maxRounds, double threshold)
{
    QChart *c = chart();
    c->removeAllSeries();
    for (QAbstractAxis *axis : c->axes()) {
        c->removeAxis(axis); // releases it: ours to delete
        delete axis;
    }
    m_seats.clear();
    m_seatColours.clear();
    m_maxRounds = qMax(1, maxRounds);

    m_x = new QValueAxis(c);
    m_x->setRange(1, qMax(2, m_maxRounds));
    m_x->setTickCount(qMax(2, m_maxRounds));
    m_x->setLabelFormat(QStringLiteral("%d"));
    m_x->setTitleText(tr("round"));
    m_y = new QValueAxis(c);
    m_y->setRange(0, 100);
    m_y->setTickCount(3);
    m_y->setLabelFormat(QStringLiteral("%d%%"));
    for (QValueAxis *axis : { m_x, m_y }) {
        axis->setLabelsColor(Theme::MutedText);
        axis->setTitleBrush(Theme::MutedText);
        axis->setGridLineColor(Theme::Border);
        axis->setLinePenColor(Theme::Border);
        axis->setLabelsFont(Theme::scaledFont(font(), 0.75));
        axis->setTitleFont(Theme::scaledFont(font(), 0.75));
    }
    c->addAxis(m_x, Qt::AlignBottom);
    c->addAxis(m_y, Qt::AlignLeft);

    for (const rt::debate::Seat &seat : seats) {
        if (!seat.speaksInRounds())
            continue;
        auto *series = new QLineSeries(c);
        series->setName(seat.agent.name);
        QPen pen(Theme::readableOn(SeatCard::colourOf(seat.agent, seat.index)));
        pen.setWidthF(1.2);
        series->setPen(pen);
        series->setPointsVisible(true);
        c->addSeries(series);
        series->attachAxis(m_x);
        series->attachAxis(m_y);
        m_seats.insert(seat.index, series);
        m_seatColours.insert(seat.index, SeatCard::colourOf(seat.agent, seat.index));
    }
    m_threshold = new QLineSeries(c);
    m_threshold->setName(tr("threshold"));
    QPen dashed(Theme::MutedText);
    dashed.setStyle(Qt::DashLine);
    dashed.setWidthF(1.0);
    m_threshold->setPen(dashed);
    m_threshold->append(1, threshold * 100);
    m_threshold->append(qMax(2, m_maxRounds), threshold * 100);
    c->addSeries(m_threshold);
    m_threshold->attachAxis(m_x);
    m_threshold->attachAxis(m_y);

    m_consensus = new QLineSeries(c);
    m_consensus->setName(tr("consensus"));
    QPen strong(Theme::Text);
    strong.setWidthF(2.6);
    m_consensus->setPen(strong);
    m_consensus->setPointsVisible(true);
    c->addSeries(m_consensus);
    m_consensus->attachAxis(m_x);
    m_consensus->attachAxis(m_y);
}

void ConsensusChart::addRound(const rt::debate::ConsensusSnapshot &snapshot)
{
    if (!m_consensus)
        return;
    if (snapshot.round > m_maxRounds) { // "Continue" added a round
        m_maxRounds = snapshot.round;
        m_x->setRange(1, m_maxRounds);
        m_x->setTickCount(m_maxRounds);
        m_threshold->replace(1, QPointF(m_maxRounds, m_threshold->at(0).y()));
    }
    const QList<QPointF> points = m_consensus->points();
    for (qsizetype i = 0; i < points.size(); ++i) {
        if (qRound(points.at(i).x()) == snapshot.round) {
            m_consensus->replace(int(i), QPointF(snapshot.round, snapshot.score * 100));
            return;
        }
    }
    m_consensus->append(snapshot.round, snapshot.score * 100);
}

void ConsensusChart::addConfidence(int seat, int round, double confidence)
{
    QLineSeries *series = m_seats.value(seat);
    if (!series)
        return;
    series->append(round, confidence * 100);
}

int ConsensusChart::pointCount() const
{
    return m_consensus ? m_consensus->count() : 0;
}

} // namespace rt::ui
