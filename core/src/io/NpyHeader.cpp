#include "losslens/io/NpyArray.h"

#include "Describe.h"
#include "NpyFormat.h"

#include <cstring>
#include <limits>
#include <stdexcept>
#include <string_view>

namespace losslens {

namespace {

using detail::fail;
using detail::shapeText;

constexpr std::int64_t kMaxDimension = std::int64_t{1} << 40;
constexpr std::size_t kMaxDimensions = 8;

// A strict reader of the one Python literal numpy writes: a dict with the keys descr,
// fortran_order and shape. Anything else (lists, nested dicts, expressions) is refused.
class HeaderParser {
public:
    explicit HeaderParser(std::string_view text)
        : m_text(text) {}

    NpyHeader parse(NpyHeader header) {
        bool haveDescr = false, haveOrder = false, haveShape = false;
        skipSpace();
        expect('{');
        for (;;) {
            skipSpace();
            if (peek() == '}') {
                ++m_pos;
                break;
            }
            const std::string key = parseString();
            skipSpace();
            expect(':');
            skipSpace();
            if (key == "descr") {
                if (haveDescr)
                    fail("header repeats 'descr'");
                haveDescr = true;
                if (peek() == '[')
                    fail("structured dtype (a list of fields) is not supported");
                parseDescr(parseString(), header);
            } else if (key == "fortran_order") {
                if (haveOrder)
                    fail("header repeats 'fortran_order'");
                haveOrder = true;
                header.fortranOrder = parseBool();
            } else if (key == "shape") {
                if (haveShape)
                    fail("header repeats 'shape'");
                haveShape = true;
                header.shape = parseShape();
            } else {
                fail("unknown header key '" + key + "'");
            }
            skipSpace();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            skipSpace();
            expect('}');
            break;
        }
        skipSpace();
        if (m_pos != m_text.size())
            fail("unexpected text after the header dictionary");
        if (!haveDescr || !haveOrder || !haveShape)
            fail("header lacks one of 'descr', 'fortran_order', 'shape'");
        return header;
    }

private:
    char peek() const { return m_pos < m_text.size() ? m_text[m_pos] : '\0'; }
    void expect(char c) {
        if (peek() != c)
            fail(std::string("malformed header: expected '") + c + "' at offset " +
                 std::to_string(m_pos));
        ++m_pos;
    }
    void skipSpace() {
        while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\n' ||
                                         m_text[m_pos] == '\t' || m_text[m_pos] == '\r'))
            ++m_pos;
    }
    std::string parseString() {
        const char quote = peek();
        if (quote != '\'' && quote != '"')
            fail("malformed header: expected a quoted string at offset " + std::to_string(m_pos));
        ++m_pos;
        std::string out;
        while (m_pos < m_text.size() && m_text[m_pos] != quote) {
            if (m_text[m_pos] == '\\')
                fail("malformed header: escapes are not supported");
            out += m_text[m_pos++];
            if (out.size() > 64)
                fail("malformed header: string too long");
        }
        expect(quote);
        return out;
    }
    bool parseBool() {
        if (m_text.substr(m_pos, 4) == "True") {
            m_pos += 4;
            return true;
        }
        if (m_text.substr(m_pos, 5) == "False") {
            m_pos += 5;
            return false;
        }
        fail("malformed header: fortran_order must be True or False");
    }
    std::vector<std::int64_t> parseShape() {
        std::vector<std::int64_t> shape;
        expect('(');
        for (;;) {
            skipSpace();
            if (peek() == ')') {
                ++m_pos;
                return shape;
            }
            if (peek() == '-')
                fail("negative dimension in shape");
            if (peek() < '0' || peek() > '9')
                fail("malformed header: shape must be a tuple of integers");
            std::int64_t value = 0;
            while (peek() >= '0' && peek() <= '9') {
                value = value * 10 + (peek() - '0');
                if (value > kMaxDimension)
                    fail("dimension too large in shape");
                ++m_pos;
            }
            if (peek() == 'L') // Python 2 long suffix
                ++m_pos;
            shape.push_back(value);
            if (shape.size() > kMaxDimensions)
                fail("too many dimensions in shape");
            skipSpace();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            skipSpace();
            expect(')');
            return shape;
        }
    }
    static void parseDescr(const std::string& descr, NpyHeader& header) {
        if (descr.size() < 2)
            fail("unknown dtype '" + descr + "'");
        std::size_t i = 0;
        char order = '=';
        if (descr[0] == '<' || descr[0] == '>' || descr[0] == '|' || descr[0] == '=') {
            order = descr[0];
            i = 1;
        }
        const char kind = descr[i];
        const std::string size = descr.substr(i + 1);
        if (kind == 'O')
            fail("object array (pickled Python objects) is not supported");
        if (kind == 'U' || kind == 'S' || kind == 'a')
            fail("string dtype '" + descr + "': predictions must be float16, float32 or float64");
        if (kind == 'i' || kind == 'u' || kind == 'b' || kind == '?')
            fail("integer or boolean dtype '" + descr +
                 "': predictions must be float16, float32 or float64");
        if (kind == 'c')
            fail("complex dtype '" + descr + "' is not supported");
        if (kind != 'f' || (size != "2" && size != "4" && size != "8"))
            fail("unknown dtype '" + descr + "': expected float16, float32 or float64");
        if (order == '|')
            fail("dtype '" + descr + "' has no byte order");
        if (order == '=')
            order = std::endian::native == std::endian::little ? '<' : '>';
        header.kind = kind;
        header.itemSize = size[0] - '0';
        header.byteOrder = order;
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
};

} // namespace

std::int64_t NpyHeader::elementCount() const {
    std::int64_t count = 1;
    for (std::int64_t d : shape) {
        if (d != 0 && count > std::numeric_limits<std::int64_t>::max() / 8 / d)
            fail("shape " + shapeText(shape) + " overflows");
        count *= d;
    }
    return count;
}

NpyHeader parseNpyHeader(std::span<const std::byte> bytes) {
    static constexpr unsigned char kMagic[] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
    if (bytes.size() < 10 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
        fail("not a .npy file (no \\x93NUMPY magic)");
    NpyHeader header;
    header.majorVersion = std::to_integer<int>(bytes[6]);
    // numpy writes and reads exactly versions 1.0, 2.0 and 3.0; a minor version is not a
    // variation it tolerates, so neither do we.
    if (const int minor = std::to_integer<int>(bytes[7]); minor != 0)
        fail("unsupported .npy version " + std::to_string(header.majorVersion) + "." +
             std::to_string(minor) + " (numpy reads 1.0, 2.0 and 3.0)");
    std::size_t length = 0;
    std::size_t start = 0;
    if (header.majorVersion == 1) {
        length =
            std::to_integer<std::size_t>(bytes[8]) | (std::to_integer<std::size_t>(bytes[9]) << 8);
        start = 10;
    } else if (header.majorVersion == 2 || header.majorVersion == 3) {
        if (bytes.size() < 12)
            fail("truncated .npy header");
        length = std::to_integer<std::size_t>(bytes[8]) |
                 (std::to_integer<std::size_t>(bytes[9]) << 8) |
                 (std::to_integer<std::size_t>(bytes[10]) << 16) |
                 (std::to_integer<std::size_t>(bytes[11]) << 24);
        start = 12;
    } else {
        fail("unsupported .npy version " + std::to_string(header.majorVersion) +
             ".0 (numpy reads 1.0, 2.0 and 3.0)");
    }
    if (length > detail::kMaxNpyHeaderLength)
        fail("header length " + std::to_string(length) + " is implausible");
    if (bytes.size() < start + length)
        fail("truncated .npy header: it claims " + std::to_string(length) +
             " bytes, the file has " + std::to_string(bytes.size() - start));
    const std::string_view text(reinterpret_cast<const char*>(bytes.data() + start), length);
    header.dataOffset = start + length;
    return HeaderParser(text).parse(header);
}

} // namespace losslens
