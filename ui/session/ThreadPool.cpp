#include "session/ThreadPool.h"

#include "losslens/set/SetProcessor.h"

#include <QCoreApplication>
#include <QEvent>
#include <QObject>

#include <algorithm>

#if defined(__SANITIZE_THREAD__)
#define LOSSLENS_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define LOSSLENS_TSAN 1
#endif
#endif

#ifdef LOSSLENS_TSAN
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
#endif

namespace losslens::pool {

#ifdef LOSSLENS_TSAN
namespace {

// One address for every hand-off, as in Qt itself: its pool's queue and each thread's
// posted-event list are guarded by one lock each, so whatever was queued or posted before
// is ordered before what is taken from them after.
char handOff;

class AcquireBeforeEvents : public QObject {
public:
    using QObject::QObject;
    bool eventFilter(QObject*, QEvent* event) override {
        // Only what another thread can post: a future's call-out (a watcher's finished,
        // resultReadyAt) and a queued call. Timers, paints and input stay on one thread, so
        // a GUI timer polling what a worker writes without a lock is still a race.
        if (event->type() == QEvent::FutureCallOut || event->type() == QEvent::MetaCall)
            __tsan_acquire(&handOff);
        return false;
    }
};

} // namespace

void release() {
    __tsan_release(&handOff);
}
void acquire() {
    __tsan_acquire(&handOff);
}
void trackEvents() {
    static bool installed = false;
    auto* app = QCoreApplication::instance();
    if (installed || !app)
        return;
    app->installEventFilter(new AcquireBeforeEvents(app));
    installed = true;
}
#else
void release() {}
void acquire() {}
void trackEvents() {}
#endif

int jobsBesideTheView() {
    return std::max(1, defaultJobs() - 1);
}

} // namespace losslens::pool
