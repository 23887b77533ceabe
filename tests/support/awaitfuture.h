#pragma once

// A future's value, waited for with the event loop running (storage and
// network callbacks keep flowing); a future that never finishes stops the
// test with a message instead of hanging it.
#include <QFuture>
#include <QTest>

namespace rt::test {

template<typename T> T await(QFuture<T> future, int timeoutMs = 20000)
{
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, timeoutMs))
        qFatal("a future did not finish in %d ms", timeoutMs);
    return future.result();
}

} // namespace rt::test
