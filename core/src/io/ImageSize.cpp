#include "ImageSize.h"

#include <cstdint>
#include <cstring>

namespace losslens::detail {

namespace {

std::uint32_t read(std::span<const std::byte> b, std::size_t at, int bytes, bool bigEndian) {
    std::uint32_t v = 0;
    for (int i = 0; i < bytes; ++i) {
        const auto byte = std::to_integer<std::uint32_t>(b[at + static_cast<std::size_t>(i)]);
        v |= bigEndian ? byte << (8 * (bytes - 1 - i)) : byte << (8 * i);
    }
    return v;
}

bool startsWith(std::span<const std::byte> b, const char* magic, std::size_t n) {
    return b.size() >= n && std::memcmp(b.data(), magic, n) == 0;
}

std::optional<ImageSize> pngSize(std::span<const std::byte> b) {
    // Signature, then IHDR's length and type, then width and height (big-endian).
    if (b.size() < 24 || std::memcmp(b.data() + 12, "IHDR", 4) != 0)
        return std::nullopt;
    return ImageSize{read(b, 16, 4, true), read(b, 20, 4, true)};
}

std::optional<ImageSize> bmpSize(std::span<const std::byte> b) {
    if (b.size() < 26)
        return std::nullopt;
    const std::uint32_t headerSize = read(b, 14, 4, false);
    if (headerSize == 12) // OS/2 BITMAPCOREHEADER: 16-bit sizes
        return ImageSize{read(b, 18, 2, false), read(b, 20, 2, false)};
    // BITMAPINFOHEADER and later: signed 32-bit; a negative height means top-down rows.
    const auto width = static_cast<std::int32_t>(read(b, 18, 4, false));
    const auto height = static_cast<std::int32_t>(read(b, 22, 4, false));
    return ImageSize{width < 0 ? -static_cast<long long>(width) : width,
                     height < 0 ? -static_cast<long long>(height) : height};
}

std::optional<ImageSize> tiffSize(std::span<const std::byte> b) {
    // The first image file directory's ImageWidth (256) and ImageLength (257) tags, SHORT
    // or LONG. (BigTIFF, magic 43, is not among the formats read.)
    const bool big = startsWith(b, "MM", 2);
    if (b.size() < 8)
        return std::nullopt;
    const std::uint32_t ifd = read(b, 4, 4, big);
    if (ifd > b.size() || b.size() - ifd < 2)
        return std::nullopt;
    const std::uint32_t entries = read(b, ifd, 2, big);
    ImageSize size;
    for (std::uint32_t i = 0; i < entries; ++i) {
        const std::size_t at = ifd + 2 + std::size_t{12} * i;
        if (at + 12 > b.size())
            return std::nullopt;
        const std::uint32_t tag = read(b, at, 2, big);
        const std::uint32_t type = read(b, at + 2, 2, big);
        if (tag != 256 && tag != 257)
            continue;
        const std::uint32_t value = type == 3 ? read(b, at + 8, 2, big) : read(b, at + 8, 4, big);
        (tag == 256 ? size.width : size.height) = value;
    }
    if (size.width == 0 || size.height == 0)
        return std::nullopt;
    return size;
}

} // namespace

std::optional<ImageSize> declaredImageSize(std::span<const std::byte> bytes) {
    if (startsWith(bytes, "\x89PNG\r\n\x1a\n", 8))
        return pngSize(bytes);
    if (startsWith(bytes, "BM", 2))
        return bmpSize(bytes);
    if (startsWith(bytes, "II*\0", 4) || startsWith(bytes, "MM\0*", 4))
        return tiffSize(bytes);
    return std::nullopt;
}

} // namespace losslens::detail
