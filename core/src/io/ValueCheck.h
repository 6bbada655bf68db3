#pragma once

// The quick check of a prediction's values (spec section 2: finite; probabilities also
// non-negative, each pixel's sum near 1). It runs a block at a time while the reader places
// the array (PredictionFile::onBlockRead), on the block the reader has just copied and
// which is still in cache: no second read of the whole prediction from memory (that read
// was 17% of `stats` on a 21-class float32 set). When it says no, the caller walks the
// values again with the exact rule, which names the first bad value. Internal to core.

#include "losslens/io/DataLimits.h"
#include "losslens/io/DatasetConfig.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace losslens::detail {

// Whether `pixels` pixels of `classes` values look right: every value finite (and, unless
// logits, not negative, and each pixel's sum within 0.0095 of 1). -0.0 says no (the exact
// rule lets it through).
[[nodiscard]] bool valuesLookRight(const float* p, std::size_t pixels, std::size_t classes,
                                   bool logits);
// The same verdicts for probabilities stored as float16 bits.
[[nodiscard]] bool halvesLookRight(const std::uint16_t* h, std::size_t pixels, std::size_t classes);

// Follows one reading of an H x W x C array: told after each block how many of its leading
// values are in place, it checks the whole pixels among them not yet checked.
class ValueCheck {
public:
    ValueCheck(std::size_t classes, bool logits)
        : m_classes(classes)
        , m_logits(logits) {}

    // The first `values` values of the array at `base` are in place (more than last time).
    void placed(const float* base, std::size_t values);
    // The same for float16 probabilities' bits (not logits).
    void placed(const std::uint16_t* base, std::size_t values);
    // The verdict on the first `pixels` pixels, or nothing when the reader did not place
    // them all (a reader that reports no blocks): then the caller checks them itself.
    [[nodiscard]] std::optional<bool> verdict(std::size_t pixels) const;

private:
    std::size_t m_classes;
    bool m_logits;
    std::size_t m_checked = 0; // pixels
    bool m_right = true;
};

// The class count of a prediction of this shape for a label map of width x height when it
// is stored H x W x C (spec section 2's layout rules), which a ValueCheck can follow while it
// is read; nothing for C x H x W or a shape the loader refuses (it says why later).
[[nodiscard]] std::optional<std::size_t> pixelMajorClasses(std::span<const std::int64_t> shape,
                                                           int width, int height,
                                                           const DatasetConfig& config,
                                                           const DataLimits& limits);

} // namespace losslens::detail
