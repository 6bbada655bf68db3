#pragma once

// The per-pixel work of computeLoss, written once with Google Highway and compiled for every
// SIMD target of the architecture (SSSE3, SSE4, AVX2, AVX-512 and a scalar fallback on x86;
// NEON/SVE on Arm): each call runs the best target the CPU has, or the one chosen with
// useSimdTarget (losslens-cli bench --isa). One portable binary is as fast on an AVX2
// machine as a -march=native build, and never executes an instruction the CPU lacks.
// Internal to core.

#include "losslens/loss/LossBlock.h"
#include "losslens/loss/LossContext.h"
#include "losslens/loss/LossVariant.h"

#include <cstddef>
#include <cstdint>
#include <span>

namespace losslens::detail {

// Pixels per block of the fused pass: everything a block produces stays in L1/L2.
inline constexpr std::size_t kMaxBlock = 2048;

// One sample's fused pass: per block of pixels the argmax, w0, removed mask and clamped
// probability of the labelled class, the standard loss (-log), every selected variant's
// kernel, and the per-class sums of each map. `lanes` and `reducedLanes` hold 4 * classes
// entries per variant (the four lanes are added up by the caller).
struct PassArgs {
    const std::uint16_t* labels = nullptr;
    const float* probabilities = nullptr; // pixel-major, classes per pixel
    // Or the same as float16 bits (probabilities null): each block is widened in cache.
    const std::uint16_t* halves = nullptr;
    std::size_t pixels = 0;
    std::size_t classes = 0;
    const std::uint8_t* keep = nullptr; // per class: 1 = w0 is 1 where predicted
    std::uint32_t ignore = kDefaultIgnoreIndex;
    // The sample's outputs; all null for a summary only (the pass then uses block scratch).
    std::uint16_t* argmax = nullptr;
    std::uint8_t* bgWeight = nullptr;
    std::uint8_t* removed = nullptr;
    std::span<const LossVariant> variants;
    std::span<const std::size_t> selected;
    // Per variant: where its map goes (only the selected are written), or null for a
    // selected variant whose map is not kept (its block lives in scratch, for the sums and
    // the block sink).
    std::span<float* const> maps;
    std::size_t standardIndex = 0;
    double* lanes = nullptr;
    std::int64_t* reducedLanes = nullptr;
    LossContext context; // the sample-wide fields; the pass fills the block's
    // Called once per block after every selected variant ran on it (may be null).
    const LossBlockSink* sink = nullptr;
};

// Runs the pass on the chosen target; returns the removed-pixel count.
[[nodiscard]] std::int64_t runFusedPass(const PassArgs& args);

// values[i] = -log(values[i]) for n values, with the same vectorised log as the pass (the
// marginal variant's merged probabilities).
void negativeLog(float* values, std::size_t n);

} // namespace losslens::detail
