#pragma once

#include "debate/debatetypes.h"

#include <QFrame>

class QLabel;
class QProgressBar;
class QTextBrowser;

namespace rt::ui {

class ElidedLabel;

// One seat at the table: avatar, name and model in the seat's colour, what
// the seat is doing, the turn it is writing (text streams in), and after a
// turn its stance: answer, confidence, key points, changed position, who it
// agrees and disagrees with.
class SeatCard final : public QFrame {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SeatCard)
public:
    enum class State { Waiting, Speaking, Done, Skipped, Failed };
    Q_ENUM(State)

    SeatCard(const rt::debate::Seat &seat, QWidget *parent = nullptr);

    int seatIndex() const { return m_seat.index; }
    State state() const { return m_state; }
    QString text() const; // the text shown now (plain)
    QString answer() const;
    QTextBrowser *textView() const { return m_text; }

    void setModel(const QString &model);
    void setState(State state, const QString &detail = {});
    // Streaming: text of the current turn.
    void beginTurn(const QString &heading);
    void appendText(const QString &text);
    void replaceText(const QString &text);
    // The finished turn: rendered as Markdown, with its stance.
    void showTurn(const rt::debate::TurnRecord &turn);
    void setCompact(bool compact); // many seats: smaller text area

    // The avatar as a round badge (emoji, or the first letter on the colour).
    static QPixmap avatar(const rt::agents::Agent &agent, int size, qreal dpr);
    static QColor colourOf(const rt::agents::Agent &agent, int seatIndex);
    bool isHighlighted() const { return m_speaking; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    void updateHeader();
    void applyColours(); // from the current theme

    rt::debate::Seat m_seat;
    QColor m_colour;
    State m_state = State::Waiting;
    QString m_model;
    QLabel *m_avatar;
    QLabel *m_name;
    ElidedLabel *m_meta; // role · model
    QLabel *m_status;
    QLabel *m_heading;
    QTextBrowser *m_text;
    QFrame *m_stance;
    QLabel *m_answer;
    QProgressBar *m_confidence;
    QLabel *m_points;
    QLabel *m_relations;
    bool m_speaking = false;
};

} // namespace rt::ui
