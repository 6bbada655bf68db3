#include "losslens/io/LabelPng.h"
#include "losslens/io/LabelPngFormat.h"

#include "losslens/io/DataError.h"
#include "losslens/io/FileBytes.h"

#include "LabelPngDirect.h"
#include "PngRead.h"

#include <png.h>

#include <algorithm>
#include <csetjmp>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace losslens {

using detail::configureHostilePngReading;
using detail::kMaxDeflateRatio;
using detail::pngErrorCallback;
using detail::PngReadState;
using detail::pngWarningCallback;

namespace {

struct PngInfo {
    png_uint_32 width = 0;
    png_uint_32 height = 0;
    int bitDepth = 0;
    int colorType = 0;
};

const char* colourTypeName(int type) {
    switch (type) {
    case PNG_COLOR_TYPE_RGB:
        return "RGB colour";
    case PNG_COLOR_TYPE_RGB_ALPHA:
        return "RGBA colour";
    case PNG_COLOR_TYPE_GRAY_ALPHA:
        return "grey with alpha";
    default:
        return "unknown";
    }
}

// Returns an empty string on success, else the reason. Only POD locals across setjmp.
// The labels go into `labels` (resized, its buffer reused), a row at a time through `row`;
// an interlaced file (rare for labels) is decoded whole into `raw` first.
// Why a label PNG's header is refused before anything is sized by it ("" when it is not):
// colours instead of indices, more pixels than the limit, or more rows than a file of
// `fileBytes` can hold.
std::string headerProblem(const PngInfo& info, const DataLimits& limits, std::size_t fileBytes) {
    if (info.colorType != PNG_COLOR_TYPE_GRAY && info.colorType != PNG_COLOR_TYPE_PALETTE)
        return std::string(colourTypeName(info.colorType)) +
               " label PNG: labels must be class indices (8- or 16-bit grey, or a palette PNG), "
               "not colours";
    if (static_cast<std::int64_t>(info.width) * info.height > limits.maxPixels)
        return "label PNG of " + std::to_string(info.width) + "x" + std::to_string(info.height) +
               " exceeds the limit of " + std::to_string(limits.maxPixels) + " pixels";
    // A file can only hold so many rows: deflate expands at most 1032-fold, so a PNG of N
    // bytes decodes to at most about 1032 N bytes of filtered rows. A header claiming more
    // is refused before anything is sized by it (a 60-byte PNG claiming 16384 x 16384 at
    // 16 bits would otherwise cost 1 GiB before libpng finds the data missing).
    const std::uint64_t filteredBytes =
        std::uint64_t{info.height} *
        ((std::uint64_t{info.width} * static_cast<std::uint64_t>(info.bitDepth) + 7) / 8 + 1);
    if (filteredBytes > kMaxDeflateRatio * fileBytes + 4096)
        return "truncated: the header claims " + std::to_string(info.width) + "x" +
               std::to_string(info.height) + " pixels at " + std::to_string(info.bitDepth) +
               " bits, more than a PNG of " + std::to_string(fileBytes) + " bytes can hold";
    return {};
}

std::string decodeInto(PngReadState& state, const DataLimits& limits, PngInfo& info,
                       std::vector<std::uint8_t>& raw, std::vector<png_bytep>& rows,
                       LabelMap::Storage& labels) {
    png_structp png =
        png_create_read_struct(PNG_LIBPNG_VER_STRING, &state, pngErrorCallback, pngWarningCallback);
    if (!png)
        return "libpng could not start";
    png_infop pngInfo = png_create_info_struct(png);
    if (!pngInfo) {
        png_destroy_read_struct(&png, nullptr, nullptr);
        return "libpng could not start";
    }
    std::string reason;
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &pngInfo, nullptr);
        return std::string("corrupt PNG: ") + state.error;
    }
    configureHostilePngReading(png, state);
    // Palette indices beyond the palette are class ids like any other, not an error.
    png_set_check_for_invalid_index(png, -1);
    png_read_info(png, pngInfo);
    info.width = png_get_image_width(png, pngInfo);
    info.height = png_get_image_height(png, pngInfo);
    info.bitDepth = png_get_bit_depth(png, pngInfo);
    info.colorType = png_get_color_type(png, pngInfo);
    if (std::string problem = headerProblem(info, limits, state.bytes.size()); !problem.empty()) {
        png_destroy_read_struct(&png, &pngInfo, nullptr);
        return problem;
    }
    if (info.bitDepth < 8)
        png_set_packing(png); // one byte per pixel, values (indices) unchanged
    if (info.bitDepth == 16)
        png_set_swap(png);
    const bool interlaced = png_set_interlace_handling(png) > 1;
    png_read_update_info(png, pngInfo);
    const png_size_t rowBytes = png_get_rowbytes(png, pngInfo);
    const std::size_t expected =
        static_cast<std::size_t>(info.width) * (info.bitDepth == 16 ? 2 : 1);
    if (rowBytes != expected) {
        png_destroy_read_struct(&png, &pngInfo, nullptr);
        return "unexpected PNG row layout";
    }
    const std::size_t width = info.width;
    labels.resize(width * info.height);
    const auto toLabels = [&](const std::uint8_t* from, std::size_t y) {
        std::uint16_t* out = labels.data() + y * width;
        if (info.bitDepth == 16)
            std::memcpy(out, from, width * 2); // swapped to this machine's order above
        else
            std::copy(from, from + width, out);
    };
    if (interlaced) {
        raw.resize(rowBytes * info.height);
        rows.resize(info.height);
        for (png_uint_32 y = 0; y < info.height; ++y)
            rows[y] = raw.data() + static_cast<std::size_t>(y) * rowBytes;
        png_read_image(png, rows.data());
        for (png_uint_32 y = 0; y < info.height; ++y)
            toLabels(rows[y], y);
    } else {
        raw.resize(rowBytes);
        for (png_uint_32 y = 0; y < info.height; ++y) {
            png_read_row(png, raw.data(), nullptr);
            toLabels(raw.data(), y);
        }
    }
    png_read_end(png, nullptr);
    png_destroy_read_struct(&png, &pngInfo, nullptr);
    return reason;
}

} // namespace

void decodeLabelPng(std::span<const std::byte> bytes, const DataLimits& limits, LabelMap& labels) {
    if (bytes.size() < 8 || png_sig_cmp(reinterpret_cast<png_const_bytep>(bytes.data()), 0, 8) != 0)
        throw std::runtime_error("not a PNG file");
    LabelMap::Storage values = labels.release();
    int width = 0;
    int height = 0;
    if (detail::decodeLabelPngDirect(bytes, limits, values, width, height)) {
        labels = LabelMap(width, height, 1, std::move(values));
        return;
    }
    PngReadState state;
    state.bytes = bytes;
    PngInfo info;
    std::vector<std::uint8_t> raw;
    std::vector<png_bytep> rows;
    const std::string reason = decodeInto(state, limits, info, raw, rows, values);
    if (!reason.empty())
        throw std::runtime_error(reason);
    labels =
        LabelMap(static_cast<int>(info.width), static_cast<int>(info.height), 1, std::move(values));
}

LabelMap decodeLabelPng(std::span<const std::byte> bytes, const DataLimits& limits) {
    LabelMap labels;
    decodeLabelPng(bytes, limits, labels);
    return labels;
}

void readLabelPng(const std::filesystem::path& file, const DataLimits& limits, LabelMap& labels,
                  std::vector<std::byte>* fileBytes) {
    std::vector<std::byte> own;
    std::vector<std::byte>& bytes = fileBytes != nullptr ? *fileBytes : own;
    readFileBytes(file, limits.maxFileBytes, bytes);
    try {
        decodeLabelPng(bytes, limits, labels);
    } catch (const std::exception& e) {
        throw DataError(file, e.what());
    }
}

LabelMap readLabelPng(const std::filesystem::path& file, const DataLimits& limits) {
    LabelMap labels;
    readLabelPng(file, limits, labels);
    return labels;
}

std::string encodeLabelPng(const LabelMap& labels) {
    return encodeLabelPng(labels, LabelPngFormat{}); // 8-bit grey, 16-bit when a label needs it
}

} // namespace losslens
