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

// What the window's scan needs of a display image without decoding its pixels (a 128 x 128
// PNG took as long to decode as its sample to score): the warning readDisplayImage would give
// when the file is missing, too large, unreadable from its header on, or declares another
// size than the label's. Damage past the header is found when the sample is viewed. Reads the
// file's first 64 KiB, or the whole file when its header runs further (a JPEG's EXIF data, a
// TIFF whose directory is at the end).
void checkDisplayImage(const std::filesystem::path& file, int width, int height,
                       std::vector<std::string>& warnings);

// checkDisplayImage on bytes that hold the header (or the whole file): whether it is fine;
// else one warning, as decodeDisplayImage words it. The fuzzing entry point of the check.
[[nodiscard]] bool checkDisplayHeader(const std::filesystem::path& file,
                                      std::span<const std::byte> bytes, int width, int height,
                                      std::string& warning);

// The warning for a display image whose header declares another size than the label's.
[[nodiscard]] std::string displaySizeWarning(const std::filesystem::path& file, long long width,
                                             long long height, int labelWidth, int labelHeight);

// The same from the file's bytes (`file` names it in warnings): the fuzzing entry point.
[[nodiscard]] ByteImage decodeDisplayImage(const std::filesystem::path& file,
                                           std::span<const std::byte> bytes, int width, int height,
                                           std::vector<std::string>& warnings);

} // namespace losslens::detail
