#pragma once

#include <QString>
#include <QStringView>
#include <optional>

namespace rt::sim {

// One injected failure, written MODE[:ARG] on the command line, in the
// X-Sim-Fault header, or as {"mode","arg"} to POST /_sim/fault.
struct FaultSpec {
    enum class Mode {
        None,
        Busy, // 503 server busy
        NotFound, // 404 model not found
        ErrorMidstream, // ARG tokens, then an {"error"} line, body ends without done
        Drop, // ARG tokens, then the connection closes (no terminator)
        Stall, // ARG tokens, then silence until the client goes away
        SplitUtf8, // the whole response written one byte per write
        HugeLine, // one content chunk of ARG MiB
        InvalidJson, // ARG tokens, then a line that is not JSON, then go on
        SlowFirstToken, // ARG ms before headers and first chunk
        OldServer, // plain-text 404 as a server lacking the endpoint
        ServerError, // 500 {"error"}
        StallHeaders, // accept the request, never answer
    };

    Mode mode = Mode::None;
    int arg = 0;
    bool hasArg = false;

    bool isNone() const { return mode == Mode::None; }
    // Argument with the mode's default when none was given.
    int argOr(int fallback) const { return hasArg ? arg : fallback; }
    QString toString() const;

    // Returns std::nullopt and sets *error on a bad spec.
    static std::optional<FaultSpec> parse(QStringView text, QString *error = nullptr);
    static std::optional<FaultSpec> fromParts(QStringView mode, QStringView arg, QString *error = nullptr);
    static QString modeName(Mode mode);
};

} // namespace rt::sim
