#pragma once

#include "losslens/loss/Raster.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace losslens {

// Decodes a JPEG display image into RGB with libjpeg directly, so libjpeg's messages
// ("Premature end of JPEG file", corrupt data) become the sample's warnings instead of
// lines on stderr, and the size is checked against the label's before any pixel buffer
// exists. A JPEG of another size, or one libjpeg cannot read at all, gives an empty image
// and a warning (the window shows the sample on grey); a truncated one keeps what was
// decoded (libjpeg fills the rest) with a warning.
[[nodiscard]] ByteImage decodeJpegImage(const std::filesystem::path& file, std::string_view bytes,
                                        int width, int height, std::vector<std::string>& warnings);

// The size a JPEG's header declares, read by libjpeg without decoding a pixel: false, with
// libjpeg's reasons in `error`, when the header cannot be read (cut short included).
[[nodiscard]] bool readJpegSize(std::string_view bytes, int& width, int& height,
                                std::string& error);

// Whether the file starts like a JPEG (its SOI marker), whatever its extension says.
[[nodiscard]] bool isJpegFile(const std::filesystem::path& file);

} // namespace losslens
