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
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t label = context.labels[i];
        // Ignore pixels (label may be >= C) have standard 0 and stay 0.
        out[i] = label < classes ? weights[label] * context.standard[i] : 0.0f;
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
