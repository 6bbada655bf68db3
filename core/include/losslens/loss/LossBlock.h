#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

namespace losslens {

// One block of consecutive pixels of a sample as the loss pass has just scored it, while it
// is still in cache: what a statistic of every variant's map needs without the maps being
// kept (an 8192 x 8192 sample's six maps are 1.5 GiB; a block's are a few kilobytes).
struct LossBlock {
    std::size_t offset = 0;                // index of the block's first pixel, row-major
    std::span<const std::uint16_t> labels; // the block's labels
    // Per registered variant (indexed like lossVariants()): the block's values, or null for a
    // variant that was not scored. Each covers labels.size() pixels.
    std::span<const float* const> maps;
    // The block's first largest class per pixel (ties to the lower class), or empty where the
    // block's producer has none.
    std::span<const std::uint16_t> argmax;
    // Per variant, 1 where the producer found the block equal to the standard variant's
    // (index `standard`) bit for bit, else 0; empty where the producer did not compare. The
    // pass compares every variant with the standard for its sums, so a statistic grouping
    // equal blocks need not read them all again.
    std::span<const std::uint8_t> sameAsStandard;
    std::size_t standard = 0;

    [[nodiscard]] std::size_t size() const noexcept { return labels.size(); }
};

// Receives each block of a pass in order, on the thread that runs the pass.
using LossBlockSink = std::function<void(const LossBlock&)>;

} // namespace losslens
