#pragma once
// Helpers shared by the SimApi source files (request checks, keep-alive, time formats).

#include "debateparticipant.h"
#include "generationstream.h"
#include "httpconnection.h"
#include "pullstream.h"
#include "simapi.h"
#include "simrandom.h"
#include "wireformat.h"

#include <QHostAddress>
#include <QHostInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTimer>
#include <cmath>
#include <cstdio>

using namespace Qt::StringLiterals;

namespace rt::sim {

namespace detail {

inline const QByteArray kJsonType = "application/json; charset=utf-8";
inline const QByteArray kTextType = "text/plain; charset=utf-8";
constexpr int kDefaultNumCtx = 4096;
constexpr qint64 kDefaultKeepAliveMs = 5 * 60 * 1000;

inline QString jsonTypeName(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Bool:
        return u"bool"_s;
    case QJsonValue::Double:
        return u"number"_s;
    case QJsonValue::String:
        return u"string"_s;
    case QJsonValue::Array:
        return u"array"_s;
    case QJsonValue::Object:
        return u"object"_s;
    default:
        return u"null"_s;
    }
}

// Go's time.ParseDuration for the forms clients send ("5m", "1h30m", "-1s",
// "300ms"); a bare number is seconds. Returns milliseconds; nullopt if bad.
inline std::optional<qint64> parseKeepAlive(const QJsonValue &v)
{
    if (v.isUndefined() || v.isNull())
        return std::nullopt;
    if (v.isDouble())
        return qint64(v.toDouble() * 1000.0);
    if (!v.isString())
        return std::nullopt;
    const QString s = v.toString().trimmed();
    bool ok = false;
    const double plain = s.toDouble(&ok);
    if (ok)
        return qint64(plain * 1000.0);
    static const QRegularExpression part(u"(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)"_s);
    QString rest = s;
    double sign = 1;
    if (rest.startsWith(u'-')) {
        sign = -1;
        rest.remove(0, 1);
    }
    double ms = 0;
    qsizetype pos = 0;
    while (pos < rest.size()) {
        const auto m = part.match(rest, pos, QRegularExpression::NormalMatch, QRegularExpression::AnchorAtOffsetMatchOption);
        if (!m.hasMatch())
            return std::nullopt;
        const double n = m.captured(1).toDouble();
        const QString unit = m.captured(2);
        if (unit == u"h"_s)
            ms += n * 3600000.0;
        else if (unit == u"m"_s)
            ms += n * 60000.0;
        else if (unit == u"s"_s)
            ms += n * 1000.0;
        else if (unit == u"ms"_s)
            ms += n;
        else if (unit == u"ns"_s)
            ms += n / 1e6;
        else
            ms += n / 1e3;
        pos = m.capturedEnd();
    }
    return qint64(sign * ms);
}

inline QDateTime expiryFor(qint64 keepAliveMs)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (keepAliveMs < 0)
        return now.addYears(292);
    return now.addMSecs(keepAliveMs);
}

inline QString rfc3339(const QDateTime &t)
{
    return t.toUTC().toString(u"yyyy-MM-ddTHH:mm:ss.zzz"_s) + u'Z';
}

// The types of api.Options fields; a value of the wrong type is a 500.
inline QString checkOptions(const QJsonObject &options)
{
    static const QStringList ints { u"num_keep"_s, u"seed"_s, u"num_predict"_s, u"top_k"_s, u"repeat_last_n"_s, u"num_ctx"_s,
        u"num_batch"_s, u"num_gpu"_s, u"main_gpu"_s, u"num_thread"_s };
    static const QStringList floats { u"top_p"_s, u"min_p"_s, u"typical_p"_s, u"temperature"_s, u"repeat_penalty"_s, u"presence_penalty"_s,
        u"frequency_penalty"_s };
    static const QStringList bools { u"use_mmap"_s, u"numa"_s, u"low_vram"_s, u"penalize_newline"_s };
    for (auto it = options.constBegin(); it != options.constEnd(); ++it) {
        const QString key = it.key();
        const QJsonValue v = it.value();
        if (v.isNull())
            continue;
        if (ints.contains(key) && !v.isDouble())
            return u"option \"%1\" must be of type integer"_s.arg(key);
        if (floats.contains(key) && !v.isDouble())
            return u"option \"%1\" must be of type float32"_s.arg(key);
        if (bools.contains(key) && !v.isBool())
            return u"option \"%1\" must be of type boolean"_s.arg(key);
        if (key == u"stop"_s) {
            bool good = v.isArray();
            for (const QJsonValue &s : v.toArray())
                good = good && s.isString();
            if (!good)
                return u"option \"%1\" must be of type array of strings"_s.arg(key);
        }
    }
    return {};
}

inline qint64 estimateTokens(const QString &text)
{
    return (text.size() + 3) / 4;
}

inline qint64 parameterCount(const QString &size)
{
    if (size.isEmpty())
        return 0;
    const QChar unit = size.back().toUpper();
    const double n = size.left(size.size() - 1).toDouble();
    if (unit == u'B')
        return qint64(n * 1e9);
    if (unit == u'M')
        return qint64(n * 1e6);
    if (unit == u'K')
        return qint64(n * 1e3);
    return qint64(size.toDouble());
}

} // namespace detail

} // namespace rt::sim
