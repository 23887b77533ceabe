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
        m_pendingRows.clear();
        m_pendingPause.reset();
        m_stopReason = StopReason::None;
        m_phase = Phase::Rounds;
        m_round = 1;
        m_roundAnnounced = false;
        // Walk the rounds: decided rounds are skipped; the first incomplete one
        // runs exactly its planned turns without a durable (finished) record,
        // wherever they are in the plan: turns that ran together may have been
        // stored in any order, and partial or interrupted ones are run again.
        // advance() passes over the planned turns that have one.
        const int limit = m_format->roundLimit(m_state.config);
        for (;;) {
            if (const ConsensusSnapshot *snap = m_state.roundSummary(m_round)) {
                const StopReason reason = m_format->decide(m_state, *snap);
                if (reason != StopReason::None || m_round >= limit) {
                    enterClosing(reason == StopReason::None ? StopReason::MaxRounds : reason);
                    break;
                }
                ++m_round;
                continue;
            }
            m_plan = m_format->planRound(m_state, m_round);
            m_cursor = 0;
            break;
        }
        int missing = 0;
        for (const PlannedTurn &p : std::as_const(m_phase == Phase::Rounds ? m_plan : m_closing))
            missing += recorded(p) ? 0 : 1;
        qCDebug(lcDebate) << "restoring debate" << d.id << "at round" << m_round << "with" << finished << "finished turns;" << missing
                          << "planned turn(s) of this round still to run";
        m_busy = true;
        setStatus(DebateStatus::Running, nullptr, [this, finished] {
            m_busy = false;
            begin(true, finished);
        });
    });
}

} // namespace rt::debate
