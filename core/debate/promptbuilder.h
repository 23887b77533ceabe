#pragma once

#include "debate/debatestate.h"
#include "llm/chattypes.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace rt::debate {

// The pieces of one turn's prompt, most important first when trimming: the
// system prompt, question and task are always kept; then moderator notes;
// then the latest round in full; older rounds are summaries, dropped oldest
// first when the model's context is too small.
struct PromptParts {
    QString system;
    QString question;
    QStringList notes; // moderator notes (human interjections)
    QStringList older; // one summary line per older round, oldest first
    QString latestHeading;
    QStringList latest; // entries of the latest round, in full
    QString task; // what to do now
};

class PromptBuilder final {
public:
    // ~4 characters per token; keeps room for the reply and the chat template.
    static int budgetChars(int contextTokens, int numPredict);
    // Builds system + user messages that fit in budgetChars. Sets *trimmed
    // when something had to be shortened or left out.
    static QList<rt::llm::ChatMessage> build(const PromptParts &parts, int budgetChars, bool *trimmed = nullptr);

    // Transcript entry for a turn, as every format renders it:
    //   [Name] answer: X | confidence: 0.80
    //   Argument: ...
    //   Key points: a; b
    // `label` replaces the name (council anonymity); `self` marks the reader's own turn.
    static QString entry(const TurnRecord &turn, const QString &label, bool self, int maxArgumentChars = -1);
    // "Round 2: Skeptic 42 (0.80); Pragmatist 41 (0.60)"
    static QString roundSummary(int round, const QList<const TurnRecord *> &turns);
    static QString shorten(const QString &text, int maxChars);
};

} // namespace rt::debate
