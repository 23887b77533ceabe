#include "chatcompletion.h"

namespace rt::llm {

rt::storage::Completion toCompletion(const ChatResult &result)
{
    using rt::storage::MessageStatus;
    rt::storage::Completion c;
    c.content = result.content;
    c.thinking = result.thinking;
    c.status = result.status == ChatStatus::Completed ? MessageStatus::Complete
        : result.status == ChatStatus::Cancelled      ? MessageStatus::Cancelled
                                                      : MessageStatus::Failed;
    c.error = result.ok() ? QString() : result.error.message;
    const ResponseMetrics &m = result.metrics;
    c.metrics.promptEvalCount = m.promptEvalCount;
    c.metrics.evalCount = m.evalCount;
    c.metrics.totalDurationNs = m.totalDurationNs;
    c.metrics.loadDurationNs = m.loadDurationNs;
    c.metrics.promptEvalDurationNs = m.promptEvalDurationNs;
    c.metrics.evalDurationNs = m.evalDurationNs;
    if (m.timeToFirstTokenMs >= 0)
        c.metrics.ttftMs = m.timeToFirstTokenMs;
    return c;
}

} // namespace rt::llm
