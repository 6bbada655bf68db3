// One pass over a sample (argmax, clamped label probability, every variant's kernel,
// per-class sums) kept together so each block is read once while in cache; the class-major
// scan and the per-class sums are its -inl headers, the class counts before it ClassCounts.
// Highway compiles this file once per SIMD target (foreach_target re-includes it); the code
// between HWY_BEFORE_NAMESPACE and HWY_AFTER_NAMESPACE is built for each, and the part under
// HWY_ONCE dispatches to the one the CPU (or useSimdTarget) picks.
#include "FusedPass.h"

#include "losslens/loss/LetOff.h"
#include "losslens/loss/LossConfig.h"

#include <algorithm>
#include <cstring>
#include <vector>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "loss/FusedPass.cpp"
#include <hwy/foreach_target.h> // IWYU pragma: keep

#include <hwy/contrib/math/math-inl.h>
#include <hwy/highway.h>

#include "loss/ClassSums-inl.h"
#include "loss/PixelScan-inl.h"

HWY_BEFORE_NAMESPACE();
namespace losslens::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using DF = hn::ScalableTag<float>;
using DI = hn::RebindToSigned<DF>;

// Larger than any target's lane count, for the padded last vector of a block.
constexpr std::size_t kMaxLanes = 64;

// out = -log(q), every value through the vector log (the last vector padded with 1s), so a
// pixel's value does not depend on where a block starts.
template <bool kNormal> void negLog(const float* q, float* out, std::size_t count) {
    const DF df;
    const std::size_t n = hn::Lanes(df);
    std::size_t i = 0;
    for (; i + n <= count; i += n)
        hn::StoreU(negativeLogOf<kNormal>(hn::LoadU(df, q + i)), df, out + i);
    if (i < count) {
        HWY_ALIGN float tail[kMaxLanes];
        std::fill(tail, tail + n, 1.0f);
        std::copy(q + i, q + count, tail);
        hn::Store(negativeLogOf<kNormal>(hn::Load(df, tail)), df, tail);
        std::copy(tail, tail + (count - i), out + i);
    }
}

// Where the scan does not take the log (AVX2 and below): out = -log(q) as negLog does, and
// in the same loop the standard's per-class sums of the block as accumulate(out, out, ...)
// makes them, in the same order (so bit for bit): the values are summed while in registers,
// not loaded again by a second pass over the block (2-3% of the maps' time at C = 4 on AVX2,
// where it was measured).
template <std::size_t kC>
void negLogSums(const float* q, float* out, const std::int32_t* labels, std::size_t count,
                double* sums) {
    const DF df;
    const DI di;
    const std::size_t n = hn::Lanes(df);
    hn::Vec<DF> sum[kC];
    for (std::size_t cls = 0; cls < kC; ++cls)
        sum[cls] = hn::Zero(df);
    std::size_t i = 0;
    for (; i + n <= count; i += n) {
        const hn::Vec<DF> value = negativeLogOf<true>(hn::LoadU(df, q + i));
        hn::StoreU(value, df, out + i);
        const hn::Vec<DI> y = hn::LoadU(di, labels + i);
        const std::int32_t first = labels[i];
        if (first >= 0 && hn::AllTrue(di, hn::Eq(y, hn::Set(di, first)))) {
            for (std::size_t cls = 0; cls < kC; ++cls)
                if (static_cast<std::size_t>(first) == cls)
                    sum[cls] = hn::Add(sum[cls], value);
            continue;
        }
        for (std::size_t cls = 0; cls < kC; ++cls) {
            const auto match = hn::Eq(y, hn::Set(di, static_cast<std::int32_t>(cls)));
            sum[cls] = hn::Add(sum[cls], hn::IfThenElseZero(hn::RebindMask(df, match), value));
        }
    }
    for (std::size_t cls = 0; cls < kC; ++cls)
        fold(sum[cls], hn::Zero(di), sums + cls, nullptr);
    negLog<true>(q + i, out + i, count - i);
    accumulatePixels(out, out, labels, i, count, kC, sums, nullptr);
}

void NegativeLog(float* values, std::size_t n) {
    negLog<false>(values, values, n);
}

// A pass's block buffers, kept per thread and only ever grown: a scan scores sample after
// sample with no allocation (about 100 KiB of blocks for six variants).
struct PassBuffers {
    std::vector<float> q, standard, rows, mapScratch, widened;
    std::vector<double> standardSums; // the standard's per-class sums of one block (4 x C)
    std::vector<std::int32_t> labels;
    std::vector<std::uint16_t> kScratch;
    std::vector<std::uint8_t> w0Scratch, removedScratch;
    template <typename V> static void atLeast(V& v, std::size_t n) {
        if (v.size() < n)
            v.resize(n);
    }
};

std::int64_t RunFusedPass(const PassArgs& a) {
    const std::size_t c = a.classes;
    thread_local PassBuffers buffers;
    PassBuffers::atLeast(buffers.q, kMaxBlock);
    PassBuffers::atLeast(buffers.standard, kMaxBlock);
    PassBuffers::atLeast(buffers.labels, kMaxBlock);
    PassBuffers::atLeast(buffers.rows, c >= 2 && c <= 4 ? 0 : kStride * c);
    std::vector<float>& q = buffers.q;
    std::vector<float>& standard = buffers.standard;
    std::vector<std::int32_t>& labels = buffers.labels;
    std::vector<float>& rows = buffers.rows;
    PassBuffers::atLeast(buffers.standardSums, 4 * c);
    double* standardSums = buffers.standardSums.data();
    // float16 blocks read as halves on AVX2 and up: the class-major transposes and the
    // de-interleaving loads widen them in registers (a widened block was 10% of `stats` on a
    // 21-class float16 set, 12% on the 4-class demo); other targets widen each block first.
    const bool halvesRead = kWidensHalves;
    if (a.halves != nullptr && !halvesRead)
        PassBuffers::atLeast(buffers.widened, kMaxBlock * c);
    LossContext context = a.context;
    // A summary only: the masks of a block go to scratch that the next block reuses, and so
    // does the map of every selected variant that is not kept.
    const bool scratch = a.argmax == nullptr;
    if (scratch) {
        PassBuffers::atLeast(buffers.kScratch, kMaxBlock);
        PassBuffers::atLeast(buffers.w0Scratch, kMaxBlock);
        PassBuffers::atLeast(buffers.removedScratch, kMaxBlock);
    }
    std::vector<std::uint16_t>& kScratch = buffers.kScratch;
    std::vector<std::uint8_t>& w0Scratch = buffers.w0Scratch;
    std::vector<std::uint8_t>& removedScratch = buffers.removedScratch;
    const auto kept = [&](std::size_t v) { return v < a.maps.size() && a.maps[v] != nullptr; };
    const bool anyScratchMap =
        std::any_of(a.selected.begin(), a.selected.end(), [&](std::size_t v) { return !kept(v); });
    if (anyScratchMap)
        PassBuffers::atLeast(buffers.mapScratch, kMaxBlock * a.variants.size());
    std::vector<float>& mapScratch = buffers.mapScratch;
    // The block's values of every variant, for the sink.
    std::vector<const float*> blockMaps(a.variants.size(), nullptr);
    // Per variant, 1 where its block is the standard's bit for bit (the sink's statistics
    // then need not compare them again).
    std::vector<std::uint8_t> sameAsStandard(a.variants.size(), 0);
    std::int64_t removedCount = 0;
    for (std::size_t start = 0; start < a.pixels; start += kMaxBlock) {
        const std::size_t count = std::min(kMaxBlock, a.pixels - start);
        const std::uint16_t* y = a.labels + start;
        std::uint16_t* k = scratch ? kScratch.data() : a.argmax + start;
        std::uint8_t* w0 = scratch ? w0Scratch.data() : a.bgWeight + start;
        std::uint8_t* removed = scratch ? removedScratch.data() : a.removed + start;
        // The standard loss is the standard variant's map: written there directly (its
        // kernel would only copy it), else into scratch for the other variants.
        const bool standardMap = kept(a.standardIndex);
        float* ls = standardMap ? a.maps[a.standardIndex] + start : standard.data();
        const ScanOut scan{k, w0, removed, q.data(), labels.data(), ls};
        // A float16 prediction's block: read as halves where the scan and the kernels can
        // (the 8 x 8 transposes widen them in registers), else widened as float32 in cache.
        const float* p = a.probabilities != nullptr ? a.probabilities + start * c : nullptr;
        const std::uint16_t* h = nullptr;
        if (a.halves != nullptr && halvesRead) {
            h = a.halves + start * c;
        } else if (a.halves != nullptr) {
            halvesToFloats(a.halves + start * c, buffers.widened.data(), count * c);
            p = buffers.widened.data();
        }
        removedCount += static_cast<std::int64_t>(
            scanPixels(p, h, y, count, c, a.ignore, a.keep, scan, rows.data()));
        // Where the scan took the log of its whole vectors, the pixels after them are left.
        const std::size_t logged = kLossInScan ? count / hn::Lanes(DF()) * hn::Lanes(DF()) : 0;
        bool standardSummed = false;
        if (!kLossInScan && c == 4) { // the standard's own sums, and any variant equal to it
            std::fill_n(standardSums, 4 * c, 0.0);
            negLogSums<4>(q.data(), ls, labels.data(), count, standardSums);
            standardSummed = true;
        } else {
            negLog<true>(q.data() + logged, ls + logged, count - logged);
        }

        context.offset = start;
        context.labels = std::span<const std::uint16_t>(y, count);
        context.probabilities =
            p != nullptr ? std::span<const float>(p, count * c) : std::span<const float>();
        context.halves = h != nullptr ? std::span<const std::uint16_t>(h, count * c)
                                      : std::span<const std::uint16_t>();
        context.standard = std::span<const float>(ls, count);
        context.trueProbability = std::span<const float>(q.data(), count);
        context.argmax = std::span<const std::uint16_t>(k, count);
        context.bgWeight = std::span<const std::uint8_t>(w0, count);
        // A variant whose block is the standard's bit for bit (partial where nothing is
        // removed, marginal where nothing is merged, drop on a complete sample: most blocks)
        // adds the standard's sums of the block, summed once, and lets no pixel off.
        std::fill(sameAsStandard.begin(), sameAsStandard.end(), std::uint8_t{0});
        for (const std::size_t v : a.selected) {
            float* out = v == a.standardIndex ? ls
                         : kept(v)            ? a.maps[v] + start
                                              : mapScratch.data() + v * kMaxBlock;
            if (v != a.standardIndex)
                a.variants[v].kernel(context, std::span<float>(out, count));
            double* lanes = a.lanes + v * 4 * c;
            if (out == ls || std::memcmp(out, ls, count * sizeof(float)) == 0) {
                sameAsStandard[v] = 1;
                if (!standardSummed) {
                    std::fill_n(standardSums, 4 * c, 0.0);
                    accumulate(ls, ls, labels.data(), count, c, standardSums, nullptr);
                    standardSummed = true;
                }
                for (std::size_t j = 0; j < 4 * c; ++j)
                    lanes[j] += standardSums[j];
            } else {
                accumulate(out, ls, labels.data(), count, c, lanes, a.reducedLanes + v * 4 * c);
            }
            blockMaps[v] = out;
        }
        if (a.sink != nullptr && *a.sink)
            (*a.sink)(LossBlock{start, std::span<const std::uint16_t>(y, count), blockMaps,
                                std::span<const std::uint16_t>(k, count), sameAsStandard,
                                a.standardIndex});
    }
    return removedCount;
}

} // namespace losslens::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace losslens::detail {

HWY_EXPORT(RunFusedPass);
HWY_EXPORT(NegativeLog);

std::int64_t runFusedPass(const PassArgs& args) {
    return HWY_DYNAMIC_DISPATCH(RunFusedPass)(args);
}

void negativeLog(float* values, std::size_t n) {
    HWY_DYNAMIC_DISPATCH(NegativeLog)(values, n);
}

} // namespace losslens::detail
#endif
