#pragma once

#include "debate/debatetypes.h"

#include <QList>
#include <QString>
#include <optional>

namespace rt::debate {

// An answer reduced to what should compare equal: numbers by value ("42",
// "42.0", "$42", "1,000"), yes/no, option letters ("B", "(b)", "Option B"),
// else lower-case words without punctuation or a leading article.
struct NormalizedAnswer {
    enum class Kind { Empty, Number, YesNo, Option, Text };
    Kind kind = Kind::Empty;
    QString key; // "n:42", "yn:yes", "opt:b", "t:paris"
    double number = 0.0;
    QString text; // normalised words (Text)
};

// One speaker's position going into the count.
struct StanceInput {
    int seat = -1;
    QString agentName;
    QString answer;
    std::optional<double> confidence;
    double weight = 1.0;
    QList<double> embedding; // of the answer; empty = not available
};

struct ConsensusOptions {
    double threshold = 0.8;
    bool recalibrate = true; // ReConcile bins; else raw confidence
    double wordOverlap = 0.6; // Jaccard of word sets for free text
    double cosine = 0.85; // embedding similarity for free text
};

// Pure functions: grouping of answers and the confidence-weighted score.
class ConsensusMeter final {
public:
    using Options = ConsensusOptions;

    static NormalizedAnswer normalize(const QString &answer);
    // ReConcile: <=0.6 -> 0.1, <0.8 -> 0.3, <0.9 -> 0.5, <1 -> 0.8, 1 -> 1.
    // No confidence counts as 0.5 before recalibration.
    static double recalibrate(std::optional<double> confidence, bool enabled = true);
    static double jaccard(const QString &a, const QString &b);
    static double cosine(const QList<double> &a, const QList<double> &b);
    static bool sameAnswer(const StanceInput &a, const StanceInput &b, const Options &options);
    static bool sameAnswer(const QString &a, const QString &b, const Options &options = ConsensusOptions());

    // Groups in seat order (each joins the first similar group), leading group first.
    static QList<AnswerGroup> group(const QList<StanceInput> &stances, const Options &options);
    // The consensus of one round. `missing` = speakers that gave no answer.
    static ConsensusSnapshot evaluate(const QList<StanceInput> &stances, const Options &options, int missing = 0);
};

} // namespace rt::debate
