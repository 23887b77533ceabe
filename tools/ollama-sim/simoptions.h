#pragma once

#include "debatesimconfig.h"
#include "faultspec.h"

#include <QString>
#include <QStringList>

namespace rt::sim {

struct SimOptions {
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 11434;
    quint64 seed = 42;
    int tokens = 40;
    int tokensPerSecond = 0;
    int firstTokenDelayMs = 0;
    int pullMs = 1500;
    int maxSeconds = 0;
    FaultSpec fault;
    QString modelsFile;
    QString version = QStringLiteral("0.12.6");
    bool quiet = false;
    DebateSimConfig debate; // debate-participant mode

    // Parses the command line; on error returns false with a message.
    bool parse(const QStringList &arguments, QString *error);
};

} // namespace rt::sim
