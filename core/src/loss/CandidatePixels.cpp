#include "losslens/loss/CandidatePixels.h"

namespace losslens {

void CandidatePixels::start(std::size_t pixels) {
    m_bits.assign((pixels + 63) / 64, 0);
    m_pixels = pixels;
    m_marked = 0;
    m_broken = false;
}

void CandidatePixels::add(const LossBlock& block) {
    const std::size_t n = block.size();
    if (block.argmax.size() != n || block.offset + n > m_pixels || block.offset != m_marked) {
        m_broken = true;
        return;
    }
    const std::uint16_t* y = block.labels.data();
    const std::uint16_t* k = block.argmax.data();
    std::size_t i = 0;
    // A word of 64 pixels at a time where the block is aligned to words (the pass's blocks
    // of 2,048 are): the flags as bytes first, a loop the compiler vectorises.
    std::uint8_t flags[64];
    for (; (block.offset + i) % 64 == 0 && i + 64 <= n; i += 64) {
        for (std::size_t b = 0; b < 64; ++b)
            flags[b] = static_cast<std::uint8_t>((y[i + b] == 0) & (k[i + b] != 0));
        std::uint64_t word = 0;
        for (std::size_t b = 0; b < 64; ++b)
            word |= std::uint64_t{flags[b]} << b;
        m_bits[(block.offset + i) / 64] = word;
    }
    for (; i < n; ++i)
        if (y[i] == 0 && k[i] != 0) {
            const std::size_t at = block.offset + i;
            m_bits[at / 64] |= std::uint64_t{1} << (at % 64);
        }
    m_marked += n;
}

bool CandidatePixels::complete(std::size_t pixels) const noexcept {
    return !m_broken && m_pixels == pixels && m_marked == pixels;
}

} // namespace losslens
