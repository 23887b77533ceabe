#pragma once

#include "debate/debatetypes.h"

#include <QChartView>
#include <QColor>
#include <QHash>

class QLineSeries;
class QValueAxis;

namespace rt::ui {

// Consensus score per round (thick line, with the threshold dashed) and
// each seat's confidence per round (thin lines in the seats' colours).
class ConsensusChart final : public QChartView {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConsensusChart)
public:
    explicit ConsensusChart(QWidget *parent = nullptr);

    void setDebate(const QList<rt::debate::Seat> &seats, int maxRounds, double threshold);
    void addRound(const rt::debate::ConsensusSnapshot &snapshot);
    void addConfidence(int seat, int round, double confidence);
    int pointCount() const; // consensus points drawn
    QLineSeries *consensusLine() const { return m_consensus; }

private:
    QLineSeries *m_consensus = nullptr;
    QLineSeries *m_threshold = nullptr;
    QHash<int, QLineSeries *> m_seats;
    QHash<int, QColor> m_seatColours; // as chosen, before lightening for a dark surface
    QValueAxis *m_x = nullptr;
    QValueAxis *m_y = nullptr;
    int m_maxRounds = 3;
};

} // namespace rt::ui
