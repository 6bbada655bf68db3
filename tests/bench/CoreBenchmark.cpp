// Google Benchmark programs for the core (label bench; built by default, run by hand:
// build/bin/core_benchmarks). Compare kernels against the memory floor measured here too.
#include "losslens/candidates/CandidateFinder.h"
#include "losslens/io/LabelSets.h"
#include "losslens/io/NpyArray.h"
#include "losslens/loss/LossComputer.h"
#include "losslens/loss/SimdTarget.h"
#include "losslens/report/Colormap.h"
#include "losslens/set/SetProcessor.h"

#include <Eigen/Core>
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <random>

using namespace losslens;

namespace {

struct Input {
    LabelMap labels;
    Prediction prediction;
};

Input makeInput(int side, int classes) {
    Input in{LabelMap(side, side), Prediction(side, side, classes)};
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> unit(0.0f, 1.0f);
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) {
            // Blocky labels with one class never present, like a missing annotation.
            in.labels.at(x, y) = static_cast<std::uint16_t>(
                ((x / 64 + y / 64) % classes) == 1 ? 0 : (x / 64 + y / 64) % classes);
            float total = 0.0f;
            for (int c = 0; c < classes; ++c) {
                const float v = unit(rng);
                in.prediction.at(x, y, c) = v;
                total += v;
            }
            for (int c = 0; c < classes; ++c)
                in.prediction.at(x, y, c) /= total;
        }
    return in;
}

void BM_ComputeLoss(benchmark::State& state) {
    const Input in = makeInput(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
    for (auto _ : state) {
        LossResult r = computeLoss(in.labels, in.prediction, {}, referenceVariants());
        benchmark::DoNotOptimize(r.summary.sums.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(in.prediction.pixelCount()) *
                            in.prediction.classes() * 4);
}

// The same into one reused result: no allocation or zero fill per call, as `bench` and a
// pipeline scoring sample after sample run it.
void BM_ComputeLossReused(benchmark::State& state) {
    const Input in = makeInput(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
    LossResult r;
    for (auto _ : state) {
        computeLoss(in.labels, in.prediction, {}, referenceVariants(), r);
        benchmark::DoNotOptimize(r.summary.sums.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(in.prediction.pixelCount()) *
                            in.prediction.classes() * 4);
}

// Every registered variant at once, as the window and `stats` compute them.
void BM_ComputeAllVariants(benchmark::State& state) {
    const Input in = makeInput(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
    for (auto _ : state) {
        LossResult r = computeLoss(in.labels, in.prediction);
        benchmark::DoNotOptimize(r.summary.sums.data());
    }
}

// Every variant into one reused result: the like-for-like peer of BM_ComputeLossReused.
void BM_ComputeAllVariantsReused(benchmark::State& state) {
    const Input in = makeInput(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
    LossResult r;
    for (auto _ : state) {
        computeLoss(in.labels, in.prediction, {}, kAllVariants, r);
        benchmark::DoNotOptimize(r.summary.sums.data());
    }
}

// The memory floor: a plain streaming read (sum) of the same prediction buffer.
void BM_StreamRead(benchmark::State& state) {
    const Input in = makeInput(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
    const auto values = in.prediction.raster().values();
    for (auto _ : state) {
        const float sum = Eigen::Map<const Eigen::ArrayXf>(values.data(),
                                                           static_cast<Eigen::Index>(values.size()))
                              .sum();
        benchmark::DoNotOptimize(sum);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(values.size()) * 4);
}

void BM_DecodeNpy(benchmark::State& state) {
    const Input in = makeInput(static_cast<int>(state.range(0)), 4);
    const std::int64_t shape[] = {in.prediction.height(), in.prediction.width(), 4};
    const std::string bytes = encodeNpyFloat32(in.prediction.raster().values(), shape);
    for (auto _ : state) {
        NpyArray a =
            decodeNpy({reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()}, {});
        benchmark::DoNotOptimize(a.data.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(bytes.size()));
}

void BM_HeatmapPng(benchmark::State& state) {
    const Input in = makeInput(static_cast<int>(state.range(0)), 4);
    const LossResult r = computeLoss(in.labels, in.prediction);
    for (auto _ : state) {
        const std::string png =
            encodeRgbPng(renderHeatmap(r.maps[0], in.labels, 255, 0.0f, 16.0f, Colormap::Viridis));
        benchmark::DoNotOptimize(png.data());
    }
}

// dataset.json label_sets of one exact entry per stem (as a converter from a partially
// labelled source writes them), a few globs before them and a catch-all at the end: every
// stem of the set looked up once, as Dataset::open does.
LabelSets manyLabelSets(int n, std::vector<std::string>& stems) {
    LabelSets sets;
    sets.add({"liver_*", {1}});
    sets.add({"scan_??_kidney", {2}});
    for (int i = 0; i < n; ++i) {
        stems.push_back("img_" + std::to_string(i));
        sets.add({stems.back(), {1 + i % 5}});
    }
    sets.add({"*", {1, 2, 3}});
    return sets;
}

void BM_LabelSetsFind(benchmark::State& state) {
    std::vector<std::string> stems;
    const LabelSets sets = manyLabelSets(static_cast<int>(state.range(0)), stems);
    for (auto _ : state)
        for (const auto& stem : stems)
            benchmark::DoNotOptimize(sets.find(stem));
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(stems.size()));
}

// The peer: first match by trying every entry in order, as a plain loop over the list would.
void BM_LabelSetsLinearScan(benchmark::State& state) {
    std::vector<std::string> stems;
    const LabelSets sets = manyLabelSets(static_cast<int>(state.range(0)), stems);
    for (auto _ : state)
        for (const auto& stem : stems) {
            std::size_t found = sets.size();
            for (std::size_t i = 0; i < sets.size(); ++i)
                if (globMatch(sets[i].match, stem)) {
                    found = i;
                    break;
                }
            benchmark::DoNotOptimize(found);
        }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(stems.size()));
}

// The parts of the window's scan of a whole set ($LOSSLENS_SCAN_SET), each added to the
// previous one, against what `losslens-cli stats --jobs 2` runs (arg 0): 1 + each sample's
// statistics (histograms, quantiles, maxima), 2 + the display image checked, 3 + the
// candidates, as the window finds them. Skipped without the variable.
void BM_ScanParts(benchmark::State& state) {
    const char* given = std::getenv("LOSSLENS_SCAN_SET");
    if (given == nullptr)
        return state.SkipWithError("set LOSSLENS_SCAN_SET to a data set");
    const Dataset dataset = Dataset::open(given);
    const auto part = state.range(0);
    ProcessOptions options;
    options.jobs = 2;
    options.statistics = part >= 1;
    options.images = part >= 2 ? Dataset::Image::Check : Dataset::Image::Skip;
    options.maps = false;
    SampleVisitor visitor;
    if (part >= 3)
        visitor = [&](std::size_t entry, const LoadedSample& sample, const LossResult& result) {
            benchmark::DoNotOptimize(candidatesOf(sample, result.summary.missing,
                                                  dataset.entries()[entry].stem, dataset.run()));
        };
    for (auto _ : state) {
        std::size_t scored = 0;
        (void)scanSet(
            dataset, options, [&](SampleOutcome& outcome) { scored += outcome.ok ? 1 : 0; },
            visitor);
        benchmark::DoNotOptimize(scored);
    }
}

} // namespace

BENCHMARK(BM_ScanParts)->DenseRange(0, 3)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(3);
BENCHMARK(BM_LabelSetsFind)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LabelSetsLinearScan)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ComputeLoss)->ArgsProduct({{256, 1024, 2048}, {4, 21}})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ComputeLossReused)
    ->ArgsProduct({{256, 1024, 2048}, {4, 21}})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ComputeAllVariants)->Args({1024, 4})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ComputeAllVariantsReused)
    ->ArgsProduct({{1024}, {4, 21}})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_StreamRead)->ArgsProduct({{256, 1024, 2048}, {4, 21}})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecodeNpy)->Arg(1024)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HeatmapPng)->Arg(1024)->Unit(benchmark::kMillisecond);

// LOSSLENS_ISA=avx2 (or sse4, ...) pins the kernels to one SIMD target, as
// losslens-cli bench --isa does; the context line says which ran.
int main(int argc, char** argv) {
    if (const char* isa = std::getenv("LOSSLENS_ISA"); isa != nullptr && !useSimdTarget(isa)) {
        std::fprintf(stderr, "LOSSLENS_ISA=%s: not a target of this CPU\n", isa);
        return 2;
    }
    benchmark::AddCustomContext("isa", simdTarget());
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
