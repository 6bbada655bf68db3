// The label PNG decoded without libpng (io/LabelPngDirect.h): every row filter, grey 8 and
// 16 bits and palettes, image data in one chunk or many, against the values libpng's own
// writer was given; and every file it must leave to libpng (it returns false, and
// decodeLabelPng still gives libpng's labels or message).

#include "io/LabelPngDirect.h"
#include "losslens/io/LabelPng.h"

#include <gtest/gtest.h>

#include <png.h>
#include <zlib.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace losslens;

namespace {

using Bytes = std::vector<unsigned char>;

std::span<const std::byte> asBytes(const Bytes& v) {
    return {reinterpret_cast<const std::byte*>(v.data()), v.size()};
}

struct Kind {
    const char* name;
    int bitDepth;
    int colourType;
};

struct WriteOptions {
    int filters = PNG_ALL_FILTERS;
    bool interlaced = false;
    std::size_t idatBytes = 8192; // libpng's compression buffer: the size of each IDAT chunk
};

void appendTo(png_structp png, png_bytep data, png_size_t length) {
    auto* out = static_cast<Bytes*>(png_get_io_ptr(png));
    out->insert(out->end(), data, data + length);
}

void noFlush(png_structp /*png*/) {}

// `values` (row-major) written by libpng with the given filters, chunk size and interlace.
Bytes writePng(const Kind& kind, int width, int height, const std::vector<std::uint16_t>& values,
               const WriteOptions& options) {
    Bytes out;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png_create_info_struct(png);
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        ADD_FAILURE() << "libpng could not write the test's PNG";
        return {};
    }
    png_set_write_fn(png, &out, appendTo, noFlush);
    png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height),
                 kind.bitDepth, kind.colourType,
                 options.interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    std::vector<png_color> palette(256);
    for (int i = 0; i < 256; ++i)
        palette[static_cast<std::size_t>(i)] = {static_cast<png_byte>(i * 37),
                                                static_cast<png_byte>(i * 91),
                                                static_cast<png_byte>(i * 53)};
    if (kind.colourType == PNG_COLOR_TYPE_PALETTE)
        png_set_PLTE(png, info, palette.data(), 256);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, options.filters);
    png_set_compression_buffer_size(png, options.idatBytes);
    png_write_info(png, info);
    if (kind.bitDepth < 8)
        png_set_packing(png); // a byte per pixel in, packed by libpng
    const std::size_t bytesPerPixel = kind.bitDepth == 16 ? 2 : 1;
    const std::size_t w = static_cast<std::size_t>(width);
    std::vector<Bytes> rows(static_cast<std::size_t>(height), Bytes(w * bytesPerPixel));
    std::vector<png_bytep> pointers;
    for (std::size_t y = 0; y < rows.size(); ++y) {
        for (std::size_t x = 0; x < w; ++x) {
            const std::uint16_t v = values[y * w + x];
            if (bytesPerPixel == 2) {
                rows[y][2 * x] = static_cast<unsigned char>(v >> 8); // PNG order: big-endian
                rows[y][2 * x + 1] = static_cast<unsigned char>(v & 0xff);
            } else {
                rows[y][x] = static_cast<unsigned char>(v);
            }
        }
        pointers.push_back(rows[y].data());
    }
    png_write_image(png, pointers.data());
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    return out;
}

// Labels in runs with noise, so every filter has something to predict and to miss.
std::vector<std::uint16_t> randomLabels(std::mt19937& rng, int width, int height, int range) {
    std::vector<std::uint16_t> values(static_cast<std::size_t>(width) *
                                      static_cast<std::size_t>(height));
    std::uint16_t run = 0;
    for (std::uint16_t& v : values) {
        if (rng() % 9 == 0)
            run = static_cast<std::uint16_t>(rng() % static_cast<unsigned>(range));
        v = rng() % 13 == 0 ? static_cast<std::uint16_t>(rng() % static_cast<unsigned>(range))
                            : run;
    }
    return values;
}

bool decodesDirectly(const Bytes& png, std::vector<std::uint16_t>& values, int& width,
                     int& height) {
    LabelMap::Storage labels;
    const bool direct =
        detail::decodeLabelPngDirect(asBytes(png), DataLimits{}, labels, width, height);
    values.assign(labels.begin(), labels.end());
    return direct;
}

const Kind kGrey8{"grey 8", 8, PNG_COLOR_TYPE_GRAY};
const Kind kGrey16{"grey 16", 16, PNG_COLOR_TYPE_GRAY};
const Kind kPalette8{"palette 8", 8, PNG_COLOR_TYPE_PALETTE};

} // namespace

TEST(LabelPngDirect, DecodesEveryFilterOfEveryKindAsWritten) {
    std::mt19937 rng(11);
    struct Size {
        int width;
        int height;
    };
    const int filters[] = {PNG_FILTER_NONE, PNG_FILTER_SUB,   PNG_FILTER_UP,
                           PNG_FILTER_AVG,  PNG_FILTER_PAETH, PNG_ALL_FILTERS};
    for (const Kind& kind : {kGrey8, kGrey16, kPalette8})
        for (const int filter : filters)
            for (const Size size : {Size{1, 1}, Size{3, 5}, Size{67, 45}, Size{257, 3}})
                for (const std::size_t idatBytes : {std::size_t{8192}, std::size_t{64}}) {
                    const int range = kind.bitDepth == 16 ? 65536 : 256;
                    const std::vector<std::uint16_t> values =
                        randomLabels(rng, size.width, size.height, range);
                    const Bytes png =
                        writePng(kind, size.width, size.height, values, {filter, false, idatBytes});
                    std::vector<std::uint16_t> got;
                    int width = 0;
                    int height = 0;
                    ASSERT_TRUE(decodesDirectly(png, got, width, height))
                        << kind.name << ", filter " << filter << ", " << size.width << "x"
                        << size.height;
                    EXPECT_EQ(width, size.width);
                    EXPECT_EQ(height, size.height);
                    EXPECT_EQ(got, values)
                        << kind.name << ", filter " << filter << ", " << size.width << "x"
                        << size.height << ", IDAT " << idatBytes;
                    const LabelMap labels = decodeLabelPng(asBytes(png), {});
                    EXPECT_TRUE(std::equal(labels.values().begin(), labels.values().end(),
                                           values.begin(), values.end()));
                }
}

namespace {

std::uint32_t bigEndian32(const unsigned char* at) {
    return (std::uint32_t{at[0]} << 24) | (std::uint32_t{at[1]} << 16) |
           (std::uint32_t{at[2]} << 8) | std::uint32_t{at[3]};
}

void putBigEndian32(unsigned char* at, std::uint32_t v) {
    at[0] = static_cast<unsigned char>(v >> 24);
    at[1] = static_cast<unsigned char>(v >> 16);
    at[2] = static_cast<unsigned char>(v >> 8);
    at[3] = static_cast<unsigned char>(v);
}

// The offset of the first chunk of `type`, or 0.
std::size_t findChunk(const Bytes& png, const char* type) {
    for (std::size_t at = 8; at + 12 <= png.size();) {
        if (std::memcmp(png.data() + at + 4, type, 4) == 0)
            return at;
        at += 12 + bigEndian32(png.data() + at);
    }
    return 0;
}

// Rewrites the CRC of the chunk at `at` after its contents were changed on purpose.
void resign(Bytes& png, std::size_t at) {
    const std::uint32_t length = bigEndian32(png.data() + at);
    const auto crc = static_cast<std::uint32_t>(crc32(0, png.data() + at + 4, length + 4));
    putBigEndian32(png.data() + at + 8 + length, crc);
}

// A chunk inserted before the one at `at`.
void insertChunk(Bytes& png, std::size_t at, const char* type, const Bytes& data) {
    Bytes chunk(12 + data.size());
    putBigEndian32(chunk.data(), static_cast<std::uint32_t>(data.size()));
    std::memcpy(chunk.data() + 4, type, 4);
    std::copy(data.begin(), data.end(), chunk.begin() + 8);
    png.insert(png.begin() + static_cast<long>(at), chunk.begin(), chunk.end());
    resign(png, at);
}

std::string outcome(const Bytes& png, const std::vector<std::uint16_t>& values) {
    try {
        const LabelMap labels = decodeLabelPng(asBytes(png), {});
        return std::equal(labels.values().begin(), labels.values().end(), values.begin(),
                          values.end())
                   ? "labels"
                   : "other labels";
    } catch (const std::exception& e) {
        return std::string("error: ") + e.what();
    }
}

} // namespace

TEST(LabelPngDirect, LeavesEveryOtherFileToLibpng) {
    std::mt19937 rng(3);
    const int width = 40;
    const int height = 30;
    const std::vector<std::uint16_t> values = randomLabels(rng, width, height, 200);
    const Bytes clean = writePng(kGrey8, width, height, values, {});
    std::vector<std::uint16_t> got;
    int w = 0;
    int h = 0;
    ASSERT_TRUE(decodesDirectly(clean, got, w, h));

    struct Case {
        const char* what;
        Bytes png;
        const char* libpng; // what decodeLabelPng then gives: "labels" or an error's start
    };
    std::vector<Case> cases;
    cases.push_back(
        {"interlaced", writePng(kGrey8, width, height, values, {PNG_ALL_FILTERS, true}), "labels"});
    {
        const std::vector<std::uint16_t> small(values.size(), 3);
        Case c{"4-bit grey", writePng({"grey 4", 4, PNG_COLOR_TYPE_GRAY}, width, height, small, {}),
               "labels"};
        EXPECT_EQ(outcome(c.png, small), "labels");
        c.libpng = nullptr; // checked above against its own values
        cases.push_back(c);
    }
    {
        Bytes png = clean;
        const std::size_t idat = findChunk(png, "IDAT");
        png[idat + 8 + bigEndian32(png.data() + idat)] ^= 0x01; // the data intact, its CRC not
        cases.push_back({"IDAT CRC wrong", png, "error: corrupt PNG"});
    }
    {
        Bytes png = clean;
        const std::size_t idat = findChunk(png, "IDAT");
        const std::uint32_t length = bigEndian32(png.data() + idat);
        png[idat + 8 + length - 1] ^= 0x01; // the zlib stream's Adler-32, CRC made right
        resign(png, idat);
        cases.push_back({"Adler-32 wrong (libpng ignores it)", png, "labels"});
    }
    {
        Bytes png = clean;
        insertChunk(png, findChunk(png, "IEND"), "IDAT", Bytes{1, 2, 3});
        cases.push_back({"image data past the zlib stream", png, nullptr});
    }
    {
        Bytes png = clean;
        insertChunk(png, findChunk(png, "IDAT"), "CoDE", Bytes{0}); // unknown critical
        cases.push_back({"unknown critical chunk", png, "error: corrupt PNG"});
    }
    {
        Bytes png = clean;
        insertChunk(png, findChunk(png, "IDAT"), "PLTE", Bytes{1, 2, 3});
        cases.push_back({"palette in a grey PNG", png, nullptr});
    }
    {
        Bytes png = clean;
        png.resize(findChunk(png, "IEND")); // no IEND
        cases.push_back({"no IEND", png, nullptr});
    }
    {
        Bytes png = clean;
        png.resize(png.size() - 30); // cut inside the image data
        cases.push_back({"truncated", png, "error: corrupt PNG"});
    }
    {
        // Rows filtered with an unknown filter (5), deflated and framed by hand.
        Bytes rows;
        for (int y = 0; y < height; ++y) {
            rows.push_back(y == 7 ? 5 : 0);
            for (int x = 0; x < width; ++x)
                rows.push_back(
                    static_cast<unsigned char>(values[static_cast<std::size_t>(y * width + x)]));
        }
        uLongf size = compressBound(static_cast<uLong>(rows.size()));
        Bytes deflated(size);
        ASSERT_EQ(
            compress2(deflated.data(), &size, rows.data(), static_cast<uLong>(rows.size()), 6),
            Z_OK);
        deflated.resize(size);
        Bytes png = clean;
        const std::size_t idat = findChunk(png, "IDAT");
        png.erase(png.begin() + static_cast<long>(idat),
                  png.begin() + static_cast<long>(findChunk(png, "IEND")));
        insertChunk(png, idat, "IDAT", deflated);
        cases.push_back({"unknown row filter", png, "error: corrupt PNG"});
    }
    {
        Bytes png = clean;
        putBigEndian32(png.data() + 16, 1u << 21); // width past libpng's limit, IHDR re-signed
        resign(png, 8);
        cases.push_back({"over libpng's width limit", png, nullptr});
    }
    for (const Case& c : cases) {
        EXPECT_FALSE(decodesDirectly(c.png, got, w, h)) << c.what;
        if (c.libpng != nullptr) {
            const std::string libpng = outcome(c.png, values);
            EXPECT_EQ(libpng.rfind(c.libpng, 0), 0u) << c.what << ": " << libpng;
        }
    }
}
