#include "session/JobRunner.h"

#include "session/ThreadPool.h"

#include <algorithm>
#include <utility>

namespace losslens {

JobRunner::JobRunner(std::chrono::milliseconds interval, QObject* parent)
    : QObject(parent) {
    m_timer.setInterval(interval);
    connect(&m_timer, &QTimer::timeout, this, &JobRunner::tick);
    connect(&m_done, &QFutureWatcher<void>::finished, this, [this] {
        if (m_control && m_timer.isActive())
            emit tick();
    });
}

JobRunner::~JobRunner() {
    cancel();
    for (const QFuture<void>& future : m_futures)
        pool::wait(future);
}

void JobRunner::start(std::shared_ptr<JobControl> control, std::function<void()> work) {
    cancel();
    // The futures of jobs that have ended are dropped; those still running stay to be
    // waited for by the destructor.
    std::erase_if(m_futures, [](const QFuture<void>& f) { return !pool::running(f); });
    m_control = std::move(control);
    m_futures.push_back(pool::run([control = m_control, work = std::move(work)] {
        try {
            work();
        } catch (...) {
            control->error = std::current_exception();
        }
        control->finished = true;
    }));
    // The last results are taken when the work returns, not at the next tick (up to an
    // interval later: a 100 ms wait at the end of every scan). The watcher follows the
    // newest job only, so a job cancelled since gets no tick.
    pool::watch(m_done, m_futures.back());
    m_timer.start();
}

void JobRunner::cancel() {
    if (m_control)
        m_control->cancel = true; // its worker finishes on its own
    m_control.reset();
    m_timer.stop();
}

void JobRunner::finish() {
    m_timer.stop();
}

} // namespace losslens
