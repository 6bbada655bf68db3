#pragma once

#include "losslens/io/Dataset.h"

#include <cstdint>

namespace losslens {

struct BenchOptions {
    int repeat = 5;
    int threads = 1;
};

struct BenchTiming {
    double median = 0.0; // milliseconds per sample
    double min = 0.0;
};

// Throughput of the loss computation on a user's own data: every sample is loaded into
// memory first, then both maps, w0 and the summary are computed for all samples `repeat`
// times, beside a plain streaming read (a vectorised sum) of the same prediction buffers,
// the memory floor. Samples that fail to load are skipped and counted.
struct BenchResult {
    std::size_t samples = 0;
    std::size_t failed = 0;
    std::int64_t pixelsPerSample = 0; // of the first sample
    int classes = 0;
    int threads = 1;
    BenchTiming maps;
    BenchTiming stream;
};

[[nodiscard]] BenchResult runBench(const Dataset& dataset, const BenchOptions& options);

} // namespace losslens
