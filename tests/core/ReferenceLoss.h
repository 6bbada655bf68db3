#pragma once

// A plain scalar reference of spec section 1, written separately from core: double
// precision, no shared pass, no registry. Tests compare core's results against it.

#include "losslens/loss/Prediction.h"
#include "losslens/loss/Raster.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

namespace losslens::reference {

// The settings of the further variants, given to the reference on their own.
struct Settings {
    int ignoreIndex = 255;
    double gamma = 2.0;
    std::vector<double> weights; // empty: all 1
    // Spec section 4: the classes the sample was declared annotated for; unset: the article's
    // rule (every class without a pixel is missing).
    std::optional<std::vector<int>> annotated;
};

struct Maps {
    std::vector<double> standard;
    std::vector<double> partial;
    std::vector<double> marginal;
    std::vector<double> drop;
    std::vector<double> focal;
    std::vector<double> weighted;
    double marginalSum = 0;
    double dropSum = 0;
    double focalSum = 0;
    double weightedSum = 0;
    double weightSum = 0;  // sum of class weights over valid pixels (PyTorch's denominator)
    double dropWeight = 0; // valid pixels of a kept sample, 0 for a dropped one
    std::vector<int> w0;
    std::vector<int> removed;
    std::vector<int> missing;
    long long valid = 0;
    long long removedCount = 0;
    double standardSum = 0;
    double partialSum = 0;
};

inline Maps compute(const LabelMap& labels, const Prediction& prediction,
                    const Settings& settings) {
    const int ignoreIndex = settings.ignoreIndex;
    const int w = labels.width();
    const int h = labels.height();
    const int c = prediction.classes();
    std::vector<bool> present(static_cast<std::size_t>(c), false);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const int label = labels.at(x, y);
            if (label != ignoreIndex)
                present[static_cast<std::size_t>(label)] = true;
        }
    // Spec section 4: an object class is missing iff it has no pixel and was not declared
    // annotated; background never is.
    auto isMissing = [&](int cls) {
        if (cls == 0 || present[static_cast<std::size_t>(cls)])
            return false;
        return !(settings.annotated &&
                 std::find(settings.annotated->begin(), settings.annotated->end(), cls) !=
                     settings.annotated->end());
    };
    Maps m;
    for (int cls = 1; cls < c; ++cls)
        if (isMissing(cls))
            m.missing.push_back(cls);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            int k = 0;
            for (int cls = 1; cls < c; ++cls)
                if (prediction.at(x, y, cls) > prediction.at(x, y, k))
                    k = cls;
            // The article's weight as a logical OR over classes: w0 = 1 unless, for some
            // class, the prediction is that class and that class is missing.
            bool keep = true;
            for (int cls = 0; cls < c; ++cls) {
                const bool notPredicted = k != cls;
                keep = keep && (notPredicted || !isMissing(cls));
            }
            const int w0 = keep ? 1 : 0;
            const int label = labels.at(x, y);
            double standard = 0.0;
            double partial = 0.0;
            int removed = 0;
            if (label != ignoreIndex) {
                const double q =
                    std::clamp(static_cast<double>(prediction.at(x, y, label)), 1e-7, 1.0 - 1e-7);
                standard = -std::log(q);
                partial = label == 0 ? w0 * standard : standard;
                removed = (label == 0 && w0 == 0) ? 1 : 0;
                ++m.valid;
                m.standardSum += standard;
                m.partialSum += partial;
                m.removedCount += removed;
            }
            // Marginal: merge the missing classes' probabilities into background.
            double marginal = standard;
            if (label == 0 && label != ignoreIndex) {
                double merged = static_cast<double>(prediction.at(x, y, 0));
                for (int cls : m.missing)
                    merged += static_cast<double>(prediction.at(x, y, cls));
                marginal = -std::log(std::clamp(merged, 1e-7, 1.0 - 1e-7));
            }
            const double drop = m.missing.empty() ? standard : 0.0;
            double focal = 0.0;
            double weighted = 0.0;
            if (label != ignoreIndex) {
                const double q =
                    std::clamp(static_cast<double>(prediction.at(x, y, label)), 1e-7, 1.0 - 1e-7);
                focal = -std::pow(1.0 - q, settings.gamma) * std::log(q);
                const double weight = settings.weights.empty()
                                          ? 1.0
                                          : settings.weights[static_cast<std::size_t>(label)];
                weighted = weight * standard;
                m.weightSum += weight;
                m.marginalSum += marginal;
                m.dropSum += drop;
                m.focalSum += focal;
                m.weightedSum += weighted;
                m.dropWeight += m.missing.empty() ? 1.0 : 0.0;
            }
            m.standard.push_back(standard);
            m.partial.push_back(partial);
            m.marginal.push_back(marginal);
            m.drop.push_back(drop);
            m.focal.push_back(focal);
            m.weighted.push_back(weighted);
            m.w0.push_back(w0);
            m.removed.push_back(removed);
        }
    return m;
}

inline Maps compute(const LabelMap& labels, const Prediction& prediction, int ignoreIndex) {
    Settings settings;
    settings.ignoreIndex = ignoreIndex;
    return compute(labels, prediction, settings);
}

} // namespace losslens::reference
