#include "metricspage.h"

#include "common/futurecallback.h"
#include "llm/endpointpool.h"
#include "llm/modelinfo.h"
#include "metrics/health.h"
#include "metrics/metricnames.h"
#include "metrics/metricsregistry.h"
#include "server/metricsservice.h"
#include "theme.h"

#include <QButtonGroup>
#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QFontMetrics>
#include <QFrame>
#include <QGraphicsLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QSet>
#include <QTableWidget>
#include <QTextDocumentFragment>
#include <QTime>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

namespace rt::ui {

using rt::metrics::Chart;
using rt::metrics::ChartSeries;
using rt::metrics::HealthStatus;

namespace {

constexpr int MinRefreshMs = 500; // at most two redraws a second
constexpr int ProbeIntervalMs = 15'000;
constexpr int StoredReloadMs = 60'000; // samples are stored once a minute
constexpr int MaxPointsPerLine = 720; // more than a chart's width in pixels

// Distinct on light surfaces; lightened for dark ones (Theme::readableOn).
const QColor kLinePalette[] = {
    QColor(0x25, 0x63, 0xeb),
    QColor(0xea, 0x58, 0x0c),
    QColor(0x16, 0xa3, 0x4a),
    QColor(0x93, 0x33, 0xea),
    QColor(0x08, 0x91, 0xb2),
    QColor(0xdb, 0x27, 0x77),
    QColor(0xca, 0x8a, 0x04),
    QColor(0x4f, 0x46, 0xe5),
    QColor(0xdc, 0x26, 0x26),
    QColor(0x0d, 0x94, 0x88),
};
constexpr int kPaletteSize = int(std::size(kLinePalette));

// The same label prefers the same colour in every run.
int preferredSlot(const QString &key)
{
    quint32 hash = 2166136261u; // FNV-1a over the UTF-16 code units
    for (const QChar c : key) {
        hash ^= c.unicode();
        hash *= 16777619u;
    }
    return int(hash % quint32(kPaletteSize));
}

QColor statusColour(HealthStatus status)
{
    switch (status) {
    case HealthStatus::Healthy:
        return Theme::Online;
    case HealthStatus::Degraded:
        return Theme::Pending;
    case HealthStatus::Down:
        return Theme::Offline;
    }
    return Theme::MutedText;
}

QString statusWord(HealthStatus status)
{
    switch (status) {
    case HealthStatus::Healthy:
        return MetricsPage::tr("Healthy");
    case HealthStatus::Degraded:
        return MetricsPage::tr("Degraded");
    case HealthStatus::Down:
        return MetricsPage::tr("Down");
    }
    return {};
}

QString dot(const QColor &colour)
{
    return QStringLiteral("<span style='color:%1'>●</span>").arg(Theme::css(colour));
}

// Means over equal slices of time, so an hour at 1 s stays cheap to draw.
QList<QPointF> thinned(const QList<QPointF> &points, int maxPoints)
{
    if (points.size() <= maxPoints)
        return points;
    const double from = points.constFirst().x();
    const double span = points.constLast().x() - from;
    if (span <= 0)
        return points.mid(points.size() - maxPoints);
    const double width = span / maxPoints;
    QList<QPointF> out;
    out.reserve(maxPoints + 1);
    double sumX = 0;
    double sumY = 0;
    int n = 0;
    int bucket = 0;
    for (const QPointF &p : points) {
        const int b = qMin(maxPoints - 1, int((p.x() - from) / width));
        if (b != bucket && n > 0) {
            out.append(QPointF(sumX / n, sumY / n));
            sumX = sumY = 0;
            n = 0;
        }
        bucket = b;
        sumX += p.x();
        sumY += p.y();
        ++n;
    }
    if (n > 0)
        out.append(QPointF(sumX / n, sumY / n));
    return out;
}

// 1, 2, 2.5 or 5 times a power of ten, at least `raw`.
double niceStep(double raw)
{
    if (raw <= 0)
        return 1;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double f = raw / magnitude;
    const double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
    return nice * magnitude;
}

QString unloadsText(const QDateTime &expiresAt)
{
    if (!expiresAt.isValid())
        return MetricsPage::tr("kept loaded");
    const qint64 seconds = QDateTime::currentDateTimeUtc().secsTo(expiresAt);
    if (seconds <= 0)
        return MetricsPage::tr("unloading now");
    if (seconds < 60)
        return MetricsPage::tr("in under a minute");
    return MetricsPage::tr("in %n min", nullptr, int((seconds + 59) / 60));
}

} // namespace

// A line as drawn: its legend label, the key of its colour, its style.
struct MetricsPage::Line {
    QString label;
    QString colourKey;
    bool dashed = false;
    QList<QPointF> points;
};

// One chart in its card: the sampler's charts it draws, the axes, the lines
// by label and the words shown instead when there is nothing to draw.
struct MetricsPage::Card {
    QList<Chart> charts; // what it can draw (the tokens card: per model or per agent)
    QFrame *frame = nullptr;
    QHBoxLayout *titleRow = nullptr;
    QChartView *view = nullptr;
    QChart *chart = nullptr;
    QDateTimeAxis *x = nullptr;
    QValueAxis *y = nullptr;
    QLabel *empty = nullptr;
    QString valueFormat; // "%1 s": the value's unit around the number
    bool integral = false; // counts: whole steps
    bool requestDriven = true; // says "No requests yet" before the first request
    QHash<QString, QLineSeries *> lines;
};

MetricsPage::MetricsPage(rt::server::MetricsService *metrics, rt::llm::EndpointPool *pool, QWidget *parent)
    : QWidget(parent)
    , m_sampler(metrics->sampler())
    , m_pool(pool)
{
    setObjectName(QStringLiteral("metricsPage"));
    m_refreshTimer.setSingleShot(true);
    connect(&m_refreshTimer, &QTimer::timeout, this, &MetricsPage::refresh);
    connect(&m_probeTimer, &QTimer::timeout, this, [this] { m_pool->probeNow(); });
    connect(&m_storedTimer, &QTimer::timeout, this, &MetricsPage::loadStoredCharts);
    m_windowSeconds = rt::metrics::HealthThresholds::fromSettings().windowSeconds;

    auto *content = new QWidget;
    content->setObjectName(QStringLiteral("metricsContent"));
    Theme::style(content, QStringLiteral("QWidget#metricsContent { background: {ChatBackground}; }"));
    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("metricsScroll"));
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setWidget(content);
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);

    // Header: title, overall health in words, range.
    auto *title = new QLabel(tr("Metrics"), content);
    title->setFont(Theme::scaledFont(font(), 1.5, true));
    m_healthBadge = new QFrame(content);
    m_healthBadge->setObjectName(QStringLiteral("healthBadge"));
    Theme::style(
        m_healthBadge, QStringLiteral("QFrame#healthBadge { background: {Surface}; border: 1px solid {Border}; border-radius: 14px; }"));
    m_healthDot = new QLabel(m_healthBadge);
    m_healthStatus = new QLabel(m_healthBadge);
    m_healthStatus->setObjectName(QStringLiteral("healthStatus"));
    m_healthStatus->setFont(Theme::scaledFont(font(), 1.0, true));
    m_healthSummary = new QLabel(m_healthBadge);
    m_healthSummary->setObjectName(QStringLiteral("healthSummary"));
    m_healthSummary->setWordWrap(true);
    m_healthSummary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    Theme::style(m_healthSummary, QStringLiteral("color: {MutedText};"));
    auto *badge = new QHBoxLayout(m_healthBadge);
    badge->setContentsMargins(12, 4, 14, 4);
    badge->setSpacing(6);
    badge->addWidget(m_healthDot);
    badge->addWidget(m_healthStatus);
    badge->addWidget(m_healthSummary, 1);

    auto *rangeBox = new QWidget(content);
    rangeBox->setObjectName(QStringLiteral("metricsRange"));
    rangeBox->setAccessibleName(tr("Time range"));
    m_rangeButtons = new QButtonGroup(this);
    auto *rangeLayout = new QHBoxLayout(rangeBox);
    rangeLayout->setContentsMargins(0, 0, 0, 0);
    rangeLayout->setSpacing(0);
    const std::pair<Range, QString> ranges[] = {
        { Range::FiveMinutes, tr("5 min") },
        { Range::Hour, tr("1 h") },
        { Range::Day, tr("24 h") },
    };
    for (const auto &[range, text] : ranges) {
        auto *button = new QPushButton(text, rangeBox);
        button->setObjectName(QStringLiteral("range%1").arg(int(range)));
        button->setCheckable(true);
        button->setChecked(range == m_range);
        button->setToolTip(
            range == Range::Day ? tr("The last 24 hours, from the samples saved every minute") : tr("Live, one point a second"));
        m_rangeButtons->addButton(button, int(range));
        rangeLayout->addWidget(button);
    }
    const QString segmented
        = QStringLiteral("QPushButton { border-radius: 0; padding: 4px 12px; margin-left: -1px; }"
                         "QPushButton:checked { background: {Accent}; color: {AccentText}; border-color: {Accent}; }"
                         "QPushButton#range0 { border-top-left-radius: 6px; border-bottom-left-radius: 6px; margin-left: 0; }"
                         "QPushButton#range2 { border-top-right-radius: 6px; border-bottom-right-radius: 6px; }");
    Theme::style(rangeBox, segmented);
    connect(m_rangeButtons, &QButtonGroup::idClicked, this, [this](int id) { setRange(Range(id)); });

    auto *header = new QHBoxLayout;
    header->setSpacing(14);
    header->addWidget(title);
    header->addWidget(m_healthBadge, 1);
    header->addWidget(rangeBox, 0, Qt::AlignVCenter);

    // One badge per host, with its reasons in words.
    m_hostsBox = new QWidget(content);
    m_hostsBox->setObjectName(QStringLiteral("hostHealthBox"));
    m_hostsLayout = new QGridLayout(m_hostsBox);
    m_hostsLayout->setContentsMargins(0, 0, 0, 0);
    m_hostsLayout->setHorizontalSpacing(10);
    m_hostsLayout->setVerticalSpacing(8);

    // The charts, three by two, the loaded models last.
    auto *grid = new QGridLayout;
    grid->setHorizontalSpacing(12);
    grid->setVerticalSpacing(12);
    Card *tokens = addCard(Chart::TokensPerSecond, tr("Tokens per second"), QStringLiteral("%1"), content);
    tokens->charts.append(Chart::AgentTokensPerSecond);
    {
        // Per model or per agent, in the card's title row.
        auto *toggle = new QWidget(tokens->frame);
        toggle->setObjectName(QStringLiteral("tokensBy"));
        toggle->setAccessibleName(tr("Tokens per second of"));
        auto *row = new QHBoxLayout(toggle);
        row->setContentsMargins(0, 0, 0, 0);
        row->setSpacing(0);
        m_tokensButtons = new QButtonGroup(this);
        const std::pair<TokensBy, QString> kinds[] = { { TokensBy::Model, tr("Models") }, { TokensBy::Agent, tr("Agents") } };
        for (const auto &[by, text] : kinds) {
            auto *button = new QPushButton(text, toggle);
            button->setObjectName(by == TokensBy::Model ? QStringLiteral("range0") : QStringLiteral("range2"));
            button->setCheckable(true);
            button->setChecked(by == m_tokensBy);
            button->setToolTip(by == TokensBy::Model ? tr("One line per model") : tr("One line per debate agent"));
            m_tokensButtons->addButton(button, int(by));
            row->addWidget(button);
        }
        Theme::style(toggle, segmented + QStringLiteral("QPushButton { padding: 1px 8px; }"));
        tokens->titleRow->addWidget(toggle);
        connect(m_tokensButtons, &QButtonGroup::idClicked, this, [this](int id) { setTokensBy(TokensBy(id)); });
    }
    Card *latency = addCard(Chart::Latency, tr("Response time"), tr("%1 s"), content);
    latency->view->setToolTip(tr("Whole replies (p50, p95) and the wait for their first token (p50), over the last 30 seconds"));
    Card *errors = addCard(Chart::ErrorRate,
        m_windowSeconds == 60 ? tr("Failed requests (last minute)") : tr("Failed requests (last %n s)", nullptr, m_windowSeconds),
        QStringLiteral("%1%"), content);
    Card *streams = addCard(Chart::ActiveStreams, tr("Streams and queue per host"), QStringLiteral("%1"), content);
    streams->charts.append(Chart::QueuedRequests);
    streams->integral = true;
    Card *viewers = addCard(Chart::Viewers, tr("Viewers"), QStringLiteral("%1"), content);
    viewers->integral = true;
    viewers->requestDriven = false;
    viewers->view->setToolTip(tr("People following a debate through Roundtable's local server"));
    grid->addWidget(tokens->frame, 0, 0);
    grid->addWidget(latency->frame, 0, 1);
    grid->addWidget(errors->frame, 0, 2);
    grid->addWidget(streams->frame, 1, 0);
    grid->addWidget(viewers->frame, 1, 1);

    // What is loaded on each host, with its memory.
    auto *loadedCard = new QFrame(content);
    loadedCard->setObjectName(QStringLiteral("metricsCard"));
    Theme::style(
        loadedCard, QStringLiteral("QFrame#metricsCard { background: {Surface}; border: 1px solid {Border}; border-radius: 8px; }"));
    auto *loadedTitle = new QLabel(tr("Loaded models"), loadedCard);
    loadedTitle->setFont(Theme::scaledFont(font(), 0.95, true));
    m_loaded = new QTableWidget(0, 5, loadedCard);
    m_loaded->setObjectName(QStringLiteral("loadedModels"));
    m_loaded->setAccessibleName(tr("Loaded models"));
    m_loaded->setHorizontalHeaderLabels({ tr("Model"), tr("Host"), tr("Size"), tr("VRAM"), tr("Unloads") });
    m_loaded->setFont(Theme::scaledFont(font(), 0.9));
    m_loaded->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Ignored);
    m_loaded->setMinimumHeight(80);
    m_loaded->horizontalHeader()->setFont(Theme::scaledFont(font(), 0.85));
    m_loaded->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_loaded->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_loaded->setSelectionMode(QAbstractItemView::SingleSelection);
    m_loaded->setShowGrid(false);
    m_loaded->setWordWrap(false);
    m_loaded->setFrameShape(QFrame::NoFrame);
    m_loaded->verticalHeader()->hide();
    m_loaded->verticalHeader()->setDefaultSectionSize(26);
    m_loaded->horizontalHeader()->setHighlightSections(false);
    m_loaded->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_loaded->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_loaded->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_loaded->horizontalHeader()->setMinimumSectionSize(40);
    Theme::style(m_loaded,
        QStringLiteral("QTableWidget { background: {Surface}; border: none; }"
                       "QHeaderView::section { background: {Surface}; color: {MutedText}; border: none; border-bottom: 1px solid {Border};"
                       " padding: 3px 4px; } QTableWidget::item { padding: 0 2px; }"));
    m_loadedEmpty
        = new QLabel(tr("No model is loaded. A model loads with its first request and unloads when its keep-alive ends."), loadedCard);
    m_loadedEmpty->setObjectName(QStringLiteral("loadedModelsEmpty"));
    m_loadedEmpty->setWordWrap(true);
    m_loadedEmpty->setAlignment(Qt::AlignCenter);
    Theme::style(m_loadedEmpty, QStringLiteral("color: {MutedText};"));
    auto *loadedLayout = new QVBoxLayout(loadedCard);
    loadedLayout->setContentsMargins(12, 10, 12, 10);
    loadedLayout->setSpacing(6);
    loadedLayout->addWidget(loadedTitle);
    loadedLayout->addWidget(m_loaded, 1);
    loadedLayout->addWidget(m_loadedEmpty, 1);
    grid->addWidget(loadedCard, 1, 2);
    for (int i = 0; i < 3; ++i)
        grid->setColumnStretch(i, 1);
    grid->setRowStretch(0, 1);
    grid->setRowStretch(1, 1);

    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(24, 16, 24, 14);
    layout->setSpacing(10);
    layout->addLayout(header);
    layout->addWidget(m_hostsBox);
    layout->addLayout(grid, 1);

    connect(Theme::notifier(), &Theme::Notifier::modeChanged, this, [this] {
        recolour();
        refreshHealth(); // the dots and reasons colour themselves
    });
    connect(m_sampler, &rt::metrics::MetricsSampler::healthChanged, this, [this] {
        if (isVisible())
            refreshHealth();
    });
    connect(m_pool, &rt::llm::EndpointPool::hostRemoved, this, [this](const QString &host) {
        delete m_hostBadges.take(host);
        if (isVisible())
            scheduleRefresh();
    });
    refreshHealth();
    refreshLoaded();
}

MetricsPage::~MetricsPage() = default;

MetricsPage::Card *MetricsPage::addCard(Chart chart, const QString &title, const QString &valueFormat, QWidget *parent)
{
    auto card = std::make_unique<Card>();
    card->charts = { chart };
    card->valueFormat = valueFormat;
    card->frame = new QFrame(parent);
    card->frame->setObjectName(QStringLiteral("metricsCard"));
    Theme::style(
        card->frame, QStringLiteral("QFrame#metricsCard { background: {Surface}; border: 1px solid {Border}; border-radius: 8px; }"));
    auto *label = new QLabel(title, card->frame);
    label->setObjectName(QStringLiteral("cardTitle"));
    label->setFont(Theme::scaledFont(font(), 0.95, true));
    label->setMinimumHeight(24); // as tall as the tokens card's toggle, so the charts line up

    card->view = new QChartView(card->frame);
    card->view->setObjectName(QStringLiteral("chart_%1").arg(rt::metrics::chartName(chart)));
    card->view->setAccessibleName(title);
    card->view->setRenderHint(QPainter::Antialiasing);
    card->view->setFrameShape(QFrame::NoFrame);
    card->view->setMinimumHeight(120);
    // Grows with the window, never asks for more: the page fits without scrolling when it can.
    card->view->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Ignored);
    card->view->setStyleSheet(QStringLiteral("background: transparent;"));
    // The chart the view made itself: setChart() would release (and leak) it.
    card->chart = card->view->chart();
    card->chart->setBackgroundVisible(false);
    card->chart->setPlotAreaBackgroundVisible(false);
    card->chart->setMargins(QMargins(0, 0, 0, 0));
    card->chart->layout()->setContentsMargins(0, 0, 0, 0);
    card->chart->legend()->setAlignment(Qt::AlignBottom);
    card->chart->legend()->setFont(Theme::scaledFont(font(), 0.8));
    card->x = new QDateTimeAxis(card->chart);
    card->y = new QValueAxis(card->chart);
    for (QAbstractAxis *axis : { static_cast<QAbstractAxis *>(card->x), static_cast<QAbstractAxis *>(card->y) })
        axis->setLabelsFont(Theme::scaledFont(font(), 0.75));
    card->chart->addAxis(card->x, Qt::AlignBottom);
    card->chart->addAxis(card->y, Qt::AlignLeft);

    card->empty = new QLabel(card->frame);
    card->empty->setObjectName(QStringLiteral("chartEmpty"));
    card->empty->setAlignment(Qt::AlignCenter);
    card->empty->setWordWrap(true);
    card->empty->setAttribute(Qt::WA_TransparentForMouseEvents);
    Theme::style(card->empty, QStringLiteral("color: {MutedText}; background: transparent; padding: 0 24px 24px 24px;"));
    card->empty->hide();

    auto *titleRow = new QHBoxLayout;
    titleRow->setSpacing(8);
    titleRow->addWidget(label, 1);
    card->titleRow = titleRow;
    auto *body = new QGridLayout;
    body->setContentsMargins(0, 0, 0, 0);
    body->addWidget(card->view, 0, 0);
    body->addWidget(card->empty, 0, 0); // over the chart: its empty axes stay
    auto *layout = new QVBoxLayout(card->frame);
    layout->setContentsMargins(12, 10, 12, 6);
    layout->setSpacing(2);
    layout->addLayout(titleRow);
    layout->addLayout(body, 1);

    Card *raw = card.get();
    m_cards.push_back(std::move(card));
    recolour();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    setTimeAxis(*raw, now - rangeMs(), now);
    raw->y->setRange(0, 1);
    return raw;
}

MetricsPage::Card *MetricsPage::cardOf(Chart chart) const
{
    for (const auto &card : m_cards) {
        if (card->charts.contains(chart))
            return card.get();
    }
    return nullptr;
}

qint64 MetricsPage::rangeMs() const
{
    switch (m_range) {
    case Range::FiveMinutes:
        return 5 * 60'000;
    case Range::Hour:
        return 3600'000;
    case Range::Day:
        return 24 * 3600'000;
    }
    return 5 * 60'000;
}

void MetricsPage::setRange(Range range)
{
    if (QAbstractButton *button = m_rangeButtons->button(int(range)))
        button->setChecked(true);
    if (range == m_range)
        return;
    m_range = range;
    m_stored.clear();
    m_storedLoaded = false;
    m_storedError.clear();
    ++m_storedGeneration; // answers for another range are dropped
    m_pendingReads = 0;
    if (!isVisible())
        return;
    if (m_range == Range::Day) {
        loadStoredCharts();
        m_storedTimer.start(StoredReloadMs);
    } else {
        m_storedTimer.stop();
    }
    refresh();
}

void MetricsPage::setTokensBy(TokensBy by)
{
    if (QAbstractButton *button = m_tokensButtons->button(int(by)))
        button->setChecked(true);
    if (by == m_tokensBy)
        return;
    m_tokensBy = by;
    if (isVisible())
        refresh();
}

void MetricsPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (!m_sampledConnection)
        m_sampledConnection = connect(m_sampler, &rt::metrics::MetricsSampler::sampled, this, &MetricsPage::scheduleRefresh);
    // What is loaded and how each host is doing: the window probes no host on its own.
    m_pool->probeNow();
    m_probeTimer.start(ProbeIntervalMs);
    if (m_range == Range::Day) {
        loadStoredCharts();
        m_storedTimer.start(StoredReloadMs);
    }
    refresh();
}

void MetricsPage::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    if (isVisible())
        scheduleRefresh(); // as many time labels as the new width holds
}

void MetricsPage::hideEvent(QHideEvent *event)
{
    disconnect(m_sampledConnection);
    m_sampledConnection = {};
    m_refreshTimer.stop();
    m_probeTimer.stop();
    m_storedTimer.stop();
    QWidget::hideEvent(event);
}

void MetricsPage::scheduleRefresh()
{
    if (m_refreshTimer.isActive())
        return;
    const qint64 since = m_sinceRefresh.isValid() ? m_sinceRefresh.elapsed() : MinRefreshMs;
    m_refreshTimer.start(int(qMax<qint64>(0, MinRefreshMs - since)));
}

void MetricsPage::refresh()
{
    m_refreshTimer.stop();
    m_sinceRefresh.start();
    refreshHealth();
    refreshLoaded();
    if (m_range == Range::Day) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (const auto &card : m_cards) {
            if (!m_storedLoaded)
                showMessage(*card, tr("Loading…"), now - rangeMs(), now);
            else if (!m_storedError.isEmpty())
                showMessage(*card, tr("Could not read the stored samples: %1").arg(m_storedError), now - rangeMs(), now);
            else {
                const QList<Line> lines = linesOf(*card, m_stored);
                const bool any = std::any_of(lines.cbegin(), lines.cend(), [](const Line &l) { return !l.points.isEmpty(); });
                if (any)
                    showLines(*card, lines, now - rangeMs(), now);
                else
                    showMessage(*card,
                        tr("Nothing stored for the last 24 hours yet. Samples are saved once a minute while Roundtable runs."),
                        now - rangeMs(), now);
            }
        }
    } else {
        refreshLiveCharts();
    }
    ++m_refreshes;
}

void MetricsPage::refreshLiveCharts()
{
    const qint64 last = m_sampler->lastSampleMs();
    const qint64 now = last > 0 ? last : QDateTime::currentMSecsSinceEpoch();
    const qint64 from = now - rangeMs();
    // Chats and debate turns; the hosts' probes and model lists count as requests too, but say nothing here.
    const auto &registry = m_sampler->registry();
    const QString kind = QStringLiteral("kind");
    const bool anyRequest = registry->sum(rt::metrics::name::Requests, { { kind, QStringLiteral("chat") } })
            + registry->sum(rt::metrics::name::Requests, { { kind, QStringLiteral("generate") } })
        > 0;
    QHash<Chart, QList<ChartSeries>> data;
    for (const auto &card : m_cards) {
        for (Chart chart : std::as_const(card->charts))
            data.insert(chart, m_sampler->chart(chart, from));
    }
    for (const auto &card : m_cards) {
        if (card->requestDriven && !anyRequest) {
            showMessage(*card, tr("No requests yet: start a chat or a debate"), from, now);
            continue;
        }
        const QList<Line> lines = linesOf(*card, data);
        const bool any = std::any_of(lines.cbegin(), lines.cend(), [](const Line &l) { return !l.points.isEmpty(); });
        if (any) {
            showLines(*card, lines, from, now);
            continue;
        }
        QString text = m_range == Range::FiveMinutes ? tr("Nothing in the last 5 minutes") : tr("Nothing in the last hour");
        if (card->charts.contains(Chart::AgentTokensPerSecond) && m_tokensBy == TokensBy::Agent && lines.isEmpty())
            text = tr("No debate turns yet: tokens per agent come from debates");
        else if (card->charts.contains(Chart::Latency) && lines.isEmpty())
            text = tr("No reply has finished yet");
        else if (!card->requestDriven && lines.isEmpty())
            text = tr("No samples yet");
        showMessage(*card, text, from, now);
    }
}

void MetricsPage::loadStoredCharts()
{
    const quint64 generation = ++m_storedGeneration;
    const QDateTime to = QDateTime::currentDateTimeUtc();
    const QDateTime from = to.addMSecs(-rangeMs());
    m_storedError.clear();
    QList<Chart> charts;
    for (const auto &card : m_cards)
        charts += card->charts;
    m_pendingReads = int(charts.size());
    for (Chart chart : std::as_const(charts)) {
        rt::whenReady(
            m_sampler->storedChart(chart, from, to), this, [this, generation, chart](const rt::Result<QList<ChartSeries>> &lines) {
                if (generation != m_storedGeneration)
                    return; // another range or a newer read
                if (lines.ok())
                    m_stored.insert(chart, *lines);
                else
                    m_storedError = lines.error().message;
                if (--m_pendingReads > 0)
                    return;
                m_storedLoaded = true;
                if (isVisible())
                    refresh();
            });
    }
    if (isVisible())
        refresh(); // "Loading…" until the lines are in
}

QList<MetricsPage::Line> MetricsPage::linesOf(const Card &card, const QHash<Chart, QList<ChartSeries>> &data) const
{
    QList<Line> out;
    for (Chart chart : card.charts) {
        if (chart == Chart::TokensPerSecond && m_tokensBy != TokensBy::Model)
            continue;
        if (chart == Chart::AgentTokensPerSecond && m_tokensBy != TokensBy::Agent)
            continue;
        for (const ChartSeries &s : data.value(chart)) {
            Line line { s.label, s.label, false, thinned(s.points, MaxPointsPerLine) };
            if (chart == Chart::ActiveStreams)
                line.label = tr("%1 streams").arg(s.label);
            else if (chart == Chart::QueuedRequests) {
                line.label = tr("%1 queued").arg(s.label);
                line.colourKey = s.label + QStringLiteral(" queued");
                line.dashed = true;
            } else if (chart == Chart::Viewers)
                line.label = tr("viewers");
            out.append(std::move(line));
        }
    }
    return out;
}

void MetricsPage::showLines(Card &card, const QList<Line> &lines, qint64 fromMs, qint64 toMs)
{
    card.empty->hide();
    QSet<QString> shown;
    double top = 0;
    for (const Line &line : lines) {
        shown.insert(line.label);
        QLineSeries *series = card.lines.value(line.label);
        if (!series) {
            series = new QLineSeries(card.chart);
            series->setName(line.label);
            card.chart->addSeries(series);
            series->attachAxis(card.x);
            series->attachAxis(card.y);
            card.lines.insert(line.label, series);
        }
        QPen pen(colourOf(line.colourKey), 2);
        pen.setCosmetic(true);
        if (line.dashed)
            pen.setStyle(Qt::DashLine);
        series->setPen(pen);
        series->setPointsVisible(line.points.size() == 1); // one point draws no line
        series->setProperty("colourKey", line.colourKey);
        series->replace(line.points);
        for (const QPointF &p : line.points)
            top = qMax(top, p.y());
    }
    for (auto it = card.lines.begin(); it != card.lines.end();) {
        if (shown.contains(it.key())) {
            ++it;
            continue;
        }
        card.chart->removeSeries(it.value());
        delete it.value();
        it = card.lines.erase(it);
    }
    setTimeAxis(card, fromMs, toMs);
    card.y->setLabelsVisible(true);
    card.y->setGridLineVisible(true);
    card.x->setGridLineVisible(true);
    // Zero at the bottom, a round number at the top, four steps.
    const double step = card.integral ? qMax(1.0, std::ceil(niceStep(top * 1.1 / 4))) : niceStep(qMax(top * 1.1, 0.4) / 4);
    const int steps = qMax(1, int(std::ceil(qMax(top, 1e-9) * 1.05 / step)));
    card.y->setRange(0, step * steps);
    card.y->setTickCount(steps + 1);
    const int decimals = step >= 1 ? 0 : step >= 0.1 ? 1 : 2;
    QString format = card.valueFormat;
    format.replace(QStringLiteral("%"), QStringLiteral("%%")).replace(QStringLiteral("%%1"), QStringLiteral("%.%1f").arg(decimals));
    card.y->setLabelFormat(format);
}

void MetricsPage::showMessage(Card &card, const QString &text, qint64 fromMs, qint64 toMs)
{
    for (QLineSeries *series : std::as_const(card.lines)) {
        card.chart->removeSeries(series);
        delete series;
    }
    card.lines.clear();
    setTimeAxis(card, fromMs, toMs);
    // The time axis stays; no values, no grid under the words.
    card.y->setRange(0, 1);
    card.y->setTickCount(2);
    card.y->setLabelsVisible(false);
    card.y->setGridLineVisible(false);
    card.x->setGridLineVisible(false);
    card.empty->setText(text);
    card.empty->show();
    card.empty->raise();
}

void MetricsPage::setTimeAxis(Card &card, qint64 fromMs, qint64 toMs)
{
    card.x->setRange(QDateTime::fromMSecsSinceEpoch(fromMs), QDateTime::fromMSecsSinceEpoch(toMs));
    // The locale's time, with seconds only where they tell something; as
    // many labels as fit the width.
    const QString time = QLocale().timeFormat(QLocale::ShortFormat).remove(QStringLiteral(":ss"));
    const QString format = m_range == Range::FiveMinutes ? QString(time).replace(QStringLiteral("mm"), QStringLiteral("mm:ss")) : time;
    const int labelWidth = QFontMetrics(card.x->labelsFont()).horizontalAdvance(QLocale().toString(QTime(23, 59, 59), format)) + 24;
    const int plotWidth = qMax(100, card.view->width() - 50);
    if (card.x->format() != format)
        card.x->setFormat(format);
    card.x->setTickCount(qBound(2, plotWidth / labelWidth + 1, 7));
}

void MetricsPage::refreshHealth()
{
    const rt::metrics::HealthReport report = m_sampler->health();
    if (report.hosts.isEmpty() && !m_pool->hostNames().isEmpty()) {
        // Sampled before the pool was attached: nothing is known yet.
        m_healthDot->setText(dot(Theme::MutedText));
        m_healthStatus->setText(tr("Checking"));
        m_healthSummary->setText(tr("Checking the Ollama hosts…"));
    } else {
        m_healthDot->setText(dot(statusColour(report.status)));
        m_healthStatus->setText(statusWord(report.status));
        m_healthSummary->setText(report.summary);
    }
    m_healthBadge->setToolTip(tr("%n request(s) since start, %1 failed; %2 streaming now", nullptr, int(report.requests))
                                  .arg(QLocale().toString(report.failures, 'f', 0), QLocale().toString(report.connections, 'f', 0)));

    // A badge per host, in the pool's order; rebuilt only when the hosts change.
    QStringList hosts;
    for (const rt::metrics::HostHealth &h : report.hosts)
        hosts.append(h.host);
    if (hosts.isEmpty()) {
        for (const QString &host : m_pool->hostNames())
            hosts.append(host); // not sampled yet
    }
    bool relayout = hosts.size() != m_hostBadges.size();
    for (const QString &host : std::as_const(hosts)) {
        if (m_hostBadges.contains(host))
            continue;
        relayout = true;
        auto *badge = new QFrame(m_hostsBox);
        badge->setObjectName(QStringLiteral("hostHealth"));
        badge->setProperty("host", host);
        Theme::style(badge, QStringLiteral("QFrame#hostHealth { background: {Surface}; border: 1px solid {Border}; border-radius: 8px; }"));
        auto *title = new QLabel(badge);
        title->setObjectName(QStringLiteral("hostHealthTitle"));
        auto *detail = new QLabel(badge);
        detail->setObjectName(QStringLiteral("hostHealthDetail"));
        detail->setWordWrap(true);
        detail->setFont(Theme::scaledFont(font(), 0.88));
        Theme::style(detail, QStringLiteral("color: {MutedText};"));
        auto *reasons = new QLabel(badge);
        reasons->setObjectName(QStringLiteral("hostHealthReasons"));
        reasons->setWordWrap(true);
        reasons->setTextInteractionFlags(Qt::TextSelectableByMouse);
        auto *layout = new QVBoxLayout(badge);
        layout->setContentsMargins(12, 8, 12, 8);
        layout->setSpacing(2);
        layout->addWidget(title);
        layout->addWidget(detail);
        layout->addWidget(reasons);
        m_hostBadges.insert(host, badge);
    }
    for (auto it = m_hostBadges.begin(); it != m_hostBadges.end();) {
        if (hosts.contains(it.key())) {
            ++it;
            continue;
        }
        delete it.value();
        it = m_hostBadges.erase(it);
        relayout = true;
    }
    if (relayout) {
        for (QFrame *badge : std::as_const(m_hostBadges))
            m_hostsLayout->removeWidget(badge);
        const int columns = qBound(1, int(hosts.size()), 3);
        for (int i = 0; i < hosts.size(); ++i)
            m_hostsLayout->addWidget(m_hostBadges.value(hosts.at(i)), i / columns, i % columns);
        for (int c = 0; c < 3; ++c)
            m_hostsLayout->setColumnStretch(c, c < columns ? 1 : 0);
    }

    for (const QString &host : std::as_const(hosts)) {
        QFrame *badge = m_hostBadges.value(host);
        auto *title = badge->findChild<QLabel *>(QStringLiteral("hostHealthTitle"));
        auto *detail = badge->findChild<QLabel *>(QStringLiteral("hostHealthDetail"));
        auto *reasons = badge->findChild<QLabel *>(QStringLiteral("hostHealthReasons"));
        const auto found = std::find_if(report.hosts.cbegin(), report.hosts.cend(), [&](const auto &h) { return h.host == host; });
        if (found == report.hosts.cend()) {
            title->setText(QStringLiteral("%1 <b>%2</b>").arg(dot(Theme::MutedText), host.toHtmlEscaped()));
            detail->setText(tr("Not sampled yet"));
            detail->show();
            reasons->hide();
            continue;
        }
        const rt::metrics::HostHealth &h = *found;
        title->setText(tr("%1 <b>%2</b> · %3").arg(dot(statusColour(h.status)), host.toHtmlEscaped(), statusWord(h.status)));
        QStringList facts;
        if (!h.version.isEmpty())
            facts << tr("Ollama %1").arg(h.version);
        if (h.up) {
            const QString window
                = m_windowSeconds == 60 ? tr("in the last minute") : tr("in the last %n second(s)", nullptr, m_windowSeconds);
            facts << tr("%n request(s), %1 failed %2", nullptr, int(h.requests)).arg(QLocale().toString(int(h.failures)), window);
            if (h.firstTokenP95Seconds >= 0)
                facts << tr("first token p95 %1 s").arg(QLocale().toString(h.firstTokenP95Seconds, 'f', 1));
        }
        if (!h.up) {
            // What the pool last heard from it, in its words.
            const QString error = m_pool->hasHost(host) ? m_pool->status(host).lastError.section(QLatin1Char('\n'), 0, 0) : QString();
            if (!error.isEmpty())
                facts << error;
        }
        detail->setText(facts.join(QStringLiteral(" · ")));
        detail->setVisible(!facts.isEmpty());
        QStringList words;
        const QString prefix = host + QStringLiteral(": ");
        for (const QString &reason : h.reasons)
            words << (reason.startsWith(prefix) ? reason.mid(prefix.size()) : reason);
        if (words.isEmpty() && h.status == HealthStatus::Healthy)
            words << tr("Answering normally.");
        reasons->setText(words.join(QLatin1Char('\n')));
        reasons->setStyleSheet(QStringLiteral("color: %1;")
                                   .arg(Theme::css(h.status == HealthStatus::Healthy ? Theme::Text
                                           : h.status == HealthStatus::Degraded      ? Theme::WarningText
                                                                                     : Theme::ErrorText)));
        reasons->show();
    }
}

void MetricsPage::refreshLoaded()
{
    QList<rt::metrics::LoadedModel> models = m_sampler->loadedModels();
    std::sort(
        models.begin(), models.end(), [](const auto &a, const auto &b) { return a.host != b.host ? a.host < b.host : a.model < b.model; });
    m_loaded->setRowCount(int(models.size()));
    auto set = [this](int row, int column, const QString &text, const QString &tip = {}) {
        QTableWidgetItem *item = m_loaded->item(row, column);
        if (!item) {
            item = new QTableWidgetItem;
            m_loaded->setItem(row, column, item);
        }
        if (item->text() != text)
            item->setText(text);
        item->setToolTip(tip);
    };
    for (int row = 0; row < models.size(); ++row) {
        const rt::metrics::LoadedModel &m = models.at(row);
        set(row, 0, m.model);
        set(row, 1, m.host);
        set(row, 2, rt::llm::formatBytes(qint64(m.bytes)));
        QString vram = rt::llm::formatBytes(qint64(m.vramBytes));
        if (m.bytes > 0 && m.vramBytes < m.bytes)
            vram = tr("%1 (%2% on CPU)").arg(vram, QLocale().toString(qRound((1.0 - m.vramBytes / m.bytes) * 100.0)));
        set(row, 3, vram);
        set(row, 4, unloadsText(m.expiresAt),
            m.expiresAt.isValid() ? tr("Unloads at %1").arg(QLocale().toString(m.expiresAt.toLocalTime(), QLocale::ShortFormat))
                                  : QString());
    }
    m_loaded->setColumnHidden(1, m_pool->hostNames().size() < 2); // one host: no need to say which
    m_loaded->setVisible(!models.isEmpty());
    m_loadedEmpty->setVisible(models.isEmpty());
}

QColor MetricsPage::colourOf(const QString &key)
{
    auto it = m_colourSlots.constFind(key);
    if (it == m_colourSlots.cend()) {
        // Its own colour while the palette lasts: the preferred one, else the next free.
        const int preferred = preferredSlot(key);
        int slot = preferred;
        if (m_colourSlots.size() < kPaletteSize) {
            const QList<int> taken = m_colourSlots.values();
            for (int i = 0; i < kPaletteSize; ++i) {
                slot = (preferred + i) % kPaletteSize;
                if (!taken.contains(slot))
                    break;
            }
        }
        it = m_colourSlots.insert(key, slot);
    }
    const QColor colour = kLinePalette[*it];
    return Theme::CurrentMode == Theme::Mode::Dark ? Theme::readableOn(colour) : colour;
}

void MetricsPage::recolour()
{
    for (const auto &card : m_cards) {
        card->chart->legend()->setLabelColor(Theme::Text);
        for (QAbstractAxis *axis : card->chart->axes()) {
            axis->setLabelsColor(Theme::MutedText);
            axis->setGridLineColor(Theme::Border);
            axis->setLinePenColor(Theme::Border);
        }
        for (QLineSeries *series : std::as_const(card->lines)) {
            QPen pen = series->pen();
            pen.setColor(colourOf(series->property("colourKey").toString()));
            series->setPen(pen);
        }
    }
}

QLineSeries *MetricsPage::series(Chart chart, const QString &label) const
{
    Card *card = cardOf(chart);
    if (!card)
        return nullptr;
    if ((chart == Chart::TokensPerSecond && m_tokensBy != TokensBy::Model)
        || (chart == Chart::AgentTokensPerSecond && m_tokensBy != TokensBy::Agent))
        return nullptr;
    return card->lines.value(label);
}

QStringList MetricsPage::seriesLabels(Chart chart) const
{
    Card *card = cardOf(chart);
    if (!card)
        return {};
    QStringList labels = card->lines.keys();
    labels.sort();
    return labels;
}

QString MetricsPage::emptyText(Chart chart) const
{
    Card *card = cardOf(chart);
    return card && !card->empty->isHidden() ? card->empty->text() : QString();
}

QString MetricsPage::healthText() const
{
    return QStringLiteral("%1 %2").arg(m_healthStatus->text(), m_healthSummary->text());
}

QString MetricsPage::hostHealthText(const QString &host) const
{
    QFrame *badge = m_hostBadges.value(host);
    if (!badge)
        return {};
    QStringList parts;
    for (const char *name : { "hostHealthTitle", "hostHealthDetail", "hostHealthReasons" }) {
        auto *label = badge->findChild<QLabel *>(QLatin1String(name));
        if (label && !label->isHidden())
            parts << (Qt::mightBeRichText(label->text()) ? QTextDocumentFragment::fromHtml(label->text()).toPlainText() : label->text());
    }
    return parts.join(QLatin1Char('\n'));
}

} // namespace rt::ui
