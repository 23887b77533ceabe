#include "pgtest.h"

#include "testpaths.h"

#include <QDir>
#include <QFile>

namespace rt::test {

QString postgresUrl()
{
    const QString env = qEnvironmentVariable("RT_TEST_PG_URL");
    if (!env.isEmpty())
        return env;
    QFile file(QDir(buildDir()).filePath(QStringLiteral("pg/url")));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).trimmed();
}

bool postgresRequired()
{
    // RT_REQUIRE_POSTGRES=1 is set by ctest in CI builds (cmake/ProjectOptions.cmake);
    // CI alone counts too, for a test run by hand in a CI shell.
    const QString required = qEnvironmentVariable("RT_REQUIRE_POSTGRES");
    if (!required.isEmpty())
        return required != u"0";
    return qEnvironmentVariableIsSet("CI");
}

QString postgresMissingReason()
{
    return QStringLiteral("PostgreSQL test server not available: %1/pg/url does not exist. Install Debian's 'postgresql' package and run "
                          "the test through ctest, whose 'postgres' fixture (tests/support/pg-cluster.sh) starts a throwaway cluster, "
                          "or set RT_TEST_PG_URL=postgresql://user@host:port/db.%2")
        .arg(buildDir(),
            postgresRequired() ? QStringLiteral(" RT_REQUIRE_POSTGRES (or CI) is set, so this is a failure: CI must test PostgreSQL.")
                               : QString());
}

} // namespace rt::test
