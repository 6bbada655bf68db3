// Per-class sums of a loss map, one block at a time, for every SIMD target: a Highway
// "-inl" header, included by FusedPass.cpp once per target (foreach_target), so the guard
// below toggles instead of stopping a second inclusion. Internal to core.

#if defined(LOSSLENS_CLASS_SUMS_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef LOSSLENS_CLASS_SUMS_INL_H_
#undef LOSSLENS_CLASS_SUMS_INL_H_
#else
#define LOSSLENS_CLASS_SUMS_INL_H_
#endif

#include "losslens/loss/LetOff.h"

#include <hwy/highway.h>

#include <cstddef>
#include <cstdint>

HWY_BEFORE_NAMESPACE();
namespace losslens::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using DF = hn::ScalableTag<float>;
using DI = hn::RebindToSigned<DF>;

// Larger than any target's lane count.
constexpr std::size_t kMaxSumLanes = 64;

// Folds vector lanes of per-class sums and let-off counts into the caller's totals.
HWY_INLINE void fold(hn::Vec<DF> sum, hn::Vec<DI> lower, double* total, std::int64_t* letOff) {
    const DF df;
    const DI di;
    HWY_ALIGN float lanes[kMaxSumLanes];
    HWY_ALIGN std::int32_t below[kMaxSumLanes];
    hn::Store(sum, df, lanes);
    hn::Store(lower, di, below);
    double s = 0.0;
    std::int64_t count = 0;
    for (std::size_t j = 0; j < hn::Lanes(df); ++j) {
        s += static_cast<double>(lanes[j]);
        count += below[j];
    }
    *total += s;
    if (letOff != nullptr)
        *letOff += count;
}

// Where a variant lets a pixel off against the standard loss (LetOff.h), as a mask.
HWY_INLINE auto letsOffMask(hn::Vec<DF> value, hn::Vec<DF> reference) {
    const DF df;
    return hn::And(hn::Lt(value, hn::Mul(reference, hn::Set(df, 0.5f))),
                   hn::Gt(reference, hn::Set(df, kPenaltyFloor)));
}

#if HWY_HAVE_SCALABLE
// Scalable vectors cannot be held in arrays: one masked pass over the block per class.
template <std::size_t kC, bool kReduced>
void accumulateFixed(const float* out, const float* standard, const std::int32_t* labels,
                     std::size_t whole, double* sums, std::int64_t* reduced) {
    const DF df;
    const DI di;
    const std::size_t n = hn::Lanes(df);
    for (std::size_t cls = 0; cls < kC; ++cls) {
        hn::Vec<DF> sum = hn::Zero(df);
        hn::Vec<DI> lower = hn::Zero(di);
        for (std::size_t i = 0; i < whole; i += n) {
            const auto match =
                hn::Eq(hn::LoadU(di, labels + i), hn::Set(di, static_cast<std::int32_t>(cls)));
            const hn::Vec<DF> value = hn::LoadU(df, out + i);
            sum = hn::Add(sum, hn::IfThenElseZero(hn::RebindMask(df, match), value));
            if constexpr (kReduced) {
                const auto lets = letsOffMask(value, hn::LoadU(df, standard + i));
                lower =
                    hn::Sub(lower, hn::VecFromMask(di, hn::And(match, hn::RebindMask(di, lets))));
            }
        }
        fold(sum, lower, sums + cls, kReduced ? reduced + cls : nullptr);
    }
}
#else
// One pass over the block with C vector accumulators in registers: each label, value and
// reference is loaded once for all classes.
template <std::size_t kC, bool kReduced>
void accumulateFixed(const float* out, const float* standard, const std::int32_t* labels,
                     std::size_t whole, double* sums, std::int64_t* reduced) {
    const DF df;
    const DI di;
    const std::size_t n = hn::Lanes(df);
    hn::Vec<DF> sum[kC];
    hn::Vec<DI> lower[kC];
    for (std::size_t cls = 0; cls < kC; ++cls) {
        sum[cls] = hn::Zero(df);
        lower[cls] = hn::Zero(di);
    }
    for (std::size_t i = 0; i < whole; i += n) {
        const hn::Vec<DI> y = hn::LoadU(di, labels + i);
        const hn::Vec<DF> value = hn::LoadU(df, out + i);
        hn::Vec<DI> lets = hn::Zero(di);
        if constexpr (kReduced)
            lets = hn::VecFromMask(
                di, hn::RebindMask(di, letsOffMask(value, hn::LoadU(df, standard + i))));
        // A vector of one label (most of a segmentation map) goes to its class alone: the
        // same sums bit for bit (the other classes would add zeros), a fifth of the work.
        const std::int32_t first = labels[i];
        if (first >= 0 && hn::AllTrue(di, hn::Eq(y, hn::Set(di, first)))) {
            for (std::size_t cls = 0; cls < kC; ++cls)
                if (static_cast<std::size_t>(first) == cls) {
                    sum[cls] = hn::Add(sum[cls], value);
                    if constexpr (kReduced)
                        lower[cls] = hn::Sub(lower[cls], lets);
                }
            continue;
        }
        for (std::size_t cls = 0; cls < kC; ++cls) {
            const auto match = hn::Eq(y, hn::Set(di, static_cast<std::int32_t>(cls)));
            sum[cls] = hn::Add(sum[cls], hn::IfThenElseZero(hn::RebindMask(df, match), value));
            if constexpr (kReduced)
                lower[cls] = hn::Sub(lower[cls], hn::IfThenElseZero(match, lets));
        }
    }
    for (std::size_t cls = 0; cls < kC; ++cls)
        fold(sum[cls], lower[cls], sums + cls, kReduced ? reduced + cls : nullptr);
}
#endif

// Pixels [from, to) one at a time, over four interleaved lanes (which breaks the add-latency
// chain of same-class runs).
inline void accumulatePixels(const float* out, const float* standard, const std::int32_t* labels,
                             std::size_t from, std::size_t to, std::size_t classes, double* sums,
                             std::int64_t* reduced) {
    for (std::size_t i = from; i < to; ++i) {
        if (labels[i] < 0)
            continue;
        const std::size_t slot = (i & 3u) * classes + static_cast<std::size_t>(labels[i]);
        sums[slot] += static_cast<double>(out[i]);
        if (reduced != nullptr)
            reduced[slot] += letsOff(out[i], standard[i]) ? 1 : 0;
    }
}

// C > 8: consecutive vectors of pixels that share one label (most of a segmentation map)
// are added up in a register, which goes into its class when the label changes; a vector
// across a boundary is added pixel by pixel. Returns where the whole vectors end. (Pixel by
// pixel alone was 13% of a 21-class pass: each add waited on the previous one of its class;
// a horizontal sum per vector was 8.7% of `stats` on the 21-class float16 set.) The float
// lanes hold one block's run at most (2048 pixels): exact enough, as for C <= 8.
inline std::size_t accumulateRuns(const float* out, const float* standard,
                                  const std::int32_t* labels, std::size_t count,
                                  std::size_t classes, double* sums, std::int64_t* reduced) {
    const DF df;
    const DI di;
    const std::size_t n = hn::Lanes(df);
    std::int32_t runLabel = -1;
    hn::Vec<DF> runSum = hn::Zero(df);
    hn::Vec<DI> runLower = hn::Zero(di);
    const auto endRun = [&] {
        if (runLabel >= 0)
            fold(runSum, runLower, sums + runLabel,
                 reduced != nullptr ? reduced + runLabel : nullptr);
        runSum = hn::Zero(df);
        runLower = hn::Zero(di);
    };
    std::size_t i = 0;
    for (; i + n <= count; i += n) {
        const std::int32_t label = labels[i];
        if (label < 0 || !hn::AllTrue(di, hn::Eq(hn::LoadU(di, labels + i), hn::Set(di, label)))) {
            accumulatePixels(out, standard, labels, i, i + n, classes, sums, reduced);
            continue;
        }
        if (label != runLabel) {
            endRun();
            runLabel = label;
        }
        const hn::Vec<DF> value = hn::LoadU(df, out + i);
        runSum = hn::Add(runSum, value);
        if (reduced != nullptr)
            runLower = hn::Sub(
                runLower,
                hn::VecFromMask(
                    di, hn::RebindMask(di, letsOffMask(value, hn::LoadU(df, standard + i)))));
    }
    endRun();
    return i;
}

template <std::size_t kC>
void accumulateClasses(const float* out, const float* standard, const std::int32_t* labels,
                       std::size_t whole, double* sums, std::int64_t* reduced) {
    if (reduced != nullptr)
        accumulateFixed<kC, true>(out, standard, labels, whole, sums, reduced);
    else
        accumulateFixed<kC, false>(out, standard, labels, whole, sums, reduced);
}

// Adds one block of a variant's map into per-class sums and, unless `reduced` is null, the
// per-class count of pixels it lets off against `standard` (LetOff.h). C <= 8: vector lanes
// of float sums within a block (2048 pixels at most: float is exact enough) folded into
// double. Larger C, and the pixels after the last whole vector: a scatter over four
// interleaved lanes, which breaks the add-latency chain of same-class runs.
void accumulate(const float* out, const float* standard, const std::int32_t* labels,
                std::size_t count, std::size_t classes, double* sums, std::int64_t* reduced) {
    const std::size_t n = hn::Lanes(DF());
    using Fixed = void (*)(const float*, const float*, const std::int32_t*, std::size_t, double*,
                           std::int64_t*);
    static constexpr Fixed kFixed[] = {nullptr,
                                       &accumulateClasses<1>,
                                       &accumulateClasses<2>,
                                       &accumulateClasses<3>,
                                       &accumulateClasses<4>,
                                       &accumulateClasses<5>,
                                       &accumulateClasses<6>,
                                       &accumulateClasses<7>,
                                       &accumulateClasses<8>};
    std::size_t whole = 0;
    if (classes >= 1 && classes <= 8) {
        whole = count / n * n;
        kFixed[classes](out, standard, labels, whole, sums, reduced);
    } else {
        whole = accumulateRuns(out, standard, labels, count, classes, sums, reduced);
    }
    accumulatePixels(out, standard, labels, whole, count, classes, sums, reduced);
}

} // namespace losslens::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif // LOSSLENS_CLASS_SUMS_INL_H_
