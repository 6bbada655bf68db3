#pragma once

#include "losslens/io/DataLimits.h"
#include "losslens/loss/Raster.h"

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace losslens {

// Label maps are PNGs of class indices: 8- or 16-bit grey, or a palette PNG (Pascal VOC
// style) whose palette *indices* are the classes. OpenCV's imread would expand a palette
// into colours, so labels are decoded with libpng, which keeps the indices.
// Throws std::runtime_error with the reason; never allocates before checking the
// dimensions against `limits`. The fuzzing entry point.
[[nodiscard]] LabelMap decodeLabelPng(std::span<const std::byte> bytes, const DataLimits& limits);

// The same into `labels`, whose buffer is reused when it is large enough (a scan decodes
// sample after sample into one label map). `labels` is unspecified after a throw.
void decodeLabelPng(std::span<const std::byte> bytes, const DataLimits& limits, LabelMap& labels);

// Reads a label PNG; throws DataError naming the file.
[[nodiscard]] LabelMap readLabelPng(const std::filesystem::path& file,
                                    const DataLimits& limits = {});
// The same into `labels` (its buffer reused), reading the file into `fileBytes` when given.
void readLabelPng(const std::filesystem::path& file, const DataLimits& limits, LabelMap& labels,
                  std::vector<std::byte>* fileBytes = nullptr);

// An 8-bit grey PNG when every label fits, 16-bit grey otherwise.
[[nodiscard]] std::string encodeLabelPng(const LabelMap& labels);

} // namespace losslens
