// The score index on reopening a set (spec section 7, label bench; run by hand, or by
// tests/perf/reopen_index.py on 10,000 float16 samples): the window opens the set twice in
// one run, first with the index cleared, then again; each time from the listing (the
// session's opened()) to every row scored (scanCompleted()), and the samples it loaded.
// Then one prediction is rewritten and the set reopened: that one sample is scored again.
// The set is $LOSSLENS_REOPEN_SET, else 1,000 demo samples of 128 x 128.
#include "../ui/TestWindow.h"
#include "losslens/demo/DemoDataset.h"
#include "losslens/review/ReviewLocation.h"
#include "losslens/review/ScoreIndex.h"
#include "session/DatasetSession.h"
#include "session/MemoryPolicy.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

using namespace losslens;
namespace fs = std::filesystem;

namespace {

struct Opening {
    double listed = 0.0; // openFolder to opened()
    double scored = 0.0; // opened() to scanCompleted()
    std::size_t loads = 0;
    bool ok = false;
};

Opening openInWindow(const fs::path& root) {
    Opening out;
    testing::TestWindow w;
    w.resize(1600, 1000);
    w.show();
    QCoreApplication::processEvents();
    QElapsedTimer timer;
    QEventLoop loop;
    qint64 listedNs = 0;
    QObject::connect(w.session(), &DatasetSession::opened, &loop,
                     [&] { listedNs = timer.nsecsElapsed(); });
    QObject::connect(w.session(), &DatasetSession::scanCompleted, &loop, &QEventLoop::quit);
    QTimer::singleShot(1200000, &loop, &QEventLoop::quit);
    timer.start();
    w.openFolder(QString::fromStdString(root.string()));
    if (!w.session()->isScored())
        loop.exec();
    out.ok = w.session()->isScored();
    out.listed = static_cast<double>(listedNs) * 1e-9;
    out.scored = static_cast<double>(timer.nsecsElapsed() - listedNs) * 1e-9;
    out.loads = w.session()->sampleLoads();
    return out;
}

void BM_ReopenSet(benchmark::State& state) {
    static QTemporaryDir scratch;
    fs::path root;
    if (const char* given = std::getenv("LOSSLENS_REOPEN_SET")) {
        root = given;
    } else {
        root = fs::path(scratch.path().toStdString()) / "reopen";
        DemoOptions options;
        options.count = 1000;
        options.size = 128;
        writeDemoDataset(root, options, true);
        // Files younger than two seconds are never kept.
        const auto then = fs::file_time_type::clock::now() - std::chrono::minutes(1);
        for (const auto& e : fs::recursive_directory_iterator(root))
            if (e.is_regular_file())
                fs::last_write_time(e.path(), then);
    }
    const fs::path db = reviewLocation(root).database;
    Opening first;
    Opening again;
    Opening changed;
    for (auto _ : state) {
        (void)ScoreIndex::clear(db);
        first = openInWindow(root);
        again = openInWindow(root);
        // A prediction rewritten (the same bytes, a new time): scored again on reopening. The
        // last stem's, which the viewer (showing the first) does not load itself.
        fs::path prediction;
        for (const auto& e : fs::directory_iterator(root / "predictions"))
            if ((e.path().extension() == ".npy" || e.path().extension() == ".npz") &&
                e.path() > prediction)
                prediction = e.path();
        fs::last_write_time(prediction,
                            fs::file_time_type::clock::now() - std::chrono::seconds(30));
        changed = openInWindow(root);
        if (!first.ok || !again.ok || !changed.ok)
            return state.SkipWithError("a scan did not end");
    }
    state.counters["listing_s"] = again.listed;
    state.counters["first_rows_s"] = first.scored;
    state.counters["first_loads"] = static_cast<double>(first.loads);
    state.counters["reopen_rows_s"] = again.scored;
    state.counters["reopen_loads"] = static_cast<double>(again.loads);
    state.counters["changed_rows_s"] = changed.scored;
    state.counters["changed_loads"] = static_cast<double>(changed.loads);
}

} // namespace

BENCHMARK(BM_ReopenSet)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);

int main(int argc, char** argv) {
    returnLargeBuffersToTheSystem(); // as the losslens binary does
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QStandardPaths::setTestModeEnabled(true); // leave the user's settings alone
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
