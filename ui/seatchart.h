#pragma once

#include "debate/debatetypes.h"

#include <QHash>
#include <QList>
#include <QPointF>
#include <QWidget>

class QBarCategoryAxis;
class QBarSet;
class QChartView;
class QHorizontalStackedBarSeries;
class QLineSeries;
class QValueAxis;

namespace rt::ui {

// Per-debate figures per seat, side by side: tokens generated (one bar per
// seat in its colour) and seconds per turn by round (one line per seat).
// Drawn from the session's turn records, the same values the metrics
// registry is fed from, so a live debate and a reopened one look the same.
// The moderator (seat < 0) is left out.
class SeatChart final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SeatChart)
public:
    explicit SeatChart(QWidget *parent = nullptr);

    // The seats to draw (empty: nothing) and the rounds planned.
    void setSeats(const QList<rt::debate::Seat> &seats, int maxRounds);
    // Redraws from every finished turn so far.
    void setTurns(const QList<rt::debate::TurnRecord> &turns);

    // What is drawn, by agent name (the first seat of that name): the bar's
    // value, and the (round, seconds) points of its line in turn order.
    // -1 and {} for an agent without a seat here.
    qint64 tokensFor(const QString &agent) const;
    QList<QPointF> turnSeconds(const QString &agent) const;
    int barCount() const; // seats with a bar
    QChartView *tokensView() const { return m_tokensView; }
    QChartView *timeView() const { return m_timeView; }

private:
    void applyColours();
    int seatOf(const QString &agent) const;

    QList<rt::debate::Seat> m_seats; // drawn, in category order
    int m_maxRounds = 3;
    QChartView *m_tokensView;
    QChartView *m_timeView;
    QHorizontalStackedBarSeries *m_bars = nullptr;
    QBarCategoryAxis *m_categories = nullptr;
    QValueAxis *m_tokensAxis = nullptr;
    QValueAxis *m_roundAxis = nullptr;
    QValueAxis *m_secondsAxis = nullptr;
    QHash<int, QBarSet *> m_sets; // by seat index
    QHash<int, QLineSeries *> m_lines; // by seat index
};

} // namespace rt::ui
