#include "losslens/set/Bench.h"

#include "losslens/loss/LossComputer.h"
#include "losslens/set/SetProcessor.h"

#include <Eigen/Core>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>

namespace losslens {

namespace {

BenchTiming summarise(std::vector<double> perSample) {
    BenchTiming t;
    if (perSample.empty())
        return t;
    std::sort(perSample.begin(), perSample.end());
    t.min = perSample.front();
    const std::size_t m = perSample.size() / 2;
    t.median = perSample.size() % 2 ? perSample[m] : (perSample[m - 1] + perSample[m]) / 2.0;
    return t;
}

template <typename F> double timeMs(F&& f) {
    const auto start = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
}

} // namespace

BenchResult runBench(const Dataset& dataset, const BenchOptions& options) {
    BenchResult result;
    result.threads = std::max(1, options.threads);
    std::vector<LoadedSample> samples;
    for (std::size_t i = 0; i < dataset.entries().size(); ++i) {
        if (!dataset.entries()[i].complete()) {
            ++result.failed;
            continue;
        }
        try {
            samples.push_back(dataset.load(i));
        } catch (const std::exception&) {
            ++result.failed;
        }
    }
    result.samples = samples.size();
    if (samples.empty())
        return result;
    result.pixelsPerSample = static_cast<std::int64_t>(samples.front().labels.pixelCount());
    result.classes = samples.front().prediction.classes();
    const LossConfig config = dataset.config().lossConfig();

    std::vector<double> maps, stream;
    const auto count = static_cast<double>(samples.size());
    // Like a pipeline scoring sample after sample, each task reuses a result's buffers: a
    // pool shared by the repeats (parallelFor's threads are new each time, so a
    // thread_local would be allocated and faulted in again on every repeat but with one
    // thread, which runs on the caller).
    std::mutex poolMutex;
    std::vector<std::unique_ptr<LossResult>> pool;
    for (int r = 0; r < std::max(1, options.repeat); ++r) {
        std::atomic<std::int64_t> sink{0};
        maps.push_back(timeMs([&] {
                           parallelFor(samples.size(), result.threads, [&](std::size_t i) {
                               std::unique_ptr<LossResult> loss;
                               {
                                   std::lock_guard lock(poolMutex);
                                   if (!pool.empty()) {
                                       loss = std::move(pool.back());
                                       pool.pop_back();
                                   }
                               }
                               if (!loss)
                                   loss = std::make_unique<LossResult>();
                               computeLoss(samples[i].labels, samples[i].prediction, config,
                                           referenceVariants(), *loss, samples[i].annotation);
                               sink += loss->summary.removedPixels;
                               std::lock_guard lock(poolMutex);
                               pool.push_back(std::move(loss));
                           });
                       }) /
                       count);
        std::atomic<std::int64_t> streamSink{0};
        stream.push_back(timeMs([&] {
                             parallelFor(samples.size(), result.threads, [&](std::size_t i) {
                                 const auto values = samples[i].prediction.raster().values();
                                 const float sum =
                                     Eigen::Map<const Eigen::ArrayXf>(
                                         values.data(), static_cast<Eigen::Index>(values.size()))
                                         .sum();
                                 streamSink += sum > 0.0f ? 1 : 0;
                             });
                         }) /
                         count);
    }
    result.maps = summarise(maps);
    result.stream = summarise(stream);
    return result;
}

} // namespace losslens
