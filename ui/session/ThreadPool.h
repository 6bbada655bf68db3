#pragma once

// Work on Qt's global thread pool, as QtConcurrent::run does, with the hand-offs made
// visible to ThreadSanitizer. Debian's Qt is not built with TSan: the pool's queue, a
// future's wait and the event queue synchronise through Qt's futex-based locks, which TSan
// cannot see, so every task's captures and results read as races. Each task here starts
// after a release the GUI thread made when it queued it, and releases once it has stored
// its result; the GUI thread acquires before each event another thread can post (a
// watcher's finished signal, a queued call) and after each wait. In other builds the
// annotations are empty.

#include <QFuture>
#include <QFutureWatcher>
#include <QPromise>
#include <QRunnable>
#include <QThreadPool>

#include <exception>
#include <memory>
#include <type_traits>
#include <utility>

namespace losslens::pool {

// The edges TSan is told about (ThreadPool.cpp); no-ops without TSan.
void release();
void acquire();
// Installs the application-wide event filter that acquires before every event (once).
void trackEvents();

// The workers of a set-wide job that runs beside what the window shows (run scores, an
// export): every core but one, which stays with the sample in view. The set's own scan takes
// every core, as stats does.
[[nodiscard]] int jobsBesideTheView();

namespace detail {

// A pool task whose first instrumented step is the acquire: Qt calls run() through the
// vtable from its own (uninstrumented) code, so nothing of the task is read before it.
template <typename Result, typename Work> class Task final : public QRunnable {
public:
    Task(std::shared_ptr<QPromise<Result>> promise, Work work)
        : m_promise(std::move(promise))
        , m_work(std::move(work)) {}
    void run() override {
        acquire();
        try {
            if constexpr (std::is_void_v<Result>)
                m_work();
            else
                m_promise->addResult(m_work());
        } catch (...) {
            m_promise->setException(std::current_exception());
        }
        release();
        m_promise->finish();
    }

private:
    std::shared_ptr<QPromise<Result>> m_promise;
    Work m_work;
};

} // namespace detail

// Runs `work()` on the global pool; the future holds its result.
template <typename Work> auto run(Work work) -> QFuture<std::invoke_result_t<Work&>> {
    using Result = std::invoke_result_t<Work&>;
    auto promise = std::make_shared<QPromise<Result>>();
    QFuture<Result> future = promise->future();
    promise->start();
    // The task is complete before the release, so the worker's reads of it are ordered
    // after its construction; the pool deletes it once run() returns.
    auto* task = new detail::Task<Result, Work>(std::move(promise), std::move(work));
    trackEvents();
    release();
    QThreadPool::globalInstance()->start(task);
    return future;
}

// Whether the task behind `future` still runs; once it does not, its effects are visible
// (as after wait()), so its result may be read or replaced.
template <typename T> [[nodiscard]] bool running(const QFuture<T>& future) {
    if (future.isRunning())
        return true;
    acquire();
    return false;
}

// Points `watcher` at `next` (a task of run()). Replacing a watcher's future can drop, on this
// thread, the last reference to a previous task's result, which frees it: acquire first, so
// the finished task's writes are ordered before that free (TSan saw the free race the
// task's store of its result).
template <typename T> void watch(QFutureWatcher<T>& watcher, QFuture<T> next) {
    acquire();
    watcher.setFuture(std::move(next));
}

// Waits for `future` (a finished or cancelled task) and makes its effects visible.
template <typename T> void wait(QFuture<T> future) {
    future.waitForFinished();
    acquire();
}

} // namespace losslens::pool
