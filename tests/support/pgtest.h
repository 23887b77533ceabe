#pragma once

#include <QString>
#include <QtTest/QTest>

namespace rt::test {

// URL of the PostgreSQL test server: $RT_TEST_PG_URL, else the file
// <build>/pg/url that ctest's 'postgres' fixture (pg-cluster.sh) writes.
// Empty when there is none.
QString postgresUrl();

// CI must run the PostgreSQL tests: with RT_REQUIRE_POSTGRES set (not "0"),
// or else CI set, a missing server is a failure, not a skip.
bool postgresRequired();

// What to tell the user when postgresUrl() is empty.
QString postgresMissingReason();

} // namespace rt::test

// In a test function: skip (locally) or fail (CI) when PostgreSQL is absent.
#define RT_REQUIRE_POSTGRES()                                                                                                              \
    do {                                                                                                                                   \
        if (rt::test::postgresUrl().isEmpty()) {                                                                                           \
            const QByteArray rtPgReason = rt::test::postgresMissingReason().toUtf8();                                                      \
            if (rt::test::postgresRequired())                                                                                              \
                QFAIL(rtPgReason.constData());                                                                                             \
            QSKIP(rtPgReason.constData());                                                                                                 \
        }                                                                                                                                  \
    } while (false)
