#pragma once

#include <QString>

namespace rt::test {
inline QString simulatorPath()
{
    return QStringLiteral(RT_SIM_PATH);
}
inline QString appPath()
{
    return QStringLiteral(RT_APP_PATH);
}
inline QString sourceDir()
{
    return QStringLiteral(RT_SOURCE_DIR);
}
inline QString buildDir()
{
    return QStringLiteral(RT_BUILD_DIR);
}
} // namespace rt::test
