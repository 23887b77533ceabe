#pragma once

#include "debate/debatetypes.h"

#include <QCoreApplication>
#include <QList>
#include <QString>

namespace rt::ui {

// The words the window uses for a debate's kinds: one place, so the list,
// the form and the table say the same thing.
class DebateText final {
    Q_DECLARE_TR_FUNCTIONS(rt::ui::DebateText)
public:
    static QList<rt::debate::FormatKind> formats(); // in the order the form offers them
    static QString formatName(rt::debate::FormatKind kind); // "Round robin"
    static QString formatName(const QString &stored); // "round-robin" -> "Round robin"
    static QString formatHelp(rt::debate::FormatKind kind); // one sentence on what it does
    static QString phaseName(const QString &phase); // "answers", "revision", ...
    static QString roleName(rt::debate::SeatRole role); // "debater", "judge", ...
    static QString turnKindName(rt::TurnKind kind); // "synthesis", "verdict", ... in the reader's language
    static QString turnStatusName(rt::TurnStatus status); // "partial", "failed", ...
};

} // namespace rt::ui
