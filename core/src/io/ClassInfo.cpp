#include "losslens/io/ClassInfo.h"

#include <array>

namespace losslens {

std::vector<ClassInfo> defaultClasses(int count) {
    // Kelly-style palette: distinct on dark and light images and for most colour blindness.
    static constexpr std::array<std::array<std::uint8_t, 3>, 20> kPalette{{
        {230, 25, 75},   {60, 180, 75},   {0, 130, 200},   {255, 225, 25},  {245, 130, 48},
        {145, 30, 180},  {70, 240, 240},  {240, 50, 230},  {210, 245, 60},  {250, 190, 212},
        {0, 128, 128},   {220, 190, 255}, {170, 110, 40},  {255, 250, 200}, {128, 0, 0},
        {170, 255, 195}, {128, 128, 0},   {255, 215, 180}, {0, 0, 128},     {128, 128, 128},
    }};
    std::vector<ClassInfo> classes;
    classes.reserve(static_cast<std::size_t>(count > 0 ? count : 0));
    for (int c = 0; c < count; ++c) {
        ClassInfo info;
        info.name = c == 0 ? "background" : "class " + std::to_string(c);
        if (c == 0) {
            info.color = {40, 40, 40};
        } else {
            const auto& base = kPalette[static_cast<std::size_t>(c - 1) % kPalette.size()];
            // Past the palette, darken each further round so colours stay distinct.
            const int round = (c - 1) / static_cast<int>(kPalette.size());
            for (std::size_t i = 0; i < 3; ++i)
                info.color[i] = static_cast<std::uint8_t>(base[i] * 3 / (3 + round % 3));
        }
        classes.push_back(std::move(info));
    }
    return classes;
}

std::vector<std::string> classNames(const std::vector<ClassInfo>& classes) {
    std::vector<std::string> names;
    names.reserve(classes.size());
    for (const auto& c : classes)
        names.push_back(c.name);
    return names;
}

} // namespace losslens
