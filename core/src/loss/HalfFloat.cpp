#include "loss/HalfFloat.h"

#include <bit>
#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace losslens::detail {

// IEEE half to float by its bits: exact, and no libm call per element (an 8192² x 4
// float16 prediction is 268 million of them).
float halfToFloat(std::uint16_t h) {
    const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
    const std::uint32_t exponent = (h >> 10) & 0x1fu;
    const std::uint32_t mantissa = h & 0x3ffu;
    if (exponent == 0) {
        // Zero or subnormal: mantissa x 2^-24, exact in float.
        const float value = static_cast<float>(mantissa) * 5.9604644775390625e-8f;
        return sign != 0 ? -value : value;
    }
    const std::uint32_t bits = exponent == 31 ? sign | 0x7f800000u | (mantissa << 13) // Inf or NaN
                                              : sign | ((exponent + 112u) << 23) | (mantissa << 13);
    return std::bit_cast<float>(bits);
}

namespace {

// float16 in this machine's byte order, a run of n: the same conversion without branches,
// so the compiler vectorises it (the per-element readElement path took a quarter of the
// window's time to first paint on an 8192² float16 sample).
void halvesToFloatsPortable(const std::byte* in, float* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        std::uint16_t h;
        std::memcpy(&h, in + 2 * i, 2);
        const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
        const std::uint32_t exponent = (h >> 10) & 0x1fu;
        const std::uint32_t mantissa = h & 0x3ffu;
        const std::uint32_t normal = sign | ((exponent + 112u) << 23) | (mantissa << 13);
        const std::uint32_t special = sign | 0x7f800000u | (mantissa << 13);
        const float small =
            static_cast<float>(static_cast<std::int32_t>(mantissa)) * 5.9604644775390625e-8f;
        const std::uint32_t subnormal = std::bit_cast<std::uint32_t>(small) | sign;
        const std::uint32_t bits = exponent == 0 ? subnormal : (exponent == 31 ? special : normal);
        out[i] = std::bit_cast<float>(bits);
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
// The CPU's own conversion (F16C, every AVX2 machine): eight halves an instruction, exact for
// every value (subnormals, infinities, NaN). A float16 set then scores faster than the same
// set in float32 instead of slower (the portable loop cost more than the bytes it saved).
__attribute__((target("avx2,f16c"))) void halvesToFloatsF16c(const std::byte* in, float* out,
                                                             std::size_t n) {
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m128i halves = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + 2 * i));
        _mm256_storeu_ps(out + i, _mm256_cvtph_ps(halves));
    }
    halvesToFloatsPortable(in + 2 * i, out + i, n - i);
}
#endif

} // namespace

void halvesToFloats(const std::byte* in, float* out, std::size_t n) {
#if defined(__x86_64__) && defined(__GNUC__)
    // Every AVX2 processor has F16C (it came first, on Intel and AMD alike); clang 14 cannot
    // ask for F16C by name.
    static const bool f16c = __builtin_cpu_supports("avx2");
    if (f16c) {
        halvesToFloatsF16c(in, out, n);
        return;
    }
#endif
    halvesToFloatsPortable(in, out, n);
}

void halvesToFloats(const std::uint16_t* in, float* out, std::size_t n) {
    halvesToFloats(reinterpret_cast<const std::byte*>(in), out, n);
}

} // namespace losslens::detail
