#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QStringView>

// Byte-level helpers that make the simulator's output look like Go's
// encoding/json and net/http output (the hot streaming path builds its lines
// here without QJsonDocument).
namespace rt::sim::wire {

// Appends `text` as the inside of a JSON string (UTF-8, no quotes), escaping
// like Go: control characters, quote, backslash, and <, >, &, U+2028, U+2029
// as \uXXXX. Lone surrogates become U+FFFD.
void appendEscaped(QByteArray &out, QStringView text);
void appendQuoted(QByteArray &out, QStringView text);

// RFC 3339 UTC timestamp with nanoseconds, trailing zeros trimmed (Go's
// time.RFC3339Nano), e.g. 2025-11-25T15:46:00.12345Z.
void appendTimestampNow(QByteArray &out);
QString timestampNow();

// RFC 1123 date for the Date header (cached per second).
QByteArray httpDateNow();

// Compact JSON with Go's HTML-safe escaping of <, >, & and U+2028/2029.
QByteArray toJson(const QJsonObject &object);
QByteArray toJson(const QJsonValue &value);

// Nanoseconds on a monotonic clock.
qint64 monotonicNs();

} // namespace rt::sim::wire
