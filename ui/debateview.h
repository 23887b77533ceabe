#pragma once

#include "debatesession.h"

#include <QHash>
#include <QPointer>
#include <QTimer>
#include <QWidget>

class QAction;
class QFrame;
class QGridLayout;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QScrollArea;
class QTextBrowser;

namespace rt::ui {

class ConsensusChart;
class SeatChart;
class SeatCard;

// The table: every seat at once with its streaming turn and stance, the
// round and the consensus meter, a chart per round, the transcript with
// notes, the steering buttons (pause, resume, stop, interject) and, at the
// end, the result. Shows a DebateSession; the same view serves a live
// debate and one reopened from storage.
class DebateView final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DebateView)
public:
    explicit DebateView(QWidget *parent = nullptr);

    void setSession(DebateSession *session); // not owned
    DebateSession *session() const { return m_session; }

    QList<SeatCard *> seatCards() const { return m_cards; }
    SeatCard *seatCard(int seat) const;
    QString roundText() const;
    int consensusPercent() const; // -1 before the first round
    ConsensusChart *chart() const { return m_chart; }
    SeatChart *seatChart() const { return m_seatChart; }
    QTextBrowser *transcript() const { return m_transcript; }
    QPushButton *pauseButton() const { return m_pauseButton; }
    QPushButton *stopButton() const { return m_stopButton; }
    QPushButton *interjectButton() const { return m_interjectButton; }
    QLineEdit *interjectInput() const { return m_interjectInput; }
    QPushButton *resumeButton() const { return m_resumeButton; }
    QPushButton *exportButton() const { return m_exportButton; }
    QPushButton *copyButton() const { return m_copyButton; }
    QPushButton *runAgainButton() const { return m_runAgainButton; }
    QFrame *resultPanel() const { return m_result; }
    QString resultText() const; // the result panel as plain text
    // Marks one stored turn in the transcript and scrolls to it (a search
    // result); false when the session has no such turn.
    bool highlightTurn(qint64 turnStorageId);
    qint64 highlightedTurnId() const { return m_highlightedTurn; }
    // The transcript text of the highlighted turn (empty: none).
    QString highlightedTurnText() const;

public slots:
    void togglePause();
    void stopDebate();
    void showInterject();
    void sendInterjection();

signals:
    void resumeRequested(qint64 debateId);
    void exportRequested(qint64 debateId);
    void runAgainRequested(const rt::debate::DebateConfig &config, const QList<rt::debate::Seat> &seats);
    void backRequested();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void fitSeats();
    void rebuild();
    void buildSeats();
    void rebuildTranscript();
    void appendTimeline(const DebateSession::TimelineEntry &entry);
    void appendTurnToTranscript(const rt::debate::TurnRecord &turn);
    void appendNoteToTranscript(const rt::debate::DebateNote &note);
    void appendRoundToTranscript(int round);
    void onTurnFinished(int index);
    void onConsensus(int roundIndex);
    void flushText();
    void updateSeatChart();
    void updateHeader();
    void updateControls();
    void updateResult();

    QPointer<DebateSession> m_session;
    QLabel *m_question;
    QLabel *m_meta;
    QLabel *m_phase;
    QLabel *m_round;
    QProgressBar *m_roundProgress;
    QProgressBar *m_meter;
    QPushButton *m_backButton;
    QPushButton *m_pauseButton;
    QPushButton *m_stopButton;
    QPushButton *m_interjectButton;
    QFrame *m_interjectRow;
    QLineEdit *m_interjectInput;
    QFrame *m_banner; // paused / interrupted / failed, with Resume
    QLabel *m_bannerText;
    QPushButton *m_resumeButton;
    QFrame *m_result;
    QLabel *m_resultAnswer;
    QLabel *m_resultScore;
    QLabel *m_resultDetails;
    QLabel *m_resultSynthesis;
    QPushButton *m_exportButton;
    QPushButton *m_copyButton;
    QPushButton *m_runAgainButton;
    QScrollArea *m_seatScroll;
    QWidget *m_seatHost;
    QGridLayout *m_seatGrid;
    QList<SeatCard *> m_cards;
    int m_columns = 1;
    ConsensusChart *m_chart;
    SeatChart *m_seatChart;
    QWidget *m_seatSection; // its title and the chart; hidden when the side is short
    QFrame *m_side;
    QTimer m_seatChartTimer; // finished turns redraw it at most 4 times a second
    QTextBrowser *m_transcript;
    QHash<int, QString> m_pendingText; // seat -> text not yet shown
    QTimer m_flushTimer;
    QHash<qint64, QPair<int, int>> m_turnRanges; // stored turn id -> transcript positions
    qint64 m_highlightedTurn = 0;
};

} // namespace rt::ui
