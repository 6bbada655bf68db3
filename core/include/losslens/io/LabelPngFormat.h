#pragma once

#include "losslens/loss/Raster.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace losslens {

// How a label PNG stores its class indices, so a label LossLens writes back (proposed
// corrections, losslens-cli candidates --write-labels) keeps the user's format: a Pascal VOC
// palette stays a palette with the same colours, 16-bit grey stays 16-bit.
struct LabelPngFormat {
    enum class Kind { Grey, Palette };
    Kind kind = Kind::Grey;
    int bitDepth = 8;                                 // grey: 8 or 16 as written
    std::vector<std::array<std::uint8_t, 3>> colours; // the palette, in index order
    std::vector<std::uint8_t> alpha;                  // its tRNS entries, if any
};

// The format of a PNG's bytes from its IHDR, PLTE and tRNS chunks (nothing is decoded).
// Throws std::runtime_error when the bytes are not a PNG.
[[nodiscard]] LabelPngFormat readLabelPngFormat(std::span<const std::byte> bytes);

// The labels in `format`: a palette PNG (8-bit indices; the palette grows with black entries
// when a label exceeds it) while every label fits in 256, 16-bit grey when the format was
// 16-bit or a label exceeds 255, else 8-bit grey. Throws std::runtime_error on failure.
[[nodiscard]] std::string encodeLabelPng(const LabelMap& labels, const LabelPngFormat& format);

} // namespace losslens
