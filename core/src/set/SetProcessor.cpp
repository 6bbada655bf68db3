#include "losslens/set/SetProcessor.h"

#include "losslens/io/DataError.h"
#include "losslens/io/FileBytes.h"
#include "losslens/loss/LossComputer.h"
#include "losslens/loss/LossVariant.h"
#include "losslens/set/SamplePool.h"
#include "losslens/set/SampleStatisticsBuilder.h"
#include "losslens/set/SetAccumulator.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

namespace losslens {

int defaultJobs() {
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : static_cast<int>(n);
}

void parallelFor(std::size_t count, int jobs, const std::function<void(std::size_t)>& fn,
                 const std::atomic<bool>* cancel) {
    const int threads = static_cast<int>(
        std::min<std::size_t>(count, static_cast<std::size_t>(jobs > 0 ? jobs : defaultJobs())));
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (;;) {
            if (cancel && cancel->load())
                return;
            const std::size_t i = next.fetch_add(1);
            if (i >= count)
                return;
            fn(i);
        }
    };
    if (threads <= 1) {
        worker();
        return;
    }
    std::vector<std::jthread> pool;
    pool.reserve(static_cast<std::size_t>(threads));
    for (int t = 0; t < threads; ++t)
        pool.emplace_back(worker);
}

LossResult scoreSample(const LoadedSample& sample, const LossConfig& config, VariantMask variants) {
    return computeLoss(sample.labels, sample.prediction, config, variants, sample.annotation);
}

void scoreSample(const LoadedSample& sample, const LossConfig& config, LossResult& result,
                 const LossOutputs& outputs) {
    computeLoss(sample.labels, sample.prediction, config, kAllVariants, result, sample.annotation,
                outputs);
}

SampleOutcome processSample(const Dataset& dataset, std::size_t i, const SampleVisitor& visitor,
                            bool statistics, Dataset::Image images, bool maps) {
    LoadedSample sample;
    ProcessOptions options;
    options.statistics = statistics;
    options.images = images;
    options.maps = maps;
    return processSample(dataset, i, sample, visitor, options);
}

SampleOutcome guardedOutcome(const Dataset& dataset, std::size_t entry,
                             const std::function<void(SampleOutcome&)>& work) {
    SampleOutcome outcome;
    outcome.entry = entry;
    outcome.stem = dataset.entries()[entry].stem;
    try {
        work(outcome);
        outcome.ok = true;
    } catch (const DataError& e) {
        outcome.errorFile = e.file().string();
        outcome.errorMessage = e.reason();
    } catch (const FileExistsError& e) {
        outcome.errorFile = e.file().string();
        outcome.errorMessage = "exists";
        outcome.fileExists = true;
    } catch (const std::exception& e) {
        outcome.errorFile = dataset.entries()[entry].reportFile().string();
        outcome.errorMessage = e.what();
    }
    return outcome;
}

SampleOutcome processSample(const Dataset& dataset, std::size_t i, LoadedSample& sample,
                            const SampleVisitor& visitor, const ProcessOptions& options) {
    const LossConfig config = dataset.config().lossConfig();
    const bool statistics = options.statistics;
    return guardedOutcome(dataset, i, [&](SampleOutcome& outcome) {
        // With nobody else reading the prediction, a float16 file stays float16: the pass
        // widens it a block at a time (half the bytes, no float32 copy of it).
        dataset.load(i, sample, options.images,
                     visitor ? options.precision : Dataset::Precision::AsStored);
        outcome.warnings = sample.warnings;
        // Statistics (and candidate pixels) come from the pass's blocks, so a sample's six
        // maps are held only when the visitor asks for them.
        // The worker's builder, its tables reused sample after sample.
        SampleStatisticsBuilder& builder = sample.scratch.statistics;
        if (statistics)
            builder.reset(lossVariants().size(), config.ignoreIndex);
        LossBlockSink statisticsSink = statistics ? builder.sink() : LossBlockSink();
        const bool marks = options.candidatePixels && visitor;
        CandidatePixels& pixels = sample.scratch.candidatePixels;
        if (marks)
            pixels.start(sample.labels.pixelCount());
        const LossBlockSink sink =
            !marks ? std::move(statisticsSink)
                   : LossBlockSink([&pixels, &statisticsSink](const LossBlock& block) {
                         pixels.add(block);
                         if (statisticsSink)
                             statisticsSink(block);
                     });
        const std::size_t mapBytes = sample.labels.pixelCount() * sizeof(float) *
                                     static_cast<std::size_t>(std::popcount(options.keptMaps));
        if (!visitor || !options.maps || mapBytes > options.mapsAtMostBytes) {
            // Nobody reads the maps (stats, the window's scan), or the visitor makes its own
            // (export): the summary alone.
            outcome.summary = summarizeLoss(sample.labels, sample.prediction, config, kAllVariants,
                                            sample.annotation, sink);
            if (visitor) {
                LossResult summaryOnly;
                summaryOnly.summary = outcome.summary;
                if (marks && pixels.complete(sample.labels.pixelCount()))
                    summaryOnly.candidatePixels = &pixels;
                visitor(i, sample, summaryOnly);
            }
        } else {
            // The worker's maps of its last sample: fresh ones cost their pages' zeroing.
            LossResult& result = sample.scratch.loss;
            scoreSample(sample, config, result, LossOutputs{options.keptMaps, sink});
            outcome.summary = result.summary;
            result.candidatePixels =
                marks && pixels.complete(sample.labels.pixelCount()) ? &pixels : nullptr;
            visitor(i, sample, result);
        }
        if (statistics)
            outcome.statistics = builder.take();
    });
}

bool scanSet(const Dataset& dataset, const ProcessOptions& options, const OutcomeSink& sink,
             const SampleVisitor& visitor) {
    std::vector<std::size_t> chosen;
    for (std::size_t i = 0; i < dataset.entries().size(); ++i)
        if (options.inShard(i))
            chosen.push_back(i);
    std::mutex mutex;
    std::size_t done = 0;
    // One LoadedSample per worker, refilled sample after sample: no buffer the size of an
    // image is allocated (or zero-filled) once the first samples are in. At most `jobs` are
    // in use at once; they go when the scan ends unless the caller's pool keeps them.
    SamplePool ownPool;
    SamplePool& pool = options.samples ? *options.samples : ownPool;
    parallelFor(
        chosen.size(), options.jobs,
        [&](std::size_t k) {
            if (options.claim && !options.claim(chosen[k]))
                return;
            SampleOutcome outcome;
            if (options.index && options.index->recall(chosen[k], outcome)) {
                outcome.entry = chosen[k];
            } else {
                std::unique_ptr<LoadedSample> sample = pool.take();
                outcome = processSample(dataset, chosen[k], *sample, visitor, options);
                if (options.index)
                    options.index->keep(outcome);
                pool.give(std::move(sample));
            }
            std::lock_guard lock(mutex);
            ++done;
            if (sink)
                sink(outcome);
            if (options.progress)
                options.progress(done, chosen.size());
        },
        options.cancel);
    return !(options.cancel && options.cancel->load());
}

SetReport processSet(const Dataset& dataset, const ProcessOptions& options,
                     const SampleVisitor& visitor) {
    const auto& entries = dataset.entries();
    SetReport report;
    report.samples.resize(entries.size());
    std::vector<std::uint8_t> reached(entries.size(), 0);
    report.cancelled = !scanSet(
        dataset, options,
        [&](SampleOutcome& outcome) {
            reached[outcome.entry] = 1;
            report.samples[outcome.entry] = std::move(outcome);
        },
        visitor);
    if (report.cancelled || options.shardCount > 1 || options.claim) {
        // Keep only the stems that were reached (the shard's, the claimed ones, and before a
        // cancel), so nothing skipped is reported as done.
        std::vector<SampleOutcome> kept;
        for (std::size_t i = 0; i < entries.size(); ++i)
            if (reached[i])
                kept.push_back(std::move(report.samples[i]));
        report.samples = std::move(kept);
    }
    report.warnings = dataset.warnings();
    SetAccumulator total;
    for (const auto& outcome : report.samples)
        if (outcome.ok)
            total.add(outcome.summary, &outcome.statistics);
    report.total = total.summary();
    const int classes = dataset.config().classes.empty()
                            ? total.classCount()
                            : static_cast<int>(dataset.config().classes.size());
    for (const auto& info : dataset.config().classesFor(classes))
        report.classNames.push_back(info.name);
    return report;
}

} // namespace losslens
