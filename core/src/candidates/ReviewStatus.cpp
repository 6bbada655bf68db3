#include "losslens/candidates/ReviewStatus.h"

#include <array>

namespace losslens {

namespace {

constexpr std::array<std::string_view, 4> kNames = {"undecided", "confirmed", "rejected", "unsure"};

} // namespace

std::string_view reviewStatusName(ReviewStatus status) noexcept {
    return kNames[static_cast<std::size_t>(status)];
}

std::optional<ReviewStatus> parseReviewStatus(std::string_view name) noexcept {
    for (std::size_t i = 0; i < kNames.size(); ++i)
        if (kNames[i] == name)
            return static_cast<ReviewStatus>(i);
    return std::nullopt;
}

} // namespace losslens
