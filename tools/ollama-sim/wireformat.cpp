#include "wireformat.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <cstdio>
#include <ctime>

using namespace Qt::StringLiterals;

namespace rt::sim::wire {

namespace {
constexpr char kHex[] = "0123456789abcdef";

inline void appendUnicodeEscape(QByteArray &out, char16_t c)
{
    const char buf[6] = { '\\', 'u', kHex[(c >> 12) & 0xF], kHex[(c >> 8) & 0xF], kHex[(c >> 4) & 0xF], kHex[c & 0xF] };
    out.append(buf, 6);
}

inline void appendUtf8(QByteArray &out, char32_t cp)
{
    char buf[4];
    int n = 0;
    if (cp < 0x80) {
        buf[n++] = char(cp);
    } else if (cp < 0x800) {
        buf[n++] = char(0xC0 | (cp >> 6));
        buf[n++] = char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        buf[n++] = char(0xE0 | (cp >> 12));
        buf[n++] = char(0x80 | ((cp >> 6) & 0x3F));
        buf[n++] = char(0x80 | (cp & 0x3F));
    } else {
        buf[n++] = char(0xF0 | (cp >> 18));
        buf[n++] = char(0x80 | ((cp >> 12) & 0x3F));
        buf[n++] = char(0x80 | ((cp >> 6) & 0x3F));
        buf[n++] = char(0x80 | (cp & 0x3F));
    }
    out.append(buf, n);
}
} // namespace

void appendEscaped(QByteArray &out, QStringView text)
{
    const char16_t *p = text.utf16();
    const char16_t *end = p + text.size();
    while (p < end) {
        const char16_t c = *p++;
        if (c < 0x80) {
            switch (c) {
            case u'"':
                out.append("\\\"", 2);
                break;
            case u'\\':
                out.append("\\\\", 2);
                break;
            case u'\n':
                out.append("\\n", 2);
                break;
            case u'\r':
                out.append("\\r", 2);
                break;
            case u'\t':
                out.append("\\t", 2);
                break;
            case u'<':
            case u'>':
            case u'&':
                appendUnicodeEscape(out, c);
                break;
            default:
                if (c < 0x20)
                    appendUnicodeEscape(out, c);
                else
                    out.append(char(c));
            }
        } else if (c == 0x2028 || c == 0x2029) {
            appendUnicodeEscape(out, c);
        } else if (QChar::isHighSurrogate(c)) {
            if (p < end && QChar::isLowSurrogate(*p)) {
                appendUtf8(out, QChar::surrogateToUcs4(c, *p));
                ++p;
            } else {
                appendUtf8(out, 0xFFFD);
            }
        } else if (QChar::isLowSurrogate(c)) {
            appendUtf8(out, 0xFFFD);
        } else {
            appendUtf8(out, c);
        }
    }
}

void appendQuoted(QByteArray &out, QStringView text)
{
    out.append('"');
    appendEscaped(out, text);
    out.append('"');
}

void appendTimestampNow(QByteArray &out)
{
    // Cache the seconds part: formatting it is the expensive bit and the
    // streaming path calls this once per token.
    thread_local time_t cachedSecond = -1;
    thread_local char cachedPrefix[80];
    timespec ts {};
    clock_gettime(CLOCK_REALTIME, &ts);
    if (ts.tv_sec != cachedSecond) {
        tm t {};
        gmtime_r(&ts.tv_sec, &t);
        std::snprintf(cachedPrefix, sizeof cachedPrefix, "%04d-%02d-%02dT%02d:%02d:%02d", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday,
            t.tm_hour, t.tm_min, t.tm_sec);
        cachedSecond = ts.tv_sec;
    }
    out.append(cachedPrefix, 19);
    long nanos = ts.tv_nsec;
    if (nanos > 0) {
        char frac[10];
        frac[0] = '.';
        for (int i = 9; i >= 1; --i) {
            frac[i] = char('0' + nanos % 10);
            nanos /= 10;
        }
        int len = 10;
        while (len > 1 && frac[len - 1] == '0')
            --len;
        out.append(frac, len);
    }
    out.append('Z');
}

QString timestampNow()
{
    QByteArray b;
    appendTimestampNow(b);
    return QString::fromLatin1(b);
}

QByteArray httpDateNow()
{
    thread_local time_t cachedSecond = -1;
    thread_local QByteArray cached;
    const time_t now = time(nullptr);
    if (now != cachedSecond) {
        static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
        static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
        tm t {};
        gmtime_r(&now, &t);
        char buf[96];
        const int n = std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[t.tm_wday], t.tm_mday, months[t.tm_mon],
            t.tm_year + 1900, t.tm_hour, t.tm_min, t.tm_sec);
        cached = QByteArray(buf, n);
        cachedSecond = now;
    }
    return cached;
}

namespace {
QByteArray goEscape(QByteArray json)
{
    // In compact JSON, <, > and & can only occur inside strings, so a byte
    // replacement is exact. U+2028/2029 are E2 80 A8/A9 in UTF-8.
    if (json.contains('<') || json.contains('>') || json.contains('&') || json.contains("\xE2\x80\xA8") || json.contains("\xE2\x80\xA9")) {
        json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
        json.replace("\xE2\x80\xA8", "\\u2028").replace("\xE2\x80\xA9", "\\u2029");
    }
    return json;
}
} // namespace

QByteArray toJson(const QJsonObject &object)
{
    return goEscape(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QByteArray toJson(const QJsonValue &value)
{
    if (value.isObject())
        return toJson(value.toObject());
    if (value.isArray())
        return goEscape(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    // Scalars: wrap in an array and strip the brackets.
    QByteArray a = goEscape(QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact));
    return a.mid(1, a.size() - 2);
}

qint64 monotonicNs()
{
    timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

} // namespace rt::sim::wire
