// Google Benchmark programs for the core (label bench; built by default, run by hand:
// build/bin/core_benchmarks). Compare kernels against the memory floor measured here too.
#include "losslens/candidates/CandidateFinder.h"
#include "losslens/demo/DemoGenerator.h"
#include "losslens/io/LabelSets.h"
#include "losslens/io/NpyArray.h"
#include "losslens/loss/LossComputer.h"
#include "losslens/loss/SimdTarget.h"
#include "losslens/report/Colormap.h"
#include "losslens/set/SampleStatistics.h"
#include "losslens/set/SetProcessor.h"

#include <Eigen/Core>
#include <benchmark/benchmark.h>
#include <libdeflate.h>
#include <png.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
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
        const std::string png = encodeRgbPng(
            renderHeatmap(r.maps[0], in.labels, 255, {0.0f, 16.0f}, Colormap::Viridis));
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

// The candidate finder alone over 32 demo samples with every object's annotation removed
// (arg = side; 128: the window's scan of 10,000 small samples finds candidates in each).
void BM_FindCandidates(benchmark::State& state) {
    DemoOptions options;
    options.count = 32;
    options.size = static_cast<int>(state.range(0));
    options.missing = 96;
    std::vector<DemoSample> samples;
    for (int i = 0; i < options.count; ++i)
        samples.push_back(generateDemoSample(options, i));
    const std::vector<std::uint8_t> missing = {0, 1, 1, 1};
    std::size_t found = 0;
    for (auto _ : state)
        for (const DemoSample& s : samples)
            found += findCandidates(s.labels, s.prediction, 255, missing, {}).size();
    benchmark::DoNotOptimize(found);
    state.SetItemsProcessed(state.iterations() * options.count);
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

// Opening a set ($LOSSLENS_SCAN_SET): listing its folders and pairing their files by stem,
// no pixel read (arg 0); against its peer, the three folders' names read with
// std::filesystem::directory_iterator and nothing else (arg 1). Skipped without the variable.
void BM_DatasetOpen(benchmark::State& state) {
    const char* given = std::getenv("LOSSLENS_SCAN_SET");
    if (given == nullptr)
        return state.SkipWithError("set LOSSLENS_SCAN_SET to a data set");
    const std::filesystem::path root(given);
    std::size_t listed = 0;
    for (auto _ : state) {
        if (state.range(0) == 0) {
            listed = Dataset::open(root).entries().size();
        } else {
            listed = 0;
            for (const char* folder : {"labels", "predictions", "images"})
                for (const auto& entry : std::filesystem::directory_iterator(root / folder)) {
                    benchmark::DoNotOptimize(entry.path().native().data());
                    ++listed;
                }
        }
        benchmark::DoNotOptimize(listed);
    }
    state.SetLabel(state.range(0) == 0 ? "Dataset::open" : "directory_iterator");
    state.counters["files"] = static_cast<double>(listed);
}

// The window's per-sample statistics (histograms, pooled quantiles, maxima; the scan's
// largest cost after the pass on small samples) over 16 demo samples' kept maps, every
// variant, with the demo set's class weights (so the weighted map is one of its own):
// arg = side. Reports M pixels/s.
void BM_SampleStatistics(benchmark::State& state) {
    DemoOptions options;
    options.count = 16;
    options.size = static_cast<int>(state.range(0));
    options.missing = 8;
    LossConfig config;
    config.ignoreIndex = 255;
    config.classWeights = {0.25f, 1.0f, 1.0f, 1.0f};
    std::vector<DemoSample> samples;
    std::vector<LossResult> scored;
    for (int i = 0; i < options.count; ++i) {
        samples.push_back(generateDemoSample(options, i));
        scored.push_back(computeLoss(samples.back().labels, samples.back().prediction, config));
    }
    for (auto _ : state)
        for (std::size_t i = 0; i < samples.size(); ++i) {
            const SampleStatistics s = sampleStatistics(scored[i], samples[i].labels, 255);
            benchmark::DoNotOptimize(s.maxLoss);
        }
    state.SetItemsProcessed(state.iterations() * options.count * options.size * options.size);
}

// Heatmap PNG encoding against libpng's and zlib's own speed on the same image: a 1024²
// demo sample's standard-loss heatmap (smooth regions and edges, as an export writes), and
// the random one of BM_HeatmapPng (noise: compression's worst case) with arg 1. Ours: the
// heatmap coloured a row at a time into libpng, Sub filter, zlib level 1 run-length
// (encodeHeatmapPng); libpng with its defaults (adaptive filters, level 6), as OpenCV or
// PIL write; zlib alone, level 1 run-length, on the same Sub-filtered rows (the floor of
// ours: no colouring, no PNG framing). Reports MB/s of RGB and the file size.
struct HeatmapCase {
    LossMap map;
    LabelMap labels;
    ByteImage rgb;
};

HeatmapCase heatmapCase(bool noise) {
    LabelMap labels;
    Prediction prediction;
    if (noise) {
        Input in = makeInput(1024, 4);
        labels = std::move(in.labels);
        prediction = std::move(in.prediction);
    } else {
        DemoOptions options;
        options.count = 1;
        options.size = 1024;
        options.missing = 1;
        DemoSample sample = generateDemoSample(options, 0);
        labels = std::move(sample.labels);
        prediction = std::move(sample.prediction);
    }
    LossResult r = computeLoss(labels, prediction);
    ByteImage rgb = renderHeatmap(r.maps[0], labels, 255, {0.0f, 4.0f}, Colormap::Viridis);
    return {std::move(r.maps[0]), std::move(labels), std::move(rgb)};
}

void pngFailed(png_structp, png_const_charp message) {
    throw std::runtime_error(message);
}

void appendBytes(png_structp png, png_bytep data, png_size_t size) {
    static_cast<std::string*>(png_get_io_ptr(png))->append(reinterpret_cast<char*>(data), size);
}

std::string libpngDefaults(const ByteImage& rgb) {
    std::string out;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, pngFailed, nullptr);
    png_infop info = png_create_info_struct(png);
    png_set_write_fn(png, &out, appendBytes, nullptr);
    png_set_IHDR(png, info, static_cast<png_uint_32>(rgb.width()),
                 static_cast<png_uint_32>(rgb.height()), 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < rgb.height(); ++y)
        png_write_row(png, &rgb.at(0, y, 0));
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    return out;
}

// The image's rows with the Sub filter, as a PNG's image data before deflate.
std::vector<unsigned char> subRows(const ByteImage& rgb) {
    const std::size_t stride = static_cast<std::size_t>(rgb.width()) * 3;
    std::vector<unsigned char> rows((stride + 1) * static_cast<std::size_t>(rgb.height()));
    for (int y = 0; y < rgb.height(); ++y) {
        unsigned char* row = rows.data() + (stride + 1) * static_cast<std::size_t>(y);
        const unsigned char* in = &rgb.at(0, y, 0);
        row[0] = 1; // Sub
        for (std::size_t i = 0; i < stride; ++i)
            row[1 + i] = static_cast<unsigned char>(in[i] - (i >= 3 ? in[i - 3] : 0));
    }
    return rows;
}

std::string zlibSubRows(const ByteImage& rgb) {
    const std::vector<unsigned char> rows = subRows(rgb);
    z_stream z{};
    deflateInit2(&z, 1, Z_DEFLATED, 15, 8, Z_RLE);
    std::string out(deflateBound(&z, rows.size()), '\0');
    z.next_in = const_cast<unsigned char*>(rows.data());
    z.avail_in = static_cast<uInt>(rows.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

std::string libdeflateSubRows(const ByteImage& rgb) {
    const std::vector<unsigned char> rows = subRows(rgb);
    libdeflate_compressor* c = libdeflate_alloc_compressor(1);
    std::string out(libdeflate_zlib_compress_bound(c, rows.size()), '\0');
    out.resize(libdeflate_zlib_compress(c, rows.data(), rows.size(), out.data(), out.size()));
    libdeflate_free_compressor(c);
    return out;
}

void BM_HeatmapPngPeers(benchmark::State& state) {
    const HeatmapCase c = heatmapCase(state.range(1) != 0);
    std::size_t bytes = 0;
    for (auto _ : state) {
        std::string out;
        switch (state.range(0)) {
        case 0:
            out = encodeHeatmapPng(c.map, c.labels, 255, {0.0f, 4.0f}, Colormap::Viridis);
            break;
        case 1:
            out = libpngDefaults(c.rgb);
            break;
        case 2:
            out = zlibSubRows(c.rgb);
            break;
        default:
            out = libdeflateSubRows(c.rgb);
            break;
        }
        bytes = out.size();
        benchmark::DoNotOptimize(out.data());
    }
    state.SetLabel(state.range(0) == 0   ? "ours"
                   : state.range(0) == 1 ? "libpng-defaults"
                   : state.range(0) == 2 ? "zlib-rle-l1"
                                         : "libdeflate-l1");
    state.counters["file_KiB"] = static_cast<double>(bytes) / 1024.0;
    state.SetBytesProcessed(state.iterations() * c.rgb.width() * c.rgb.height() * 3);
}

} // namespace

BENCHMARK(BM_HeatmapPngPeers)->ArgsProduct({{0, 1, 2, 3}, {0, 1}})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FindCandidates)->Arg(128)->Arg(512)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SampleStatistics)->Arg(128)->Arg(512)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_DatasetOpen)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();
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
