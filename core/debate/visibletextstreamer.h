#pragma once

#include <QString>

namespace rt::debate {

// Pulls the text of one top-level string field ("argument") out of a JSON
// object while it streams, so people read the argument, not the JSON. A reply
// that does not start with '{' is passed through as it is.
class VisibleTextStreamer final {
public:
    explicit VisibleTextStreamer(QString field = QStringLiteral("argument"))
        : m_field(std::move(field))
    {
    }

    // Returns the visible text contained in this piece of the reply.
    QString feed(QStringView piece);
    void reset();

private:
    enum class Mode { Start, Passthrough, Json };
    void handleJsonChar(QChar c, QString &out);

    QString m_field;
    Mode m_mode = Mode::Start;
    int m_depth = 0;
    bool m_inString = false;
    bool m_escape = false;
    QString m_unicode; // hex digits of a \uXXXX being read
    int m_unicodeLeft = 0;
    QChar m_pendingHigh; // high surrogate waiting for its pair
    bool m_stringIsKey = false;
    bool m_expectKey = false; // inside the top-level object, a key comes next
    bool m_afterColon = false;
    QString m_key;
    QString m_lastKey;
    bool m_capturing = false;
};

} // namespace rt::debate
