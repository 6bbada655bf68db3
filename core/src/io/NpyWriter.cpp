#include "losslens/io/NpyArray.h"

#include <bit>
#include <cstring>

namespace losslens {

std::string encodeNpyFloat32(std::span<const float> values, std::span<const std::int64_t> shape) {
    std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (";
    for (std::size_t i = 0; i < shape.size(); ++i)
        dict += (i ? ", " : "") + std::to_string(shape[i]);
    dict += shape.size() == 1 ? ",), }" : "), }";
    // numpy pads the header with spaces so the data starts on a 64-byte boundary.
    const std::size_t unpadded = 10 + dict.size() + 1;
    dict.append((64 - unpadded % 64) % 64, ' ');
    dict += '\n';

    std::string out;
    out.reserve(10 + dict.size() + values.size() * 4);
    out.append("\x93NUMPY\x01\x00", 8);
    out += static_cast<char>(dict.size() & 0xff);
    out += static_cast<char>((dict.size() >> 8) & 0xff);
    out += dict;
    const std::size_t start = out.size();
    out.resize(start + values.size() * 4);
    if constexpr (std::endian::native == std::endian::little) {
        std::memcpy(out.data() + start, values.data(), values.size() * 4);
    } else {
        for (std::size_t i = 0; i < values.size(); ++i) {
            const auto bits = std::bit_cast<std::uint32_t>(values[i]);
            for (int b = 0; b < 4; ++b)
                out[start + i * 4 + static_cast<std::size_t>(b)] =
                    static_cast<char>((bits >> (8 * b)) & 0xff);
        }
    }
    return out;
}

} // namespace losslens
