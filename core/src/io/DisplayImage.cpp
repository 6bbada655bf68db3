#include "DisplayImage.h"

#include "BmpImage.h"
#include "ImageSize.h"
#include "JpegImage.h"
#include "PngImage.h"
#include "TiffImage.h"

#include "losslens/io/FileBytes.h"

#include <cstring>

#include <optional>

namespace losslens::detail {

namespace fs = std::filesystem;

ByteImage readDisplayImage(const fs::path& file, int width, int height,
                           std::vector<std::string>& warnings) {
    // JPEG through libjpeg with our own error manager (its warnings are the sample's, not
    // stderr lines), PNG through libpng, TIFF through libtiff, BMP by hand: not OpenCV's
    // codecs, whose libraries (GDAL, OpenEXR, ...) took 110 ms to load in every process that
    // links core, a `losslens-cli stats` of a small set included. The label's size bounds the read:
    // a JPEG larger than its pixels' raw RGB, or another file larger than uncompressed 16-bit RGBA
    // (8 bytes a pixel), plus room for metadata, is not a real image of this size.
    const bool jpeg = isJpegFile(file);
    std::vector<std::byte> bytes;
    try {
        bytes = readFileBytes(file, static_cast<std::int64_t>(width) * height * (jpeg ? 3 : 8) +
                                        (4 << 20));
    } catch (const std::exception& e) {
        warnings.push_back(std::string(e.what()) + "; display image shown on grey");
        return {};
    }
    return decodeDisplayImage(file, bytes, width, height, warnings);
}

ByteImage decodeDisplayImage(const fs::path& file, std::span<const std::byte> bytes, int width,
                             int height, std::vector<std::string>& warnings) {
    if (bytes.size() >= 3 && std::to_integer<int>(bytes[0]) == 0xff &&
        std::to_integer<int>(bytes[1]) == 0xd8 && std::to_integer<int>(bytes[2]) == 0xff)
        return decodeJpegImage(
            file, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
            width, height, warnings);
    // A decoder only once the size its header declares is the label's.
    const std::optional<ImageSize> declared = declaredImageSize(bytes);
    if (!declared) {
        warnings.push_back(file.string() +
                           ": display image is unreadable (not a JPEG, PNG, BMP or TIFF file); "
                           "shown on grey");
        return {};
    }
    if (declared->width != width || declared->height != height) {
        warnings.push_back(file.string() + ": display image is " + std::to_string(declared->width) +
                           "x" + std::to_string(declared->height) + ", the label " +
                           std::to_string(width) + "x" + std::to_string(height) +
                           "; shown on grey");
        return {};
    }
    std::string error;
    ByteImage image;
    const auto starts = [&](const char* magic, std::size_t n) {
        return bytes.size() >= n && std::memcmp(bytes.data(), magic, n) == 0;
    };
    if (starts("\x89PNG", 4))
        image = decodePngImage(bytes, width, height, error);
    else if (starts("BM", 2))
        image = decodeBmpImage(bytes, width, height, error);
    else
        image = decodeTiffImage(bytes, width, height, error); // II*\0 or MM\0*
    if (image.empty())
        warnings.push_back(file.string() + ": display image is unreadable (" + error +
                           "); shown on grey");
    return image;
}

} // namespace losslens::detail
