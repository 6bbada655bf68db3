#pragma once

#include "losslens/io/ClassInfo.h"
#include "losslens/loss/Prediction.h"
#include "losslens/loss/Raster.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace losslens {

struct DemoOptions {
    int count = 8;   // samples
    int size = 256;  // S: each sample is S x S
    int missing = 2; // annotations removed at random over the whole set
    std::uint64_t seed = 1;
    // Real-data mode for declared label sets (spec section 4): some objects are truly absent
    // from some images (and the model sometimes sees a blob of an absent class there), and
    // the set's dataset.json declares which classes each image was annotated for.
    bool labelSets = false;
};

struct DemoSample {
    std::string stem;         // demo_000, demo_001, ...
    ByteImage image;          // RGB, for display
    LabelMap fullLabels;      // every object annotated
    LabelMap labels;          // with the removed annotations turned into background
    Prediction prediction;    // the synthetic model's probabilities, C = 4
    std::vector<int> removed; // classes whose annotation was removed from this sample
    std::vector<int> absent;  // classes not in the image at all (labelSets mode only)
};

// The article's synthetic set: C = 4 (background, ellipse, rectangle, circle), predictions
// from a model that still sees every object. Images and predictions depend only on the
// seed and the sample index, never on `missing` or `count`, so runs that differ only in
// `missing` differ only in the removed annotations. Throws std::invalid_argument on
// options out of range (size < 16 or > 8192, count < 1 or > 100000, missing > 3 * count).
[[nodiscard]] std::vector<DemoSample> generateDemo(const DemoOptions& options);

// One sample of the set, without any removal: what generateDemo starts from.
[[nodiscard]] DemoSample generateDemoSample(const DemoOptions& options, int index);

// Per sample, the classes whose annotation the set removes (sorted; K in all). Only objects
// in the image can lose their annotation; in labelSets mode K may exceed what the images
// hold, and std::invalid_argument says so.
[[nodiscard]] std::vector<std::vector<int>> demoRemovals(const DemoOptions& options);

// Turns the given classes of sample.fullLabels into background in sample.labels.
void removeAnnotations(DemoSample& sample, const std::vector<int>& classes);

// The label_sets a labelSets-mode demo declares: one entry per sample with a removed
// annotation (exact stem: every class but the removed ones), then "demo_*" for the rest
// (every class) when some sample has no removal. As (match, annotated ids) pairs, in order.
[[nodiscard]] std::vector<std::pair<std::string, std::vector<int>>>
demoLabelSets(const std::vector<std::vector<int>>& removals);

// The demo's classes: names and colours written to its dataset.json.
[[nodiscard]] std::vector<ClassInfo> demoClasses();

inline constexpr int kDemoClasses = 4;

} // namespace losslens
