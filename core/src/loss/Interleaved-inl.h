// Two to four interleaved classes of a vector of pixels as one float vector per class, for
// every SIMD target: a Highway "-inl" header (foreach_target re-includes it, so the guard
// below toggles instead of stopping a second inclusion). Internal to core.
//
// float16 bits are de-interleaved as 16-bit lanes and widened in registers, so a float16
// block of 2 to 4 classes needs no float32 copy in cache (widening each block first was 12%
// of `stats` on the float16 demo set, as much as the halved read saved).

#if defined(LOSSLENS_INTERLEAVED_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef LOSSLENS_INTERLEAVED_INL_H_
#undef LOSSLENS_INTERLEAVED_INL_H_
#else
#define LOSSLENS_INTERLEAVED_INL_H_
#endif

#include <hwy/highway.h>

#include <cstddef>
#include <cstdint>
#include <type_traits>

HWY_BEFORE_NAMESPACE();
namespace losslens::detail::HWY_NAMESPACE {

// Whether this target widens float16 exactly in registers: x86 from AVX2 up (F16C; every
// AVX2 CPU has it). Elsewhere Highway's emulation does not keep infinities and NaN, so
// callers widen float16 blocks with halvesToFloats there.
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX2
inline constexpr bool kWidensHalves = true;
#else
inline constexpr bool kWidensHalves = false;
#endif

// Highway's de-interleaving load of kC (2, 3, 4) lanes of type D's into v0 .. v(kC - 1).
template <std::size_t kC, class D, typename T, class V>
HWY_INLINE void loadLanes(D d, const T* HWY_RESTRICT at, V& v0, V& v1, V& v2, V& v3) {
    namespace hn = hwy::HWY_NAMESPACE;
    static_assert(kC >= 2 && kC <= 4);
    if constexpr (kC == 2)
        hn::LoadInterleaved2(d, at, v0, v1);
    else if constexpr (kC == 3)
        hn::LoadInterleaved3(d, at, v0, v1, v2);
    else
        hn::LoadInterleaved4(d, at, v0, v1, v2, v3);
}

// Sets v0 .. v(kC - 1) to classes 0 .. kC - 1 of the Lanes(df) pixels at `at` (kC = 2, 3,
// 4), from float32 values or float16 bits (std::uint16_t; only where kWidensHalves).
template <std::size_t kC, class DF, typename T>
HWY_INLINE void loadInterleaved(DF df, const T* HWY_RESTRICT at, hwy::HWY_NAMESPACE::Vec<DF>& v0,
                                hwy::HWY_NAMESPACE::Vec<DF>& v1, hwy::HWY_NAMESPACE::Vec<DF>& v2,
                                hwy::HWY_NAMESPACE::Vec<DF>& v3) {
    namespace hn = hwy::HWY_NAMESPACE;
    if constexpr (std::is_same_v<T, float>) {
        loadLanes<kC>(df, at, v0, v1, v2, v3);
    } else {
        static_assert(std::is_same_v<T, std::uint16_t>);
        const hn::Rebind<std::uint16_t, DF> d16;
        const hn::Rebind<hwy::float16_t, DF> dh;
        hn::Vec<decltype(d16)> h0, h1, h2, h3;
        loadLanes<kC>(d16, at, h0, h1, h2, h3);
        v0 = hn::PromoteTo(df, hn::BitCast(dh, h0));
        v1 = hn::PromoteTo(df, hn::BitCast(dh, h1));
        if constexpr (kC >= 3)
            v2 = hn::PromoteTo(df, hn::BitCast(dh, h2));
        if constexpr (kC == 4)
            v3 = hn::PromoteTo(df, hn::BitCast(dh, h3));
    }
}

} // namespace losslens::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif // LOSSLENS_INTERLEAVED_INL_H_
