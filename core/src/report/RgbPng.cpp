// encodeRgbPng (report/Colormap.h) and the exports' heatmaps. A heatmap is runs of equal
// colours: the Sub filter (a run becomes zeros) and a fast deflate are what it needs;
// OpenCV's writer tries every row filter per row at the level asked, and libpng's defaults
// took 4-8x our time for files 4-8% smaller. An image whose filtered rows fit
// kWholeImageBytes is filtered into one buffer and deflated whole: by libdeflate at level 1,
// on the 21-class set's heatmaps 2.5-3.3x faster than zlib level 1 with its run-length
// strategy (what every PNG took before) and files 40% smaller; rows that are nearly all runs
// go to zlib's run-length strategy, faster there. libdeflate cannot deflate a stream in
// parts, so a larger image (an 8192² sample's heatmap: 192 MiB of rows) is cut into bands of
// rows, each deflated by zlib on its own (byte-aligned, no match across bands) on the
// export's threads, and written as one IDAT chunk per band: nothing the size of the image is
// held but its compressed bytes. Rows are coloured straight into either encoder.
#include "losslens/report/Colormap.h"
#include "losslens/report/HeatmapColours.h"
#include "losslens/set/SetProcessor.h"

#include <libdeflate.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace losslens {

namespace {

// Fills one RGB row (width x 3 bytes) of the image being encoded. Called from several
// threads at once for a banded image: it only reads what it colours.
using RowSource = std::function<void(int y, std::uint8_t* row)>;

// Filtered rows up to this size go through libdeflate whole (a 2048² image is 12 MiB):
// the rows and their deflated bytes are held at once, each thread's buffers kept for its
// next image.
constexpr std::size_t kWholeImageBytes = std::size_t{16} << 20;
// A larger image's bands: about this many bytes of filtered rows each.
constexpr std::size_t kBandBytes = std::size_t{4} << 20;

constexpr std::uint8_t kZlibHeader[2] = {0x78, 0x01}; // deflate, 32 KiB window, fastest

void putBigEndian32(std::uint8_t* at, std::uint32_t v) {
    at[0] = static_cast<std::uint8_t>(v >> 24);
    at[1] = static_cast<std::uint8_t>(v >> 16);
    at[2] = static_cast<std::uint8_t>(v >> 8);
    at[3] = static_cast<std::uint8_t>(v);
}

struct Bytes {
    const std::uint8_t* data;
    std::size_t size;
};

// A chunk (length, type, data given in parts, CRC of type and data) appended to out.
void appendChunk(std::string& out, const char* type, std::initializer_list<Bytes> parts) {
    std::size_t length = 0;
    for (const Bytes& part : parts)
        length += part.size;
    std::uint8_t head[8];
    putBigEndian32(head, static_cast<std::uint32_t>(length));
    std::memcpy(head + 4, type, 4);
    out.append(reinterpret_cast<const char*>(head), 8);
    std::uint32_t crc = libdeflate_crc32(0, head + 4, 4);
    for (const Bytes& part : parts) {
        if (part.size == 0) // libdeflate_crc32 of a null buffer is 0, not the CRC so far
            continue;
        crc = libdeflate_crc32(crc, part.data, part.size);
        out.append(reinterpret_cast<const char*>(part.data), part.size);
    }
    std::uint8_t tail[4];
    putBigEndian32(tail, crc);
    out.append(reinterpret_cast<const char*>(tail), 4);
}

// The signature and the IHDR chunk of an 8-bit RGB image.
std::string pngStart(int width, int height, std::size_t reserve) {
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
    png.reserve(8 + 25 + reserve + 12);
    png.append(reinterpret_cast<const char*>(kSignature), 8);
    appendChunk(png, "IHDR", {{header, sizeof header}});
    return png;
}

// Rows [y0, y1) filtered with Sub (each byte less the same colour byte of the pixel to its
// left) into out; returns how many of the filtered bytes are 0.
std::size_t filterRows(const RowSource& source, int y0, int y1, std::size_t stride,
                       std::uint8_t* row, std::uint8_t* out) {
    std::size_t zeros = 0;
    for (int y = y0; y < y1; ++y, out += stride + 1) {
        source(y, row);
        out[0] = 1;
        for (std::size_t i = 0; i < std::min<std::size_t>(3, stride); ++i)
            out[1 + i] = row[i];
        std::size_t rowZeros = 0;
        for (std::size_t i = 3; i < stride; ++i) {
            const auto d = static_cast<std::uint8_t>(row[i] - row[i - 3]);
            out[1 + i] = d;
            rowZeros += d == 0;
        }
        zeros += rowZeros;
    }
    return zeros;
}

// Rows that are nearly all runs of one colour (a background-weight image, a smooth demo
// heatmap: 90-99.9% zero bytes after the filter) deflate 1.1-2x faster by zlib's
// run-length strategy than by libdeflate's match finder, into files 5-15% larger; below
// that libdeflate is 2.5-3.3x faster (measured on the demo and 21-class sets' exports).
bool mostlyRuns(std::size_t zeros, std::size_t size) {
    return zeros >= size / 10 * 9;
}

// Raw deflate (no zlib framing) of data by zlib at level 1 with the run-length strategy,
// ended with Z_FINISH (the stream's last block) or Z_SYNC_FLUSH (byte-aligned, more blocks
// may follow), into out from `at`. Returns the bytes written, 0 on failure.
std::size_t deflateRuns(const std::uint8_t* data, std::size_t size, bool last, std::uint8_t* out,
                        std::size_t room) {
    z_stream z{};
    if (deflateInit2(&z, 1, Z_DEFLATED, -15, 8, Z_RLE) != Z_OK)
        return 0;
    z.next_in = const_cast<std::uint8_t*>(data);
    z.avail_in = static_cast<uInt>(size);
    z.next_out = out;
    z.avail_out = static_cast<uInt>(room);
    const int status = deflate(&z, last ? Z_FINISH : Z_SYNC_FLUSH);
    const bool done = last ? status == Z_STREAM_END : status == Z_OK && z.avail_in == 0;
    const std::size_t written = done ? z.total_out : 0;
    deflateEnd(&z);
    return written;
}

// What deflateRuns may write for `size` bytes.
std::size_t deflateRunsBound(std::size_t size) {
    return static_cast<std::size_t>(compressBound(static_cast<uLong>(size))) + 64;
}

// Uninitialised bytes (a vector would zero them first), grown on demand, kept.
struct Buffer {
    std::unique_ptr<std::uint8_t[]> bytes;
    std::size_t size = 0;
    std::uint8_t* reserve(std::size_t need) {
        if (size < need) {
            bytes.reset(new std::uint8_t[need]);
            size = need;
        }
        return bytes.get();
    }
};

struct CompressorFree {
    void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};

// One thread's buffers for whole images.
struct WholeBuffers {
    Buffer row, rows, deflated;
    std::unique_ptr<libdeflate_compressor, CompressorFree> compressor;
};

// The PNG of an image whose filtered rows fit kWholeImageBytes: IHDR, one IDAT, IEND.
std::string encodeWhole(int width, int height, const RowSource& source) {
    thread_local WholeBuffers buffers;
    if (!buffers.compressor) {
        buffers.compressor.reset(libdeflate_alloc_compressor(1));
        if (!buffers.compressor)
            throw std::runtime_error("could not encode a PNG: out of memory");
    }
    const std::size_t stride = static_cast<std::size_t>(width) * 3;
    const std::size_t size = (stride + 1) * static_cast<std::size_t>(height);
    std::uint8_t* filtered = buffers.rows.reserve(size);
    const std::size_t zeros =
        filterRows(source, 0, height, stride, buffers.row.reserve(stride), filtered);
    const bool runs = mostlyRuns(zeros, size);
    const std::size_t bound = runs ? deflateRunsBound(size) + 6
                                   : libdeflate_zlib_compress_bound(buffers.compressor.get(), size);
    std::uint8_t* out = buffers.deflated.reserve(bound);
    std::size_t deflated = 0;
    if (runs) {
        // zlib's raw deflate in zlib's framing written here: libdeflate's Adler-32 is several
        // times zlib's (which took a third of zlib's time on these rows).
        std::memcpy(out, kZlibHeader, 2);
        const std::size_t raw = deflateRuns(filtered, size, true, out + 2, bound - 6);
        if (raw != 0) {
            putBigEndian32(out + 2 + raw, libdeflate_adler32(1, filtered, size));
            deflated = raw + 6;
        }
    } else {
        deflated = libdeflate_zlib_compress(buffers.compressor.get(), filtered, size, out, bound);
    }
    if (deflated == 0)
        throw std::runtime_error("could not encode a PNG: out of memory (or deflate failed)");
    std::string png = pngStart(width, height, 12 + deflated);
    appendChunk(png, "IDAT", {{out, deflated}});
    appendChunk(png, "IEND", {});
    return png;
}

// The PNG of a larger image: its bands filtered and deflated on `threads` threads, one IDAT
// chunk each (the first starts zlib's framing, the last ends it with the Adler-32).
std::string encodeBands(int width, int height, const RowSource& source, int threads) {
    const std::size_t stride = static_cast<std::size_t>(width) * 3;
    const int bandRows = static_cast<int>(std::max<std::size_t>(1, kBandBytes / (stride + 1)));
    const std::size_t bands = (static_cast<std::size_t>(height) + bandRows - 1) / bandRows;
    struct Band {
        std::vector<std::uint8_t> deflated;
        std::uint32_t adler = 1;
        std::size_t size = 0;
    };
    std::vector<Band> out(bands);
    std::atomic<bool> failed{false};
    parallelFor(bands, threads, [&](std::size_t b) {
        // On the export's threads: nothing may escape (a thread's exception ends the process).
        try {
            thread_local Buffer row, rows;
            const int y0 = static_cast<int>(b) * bandRows;
            const int y1 = std::min(height, y0 + bandRows);
            Band& band = out[b];
            band.size = (stride + 1) * static_cast<std::size_t>(y1 - y0);
            std::uint8_t* filtered = rows.reserve(band.size);
            (void)filterRows(source, y0, y1, stride, row.reserve(stride), filtered);
            band.adler = libdeflate_adler32(1, filtered, band.size);
            band.deflated.resize(deflateRunsBound(band.size));
            const std::size_t written = deflateRuns(filtered, band.size, b + 1 == bands,
                                                    band.deflated.data(), band.deflated.size());
            if (written == 0)
                failed = true;
            band.deflated.resize(written);
            band.deflated.shrink_to_fit();
        } catch (...) {
            failed = true;
        }
    });
    if (failed)
        throw std::runtime_error("could not encode a PNG: out of memory (or deflate failed)");
    std::size_t total = 0;
    uLong adler = 1;
    for (const Band& band : out) {
        total += band.deflated.size() + 12;
        adler = adler32_combine(adler, band.adler, static_cast<z_off_t>(band.size));
    }
    std::uint8_t adlerBytes[4];
    putBigEndian32(adlerBytes, static_cast<std::uint32_t>(adler));
    std::string png = pngStart(width, height, total + 6);
    for (std::size_t b = 0; b < bands; ++b) {
        const Bytes data{out[b].deflated.data(), out[b].deflated.size()};
        appendChunk(png, "IDAT",
                    {b == 0 ? Bytes{kZlibHeader, 2} : Bytes{nullptr, 0}, data,
                     b + 1 == bands ? Bytes{adlerBytes, 4} : Bytes{nullptr, 0}});
        out[b].deflated = {}; // the PNG grows as the bands go
    }
    appendChunk(png, "IEND", {});
    return png;
}

std::string encodeRows(int width, int height, const RowSource& source, int threads = 1) {
    if (width <= 0 || height <= 0 || width > 0x7fffffff / 4 || height > 0x7fffffff / 4)
        throw std::runtime_error("could not encode a PNG: the image is " + std::to_string(width) +
                                 " x " + std::to_string(height));
    if ((static_cast<std::size_t>(width) * 3 + 1) * static_cast<std::size_t>(height) <=
        kWholeImageBytes)
        return encodeWhole(width, height, source);
    return encodeBands(width, height, source, threads);
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
                             ValueRange range, Colormap colormap, bool log, int threads) {
    const HeatmapColours colours(colormapLut(colormap), range, log, ignoreIndex);
    const auto width = static_cast<std::size_t>(map.width());
    return encodeRows(
        map.width(), map.height(),
        [&](int y, std::uint8_t* row) {
            const std::size_t at = static_cast<std::size_t>(y) * width;
            colours.colourRow(map.data() + at, labels.data() + at, width, row);
        },
        threads);
}

std::string encodeBackgroundWeightPng(const ByteImage& w0, int threads) {
    const auto width = static_cast<std::size_t>(w0.width());
    return encodeRows(
        w0.width(), w0.height(),
        [&](int y, std::uint8_t* row) {
            const std::uint8_t* values = w0.data() + static_cast<std::size_t>(y) * width;
            for (std::size_t x = 0; x < width; ++x) {
                const Rgb& c = values[x] ? kWeightKeptColour : kWeightZeroColour;
                row[3 * x] = c[0];
                row[3 * x + 1] = c[1];
                row[3 * x + 2] = c[2];
            }
        },
        threads);
}

} // namespace losslens
