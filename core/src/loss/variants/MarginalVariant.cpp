#include "losslens/loss/LossVariant.h"

#include "loss/FusedPass.h"

#include <algorithm>
#include <vector>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "loss/variants/MarginalVariant.cpp"
#include <hwy/foreach_target.h> // IWYU pragma: keep

#include <hwy/highway.h>

#include "loss/ClassMajor-inl.h"
#include "loss/Interleaved-inl.h"

// The kernel is compiled for every SIMD target and runs on the one the CPU picks, like the
// fused pass (loss/FusedPass.h).
HWY_BEFORE_NAMESPACE();
namespace losslens::variants::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// C >= 5 with AVX2: the merged probability of eight pixels at a time, from their classes
// transposed eight by eight in registers (only the groups of eight holding background or a
// missing class), added in the scalar loop's order. Returns the pixels done. (A strided pass
// per missing class was 11% of `stats` on a 21-class set.)
template <typename T>
std::size_t mergeTiles(const T* p, std::size_t n, std::size_t classes, std::span<const int> missing,
                       float* m) {
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX2
    // Which columns of each group of eight classes are added: background, then every
    // missing class, in class order.
    constexpr std::size_t kMaxGroups = 160; // 1,280 classes
    const std::size_t groups = (classes + 7) / 8;
    if (groups > kMaxGroups)
        return 0;
    std::uint8_t add[kMaxGroups] = {};
    add[0] = 1;
    for (const int c : missing)
        add[static_cast<std::size_t>(c) / 8] |= static_cast<std::uint8_t>(1u << (c % 8));
    const std::size_t reach = groups * 8;
    std::size_t t = 0;
    for (; t + 8 <= n && (t + 7) * classes + reach <= n * classes; t += 8) {
        __m256 merged = _mm256_setzero_ps();
        for (std::size_t g = 0; g < groups; ++g) {
            if (add[g] == 0)
                continue;
            __m256 column[8];
            detail::HWY_NAMESPACE::transposeTile(p + t * classes + g * 8, classes, column);
            for (std::size_t k = 0; k < 8; ++k)
                if ((add[g] >> k) & 1u)
                    merged = _mm256_add_ps(merged, column[k]);
        }
        _mm256_storeu_ps(m + t, merged);
    }
    return t;
#else
    (void)p;
    (void)n;
    (void)classes;
    (void)missing;
    (void)m;
    return 0;
#endif
}

// C = 2, 3 or 4: the merged probability of a vector of pixels at a time (a 0/1 weight per
// class, added in class order as mergeRest does). Returns the pixels done.
template <std::size_t kC, typename T>
std::size_t mergeInterleaved(const T* p, std::size_t n, const float (&weight)[4], float* m) {
    const hn::ScalableTag<float> df;
    const auto w1 = hn::Set(df, weight[1]);
    const auto w2 = hn::Set(df, weight[2]);
    const auto w3 = hn::Set(df, weight[3]);
    const std::size_t lanes = hn::Lanes(df);
    std::size_t done = 0;
    for (; done + lanes <= n; done += lanes) {
        hn::Vec<decltype(df)> v0, v1, v2, v3;
        detail::HWY_NAMESPACE::loadInterleaved<kC>(df, p + done * kC, v0, v1, v2, v3);
        if constexpr (kC == 2)
            v2 = v3 = hn::Zero(df);
        else if constexpr (kC == 3)
            v3 = hn::Zero(df);
        hn::StoreU(hn::MulAdd(w3, v3, hn::MulAdd(w2, v2, hn::MulAdd(w1, v1, v0))), df, m + done);
    }
    return done;
}

template <typename T>
std::size_t mergeInterleaved(const T* p, std::size_t n, std::size_t classes,
                             std::span<const int> missing, float* m) {
    float weight[4] = {1.0f, 0.0f, 0.0f, 0.0f};
    for (const int c : missing)
        weight[c] = 1.0f;
    if (classes == 2)
        return mergeInterleaved<2>(p, n, weight, m);
    if (classes == 3)
        return mergeInterleaved<3>(p, n, weight, m);
    return mergeInterleaved<4>(p, n, weight, m);
}

// Pixels [from, n) one at a time: background, then each missing class in class order.
template <typename T>
void mergeRest(const T* p, std::size_t from, std::size_t n, std::size_t classes,
               std::span<const int> missing, float* m) {
    for (std::size_t i = from; i < n; ++i)
        m[i] = detail::HWY_NAMESPACE::asFloat(p[i * classes]);
    for (const int c : missing)
        for (std::size_t i = from; i < n; ++i)
            m[i] += detail::HWY_NAMESPACE::asFloat(p[i * classes + static_cast<std::size_t>(c)]);
}

// Marginal cross-entropy (Shi et al., Medical Image Analysis 2021): a background label in a
// sample that lacks some classes' annotations only says "background or one of those", so
// the probabilities of the missing classes are merged into background before the log:
// -log clamp(p_0 + sum over missing c of p_c). Probabilities are merged, not logits. Other
// labelled pixels keep the standard loss; with nothing missing this is the standard loss.
void MarginalKernel(const LossContext& context, std::span<float> out) {
    const std::span<const int> missing = context.missing;
    if (missing.empty()) {
        std::copy(context.standard.begin(), context.standard.end(), out.begin());
        return;
    }
    const std::size_t n = context.pixelCount();
    const auto classes = static_cast<std::size_t>(context.classes);
    const float* p = context.probabilities.data();
    thread_local std::vector<float> merged;
    if (merged.size() < n)
        merged.resize(n);
    float* m = merged.data();
    // The merged probability of every pixel (only background-labelled ones are used):
    // C = 2-4 with de-interleaving vector loads and a 0/1 weight per class, else in 8 x 8
    // tiles and a strided pass per merged class; float16 blocks the pass did not widen (p
    // null) are read as halves, widened exactly, added in the same order.
    const std::uint16_t* h = context.halves.data();
    std::size_t done = 0;
    if (classes >= 2 && classes <= 4)
        done = p != nullptr ? mergeInterleaved(p, n, classes, missing, m)
                            : mergeInterleaved(h, n, classes, missing, m);
    else if (p != nullptr)
        done = mergeTiles(p, n, classes, missing, m);
    else
        done = mergeTiles(h, n, classes, missing, m);
    if (p != nullptr)
        mergeRest(p, done, n, classes, missing, m);
    else
        mergeRest(h, done, n, classes, missing, m);
    // A background label (never ignore_index, which may be 0) is what gets merged.
    const std::uint16_t background = context.ignoreIndex == 0 ? 0xffff : 0;
    const std::uint16_t* y = context.labels.data();
    constexpr float kHigh = 1.0f - kEpsilon;
    for (std::size_t i = 0; i < n; ++i)
        m[i] = y[i] == background ? std::min(std::max(m[i], kEpsilon), kHigh) : 1.0f;
    // The pass's own vectorised log.
    detail::negativeLog(m, n);
    const float* standard = context.standard.data();
    for (std::size_t i = 0; i < n; ++i)
        out[i] = y[i] == background ? m[i] : standard[i];
}

} // namespace losslens::variants::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "loss/variants/DynamicKernel.h"

namespace losslens::variants {

namespace {
LOSSLENS_DYNAMIC_KERNEL(MarginalKernel, marginalKernel)
} // namespace

LossVariant marginal() {
    return {"marginal", "Marginal (missing classes merged into background)",
            "Cross-entropy where, at background-labelled pixels, the probabilities of the "
            "classes missing from the sample count as background (Shi et al. 2021).",
            &marginalKernel, nullptr};
}

} // namespace losslens::variants
#endif
