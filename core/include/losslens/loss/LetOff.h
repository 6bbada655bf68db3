#pragma once

namespace losslens {

// When a variant "lets off" a pixel, for the per-class shares of `stats` (per_class
// reduced_share) and the window's Compare dock: the standard loss penalises the pixel
// (above ln 2, i.e. the labelled class's probability is under 1/2) and the variant's loss
// is under half of it: the penalty is removed (partial where w0 = 0) or more than halved.
// Requiring a real penalty keeps the share meaningful for every variant: focal's
// down-weighting of pixels the model already gets right is not a let-off.
inline constexpr float kPenaltyFloor = 0.693147182f; // ln 2

[[nodiscard]] constexpr bool letsOff(float variant, float standard) {
    return standard > kPenaltyFloor && variant < 0.5f * standard;
}

} // namespace losslens
