#pragma once

#include <QCommandLineOption>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <memory>

class QCommandLineParser;

namespace rt::sim {

// A question with a known answer (the same file format as Roundtable's
// resources/debate/questions.json).
struct DebateQuestion {
    QString id;
    QString question;
    QString answer;
    QString kind; // number, yesno, option, text
    QStringList accept;
    QStringList choices;
    QStringList distractors;
};

// Debate-participant mode: how well each simulated model "knows" the answers
// and how easily it follows the others. Figures produced with it describe the
// debate engine, not any real model.
struct DebateSimConfig {
    QHash<QString, double> accuracy; // model -> probability of answering correctly on its own
    QHash<QString, double> persuadability; // model -> probability of joining the peers' majority
    double defaultAccuracy = 0.6;
    double defaultPersuadability = 0.5;
    // Models that ignore the schema: "fenced" (JSON inside prose and a ```json
    // fence), "prose" (no JSON at all), "empty"; with ":all" the repair reply
    // is malformed too, else only the first reply.
    QHash<QString, QString> malformed;
    QString defaultMalformed;
    bool enabled = true;
    std::shared_ptr<const QList<DebateQuestion>> questions;

    double accuracyFor(const QString &model) const;
    double persuadabilityFor(const QString &model) const;
    QString malformedFor(const QString &model) const;
    // Built-in set plus extra files; false with *error on a bad file.
    bool loadQuestions(const QStringList &files, QString *error);
};

// The simulator's command-line flags for the debate mode:
//   --debate-accuracy MODEL=P[,MODEL=P...]       (MODEL may be *)
//   --debate-persuadability MODEL=Q[,...]
//   --debate-questions FILE                      (more questions; repeatable)
//   --no-debate                                  (plain schema replies only)
class DebateSimFlags final {
public:
    void addTo(QCommandLineParser &parser) const;
    bool apply(const QCommandLineParser &parser, DebateSimConfig *config, QString *error) const;

private:
    QCommandLineOption m_accuracy { QStringLiteral("debate-accuracy"),
        QStringLiteral("Debate mode: chance each model answers a known question correctly, MODEL=P,... (* = all; default 0.6)."),
        QStringLiteral("list") };
    QCommandLineOption m_persuadability { QStringLiteral("debate-persuadability"),
        QStringLiteral("Debate mode: chance each model joins the majority of the answers it is shown, MODEL=Q,... (default 0.5)."),
        QStringLiteral("list") };
    QCommandLineOption m_questions { QStringLiteral("debate-questions"),
        QStringLiteral("Debate mode: extra question file (JSON like resources/debate/questions.json)."), QStringLiteral("file") };
    QCommandLineOption m_malformed { QStringLiteral("debate-malformed"),
        QStringLiteral("Debate mode: models that ignore the answer schema, MODEL=fenced|prose|empty[:all],... "
                       "(:all = the repair reply too)."),
        QStringLiteral("list") };
    QCommandLineOption m_off { QStringLiteral("no-debate"), QStringLiteral("Turn the debate-participant mode off.") };
};

} // namespace rt::sim
