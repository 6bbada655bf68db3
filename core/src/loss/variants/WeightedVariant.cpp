#include "losslens/loss/LossVariant.h"

#include <algorithm>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "loss/variants/WeightedVariant.cpp"
#include <hwy/foreach_target.h> // IWYU pragma: keep

#include <hwy/highway.h>

// The kernel is compiled for every SIMD target (plain loops the compiler vectorises for
// each) and runs on the one the CPU picks, like the fused pass (loss/FusedPass.h).
HWY_BEFORE_NAMESPACE();
namespace losslens::variants::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Class-weighted cross-entropy: w[y] * -log q_y, with w from dataset.json class_weights
// (every class 1 when not given). Its mean follows PyTorch's nll_loss(weight=w): the sum
// divided by the sum of the weights of the valid pixels, not by their count.
void WeightedKernel(const LossContext& context, std::span<float> out) {
    const auto& weights = context.config->classWeights;
    if (weights.empty()) {
        std::copy(context.standard.begin(), context.standard.end(), out.begin());
        return;
    }
    const std::size_t n = context.pixelCount();
    const auto classes = static_cast<std::uint32_t>(weights.size());
    const std::uint16_t* y = context.labels.data();
    const float* standard = context.standard.data();
    float* result = out.data();
    std::size_t i = 0;
    // As many classes as a vector has lanes: each pixel's weight looked up in a register
    // (the compiler's loop fetched one weight at a time: 7% of `stats` on the demo set).
    const hn::ScalableTag<float> df;
    const hn::RebindToSigned<decltype(df)> di;
    const hn::Rebind<std::uint16_t, decltype(di)> d16;
    const std::size_t lanes = hn::Lanes(df);
    if (classes <= lanes) {
        HWY_ALIGN float table[hn::MaxLanes(df)] = {};
        std::copy(weights.begin(), weights.end(), table);
        const auto w = hn::Load(df, table);
        const auto count = hn::Set(di, static_cast<std::int32_t>(classes));
        for (; i + lanes <= n; i += lanes) {
            const auto label = hn::PromoteTo(di, hn::LoadU(d16, y + i));
            const auto inRange = hn::Lt(label, count);
            const auto weight =
                hn::TableLookupLanes(w, hn::IndicesFromVec(df, hn::IfThenElseZero(inRange, label)));
            hn::StoreU(hn::IfThenElseZero(hn::RebindMask(df, inRange),
                                          hn::Mul(weight, hn::LoadU(df, standard + i))),
                       df, result + i);
        }
    }
    for (; i < n; ++i) {
        const std::uint32_t label = y[i];
        // Ignore pixels (label may be >= C) have standard 0 and stay 0.
        result[i] = label < classes ? weights[label] * standard[i] : 0.0f;
    }
}
} // namespace losslens::variants::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "loss/variants/DynamicKernel.h"

namespace losslens::variants {

namespace {
LOSSLENS_DYNAMIC_KERNEL(WeightedKernel, weightedKernel)
double classWeight(const LossConfig& config, std::span<const std::uint8_t> /*missingMask*/,
                   int labelClass) {
    const auto c = static_cast<std::size_t>(labelClass);
    return c < config.classWeights.size() ? static_cast<double>(config.classWeights[c]) : 1.0;
}
} // namespace

LossVariant weighted() {
    return {"weighted", "Class-weighted",
            "Cross-entropy times the labelled class's weight (dataset.json class_weights); the "
            "mean divides by the sum of the weights, as PyTorch does.",
            &weightedKernel, &classWeight};
}

} // namespace losslens::variants
#endif
