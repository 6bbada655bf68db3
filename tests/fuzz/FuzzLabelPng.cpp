// libFuzzer target: the libpng label decoder (palette indices, 8/16-bit grey).
#include "losslens/io/LabelPng.h"

#include <cstddef>
#include <cstdint>
#include <exception>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    losslens::DataLimits limits;
    limits.maxPixels = 1 << 20;
    try {
        const auto labels =
            losslens::decodeLabelPng({reinterpret_cast<const std::byte*>(data), size}, limits);
        (void)labels;
    } catch (const std::exception&) {
    }
    return 0;
}
