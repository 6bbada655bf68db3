#include "losslens/review/MaskBlob.h"

namespace losslens {

namespace {

void put(std::vector<std::uint8_t>& out, std::uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<std::uint8_t>(v | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<std::uint8_t>(v));
}

bool get(std::span<const std::uint8_t> bytes, std::size_t& at, std::uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (at >= bytes.size())
            return false;
        const std::uint8_t b = bytes[at++];
        v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
        if ((b & 0x80) == 0)
            return true;
    }
    return false;
}

} // namespace

std::vector<std::uint8_t> encodeMaskRuns(std::span<const PixelRun> runs) {
    std::vector<std::uint8_t> out;
    out.reserve(runs.size() * 3);
    int y = 0;
    int x = 0;
    for (const PixelRun& r : runs) {
        if (r.y != y)
            x = 0;
        put(out, static_cast<std::uint64_t>(r.y - y));
        put(out, static_cast<std::uint64_t>(r.x0 - x));
        put(out, static_cast<std::uint64_t>(r.x1 - r.x0));
        y = r.y;
        x = r.x1;
    }
    return out;
}

std::optional<std::vector<PixelRun>> decodeMaskRuns(std::span<const std::uint8_t> bytes, int width,
                                                    int height) {
    if (width <= 0 || height <= 0)
        return std::nullopt;
    std::vector<PixelRun> runs;
    std::size_t at = 0;
    std::uint64_t y = 0;
    std::uint64_t x = 0;
    bool first = true;
    while (at < bytes.size()) {
        std::uint64_t dy = 0;
        std::uint64_t dx = 0;
        std::uint64_t length = 0;
        if (!get(bytes, at, dy) || !get(bytes, at, dx) || !get(bytes, at, length))
            return std::nullopt;
        if (dy > static_cast<std::uint64_t>(height) || dx > static_cast<std::uint64_t>(width) ||
            length == 0 || length > static_cast<std::uint64_t>(width))
            return std::nullopt;
        if (dy > 0)
            x = 0;
        else if (!first && dx == 0)
            return std::nullopt; // touching runs on one row are one run
        y += dy;
        x += dx;
        if (y >= static_cast<std::uint64_t>(height) ||
            x + length > static_cast<std::uint64_t>(width))
            return std::nullopt;
        // Each run takes at least three bytes, so a blob can never claim more runs than it
        // has bytes: the vector grows with the input, never with a number inside it.
        runs.push_back({static_cast<int>(y), static_cast<int>(x), static_cast<int>(x + length)});
        x += length;
        first = false;
    }
    return runs;
}

} // namespace losslens
