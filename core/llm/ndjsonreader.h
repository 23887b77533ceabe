#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <functional>

namespace rt::llm {

// Turns arbitrary byte chunks into complete JSON objects, one per '\n'-terminated
// line. Lines and multi-byte UTF-8 may be split anywhere across chunks; CRLF and
// empty lines are accepted. A line that is not a JSON object, or that grows past
// the size limit, is a fatal error: the reader stops and says why.
class NdjsonReader final {
public:
    enum class Status { Ok, InvalidLine, LineTooLong };
    using Sink = std::function<void(const QJsonObject &)>;

    static constexpr qsizetype DefaultMaxLineBytes = 64 * 1024 * 1024;

    explicit NdjsonReader(qsizetype maxLineBytes = DefaultMaxLineBytes);

    // Feeds bytes; calls sink for every complete line. Stops at the first bad
    // line (and returns its status); later calls keep returning that status.
    Status feed(QByteArrayView bytes, const Sink &sink);

    // True when bytes of an unterminated line are waiting (at EOF: truncated).
    bool hasPartialLine() const { return !m_buffer.isEmpty(); }
    qsizetype pendingBytes() const { return m_buffer.size(); }
    Status status() const { return m_status; }
    QString errorString() const { return m_error; }
    qint64 linesRead() const { return m_lines; }
    void reset();

private:
    Status parseLine(QByteArrayView line, const Sink &sink);

    QByteArray m_buffer;
    qsizetype m_maxLineBytes;
    qsizetype m_scanned = 0; // bytes of m_buffer already known to hold no '\n'
    qint64 m_lines = 0;
    Status m_status = Status::Ok;
    QString m_error;
};

} // namespace rt::llm
