// encodeRgbPng (report/Colormap.h). A heatmap is runs of equal colours: the Sub filter (a run
// becomes zeros) and a fast deflate is what it needs; OpenCV's writer tries every row filter
// per row at the level asked. An image whose filtered rows fit kWholeImageBytes is filtered
// into one buffer and deflated whole: by libdeflate at level 1, on the 21-class set's
// heatmaps 2.5-3.3x faster than zlib level 1 with its run-length strategy (what every PNG
// took before) and files 40% smaller (it finds matches other than runs); rows that are
// nearly all runs stay with zlib's run-length strategy (encodeWhole). libdeflate cannot
// deflate a stream in parts, so larger images keep zlib a row at a time through libpng: an
// 8192² export never holds its 192 MiB RGB image. Heatmaps are coloured a row at a time
// straight into either encoder; exports encode many heatmaps in parallel, one per sample.
#include "losslens/report/Colormap.h"
#include "losslens/report/HeatmapColours.h"

#include <libdeflate.h>
#include <png.h>
#include <zlib.h>

#include <algorithm>
#include <csetjmp>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace losslens {

namespace {

struct Sink {
    std::string bytes;
    char reason[200] = {};
};

void writeBytes(png_structp png, png_bytep data, png_size_t length) {
    auto* sink = static_cast<Sink*>(png_get_io_ptr(png));
    sink->bytes.append(reinterpret_cast<const char*>(data), length);
}

void flushNothing(png_structp /*png*/) {}

[[noreturn]] void onError(png_structp png, png_const_charp message) {
    auto* sink = static_cast<Sink*>(png_get_error_ptr(png));
    std::snprintf(sink->reason, sizeof sink->reason, "%s", message);
    png_longjmp(png, 1);
}

void onWarning(png_structp /*png*/, png_const_charp /*message*/) {}

// Fills one RGB row (width x 3 bytes) of the image being encoded.
using RowSource = std::function<void(int y, std::uint8_t* row)>;

// Only POD locals across setjmp; the sink and the row buffer outlive it. Returns false on a
// libpng error.
bool encode(int width, int height, const RowSource& source, std::vector<std::uint8_t>& row,
            Sink& sink) {
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
    png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8,
                 PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
    png_set_compression_level(png, 1);
    png_set_compression_strategy(png, Z_RLE);
    png_write_info(png, info);
    for (int y = 0; y < height; ++y) {
        source(y, row.data());
        png_write_row(png, row.data());
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return true;
}

// Filtered rows up to this size go through libdeflate whole (a 2048² image is 12 MiB):
// the rows and their deflated bytes are held at once, each worker's buffers kept for its
// next image.
constexpr std::size_t kWholeImageBytes = std::size_t{16} << 20;

void putBigEndian32(std::uint8_t* at, std::uint32_t v) {
    at[0] = static_cast<std::uint8_t>(v >> 24);
    at[1] = static_cast<std::uint8_t>(v >> 16);
    at[2] = static_cast<std::uint8_t>(v >> 8);
    at[3] = static_cast<std::uint8_t>(v);
}

// A chunk (length, type, data, CRC of type and data) appended to out.
void appendChunk(std::string& out, const char* type, const std::uint8_t* data, std::size_t length) {
    std::uint8_t head[8];
    putBigEndian32(head, static_cast<std::uint32_t>(length));
    std::memcpy(head + 4, type, 4);
    std::uint32_t crc = libdeflate_crc32(0, head + 4, 4);
    if (length > 0) // libdeflate_crc32 of a null buffer is 0, not the CRC so far
        crc = libdeflate_crc32(crc, data, length);
    std::uint8_t tail[4];
    putBigEndian32(tail, crc);
    out.append(reinterpret_cast<const char*>(head), 8);
    if (length > 0)
        out.append(reinterpret_cast<const char*>(data), length);
    out.append(reinterpret_cast<const char*>(tail), 4);
}

struct CompressorFree {
    void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};

// One worker's buffers: uninitialised bytes (a vector would zero them first).
struct WholeBuffers {
    std::unique_ptr<std::uint8_t[]> rows;
    std::size_t rowsSize = 0;
    std::unique_ptr<std::uint8_t[]> deflated;
    std::size_t deflatedSize = 0;
    std::unique_ptr<libdeflate_compressor, CompressorFree> compressor;

    static void reserve(std::unique_ptr<std::uint8_t[]>& buffer, std::size_t& size,
                        std::size_t need) {
        if (size < need) {
            buffer.reset(new std::uint8_t[need]);
            size = need;
        }
    }
};

// The PNG of an image whose filtered rows fit kWholeImageBytes: IHDR, one IDAT, IEND.
std::string encodeWhole(int width, int height, const RowSource& source,
                        std::vector<std::uint8_t>& row) {
    thread_local WholeBuffers buffers;
    if (!buffers.compressor) {
        buffers.compressor.reset(libdeflate_alloc_compressor(1));
        if (!buffers.compressor)
            throw std::runtime_error("could not encode a PNG: out of memory");
    }
    const std::size_t stride = static_cast<std::size_t>(width) * 3;
    const std::size_t filteredSize = (stride + 1) * static_cast<std::size_t>(height);
    WholeBuffers::reserve(buffers.rows, buffers.rowsSize, filteredSize);
    std::uint8_t* filtered = buffers.rows.get();
    std::size_t zeros = 0;
    for (int y = 0; y < height; ++y) {
        source(y, row.data());
        // Sub: each byte less the same colour byte of the pixel to its left.
        std::uint8_t* out = filtered + static_cast<std::size_t>(y) * (stride + 1);
        const std::uint8_t* in = row.data();
        out[0] = 1;
        for (std::size_t i = 0; i < std::min<std::size_t>(3, stride); ++i)
            out[1 + i] = in[i];
        std::size_t rowZeros = 0;
        for (std::size_t i = 3; i < stride; ++i) {
            const auto d = static_cast<std::uint8_t>(in[i] - in[i - 3]);
            out[1 + i] = d;
            rowZeros += d == 0;
        }
        zeros += rowZeros;
    }
    std::size_t bound = libdeflate_zlib_compress_bound(buffers.compressor.get(), filteredSize);
    // Rows that are nearly all runs of one colour (a background-weight image, a smooth demo
    // heatmap: 90-99.9% zero bytes after the filter) deflate 1.1-2x faster by zlib's
    // run-length strategy than by libdeflate's match finder, into files 5-15% larger; below
    // that libdeflate is 2.5-3.3x faster (measured on the demo and 21-class sets' exports).
    const bool runs = zeros >= filteredSize / 10 * 9;
    z_stream z{};
    if (runs) {
        // Raw deflate in zlib's framing written here: libdeflate's Adler-32 is several times
        // zlib's (which took a third of zlib's time on these rows).
        if (deflateInit2(&z, 1, Z_DEFLATED, -15, 8, Z_RLE) != Z_OK)
            throw std::runtime_error("could not encode a PNG: out of memory");
        bound =
            std::max<std::size_t>(bound, deflateBound(&z, static_cast<uLong>(filteredSize)) + 6);
    }
    WholeBuffers::reserve(buffers.deflated, buffers.deflatedSize, bound);
    std::size_t deflated = 0;
    if (runs) {
        std::uint8_t* out = buffers.deflated.get();
        out[0] = 0x78; // deflate, 32 KiB window
        out[1] = 0x01; // fastest level, no dictionary (0x7801 is a multiple of 31)
        z.next_in = filtered;
        z.avail_in = static_cast<uInt>(filteredSize);
        z.next_out = out + 2;
        z.avail_out = static_cast<uInt>(bound - 6);
        const int status = deflate(&z, Z_FINISH);
        if (status == Z_STREAM_END) {
            putBigEndian32(out + 2 + z.total_out, libdeflate_adler32(1, filtered, filteredSize));
            deflated = z.total_out + 6;
        }
        deflateEnd(&z);
    } else {
        deflated = libdeflate_zlib_compress(buffers.compressor.get(), filtered, filteredSize,
                                            buffers.deflated.get(), bound);
    }
    if (deflated == 0)
        throw std::runtime_error("could not encode a PNG: the deflated data did not fit");

    static constexpr std::uint8_t kSignature[8] = {137, 80, 78, 71, 13, 10, 26, 10};
    std::uint8_t header[13];
    putBigEndian32(header, static_cast<std::uint32_t>(width));
    putBigEndian32(header + 4, static_cast<std::uint32_t>(height));
    header[8] = 8;  // bits per sample
    header[9] = 2;  // RGB
    header[10] = 0; // deflate
    header[11] = 0; // adaptive filtering (each row names its filter)
    header[12] = 0; // not interlaced
    std::string png;
    png.reserve(8 + 25 + 12 + deflated + 12);
    png.append(reinterpret_cast<const char*>(kSignature), 8);
    appendChunk(png, "IHDR", header, sizeof header);
    appendChunk(png, "IDAT", buffers.deflated.get(), deflated);
    appendChunk(png, "IEND", nullptr, 0);
    return png;
}

// A PNG made a row at a time: nothing the size of the image but the compressed bytes.
std::string encodeRows(int width, int height, const RowSource& source) {
    std::vector<std::uint8_t> row(static_cast<std::size_t>(width) * 3);
    if (width > 0 && height > 0 &&
        (static_cast<std::size_t>(width) * 3 + 1) * static_cast<std::size_t>(height) <=
            kWholeImageBytes)
        return encodeWhole(width, height, source, row);
    Sink sink;
    // A byte a pixel holds most heatmaps whole (runs of equal colours compress well).
    sink.bytes.reserve(static_cast<std::size_t>(width) * static_cast<std::size_t>(height));
    if (!encode(width, height, source, row, sink))
        throw std::runtime_error(std::string("could not encode a PNG: ") + sink.reason);
    return std::move(sink.bytes);
}

} // namespace

std::string encodeRgbPng(const ByteImage& rgb) {
    if (rgb.channels() != 3)
        throw std::invalid_argument("encodeRgbPng needs an RGB image");
    const auto stride = static_cast<std::size_t>(rgb.width()) * 3;
    return encodeRows(rgb.width(), rgb.height(), [&](int y, std::uint8_t* row) {
        std::copy_n(rgb.data() + static_cast<std::size_t>(y) * stride, stride, row);
    });
}

std::string encodeHeatmapPng(const LossMap& map, const LabelMap& labels, int ignoreIndex,
                             ValueRange range, Colormap colormap, bool log) {
    const HeatmapColours colours(colormapLut(colormap), range, log, ignoreIndex);
    const auto width = static_cast<std::size_t>(map.width());
    return encodeRows(map.width(), map.height(), [&](int y, std::uint8_t* row) {
        const std::size_t at = static_cast<std::size_t>(y) * width;
        colours.colourRow(map.data() + at, labels.data() + at, width, row);
    });
}

std::string encodeBackgroundWeightPng(const ByteImage& w0) {
    const auto width = static_cast<std::size_t>(w0.width());
    return encodeRows(w0.width(), w0.height(), [&](int y, std::uint8_t* row) {
        const std::uint8_t* values = w0.data() + static_cast<std::size_t>(y) * width;
        for (std::size_t x = 0; x < width; ++x) {
            const Rgb& c = values[x] ? kWeightKeptColour : kWeightZeroColour;
            row[3 * x] = c[0];
            row[3 * x + 1] = c[1];
            row[3 * x + 2] = c[2];
        }
    });
}

} // namespace losslens
