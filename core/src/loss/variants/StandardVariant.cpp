#include "losslens/loss/LossVariant.h"

#include <algorithm>

namespace losslens::variants {

namespace {
// Categorical cross-entropy, Keras form: -log clamp(p_y, eps, 1 - eps), 0 at ignore.
// The shared pass already computed exactly this per pixel.
void standardKernel(const LossContext& context, std::span<float> out) {
    std::copy(context.standard.begin(), context.standard.end(), out.begin());
}
} // namespace

LossVariant standard() {
    return {"standard", "Standard cross-entropy",
            "Categorical cross-entropy: -log p of the labelled class at every labelled pixel.",
            &standardKernel};
}

} // namespace losslens::variants
