// libFuzzer target: dataset.json parsing, and label_sets lookup (globs) on the stems it names.
#include "losslens/io/DatasetConfig.h"

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto config = losslens::DatasetConfig::parse(
            std::string_view(reinterpret_cast<const char*>(data), size), 64);
        (void)config.toJson();
        // Every entry's own pattern, and a few plain stems, through first-match lookup.
        const auto& sets = config.labelSets;
        for (std::size_t i = 0; i < sets.size() && i < 64; ++i)
            (void)sets.find(sets[i].match);
        for (const char* stem : {"", "a", "liver_001", "img_0042", "aXbYc", "\xc3\xa9t\xc3\xa9"})
            (void)sets.find(stem);
    } catch (const std::exception&) {
    }
    return 0;
}
