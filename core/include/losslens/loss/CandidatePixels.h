#pragma once

#include "losslens/loss/LossBlock.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace losslens {

// The pixels a sample's candidates grow from (spec section 6): labelled background (0) while
// their first largest class is not background. One bit each, marked from the loss pass's
// blocks while their argmax is in cache, so the candidates' search reads the prediction only
// at those pixels instead of all of it again (its whole read was 13% of the window's scan of
// a 21-class set).
class CandidatePixels {
public:
    // Forgets the last sample; `pixels` blocks' worth of marks are expected next.
    void start(std::size_t pixels);
    // Marks a block's pixels; a block without its argmax leaves the marks incomplete.
    void add(const LossBlock& block);
    // Whether every pixel of a sample of `pixels` was marked (every block came, with argmax).
    [[nodiscard]] bool complete(std::size_t pixels) const noexcept;
    // Whether pixel i (row-major) is a candidate pixel; only meaningful when complete.
    [[nodiscard]] bool test(std::size_t i) const noexcept {
        return ((m_bits[i >> 6] >> (i & 63)) & 1u) != 0;
    }
    // The 64 pixels from 64 * word (bit b is pixel 64 * word + b).
    [[nodiscard]] std::uint64_t word(std::size_t word) const noexcept { return m_bits[word]; }

private:
    std::vector<std::uint64_t> m_bits; // kept from sample to sample: no allocation per sample
    std::size_t m_pixels = 0;
    std::size_t m_marked = 0;
    bool m_broken = false;
};

} // namespace losslens
