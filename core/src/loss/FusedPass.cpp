// About 420 lines: one pass over a sample (argmax, clamped label probability, every
// variant's kernel, per-class sums) kept together so each block is read once while in cache.
// Highway compiles this file once per SIMD target (foreach_target re-includes it); the code
// between HWY_BEFORE_NAMESPACE and HWY_AFTER_NAMESPACE is built for each, and the part under
// HWY_ONCE dispatches to the one the CPU (or useSimdTarget) picks.
#include "FusedPass.h"

#include "losslens/loss/LetOff.h"
#include "losslens/loss/LossConfig.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "loss/FusedPass.cpp"
#include <hwy/foreach_target.h> // IWYU pragma: keep

#include <hwy/contrib/math/math-inl.h>
#include <hwy/highway.h>

#include "loss/ClassSums-inl.h"
#include "loss/HalfFloat.h"

HWY_BEFORE_NAMESPACE();
namespace losslens::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using DF = hn::ScalableTag<float>;
using DI = hn::RebindToSigned<DF>;
using DU16 = hn::Rebind<std::uint16_t, DI>;

// Larger than any target's lane count, for the padded last vector of a block.
constexpr std::size_t kMaxLanes = 64;
// Pixels transposed to class-major order at a time when C is not 2, 3 or 4.
constexpr std::size_t kRows = 256;
// Row stride of the class-major copy: not a multiple of 4 KiB apart, so the rows' stores
// do not alias in the store buffer.
constexpr std::size_t kStride = kRows + 16;

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
struct ScanOut {
    std::uint16_t* k;
    std::uint8_t* w0;
    std::uint8_t* removed;
    float* q;
    std::int32_t* labels;
};

// Stores one vector of pixels from `at`; returns how many it removed. With C <= 32, w0 is
// bit k of keepBits; otherwise the caller looks w0 up afterwards.
HWY_INLINE std::size_t storePixels(hn::Vec<DI> best, hn::Vec<DF> labelled, hn::Vec<DI> label,
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
    hn::StoreU(hn::IfThenElse(hn::RebindMask(df, ignored), hn::Set(df, 1.0f), clamped), df,
               out.q + at);
    hn::StoreU(hn::DemoteTo(d16, best), d16, out.k + at);
    hn::StoreU(hn::IfThenElse(ignored, hn::Set(di, -1), label), di, out.labels + at);
    if (!bits)
        return 0;
    const hn::Vec<DI> weight =
        hn::BitCast(di, hn::And(hn::Set(du, keepBits) >> hn::BitCast(du, best), hn::Set(du, 1u)));
    const auto removed =
        hn::AndNot(ignored, hn::And(hn::Eq(label, hn::Zero(di)), hn::Eq(weight, hn::Zero(di))));
    hn::StoreU(hn::DemoteTo(d8, weight), d8, out.w0 + at);
    hn::StoreU(hn::DemoteTo(d8, hn::IfThenElseZero(removed, hn::Set(di, 1))), d8, out.removed + at);
    return hn::CountTrue(di, removed);
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

// Copies `pixels` pixels of `classes` values each (pixel-major, `available` values readable
// from `from`) to class-major rows kStride apart. With AVX2 an 8 x 8 tile at a time through
// registers: the plain copy was most of a 21-class scan (two scalar moves per value).
void toClassMajor(const float* from, std::size_t classes, std::size_t pixels, std::size_t available,
                  float* rows) {
    std::size_t t = 0;
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX2
    for (; t + 8 <= pixels; t += 8) {
        for (std::size_t j0 = 0; j0 < classes; j0 += 8) {
            const std::size_t valid = std::min<std::size_t>(8, classes - j0);
            // A tile's loads run past its classes into the next pixel's; the last ones of
            // the buffer are copied one by one instead.
            if ((t + 7) * classes + j0 + 8 > available) {
                for (std::size_t i = 0; i < 8; ++i)
                    for (std::size_t k = 0; k < valid; ++k)
                        rows[(j0 + k) * kStride + t + i] = from[(t + i) * classes + j0 + k];
                continue;
            }
            const float* at = from + t * classes + j0;
            const __m256 r0 = _mm256_loadu_ps(at);
            const __m256 r1 = _mm256_loadu_ps(at + classes);
            const __m256 r2 = _mm256_loadu_ps(at + 2 * classes);
            const __m256 r3 = _mm256_loadu_ps(at + 3 * classes);
            const __m256 r4 = _mm256_loadu_ps(at + 4 * classes);
            const __m256 r5 = _mm256_loadu_ps(at + 5 * classes);
            const __m256 r6 = _mm256_loadu_ps(at + 6 * classes);
            const __m256 r7 = _mm256_loadu_ps(at + 7 * classes);
            const __m256 t0 = _mm256_unpacklo_ps(r0, r1);
            const __m256 t1 = _mm256_unpackhi_ps(r0, r1);
            const __m256 t2 = _mm256_unpacklo_ps(r2, r3);
            const __m256 t3 = _mm256_unpackhi_ps(r2, r3);
            const __m256 t4 = _mm256_unpacklo_ps(r4, r5);
            const __m256 t5 = _mm256_unpackhi_ps(r4, r5);
            const __m256 t6 = _mm256_unpacklo_ps(r6, r7);
            const __m256 t7 = _mm256_unpackhi_ps(r6, r7);
            const __m256 s0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
            const __m256 s1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
            const __m256 s2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
            const __m256 s3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
            const __m256 s4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));
            const __m256 s5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
            const __m256 s6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
            const __m256 s7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
            // Column k: class j0 + k of the tile's eight pixels.
            const __m256 column[8] = {
                _mm256_permute2f128_ps(s0, s4, 0x20), _mm256_permute2f128_ps(s1, s5, 0x20),
                _mm256_permute2f128_ps(s2, s6, 0x20), _mm256_permute2f128_ps(s3, s7, 0x20),
                _mm256_permute2f128_ps(s0, s4, 0x31), _mm256_permute2f128_ps(s1, s5, 0x31),
                _mm256_permute2f128_ps(s2, s6, 0x31), _mm256_permute2f128_ps(s3, s7, 0x31)};
            for (std::size_t k = 0; k < valid; ++k)
                _mm256_storeu_ps(rows + (j0 + k) * kStride + t, column[k]);
        }
    }
#else
    (void)available;
#endif
    for (; t < pixels; ++t)
        for (std::size_t j = 0; j < classes; ++j)
            rows[j * kStride + t] = from[t * classes + j];
}

// Scans `count` pixels into `out`; returns the removed count. C = 2, 3, 4: de-interleaving
// loads; any other C: kRows pixels at a time copied to class-major rows, then the same
// vector loop (a vector argmax for 21 or 200 classes too).
std::size_t scanPixels(const float* p, const std::uint16_t* y, std::size_t count,
                       std::size_t classes, std::uint32_t ignore, const std::uint8_t* keep,
                       const ScanOut& out, float* rows) {
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
        for (; i + n <= count; i += n) {
            hn::Vec<DF> v0, v1, v2, v3;
            const float* at = p + i * classes;
            if (classes == 2) {
                hn::LoadInterleaved2(df, at, v0, v1);
                v2 = v1;
                v3 = v1;
            } else if (classes == 3) {
                hn::LoadInterleaved3(df, at, v0, v1, v2);
                v3 = v2;
            } else {
                hn::LoadInterleaved4(df, at, v0, v1, v2, v3);
            }
            const auto row = [&](std::size_t j) HWY_ATTR {
                return j == 0 ? v0 : j == 1 ? v1 : j == 2 ? v2 : v3;
            };
            const hn::Vec<DI> label = hn::PromoteTo(di, hn::LoadU(d16, y + i));
            argmaxAndLabelled(row, classes, label, best, labelled);
            removed += storePixels(best, labelled, label, vIgnore, keepBits, bits, out, i);
        }
    } else {
        for (std::size_t start = 0; start + n <= count; start += kRows) {
            const std::size_t rowsHere = std::min(kRows, count - start) / n * n;
            const float* from = p + start * classes;
            toClassMajor(from, classes, rowsHere, (count - start) * classes, rows);
            for (std::size_t t = 0; t < rowsHere; t += n) {
                const auto row = [&](std::size_t j)
                                     HWY_ATTR { return hn::LoadU(df, rows + j * kStride + t); };
                const hn::Vec<DI> label = hn::PromoteTo(di, hn::LoadU(d16, y + start + t));
                argmaxAndLabelled(row, classes, label, best, labelled);
                removed +=
                    storePixels(best, labelled, label, vIgnore, keepBits, bits, out, start + t);
            }
            i = start + rowsHere;
            if (rowsHere < kRows)
                break;
        }
    }
    if (!bits)
        for (std::size_t j = 0; j < i; ++j) {
            const std::uint8_t weight = keep[out.k[j]];
            const bool isRemoved = y[j] == 0 && y[j] != ignore && weight == 0;
            out.w0[j] = weight;
            out.removed[j] = isRemoved ? 1 : 0;
            removed += isRemoved ? 1 : 0;
        }
    for (; i < count; ++i)
        removed += scalarPixel(p + i * classes, classes, y[i], ignore, keep, out, i);
    return removed;
}

// out = -log(q), every value through the vector log (the last vector padded with 1s), so a
// pixel's value does not depend on where a block starts.
void negLog(const float* q, float* out, std::size_t count) {
    const DF df;
    const std::size_t n = hn::Lanes(df);
    std::size_t i = 0;
    for (; i + n <= count; i += n)
        hn::StoreU(hn::Neg(hn::Log(df, hn::LoadU(df, q + i))), df, out + i);
    if (i < count) {
        HWY_ALIGN float tail[kMaxLanes];
        std::fill(tail, tail + n, 1.0f);
        std::copy(q + i, q + count, tail);
        hn::Store(hn::Neg(hn::Log(df, hn::Load(df, tail))), df, tail);
        std::copy(tail, tail + (count - i), out + i);
    }
}

void NegativeLog(float* values, std::size_t n) {
    negLog(values, values, n);
}

// Whether every pixel's C = 2, 3 or 4 values sum to within `tolerance` of 1, added in class
// order as a scalar loop would (the same verdict bit for bit): de-interleaved a vector of
// pixels at a time (the compiler's own loop for this ran a pixel at a time).
bool SumsNearOne(const float* p, std::size_t pixels, std::size_t classes, float tolerance) {
    const DF df;
    const std::size_t n = hn::Lanes(df);
    const hn::Vec<DF> one = hn::Set(df, 1.0f);
    const hn::Vec<DF> limit = hn::Set(df, tolerance);
    auto off = hn::Zero(df);
    std::size_t i = 0;
    for (; i + n <= pixels; i += n) {
        hn::Vec<DF> v0, v1, v2, v3;
        hn::Vec<DF> sum;
        const float* at = p + i * classes;
        if (classes == 2) {
            hn::LoadInterleaved2(df, at, v0, v1);
            sum = hn::Add(v0, v1);
        } else if (classes == 3) {
            hn::LoadInterleaved3(df, at, v0, v1, v2);
            sum = hn::Add(hn::Add(v0, v1), v2);
        } else {
            hn::LoadInterleaved4(df, at, v0, v1, v2, v3);
            sum = hn::Add(hn::Add(hn::Add(v0, v1), v2), v3);
        }
        // A NaN sum compares false: the caller's bit check has already refused NaN.
        off = hn::Or(off, hn::VecFromMask(df, hn::Gt(hn::Abs(hn::Sub(sum, one)), limit)));
    }
    bool anyOff = !hn::AllFalse(df, hn::MaskFromVec(off));
    for (; i < pixels; ++i) {
        float sum = 0.0f;
        for (std::size_t k = 0; k < classes; ++k)
            sum += p[i * classes + k];
        anyOff |= std::abs(sum - 1.0f) > tolerance;
    }
    return !anyOff;
}

bool CountClassPixels(const std::uint16_t* y, std::size_t pixels, std::size_t classes,
                      std::uint32_t ignore, std::int64_t* counts) {
    std::fill(counts, counts + classes, std::int64_t{0});
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
    std::vector<std::int64_t> lanes(4 * classes, 0);
    for (std::size_t i = 0; i < pixels; ++i) {
        const std::uint32_t label = y[i];
        if (label != ignore)
            ++lanes[(i & 3u) * classes + label];
    }
    for (std::size_t cls = 0; cls < classes; ++cls)
        counts[cls] =
            lanes[cls] + lanes[classes + cls] + lanes[2 * classes + cls] + lanes[3 * classes + cls];
    return true;
}

// A pass's block buffers, kept per thread and only ever grown: a scan scores sample after
// sample with no allocation (about 100 KiB of blocks for six variants).
struct PassBuffers {
    std::vector<float> q, standard, rows, mapScratch, widened;
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
    if (a.halves != nullptr)
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
    std::int64_t removedCount = 0;
    for (std::size_t start = 0; start < a.pixels; start += kMaxBlock) {
        const std::size_t count = std::min(kMaxBlock, a.pixels - start);
        const std::uint16_t* y = a.labels + start;
        std::uint16_t* k = scratch ? kScratch.data() : a.argmax + start;
        std::uint8_t* w0 = scratch ? w0Scratch.data() : a.bgWeight + start;
        std::uint8_t* removed = scratch ? removedScratch.data() : a.removed + start;
        const ScanOut scan{k, w0, removed, q.data(), labels.data()};
        // A float16 prediction's block as float32, in cache: what every kernel reads.
        const float* p = a.probabilities + start * c;
        if (a.halves != nullptr) {
            halvesToFloats(a.halves + start * c, buffers.widened.data(), count * c);
            p = buffers.widened.data();
        }
        removedCount += static_cast<std::int64_t>(
            scanPixels(p, y, count, c, a.ignore, a.keep, scan, rows.data()));
        // The standard loss is the standard variant's map: written there directly (its
        // kernel would only copy it), else into scratch for the other variants.
        const bool standardMap = kept(a.standardIndex);
        float* ls = standardMap ? a.maps[a.standardIndex] + start : standard.data();
        negLog(q.data(), ls, count);

        context.offset = start;
        context.labels = std::span<const std::uint16_t>(y, count);
        context.probabilities = std::span<const float>(p, count * c);
        context.standard = std::span<const float>(ls, count);
        context.trueProbability = std::span<const float>(q.data(), count);
        context.argmax = std::span<const std::uint16_t>(k, count);
        context.bgWeight = std::span<const std::uint8_t>(w0, count);
        for (const std::size_t v : a.selected) {
            float* out = v == a.standardIndex ? ls
                         : kept(v)            ? a.maps[v] + start
                                              : mapScratch.data() + v * kMaxBlock;
            if (v != a.standardIndex)
                a.variants[v].kernel(context, std::span<float>(out, count));
            accumulate(out, ls, labels.data(), count, c, a.lanes + v * 4 * c,
                       v == a.standardIndex ? nullptr : a.reducedLanes + v * 4 * c);
            blockMaps[v] = out;
        }
        if (a.sink != nullptr && *a.sink)
            (*a.sink)(LossBlock{start, std::span<const std::uint16_t>(y, count), blockMaps});
    }
    return removedCount;
}

} // namespace losslens::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace losslens::detail {

HWY_EXPORT(RunFusedPass);
HWY_EXPORT(CountClassPixels);
HWY_EXPORT(NegativeLog);
HWY_EXPORT(SumsNearOne);

std::int64_t runFusedPass(const PassArgs& args) {
    return HWY_DYNAMIC_DISPATCH(RunFusedPass)(args);
}

bool countClassPixels(const std::uint16_t* labels, std::size_t pixels, std::size_t classes,
                      std::uint32_t ignore, std::int64_t* counts) {
    return HWY_DYNAMIC_DISPATCH(CountClassPixels)(labels, pixels, classes, ignore, counts);
}

void negativeLog(float* values, std::size_t n) {
    HWY_DYNAMIC_DISPATCH(NegativeLog)(values, n);
}

bool sumsNearOne(const float* p, std::size_t pixels, std::size_t classes, float tolerance) {
    return HWY_DYNAMIC_DISPATCH(SumsNearOne)(p, pixels, classes, tolerance);
}

} // namespace losslens::detail
#endif
