#include "LabelPngDirect.h"

#include "PngRead.h"

#include <libdeflate.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

namespace losslens::detail {

namespace {

constexpr unsigned char kSignature[8] = {137, 80, 78, 71, 13, 10, 26, 10};

std::uint32_t bigEndian32(const unsigned char* at) {
    return (std::uint32_t{at[0]} << 24) | (std::uint32_t{at[1]} << 16) |
           (std::uint32_t{at[2]} << 8) | std::uint32_t{at[3]};
}

struct Chunk {
    const unsigned char* type;
    const unsigned char* data;
    std::uint32_t length;
};

// The chunk at `at`, if it is whole and its type is four letters.
bool readChunk(std::span<const unsigned char> file, std::size_t at, Chunk& chunk) {
    if (file.size() - at < 12)
        return false;
    chunk.length = bigEndian32(file.data() + at);
    chunk.type = file.data() + at + 4;
    chunk.data = chunk.type + 4;
    if (chunk.length > 0x7fffffffu || file.size() - at - 12 < chunk.length)
        return false;
    for (int i = 0; i < 4; ++i) {
        const unsigned char c = chunk.type[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
            return false;
    }
    return true;
}

bool isType(const Chunk& chunk, const char* type) {
    return std::memcmp(chunk.type, type, 4) == 0;
}

// The CRC of a critical chunk (type and data), as libpng checks it.
bool crcRight(const Chunk& chunk) {
    const std::uint32_t stored = bigEndian32(chunk.data + chunk.length);
    return libdeflate_crc32(0, chunk.type, std::size_t{chunk.length} + 4) == stored;
}

struct Header {
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    int bitDepth = 0;
    int colourType = 0;
};

// IHDR of a kind decoded here: grey 8/16 or palette 8, deflate, standard filters, not
// interlaced, within libpng's limits (configureHostilePngReading).
bool readHeader(const Chunk& chunk, Header& header) {
    if (!isType(chunk, "IHDR") || chunk.length != 13 || !crcRight(chunk))
        return false;
    const unsigned char* d = chunk.data;
    header.width = bigEndian32(d);
    header.height = bigEndian32(d + 4);
    header.bitDepth = d[8];
    header.colourType = d[9];
    const bool kind = (header.colourType == 0 && (header.bitDepth == 8 || header.bitDepth == 16)) ||
                      (header.colourType == 3 && header.bitDepth == 8);
    return kind && d[10] == 0 && d[11] == 0 && d[12] == 0 && header.width > 0 &&
           header.height > 0 && header.width <= (1u << 20) && header.height <= (1u << 20);
}

// Reverses the PNG row filters in place: `rows` holds `height` rows of a filter byte and
// `rowBytes` bytes, after `rowBytes` zeros (row 0's prior row). False at an unknown filter.
template <std::size_t kBpp>
bool unfilter(unsigned char* rows, std::size_t rowBytes, std::size_t height) {
    for (std::size_t y = 0; y < height; ++y) {
        unsigned char* r = rows + rowBytes + y * (rowBytes + 1);
        const unsigned char filter = r[0];
        ++r;
        const unsigned char* up = r - rowBytes - 1; // the row before (zeros for row 0)
        switch (filter) {
        case 0:
            break;
        case 1:
            for (std::size_t x = kBpp; x < rowBytes; ++x)
                r[x] = static_cast<unsigned char>(r[x] + r[x - kBpp]);
            break;
        case 2:
            for (std::size_t x = 0; x < rowBytes; ++x)
                r[x] = static_cast<unsigned char>(r[x] + up[x]);
            break;
        case 3:
            for (std::size_t x = 0; x < rowBytes; ++x) {
                const unsigned left = x >= kBpp ? r[x - kBpp] : 0u;
                r[x] = static_cast<unsigned char>(r[x] + ((left + up[x]) >> 1));
            }
            break;
        case 4:
            for (std::size_t x = 0; x < rowBytes; ++x) {
                const int a = x >= kBpp ? r[x - kBpp] : 0;
                const int b = up[x];
                const int c = x >= kBpp ? up[x - kBpp] : 0;
                const int pa = std::abs(b - c);
                const int pb = std::abs(a - c);
                const int pc = std::abs(a + b - 2 * c);
                const int predicted = (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c);
                r[x] = static_cast<unsigned char>(r[x] + predicted);
            }
            break;
        default:
            return false;
        }
    }
    return true;
}

// A row of 8-bit labels widened, sixteen at a time (GCC 12 left its own loop scalar: 5% of
// `stats` on the demo set).
void widenRow(const unsigned char* in, std::uint16_t* out, std::size_t n) {
    std::size_t x = 0;
#if defined(__SSE2__)
    const __m128i zero = _mm_setzero_si128();
    for (; x + 16 <= n; x += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + x));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + x), _mm_unpacklo_epi8(v, zero));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + x + 8), _mm_unpackhi_epi8(v, zero));
    }
#endif
    for (; x < n; ++x)
        out[x] = in[x];
}

// A row of 16-bit big-endian labels in this machine's (little-endian) order.
void swapRow(const unsigned char* in, std::uint16_t* out, std::size_t n) {
    std::size_t x = 0;
#if defined(__SSE2__)
    for (; x + 8 <= n; x += 8) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + 2 * x));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + x),
                         _mm_or_si128(_mm_slli_epi16(v, 8), _mm_srli_epi16(v, 8)));
    }
#endif
    for (; x < n; ++x)
        out[x] = static_cast<std::uint16_t>((in[2 * x] << 8) | in[2 * x + 1]);
}

struct DecompressorFree {
    void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};

// Per thread, reused sample after sample: the joined image data of a file with more than one
// IDAT chunk, and the inflated rows.
struct Buffers {
    std::unique_ptr<libdeflate_decompressor, DecompressorFree> inflater{
        libdeflate_alloc_decompressor()};
    std::vector<unsigned char> joined;
    std::vector<unsigned char> rows;
};

} // namespace

bool decodeLabelPngDirect(std::span<const std::byte> bytes, const DataLimits& limits,
                          LabelMap::Storage& labels, int& width, int& height) {
    const std::span<const unsigned char> file(reinterpret_cast<const unsigned char*>(bytes.data()),
                                              bytes.size());
    if (file.size() < 8 || std::memcmp(file.data(), kSignature, 8) != 0)
        return false;
    Chunk chunk{};
    Header header;
    if (!readChunk(file, 8, chunk) || !readHeader(chunk, header))
        return false;
    // The chunks up to IEND: a palette before the image data (and only for a palette image),
    // the IDAT chunks one after another, no other critical chunk.
    std::size_t at = 8 + 12 + chunk.length;
    bool palette = false;
    std::size_t firstIdat = 0;
    std::size_t idatChunks = 0;
    std::size_t idatBytes = 0;
    bool idatEnded = false;
    for (;;) {
        if (!readChunk(file, at, chunk))
            return false;
        const bool critical = chunk.type[0] >= 'A' && chunk.type[0] <= 'Z';
        if (isType(chunk, "IDAT")) {
            if (idatEnded || (header.colourType == 3 && !palette) || !crcRight(chunk))
                return false;
            if (idatChunks++ == 0)
                firstIdat = at;
            idatBytes += chunk.length;
        } else {
            idatEnded = idatChunks > 0;
            if (isType(chunk, "IEND")) {
                if (chunk.length != 0 || !crcRight(chunk))
                    return false;
                break;
            }
            if (isType(chunk, "PLTE")) {
                if (header.colourType != 3 || palette || idatChunks > 0 || chunk.length == 0 ||
                    chunk.length % 3 != 0 || chunk.length / 3 > 256 || !crcRight(chunk))
                    return false;
                palette = true;
            } else if (critical) {
                return false;
            }
        }
        at += 12 + std::size_t{chunk.length};
    }
    if (idatChunks == 0)
        return false;
    // Sized only within the limits and what the image data can hold (headerProblem's rule,
    // on the IDAT bytes): anything else is libpng's to refuse with its message.
    const std::size_t bpp = header.bitDepth == 16 ? 2 : 1;
    const std::size_t w = header.width;
    const std::size_t h = header.height;
    const std::size_t rowBytes = w * bpp;
    const std::size_t filtered = h * (rowBytes + 1);
    if (static_cast<std::int64_t>(w * h) > limits.maxPixels || filtered + rowBytes > kDirectLimit ||
        filtered > kMaxDeflateRatio * idatBytes + 4096 || idatBytes > kDirectLimit)
        return false;
    thread_local Buffers buffers;
    if (!buffers.inflater)
        return false;
    const unsigned char* data = file.data() + firstIdat + 8;
    if (idatChunks > 1) {
        buffers.joined.resize(idatBytes);
        std::size_t joined = 0;
        for (std::size_t c = 0, p = firstIdat; c < idatChunks; ++c) {
            const std::uint32_t length = bigEndian32(file.data() + p);
            std::memcpy(buffers.joined.data() + joined, file.data() + p + 8, length);
            joined += length;
            p += 12 + std::size_t{length};
        }
        data = buffers.joined.data();
    }
    std::vector<unsigned char>& rows = buffers.rows;
    rows.resize(rowBytes + filtered);
    std::memset(rows.data(), 0, rowBytes);
    // Exactly the rows, and every byte of the image data used (libpng refuses extra data);
    // a wrong Adler-32, which libpng is told to ignore, goes to libpng too.
    std::size_t used = 0;
    if (libdeflate_zlib_decompress_ex(buffers.inflater.get(), data, idatBytes,
                                      rows.data() + rowBytes, filtered, &used,
                                      nullptr) != LIBDEFLATE_SUCCESS ||
        used != idatBytes)
        return false;
    if (!(bpp == 1 ? unfilter<1>(rows.data(), rowBytes, h) : unfilter<2>(rows.data(), rowBytes, h)))
        return false;
    labels.resize(w * h);
    for (std::size_t y = 0; y < h; ++y) {
        const unsigned char* r = rows.data() + rowBytes + y * (rowBytes + 1) + 1;
        std::uint16_t* out = labels.data() + y * w;
        if (bpp == 1)
            widenRow(r, out, w);
        else
            swapRow(r, out, w);
    }
    width = static_cast<int>(w);
    height = static_cast<int>(h);
    return true;
}

} // namespace losslens::detail
