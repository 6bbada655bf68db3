// libFuzzer target: the display-image decoders (libpng, libjpeg, libtiff and the BMP reader)
// and the scan's header check behind one entry, at the size the bytes declare (as a label of that
// size would ask), up to 2^20 pixels.
#include "DisplayImage.h"
#include "ImageSize.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
    int width = 64; // a JPEG's size is checked by its own decoder
    int height = 48;
    if (const auto declared = losslens::detail::declaredImageSize(bytes)) {
        if (declared->width <= 0 || declared->height <= 0 ||
            declared->width * declared->height > (1 << 20))
            return 0;
        width = static_cast<int>(declared->width);
        height = static_cast<int>(declared->height);
    }
    std::string warning;
    (void)losslens::detail::checkDisplayHeader("fuzz", bytes, width, height, warning);
    std::vector<std::string> warnings;
    const auto image = losslens::detail::decodeDisplayImage("fuzz", bytes, width, height, warnings);
    (void)image;
    return 0;
}
