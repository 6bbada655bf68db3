#pragma once

#include "losslens/io/ClassInfo.h"
#include "session/SampleData.h"
#include "state/ViewSettings.h"

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
// The same pixel of another run's sample, for a run difference (spec section 5).
struct OtherRunPixel {
    const PixelInfo* info = nullptr;
    QString run;
};

// What the heatmap shows at the pixel: "partial 0.00000", for a difference view
// "standard − partial = 2.30259", for a run difference "partial: this − ckpt_b = 0.41000".
// Empty when the pixel is not valid.
[[nodiscard]] QString formatShownValue(const PixelInfo& info, const ViewSettings& settings,
                                       const OtherRunPixel& other = {});
// Which classes' probabilities the readout lists, in its order: every class while there are
// at most kReadoutAllClassesUpTo, else the kReadoutTopClasses highest (ties to the lower id)
// and the labelled class after them when it is not among them (`label` -1: none), so a
// 1,203-class pixel reads in a few lines.
inline constexpr std::size_t kReadoutAllClassesUpTo = 12;
inline constexpr std::size_t kReadoutTopClasses = 5;
[[nodiscard]] std::vector<std::size_t> readoutClasses(const std::vector<float>& probabilities,
                                                      int label);
// A compact multi-line text of the readout (class names from `classes`), led by the value
// the heatmap shows.
[[nodiscard]] QString formatPixelInfo(const PixelInfo& info, const std::vector<ClassInfo>& classes,
                                      const ViewSettings& settings = {},
                                      const OtherRunPixel& other = {});
// The one-line status-bar form (standard and partial, then the heatmap's value when it shows
// something else); empty when the pixel is not valid.
[[nodiscard]] QString formatStatusLine(const PixelInfo& info, const ViewSettings& settings = {},
                                       const OtherRunPixel& other = {});

} // namespace losslens
