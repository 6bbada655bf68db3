// libFuzzer target: the .npy decoder must reject any input with an exception, never crash,
// hang or allocate more than the input justifies.
#include "losslens/io/NpyArray.h"

#include <cstddef>
#include <cstdint>
#include <exception>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    losslens::DataLimits limits;
    limits.maxPixels = 1 << 20;
    limits.maxClasses = 64;
    try {
        const auto array =
            losslens::decodeNpy({reinterpret_cast<const std::byte*>(data), size}, limits);
        (void)array;
    } catch (const std::exception&) {
    }
    return 0;
}
