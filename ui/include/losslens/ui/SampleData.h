#pragma once

#include "losslens/Dataset.h"
#include "losslens/LossResult.h"

#include <memory>
#include <string>

namespace losslens {

// One loaded and scored sample, shared read-only between the cache, the canvas and plots.
struct SampleData {
    std::size_t entry = 0;
    std::string stem;
    LoadedSample sample;
    LossResult loss;
};

using SampleDataPtr = std::shared_ptr<const SampleData>;

} // namespace losslens
