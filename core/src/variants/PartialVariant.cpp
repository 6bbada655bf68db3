#include "losslens/LossVariant.h"

namespace losslens::variants {

namespace {
// The article's missing-annotation aware cross-entropy: at background-labelled pixels the
// loss is weighted by w0, which is 0 where the model predicts a class whose annotation is
// missing from the sample. Everywhere else it equals the standard loss.
void partialKernel(const LossContext& context, std::span<float> out) {
    const std::size_t n = context.pixelCount();
    for (std::size_t i = 0; i < n; ++i) {
        const bool background = context.labels[i] == 0;
        out[i] = (background && context.bgWeight[i] == 0) ? 0.0f : context.standard[i];
    }
}
} // namespace

LossVariant partial() {
    return {"partial", "Partial (missing-annotation aware)",
            "Cross-entropy with background weight 0 where the prediction is a class whose "
            "annotation is missing from the sample.",
            &partialKernel};
}

} // namespace losslens::variants
