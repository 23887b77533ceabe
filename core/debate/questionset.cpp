#include "questionset.h"

#include "debate/consensusmeter.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace rt::debate {

namespace {

QStringList strings(const QJsonValue &v)
{
    QStringList out;
    const QJsonArray array = v.toArray();
    for (const QJsonValue &item : array) {
        if (item.isString())
            out.append(item.toString());
        else if (item.isDouble())
            out.append(QString::number(item.toDouble(), 'g', 15));
    }
    return out;
}

QString scalar(const QJsonValue &v)
{
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 15);
    if (v.isBool())
        return v.toBool() ? u"yes"_s : u"no"_s;
    return v.toString().trimmed();
}

} // namespace

bool EvalQuestion::isCorrect(const QString &given) const
{
    if (given.trimmed().isEmpty())
        return false;
    if (ConsensusMeter::sameAnswer(given, answer))
        return true;
    for (const QString &a : accept) {
        if (ConsensusMeter::sameAnswer(given, a))
            return true;
    }
    return false;
}

rt::Result<QuestionSet> QuestionSet::parse(const QByteArray &data, const QString &name)
{
    QList<QJsonObject> items;
    QuestionSet set;
    set.name = name;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(data, &error);
    if (error.error == QJsonParseError::NoError) {
        QJsonArray array;
        if (doc.isArray()) {
            array = doc.array();
        } else {
            const QJsonObject o = doc.object();
            array = o.value(u"questions"_s).toArray();
            set.name = o.value(u"name"_s).toString(name);
            set.description = o.value(u"description"_s).toString();
        }
        for (const QJsonValue &v : std::as_const(array))
            items.append(v.toObject());
    } else {
        // JSON lines.
        int line = 0;
        for (const QByteArray &raw : data.split('\n')) {
            ++line;
            if (raw.trimmed().isEmpty())
                continue;
            const QJsonDocument l = QJsonDocument::fromJson(raw, &error);
            if (error.error != QJsonParseError::NoError || !l.isObject()) {
                return rt::Error { u"usage"_s,
                    QCoreApplication::translate("rt::debate", "%1 is neither JSON nor JSON lines (line %2: %3).")
                        .arg(name)
                        .arg(line)
                        .arg(error.errorString()) };
            }
            items.append(l.object());
        }
    }
    int n = 0;
    for (const QJsonObject &o : std::as_const(items)) {
        ++n;
        EvalQuestion q;
        q.id = o.value(u"id"_s).toString(u"q%1"_s.arg(n));
        q.question = o.value(u"question"_s).toString().trimmed();
        q.answer = scalar(o.value(u"answer"_s));
        q.kind = o.value(u"kind"_s).toString();
        q.accept = strings(o.value(u"accept"_s));
        q.choices = strings(o.value(u"choices"_s));
        q.distractors = strings(o.value(u"distractors"_s));
        if (q.question.isEmpty() || q.answer.isEmpty()) {
            return rt::Error { u"usage"_s,
                QCoreApplication::translate("rt::debate", "Item %1 of %2 needs a \"question\" and an \"answer\".").arg(n).arg(name) };
        }
        if (q.kind.isEmpty()) {
            switch (ConsensusMeter::normalize(q.answer).kind) {
            case NormalizedAnswer::Kind::Number:
                q.kind = u"number"_s;
                break;
            case NormalizedAnswer::Kind::YesNo:
                q.kind = u"yesno"_s;
                break;
            case NormalizedAnswer::Kind::Option:
                q.kind = u"option"_s;
                break;
            default:
                q.kind = u"text"_s;
                break;
            }
        }
        set.questions.append(q);
    }
    if (set.questions.isEmpty())
        return rt::Error { u"usage"_s, QCoreApplication::translate("rt::debate", "%1 contains no questions.").arg(name) };
    return set;
}

rt::Result<QuestionSet> QuestionSet::load(const QString &source)
{
    const bool builtin = source.isEmpty() || source == u"builtin"_s;
    const QString path = builtin ? builtinPath() : source;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return rt::Error { u"usage"_s,
            QCoreApplication::translate("rt::debate", "Cannot read the question set %1: %2").arg(path, file.errorString()) };
    }
    return parse(file.readAll(), builtin ? u"builtin"_s : QFileInfo(path).fileName());
}

} // namespace rt::debate
