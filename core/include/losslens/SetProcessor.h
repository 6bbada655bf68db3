#pragma once

#include "losslens/Dataset.h"
#include "losslens/LossResult.h"
#include "losslens/LossVariant.h"
#include "losslens/SetReport.h"

#include <atomic>
#include <functional>

namespace losslens {

struct ProcessOptions {
    int jobs = 0; // 0: every core
    const std::atomic<bool>* cancel = nullptr;
    // Called after each stem, from worker threads, serialised: (done, total).
    std::function<void(std::size_t, std::size_t)> progress;
};

// Called for each sample that loaded and computed; may throw (DataError, FileExistsError,
// std::exception) to mark just that sample as failed. Runs on worker threads.
using SampleVisitor =
    std::function<void(std::size_t entry, const LoadedSample&, const LossResult&)>;

// Scores a loaded sample with its own declaration of annotated classes: how the CLI, the
// window and exports all call computeLoss, so they agree on the missing set by construction.
[[nodiscard]] LossResult scoreSample(const LoadedSample& sample, const LossConfig& config,
                                     VariantMask variants = kAllVariants);

// Loads, validates and scores one stem; never throws: failures land in the outcome.
[[nodiscard]] SampleOutcome processSample(const Dataset& dataset, std::size_t entry,
                                          const SampleVisitor& visitor = {});

// Loads, validates and scores every stem of the set on `jobs` threads. A bad sample is
// reported in its outcome and never stops the others. Returns outcomes in entry order.
[[nodiscard]] SetReport processSet(const Dataset& dataset, const ProcessOptions& options,
                                   const SampleVisitor& visitor = {});

// Runs fn(i) for i in [0, count) on `jobs` threads (0: every core), stopping early when
// *cancel becomes true. fn must not throw.
void parallelFor(std::size_t count, int jobs, const std::function<void(std::size_t)>& fn,
                 const std::atomic<bool>* cancel = nullptr);

[[nodiscard]] int defaultJobs();

} // namespace losslens
