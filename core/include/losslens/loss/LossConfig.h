#pragma once

#include <vector>

namespace losslens {

// The spec's default ignore_index (section 2): label PNG sets without one in dataset.json.
inline constexpr int kDefaultIgnoreIndex = 255;

// Knobs of the loss definitions that come from a data set's dataset.json.
struct LossConfig {
    // Label value of pixels that are not labelled: they count in no loss and no mean.
    int ignoreIndex = kDefaultIgnoreIndex;
    // gamma of the focal variant, -(1 - q_y)^gamma log q_y (dataset.json "focal_gamma").
    float focalGamma = 2.0f;
    // Per-class weights of the weighted variant (dataset.json "class_weights"); empty means
    // every class weighs 1. When given, it must have one entry per class of the prediction.
    std::vector<float> classWeights;
};

// The clamp of spec section 1: q_c = clamp(p_c, eps, 1 - eps).
inline constexpr float kEpsilon = 1e-7f;

} // namespace losslens
