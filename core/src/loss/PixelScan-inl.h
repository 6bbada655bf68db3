// The fused pass's scan of a block (argmax, w0, removed mask and the labelled class's clamped
// probability per pixel), for every SIMD target: a Highway "-inl" header, included by
// FusedPass.cpp once per target (foreach_target), so the guard below toggles instead of
// stopping a second inclusion. Internal to core.

#if defined(LOSSLENS_PIXEL_SCAN_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef LOSSLENS_PIXEL_SCAN_INL_H_
#undef LOSSLENS_PIXEL_SCAN_INL_H_
#else
#define LOSSLENS_PIXEL_SCAN_INL_H_
#endif

#include "loss/HalfFloat.h"
#include "losslens/loss/LossConfig.h"

#include <hwy/cache_control.h>
#include <hwy/contrib/math/math-inl.h>
#include <hwy/highway.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "loss/ClassMajor-inl.h"
#include "loss/Interleaved-inl.h"

HWY_BEFORE_NAMESPACE();
namespace losslens::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using DF = hn::ScalableTag<float>;
using DI = hn::RebindToSigned<DF>;
using DU16 = hn::Rebind<std::uint16_t, DI>;

// One vector of pixels: the argmax (ties to the lowest index: only a strictly greater value
// moves it) and the labelled class's probability, from class vectors row(j).
template <class Row>
HWY_INLINE void argmaxAndLabelled(const Row& row, std::size_t classes, hn::Vec<DI> label,
                                  hn::Vec<DI>& best, hn::Vec<DF>& labelled) {
    const DF df;
    const DI di;
    hn::Vec<DF> bestValue = row(0);
    best = hn::Zero(di);
    labelled = hn::IfThenElseZero(hn::RebindMask(df, hn::Eq(label, hn::Zero(di))), bestValue);
    for (std::size_t j = 1; j < classes; ++j) {
        const hn::Vec<DF> v = row(j);
        const hn::Vec<DI> index = hn::Set(di, static_cast<std::int32_t>(j));
        best = hn::IfThenElse(hn::RebindMask(di, hn::Gt(v, bestValue)), index, best);
        bestValue = hn::Max(bestValue, v);
        labelled = hn::IfThenElse(hn::RebindMask(df, hn::Eq(label, index)), v, labelled);
    }
}

// What a block's scan writes per pixel: the argmax k, w0 = keep[k], the removed mask
// (labelled background, not ignore, w0 = 0), the clamped probability of the labelled class
// (1 at ignore, so its log is 0) and the label widened to int32 (-1 at ignore) for the sums.
// Where kLossInScan, the scan also writes the standard loss -log(q) of each whole vector.
struct ScanOut {
    std::uint16_t* k;
    std::uint8_t* w0;
    std::uint8_t* removed;
    float* q;
    std::int32_t* labels;
    float* loss;
};

// The log in the scan's loop, while its loads are in flight: with 32 vector registers
// (AVX-512) bench at C = 4 took 1.43 ms a sample where a loop of its own after the scan took
// 1.85. With 16 (AVX2, SSE4) the log's constants spill the scan's registers: 2.42 ms where
// the separate loop took 2.11 (medians of 7, docs/performance.md, session 26), so there the
// pass runs that loop. Measured on x86 only.
#if HWY_ARCH_X86
constexpr bool kLossInScan = HWY_TARGET <= HWY_AVX3;
#else
constexpr bool kLossInScan = false;
#endif

// -log(x). kNormal: x is never subnormal (the pass's clamped probabilities are at least
// kEpsilon), so Highway's log can skip rescaling subnormal inputs; the same bits otherwise.
template <bool kNormal> HWY_INLINE hn::Vec<DF> negativeLogOf(hn::Vec<DF> x) {
    const DF df;
    if constexpr (kNormal)
        return hn::Neg(hn::impl::Log<DF, hn::Vec<DF>, /*kAllowSubnormals=*/false>(df, x));
    else
        return hn::Neg(hn::Log(df, x));
}

// Stores one vector of pixels from `at`; returns 1 in the lanes it removed (the caller adds
// them up in a vector: a count per vector was a chain through memory). With C <= 32, w0 is
// bit k of keepBits; otherwise the caller looks w0 up afterwards.
HWY_INLINE hn::Vec<DI> storePixels(hn::Vec<DI> best, hn::Vec<DF> labelled, hn::Vec<DI> label,
                                   hn::Vec<DI> ignore, std::uint32_t keepBits, bool bits,
                                   const ScanOut& out, std::size_t at) {
    const DF df;
    const DI di;
    const DU16 d16;
    const hn::RebindToUnsigned<DI> du;
    const hn::Rebind<std::uint8_t, DI> d8;
    const auto ignored = hn::Eq(label, ignore);
    const hn::Vec<DF> clamped =
        hn::Min(hn::Max(labelled, hn::Set(df, kEpsilon)), hn::Set(df, 1.0f - kEpsilon));
    const hn::Vec<DF> q = hn::IfThenElse(hn::RebindMask(df, ignored), hn::Set(df, 1.0f), clamped);
    hn::StoreU(q, df, out.q + at);
    if constexpr (kLossInScan)
        hn::StoreU(negativeLogOf<true>(q), df, out.loss + at);
    hn::StoreU(hn::DemoteTo(d16, best), d16, out.k + at);
    hn::StoreU(hn::IfThenElse(ignored, hn::Set(di, -1), label), di, out.labels + at);
    if (!bits)
        return hn::Zero(di);
    const hn::Vec<DI> weight =
        hn::BitCast(di, hn::And(hn::Set(du, keepBits) >> hn::BitCast(du, best), hn::Set(du, 1u)));
    const auto removed =
        hn::AndNot(ignored, hn::And(hn::Eq(label, hn::Zero(di)), hn::Eq(weight, hn::Zero(di))));
    const hn::Vec<DI> one = hn::IfThenElseZero(removed, hn::Set(di, 1));
    hn::StoreU(hn::DemoteTo(d8, weight), d8, out.w0 + at);
    hn::StoreU(hn::DemoteTo(d8, one), d8, out.removed + at);
    return one;
}

// The lanes' removed counts added up.
HWY_INLINE std::size_t removedIn(hn::Vec<DI> lanes) {
    return static_cast<std::size_t>(hn::GetLane(hn::SumOfLanes(DI(), lanes)));
}

// The scalar form of the same, for the pixels after the last whole vector.
HWY_INLINE std::size_t scalarPixel(const float* pixel, std::size_t classes, std::uint32_t label,
                                   std::uint32_t ignore, const std::uint8_t* keep,
                                   const ScanOut& out, std::size_t at) {
    std::size_t best = 0;
    float bestValue = pixel[0];
    for (std::size_t j = 1; j < classes; ++j)
        if (pixel[j] > bestValue) {
            bestValue = pixel[j];
            best = j;
        }
    const bool ignored = label == ignore;
    const float labelled = label < classes ? pixel[label] : 0.0f;
    const std::uint8_t weight = keep[best];
    const bool removed = label == 0 && !ignored && weight == 0;
    out.k[at] = static_cast<std::uint16_t>(best);
    out.q[at] = ignored ? 1.0f : std::min(std::max(labelled, kEpsilon), 1.0f - kEpsilon);
    out.labels[at] = ignored ? -1 : static_cast<std::int32_t>(label);
    out.w0[at] = weight;
    out.removed[at] = removed ? 1 : 0;
    return removed ? 1 : 0;
}

// Asks for the cache lines 32 KiB past the `values` values at `at`, so reads of the next
// pixels are under way while this vector is scanned, and while the rest of the block's
// kernels run (32 KiB is one block of 2,048 pixels at C = 4). The distance follows the
// memory: 1 KiB took bench at C = 4 on AVX2 from 3.4x to 3.1x the streaming floor on a
// machine with slow memory, and was 3.6x (AVX-512) and 3.9x (AVX2) on one whose memory
// streams at 30 GB/s, where 16 KiB gives 2.9x and 3.3x and 32 KiB 2-5% less again
// (docs/performance.md, sessions 24 and 26).
template <typename T> HWY_INLINE void prefetchAhead(const T* at, std::size_t values) {
    constexpr std::size_t kAhead = 32768; // bytes
    const auto* bytes = reinterpret_cast<const unsigned char*>(at);
    for (std::size_t b = 0; b < values * sizeof(T); b += 64)
        hwy::Prefetch(bytes + kAhead + b);
}

// Asks for the cache lines of `values` values from `at` (past the block's end too: a
// prefetch never faults).
template <typename T> HWY_INLINE void prefetchRange(const T* at, std::size_t values) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(at);
    for (std::size_t b = 0; b < values * sizeof(T); b += 64)
        hwy::Prefetch(bytes + b);
}

// The whole vectors of C = 2, 3 or 4 interleaved classes (float32, or float16 bits where
// kWidensHalves), through de-interleaving loads; sets `i` past them and returns the removed
// count. `out` is a copy, so its pointers stay in registers (through a reference they were
// reloaded after every store).
template <std::size_t kC, typename T>
std::size_t scanInterleaved(const T* p, const std::uint16_t* y, std::size_t count,
                            hn::Vec<DI> vIgnore, std::uint32_t keepBits, const ScanOut out,
                            std::size_t& i) {
    const DF df;
    const DI di;
    const DU16 d16;
    const std::size_t n = hn::Lanes(df);
    hn::Vec<DI> removed = hn::Zero(di);
    // A local index: through the reference it was stored and reloaded around every byte
    // store (a uint8_t store may alias anything).
    std::size_t pixel = i;
    for (; pixel + n <= count; pixel += n) {
        hn::Vec<DF> v0, v1, v2, v3;
        const T* at = p + pixel * kC;
        prefetchAhead(at, n * kC);
        loadInterleaved<kC>(df, at, v0, v1, v2, v3);
        if constexpr (kC == 2)
            v2 = v3 = v1;
        else if constexpr (kC == 3)
            v3 = v2;
        const auto row = [&](std::size_t j) HWY_ATTR {
            return j == 0 ? v0 : j == 1 ? v1 : j == 2 ? v2 : v3;
        };
        const hn::Vec<DI> label = hn::PromoteTo(di, hn::LoadU(d16, y + pixel));
        hn::Vec<DI> best;
        hn::Vec<DF> labelled;
        argmaxAndLabelled(row, kC, label, best, labelled);
        removed = hn::Add(removed,
                          storePixels(best, labelled, label, vIgnore, keepBits, true, out, pixel));
    }
    i = pixel;
    return removedIn(removed);
}

template <typename T>
std::size_t scanInterleavedAny(const T* p, const std::uint16_t* y, std::size_t count,
                               std::size_t classes, hn::Vec<DI> vIgnore, std::uint32_t keepBits,
                               const ScanOut& out, std::size_t& i) {
    if (classes == 2)
        return scanInterleaved<2>(p, y, count, vIgnore, keepBits, out, i);
    if (classes == 3)
        return scanInterleaved<3>(p, y, count, vIgnore, keepBits, out, i);
    return scanInterleaved<4>(p, y, count, vIgnore, keepBits, out, i);
}

// Scans `count` pixels into `out`; returns the removed count. C = 2, 3, 4: de-interleaving
// loads; any other C: kRows pixels at a time copied to class-major rows, then the same
// vector loop (a vector argmax for 21 or 200 classes too). The values are `p`, or float16
// bits `h` (p null, only where kWidensHalves), widened in registers as they are loaded.
std::size_t scanPixels(const float* p, const std::uint16_t* h, const std::uint16_t* y,
                       std::size_t count, std::size_t classes, std::uint32_t ignore,
                       const std::uint8_t* keep, const ScanOut& out, float* rows) {
    const DF df;
    const DI di;
    const DU16 d16;
    const std::size_t n = hn::Lanes(df);
    // A label never equals -1: an ignore_index no label can hold matches nothing.
    const hn::Vec<DI> vIgnore =
        hn::Set(di, ignore <= 0xffffu ? static_cast<std::int32_t>(ignore) : -1);
    const bool bits = classes <= 32;
    std::uint32_t keepBits = 0;
    for (std::size_t cls = 0; bits && cls < classes; ++cls)
        keepBits |= static_cast<std::uint32_t>(keep[cls] != 0) << cls;
    std::size_t removed = 0;
    std::size_t i = 0;
    hn::Vec<DI> best;
    hn::Vec<DF> labelled;
    if (classes >= 2 && classes <= 4) {
        removed = h != nullptr
                      ? scanInterleavedAny(h, y, count, classes, vIgnore, keepBits, out, i)
                      : scanInterleavedAny(p, y, count, classes, vIgnore, keepBits, out, i);
    } else {
        hn::Vec<DI> removedLanes = hn::Zero(di);
        for (std::size_t start = 0; start + n <= count; start += kRows) {
            const std::size_t rowsHere = std::min(kRows, count - start) / n * n;
            // The next chunk's lines are asked for while this one is transposed.
            if (h != nullptr)
                prefetchRange(h + (start + kRows) * classes, kRows * classes);
            else
                prefetchRange(p + (start + kRows) * classes, kRows * classes);
            if (h != nullptr)
                toClassMajor(h + start * classes, classes, rowsHere, (count - start) * classes,
                             rows);
            else
                toClassMajor(p + start * classes, classes, rowsHere, (count - start) * classes,
                             rows);
            for (std::size_t t = 0; t < rowsHere; t += n) {
                const auto row = [&](std::size_t j)
                                     HWY_ATTR { return hn::LoadU(df, rows + j * kStride + t); };
                const hn::Vec<DI> label = hn::PromoteTo(di, hn::LoadU(d16, y + start + t));
                argmaxAndLabelled(row, classes, label, best, labelled);
                removedLanes = hn::Add(removedLanes, storePixels(best, labelled, label, vIgnore,
                                                                 keepBits, bits, out, start + t));
            }
            i = start + rowsHere;
            if (rowsHere < kRows)
                break;
        }
        removed = removedIn(removedLanes);
    }
    if (!bits)
        for (std::size_t j = 0; j < i; ++j) {
            const std::uint8_t weight = keep[out.k[j]];
            const bool isRemoved = y[j] == 0 && y[j] != ignore && weight == 0;
            out.w0[j] = weight;
            out.removed[j] = isRemoved ? 1 : 0;
            removed += isRemoved ? 1 : 0;
        }
    if (h != nullptr && i < count) {
        // The pixels after the last whole vector, widened.
        thread_local std::vector<float> tail;
        if (tail.size() < (count - i) * classes)
            tail.resize((count - i) * classes);
        halvesToFloats(h + i * classes, tail.data(), (count - i) * classes);
        for (std::size_t j = 0; i < count; ++i, ++j)
            removed += scalarPixel(tail.data() + j * classes, classes, y[i], ignore, keep, out, i);
        return removed;
    }
    for (; i < count; ++i)
        removed += scalarPixel(p + i * classes, classes, y[i], ignore, keep, out, i);
    return removed;
}

} // namespace losslens::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif // LOSSLENS_PIXEL_SCAN_INL_H_
