#include "losslens/io/LabelPng.h"

#include "losslens/io/DataError.h"
#include "losslens/io/FileBytes.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <png.h>

#include <algorithm>
#include <csetjmp>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace losslens {

namespace {

// State shared with libpng's C callbacks. libpng reports errors by longjmp; every C++
// object that must survive it lives here, created before setjmp, so nothing is skipped.
struct PngReadState {
    std::span<const std::byte> bytes;
    std::size_t offset = 0;
    char error[256] = {};
};

void readCallback(png_structp png, png_bytep out, png_size_t length) {
    auto* state = static_cast<PngReadState*>(png_get_io_ptr(png));
    if (length > state->bytes.size() - state->offset) {
        png_error(png, "truncated PNG file");
    }
    std::memcpy(out, state->bytes.data() + state->offset, length);
    state->offset += length;
}

void errorCallback(png_structp png, png_const_charp message) {
    auto* state = static_cast<PngReadState*>(png_get_error_ptr(png));
    std::snprintf(state->error, sizeof state->error, "%s", message);
    png_longjmp(png, 1);
}

void warningCallback(png_structp, png_const_charp) {}

// The largest chunk the reader accepts (IDAT has its own limit from the image size): far
// above any real ancillary chunk a label PNG carries, far below what would hurt.
constexpr png_alloc_size_t kMaxChunkBytes = 64u << 20;

// libpng's known ancillary chunks, as a list of 4-letter names each ending in NUL, to be
// treated as unknown and skipped.
constexpr png_byte kAncillaryChunks[] = {
    'b', 'K', 'G', 'D', 0,   'c', 'H', 'R', 'M', 0,   'e', 'X', 'I', 'f', 0,   'g', 'A', 'M',
    'A', 0,   'h', 'I', 'S', 'T', 0,   'i', 'C', 'C', 'P', 0,   'i', 'T', 'X', 't', 0,   'o',
    'F', 'F', 's', 0,   'p', 'C', 'A', 'L', 0,   'p', 'H', 'Y', 's', 0,   's', 'B', 'I', 'T',
    0,   's', 'C', 'A', 'L', 0,   's', 'P', 'L', 'T', 0,   's', 'R', 'G', 'B', 0,   't', 'E',
    'X', 't', 0,   't', 'I', 'M', 'E', 0,   't', 'R', 'N', 'S', 0,   'z', 'T', 'X', 't', 0};

// Deflate's largest expansion: a 258-byte match coded in 2 bits.
constexpr std::uint64_t kMaxDeflateRatio = 1032;

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
std::string decodeInto(PngReadState& state, const DataLimits& limits, PngInfo& info,
                       std::vector<std::uint8_t>& raw, std::vector<png_bytep>& rows,
                       LabelMap::Storage& labels) {
    png_structp png =
        png_create_read_struct(PNG_LIBPNG_VER_STRING, &state, errorCallback, warningCallback);
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
    png_set_read_fn(png, &state, readCallback);
    png_set_user_limits(png, 1u << 20, 1u << 20);
    // Hostile files: Debian's libpng 1.6 reports "chunk data is too large" as a benign
    // error, a warning on read, and then allocates (and zero-fills) whatever length the chunk
    // claims: a PNG of 60 bytes cost 2 GiB. Benign errors become errors, and no chunk may
    // claim more than kMaxChunkBytes.
    png_set_benign_errors(png, 0);
    png_set_chunk_malloc_max(png, kMaxChunkBytes);
    // What that must not change: label maps need only IHDR, PLTE and IDAT. Every ancillary
    // chunk is skipped unread (so a malformed or CRC-damaged one cannot fail the file), and
    // palette indices beyond the palette are class ids like any other, not an error.
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, nullptr, 0);
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, kAncillaryChunks,
                                static_cast<int>(sizeof kAncillaryChunks / 5));
    png_set_crc_action(png, PNG_CRC_DEFAULT, PNG_CRC_QUIET_USE);
    png_set_check_for_invalid_index(png, -1);
    png_read_info(png, pngInfo);
    info.width = png_get_image_width(png, pngInfo);
    info.height = png_get_image_height(png, pngInfo);
    info.bitDepth = png_get_bit_depth(png, pngInfo);
    info.colorType = png_get_color_type(png, pngInfo);
    if (info.colorType != PNG_COLOR_TYPE_GRAY && info.colorType != PNG_COLOR_TYPE_PALETTE) {
        png_destroy_read_struct(&png, &pngInfo, nullptr);
        return std::string(colourTypeName(info.colorType)) +
               " label PNG: labels must be class indices (8- or 16-bit grey, or a palette PNG), "
               "not colours";
    }
    if (static_cast<std::int64_t>(info.width) * info.height > limits.maxPixels) {
        png_destroy_read_struct(&png, &pngInfo, nullptr);
        return "label PNG of " + std::to_string(info.width) + "x" + std::to_string(info.height) +
               " exceeds the limit of " + std::to_string(limits.maxPixels) + " pixels";
    }
    // A file can only hold so many rows: deflate expands at most 1032-fold, so a PNG of N
    // bytes decodes to at most about 1032 N bytes of filtered rows. A header claiming more
    // is refused before anything is sized by it (a 60-byte PNG claiming 16384 x 16384 at
    // 16 bits would otherwise cost 1 GiB before libpng finds the data missing).
    const std::uint64_t filteredBytes =
        std::uint64_t{info.height} *
        ((std::uint64_t{info.width} * static_cast<std::uint64_t>(info.bitDepth) + 7) / 8 + 1);
    if (filteredBytes > kMaxDeflateRatio * state.bytes.size() + 4096) {
        png_destroy_read_struct(&png, &pngInfo, nullptr);
        return "truncated: the header claims " + std::to_string(info.width) + "x" +
               std::to_string(info.height) + " pixels at " + std::to_string(info.bitDepth) +
               " bits, more than a PNG of " + std::to_string(state.bytes.size()) +
               " bytes can hold";
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
    PngReadState state;
    state.bytes = bytes;
    PngInfo info;
    std::vector<std::uint8_t> raw;
    std::vector<png_bytep> rows;
    LabelMap::Storage values = labels.release();
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
    const auto values = labels.values();
    const bool wide = std::any_of(values.begin(), values.end(), [](auto v) { return v > 255; });
    cv::Mat mat;
    if (wide) {
        mat = cv::Mat(labels.height(), labels.width(), CV_16U,
                      const_cast<std::uint16_t*>(labels.data()))
                  .clone();
    } else {
        mat = cv::Mat(labels.height(), labels.width(), CV_8U);
        for (int y = 0; y < labels.height(); ++y)
            for (int x = 0; x < labels.width(); ++x)
                mat.at<std::uint8_t>(y, x) = static_cast<std::uint8_t>(labels.at(x, y));
    }
    std::vector<uchar> buffer;
    if (!cv::imencode(".png", mat, buffer))
        throw std::runtime_error("could not encode a label PNG");
    return {reinterpret_cast<const char*>(buffer.data()), buffer.size()};
}

} // namespace losslens
