#include "ndjsonreader.h"

#include "common/translate.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace rt::llm {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::llm)
};
} // namespace

NdjsonReader::NdjsonReader(qsizetype maxLineBytes)
    : m_maxLineBytes(maxLineBytes)
{
}

void NdjsonReader::reset()
{
    m_buffer.clear();
    m_scanned = 0;
    m_lines = 0;
    m_status = Status::Ok;
    m_error.clear();
}

NdjsonReader::Status NdjsonReader::parseLine(QByteArrayView line, const Sink &sink)
{
    ++m_lines;
    if (line.endsWith('\r'))
        line.chop(1);
    if (line.trimmed().isEmpty())
        return Status::Ok;
    // fromRawData: parse in place, no copy of the line.
    QJsonParseError parseError {};
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromRawData(line.data(), line.size()), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        m_status = Status::InvalidLine;
        const QByteArray excerpt = line.first(qMin<qsizetype>(80, line.size())).toByteArray();
        m_error = parseError.error != QJsonParseError::NoError
            //: Why a streamed reply could not be read: %1 is a line number, %2 the parse error, %3 a byte offset, %4 the start of the line
            ? Tr::tr("line %1 is not valid JSON (%2 at byte %3): %4")
                  .arg(m_lines)
                  .arg(parseError.errorString())
                  .arg(parseError.offset)
                  .arg(QString::fromUtf8(excerpt))
            //: Why a streamed reply could not be read: %1 is a line number, %2 the start of the line
            : Tr::tr("line %1 is JSON but not an object: %2").arg(m_lines).arg(QString::fromUtf8(excerpt));
        return m_status;
    }
    sink(doc.object());
    return Status::Ok;
}

NdjsonReader::Status NdjsonReader::feed(QByteArrayView bytes, const Sink &sink)
{
    if (m_status != Status::Ok)
        return m_status;

    // Fast path: nothing buffered, so complete lines are parsed straight from
    // the caller's bytes and only the unterminated tail is copied.
    if (m_buffer.isEmpty()) {
        qsizetype start = 0;
        while (true) {
            const qsizetype nl = bytes.indexOf('\n', start);
            if (nl < 0)
                break;
            if (nl - start > m_maxLineBytes)
                break; // reported below via the size check
            if (parseLine(bytes.sliced(start, nl - start), sink) != Status::Ok)
                return m_status;
            start = nl + 1;
        }
        if (start < bytes.size()) {
            m_buffer.append(bytes.sliced(start));
            m_scanned = 0;
        }
    } else {
        m_buffer.append(bytes);
        qsizetype start = 0;
        qsizetype from = m_scanned;
        while (true) {
            const qsizetype nl = m_buffer.indexOf('\n', from);
            if (nl < 0)
                break;
            if (nl - start > m_maxLineBytes)
                break;
            if (parseLine(QByteArrayView(m_buffer).sliced(start, nl - start), sink) != Status::Ok)
                return m_status;
            start = nl + 1;
            from = start;
        }
        if (start > 0)
            m_buffer.remove(0, start);
        m_scanned = m_buffer.size();
    }

    if (m_buffer.size() > m_maxLineBytes) {
        m_status = Status::LineTooLong;
        //: Why a streamed reply could not be read: %1 is a size in megabytes; NDJSON is a format name
        m_error = Tr::tr("a line is longer than %1 MB; the stream is not NDJSON or is corrupt").arg(m_maxLineBytes / (1024 * 1024));
        m_buffer.clear();
    }
    return m_status;
}

} // namespace rt::llm
