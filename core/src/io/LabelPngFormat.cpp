#include "losslens/io/LabelPngFormat.h"

#include <png.h>

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace losslens {

namespace {

std::uint32_t bigEndian(const std::byte* p) {
    return (std::to_integer<std::uint32_t>(p[0]) << 24) |
           (std::to_integer<std::uint32_t>(p[1]) << 16) |
           (std::to_integer<std::uint32_t>(p[2]) << 8) | std::to_integer<std::uint32_t>(p[3]);
}

struct Sink {
    std::string bytes;
    char reason[200] = {};
};

void writeBytes(png_structp png, png_bytep data, png_size_t length) {
    static_cast<Sink*>(png_get_io_ptr(png))
        ->bytes.append(reinterpret_cast<const char*>(data), length);
}

void flushNothing(png_structp /*png*/) {}

[[noreturn]] void onError(png_structp png, png_const_charp message) {
    auto* sink = static_cast<Sink*>(png_get_error_ptr(png));
    std::snprintf(sink->reason, sizeof sink->reason, "%s", message);
    png_longjmp(png, 1);
}

void onWarning(png_structp /*png*/, png_const_charp /*message*/) {}

// Only POD locals across setjmp. `row` holds one row of `bytesPerPixel` per pixel.
bool encode(const LabelMap& labels, int colourType, int bitDepth,
            const std::vector<png_color>& palette, const std::vector<png_byte>& alpha,
            std::vector<png_byte>& row, Sink& sink) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, onError, onWarning);
    if (png == nullptr)
        return false;
    png_infop info = png_create_info_struct(png);
    if (info == nullptr) {
        png_destroy_write_struct(&png, nullptr);
        return false;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return false;
    }
    png_set_write_fn(png, &sink, writeBytes, flushNothing);
    png_set_IHDR(png, info, static_cast<png_uint_32>(labels.width()),
                 static_cast<png_uint_32>(labels.height()), bitDepth, colourType,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    // No row filter, as PIL writes palette images: a label map is runs of one value, which
    // deflate packs as well unfiltered (the demo's labels: the same 484 KB either way), and a
    // reader then has nothing to undo. libpng's adaptive choice was Sub on every row, whose
    // undoing is a byte-by-byte chain: a third of `stats` on the 512² demo set (0.36 s
    // against 0.24 s for the same labels unfiltered).
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    if (colourType == PNG_COLOR_TYPE_PALETTE) {
        png_set_PLTE(png, info, palette.data(), static_cast<int>(palette.size()));
        if (!alpha.empty())
            png_set_tRNS(png, info, alpha.data(), static_cast<int>(alpha.size()), nullptr);
    }
    png_write_info(png, info);
    const auto width = static_cast<std::size_t>(labels.width());
    for (int y = 0; y < labels.height(); ++y) {
        const std::uint16_t* values = labels.data() + static_cast<std::size_t>(y) * width;
        if (bitDepth == 16) {
            for (std::size_t x = 0; x < width; ++x) {
                row[2 * x] = static_cast<png_byte>(values[x] >> 8);
                row[2 * x + 1] = static_cast<png_byte>(values[x] & 0xff);
            }
        } else {
            for (std::size_t x = 0; x < width; ++x)
                row[x] = static_cast<png_byte>(values[x]);
        }
        png_write_row(png, row.data());
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return true;
}

} // namespace

LabelPngFormat readLabelPngFormat(std::span<const std::byte> bytes) {
    static constexpr unsigned char kSignature[8] = {137, 80, 78, 71, 13, 10, 26, 10};
    if (bytes.size() < 8 || std::memcmp(bytes.data(), kSignature, 8) != 0)
        throw std::runtime_error("not a PNG file");
    LabelPngFormat format;
    bool header = false;
    std::size_t at = 8;
    while (at + 12 <= bytes.size()) {
        const std::uint32_t length = bigEndian(bytes.data() + at);
        if (length > bytes.size() - at - 12)
            throw std::runtime_error("PNG chunk runs past the end of the file");
        const std::byte* type = bytes.data() + at + 4;
        const std::byte* data = type + 4;
        const auto is = [&](const char* name) { return std::memcmp(type, name, 4) == 0; };
        if (is("IHDR") && length >= 13) {
            header = true;
            format.bitDepth = std::to_integer<int>(data[8]);
            const int colourType = std::to_integer<int>(data[9]);
            format.kind = colourType == PNG_COLOR_TYPE_PALETTE ? LabelPngFormat::Kind::Palette
                                                               : LabelPngFormat::Kind::Grey;
        } else if (is("PLTE")) {
            for (std::uint32_t i = 0; i + 3 <= length && format.colours.size() < 256; i += 3)
                format.colours.push_back({std::to_integer<std::uint8_t>(data[i]),
                                          std::to_integer<std::uint8_t>(data[i + 1]),
                                          std::to_integer<std::uint8_t>(data[i + 2])});
        } else if (is("tRNS") && format.kind == LabelPngFormat::Kind::Palette) {
            for (std::uint32_t i = 0; i < length && i < 256; ++i)
                format.alpha.push_back(std::to_integer<std::uint8_t>(data[i]));
        } else if (is("IDAT") || is("IEND")) {
            break;
        }
        at += 12 + static_cast<std::size_t>(length);
    }
    if (!header)
        throw std::runtime_error("PNG file has no header chunk");
    return format;
}

std::string encodeLabelPng(const LabelMap& labels, const LabelPngFormat& format) {
    const auto values = labels.values();
    const int top = values.empty() ? 0 : *std::max_element(values.begin(), values.end());
    int colourType = PNG_COLOR_TYPE_GRAY;
    int bitDepth = format.bitDepth == 16 || top > 255 ? 16 : 8;
    std::vector<png_color> palette;
    std::vector<png_byte> alpha;
    if (format.kind == LabelPngFormat::Kind::Palette && top <= 255) {
        colourType = PNG_COLOR_TYPE_PALETTE;
        bitDepth = 8;
        for (const auto& c : format.colours)
            palette.push_back({c[0], c[1], c[2]});
        while (static_cast<int>(palette.size()) <= top)
            palette.push_back({0, 0, 0});
        alpha = format.alpha;
        if (alpha.size() > palette.size())
            alpha.resize(palette.size());
    }
    Sink sink;
    std::vector<png_byte> row(static_cast<std::size_t>(labels.width()) * (bitDepth == 16 ? 2 : 1));
    if (!encode(labels, colourType, bitDepth, palette, alpha, row, sink))
        throw std::runtime_error(std::string("could not encode a label PNG: ") + sink.reason);
    return std::move(sink.bytes);
}

} // namespace losslens
