#pragma once

// The pixel size a PNG, BMP or TIFF file declares, read from its header alone. Internal to
// core: the display image's declared size is checked against the label's before a decoder
// sizes a buffer by it (OpenCV accepts up to 2^30 pixels from a header, 3 GiB for a file
// of a few dozen bytes).

#include <cstddef>
#include <optional>
#include <span>

namespace losslens::detail {

struct ImageSize {
    long long width = 0;
    long long height = 0;
};

// nullopt when the bytes are none of these formats or the header is cut short.
[[nodiscard]] std::optional<ImageSize> declaredImageSize(std::span<const std::byte> bytes);

} // namespace losslens::detail
