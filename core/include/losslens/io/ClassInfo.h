#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace losslens {

// A class of the data set: its display name and colour (dataset.json "classes").
struct ClassInfo {
    std::string name;
    std::array<std::uint8_t, 3> color{}; // RGB
};

// Names "class 0", "class 1", ... and a palette of well separated colours, for data sets
// whose dataset.json does not name its classes. Background (0) is dark grey.
[[nodiscard]] std::vector<ClassInfo> defaultClasses(int count);
// Just the names, in class order.
[[nodiscard]] std::vector<std::string> classNames(const std::vector<ClassInfo>& classes);

} // namespace losslens
