// libFuzzer target: dataset.json parsing.
#include "losslens/DatasetConfig.h"

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto config = losslens::DatasetConfig::parse(
            std::string_view(reinterpret_cast<const char*>(data), size), 64);
        (void)config.toJson();
    } catch (const std::exception&) {
    }
    return 0;
}
