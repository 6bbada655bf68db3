#pragma once

#include <cstdint>

namespace losslens {

// Caps checked against every header before anything is allocated, so a file that claims
// a huge shape is refused instead of exhausting memory. Defaults fit real data.
struct DataLimits {
    // The range each cap may be set to (losslens and losslens-cli --max-pixels and
    // --max-classes): a class id must fit the 16-bit label maps.
    static constexpr std::int64_t kMaxPixelsLimit = std::int64_t{1} << 36;
    static constexpr int kMinClasses = 2;
    static constexpr int kMaxClassesLimit = 65535;

    std::int64_t maxPixels = std::int64_t{16384} * 16384;
    int maxClasses = 1024;
    // Largest prediction file accepted, in bytes (maxPixels x a few classes in float64
    // would be more; this keeps one sample's raw read bounded).
    std::int64_t maxFileBytes = std::int64_t{8} << 30;
};

} // namespace losslens
