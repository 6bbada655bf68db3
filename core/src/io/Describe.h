#pragma once

// How the readers name a shape or a pixel in their messages. Internal to core.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace losslens::detail {

// "(512, 512, 4)"
inline std::string shapeText(const std::vector<std::int64_t>& shape) {
    std::string s = "(";
    for (std::size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + ")";
}

// "(x=3, y=7)" for pixel index `pixel` of a row-major image `width` wide.
inline std::string pixelAt(std::size_t pixel, int width) {
    return "(x=" + std::to_string(pixel % static_cast<std::size_t>(width)) +
           ", y=" + std::to_string(pixel / static_cast<std::size_t>(width)) + ")";
}

} // namespace losslens::detail
