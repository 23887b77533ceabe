#include "debatesimconfig.h"

#include "modeltable.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace rt::sim {

namespace {

QStringList strings(const QJsonValue &v)
{
    QStringList out;
    const QJsonArray array = v.toArray();
    for (const QJsonValue &item : array)
        out.append(item.isDouble() ? QString::number(item.toDouble(), 'g', 15) : item.toString());
    return out;
}

bool parseList(const QString &text, QHash<QString, double> *map, double *fallback, const QString &flag, QString *error)
{
    const QStringList parts = text.split(u',', Qt::SkipEmptyParts);
    for (const QString &part : parts) {
        const qsizetype eq = part.lastIndexOf(u'=');
        bool ok = false;
        const double value = eq > 0 ? part.mid(eq + 1).trimmed().toDouble(&ok) : 0.0;
        if (eq <= 0 || !ok || value < 0.0 || value > 1.0) {
            *error = u"--%1 expects MODEL=P with P between 0 and 1, got \"%2\""_s.arg(flag, part);
            return false;
        }
        const QString model = part.left(eq).trimmed();
        if (model == u"*"_s)
            *fallback = value;
        else
            map->insert(ModelTable::normalizeName(model), value);
    }
    return true;
}

bool readQuestions(const QString &path, QList<DebateQuestion> *out, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"cannot read %1: %2"_s.arg(path, file.errorString());
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = u"%1 is not JSON: %2"_s.arg(path, parseError.errorString());
        return false;
    }
    const QJsonArray items = doc.isArray() ? doc.array() : doc.object().value(u"questions"_s).toArray();
    for (const QJsonValue &v : items) {
        const QJsonObject o = v.toObject();
        DebateQuestion q;
        q.id = o.value(u"id"_s).toString();
        q.question = o.value(u"question"_s).toString().trimmed();
        const QJsonValue answer = o.value(u"answer"_s);
        q.answer = answer.isDouble() ? QString::number(answer.toDouble(), 'g', 15) : answer.toString().trimmed();
        q.kind = o.value(u"kind"_s).toString();
        q.accept = strings(o.value(u"accept"_s));
        q.choices = strings(o.value(u"choices"_s));
        q.distractors = strings(o.value(u"distractors"_s));
        if (q.id.isEmpty())
            q.id = q.question.left(40);
        if (!q.question.isEmpty() && !q.answer.isEmpty())
            out->append(q);
    }
    return true;
}

} // namespace

double DebateSimConfig::accuracyFor(const QString &model) const
{
    return accuracy.value(ModelTable::normalizeName(model), defaultAccuracy);
}

double DebateSimConfig::persuadabilityFor(const QString &model) const
{
    return persuadability.value(ModelTable::normalizeName(model), defaultPersuadability);
}

QString DebateSimConfig::malformedFor(const QString &model) const
{
    return malformed.value(ModelTable::normalizeName(model), defaultMalformed);
}

bool DebateSimConfig::loadQuestions(const QStringList &files, QString *error)
{
    auto list = std::make_shared<QList<DebateQuestion>>();
    // The built-in set, and the window's sample question as the German and French window ask it.
    for (const QString &builtin : { u":/debate/questions.json"_s, u":/debate/sample-translations.json"_s }) {
        if (!readQuestions(builtin, list.get(), error))
            return false;
    }
    for (const QString &f : files) {
        if (!readQuestions(f, list.get(), error))
            return false;
    }
    questions = list;
    return true;
}

void DebateSimFlags::addTo(QCommandLineParser &parser) const
{
    parser.addOptions({ m_accuracy, m_persuadability, m_questions, m_malformed, m_off });
}

bool DebateSimFlags::apply(const QCommandLineParser &parser, DebateSimConfig *config, QString *error) const
{
    config->enabled = !parser.isSet(m_off);
    if (parser.isSet(m_accuracy)
        && !parseList(parser.value(m_accuracy), &config->accuracy, &config->defaultAccuracy, u"debate-accuracy"_s, error))
        return false;
    if (parser.isSet(m_persuadability)
        && !parseList(
            parser.value(m_persuadability), &config->persuadability, &config->defaultPersuadability, u"debate-persuadability"_s, error))
        return false;
    if (parser.isSet(m_malformed)) {
        const QStringList parts = parser.value(m_malformed).split(u',', Qt::SkipEmptyParts);
        static const QStringList styles { u"fenced"_s, u"prose"_s, u"empty"_s };
        for (const QString &part : parts) {
            const qsizetype eq = part.lastIndexOf(u'=');
            const QString value = eq > 0 ? part.mid(eq + 1).trimmed() : QString();
            if (eq <= 0 || !styles.contains(value.section(u':', 0, 0))
                || (value.contains(u':') && value.section(u':', 1) != u"all"_s && value.section(u':', 1) != u"first"_s)) {
                *error = u"--debate-malformed expects MODEL=fenced|prose|empty[:all], got \"%1\""_s.arg(part);
                return false;
            }
            const QString model = part.left(eq).trimmed();
            if (model == u"*"_s)
                config->defaultMalformed = value;
            else
                config->malformed.insert(ModelTable::normalizeName(model), value);
        }
    }
    return config->loadQuestions(parser.values(m_questions), error);
}

} // namespace rt::sim
