#include "debateview.h"

#include "consensuschart.h"
#include "debate/debateengine.h"
#include "debatetext.h"
#include "seatcard.h"
#include "seatchart.h"
#include "theme.h"
#include "windowstate.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QTextBrowser>
#include <QTextCursor>
#include <QTextDocumentFragment>
#include <QVBoxLayout>

namespace rt::ui {

using namespace rt::debate;
using Phase = DebateSession::Phase;

namespace {
QString noteIcon(NoteKind kind)
{
    switch (kind) {
    case NoteKind::Interjection:
        return QStringLiteral("🗣");
    case NoteKind::Skipped:
        return QStringLiteral("⏭");
    case NoteKind::Fallback:
        return QStringLiteral("↪");
    case NoteKind::HostMoved:
        return QStringLiteral("⇄");
    case NoteKind::Warning:
        return QStringLiteral("⚠");
    case NoteKind::Info:
        return QStringLiteral("ℹ");
    }
    return {};
}

QFrame *card(QWidget *parent, const QString &name)
{
    auto *frame = new QFrame(parent);
    frame->setObjectName(name);
    Theme::style(frame, QStringLiteral("QFrame#%1 { background: {Surface}; border: 1px solid {Border}; border-radius: 10px; }").arg(name));
    return frame;
}

QLabel *muted(const QString &text, QWidget *parent, qreal scale = 0.9)
{
    auto *label = new QLabel(text, parent);
    Theme::style(label, QStringLiteral("color: {MutedText};"));
    label->setFont(Theme::scaledFont(label->font(), scale));
    return label;
}

QString costText(const DebateOutcome &o)
{
    const double seconds = o.durationMs / 1000.0;
    return DebateView::tr("%n model call(s)", nullptr, o.calls) + QStringLiteral(" · ")
        + DebateView::tr("%1 tokens (%2 prompt, %3 generated)")
              .arg(QLocale().toString(o.promptTokens + o.evalTokens), QLocale().toString(o.promptTokens), QLocale().toString(o.evalTokens))
        + QStringLiteral(" · ") + DebateView::tr("%1 s").arg(QLocale().toString(seconds, 'f', 1));
}
} // namespace

DebateView::DebateView(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("debateView"));
    setAutoFillBackground(true);
    QPalette pal = palette();
    pal.setColor(QPalette::Window, Theme::ChatBackground);
    setPalette(pal);

    // Header: back, question, what kind of debate, where it stands.
    QFrame *header = card(this, QStringLiteral("debateHeader"));
    m_backButton = new QPushButton(tr("← Debates"), header);
    m_backButton->setObjectName(QStringLiteral("backButton"));
    m_backButton->setToolTip(tr("Back to the list of debates (Alt+Left)"));
    m_backButton->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Left));
    m_question = new QLabel(header);
    m_question->setObjectName(QStringLiteral("debateQuestion"));
    m_question->setWordWrap(true);
    m_question->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_question->setFont(Theme::scaledFont(font(), 1.3, true));
    m_meta = muted(QString(), header);
    m_phase = new QLabel(header);
    m_phase->setObjectName(QStringLiteral("debatePhase"));
    m_phase->setFont(Theme::scaledFont(font(), 0.9, true));
    m_round = new QLabel(header);
    m_round->setObjectName(QStringLiteral("roundLabel"));
    m_roundProgress = new QProgressBar(header);
    m_roundProgress->setTextVisible(false);
    m_roundProgress->setFixedHeight(6);
    m_roundProgress->setAccessibleName(tr("Rounds done"));
    m_meter = new QProgressBar(header);
    m_meter->setObjectName(QStringLiteral("consensusMeter"));
    m_meter->setAccessibleName(tr("Consensus"));
    m_meter->setRange(0, 100);
    m_meter->setFixedHeight(20);
    m_meter->setMinimumWidth(220);

    m_pauseButton = new QPushButton(tr("Pause"), header);
    m_pauseButton->setObjectName(QStringLiteral("pauseButton"));
    m_stopButton = new QPushButton(tr("Stop"), header);
    m_stopButton->setObjectName(QStringLiteral("stopButton"));
    m_stopButton->setProperty("danger", true);
    m_interjectButton = new QPushButton(tr("Interject…"), header);
    m_interjectButton->setObjectName(QStringLiteral("interjectButton"));

    // Shortcuts work anywhere in the view.
    auto shortcut = [this](QPushButton *button, const QKeySequence &keys, void (DebateView::*slot)()) {
        auto *action = new QAction(this);
        action->setShortcut(keys);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(action);
        connect(action, &QAction::triggered, this, [this, button, slot] {
            if (button->isEnabled())
                (this->*slot)();
        });
        connect(button, &QPushButton::clicked, this, slot);
    };
    shortcut(m_pauseButton, QKeySequence(Qt::CTRL | Qt::Key_P), &DebateView::togglePause);
    shortcut(m_stopButton, QKeySequence(Qt::CTRL | Qt::Key_Period), &DebateView::stopDebate);
    shortcut(m_interjectButton, QKeySequence(Qt::CTRL | Qt::Key_I), &DebateView::showInterject);

    auto *titleRow = new QHBoxLayout;
    titleRow->addWidget(m_backButton, 0, Qt::AlignTop);
    titleRow->addSpacing(6);
    auto *titleText = new QVBoxLayout;
    titleText->setSpacing(2);
    titleText->addWidget(m_question);
    titleText->addWidget(m_meta);
    titleRow->addLayout(titleText, 1);
    titleRow->addWidget(m_phase, 0, Qt::AlignTop);
    auto *progressRow = new QHBoxLayout;
    progressRow->setSpacing(10);
    auto *roundBox = new QVBoxLayout;
    roundBox->setSpacing(3);
    roundBox->addWidget(m_round);
    roundBox->addWidget(m_roundProgress);
    progressRow->addLayout(roundBox, 1);
    progressRow->addWidget(m_meter, 1);
    progressRow->addSpacing(12);
    progressRow->addWidget(m_pauseButton);
    progressRow->addWidget(m_interjectButton);
    progressRow->addWidget(m_stopButton);
    auto *headerLayout = new QVBoxLayout(header);
    headerLayout->setContentsMargins(14, 12, 14, 12);
    headerLayout->setSpacing(10);
    headerLayout->addLayout(titleRow);
    headerLayout->addLayout(progressRow);

    // Interjection: a line under the header while open.
    m_interjectRow = card(this, QStringLiteral("interjectRow"));
    m_interjectInput = new QLineEdit(m_interjectRow);
    m_interjectInput->setObjectName(QStringLiteral("interjectInput"));
    m_interjectInput->setAccessibleName(tr("Interjection"));
    m_interjectInput->setPlaceholderText(tr("A note for the agents; they read it in their next turn. Enter sends, Esc closes."));
    auto *send = new QPushButton(tr("Send to the table"), m_interjectRow);
    send->setObjectName(QStringLiteral("sendInterjectionButton"));
    send->setProperty("primary", true);
    auto *interjectLayout = new QHBoxLayout(m_interjectRow);
    interjectLayout->setContentsMargins(12, 8, 12, 8);
    interjectLayout->addWidget(m_interjectInput, 1);
    interjectLayout->addWidget(send);
    m_interjectRow->hide();
    connect(send, &QPushButton::clicked, this, &DebateView::sendInterjection);
    connect(m_interjectInput, &QLineEdit::returnPressed, this, &DebateView::sendInterjection);
    auto *closeInterject = new QAction(m_interjectInput);
    closeInterject->setShortcut(QKeySequence(Qt::Key_Escape));
    closeInterject->setShortcutContext(Qt::WidgetShortcut);
    m_interjectInput->addAction(closeInterject);
    connect(closeInterject, &QAction::triggered, m_interjectRow, &QWidget::hide);

    // Paused / interrupted / failed: why, and the way forward.
    m_banner = new QFrame(this);
    m_banner->setObjectName(QStringLiteral("debateBanner"));
    Theme::style(m_banner,
        QStringLiteral("QFrame#debateBanner { background: {DemoBackground}; border: 1px solid {DemoBorder}; border-radius: 10px; } QLabel "
                       "{ color: {DemoText}; }"));
    m_bannerText = new QLabel(m_banner);
    m_bannerText->setWordWrap(true);
    m_bannerText->setObjectName(QStringLiteral("debateBannerText"));
    m_resumeButton = new QPushButton(tr("Resume"), m_banner);
    m_resumeButton->setObjectName(QStringLiteral("resumeButton"));
    m_resumeButton->setProperty("primary", true);
    auto *bannerLayout = new QHBoxLayout(m_banner);
    bannerLayout->setContentsMargins(14, 8, 14, 8);
    bannerLayout->addWidget(m_bannerText, 1);
    bannerLayout->addWidget(m_resumeButton);
    m_banner->hide();
    connect(m_resumeButton, &QPushButton::clicked, this, [this] {
        if (!m_session)
            return;
        if (m_session->isLive() && m_session->phase() == Phase::Paused)
            m_session->engine()->resume();
        else
            emit resumeRequested(m_session->debateId());
    });

    // The result, on top once the debate has ended.
    m_result = card(this, QStringLiteral("resultPanel"));
    auto *resultTitle = muted(tr("RESULT"), m_result, 0.8);
    m_resultAnswer = new QLabel(m_result);
    m_resultAnswer->setObjectName(QStringLiteral("resultAnswer"));
    m_resultAnswer->setWordWrap(true);
    m_resultAnswer->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_resultAnswer->setFont(Theme::scaledFont(font(), 1.35, true));
    m_resultScore = new QLabel(m_result);
    m_resultScore->setObjectName(QStringLiteral("resultScore"));
    m_resultScore->setWordWrap(true);
    m_resultDetails = new QLabel(m_result);
    m_resultDetails->setObjectName(QStringLiteral("resultDetails"));
    m_resultDetails->setWordWrap(true);
    m_resultDetails->setTextInteractionFlags(Qt::TextSelectableByMouse);
    Theme::style(m_resultDetails, QStringLiteral("color: {MutedText};"));
    m_resultSynthesis = new QLabel(m_result);
    m_resultSynthesis->setObjectName(QStringLiteral("resultSynthesis"));
    m_resultSynthesis->setTextFormat(Qt::MarkdownText);
    m_resultSynthesis->setWordWrap(true);
    m_resultSynthesis->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_resultSynthesis->setOpenExternalLinks(true);
    m_exportButton = new QPushButton(tr("Export…"), m_result);
    m_exportButton->setObjectName(QStringLiteral("exportButton"));
    m_exportButton->setToolTip(tr("Save the debate as Markdown or JSON (Ctrl+E)"));
    m_exportButton->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_copyButton = new QPushButton(tr("Copy Answer"), m_result);
    m_copyButton->setObjectName(QStringLiteral("copyAnswerButton"));
    m_runAgainButton = new QPushButton(tr("Run Again"), m_result);
    m_runAgainButton->setObjectName(QStringLiteral("runAgainButton"));
    m_runAgainButton->setToolTip(tr("Start a new debate with the same question and seats"));
    auto *resultButtons = new QVBoxLayout;
    resultButtons->addWidget(m_exportButton);
    resultButtons->addWidget(m_copyButton);
    resultButtons->addWidget(m_runAgainButton);
    resultButtons->addStretch(1);
    auto *resultText = new QVBoxLayout;
    resultText->setSpacing(4);
    resultText->addWidget(resultTitle);
    resultText->addWidget(m_resultAnswer);
    resultText->addWidget(m_resultScore);
    resultText->addWidget(m_resultDetails);
    resultText->addWidget(m_resultSynthesis);
    auto *resultLayout = new QHBoxLayout(m_result);
    resultLayout->setContentsMargins(16, 12, 16, 12);
    resultLayout->addLayout(resultText, 1);
    resultLayout->addLayout(resultButtons);
    m_result->hide();
    connect(m_exportButton, &QPushButton::clicked, this, [this] {
        if (m_session)
            emit exportRequested(m_session->debateId());
    });
    connect(m_copyButton, &QPushButton::clicked, this, [this] {
        if (m_session && m_session->outcome())
            QApplication::clipboard()->setText(m_session->outcome()->answer);
    });
    connect(m_runAgainButton, &QPushButton::clicked, this, [this] {
        if (m_session)
            emit runAgainRequested(m_session->info().config, m_session->seats());
    });
    connect(m_backButton, &QPushButton::clicked, this, &DebateView::backRequested);

    // Seats on the left, the chart and the transcript on the right.
    m_seatScroll = new QScrollArea(this);
    m_seatScroll->setObjectName(QStringLiteral("seatArea"));
    m_seatScroll->setWidgetResizable(true);
    m_seatScroll->setFrameShape(QFrame::NoFrame);
    m_seatHost = new QWidget(m_seatScroll);
    m_seatHost->setObjectName(QStringLiteral("seatHost"));
    m_seatHost->setAutoFillBackground(false);
    m_seatScroll->viewport()->setAutoFillBackground(false);
    m_seatGrid = new QGridLayout(m_seatHost);
    m_seatGrid->setContentsMargins(0, 0, 4, 0);
    m_seatGrid->setSpacing(10);
    m_seatScroll->setWidget(m_seatHost);
    m_seatScroll->viewport()->installEventFilter(this);

    QFrame *side = card(this, QStringLiteral("debateSide"));
    m_chart = new ConsensusChart(side);
    m_seatChart = new SeatChart(side);
    m_transcript = new QTextBrowser(side);
    m_transcript->setObjectName(QStringLiteral("transcript"));
    m_transcript->setAccessibleName(tr("Transcript"));
    m_transcript->setFont(Theme::transcriptFont(m_transcript->font()));
    connect(Theme::notifier(), &Theme::Notifier::transcriptFontChanged, m_transcript,
        [this] { m_transcript->setFont(Theme::transcriptFont(QApplication::font())); });
    connect(Theme::notifier(), &Theme::Notifier::modeChanged, this, [this] {
        if (m_session)
            updateHeader(); // the phase and the meter are coloured in code
    });
    m_transcript->setFrameShape(QFrame::NoFrame);
    Theme::style(m_transcript, QStringLiteral("QTextBrowser { background: transparent; color: {Text}; }"));
    auto *sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(10, 8, 10, 8);
    sideLayout->setSpacing(4);
    sideLayout->addWidget(muted(tr("CONSENSUS PER ROUND"), side, 0.8));
    sideLayout->addWidget(m_chart);
    m_seatSection = new QWidget(side);
    m_seatSection->setObjectName(QStringLiteral("seatSection"));
    auto *seatLayout = new QVBoxLayout(m_seatSection);
    seatLayout->setContentsMargins(0, 0, 0, 0);
    seatLayout->setSpacing(4);
    seatLayout->addWidget(muted(tr("SEATS: TOKENS GENERATED AND SECONDS PER TURN"), m_seatSection, 0.8));
    m_seatChart->setParent(m_seatSection);
    seatLayout->addWidget(m_seatChart);
    sideLayout->addWidget(m_seatSection);
    side->installEventFilter(this);
    m_side = side;
    sideLayout->addWidget(muted(tr("TRANSCRIPT"), side, 0.8));
    sideLayout->addWidget(m_transcript, 1);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("debateSplitter"));
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(m_seatScroll);
    splitter->addWidget(side);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({ 640, 400 }); // the seats get the larger share
    rememberSplitter(splitter, QStringLiteral("debate"));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 14, 16, 14);
    layout->setSpacing(10);
    layout->addWidget(header);
    layout->addWidget(m_interjectRow);
    layout->addWidget(m_banner);
    layout->addWidget(m_result);
    layout->addWidget(splitter, 1);

    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(33); // text reaches the screen at most ~30 times a second
    connect(&m_flushTimer, &QTimer::timeout, this, &DebateView::flushText);
    m_seatChartTimer.setSingleShot(true);
    m_seatChartTimer.setInterval(250);
    connect(&m_seatChartTimer, &QTimer::timeout, this, &DebateView::updateSeatChart);
    updateControls();
}

void DebateView::setSession(DebateSession *session)
{
    if (m_session == session)
        return;
    if (m_session)
        m_session->disconnect(this);
    m_session = session;
    m_pendingText.clear();
    if (!session) {
        rebuild();
        return;
    }
    connect(session, &DebateSession::reset, this, &DebateView::rebuild);
    connect(session, &DebateSession::phaseChanged, this, [this] {
        flushText();
        updateSeatChart(); // the last turns show when the debate ends or pauses
        updateHeader();
        updateControls();
    });
    connect(session, &DebateSession::roundStarted, this, [this](const RoundInfo &round) {
        const auto &timeline = m_session->timeline();
        if (!timeline.isEmpty() && timeline.constLast().kind == DebateSession::TimelineEntry::Kind::Round
            && timeline.constLast().index == round.round)
            appendRoundToTranscript(round.round); // not when a resumed round already has it
        for (SeatCard *card : std::as_const(m_cards)) {
            if (round.speakers.contains(m_session->seats().value(card->seatIndex()).agent.name))
                card->setState(SeatCard::State::Waiting);
        }
        updateHeader();
    });
    connect(session, &DebateSession::turnStarted, this, [this](int seat) {
        if (SeatCard *card = seatCard(seat)) {
            const DebateSession::LiveTurn live = m_session->liveTurns().value(seat);
            m_pendingText.remove(seat);
            card->setModel(live.info.model);
            card->beginTurn(
                live.info.kind == TurnKind::Turn ? tr("Round %1").arg(live.info.round) : DebateText::turnKindName(live.info.kind));
        }
    });
    connect(session, &DebateSession::textAppended, this, [this](int seat, const QString &text, bool replaced) {
        if (replaced) {
            m_pendingText.remove(seat);
            if (SeatCard *card = seatCard(seat))
                card->replaceText(QString());
        }
        m_pendingText[seat] += text;
        if (!m_flushTimer.isActive())
            m_flushTimer.start();
    });
    connect(session, &DebateSession::turnFinished, this, &DebateView::onTurnFinished);
    connect(session, &DebateSession::noteAdded, this, [this](int index) {
        const DebateNote &note = m_session->notes().at(index);
        appendNoteToTranscript(note);
        if (note.kind == NoteKind::Skipped) {
            if (SeatCard *card = seatCard(note.seat))
                card->setState(SeatCard::State::Skipped, note.text);
        }
    });
    connect(session, &DebateSession::consensusUpdated, this, &DebateView::onConsensus);
    connect(session, &DebateSession::liveEnded, this, [this] {
        updateHeader();
        updateControls();
    });
    connect(session, &DebateSession::outcomeChanged, this, [this] {
        updateResult();
        updateHeader();
        updateControls();
    });
    rebuild();
}

SeatCard *DebateView::seatCard(int seat) const
{
    for (SeatCard *card : m_cards) {
        if (card->seatIndex() == seat)
            return card;
    }
    return nullptr;
}

void DebateView::rebuild()
{
    m_pendingText.clear();
    buildSeats();
    if (m_session) {
        m_chart->setDebate(m_session->seats(), m_session->info().maxRounds, m_session->info().threshold);
        m_seatChart->setSeats(m_session->seats(), m_session->info().maxRounds);
        updateSeatChart();
        for (const TurnRecord &turn : m_session->turns()) {
            if (turn.info.kind == TurnKind::Turn && turn.stance.confidence)
                m_chart->addConfidence(turn.info.seat, turn.info.round, *turn.stance.confidence);
        }
        for (const ConsensusSnapshot &round : m_session->rounds())
            m_chart->addRound(round);
        // Each seat shows its last turn, or what it is writing now.
        for (SeatCard *card : std::as_const(m_cards)) {
            if (const TurnRecord *last = m_session->lastTurnOf(card->seatIndex()))
                card->showTurn(*last);
            const auto live = m_session->liveTurns().constFind(card->seatIndex());
            if (live != m_session->liveTurns().cend()) {
                card->setModel(live->info.model);
                card->beginTurn(tr("Round %1").arg(live->info.round));
                card->appendText(live->text);
            }
        }
    } else {
        m_chart->setDebate({}, 3, 0.8);
        m_seatChart->setSeats({}, 3);
    }
    rebuildTranscript();
    updateHeader();
    updateResult();
    updateControls();
}

void DebateView::buildSeats()
{
    qDeleteAll(m_cards);
    m_cards.clear();
    if (!m_session)
        return;
    QList<Seat> seats = m_session->seats();
    // Debaters first, the judge or synthesiser after them.
    std::stable_sort(seats.begin(), seats.end(), [](const Seat &a, const Seat &b) { return a.speaksInRounds() && !b.speaksInRounds(); });
    const int n = int(seats.size());
    const int columns = n <= 3 ? qMax(1, n) : n == 4 ? 2 : 3;
    for (int i = 0; i < n; ++i) {
        auto *card = new SeatCard(seats.at(i), m_seatHost);
        card->setCompact(n > 4);
        m_seatGrid->addWidget(card, i / columns, i % columns);
        m_cards.append(card);
    }
    for (int c = 0; c < 3; ++c)
        m_seatGrid->setColumnStretch(c, c < columns ? 1 : 0);
    m_columns = columns;
    fitSeats();
}

void DebateView::fitSeats()
{
    // Cards of a fixed size: what changes inside a card (a status, a stance)
    // lays out that card only, never the whole table (a card of a fixed size
    // does not pass layout requests on to its parent).
    if (m_cards.isEmpty())
        return;
    const int rows = int((m_cards.size() + m_columns - 1) / m_columns);
    const QMargins margins = m_seatGrid->contentsMargins();
    const QSize viewport = m_seatScroll->viewport()->size();
    const int spacing = m_seatGrid->spacing();
    const int minHeight = m_cards.size() > 2 ? 200 : 260;
    const int height = qMax(minHeight, (viewport.height() - margins.top() - margins.bottom() - spacing * (rows - 1)) / rows);
    // Leave room for the vertical scroll bar when the rows do not fit.
    const bool scrolls = height * rows + spacing * (rows - 1) > viewport.height();
    const int scrollBar = scrolls ? m_seatScroll->verticalScrollBar()->sizeHint().width() : 0;
    const int width = qMax(200, (viewport.width() - margins.left() - margins.right() - scrollBar - spacing * (m_columns - 1)) / m_columns);
    for (SeatCard *card : std::as_const(m_cards))
        card->setFixedSize(width, height);
}

bool DebateView::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_seatScroll->viewport() && event->type() == QEvent::Resize)
        fitSeats();
    // A short window: the seat charts give way, so the consensus chart and
    // the transcript keep their room instead of overlapping.
    if (watched == m_side && event->type() == QEvent::Resize)
        m_seatSection->setVisible(m_side->height() >= 440);
    return QWidget::eventFilter(watched, event);
}

void DebateView::flushText()
{
    m_flushTimer.stop();
    for (auto it = m_pendingText.cbegin(); it != m_pendingText.cend(); ++it) {
        if (SeatCard *card = seatCard(it.key()))
            card->appendText(it.value());
    }
    m_pendingText.clear();
}

void DebateView::onTurnFinished(int index)
{
    const TurnRecord &turn = m_session->turns().at(index);
    m_pendingText.remove(turn.info.seat);
    if (SeatCard *card = seatCard(turn.info.seat))
        card->showTurn(turn);
    if (turn.info.kind == TurnKind::Turn && turn.stance.confidence)
        m_chart->addConfidence(turn.info.seat, turn.info.round, *turn.stance.confidence);
    appendTurnToTranscript(turn);
    updateHeader();
    if (turn.info.seat >= 0 && !m_seatChartTimer.isActive())
        m_seatChartTimer.start();
}

void DebateView::updateSeatChart()
{
    m_seatChartTimer.stop();
    m_seatChart->setTurns(m_session ? m_session->turns() : QList<TurnRecord> {});
}

void DebateView::onConsensus(int roundIndex)
{
    m_chart->addRound(m_session->rounds().at(roundIndex));
    updateHeader();
}

void DebateView::rebuildTranscript()
{
    m_turnRanges.clear();
    m_highlightedTurn = 0;
    m_transcript->setExtraSelections({});
    m_transcript->clear();
    if (!m_session)
        return;
    for (const DebateSession::TimelineEntry &entry : m_session->timeline())
        appendTimeline(entry);
}

void DebateView::appendTimeline(const DebateSession::TimelineEntry &entry)
{
    switch (entry.kind) {
    case DebateSession::TimelineEntry::Kind::Round:
        appendRoundToTranscript(entry.index);
        break;
    case DebateSession::TimelineEntry::Kind::Turn:
        appendTurnToTranscript(m_session->turns().at(entry.index));
        break;
    case DebateSession::TimelineEntry::Kind::Note:
        appendNoteToTranscript(m_session->notes().at(entry.index));
        break;
    }
}

void DebateView::appendRoundToTranscript(int round)
{
    QTextCursor cursor(m_transcript->document());
    cursor.movePosition(QTextCursor::End);
    cursor.insertHtml(QStringLiteral("<p style='margin-top:10px'><b style='color:%1'>%2</b></p>")
                          .arg(Theme::css(Theme::MutedText), tr("— Round %1 —").arg(round)));
    cursor.insertBlock();
}

void DebateView::appendTurnToTranscript(const TurnRecord &turn)
{
    const bool atEnd = m_transcript->verticalScrollBar()->value() >= m_transcript->verticalScrollBar()->maximum() - 4;
    QTextCursor cursor(m_transcript->document());
    cursor.movePosition(QTextCursor::End);
    const int start = cursor.position();
    QColor colour = Theme::MutedText;
    if (turn.info.seat >= 0 && turn.info.seat < m_session->seats().size())
        colour = Theme::readableOn(SeatCard::colourOf(m_session->seats().at(turn.info.seat).agent, turn.info.seat));
    QString heading = QStringLiteral("<b style='color:%1'>%2</b>").arg(Theme::css(colour), turn.info.agentName.toHtmlEscaped());
    QStringList meta;
    if (turn.info.kind != TurnKind::Turn)
        meta << DebateText::turnKindName(turn.info.kind);
    if (!turn.info.model.isEmpty())
        meta << turn.info.model.toHtmlEscaped();
    if (turn.stance.hasAnswer())
        meta << tr("answer: %1").arg(turn.stance.answer.toHtmlEscaped());
    if (turn.stance.confidence)
        meta << tr("%1% sure").arg(qRound(*turn.stance.confidence * 100));
    if (turn.status != rt::TurnStatus::Complete)
        meta << QStringLiteral("<span style='color:%1'>%2</span>")
                    .arg(Theme::css(Theme::WarningText), DebateText::turnStatusName(turn.status));
    cursor.insertHtml(QStringLiteral("<p>%1 <span style='color:%2'>%3</span></p>")
                          .arg(heading, Theme::css(Theme::MutedText), meta.join(QStringLiteral(" · "))));
    cursor.insertBlock();
    const QString text = turn.text.isEmpty() ? turn.content : turn.text;
    cursor.insertMarkdown(text);
    if (turn.storageId > 0)
        m_turnRanges.insert(turn.storageId, { start, cursor.position() });
    cursor.insertBlock();
    if (atEnd)
        m_transcript->verticalScrollBar()->setValue(m_transcript->verticalScrollBar()->maximum());
}

void DebateView::appendNoteToTranscript(const DebateNote &note)
{
    QTextCursor cursor(m_transcript->document());
    cursor.movePosition(QTextCursor::End);
    const QColor colour = note.kind == NoteKind::Warning || note.kind == NoteKind::Skipped ? Theme::WarningText : Theme::MutedText;
    cursor.insertHtml(
        QStringLiteral("<p style='color:%1'><i>%2 %3</i></p>").arg(Theme::css(colour), noteIcon(note.kind), note.text.toHtmlEscaped()));
    cursor.insertBlock();
}

bool DebateView::highlightTurn(qint64 turnStorageId)
{
    const auto range = m_turnRanges.constFind(turnStorageId);
    if (turnStorageId <= 0 || range == m_turnRanges.cend())
        return false;
    QTextEdit::ExtraSelection mark;
    mark.cursor = QTextCursor(m_transcript->document());
    mark.cursor.setPosition(range->first);
    mark.cursor.setPosition(range->second, QTextCursor::KeepAnchor);
    mark.format.setBackground(Theme::DemoBackground);
    mark.format.setProperty(QTextFormat::FullWidthSelection, false);
    m_transcript->setExtraSelections({ mark });
    // The end first, then the start: the whole turn in view when it fits,
    // its beginning when it does not.
    QTextCursor cursor(m_transcript->document());
    cursor.setPosition(range->second);
    m_transcript->setTextCursor(cursor);
    m_transcript->ensureCursorVisible();
    cursor.setPosition(range->first);
    m_transcript->setTextCursor(cursor);
    m_transcript->ensureCursorVisible();
    m_highlightedTurn = turnStorageId;
    return true;
}

QString DebateView::highlightedTurnText() const
{
    const auto range = m_turnRanges.constFind(m_highlightedTurn);
    if (range == m_turnRanges.cend())
        return {};
    QTextCursor cursor(m_transcript->document());
    cursor.setPosition(range->first);
    cursor.setPosition(range->second, QTextCursor::KeepAnchor);
    return cursor.selectedText().replace(QChar::ParagraphSeparator, u'\n');
}

QString DebateView::roundText() const
{
    return m_round->text();
}

int DebateView::consensusPercent() const
{
    return m_session && !m_session->rounds().isEmpty() ? m_meter->value() : -1;
}

void DebateView::updateHeader()
{
    if (!m_session) {
        m_question->clear();
        m_meta->clear();
        m_phase->clear();
        m_round->clear();
        return;
    }
    const DebateInfo &info = m_session->info();
    m_question->setText(info.question);
    QStringList speakers;
    for (const Seat &seat : info.seats)
        speakers << seat.agent.name;
    m_meta->setText(tr("%1 · up to %n round(s) · consensus at %2% · %3", nullptr, info.maxRounds)
                        .arg(DebateText::formatName(info.format))
                        .arg(qRound(info.threshold * 100))
                        .arg(speakers.join(QStringLiteral(", "))));

    QString phase;
    QColor colour = Theme::MutedText;
    switch (m_session->phase()) {
    case Phase::Starting:
        phase = tr("starting…");
        break;
    case Phase::Running:
        phase = tr("● running");
        colour = Theme::Online;
        break;
    case Phase::Paused:
        phase = tr("❚❚ paused");
        colour = Theme::Pending;
        break;
    case Phase::Finished:
        phase = tr("✓ finished");
        colour = Theme::Online;
        break;
    case Phase::Failed:
        phase = tr("✕ failed");
        colour = Theme::ErrorText;
        break;
    case Phase::Interrupted:
        phase = tr("◌ interrupted");
        colour = Theme::WarningText;
        break;
    }
    m_phase->setText(phase);
    m_phase->setStyleSheet(QStringLiteral("color: %1;").arg(Theme::css(colour)));

    const int done = int(m_session->rounds().size());
    const int maxRounds = qMax(info.maxRounds, done);
    m_roundProgress->setRange(0, qMax(1, maxRounds));
    m_roundProgress->setValue(done);
    if (const std::optional<RoundInfo> round = m_session->currentRound(); round && m_session->phase() != Phase::Finished) {
        m_round->setText(round->phase.isEmpty()
                ? tr("Round %1 of %2").arg(round->round).arg(maxRounds)
                : tr("Round %1 of %2 · %3").arg(round->round).arg(maxRounds).arg(DebateText::phaseName(round->phase)));
    } else if (m_session->outcome()) {
        m_round->setText(tr("%n round(s) played", nullptr, m_session->outcome()->rounds > 0 ? m_session->outcome()->rounds : done));
    } else {
        m_round->setText(done > 0 ? tr("%1 of %2 rounds done").arg(done).arg(maxRounds) : tr("Not started"));
    }

    if (!m_session->rounds().isEmpty()) {
        const ConsensusSnapshot &last = m_session->rounds().constLast();
        const int score = qRound(last.score * 100);
        m_meter->setValue(score);
        m_meter->setFormat(tr("consensus %1% · needs %2%").arg(score).arg(qRound(info.threshold * 100)));
        const QColor fill = last.reached ? Theme::Online : Theme::Pending;
        m_meter->setStyleSheet(
            QStringLiteral("QProgressBar { border: 1px solid %1; border-radius: 5px; background: %2; text-align: center; color: %4; }"
                           "QProgressBar::chunk { background: %3; border-radius: 4px; }")
                .arg(Theme::css(Theme::Border), Theme::css(Theme::ChatBackground), Theme::css(fill.lighter(130)), Theme::css(Theme::Text)));
    } else {
        m_meter->setValue(0);
        m_meter->setFormat(tr("consensus: after the first round"));
        Theme::style(m_meter,
            QStringLiteral("QProgressBar { border: 1px solid {Border}; border-radius: 5px; background: {ChatBackground}; text-align: "
                           "center; color: {MutedText}; }"));
    }

    // The banner: why it is not running, and how to go on.
    QString banner;
    bool canResume = false;
    switch (m_session->phase()) {
    case Phase::Paused:
        if (const auto &pause = m_session->pauseInfo(); pause && pause->reason != u"user")
            banner = tr("Paused: %1").arg(pause->message);
        else
            banner = tr("Paused. The agents wait; nothing is lost.");
        canResume = m_session->isLive();
        break;
    case Phase::Interrupted:
        banner = tr("This debate was interrupted. Resume continues from the last turn that was saved; nothing said so far is lost.");
        canResume = true;
        break;
    case Phase::Failed:
        banner = m_session->outcome() && !m_session->outcome()->error.message.isEmpty()
            ? tr("The debate failed: %1").arg(m_session->outcome()->error.message)
            : tr("The debate failed.");
        canResume = true;
        break;
    default:
        break;
    }
    m_bannerText->setText(banner);
    // Another instance's debate is only watched here: it resumes over there.
    m_resumeButton->setVisible(canResume && !m_session->isRemote());
    m_banner->setVisible(!banner.isEmpty());
}

void DebateView::updateControls()
{
    const bool live = m_session && m_session->isLive();
    // Watching another instance: read-only, nothing to steer, export or rerun here.
    const bool remote = m_session && m_session->isRemote();
    for (QWidget *w :
        std::initializer_list<QWidget *> { m_pauseButton, m_stopButton, m_interjectButton, m_exportButton, m_runAgainButton, m_backButton })
        w->setVisible(!remote);
    const Phase phase = m_session ? m_session->phase() : Phase::Finished;
    const bool running = live && (phase == Phase::Running || phase == Phase::Starting);
    const bool paused = live && phase == Phase::Paused;
    const QString notRunning = tr("The debate is not running.");
    m_pauseButton->setText(paused ? tr("Resume") : tr("Pause"));
    m_pauseButton->setEnabled(running || paused);
    m_pauseButton->setToolTip(running ? tr("Pause after the turn in progress (Ctrl+P)")
            : paused                  ? tr("Continue the debate (Ctrl+P)")
                                      : notRunning);
    m_stopButton->setEnabled(running || paused);
    m_stopButton->setToolTip(running || paused ? tr("End the debate now; the turn in progress is kept as partial (Ctrl+.)") : notRunning);
    m_interjectButton->setEnabled(running || paused);
    m_interjectButton->setToolTip(running || paused ? tr("Add a note the agents read in their next turn (Ctrl+I)") : notRunning);
    if (!(running || paused))
        m_interjectRow->hide();
    const bool ended = phase == Phase::Finished || phase == Phase::Failed;
    m_exportButton->setEnabled(m_session && m_session->debateId() > 0);
    m_copyButton->setEnabled(m_session && ended && m_session->outcome() && !m_session->outcome()->answer.isEmpty());
    m_runAgainButton->setEnabled(m_session && !m_session->seats().isEmpty() && !live);
    m_runAgainButton->setToolTip(live ? tr("The debate is still running.") : tr("Start a new debate with the same question and seats"));
}

void DebateView::updateResult()
{
    const bool show = m_session && m_session->outcome() && m_session->phase() != Phase::Interrupted;
    m_result->setVisible(show);
    if (!show)
        return;
    const DebateOutcome &o = *m_session->outcome();
    const double threshold = m_session->info().threshold;
    m_resultAnswer->setText(o.answer.isEmpty() ? tr("No answer") : o.answer);
    const bool reached = o.score >= threshold;
    m_resultScore->setText(tr("<b style='color:%1'>Consensus %2%</b> (threshold %3%) — %4")
                               .arg(Theme::css(reached ? Theme::Online : Theme::WarningText))
                               .arg(qRound(o.score * 100))
                               .arg(qRound(threshold * 100))
                               .arg((o.stopDetail.isEmpty() ? describe(o.stopReason) : o.stopDetail).toHtmlEscaped()));
    QStringList lines;
    lines << tr("Mean confidence %1%").arg(qRound(o.meanConfidence * 100));
    if (o.tie)
        lines << tr("The two leading answers tied.");
    for (const Dissent &d : o.dissent) {
        QString line = tr("Dissent: %1 answered %2").arg(d.agentName.toHtmlEscaped(), d.answer.toHtmlEscaped());
        if (d.confidence)
            line += tr(" (%1% sure)").arg(qRound(*d.confidence * 100));
        if (!d.reasons.isEmpty())
            line += QStringLiteral(": ") + d.reasons.mid(0, 2).join(QStringLiteral("; ")).toHtmlEscaped();
        lines << line;
    }
    if (!o.verdictWinner.isEmpty())
        lines << tr("Verdict: %1").arg(o.verdictWinner.toHtmlEscaped());
    if (!o.ranking.isEmpty()) {
        QStringList ranks;
        for (auto it = o.ranking.constBegin(); it != o.ranking.constEnd(); ++it)
            ranks << QStringLiteral("%1 %2").arg(it.key().toHtmlEscaped()).arg(it.value().toDouble());
        lines << tr("Ranking (Borda points): %1").arg(ranks.join(QStringLiteral(", ")));
    }
    lines << costText(o);
    m_resultDetails->setText(lines.join(QStringLiteral("<br>")));
    m_resultSynthesis->setVisible(!o.synthesis.isEmpty());
    if (!o.synthesis.isEmpty())
        m_resultSynthesis->setText(
            (o.synthesisBy.isEmpty() ? QString() : tr("*Synthesis by %1:*").arg(o.synthesisBy) + QStringLiteral("\n\n")) + o.synthesis);
}

QString DebateView::resultText() const
{
    if (!m_result->isVisible() && !(m_session && m_session->outcome()))
        return {};
    return QStringList { m_resultAnswer->text(), QTextDocumentFragment::fromHtml(m_resultScore->text()).toPlainText(),
        QTextDocumentFragment::fromHtml(m_resultDetails->text()).toPlainText() }
        .join(u'\n');
}

void DebateView::togglePause()
{
    if (!m_session || !m_session->isLive())
        return;
    if (m_session->phase() == Phase::Paused) {
        m_session->engine()->resume();
        return;
    }
    m_session->engine()->pause();
    if (m_session->phase() != Phase::Paused) { // takes effect after the turn in flight
        m_pauseButton->setText(tr("Pausing…"));
        m_pauseButton->setEnabled(false);
        m_pauseButton->setToolTip(tr("The debate pauses when the turn in progress has finished."));
    }
}

void DebateView::stopDebate()
{
    if (m_session && m_session->isLive())
        m_session->engine()->stop();
}

void DebateView::showInterject()
{
    m_interjectRow->show();
    m_interjectInput->setFocus();
}

void DebateView::sendInterjection()
{
    const QString text = m_interjectInput->text().trimmed();
    if (text.isEmpty() || !m_session || !m_session->isLive())
        return;
    m_session->engine()->interject(text);
    m_interjectInput->clear();
    m_interjectRow->hide();
}

} // namespace rt::ui
