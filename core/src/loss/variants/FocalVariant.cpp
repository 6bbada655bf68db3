#include "losslens/loss/LossVariant.h"

#include <cmath>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "loss/variants/FocalVariant.cpp"
#include <hwy/foreach_target.h> // IWYU pragma: keep

#include <hwy/highway.h>

// The kernel is compiled for every SIMD target (plain loops the compiler vectorises for
// each) and runs on the one the CPU picks, like the fused pass (loss/FusedPass.h).
HWY_BEFORE_NAMESPACE();
namespace losslens::variants::HWY_NAMESPACE {
// Focal loss (Lin et al. 2017): -(1 - q_y)^gamma log q_y with q_y the clamped probability
// of the labelled class; gamma from dataset.json (default 2). Confident, right pixels are
// damped, so most of the map shrinks against standard. 0 at ignore (q = 1 there).
void FocalKernel(const LossContext& context, std::span<float> out) {
    const std::size_t n = context.pixelCount();
    const float gamma = context.config->focalGamma;
    const auto& q = context.trueProbability;
    const auto& standard = context.standard;
    if (gamma == 2.0f) {
        for (std::size_t i = 0; i < n; ++i) {
            const float d = 1.0f - q[i];
            out[i] = d * d * standard[i];
        }
    } else if (gamma == 1.0f) {
        for (std::size_t i = 0; i < n; ++i)
            out[i] = (1.0f - q[i]) * standard[i];
    } else if (gamma == 0.0f) {
        for (std::size_t i = 0; i < n; ++i)
            out[i] = standard[i];
    } else {
        for (std::size_t i = 0; i < n; ++i)
            out[i] = std::pow(1.0f - q[i], gamma) * standard[i];
    }
}
} // namespace losslens::variants::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "loss/variants/DynamicKernel.h"

namespace losslens::variants {

namespace {
LOSSLENS_DYNAMIC_KERNEL(FocalKernel, focalKernel)
} // namespace

LossVariant focal() {
    return {"focal", "Focal",
            "Focal loss -(1 - q)^gamma log q of the labelled class (gamma from dataset.json "
            "focal_gamma, default 2).",
            &focalKernel, nullptr};
}

} // namespace losslens::variants
#endif
