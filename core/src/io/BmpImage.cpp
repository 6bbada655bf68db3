#include "BmpImage.h"

#include <cstdint>
#include <cstdlib>

namespace losslens::detail {

namespace {

std::uint32_t le(std::span<const std::byte> b, std::size_t at, int bytes) {
    std::uint32_t v = 0;
    for (int i = bytes - 1; i >= 0; --i)
        v = (v << 8) | std::to_integer<std::uint32_t>(b[at + static_cast<std::size_t>(i)]);
    return v;
}

} // namespace

ByteImage decodeBmpImage(std::span<const std::byte> bytes, int width, int height,
                         std::string& error) {
    constexpr std::size_t kFileHeader = 14;
    if (bytes.size() < kFileHeader + 40 || std::to_integer<char>(bytes[0]) != 'B' ||
        std::to_integer<char>(bytes[1]) != 'M') {
        error = "not a BMP file (or a header cut short)";
        return {};
    }
    const std::uint32_t dataOffset = le(bytes, 10, 4);
    const std::uint32_t headerSize = le(bytes, 14, 4);
    if (headerSize < 40 || kFileHeader + headerSize > bytes.size()) {
        error = "BMP header of an unknown kind";
        return {};
    }
    const auto w = static_cast<std::int32_t>(le(bytes, 18, 4));
    const auto h = static_cast<std::int32_t>(le(bytes, 22, 4));
    const std::uint32_t bits = le(bytes, 28, 2);
    const std::uint32_t compression = le(bytes, 30, 4);
    if (w != width || h == INT32_MIN || std::abs(h) != height) {
        error = "BMP size is not the label's";
        return {};
    }
    const bool topDown = h < 0;
    const bool bitfields = compression == 3 && (bits == 32 || bits == 16);
    if (!(compression == 0 || (bitfields && bits == 32)) ||
        !(bits == 1 || bits == 4 || bits == 8 || bits == 24 || bits == 32)) {
        error = "BMP of " + std::to_string(bits) + " bits a pixel, compression " +
                std::to_string(compression) + " is not supported";
        return {};
    }
    // BI_BITFIELDS: only the usual masks (blue in the low byte), stored after a 40-byte header.
    if (bitfields) {
        const std::size_t masks = kFileHeader + 40;
        if (masks + 12 > bytes.size() || le(bytes, masks, 4) != 0x00ff0000u ||
            le(bytes, masks + 4, 4) != 0x0000ff00u || le(bytes, masks + 8, 4) != 0x000000ffu) {
            error = "BMP with unusual colour masks is not supported";
            return {};
        }
    }
    std::uint32_t paletteSize = 0;
    if (bits <= 8) {
        paletteSize = le(bytes, 46, 4);
        if (paletteSize == 0 || paletteSize > (1u << bits))
            paletteSize = 1u << bits;
    }
    const std::size_t paletteAt = kFileHeader + headerSize;
    if (paletteAt + std::size_t{paletteSize} * 4 > bytes.size()) {
        error = "BMP palette cut short";
        return {};
    }
    const std::size_t stride = ((static_cast<std::size_t>(width) * bits + 31) / 32) * 4;
    if (dataOffset > bytes.size() ||
        stride * static_cast<std::size_t>(height) > bytes.size() - dataOffset) {
        error = "truncated BMP: fewer pixel bytes than its header says";
        return {};
    }
    ByteImage image(width, height, 3);
    for (int y = 0; y < height; ++y) {
        const std::size_t fileRow =
            topDown ? static_cast<std::size_t>(y) : static_cast<std::size_t>(height - 1 - y);
        const std::byte* row = bytes.data() + dataOffset + fileRow * stride;
        std::uint8_t* out = image.data() + static_cast<std::size_t>(y) * width * 3;
        for (int x = 0; x < width; ++x, out += 3) {
            if (bits >= 24) {
                const std::byte* p = row + static_cast<std::size_t>(x) * (bits / 8);
                out[0] = std::to_integer<std::uint8_t>(p[2]);
                out[1] = std::to_integer<std::uint8_t>(p[1]);
                out[2] = std::to_integer<std::uint8_t>(p[0]);
                continue;
            }
            const std::size_t bit = static_cast<std::size_t>(x) * bits;
            const auto byte = std::to_integer<std::uint32_t>(row[bit / 8]);
            std::uint32_t index = (byte >> (8 - bits - bit % 8)) & ((1u << bits) - 1);
            if (index >= paletteSize)
                index = 0;
            const std::size_t entry = paletteAt + std::size_t{index} * 4; // B, G, R, 0
            out[0] = std::to_integer<std::uint8_t>(bytes[entry + 2]);
            out[1] = std::to_integer<std::uint8_t>(bytes[entry + 1]);
            out[2] = std::to_integer<std::uint8_t>(bytes[entry]);
        }
    }
    return image;
}

} // namespace losslens::detail
