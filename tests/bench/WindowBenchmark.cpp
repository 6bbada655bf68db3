// Google Benchmark programs for the whole window on sets on disk (part of ui_benchmarks,
// whose main is in UiBenchmark.cpp): moving to a cached sample (50 ms), opening a folder of
// 10,000 samples until the list and the first sample show (1 s), the process's peak memory
// after visiting every sample of a set of 2048 x 2048 samples (1.5 GB), a sample larger than
// the memory budget, and the background scan of a whole set against `stats`. Wall-clock
// medians: quote them with their peers.
#include "../ui/TestWindow.h"
#include "losslens/demo/DemoDataset.h"
#include "losslens/io/Dataset.h"
#include "losslens/set/SetProcessor.h"
#include "panels/SampleTableModel.h"
#include "session/DatasetSession.h"
#include "session/MemoryPolicy.h"
#include "session/SampleCache.h"
#include "view/Canvas.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

using namespace losslens;

namespace {

QTemporaryDir& scratch() {
    static QTemporaryDir dir;
    return dir;
}

std::filesystem::path demoSet(const char* name, int count, int size) {
    const auto root = std::filesystem::path(scratch().path().toStdString()) / name;
    if (!std::filesystem::exists(root / "dataset.json")) {
        DemoOptions options;
        options.count = count;
        options.size = size;
        options.missing = std::min(count, 3 * count);
        writeDemoDataset(root, options, true);
    }
    return root;
}

// Runs the event loop until `done` or 60 s; false on time-out.
template <typename F> bool waitFor(F done, qint64 timeoutMs = 60000) {
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    return true;
}

std::unique_ptr<testing::TestWindow> shownWindow() {
    auto w = std::make_unique<testing::TestWindow>();
    w->resize(1600, 1000);
    w->show();
    QCoreApplication::processEvents();
    return w;
}

// The process's peak resident memory since the last resetPeakRss() (Linux VmHWM), so the
// figure covers the window only, not the generation of the data set before it.
void resetPeakRss() {
    std::ofstream("/proc/self/clear_refs") << "5";
}
double peakRssMiB() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stod(line.substr(6)) / 1024.0; // kB
    return 0.0;
}

// Moving between two samples already in the cache: from the selection to the canvas
// painted with the new sample (plots, details and readout updated on the way).
void BM_MoveToCachedSample(benchmark::State& state) {
    const auto root = demoSet("large", 8, 2048);
    auto w = shownWindow();
    w->openFolder(QString::fromStdString(root.string()));
    if (!waitFor([&] { return w->currentSample() && w->session()->scanFinished(); }))
        return state.SkipWithError("the set did not open");
    for (std::size_t entry : {std::size_t{1}, std::size_t{0}}) {
        w->selectEntry(entry);
        waitFor([&] { return w->currentSample() && w->currentSample()->entry == entry; });
    }
    std::size_t target = 0;
    for (auto _ : state) {
        target ^= 1;
        w->selectEntry(target);
        if (!waitFor([&] { return w->currentSample() && w->currentSample()->entry == target; }))
            return state.SkipWithError("the sample did not arrive");
        w->canvas()->repaint();
    }
    state.counters["sample_MiB"] =
        static_cast<double>(w->currentSample()->bytes()) / (1024.0 * 1024.0);
}

// Opening a folder of 10,000 small samples: from openFolder to the list filled and the
// first sample painted (the background scan goes on afterwards).
void BM_OpenFolder(benchmark::State& state) {
    const auto root = demoSet("many", static_cast<int>(state.range(0)), 32);
    for (auto _ : state) {
        state.PauseTiming();
        auto w = shownWindow();
        state.ResumeTiming();
        w->openFolder(QString::fromStdString(root.string()));
        if (!waitFor([&] {
                return w->currentSample() &&
                       w->tableModel()->rowCount() == static_cast<int>(state.range(0));
            }))
            return state.SkipWithError("the set did not open");
        w->canvas()->repaint();
        state.PauseTiming();
        w.reset();
        state.ResumeTiming();
    }
}

// Peak memory of the whole process after opening a set of 2048 x 2048 samples, letting the
// scan score all of them and showing every one in turn three times; the cache keeps to its
// budget and freed samples go back to the system.
void BM_MemoryOverTheSet(benchmark::State& state) {
    const auto root = demoSet("large", 8, 2048);
    resetPeakRss();
    const double before = peakRssMiB();
    for (auto _ : state) {
        auto w = shownWindow();
        w->openFolder(QString::fromStdString(root.string()));
        if (!waitFor([&] { return w->currentSample() != nullptr; }))
            return state.SkipWithError("the set did not open");
        for (std::size_t step = 0; step < 24; ++step) { // three times through the set
            const std::size_t entry = step % 8;
            w->selectEntry(entry);
            waitFor([&] { return w->currentSample() && w->currentSample()->entry == entry; });
            w->canvas()->repaint();
        }
        waitFor([&] { return w->session()->scanFinished(); });
    }
    state.counters["peak_rss_MiB"] = peakRssMiB();
    state.counters["rss_before_MiB"] = before;
    state.counters["cache_budget_MiB"] = static_cast<double>(SampleCache::kDefaultBudget >> 20);
}

// One big sample (issue: big images), given by tests/perf/big_sample.py through
// LOSSLENS_BIG_SAMPLE=DATASET: from openFolder to the first paint of the sample, then the
// scan's end; peak resident memory of the process over it, and against the prediction's
// float32 size. Skipped without the variable.
void BM_BigSampleWindow(benchmark::State& state) {
    const char* folder = std::getenv("LOSSLENS_BIG_SAMPLE");
    if (folder == nullptr)
        return state.SkipWithError("set LOSSLENS_BIG_SAMPLE (tests/perf/big_sample.py does)");
    resetPeakRss();
    const double before = peakRssMiB();
    double firstPaint = 0.0;
    double loaded = 0.0;
    double settled = 0.0;
    std::vector<double> frames;
    for (auto _ : state) {
        auto w = shownWindow();
        const auto start = std::chrono::steady_clock::now();
        const auto since = [&start] {
            return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        };
        QObject::connect(w->session(), &DatasetSession::sampleReady, w.get(),
                         [&] { loaded = since(); });
        w->openFolder(QString::fromUtf8(folder));
        if (!waitFor([&] { return w->currentSample() != nullptr; }, 600000))
            return state.SkipWithError("the sample did not arrive");
        w->canvas()->repaint();
        firstPaint = since();
        // Pan and zoom: each frame a new viewport, every layer drawn for it (a big sample's
        // heatmap scored for the screen's pixels).
        Canvas* canvas = w->canvas();
        const QSize image = canvas->imageSize();
        const double fit = canvas->zoom();
        for (const double zoom : {fit, fit * 2.0, 0.25, 1.0, 4.0, 1.0, fit * 3.0, fit})
            for (const double at : {0.1, 0.5, 0.8}) {
                const QPointF offset(-image.width() * at * zoom + 200.0,
                                     -image.height() * (1.0 - at) * zoom + 100.0);
                const auto frame = std::chrono::steady_clock::now();
                canvas->setView(zoom, offset);
                canvas->repaint();
                frames.push_back(
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - frame)
                        .count());
            }
        waitFor([&] { return w->session()->scanFinished(); }, 600000);
        settled = since();
        state.counters["prediction_f32_MiB"] =
            static_cast<double>(w->currentSample()->sample.prediction.raster().values().size()) *
            4.0 / (1024.0 * 1024.0);
    }
    std::sort(frames.begin(), frames.end());
    state.counters["first_paint_s"] = firstPaint;
    state.counters["paint_after_load_s"] = firstPaint - loaded;
    state.counters["frame_median_ms"] = frames.empty() ? 0.0 : frames[frames.size() / 2] * 1e3;
    state.counters["frame_max_ms"] = frames.empty() ? 0.0 : frames.back() * 1e3;
    state.counters["scan_done_s"] = settled;
    state.counters["peak_rss_MiB"] = peakRssMiB();
    state.counters["rss_before_MiB"] = before;
}

// The window's scan of a whole set, the job a user waits for after opening a folder: from
// openFolder to every row scored, against core's processSet with 2 jobs (what `losslens-cli
// stats --jobs 2` runs) on the same set in the same run, in wall time and in CPU time (every
// thread's: steadier on a shared machine), and against the command itself (`losslens-cli
// stats --jobs 2 --no-index` beside this binary, its wall time from start to exit, its table
// to /dev/null; scan_vs_stats); then the CPU time of the window's
// first second after the scan, and the window left open and idle for 5 s after that, and the
// share of a core it used meanwhile (the set watcher). The set is $LOSSLENS_SCAN_SET, else
// 2,000 demo samples of 128 x 128.
void BM_WindowScan(benchmark::State& state) {
    const char* given = std::getenv("LOSSLENS_SCAN_SET");
    const auto root = given != nullptr ? std::filesystem::path(given) : demoSet("scan", 2000, 128);
    const auto cpuSeconds = [] {
        rusage usage{};
        getrusage(RUSAGE_SELF, &usage);
        return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
               static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6;
    };
    double scan = 0.0;
    double idle = 0.0;
    double afterScan = 0.0;
    double core = 0.0;
    double scanCpu = 0.0;
    double coreCpu = 0.0;
    double statsCommand = 0.0; // 0: losslens-cli not beside this binary, or it failed
    // Each timed part starts after the machine was quiet for a few seconds, as a user's
    // window or `stats` run does: on a VM that hands memory the guest freed back to its host
    // (virtio free page reporting, after about 2 s), a process's first touch of fresh memory
    // is then 20x slower than the touch of memory freed a moment ago (0.3-0.4 GB/s against 6-7
    // GB/s here), and the peer run right after the window closed would meet only the latter.
    // Every file of the set read once first (through one 1 MiB buffer), so both parts find
    // it in the page cache: a set read by the part before (or not at all since a build) can
    // be partly evicted, and the window's workers then wait on the disk where the peer's did
    // not (perf sched: 3,287 waits in filemap_read in one window's scan of 10,000 samples).
    const auto settle = [&root] {
        std::vector<char> buffer(std::size_t{1} << 20);
        for (const auto& file : std::filesystem::recursive_directory_iterator(root)) {
            std::ifstream in(file.path(), std::ios::binary);
            while (file.is_regular_file() && in.read(buffer.data(), std::ssize(buffer)))
                ;
        }
        QEventLoop quiet;
        QTimer::singleShot(4000, &quiet, &QEventLoop::quit);
        quiet.exec();
    };
    for (auto _ : state) {
        auto w = shownWindow();
        w->session()->setScoreIndexUsed(false); // the scan itself (ReopenBenchmark: the index)
        settle();
        QElapsedTimer timer;
        timer.start();
        const double scanStart = cpuSeconds();
        // The event loop blocks between events, as the application's does (waitFor's
        // polling would take a core from the scan).
        QEventLoop scanning;
        QObject::connect(w->session(), &DatasetSession::scanCompleted, &scanning,
                         &QEventLoop::quit);
        QTimer::singleShot(600000, &scanning, &QEventLoop::quit);
        w->openFolder(QString::fromStdString(root.string()));
        if (!w->session()->isScored())
            scanning.exec();
        if (!w->session()->isScored())
            return state.SkipWithError("the scan did not end");
        scan = static_cast<double>(timer.nsecsElapsed()) * 1e-9;
        scanCpu = cpuSeconds() - scanStart;
        // The window's last second of work for the scan (its final sort, plots and candidate
        // list, the prefetch of the shown sample's neighbour), counted on its own; then idle:
        // the event loop blocks between events, as the application's does.
        const double ended = cpuSeconds();
        QEventLoop settling;
        QTimer::singleShot(1000, &settling, &QEventLoop::quit);
        settling.exec();
        const double before = cpuSeconds();
        afterScan = (before - ended) * 1e3;
        QEventLoop loop;
        QTimer::singleShot(5000, &loop, &QEventLoop::quit);
        loop.exec();
        idle = (cpuSeconds() - before) / 5.0 * 100.0;
        w.reset();
        settle();
        QElapsedTimer cli;
        cli.start();
        const double coreStart = cpuSeconds();
        ProcessOptions options;
        options.jobs = 2;
        options.images = Dataset::Image::Skip; // as `stats` runs it
        (void)processSet(Dataset::open(root), options);
        core = static_cast<double>(cli.nsecsElapsed()) * 1e-9;
        coreCpu = cpuSeconds() - coreStart;
        const QString command = QCoreApplication::applicationDirPath() + "/losslens-cli";
        if (std::filesystem::exists(command.toStdString())) {
            settle();
            QProcess stats;
            stats.setStandardOutputFile(QProcess::nullDevice());
            QElapsedTimer ran;
            ran.start();
            stats.start(command, {QStringLiteral("stats"), QString::fromStdString(root.string()),
                                  QStringLiteral("--jobs"), QStringLiteral("2"),
                                  QStringLiteral("--no-index")});
            if (stats.waitForFinished(600000) && stats.exitCode() == 0)
                statsCommand = static_cast<double>(ran.nsecsElapsed()) * 1e-9;
        }
    }
    state.counters["scan_s"] = scan;
    state.counters["processSet_jobs2_s"] = core;
    state.counters["scan_vs_cli"] = scan / core;
    if (statsCommand > 0.0) {
        state.counters["stats_command_s"] = statsCommand;
        state.counters["scan_vs_stats"] = scan / statsCommand;
    }
    // CPU time (every thread's), steadier than the wall on a shared machine.
    state.counters["scan_cpu_s"] = scanCpu;
    state.counters["processSet_cpu_s"] = coreCpu;
    state.counters["idle_cpu_pct"] = idle;
    state.counters["after_scan_cpu_ms"] = afterScan;
}

BENCHMARK(BM_BigSampleWindow)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);
BENCHMARK(BM_MoveToCachedSample)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_OpenFolder)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK(BM_MemoryOverTheSet)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
BENCHMARK(BM_WindowScan)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);

} // namespace
