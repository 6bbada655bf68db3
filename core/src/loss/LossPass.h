#pragma once

// The inner loops of computeLoss, kept apart so the class count can be a compile-time
// constant: with C known the argmax is unrolled into a few compares and conditional moves
// and nothing spills, which is most of the time of a pass at small C. Internal to core.

#include "losslens/loss/LetOff.h"
#include "losslens/loss/LossConfig.h"

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace losslens::detail {

// Pixels per block of the shared pass: everything a block produces stays in L1/L2.
inline constexpr std::size_t kMaxBlock = 2048;

// One block of the shared pass: per pixel the argmax k (ties to the lowest index), w0 =
// keep[k] (0 iff k is in the sample's missing set), the clamped probability of the labelled class
// (1 at ignore, so its log is 0), the removed mask, and the labels widened to int32 (-1 at ignore)
// for the per-class sums. Returns the block's removed-pixel count. kClasses 0: runtime C.
//
// Everything is written with masks and bit operations instead of conditionals: GCC turns
// conditionals here into branches (noisy probabilities mispredict half the time) and then
// gives up on vectorising. With C a small constant the whole loop runs 16 pixels per
// instruction; the labelled class's probability is picked by OR-ing each class's bits under
// a mask (probabilities are validated non-negative and only one mask is set).
template <int kClasses>
std::int64_t
scanBlock(const float* __restrict p, const std::uint16_t* __restrict y, std::size_t count,
          std::size_t runtimeClasses, const std::uint8_t* __restrict keep, std::uint32_t ignore,
          std::uint16_t* __restrict k, std::uint8_t* __restrict w0,
          std::uint8_t* __restrict removed, float* __restrict q, std::int32_t* __restrict labels) {
    constexpr float kHigh = 1.0f - kEpsilon;
    std::int64_t removedCount = 0;
    if constexpr (kClasses > 0 && kClasses <= 8) {
        std::uint32_t keepBits = 0;
        for (std::uint32_t cls = 0; cls < static_cast<std::uint32_t>(kClasses); ++cls)
            keepBits |= static_cast<std::uint32_t>(keep[cls] != 0) << cls;
        for (std::size_t i = 0; i < count; ++i) {
            const float* pixel = p + i * kClasses;
            const std::int32_t label = y[i];
            float bestValue = pixel[0];
            std::int32_t best = 0;
            std::uint32_t labelled = std::bit_cast<std::uint32_t>(pixel[0]) &
                                     static_cast<std::uint32_t>(-std::int32_t{label == 0});
            for (std::int32_t j = 1; j < kClasses; ++j) {
                const float v = pixel[j];
                const std::int32_t mask = -static_cast<std::int32_t>(v > bestValue);
                best = (j & mask) | (best & ~mask);
                bestValue = std::max(bestValue, v);
                labelled |= std::bit_cast<std::uint32_t>(v) &
                            static_cast<std::uint32_t>(-std::int32_t{label == j});
            }
            k[i] = static_cast<std::uint16_t>(best);
            const auto weight = static_cast<std::int32_t>((keepBits >> best) & 1u);
            w0[i] = static_cast<std::uint8_t>(weight);
            const std::int32_t ignored = static_cast<std::uint32_t>(label) == ignore;
            // Ignore pixels: labelled is 0 (or another class's value) and max(..., 1) = 1.
            q[i] = std::max(std::min(std::max(std::bit_cast<float>(labelled), kEpsilon), kHigh),
                            static_cast<float>(ignored));
            const std::int32_t isRemoved = std::int32_t{label == 0} & (ignored ^ 1) & (weight ^ 1);
            removed[i] = static_cast<std::uint8_t>(isRemoved);
            labels[i] = label | -ignored;
            removedCount += isRemoved;
        }
        return removedCount;
    }
    // Larger C: one loop per pixel (the compiler cannot vectorise a stride of C floats);
    // these ternaries compile to conditional moves, which measured faster than the mask
    // form above and than four interleaved running maxima.
    const std::size_t c = kClasses > 0 ? static_cast<std::size_t>(kClasses) : runtimeClasses;
    for (std::size_t i = 0; i < count; ++i) {
        const float* pixel = p + i * c;
        std::size_t best = 0;
        float bestValue = pixel[0];
        for (std::size_t j = 1; j < c; ++j) {
            const float v = pixel[j];
            const bool greater = v > bestValue;
            bestValue = greater ? v : bestValue;
            best = greater ? j : best;
        }
        k[i] = static_cast<std::uint16_t>(best);
        const std::uint8_t weight = keep[best];
        w0[i] = weight;
        const std::uint32_t label = y[i];
        const bool ignored = label == ignore;
        // ignore_index may be >= C: read class 0 there instead, so the load needs no branch.
        const float labelled = pixel[ignored ? 0u : label];
        q[i] = ignored ? 1.0f : std::min(std::max(labelled, kEpsilon), kHigh);
        const auto isRemoved = static_cast<std::uint8_t>(label == 0 && !ignored && weight == 0);
        removed[i] = isRemoved;
        labels[i] = ignored ? -1 : static_cast<std::int32_t>(label);
        removedCount += isRemoved;
    }
    return removedCount;
}

// GCC/Clang vector types one register wide on the target (AVX-512, AVX2, else SSE2), where
// the plain-loop version of the masked sums below was left scalar by GCC 12. Wider than a
// register, GCC expands the comparisons piecewise through the stack on AVX2 and SSE
// (-Wvector-operation-performance says so; measured 3x slower on an AVX2 machine).
#if defined(__AVX512F__)
inline constexpr std::size_t kVectorBytes = 64;
#elif defined(__AVX2__)
inline constexpr std::size_t kVectorBytes = 32;
#else
inline constexpr std::size_t kVectorBytes = 16;
#endif
using Floats = float __attribute__((vector_size(kVectorBytes)));
using Ints = std::int32_t __attribute__((vector_size(kVectorBytes)));

// Adds one block of a variant's map into per-class sums (and, when `reduced` is given, the
// per-class count of pixels the variant lets off against `standard`), skipping ignore pixels
// (label -1). Small C: one masked vector pass per class, float lanes within a block (2048
// pixels at most, so float is exact enough) folded into double. Large C: a scatter over
// four interleaved double lanes, which breaks the add-latency chain of same-class runs.
// `sums` and `reduced` hold 4 * classes lanes; the small-C path uses the first `classes`.
// Small C with C a compile-time constant: one pass over the block with C vector
// accumulators in registers, so each label, value and reference is loaded once for all
// classes instead of once per class.
template <std::size_t kClasses>
void accumulateSmall(const float* __restrict out, const float* __restrict standard,
                     const std::int32_t* __restrict labels, std::size_t count,
                     double* __restrict sums, std::int64_t* __restrict reduced) {
    constexpr std::size_t kLanes = kVectorBytes / sizeof(float);
    Floats lanes[kClasses] = {};
    Ints below[kClasses] = {};
    std::size_t i = 0;
    for (; i + kLanes <= count; i += kLanes) {
        Ints y;
        Floats value;
        std::memcpy(&y, labels + i, sizeof y);
        std::memcpy(&value, out + i, sizeof value);
        Ints lower{};
        if (reduced != nullptr) {
            Floats reference;
            std::memcpy(&reference, standard + i, sizeof reference);
            // letsOff (LetOff.h) in vector form: -1 where true.
            lower = (value < reference * 0.5f) & (reference > kPenaltyFloor);
        }
        for (std::size_t cls = 0; cls < kClasses; ++cls) {
            const Ints mine = y == static_cast<std::int32_t>(cls);
            lanes[cls] += reinterpret_cast<Floats>(reinterpret_cast<Ints>(value) & mine);
            below[cls] -= mine & lower;
        }
    }
    for (std::size_t cls = 0; cls < kClasses; ++cls) {
        double sum = 0.0;
        std::int64_t lowerCount = 0;
        for (std::size_t j = 0; j < kLanes; ++j) {
            sum += static_cast<double>(lanes[cls][j]);
            lowerCount += below[cls][j];
        }
        sums[cls] += sum;
        if (reduced != nullptr)
            reduced[cls] += lowerCount;
    }
    for (; i < count; ++i) {
        if (labels[i] < 0)
            continue;
        const auto cls = static_cast<std::size_t>(labels[i]);
        sums[cls] += static_cast<double>(out[i]);
        if (reduced != nullptr)
            reduced[cls] += letsOff(out[i], standard[i]) ? 1 : 0;
    }
}

inline void accumulateBlock(const float* __restrict out, const float* __restrict standard,
                            const std::int32_t* __restrict labels, std::size_t count,
                            std::size_t classes, double* __restrict sums,
                            std::int64_t* __restrict reduced) {
    switch (classes) {
    case 2:
        return accumulateSmall<2>(out, standard, labels, count, sums, reduced);
    case 3:
        return accumulateSmall<3>(out, standard, labels, count, sums, reduced);
    case 4:
        return accumulateSmall<4>(out, standard, labels, count, sums, reduced);
    case 5:
        return accumulateSmall<5>(out, standard, labels, count, sums, reduced);
    case 6:
        return accumulateSmall<6>(out, standard, labels, count, sums, reduced);
    case 7:
        return accumulateSmall<7>(out, standard, labels, count, sums, reduced);
    case 8:
        return accumulateSmall<8>(out, standard, labels, count, sums, reduced);
    default:
        break;
    }
    for (std::size_t i = 0; i < count; ++i) {
        if (labels[i] < 0)
            continue;
        const std::size_t slot = (i & 3u) * classes + static_cast<std::size_t>(labels[i]);
        sums[slot] += static_cast<double>(out[i]);
        if (reduced != nullptr)
            reduced[slot] += letsOff(out[i], standard[i]) ? 1 : 0;
    }
}

} // namespace losslens::detail
