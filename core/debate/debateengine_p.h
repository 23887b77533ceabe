#pragma once
// Helpers shared by the DebateEngine source files (not part of the API).

#include "debate/consensusmeter.h"
#include "debate/debatetypes.h"
#include "debate/stance.h"
#include "debate/visibletextstreamer.h"
#include "llm/chattypes.h"
#include "llm/endpointpool.h"
#include "llm/ollamaerrors.h"

#include <QString>

namespace rt::debate {

namespace detail {

inline bool isUnreachable(const QString &code)
{
    return code == rt::llm::ErrorCode::Unreachable || code == rt::llm::ErrorCode::ConnectTimeout;
}

// A reply cut off by its host (it died, the connection dropped) rather than
// refused by the model: worth starting again on another host.
inline bool lostHostMidReply(const rt::Error &error)
{
    using namespace rt::llm;
    return rt::llm::EndpointPool::isHostFailure(error) || error.code == ErrorCode::Truncated || error.code == ErrorCode::Stalled;
}

inline void addMetrics(rt::llm::ResponseMetrics &sum, const rt::llm::ResponseMetrics &m)
{
    sum.totalDurationNs += m.totalDurationNs;
    sum.loadDurationNs += m.loadDurationNs;
    sum.promptEvalDurationNs += m.promptEvalDurationNs;
    sum.evalDurationNs += m.evalDurationNs;
    sum.promptEvalCount += m.promptEvalCount;
    sum.evalCount += m.evalCount;
    if (sum.timeToFirstTokenMs < 0)
        sum.timeToFirstTokenMs = m.timeToFirstTokenMs;
    sum.wallTimeMs += m.wallTimeMs;
    sum.chunks += m.chunks;
}

inline QString visibleOf(const QString &content, ReplyShape shape, const Stance &stance)
{
    if (!stance.argument.isEmpty() && stance.source != Stance::Source::Fallback)
        return stance.argument;
    VisibleTextStreamer streamer(StanceParser::visibleField(shape));
    return streamer.feed(content).trimmed();
}

inline bool isTextAnswer(const QString &answer)
{
    return ConsensusMeter::normalize(answer).kind == NormalizedAnswer::Kind::Text;
}

} // namespace detail

} // namespace rt::debate
