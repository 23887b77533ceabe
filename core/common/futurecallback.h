#pragma once

#include "common/result.h"

#include <QCoreApplication>
#include <QFuture>
#include <QFutureWatcher>
#include <QObject>
#include <QPromise>
#include <memory>
#include <utility>

namespace rt {

// Calls fn(result) on `context`'s thread once `future` has finished: always
// later (never inside this call), in the order the futures finish, and never
// after `context` is destroyed (the watcher is its child). Call it on the
// context's thread. Unlike QFuture::then(context, ...) in Qt 6.4, a context
// destroyed while the future is pending is safe (6.4 asserts on it).
// T is a Result type: a future cancelled without a result arrives as an error.
template<typename T, typename Fn> void whenReady(const QFuture<T> &future, QObject *context, Fn &&fn)
{
    auto *watcher = new QFutureWatcher<T>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, watcher, [watcher, fn = std::forward<Fn>(fn)]() mutable {
        watcher->deleteLater();
        const QFuture<T> done = watcher->future();
        if (done.resultCount() > 0)
            fn(done.result());
        else
            fn(T(rt::Error {
                QStringLiteral("cancelled"), QCoreApplication::translate("rt", "The operation was abandoned before it finished.") }));
    });
    watcher->setFuture(future);
}

// A future that already holds `value`.
template<typename T> QFuture<T> readyFuture(T value)
{
    QPromise<T> promise;
    promise.start();
    promise.addResult(std::move(value));
    promise.finish();
    return promise.future();
}

// A promise shared between the code that starts work and the callback that ends it.
template<typename T> std::shared_ptr<QPromise<T>> startedPromise()
{
    auto promise = std::make_shared<QPromise<T>>();
    promise->start();
    return promise;
}

template<typename T> void fulfil(QPromise<T> &promise, T value)
{
    promise.addResult(std::move(value));
    promise.finish();
}

} // namespace rt
