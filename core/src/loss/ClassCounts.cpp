// Each class's pixels and the label check, before the fused pass (the missing set it needs
// depends on them). Highway compiles this file once per SIMD target (foreach_target re-includes
// it) and the part under HWY_ONCE dispatches to the one the CPU picks, like FusedPass.cpp.
#include "ClassCounts.h"

#include <algorithm>
#include <vector>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "loss/ClassCounts.cpp"
#include <hwy/foreach_target.h> // IWYU pragma: keep

#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace losslens::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Larger than any target's count of 16-bit lanes.
constexpr std::size_t kMaxCountLanes = 128;

#if !HWY_HAVE_SCALABLE
// C <= 8: each label read once for the validity check and every class's count, a vector of
// 16-bit labels at a time with one 16-bit counter per lane and class (C + 1 loops over each
// chunk before: the count was 5-7% of a pass at C = 4).
template <std::size_t kC>
bool countFixed(const std::uint16_t* y, std::size_t pixels, std::uint32_t ignore,
                std::int64_t* counts) {
    const hn::ScalableTag<std::uint16_t> d;
    const std::size_t n = hn::Lanes(d);
    // A lane counts at most kChunk / n labels of a chunk: far below 65,536.
    constexpr std::size_t kChunk = std::size_t{1} << 15;
    const bool ignoreIsLabel = ignore <= 0xffffu;
    const auto ignore16 = static_cast<std::uint16_t>(ignoreIsLabel ? ignore : 0u);
    const hn::Vec<decltype(d)> top = hn::Set(d, static_cast<std::uint16_t>(kC - 1));
    const hn::Vec<decltype(d)> vIgnore = hn::Set(d, ignore16);
    auto bad = hn::Zero(d);
    bool badTail = false;
    HWY_ALIGN std::uint16_t lanes[kMaxCountLanes];
    for (std::size_t start = 0; start < pixels; start += kChunk) {
        const std::size_t len = std::min(kChunk, pixels - start);
        const std::uint16_t* yc = y + start;
        hn::Vec<decltype(d)> acc[kC];
        for (std::size_t cls = 0; cls < kC; ++cls)
            acc[cls] = hn::Zero(d);
        std::size_t i = 0;
        for (; i + n <= len; i += n) {
            const auto v = hn::LoadU(d, yc + i);
            auto over = hn::Ne(hn::Min(v, top), v);
            if (ignoreIsLabel)
                over = hn::AndNot(hn::Eq(v, vIgnore), over);
            bad = hn::Or(bad, hn::VecFromMask(d, over));
            for (std::size_t cls = 0; cls < kC; ++cls)
                acc[cls] = hn::Sub(
                    acc[cls],
                    hn::VecFromMask(d, hn::Eq(v, hn::Set(d, static_cast<std::uint16_t>(cls)))));
        }
        for (std::size_t cls = 0; cls < kC; ++cls) {
            hn::Store(acc[cls], d, lanes);
            for (std::size_t l = 0; l < n; ++l)
                counts[cls] += lanes[l];
        }
        for (; i < len; ++i) {
            const std::uint16_t label = yc[i];
            if (label < kC)
                ++counts[label];
            else if (!ignoreIsLabel || label != ignore16)
                badTail = true;
        }
    }
    return hn::AllFalse(d, hn::MaskFromVec(bad)) && !badTail;
}
#endif

bool CountClassPixels(const std::uint16_t* y, std::size_t pixels, std::size_t classes,
                      std::uint32_t ignore, std::int64_t* counts) {
    std::fill(counts, counts + classes, std::int64_t{0});
#if !HWY_HAVE_SCALABLE
    if (classes >= 1 && classes <= 8) {
        using Count = bool (*)(const std::uint16_t*, std::size_t, std::uint32_t, std::int64_t*);
        static constexpr Count kCount[] = {nullptr,        &countFixed<1>, &countFixed<2>,
                                           &countFixed<3>, &countFixed<4>, &countFixed<5>,
                                           &countFixed<6>, &countFixed<7>, &countFixed<8>};
        if (!kCount[classes](y, pixels, ignore, counts))
            return false;
        if (ignore < classes)
            counts[ignore] = 0; // ignore_index inside the class range is no pixel's class
        return true;
    }
#endif
    // Chunks of 4096 labels stay in L1 for the validity check and the C counting loops, and
    // 16-bit counters (no overflow below 65536) let each loop run a vector of labels at once.
    constexpr std::size_t kChunk = 4096;
    const bool ignoreIsLabel = ignore <= 0xffffu;
    const auto ignore16 = static_cast<std::uint16_t>(ignoreIsLabel ? ignore : 0u);
    const auto c16 = static_cast<std::uint16_t>(std::min<std::size_t>(classes, 0xffffu));
    std::uint16_t bad = 0;
    for (std::size_t start = 0; start < pixels; start += kChunk) {
        const std::size_t len = std::min(kChunk, pixels - start);
        const std::uint16_t* yc = y + start;
        std::uint16_t chunkBad = 0;
        for (std::size_t i = 0; i < len; ++i)
            chunkBad |=
                static_cast<std::uint16_t>((yc[i] >= c16) & ((yc[i] != ignore16) | !ignoreIsLabel));
        bad |= chunkBad;
        if (classes > 8)
            continue;
        for (std::size_t cls = 0; cls < classes; ++cls) {
            const auto label = static_cast<std::uint16_t>(cls);
            std::uint16_t count = 0;
            for (std::size_t i = 0; i < len; ++i)
                count = static_cast<std::uint16_t>(count + (yc[i] == label));
            counts[cls] += count;
        }
    }
    if (bad != 0)
        return false;
    if (classes <= 8) {
        if (ignore < classes)
            counts[ignore] = 0; // ignore_index inside the class range is no pixel's class
        return true;
    }
    // Eight interleaved lanes of counters: a run of one class increments eight counters in
    // turn, not one that waits on its own previous increment.
    constexpr std::size_t kLanes = 8;
    std::vector<std::int64_t> lanes(kLanes * classes, 0);
    for (std::size_t i = 0; i < pixels; ++i) {
        const std::uint32_t label = y[i];
        if (label != ignore)
            ++lanes[(i % kLanes) * classes + label];
    }
    for (std::size_t cls = 0; cls < classes; ++cls)
        for (std::size_t lane = 0; lane < kLanes; ++lane)
            counts[cls] += lanes[lane * classes + cls];
    return true;
}

} // namespace losslens::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace losslens::detail {

HWY_EXPORT(CountClassPixels);

bool countClassPixels(const std::uint16_t* labels, std::size_t pixels, std::size_t classes,
                      std::uint32_t ignore, std::int64_t* counts) {
    return HWY_DYNAMIC_DISPATCH(CountClassPixels)(labels, pixels, classes, ignore, counts);
}

} // namespace losslens::detail
#endif
