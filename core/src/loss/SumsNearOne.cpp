// The prediction reader's quick check of the sums (io/PredictionArray.cpp): whether every
// pixel's probabilities add up to within a tolerance of 1. Highway compiles this file once per
// SIMD target (foreach_target re-includes it) and the part under HWY_ONCE dispatches to the one
// the CPU picks, like FusedPass.cpp.
#include "SumsNearOne.h"

#include "HalfFloat.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "loss/SumsNearOne.cpp"
#include <hwy/foreach_target.h> // IWYU pragma: keep

#include <hwy/highway.h>

#include "loss/ClassMajor-inl.h"
#include "loss/Interleaved-inl.h"

HWY_BEFORE_NAMESPACE();
namespace losslens::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using DF = hn::ScalableTag<float>;

// Any C, pixels [from, pixels) one at a time: four sums in flight (classes k, k + 4, ... in
// sum k % 4, the classes after the last whole four in sum 0), added up as (0 + 1) + (2 + 3).
bool sumsPixelByPixel(const float* p, std::size_t from, std::size_t pixels, std::size_t classes,
                      float tolerance) {
    bool off = false;
    for (std::size_t i = from; i < pixels; ++i) {
        const float* pixel = p + i * classes;
        float s[4] = {0.0f, 0.0f, 0.0f, 0.0f};
        std::size_t k = 0;
        for (; k + 4 <= classes; k += 4)
            for (std::size_t j = 0; j < 4; ++j)
                s[j] += pixel[k + j];
        for (; k < classes; ++k)
            s[0] += pixel[k];
        off |= std::abs((s[0] + s[1]) + (s[2] + s[3]) - 1.0f) > tolerance;
    }
    return !off;
}

// Any C >= 5 with AVX2: eight pixels at a time, their classes transposed eight by eight in
// registers and added in the order of sumsPixelByPixel (each lane is one pixel's four sums),
// so the verdict is the same bit for bit. Sets `done` past the pixels checked. (A pixel at a
// time was 12-14% of `stats` on a 21-class set.) T: float, or float16 bits widened in
// registers as they are loaded.
template <typename T>
bool sumsTiles(const T* p, std::size_t pixels, std::size_t classes, float tolerance,
               std::size_t& done) {
    done = 0;
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX2
    const std::size_t whole = classes / 4 * 4;
    // The last tile of a pixel reads up to 7 values past its classes: stop before the
    // buffer's end and leave those pixels to the caller.
    const std::size_t reach = (classes + 7) / 8 * 8;
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256 limit = _mm256_set1_ps(tolerance);
    const __m256 signBit = _mm256_set1_ps(-0.0f);
    __m256 off = _mm256_setzero_ps();
    std::size_t t = 0;
    for (; t + 8 <= pixels && (t + 7) * classes + reach <= pixels * classes; t += 8) {
        __m256 s[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(),
                       _mm256_setzero_ps()};
        for (std::size_t j0 = 0; j0 < classes; j0 += 8) {
            __m256 column[8];
            transposeTile(p + t * classes + j0, classes, column);
            const std::size_t valid = std::min<std::size_t>(8, classes - j0);
            if (j0 + 8 <= whole) {
                s[0] = _mm256_add_ps(s[0], column[0]);
                s[1] = _mm256_add_ps(s[1], column[1]);
                s[2] = _mm256_add_ps(s[2], column[2]);
                s[3] = _mm256_add_ps(s[3], column[3]);
                s[0] = _mm256_add_ps(s[0], column[4]);
                s[1] = _mm256_add_ps(s[1], column[5]);
                s[2] = _mm256_add_ps(s[2], column[6]);
                s[3] = _mm256_add_ps(s[3], column[7]);
                continue;
            }
            for (std::size_t k = 0; k < valid; ++k) {
                const std::size_t sum = j0 + k < whole ? k % 4 : 0;
                s[sum] = _mm256_add_ps(s[sum], column[k]);
            }
        }
        const __m256 total = _mm256_add_ps(_mm256_add_ps(s[0], s[1]), _mm256_add_ps(s[2], s[3]));
        const __m256 distance = _mm256_andnot_ps(signBit, _mm256_sub_ps(total, one));
        off = _mm256_or_ps(off, _mm256_cmp_ps(distance, limit, _CMP_GT_OQ));
    }
    done = t;
    return _mm256_movemask_ps(off) == 0;
#else
    (void)p;
    (void)pixels;
    (void)classes;
    (void)tolerance;
    return true;
#endif
}

// C = 2, 3 or 4: de-interleaved a vector of pixels at a time (the compiler's own loop for
// this ran a pixel at a time); float32, or float16 bits where kWidensHalves.
template <std::size_t kC, typename T>
bool sumsInterleaved(const T* p, std::size_t pixels, float tolerance) {
    const DF df;
    const std::size_t n = hn::Lanes(df);
    const hn::Vec<DF> one = hn::Set(df, 1.0f);
    const hn::Vec<DF> limit = hn::Set(df, tolerance);
    auto off = hn::Zero(df);
    std::size_t i = 0;
    for (; i + n <= pixels; i += n) {
        hn::Vec<DF> v0, v1, v2, v3;
        loadInterleaved<kC>(df, p + i * kC, v0, v1, v2, v3);
        hn::Vec<DF> sum = hn::Add(v0, v1);
        if constexpr (kC >= 3)
            sum = hn::Add(sum, v2);
        if constexpr (kC == 4)
            sum = hn::Add(sum, v3);
        // A NaN sum compares false: the caller's bit check has already refused NaN.
        off = hn::Or(off, hn::VecFromMask(df, hn::Gt(hn::Abs(hn::Sub(sum, one)), limit)));
    }
    bool anyOff = !hn::AllFalse(df, hn::MaskFromVec(off));
    for (; i < pixels; ++i) {
        float sum = 0.0f;
        for (std::size_t k = 0; k < kC; ++k)
            sum += asFloat(p[i * kC + k]);
        anyOff |= std::abs(sum - 1.0f) > tolerance;
    }
    return !anyOff;
}

template <typename T>
bool sumsInterleaved(const T* p, std::size_t pixels, std::size_t classes, float tolerance) {
    if (classes == 2)
        return sumsInterleaved<2>(p, pixels, tolerance);
    if (classes == 3)
        return sumsInterleaved<3>(p, pixels, tolerance);
    return sumsInterleaved<4>(p, pixels, tolerance);
}

bool SumsNearOne(const float* p, std::size_t pixels, std::size_t classes, float tolerance) {
    if (classes >= 2 && classes <= 4)
        return sumsInterleaved(p, pixels, classes, tolerance);
    std::size_t done = 0;
    if (classes >= 5 && !sumsTiles(p, pixels, classes, tolerance, done))
        return false;
    return sumsPixelByPixel(p, done, pixels, classes, tolerance);
}

// float16 bits, AVX2 and up: C = 2 to 4 de-interleaved and C >= 5 in tiles, widened in
// registers; the rest (other targets, the pixels after the last tile) widened a few KiB at
// a time in cache.
bool SumsNearOneHalves(const std::uint16_t* h, std::size_t pixels, std::size_t classes,
                       float tolerance) {
    if constexpr (kWidensHalves)
        if (classes >= 2 && classes <= 4)
            return sumsInterleaved(h, pixels, classes, tolerance);
    std::size_t done = 0;
    if (classes >= 5 && !sumsTiles(h, pixels, classes, tolerance, done))
        return false;
    const std::size_t chunk = std::max<std::size_t>(8, (std::size_t{16} << 10) / classes);
    thread_local std::vector<float> widened;
    for (std::size_t start = done; start < pixels; start += chunk) {
        const std::size_t count = std::min(chunk, pixels - start);
        if (widened.size() < count * classes)
            widened.resize(count * classes);
        halvesToFloats(h + start * classes, widened.data(), count * classes);
        if (!SumsNearOne(widened.data(), count, classes, tolerance))
            return false;
    }
    return true;
}

} // namespace losslens::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace losslens::detail {

HWY_EXPORT(SumsNearOne);
HWY_EXPORT(SumsNearOneHalves);

bool sumsNearOne(const std::uint16_t* h, std::size_t pixels, std::size_t classes, float tolerance) {
    return HWY_DYNAMIC_DISPATCH(SumsNearOneHalves)(h, pixels, classes, tolerance);
}

bool sumsNearOne(const float* p, std::size_t pixels, std::size_t classes, float tolerance) {
    return HWY_DYNAMIC_DISPATCH(SumsNearOne)(p, pixels, classes, tolerance);
}

} // namespace losslens::detail
#endif
