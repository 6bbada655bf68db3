#pragma once

#include "losslens/candidates/Candidate.h"

#include "losslens/io/Dataset.h"
#include "losslens/loss/LossBlock.h"
#include "losslens/loss/LossConfig.h"
#include "losslens/loss/LossResult.h"
#include "losslens/loss/LossVariant.h"
#include "losslens/set/SampleOutcome.h"
#include "losslens/set/SampleStatistics.h"

#include <QImage>

#include <memory>
#include <span>
#include <string>
#include <vector>

namespace losslens {

// One loaded and scored sample, shared read-only between the cache, the canvas and plots.
// Everything derived from it that costs a pass over all pixels (the display image as a
// QImage, the statistics of every variant) is made by the loader thread, never on the GUI
// thread.
//
// A big sample keeps no loss map: six maps of an 8192 x 8192 sample are 1.5 GiB, more than
// its prediction. Its masks (argmax, w0, removed), summary and every variant's statistics
// are kept; what is drawn or read at the cursor is scored from the prediction for those
// pixels only (computeLossAt), the same values to the last bit.
struct SampleData {
    // The maps of all variants are kept up to this many bytes (a 3300 x 3300 sample).
    static constexpr std::size_t kKeptMapBytes = std::size_t{256} << 20;

    std::size_t entry = 0;
    std::string stem;
    LoadedSample sample;
    LossConfig config; // what it was scored with, to score its pixels again
    LossResult loss;   // maps empty (size 0 each) when not kept
    QImage base;       // the display image at full resolution (baseLayer), null without one
    SampleStatistics statistics;       // maxima and histograms, as the set scan makes them
    std::vector<Candidate> candidates; // where an annotation is probably missing (spec 6)

    // Whether loss.maps holds every variant's map (else pixels are scored when needed).
    [[nodiscard]] bool keepsMaps() const;
    // What this sample holds in memory, for the cache's byte budget.
    [[nodiscard]] std::size_t bytes() const;
};

using SampleDataPtr = std::shared_ptr<const SampleData>;

// Loads and scores one entry of a data set and prepares everything the window draws from
// it; keeps the maps when they take at most `keptMapBytes`. Throws DataError (or another
// std::exception) like Dataset::load and computeLoss.
[[nodiscard]] SampleDataPtr loadSampleData(const Dataset& dataset, std::size_t entry,
                                           std::size_t keptMapBytes = SampleData::kKeptMapBytes);

// A viewer's load of one entry: the sample, and its row as the set's scan makes it (core's
// SampleOutcome: summary, statistics, warnings; or the file and reason it failed with).
struct SampleLoad {
    SampleDataPtr data; // null when the load failed
    SampleOutcome outcome;
};

// loadSampleData that never throws: a failure is the outcome's error, named as the scan
// names it (guardedOutcome).
[[nodiscard]] SampleLoad loadSample(const Dataset& dataset, std::size_t entry,
                                    std::size_t keptMapBytes = SampleData::kKeptMapBytes);

// The variants' values at the pixels of a grid of the sample (columns xs x rows ys; -1 is
// off the image and holds 0): from the kept maps, or scored from the prediction. One vector
// of xs.size() * ys.size() values per variant of `variants` (empty for the others).
[[nodiscard]] std::vector<std::vector<float>> valuesAt(const SampleData& data, VariantMask variants,
                                                       std::span<const int> xs,
                                                       std::span<const int> ys);

// Each variant of `variants` of the whole sample, handed a block of pixels at a time (with
// the block's labels): from the kept maps, or from a pass that keeps none.
void forEachBlock(const SampleData& data, VariantMask variants, const LossBlockSink& sink);

// The image under everything: the display image at full resolution (made once per sample,
// off the GUI thread, by the loader), or a null image when there is none.
[[nodiscard]] QImage baseLayer(const SampleData& data);

} // namespace losslens
