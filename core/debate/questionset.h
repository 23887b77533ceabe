#pragma once

#include "common/result.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace rt::debate {

// A question with a known answer, for `roundtable eval`.
struct EvalQuestion {
    QString id;
    QString question;
    QString answer;
    QString kind; // number, yesno, option, text
    QStringList accept; // other accepted spellings
    QStringList choices; // option letters
    QStringList distractors; // plausible wrong answers (the simulator uses them)

    // The answer matches (numbers by value, yes/no, letters, normalised text).
    bool isCorrect(const QString &given) const;
};

struct QuestionSet {
    QString name;
    QString description;
    QList<EvalQuestion> questions;

    // "builtin" (or empty) = the set shipped with Roundtable; else a file:
    // {"questions":[...]}, a JSON array, or one JSON object per line. Each
    // item needs "question" and "answer".
    static rt::Result<QuestionSet> load(const QString &source);
    static rt::Result<QuestionSet> parse(const QByteArray &data, const QString &name);
    static QString builtinPath() { return QStringLiteral(":/debate/questions.json"); }
};

} // namespace rt::debate
