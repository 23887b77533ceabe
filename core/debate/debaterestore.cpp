// DebateEngine::restore: continuing a stored debate from its last durable turn.
#include "common/correlationid.h"
#include "common/logging.h"
#include "debateengine.h"
#include "debateengine_p.h"
#include "llm/endpointpool.h"
#include "llm/modelinfo.h"
#include "llm/ollamaclient.h"
#include "llm/ollamaerrors.h"
#include "llm/ollamahost.h"
#include "llm/pooledchat.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace rt::debate {

using namespace detail;

void DebateEngine::restore(qint64 debateId)
{
    if (m_stateKind == State::Running || m_stateKind == State::Paused)
        return;
    m_stateKind = State::Running;
    m_busy = true;
    m_store->loadDebate(debateId, this, [this, debateId](const rt::Result<StoredDebate> &loaded) {
        m_busy = false;
        if (!loaded) {
            // Nothing to mark in storage: report and stay out of the way.
            m_stateKind = State::Failed;
            m_phase = Phase::Done;
            DebateOutcome o;
            o.debateId = debateId;
            o.status = DebateStatus::Failed;
            o.stopReason = StopReason::Error;
            o.error = loaded.error();
            o.stopDetail = o.error.message;
            m_outcome = o;
            emit debateFailed(o);
            return;
        }
        const StoredDebate &d = *loaded;
        if (d.status == DebateStatus::Finished || d.status == DebateStatus::Failed || d.status == DebateStatus::Cancelled) {
            m_stateKind = State::Failed;
            DebateOutcome o;
            o.debateId = debateId;
            o.status = d.status;
            o.stopReason = d.stopReason;
            o.error = rt::Error { u"not_resumable"_s,
                tr("Debate %1 has already ended (%2); there is nothing to resume.").arg(debateId).arg(toString(d.status)) };
            o.stopDetail = o.error.message;
            m_outcome = o;
            emit debateFailed(o);
            return;
        }
        m_format = DebateFormat::create(d.config.format);
        m_state = DebateState();
        m_state.debateId = d.id;
        m_state.config = d.config;
        m_state.seats = d.seats;
        m_state.config.agents.clear();
        for (const Seat &s : std::as_const(m_state.seats)) {
            if (!s.implicit)
                m_state.config.agents.append(s.agent);
        }
        m_state.turns = d.turns;
        m_state.rounds = d.rounds;
        std::sort(m_state.rounds.begin(), m_state.rounds.end(),
            [](const ConsensusSnapshot &a, const ConsensusSnapshot &b) { return a.round < b.round; });
        m_recordedRows = int(d.turns.size());
        m_promptTokens = m_evalTokens = 0;
        m_calls = 0;
        int finished = 0;
        for (const TurnRecord &t : std::as_const(m_state.turns)) {
            m_promptTokens += t.metrics.promptEvalCount;
            m_evalTokens += t.metrics.evalCount;
            m_calls += t.info.kind == TurnKind::Interjection ? 0 : (t.info.kind == TurnKind::Repair ? 0 : t.calls);
            if (t.isFinished() && t.info.kind != TurnKind::Repair && t.info.kind != TurnKind::Interjection)
                ++finished;
        }
        m_outcome = DebateOutcome();
        m_stopReason = StopReason::None;
        m_phase = Phase::Rounds;
        m_round = 1;
        m_roundAnnounced = false;
        // Walk the rounds: decided rounds are skipped, the first incomplete one
        // continues at its first turn without a durable record.
        const int limit = m_format->roundLimit(m_state.config);
        for (;;) {
            if (const ConsensusSnapshot *snap = m_state.roundSummary(m_round)) {
                const StopReason reason = m_format->decide(m_state, *snap);
                if (reason != StopReason::None || m_round >= limit) {
                    enterClosing(reason == StopReason::None ? StopReason::MaxRounds : reason);
                    while (m_closingCursor < m_closing.size()) {
                        const PlannedTurn &p = m_closing.at(m_closingCursor);
                        if (!m_state.find(p.round, p.seat, p.kind))
                            break;
                        ++m_closingCursor;
                    }
                    break;
                }
                ++m_round;
                continue;
            }
            m_plan = m_format->planRound(m_state, m_round);
            m_cursor = 0;
            while (m_cursor < m_plan.size()) {
                const PlannedTurn &p = m_plan.at(m_cursor);
                if (!m_state.find(p.round, p.seat, p.kind))
                    break;
                ++m_cursor;
            }
            break;
        }
        qCDebug(lcDebate) << "restoring debate" << d.id << "at round" << m_round << "turn" << m_cursor << "with" << finished
                          << "finished turns";
        m_busy = true;
        setStatus(DebateStatus::Running, nullptr, [this, finished] {
            m_busy = false;
            begin(true, finished);
        });
    });
}

} // namespace rt::debate
