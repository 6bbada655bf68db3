#pragma once

#include "losslens/io/ClassInfo.h"
#include "losslens/ui/SampleData.h"

#include <QString>

#include <vector>

namespace losslens {

// What the readout shows under the cursor, read straight from the sample's maps.
struct PixelInfo {
    bool valid = false;
    int x = 0;
    int y = 0;
    int label = 0;
    bool ignored = false;
    int predicted = 0;
    std::vector<float> probabilities;
    int w0 = 1;
    bool removed = false;
    std::vector<float> losses; // one per registered variant
};

[[nodiscard]] PixelInfo pixelInfo(const SampleData& data, int x, int y, int ignoreIndex);
// The same with the ignore index the sample was loaded with.
[[nodiscard]] inline PixelInfo pixelInfo(const SampleData& data, int x, int y) {
    return pixelInfo(data, x, y, data.sample.ignoreIndex);
}
// A compact multi-line text of the readout (class names from `classes`).
[[nodiscard]] QString formatPixelInfo(const PixelInfo& info, const std::vector<ClassInfo>& classes);
// The one-line status-bar form (standard and partial); empty when the pixel is not valid.
[[nodiscard]] QString formatStatusLine(const PixelInfo& info);

} // namespace losslens
