#include "losslens/loss/LossVariant.h"

#include <algorithm>

namespace losslens::variants {

namespace {
// The article's "simple solution": a sample with any missing annotation is left out of
// training. Its pixels weigh 0 (map 0, no weight in any mean); a complete sample keeps the
// standard loss. Shows how much signal dropping throws away.
void dropKernel(const LossContext& context, std::span<float> out) {
    if (context.anyMissing())
        std::fill(out.begin(), out.end(), 0.0f);
    else
        std::copy(context.standard.begin(), context.standard.end(), out.begin());
}

double dropWeight(const LossConfig& /*config*/, std::span<const std::uint8_t> missingMask,
                  int /*labelClass*/) {
    return std::any_of(missingMask.begin(), missingMask.end(), [](auto m) { return m != 0; }) ? 0.0
                                                                                              : 1.0;
}
} // namespace

LossVariant drop() {
    return {"drop", "Drop incomplete samples",
            "Standard cross-entropy, but a sample with any missing annotation contributes "
            "nothing: all its pixels weigh 0.",
            &dropKernel, &dropWeight};
}

} // namespace losslens::variants
