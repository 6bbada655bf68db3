#pragma once

#include "losslens/io/Dataset.h"
#include "losslens/loss/LossComputer.h"
#include "losslens/loss/LossResult.h"
#include "losslens/loss/LossVariant.h"
#include "losslens/set/SampleIndex.h"
#include "losslens/set/SetReport.h"

#include <atomic>
#include <cstdint>
#include <functional>

namespace losslens {

class SamplePool;

struct ProcessOptions {
    int jobs = 0; // 0: every core
    const std::atomic<bool>* cancel = nullptr;
    // Called after each stem, from worker threads, serialised: (done, total).
    std::function<void(std::size_t, std::size_t)> progress;
    // Also make each sample's SampleStatistics (maxima, histograms): the window's scan.
    bool statistics = false;
    // Decode each display image too; Check: read its header only, to warn about a bad one
    // (the window's table); stats and export skip it.
    Dataset::Image images = Dataset::Image::Load;
    // Hand the visitor the maps of `keptMaps` from the pass that makes the summary (every
    // variant is scored either way). false, or a sample whose kept maps take more than
    // `mapsAtMostBytes`: the visitor gets the summary alone (its maps empty) and computes
    // what it needs itself, as export does one variant at a time so a big sample never holds
    // six maps at once. Each worker's maps are reused from one sample to the next.
    bool maps = true;
    VariantMask keptMaps = kAllVariants;
    std::size_t mapsAtMostBytes = SIZE_MAX;
    // AsStored: the visitor reads the prediction only through computeLoss or summarizeLoss
    // (export), so a float16 file stays float16 (Dataset::Precision). Without a visitor the
    // scan always keeps it so (stats).
    Dataset::Precision precision = Dataset::Precision::Float32;
    // Mark each sample's candidate pixels during its pass and hand them to the visitor
    // (LossResult::candidatePixels): the candidates' search then reads only those pixels.
    bool candidatePixels = false;
    // Asked by a worker before it loads an entry; false: someone else loads and scores it
    // (the window's viewer, which shares its one load of a big sample with the table), so
    // the entry is skipped and the sink never sees it. Called from worker threads.
    std::function<bool(std::size_t entry)> claim;
    // One of `shardCount` deterministic parts of the set (losslens-cli stats --shard I/N):
    // the entries whose position in stem order is shardIndex modulo shardCount.
    std::size_t shardIndex = 0;
    std::size_t shardCount = 1;
    // Asked for each claimed entry before it is loaded: an unchanged sample's outcome comes
    // from it (no load, no visitor), and every computed outcome is handed back to it.
    SampleIndex* index = nullptr;
    // Where the workers take their LoadedSamples from and give them back: a job that scans
    // a set more than once passes one pool to each scan. None: the scan's own.
    SamplePool* samples = nullptr;
    [[nodiscard]] bool inShard(std::size_t entry) const {
        return shardCount <= 1 || entry % shardCount == shardIndex;
    }
};

// Receives each stem's outcome as soon as it is scored (in completion order, not entry
// order), from worker threads, serialised. May move from it.
using OutcomeSink = std::function<void(SampleOutcome& outcome)>;

// Called for each sample that loaded and computed; may throw (DataError, FileExistsError,
// std::exception) to mark just that sample as failed. Runs on worker threads.
using SampleVisitor =
    std::function<void(std::size_t entry, const LoadedSample&, const LossResult&)>;

// Scores a loaded sample with its own declaration of annotated classes: how the CLI, the
// window and exports all call computeLoss, so they agree on the missing set by construction.
[[nodiscard]] LossResult scoreSample(const LoadedSample& sample, const LossConfig& config,
                                     VariantMask variants = kAllVariants);
// The same into `result`, keeping and telling what `outputs` says (LossOutputs: the window
// keeps a big sample's masks only and takes its statistics from the blocks).
void scoreSample(const LoadedSample& sample, const LossConfig& config, LossResult& result,
                 const LossOutputs& outputs);

// Runs `work` on a fresh outcome of `entry` (entry and stem filled) and marks it ok; never
// throws: what `work` throws becomes the outcome's error as every scan reports it (a
// DataError's file and reason, a FileExistsError as "exists", anything else against the
// entry's report file). The window's viewer scores through it too, so its row reads as the
// scan's would.
[[nodiscard]] SampleOutcome guardedOutcome(const Dataset& dataset, std::size_t entry,
                                           const std::function<void(SampleOutcome&)>& work);

// Loads, validates and scores one stem; never throws: failures land in the outcome. With
// `statistics`, the outcome also carries the sample's SampleStatistics; without `maps`, the
// visitor's result holds the summary alone (see ProcessOptions::maps).
[[nodiscard]] SampleOutcome processSample(const Dataset& dataset, std::size_t entry,
                                          const SampleVisitor& visitor = {},
                                          bool statistics = false,
                                          Dataset::Image images = Dataset::Image::Load,
                                          bool maps = true);
// The same, loading into `sample` (its buffers reused: Dataset::load), which the visitor sees,
// as `options` ask (statistics, images, maps, precision, candidatePixels).
[[nodiscard]] SampleOutcome processSample(const Dataset& dataset, std::size_t entry,
                                          LoadedSample& sample, const SampleVisitor& visitor,
                                          const ProcessOptions& options);

// The one set pipeline: loads, validates and scores every complete stem on `jobs` threads
// and hands each outcome to `sink` as it finishes. A bad sample is reported in its outcome
// and never stops the others. Returns false when cancelled before the end.
bool scanSet(const Dataset& dataset, const ProcessOptions& options, const OutcomeSink& sink,
             const SampleVisitor& visitor = {});

// scanSet gathered into a report: every stem of the shard (incomplete ones as errors) in
// entry order,
// and the set's totals from one SetAccumulator.
[[nodiscard]] SetReport processSet(const Dataset& dataset, const ProcessOptions& options,
                                   const SampleVisitor& visitor = {});

// Runs fn(i) for i in [0, count) on `jobs` threads (0: every core), stopping early when
// *cancel becomes true. fn must not throw.
void parallelFor(std::size_t count, int jobs, const std::function<void(std::size_t)>& fn,
                 const std::atomic<bool>* cancel = nullptr);

[[nodiscard]] int defaultJobs();

} // namespace losslens
