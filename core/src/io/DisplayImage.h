#pragma once

// The display image of a sample (images/<stem>.*), for the window. Internal to core.

#include "losslens/loss/Raster.h"

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace losslens::detail {

// Reads an RGB image of the label's size. A missing, unreadable or mis-sized image is a
// warning (the window shows the sample on grey), never an error: it returns an empty image.
[[nodiscard]] ByteImage readDisplayImage(const std::filesystem::path& file, int width, int height,
                                         std::vector<std::string>& warnings);

// The same from the file's bytes (`file` names it in warnings): the fuzzing entry point.
[[nodiscard]] ByteImage decodeDisplayImage(const std::filesystem::path& file,
                                           std::span<const std::byte> bytes, int width, int height,
                                           std::vector<std::string>& warnings);

} // namespace losslens::detail
