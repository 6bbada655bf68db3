#pragma once

namespace losslens {

// Knobs of the loss definitions that come from a data set's dataset.json.
struct LossConfig {
    // Label value of pixels that are not labelled: they count in no loss and no mean.
    int ignoreIndex = 255;
};

// The clamp of spec section 1: q_c = clamp(p_c, eps, 1 - eps).
inline constexpr float kEpsilon = 1e-7f;

} // namespace losslens
