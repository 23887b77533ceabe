#pragma once

#include <QString>

namespace rt {
// A short id that follows one request or debate turn through the log ("r-0001a3").
QString nextCorrelationId(QStringView prefix = u"r");
} // namespace rt
