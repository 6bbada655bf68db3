// libFuzzer target: COCO's RLE codec. The first two bytes are the mask's width and height
// (1..256), the rest a compressed counts string. What decodes must survive the round trips:
// counts -> string -> counts unchanged, and counts -> row runs -> counts unchanged when the
// counts are canonical (no empty run but the first).
#include "losslens/io/CocoRle.h"

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2)
        return 0;
    const int width = data[0] + 1;
    const int height = data[1] + 1;
    const std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);
    losslens::RleCounts counts;
    try {
        counts = losslens::rleFromString(text);
    } catch (const std::exception&) {
        return 0;
    }
    if (losslens::rleFromString(losslens::rleToString(counts)) != counts)
        __builtin_trap(); // the string codec lost counts
    try {
        const auto runs = losslens::runsFromRle(counts, width, height);
        bool canonical = true;
        for (std::size_t i = 1; i < counts.size(); ++i)
            canonical = canonical && counts[i] != 0;
        if (canonical && losslens::rleFromRuns(runs, width, height) != counts)
            __builtin_trap(); // runs and counts disagree
    } catch (const std::exception&) {
    }
    return 0;
}
