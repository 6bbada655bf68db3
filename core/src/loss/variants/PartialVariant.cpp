#include "losslens/loss/LossVariant.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "loss/variants/PartialVariant.cpp"
#include <hwy/foreach_target.h> // IWYU pragma: keep

#include <hwy/highway.h>

// The kernel is compiled for every SIMD target and runs on the one the CPU picks, like the
// fused pass (loss/FusedPass.h).
HWY_BEFORE_NAMESPACE();
namespace losslens::variants::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// The article's missing-annotation aware cross-entropy: at background-labelled pixels the
// loss is weighted by w0, which is 0 where the model predicts a class whose annotation is
// missing from the sample. Everywhere else it equals the standard loss.
void PartialKernel(const LossContext& context, std::span<float> out) {
    // Written with Highway: the compiler's own loop over the three widths (16-bit labels,
    // 8-bit w0, float losses) used masked loads, slow on AMD (6% of bench at C = 4).
    const hn::ScalableTag<float> df;
    const hn::RebindToSigned<decltype(df)> di;
    const hn::Rebind<std::uint16_t, decltype(di)> d16;
    const hn::Rebind<std::uint8_t, decltype(di)> d8;
    const std::size_t n = context.pixelCount();
    const std::size_t lanes = hn::Lanes(df);
    const std::uint16_t* y = context.labels.data();
    const std::uint8_t* w0 = context.bgWeight.data();
    const float* standard = context.standard.data();
    float* result = out.data();
    std::size_t i = 0;
    for (; i + lanes <= n; i += lanes) {
        const auto label = hn::PromoteTo(di, hn::LoadU(d16, y + i));
        const auto weight = hn::PromoteTo(di, hn::LoadU(d8, w0 + i));
        const auto removed = hn::And(hn::Eq(label, hn::Zero(di)), hn::Eq(weight, hn::Zero(di)));
        hn::StoreU(hn::IfThenZeroElse(hn::RebindMask(df, removed), hn::LoadU(df, standard + i)), df,
                   result + i);
    }
    for (; i < n; ++i)
        result[i] = y[i] == 0 && w0[i] == 0 ? 0.0f : standard[i];
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
