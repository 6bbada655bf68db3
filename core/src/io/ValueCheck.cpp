#include "ValueCheck.h"

#include "loss/SumsNearOne.h"
#include "util/TargetClones.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace losslens::detail {

namespace {

// Whether every value is as spec section 2 wants it: finite and, for probabilities,
// non-negative with each pixel's sum near 1 (see sumsNearOne). Written for the compiler to
// vectorise: a float is negative, infinite or NaN exactly when its bits, read as an
// unsigned integer, exceed those of the largest finite float (-0.0 too, which then takes
// the exact path below and passes there). When it says no, the caller walks the values
// again to name the first bad one.
// Compiled for AVX-512 and AVX2 too (LOSSLENS_CLONES).

LOSSLENS_CLONES std::uint32_t largestBits(const float* p, std::size_t count, std::uint32_t mask) {
    std::uint32_t top = 0;
    for (std::size_t i = 0; i < count; ++i) {
        std::uint32_t bits;
        std::memcpy(&bits, p + i, sizeof bits);
        top = std::max(top, bits & mask);
    }
    return top;
}

constexpr std::uint32_t kLargestFinite = 0x7f7fffffu;

constexpr float kSumTolerance = 0.0095f;

// 0.0095: a float sum of up to 4,096 values in [0, 1] is within 2.5e-4 of the exact one, so
// a pixel let through here is within 1e-2 by the exact (double) rule too. A class count known
// when compiled lets the compiler keep a vector of pixels' sums at once.
template <std::size_t C>
inline __attribute__((always_inline)) bool sumsNearOne(const float* p, std::size_t pixels) {
    bool off = false;
    for (std::size_t i = 0; i < pixels; ++i) {
        float sum = 0.0f;
        for (std::size_t k = 0; k < C; ++k)
            sum += p[i * C + k];
        off |= std::abs(sum - 1.0f) > kSumTolerance;
    }
    return !off;
}

// One clone set per class count (clang clones no templates): the template is inlined into
// each, compiled for that clone's target.
LOSSLENS_CLONES bool sumsNearOne5(const float* p, std::size_t n) {
    return sumsNearOne<5>(p, n);
}
LOSSLENS_CLONES bool sumsNearOne8(const float* p, std::size_t n) {
    return sumsNearOne<8>(p, n);
}

bool sumsNearOne(const float* p, std::size_t pixels, std::size_t classes) {
    switch (classes) {
    case 2:
    case 3:
    case 4: // de-interleaved with Highway on the CPU's best target
        return detail::sumsNearOne(p, pixels, classes, kSumTolerance);
    case 5:
        return sumsNearOne5(p, pixels);
    case 8:
        return sumsNearOne8(p, pixels);
    default: // eight pixels at a time, their classes transposed in registers (AVX2 and up)
        return detail::sumsNearOne(p, pixels, classes, kSumTolerance);
    }
}

// Pixels checked at a time: both checks read a chunk while it is in cache (one read of the
// prediction from memory, not one per check: the second was 8% of `stats` on a 21-class set).
std::size_t checkChunk(std::size_t classes) {
    return std::max<std::size_t>(8, (std::size_t{64} << 10) / sizeof(float) / classes);
}

} // namespace

bool valuesLookRight(const float* p, std::size_t pixels, std::size_t classes, bool logits) {
    if (logits) // finite: the bits without the sign at most the largest finite float's
        return largestBits(p, pixels * classes, 0x7fffffffu) <= kLargestFinite;
    const std::size_t chunk = checkChunk(classes);
    for (std::size_t start = 0; start < pixels; start += chunk) {
        const std::size_t count = std::min(chunk, pixels - start);
        const float* at = p + start * classes;
        if (largestBits(at, count * classes, 0xffffffffu) > kLargestFinite ||
            !sumsNearOne(at, count, classes))
            return false;
    }
    return true;
}

// The quick check of float16 probabilities: no sign, infinity or NaN (no half's bits above
// the largest finite one's; -0.0 too, which the exact rule then lets through) and every
// pixel's sum near 1 as the float32 check adds it (the halves widened in registers for C >= 5,
// a few KiB at a time in cache for fewer classes).
namespace {

LOSSLENS_CLONES std::uint16_t largestHalf(const std::uint16_t* h, std::size_t count) {
    std::uint16_t top = 0;
    for (std::size_t i = 0; i < count; ++i)
        top = std::max(top, h[i]);
    return top;
}

constexpr std::uint16_t kLargestFiniteHalf = 0x7bffu;

} // namespace

bool halvesLookRight(const std::uint16_t* h, std::size_t pixels, std::size_t classes) {
    const std::size_t chunk = checkChunk(classes);
    for (std::size_t start = 0; start < pixels; start += chunk) {
        const std::size_t count = std::min(chunk, pixels - start);
        const std::uint16_t* at = h + start * classes;
        if (largestHalf(at, count * classes) > kLargestFiniteHalf)
            return false;
        // Widened in registers for C >= 5 (a widened copy was 6% of `stats` on a 21-class set).
        if (!sumsNearOne(at, count, classes, kSumTolerance))
            return false;
    }
    return true;
}

void ValueCheck::placed(const float* base, std::size_t values) {
    const std::size_t pixels = values / m_classes;
    if (m_right && pixels > m_checked)
        m_right =
            valuesLookRight(base + m_checked * m_classes, pixels - m_checked, m_classes, m_logits);
    m_checked = std::max(m_checked, pixels);
}

void ValueCheck::placed(const std::uint16_t* base, std::size_t values) {
    const std::size_t pixels = values / m_classes;
    if (m_right && pixels > m_checked)
        m_right = halvesLookRight(base + m_checked * m_classes, pixels - m_checked, m_classes);
    m_checked = std::max(m_checked, pixels);
}

std::optional<bool> ValueCheck::verdict(std::size_t pixels) const {
    if (m_checked < pixels)
        return std::nullopt;
    return m_right;
}

} // namespace losslens::detail
