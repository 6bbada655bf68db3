#include "losslens/loss/LossVariant.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "loss/variants/PartialVariant.cpp"
#include <hwy/foreach_target.h> // IWYU pragma: keep

#include <hwy/highway.h>

// The kernel is compiled for every SIMD target (plain loops the compiler vectorises for
// each) and runs on the one the CPU picks, like the fused pass (loss/FusedPass.h).
HWY_BEFORE_NAMESPACE();
namespace losslens::variants::HWY_NAMESPACE {
// The article's missing-annotation aware cross-entropy: at background-labelled pixels the
// loss is weighted by w0, which is 0 where the model predicts a class whose annotation is
// missing from the sample. Everywhere else it equals the standard loss.
void PartialKernel(const LossContext& context, std::span<float> out) {
    // Plain restrict pointers and a select, so the loop vectorises (through the spans the
    // compiler reloads every pointer each pixel and branches).
    const std::size_t n = context.pixelCount();
    const std::uint16_t* __restrict y = context.labels.data();
    const std::uint8_t* __restrict w0 = context.bgWeight.data();
    const float* __restrict standard = context.standard.data();
    float* __restrict result = out.data();
    for (std::size_t i = 0; i < n; ++i) {
        const bool removed = (y[i] == 0) & (w0[i] == 0);
        result[i] = removed ? 0.0f : standard[i];
    }
}
} // namespace losslens::variants::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "loss/variants/DynamicKernel.h"

namespace losslens::variants {

namespace {
LOSSLENS_DYNAMIC_KERNEL(PartialKernel, partialKernel)
} // namespace

LossVariant partial() {
    return {"partial", "Partial (missing-annotation aware)",
            "Cross-entropy with background weight 0 where the prediction is a class whose "
            "annotation is missing from the sample.",
            &partialKernel};
}

} // namespace losslens::variants
#endif
