#include "losslens/loss/LossVariant.h"

#include "loss/FusedPass.h"

#include <vector>

#include <algorithm>

namespace losslens::variants {

namespace {
// Marginal cross-entropy (Shi et al., Medical Image Analysis 2021): a background label in a
// sample that lacks some classes' annotations only says "background or one of those", so
// the probabilities of the missing classes are merged into background before the log:
// -log clamp(p_0 + sum over missing c of p_c). Probabilities are merged, not logits. Other
// labelled pixels keep the standard loss; with nothing missing this is the standard loss.
void marginalKernel(const LossContext& context, std::span<float> out) {
    const std::span<const int> missing = context.missing;
    if (missing.empty()) {
        std::copy(context.standard.begin(), context.standard.end(), out.begin());
        return;
    }
    const std::size_t n = context.pixelCount();
    const auto classes = static_cast<std::size_t>(context.classes);
    constexpr float kHigh = 1.0f - kEpsilon;
    thread_local std::vector<float> merged;
    if (merged.size() < n)
        merged.resize(n);
    float* m = merged.data();
    // A background label (never ignore_index, which may be 0) is what gets merged.
    const std::uint16_t background = context.ignoreIndex == 0 ? 0xffff : 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (context.labels[i] != background) {
            m[i] = 1.0f; // not used; keeps the log defined
            continue;
        }
        const float* p = context.probabilities.data() + i * classes;
        float sum = p[0];
        for (const int c : missing)
            sum += p[c];
        m[i] = std::clamp(sum, kEpsilon, kHigh);
    }
    // The pass's own vectorised log: marginal equals standard wherever nothing merges.
    detail::negativeLog(m, n);
    for (std::size_t i = 0; i < n; ++i)
        out[i] = context.labels[i] == background ? m[i] : context.standard[i];
}
} // namespace

LossVariant marginal() {
    return {"marginal", "Marginal (missing classes merged into background)",
            "Cross-entropy where, at background-labelled pixels, the probabilities of the "
            "classes missing from the sample count as background (Shi et al. 2021).",
            &marginalKernel, nullptr};
}

} // namespace losslens::variants
