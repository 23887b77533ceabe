#include "faultspec.h"

#include <QStringList>
#include <array>
#include <utility>

using namespace Qt::StringLiterals;

namespace rt::sim {

namespace {
struct ModeName {
    FaultSpec::Mode mode;
    QLatin1StringView name;
    bool argAllowed;
};

constexpr std::array kModes {
    ModeName { FaultSpec::Mode::Busy, "busy"_L1, false },
    ModeName { FaultSpec::Mode::NotFound, "not_found"_L1, false },
    ModeName { FaultSpec::Mode::ErrorMidstream, "error_midstream"_L1, true },
    ModeName { FaultSpec::Mode::Drop, "drop"_L1, true },
    ModeName { FaultSpec::Mode::Stall, "stall"_L1, true },
    ModeName { FaultSpec::Mode::SplitUtf8, "split_utf8"_L1, false },
    ModeName { FaultSpec::Mode::HugeLine, "huge_line"_L1, true },
    ModeName { FaultSpec::Mode::InvalidJson, "invalid_json"_L1, true },
    ModeName { FaultSpec::Mode::SlowFirstToken, "slow_first_token"_L1, true },
    ModeName { FaultSpec::Mode::OldServer, "old_server"_L1, false },
    ModeName { FaultSpec::Mode::ServerError, "server_error"_L1, false },
    ModeName { FaultSpec::Mode::StallHeaders, "stall_headers"_L1, false },
};
} // namespace

QString FaultSpec::modeName(Mode mode)
{
    for (const auto &m : kModes) {
        if (m.mode == mode)
            return QString(m.name);
    }
    return u"none"_s;
}

QString FaultSpec::toString() const
{
    if (mode == Mode::None)
        return {};
    QString s = modeName(mode);
    if (hasArg)
        s += u':' + QString::number(arg);
    return s;
}

std::optional<FaultSpec> FaultSpec::fromParts(QStringView mode, QStringView arg, QString *error)
{
    const QStringView name = mode.trimmed();
    const QStringView argText = arg.trimmed();
    if (name.isEmpty() || name == u"none") {
        if (!argText.isEmpty()) {
            if (error)
                *error = u"fault \"none\" takes no argument"_s;
            return std::nullopt;
        }
        return FaultSpec {};
    }
    for (const auto &m : kModes) {
        if (name != m.name)
            continue;
        FaultSpec spec;
        spec.mode = m.mode;
        if (!argText.isEmpty()) {
            if (!m.argAllowed) {
                if (error)
                    *error = u"fault \"%1\" takes no argument"_s.arg(name);
                return std::nullopt;
            }
            bool ok = false;
            const int value = argText.toInt(&ok);
            if (!ok || value < 0) {
                if (error)
                    *error = u"fault \"%1\": argument must be a non-negative integer, got \"%2\""_s.arg(name, argText);
                return std::nullopt;
            }
            spec.arg = value;
            spec.hasArg = true;
        }
        return spec;
    }
    if (error) {
        QStringList names;
        for (const auto &m : kModes)
            names << QString(m.name);
        *error = u"unknown fault \"%1\" (known: %2)"_s.arg(name, names.join(u", "_s));
    }
    return std::nullopt;
}

std::optional<FaultSpec> FaultSpec::parse(QStringView text, QString *error)
{
    const qsizetype colon = text.indexOf(u':');
    if (colon < 0)
        return fromParts(text, {}, error);
    return fromParts(text.left(colon), text.mid(colon + 1), error);
}

} // namespace rt::sim
