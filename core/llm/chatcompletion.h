#pragma once

#include "llm/chattypes.h"
#include "storage/records.h"

namespace rt::llm {

// What storage records when a streamed reply ends (finishMessage): the text,
// the status (complete, cancelled or failed with its error) and Ollama's
// metrics. One mapping for `roundtable chat` and the chat page.
rt::storage::Completion toCompletion(const ChatResult &result);

} // namespace rt::llm
