#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace losslens {

// Caps checked against every header before anything is allocated, so a file that claims
// a huge shape is refused instead of exhausting memory. Defaults fit real data.
struct DataLimits {
    // The range each cap may be set to (losslens and losslens-cli --max-pixels and
    // --max-classes): a class id must fit the 16-bit label maps.
    static constexpr std::int64_t kMaxPixelsLimit = std::int64_t{1} << 36;
    static constexpr int kMinClasses = 2;
    static constexpr int kMaxClassesLimit = 65535;
    // LVIS has 1,203 classes. What a class costs beyond its share of the prediction: per
    // sample and variant a few doubles (sums, counts) and per scan thread a block of class
    // sums, about 200 bytes a class all told; the prediction itself is H x W x C.
    static constexpr int kDefaultMaxClasses = 4096;

    std::int64_t maxPixels = std::int64_t{16384} * 16384;
    int maxClasses = kDefaultMaxClasses;
    // Largest prediction file accepted, in bytes (maxPixels x a few classes in float64
    // would be more; this keeps one sample's raw read bounded).
    std::int64_t maxFileBytes = std::int64_t{8} << 30;
    // Memory one sample may take to load and score, estimated from its headers before
    // anything is allocated (losslens and losslens-cli --max-memory); 0: half of this
    // machine's physical memory.
    std::int64_t maxMemoryBytes = 0;
};

// The budget in bytes that `limits` sets (maxMemoryBytes, or half the physical memory).
[[nodiscard]] std::int64_t memoryBudget(const DataLimits& limits);
[[nodiscard]] std::int64_t physicalMemoryBytes();
// "512M", "8G", "1.5G", "1000000" (bytes; K, M, G, T are powers of 1024); nullopt if not one.
[[nodiscard]] std::optional<std::int64_t> parseByteSize(std::string_view text);
// The command-line options that set the caps, as losslens and losslens-cli both take them.
inline constexpr std::string_view kLimitOptions[] = {"max-pixels", "max-classes", "max-memory"};
// Sets the cap of option `name` (one of kLimitOptions, without dashes) from its text; the
// message to print when the text is not a valid value ("" when it was set).
[[nodiscard]] std::string setLimit(DataLimits& limits, std::string_view name,
                                   std::string_view text);
// A size for people: "6.1 GiB", "512 MiB", "900 KiB", "12 bytes".
[[nodiscard]] std::string formatBytes(std::int64_t bytes);

} // namespace losslens
