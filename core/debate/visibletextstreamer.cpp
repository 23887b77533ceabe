#include "visibletextstreamer.h"

namespace rt::debate {

void VisibleTextStreamer::reset()
{
    *this = VisibleTextStreamer(m_field);
}

QString VisibleTextStreamer::feed(QStringView piece)
{
    QString out;
    for (const QChar c : piece) {
        switch (m_mode) {
        case Mode::Start:
            if (c.isSpace())
                continue;
            if (c == u'{') {
                m_mode = Mode::Json;
                m_depth = 1;
                m_expectKey = true;
            } else {
                m_mode = Mode::Passthrough;
                out += c;
            }
            break;
        case Mode::Passthrough:
            out += c;
            break;
        case Mode::Json:
            handleJsonChar(c, out);
            break;
        }
    }
    return out;
}

void VisibleTextStreamer::handleJsonChar(QChar c, QString &out)
{
    const auto emitChar = [&](QChar ch) {
        if (m_stringIsKey)
            m_key += ch;
        else if (m_capturing)
            out += ch;
    };
    if (m_inString) {
        if (m_unicodeLeft > 0) {
            m_unicode += c;
            if (--m_unicodeLeft > 0)
                return;
            bool ok = false;
            const QChar unit(ushort(m_unicode.toUShort(&ok, 16)));
            m_unicode.clear();
            if (!ok)
                return;
            if (unit.isHighSurrogate()) {
                m_pendingHigh = unit;
                return;
            }
            if (unit.isLowSurrogate() && m_pendingHigh.isHighSurrogate()) {
                emitChar(m_pendingHigh);
                emitChar(unit);
            } else if (!unit.isSurrogate()) {
                emitChar(unit);
            }
            m_pendingHigh = QChar();
            return;
        }
        if (m_escape) {
            m_escape = false;
            switch (c.unicode()) {
            case 'n':
                emitChar(u'\n');
                break;
            case 't':
                emitChar(u'\t');
                break;
            case 'r':
                break;
            case 'b':
            case 'f':
                break;
            case 'u':
                m_unicodeLeft = 4;
                break;
            default:
                emitChar(c);
                break; // \" \\ \/
            }
            return;
        }
        if (c == u'\\') {
            m_escape = true;
            return;
        }
        if (c == u'"') {
            m_inString = false;
            if (m_stringIsKey)
                m_lastKey = m_key;
            m_stringIsKey = false;
            m_capturing = false;
            return;
        }
        emitChar(c);
        return;
    }
    if (c.isSpace())
        return;
    switch (c.unicode()) {
    case '"':
        m_inString = true;
        m_stringIsKey = m_depth == 1 && m_expectKey;
        m_key.clear();
        m_capturing = !m_stringIsKey && m_depth == 1 && m_afterColon && m_lastKey == m_field;
        m_afterColon = false;
        return;
    case ':':
        if (m_depth == 1) {
            m_afterColon = true;
            m_expectKey = false;
        }
        return;
    case ',':
        if (m_depth == 1) {
            m_expectKey = true;
            m_afterColon = false;
        }
        return;
    case '{':
    case '[':
        ++m_depth;
        m_afterColon = false;
        return;
    case '}':
    case ']':
        --m_depth;
        return;
    default:
        m_afterColon = false;
        return;
    }
}

} // namespace rt::debate
