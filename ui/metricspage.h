#pragma once

#include "metrics/metricssampler.h"

#include <QElapsedTimer>
#include <QHash>
#include <QTimer>
#include <QWidget>
#include <memory>
#include <vector>

class QButtonGroup;
class QFrame;
class QGridLayout;
class QLabel;
class QLineSeries;
class QPushButton;
class QTableWidget;

namespace rt::llm {
class EndpointPool;
}

namespace rt::server {
class MetricsService;
}

namespace rt::ui {

// The dashboard: overall and per-host health in words, live charts (tokens
// per second per model or per agent, response time and time to first token,
// error rate, streams and queue per host, viewers) over 5 minutes or an hour
// from the sampler's ring buffers, or 24 hours from the stored samples, and
// the models loaded on each host with their memory.
//
// Only while shown: redrawn at most twice a second as the sampler samples,
// and every host probed every 15 s (which also reads what is loaded).
class MetricsPage final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MetricsPage)
public:
    enum class Range { FiveMinutes, Hour, Day };
    enum class TokensBy { Model, Agent };

    MetricsPage(rt::server::MetricsService *metrics, rt::llm::EndpointPool *pool, QWidget *parent = nullptr);
    ~MetricsPage() override;

    Range range() const { return m_range; }
    void setRange(Range range);
    TokensBy tokensBy() const { return m_tokensBy; }
    void setTokensBy(TokensBy by);

    // The line of `label` in the card that draws `chart` (null: not drawn now).
    // Streams and queue share a card; their lines are "host streams" and "host queued".
    QLineSeries *series(rt::metrics::Chart chart, const QString &label) const;
    QStringList seriesLabels(rt::metrics::Chart chart) const;
    // What the card of `chart` says instead of lines (empty: it draws lines).
    QString emptyText(rt::metrics::Chart chart) const;
    // "Degraded" and the summary, as shown in the header.
    QString healthText() const;
    // A host's badge as shown: name, state, reasons.
    QString hostHealthText(const QString &host) const;
    QTableWidget *loadedTable() const { return m_loaded; }
    // The 24-hour range is being read from the database.
    bool isLoading() const { return m_pendingReads > 0; }
    // Redraws so far (tests wait for one after an event).
    int refreshCount() const { return m_refreshes; }

public slots:
    // Reads everything again now (the sampler's lines, health, loaded models).
    void refresh();

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    struct Card;
    struct Line;
    Card *addCard(rt::metrics::Chart chart, const QString &title, const QString &valueFormat, QWidget *parent);
    Card *cardOf(rt::metrics::Chart chart) const;
    void scheduleRefresh();
    void refreshHealth();
    void refreshLoaded();
    void refreshLiveCharts();
    void loadStoredCharts();
    void showLines(Card &card, const QList<Line> &lines, qint64 fromMs, qint64 toMs);
    void showMessage(Card &card, const QString &text, qint64 fromMs, qint64 toMs);
    void setTimeAxis(Card &card, qint64 fromMs, qint64 toMs);
    QList<Line> linesOf(const Card &card, const QHash<rt::metrics::Chart, QList<rt::metrics::ChartSeries>> &data) const;
    QColor colourOf(const QString &key);
    void recolour();
    qint64 rangeMs() const;

    rt::metrics::MetricsSampler *m_sampler;
    rt::llm::EndpointPool *m_pool;
    Range m_range = Range::FiveMinutes;
    TokensBy m_tokensBy = TokensBy::Model;

    int m_windowSeconds = 60; // of the health window (error rate, first token)
    QFrame *m_healthBadge = nullptr;
    QLabel *m_healthDot = nullptr;
    QLabel *m_healthStatus = nullptr;
    QLabel *m_healthSummary = nullptr;
    QButtonGroup *m_rangeButtons = nullptr;
    QButtonGroup *m_tokensButtons = nullptr;
    QWidget *m_hostsBox = nullptr;
    QGridLayout *m_hostsLayout = nullptr;
    QHash<QString, QFrame *> m_hostBadges;
    QTableWidget *m_loaded = nullptr;
    QLabel *m_loadedEmpty = nullptr;
    std::vector<std::unique_ptr<Card>> m_cards;

    QMetaObject::Connection m_sampledConnection;
    QTimer m_refreshTimer; // coalesces samples: at most one redraw per MinRefreshMs
    QElapsedTimer m_sinceRefresh;
    QTimer m_probeTimer; // probes every host while shown
    QTimer m_storedTimer; // reads the 24-hour lines again while shown
    quint64 m_storedGeneration = 0;
    int m_pendingReads = 0;
    bool m_storedLoaded = false; // the 24-hour lines have been read once
    QHash<rt::metrics::Chart, QList<rt::metrics::ChartSeries>> m_stored;
    QString m_storedError;
    QHash<QString, int> m_colourSlots; // label -> palette index, for the page's life
    int m_refreshes = 0;
};

} // namespace rt::ui
