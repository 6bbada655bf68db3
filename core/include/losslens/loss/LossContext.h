#pragma once

#include "losslens/loss/LossConfig.h"

#include <cstddef>
#include <cstdint>
#include <span>

namespace losslens {

// Everything a loss variant's kernel may read, for one block of consecutive pixels of a
// sample (pixels offset .. offset + labels.size() - 1, row-major). The shared pass of the
// LossComputer fills the block's standard loss, argmax and w0 first, so each variant is a
// cheap element-wise function of them, run while the block is still in cache. The spans
// cover the block only; `missingMask` and `missing` cover the whole sample.
struct LossContext {
    int width = 0;
    int height = 0;
    int classes = 0;
    int ignoreIndex = kDefaultIgnoreIndex;
    const LossConfig* config = nullptr;    // the data set's loss settings, never null in a kernel
    std::size_t offset = 0;                // index of the block's first pixel in the sample
    std::span<const std::uint16_t> labels; // y(x), H*W
    std::span<const float> probabilities;  // p_c(x), H*W*C, pixel-major
    // Or, empty probabilities, the same as float16 bits: where the pass reads a float16
    // prediction's block without widening it (5 classes and more, AVX2 and up). A kernel that
    // reads either reads both (core's HalfFloat.h widens exactly).
    std::span<const std::uint16_t> halves;
    std::span<const float> standard;        // -log q_y(x), 0 at ignore pixels
    std::span<const float> trueProbability; // q_y(x) = clamp(p_y, eps, 1 - eps), 1 at ignore
    std::span<const std::uint16_t> argmax;  // k(x), ties to the lowest index
    // The sample's missing set M (spec section 4: declared, or the article's rule), made once
    // per sample by computeLoss: per class 1 if in M, and its classes ascending.
    std::span<const std::uint8_t> missingMask;
    std::span<const int> missing;
    std::span<const std::uint8_t> bgWeight; // w0(x): 0 iff k(x) is in M

    [[nodiscard]] std::size_t pixelCount() const noexcept { return labels.size(); }
    // True when the sample's missing set is not empty.
    [[nodiscard]] bool anyMissing() const noexcept { return !missing.empty(); }
    [[nodiscard]] bool isIgnored(std::size_t i) const noexcept { return labels[i] == ignoreIndex; }
};

} // namespace losslens
