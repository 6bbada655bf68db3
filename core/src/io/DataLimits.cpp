#include "losslens/io/DataLimits.h"

#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstdio>

namespace losslens {

std::int64_t physicalMemoryBytes() {
    // Asked once: each sample's memory check asks, and sysconf's answer is a system call
    // (sysinfo), about 1 us on a VM, 0.5% of a scan of small samples.
    static const std::int64_t bytes = [] {
        const long pages = ::sysconf(_SC_PHYS_PAGES);
        const long pageSize = ::sysconf(_SC_PAGESIZE);
        if (pages <= 0 || pageSize <= 0)
            return std::int64_t{8} << 30; // unknown: assume a small machine
        return static_cast<std::int64_t>(pages) * static_cast<std::int64_t>(pageSize);
    }();
    return bytes;
}

std::int64_t memoryBudget(const DataLimits& limits) {
    return limits.maxMemoryBytes > 0 ? limits.maxMemoryBytes : physicalMemoryBytes() / 2;
}

std::optional<std::int64_t> parseByteSize(std::string_view text) {
    if (text.empty())
        return std::nullopt;
    double scale = 1.0;
    switch (text.back()) {
    case 'K':
    case 'k':
        scale = 1024.0;
        break;
    case 'M':
    case 'm':
        scale = 1024.0 * 1024.0;
        break;
    case 'G':
    case 'g':
        scale = 1024.0 * 1024.0 * 1024.0;
        break;
    case 'T':
    case 't':
        scale = 1024.0 * 1024.0 * 1024.0 * 1024.0;
        break;
    default:
        break;
    }
    if (scale > 1.0)
        text.remove_suffix(1);
    double value = 0.0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || !(value > 0.0) ||
        !std::isfinite(value) || value * scale > 9.0e18)
        return std::nullopt;
    return static_cast<std::int64_t>(value * scale);
}

std::string formatBytes(std::int64_t bytes) {
    const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(bytes);
    int unit = 0;
    while (value >= 1024.0 && unit < 4) {
        value /= 1024.0;
        ++unit;
    }
    char text[64];
    if (unit == 0)
        std::snprintf(text, sizeof text, "%lld bytes", static_cast<long long>(bytes));
    else
        std::snprintf(text, sizeof text, value < 10.0 ? "%.1f %s" : "%.0f %s", value, units[unit]);
    return text;
}

std::string setLimit(DataLimits& limits, std::string_view name, std::string_view text) {
    const auto integer = [&](std::int64_t lo, std::int64_t hi) -> std::optional<std::int64_t> {
        std::int64_t v = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi)
            return std::nullopt;
        return v;
    };
    const std::string given = "--" + std::string(name) + " " + std::string(text) + ": ";
    if (name == "max-pixels") {
        const auto v = integer(1, DataLimits::kMaxPixelsLimit);
        if (!v)
            return given + "expected a number of pixels from 1 to 2^36 (" +
                   std::to_string(DataLimits::kMaxPixelsLimit) + ")";
        limits.maxPixels = *v;
    } else if (name == "max-classes") {
        const auto v = integer(DataLimits::kMinClasses, DataLimits::kMaxClassesLimit);
        if (!v)
            return given + "expected a number of classes from " +
                   std::to_string(DataLimits::kMinClasses) + " to " +
                   std::to_string(DataLimits::kMaxClassesLimit);
        limits.maxClasses = static_cast<int>(*v);
    } else if (name == "max-memory") {
        const auto bytes = parseByteSize(text);
        if (!bytes)
            return given + "expected a size such as 512M or 8G";
        limits.maxMemoryBytes = *bytes;
    } else {
        return "--" + std::string(name) + ": not a limit";
    }
    return {};
}

} // namespace losslens
