#pragma once

#include <QFuture>
#include <QFutureWatcher>
#include <QObject>
#include <QTimer>

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <vector>

namespace losslens {

// What a set-wide job's worker and the GUI thread share besides the job's own results: the
// worker reads `cancel` between samples; the runner sets `finished` (and `error`, when the
// work threw) once the work has returned, after everything it wrote.
struct JobControl {
    std::atomic<bool> cancel{false};
    std::atomic<bool> finished{false};
    std::exception_ptr error; // written before finished
};

// One set-wide job at a time on the thread pool, looked at on the GUI thread: the window's
// scan, the other runs' scores and the export of the whole set each own one. The worker
// pushes what it finds into the job's state (a JobOutbox); tick() comes on the GUI thread's
// own clock while the job is on, so a drain takes a batch per interval and no event per
// sample is posted across threads; and once more as soon as the work returns, so its last
// results are not left waiting for the clock. Starting a job cancels the one before without waiting
// (a closed set never holds the window up; that job's results are dropped with its state);
// the destructor cancels whatever still runs and waits for it, so no worker outlives its
// owner.
class JobRunner : public QObject {
    Q_OBJECT
public:
    explicit JobRunner(std::chrono::milliseconds interval, QObject* parent = nullptr);
    ~JobRunner() override;
    JobRunner(const JobRunner&) = delete;
    JobRunner& operator=(const JobRunner&) = delete;

    // Runs `work` on the pool; `control` is the job's (shared with the state `work` captures).
    // The job before is cancelled. Ticks start at once.
    void start(std::shared_ptr<JobControl> control, std::function<void()> work);
    // The job is wanted no more: its cancel flag is set and ticks stop.
    void cancel();
    // The tick handler has taken the job's last results: ticks stop; control() stays.
    void finish();

    // The job running or finished and not yet taken (ticks are coming); false once
    // cancelled or finished.
    [[nodiscard]] bool active() const { return m_timer.isActive(); }
    // The job's control, null before the first start and after cancel().
    [[nodiscard]] const std::shared_ptr<JobControl>& control() const { return m_control; }
    // Whether the work has returned (its writes visible); true without a job.
    [[nodiscard]] bool workDone() const { return !m_control || m_control->finished.load(); }

signals:
    void tick();

private:
    std::shared_ptr<JobControl> m_control;
    std::vector<QFuture<void>> m_futures; // every job not yet seen to end, cancelled or not
    QTimer m_timer;
    QFutureWatcher<void> m_done; // the newest job's end: one tick at once
};

} // namespace losslens
