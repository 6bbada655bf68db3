// The fused pass's class-major copy (any C but 2, 3 and 4), for every SIMD target: a Highway
// "-inl" header, included by FusedPass.cpp once per target (foreach_target), so the guard
// below toggles instead of stopping a second inclusion. Internal to core.

#if defined(LOSSLENS_CLASS_MAJOR_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef LOSSLENS_CLASS_MAJOR_INL_H_
#undef LOSSLENS_CLASS_MAJOR_INL_H_
#else
#define LOSSLENS_CLASS_MAJOR_INL_H_
#endif

#include "loss/HalfFloat.h"

#include <hwy/highway.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>

HWY_BEFORE_NAMESPACE();
namespace losslens::detail::HWY_NAMESPACE {

// Pixels transposed to class-major order at a time when C is not 2, 3 or 4.
constexpr std::size_t kRows = 256;
// Row stride of the class-major copy: not a multiple of 4 KiB apart, so the rows' stores
// do not alias in the store buffer.
constexpr std::size_t kStride = kRows + 16;

#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX2
// Eight values as floats: float32, or float16 bits widened by F16C (every AVX2 CPU has it),
// exactly as halvesToFloats widens them.
HWY_INLINE __m256 loadEight(const float* at) {
    return _mm256_loadu_ps(at);
}
HWY_INLINE __m256 loadEight(const std::uint16_t* at) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(at)));
}

// Eight rows of eight values `stride` apart, transposed in registers: column[k] holds value k
// of each row (three rounds of shuffles, 24 in all, against 64 scalar moves). T is float or
// float16 bits (std::uint16_t), widened as they are loaded.
template <typename T>
HWY_INLINE void transposeTile(const T* at, std::size_t stride, __m256 (&column)[8]) {
    const __m256 r0 = loadEight(at);
    const __m256 r1 = loadEight(at + stride);
    const __m256 r2 = loadEight(at + 2 * stride);
    const __m256 r3 = loadEight(at + 3 * stride);
    const __m256 r4 = loadEight(at + 4 * stride);
    const __m256 r5 = loadEight(at + 5 * stride);
    const __m256 r6 = loadEight(at + 6 * stride);
    const __m256 r7 = loadEight(at + 7 * stride);
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
    // Column k: value k of the eight rows.
    column[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
    column[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
    column[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
    column[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
    column[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
    column[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
    column[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
    column[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}
#endif

HWY_INLINE float asFloat(float value) {
    return value;
}
HWY_INLINE float asFloat(std::uint16_t half) {
    return halfToFloat(half);
}

// Copies `pixels` pixels of `classes` values each (pixel-major, `available` values readable
// from `from`) to class-major rows kStride apart, as floats (T: float, or float16 bits). With
// AVX2 an 8 x 8 tile at a time through registers: the plain copy was most of a 21-class scan
// (two scalar moves per value).
template <typename T>
void toClassMajor(const T* from, std::size_t classes, std::size_t pixels, std::size_t available,
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
                        rows[(j0 + k) * kStride + t + i] =
                            asFloat(from[(t + i) * classes + j0 + k]);
                continue;
            }
            const T* at = from + t * classes + j0;
            __m256 column[8];
            transposeTile(at, classes, column);
            for (std::size_t k = 0; k < valid; ++k)
                _mm256_storeu_ps(rows + (j0 + k) * kStride + t, column[k]);
        }
    }
#else
    (void)available;
#endif
    for (; t < pixels; ++t)
        for (std::size_t j = 0; j < classes; ++j)
            rows[j * kStride + t] = asFloat(from[t * classes + j]);
}

} // namespace losslens::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif // LOSSLENS_CLASS_MAJOR_INL_H_
