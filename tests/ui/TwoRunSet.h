#pragma once

// A demo set with two runs, for the window's run tests: predictions/b_model holds the demo's
// own predictions, predictions/a_model those of the same images drawn with another seed.

#include "losslens/demo/DemoDataset.h"

#include <cstdint>
#include <filesystem>

namespace losslens::testing {

inline void writeTwoRunSet(const std::filesystem::path& root, const std::filesystem::path& scratch,
                           int count, int size, std::uint64_t otherSeed) {
    namespace fs = std::filesystem;
    DemoOptions options;
    options.count = count;
    options.size = size;
    options.missing = 2;
    writeDemoDataset(root, options, false);
    options.seed = otherSeed;
    writeDemoDataset(scratch, options, false);
    fs::rename(root / "predictions", root / "b_model");
    fs::create_directories(root / "predictions");
    fs::rename(root / "b_model", root / "predictions" / "b_model");
    fs::rename(scratch / "predictions", root / "predictions" / "a_model");
}

} // namespace losslens::testing
