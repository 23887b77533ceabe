#pragma once

#include <QObject>
#include <memory>

namespace rt::debate {
class DebateEngine;
}

namespace rt::server {

class LiveFeed;

// Feeds one engine's events to remote viewers (docs/remote-protocol.md):
// each signal becomes one event, the visible text of every turn goes into
// the feed's 50 ms text batches. The engine makes one when its pool has a
// feed (MetricsService::attach), as it does for DebateMetrics.
class DebateFeed final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DebateFeed)
public:
    DebateFeed(rt::debate::DebateEngine *engine, std::shared_ptr<LiveFeed> feed);
    ~DebateFeed() override;

private:
    std::shared_ptr<LiveFeed> m_feed;
};

} // namespace rt::server
