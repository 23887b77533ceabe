#pragma once

#include "debatesimconfig.h"
#include "replygenerator.h"

#include <optional>

namespace rt::sim {

// Plays a debate participant deterministically. When a chat request asks for
// a structured stance (a JSON schema with "answer" and "confidence"; or a
// judge's verdict, a council ranking, a synthesis) about a question of the
// loaded question set, the simulated model
//  - answers correctly with probability accuracy(model), else gives a
//    plausible wrong answer (a nearby number, the other yes/no, another
//    letter, a distractor);
//  - keeps its own previous answer when the prompt shows it
//    ("[Name] (you) answer: X | confidence: C"), and, when it is shown other
//    participants' answers ("[Name] answer: X | confidence: C"), joins their
//    majority with probability persuadability(model).
// --debate-malformed makes chosen models ignore the schema (prose, a fenced
// JSON block, or nothing), to exercise repair and tolerant parsing.
// Every draw is a pure function of (request seed, model, question, round,
// answers shown). The reply is valid JSON for the schema.
//
// Returns std::nullopt for any other request (the generic generator answers).
std::optional<GeneratedReply> debateReply(const DebateSimConfig &config, const GenerationInput &input);

} // namespace rt::sim
