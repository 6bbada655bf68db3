#pragma once

#include "losslens/io/Dataset.h"
#include "losslens/loss/LossResult.h"
#include "losslens/set/SampleStatistics.h"

#include <QImage>

#include <memory>
#include <string>
#include <vector>

namespace losslens {

// One loaded and scored sample, shared read-only between the cache, the canvas and plots.
// Everything derived from it that costs a pass over all pixels (the display image as a
// QImage, the heatmap maxima) is made by the loader thread, never on the GUI thread.
struct SampleData {
    std::size_t entry = 0;
    std::string stem;
    LoadedSample sample;
    LossResult loss;
    QImage base;                 // the display layer at full resolution (see baseLayer)
    SampleStatistics statistics; // maxima and histograms, as the set scan makes them

    // What this sample holds in memory, for the cache's byte budget.
    [[nodiscard]] std::size_t bytes() const;
};

using SampleDataPtr = std::shared_ptr<const SampleData>;

// Loads and scores one entry of a data set and prepares everything the window draws from
// it. Throws DataError (or another std::exception) like Dataset::load and computeLoss.
[[nodiscard]] SampleDataPtr loadSampleData(const Dataset& dataset, std::size_t entry);

} // namespace losslens
