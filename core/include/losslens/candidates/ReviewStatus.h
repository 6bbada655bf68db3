#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace losslens {

// A reviewer's decision on a candidate (spec section 7). Undecided is the absence of one: it
// is never stored, and marking a candidate undecided forgets its decision.
enum class ReviewStatus : std::uint8_t {
    Undecided,
    Confirmed, // an annotation is missing here
    Rejected,  // nothing to annotate
    Unsure,
};

// "undecided", "confirmed", "rejected", "unsure": the CLI's and the database's spelling.
[[nodiscard]] std::string_view reviewStatusName(ReviewStatus status) noexcept;
[[nodiscard]] std::optional<ReviewStatus> parseReviewStatus(std::string_view name) noexcept;

} // namespace losslens
