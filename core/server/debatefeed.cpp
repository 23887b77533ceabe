#include "debatefeed.h"

#include "debate/debateengine.h"
#include "livefeed.h"

namespace rt::server {

using namespace Qt::StringLiterals;
using namespace rt::debate;

DebateFeed::DebateFeed(DebateEngine *engine, std::shared_ptr<LiveFeed> feed)
    : QObject(engine)
    , m_feed(std::move(feed))
{
    LiveFeed *f = m_feed.get();
    connect(engine, &DebateEngine::debateStarted, this, [f](const DebateInfo &info) {
        f->debateEvent(u"debate_started"_s, info.debateId, { { u"debate"_s, info.toJson() } });
    });
    connect(engine, &DebateEngine::roundStarted, this, [f](const RoundInfo &round) {
        f->debateEvent(u"round_started"_s, round.debateId, { { u"round"_s, round.toJson() } });
    });
    connect(engine, &DebateEngine::turnStarted, this, [f](const TurnInfo &turn) {
        f->debateEvent(u"turn_started"_s, turn.debateId, { { u"turn"_s, turn.toJson() } });
    });
    connect(engine, &DebateEngine::tokenDelta, this, [f](const TokenDelta &d) {
        // Only the visible text: viewers see the argument, not the stance's JSON.
        if (!d.text.isEmpty() || d.attempt > 1)
            f->debateTokens(d.turn.debateId, d.turn.seat, d.turn.index, d.attempt, d.text);
    });
    connect(engine, &DebateEngine::turnFinished, this, [f](const TurnRecord &turn) {
        f->debateEvent(u"turn_finished"_s, turn.info.debateId, { { u"turn"_s, turn.toJson() } });
    });
    connect(engine, &DebateEngine::consensusUpdated, this, [f](const ConsensusSnapshot &c) {
        f->debateEvent(u"consensus"_s, c.debateId, { { u"consensus"_s, c.toJson() } });
    });
    connect(engine, &DebateEngine::noteAdded, this, [f](const DebateNote &note) {
        f->debateEvent(u"note"_s, note.debateId, { { u"note"_s, note.toJson() } });
    });
    connect(engine, &DebateEngine::debatePaused, this, [f](const PauseInfo &pause) {
        f->debateEvent(u"paused"_s, pause.debateId, { { u"pause"_s, pause.toJson() } });
    });
    connect(engine, &DebateEngine::debateResumed, this, [f](qint64 id) {
        f->debateEvent(u"resumed"_s, id, { { u"debate_id"_s, double(id) } });
    });
    const auto ended = [f](const DebateOutcome &outcome) {
        f->debateEvent(u"finished"_s, outcome.debateId, { { u"outcome"_s, outcome.toJson() } });
    };
    connect(engine, &DebateEngine::debateFinished, this, ended);
    connect(engine, &DebateEngine::debateFailed, this, ended);
    connect(engine, &DebateEngine::debateInterrupted, this, [f](qint64 id) {
        f->debateEvent(u"interrupted"_s, id, { { u"debate_id"_s, double(id) } });
    });
}

DebateFeed::~DebateFeed() = default;

} // namespace rt::server
