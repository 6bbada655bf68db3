#pragma once

// Random samples for property tests: labels from a random subset of classes (so some are
// missing), ignore pixels, and probabilities with exact zeros, ones and ties mixed in.

#include "losslens/loss/Prediction.h"
#include "losslens/loss/Raster.h"

#include <cmath>
#include <random>
#include <vector>

namespace losslens::testdata {

struct RandomSample {
    LabelMap labels;
    Prediction prediction;
};

// Random labels drawn from a random subset of classes (so some are missing), ignore
// pixels, and probabilities with exact zeros, ones and ties mixed in.
inline RandomSample randomSample(std::mt19937& rng, int width, int height, int classes,
                                 bool allPresent) {
    RandomSample s{LabelMap(width, height), Prediction(width, height, classes)};
    std::uniform_int_distribution<int> anyClass(0, classes - 1);
    std::vector<int> allowed;
    for (int c = 0; c < classes; ++c)
        if (allPresent || c == 0 || std::bernoulli_distribution(0.5)(rng))
            allowed.push_back(c);
    std::uniform_int_distribution<std::size_t> pick(0, allowed.size() - 1);
    std::bernoulli_distribution ignore(allPresent ? 0.0 : 0.05);
    std::uniform_int_distribution<int> mode(0, 9);
    std::uniform_real_distribution<float> unit(0.0f, 1.0f);
    int forced = 0;
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            // When every class must be present, the first pixels walk through them all.
            int label = allowed[pick(rng)];
            if (allPresent && forced < classes)
                label = forced++;
            s.labels.at(x, y) = static_cast<std::uint16_t>(ignore(rng) ? 255 : label);
            const int m = mode(rng);
            float total = 0.0f;
            for (int c = 0; c < classes; ++c) {
                float v = unit(rng);
                if (m == 0)
                    v = std::floor(v * 4.0f) / 4.0f; // ties and exact zeros
                s.prediction.at(x, y, c) = v;
                total += v;
            }
            if (m == 1) { // a one-hot pixel: probabilities exactly 0 and 1
                const int hot = anyClass(rng);
                for (int c = 0; c < classes; ++c)
                    s.prediction.at(x, y, c) = c == hot ? 1.0f : 0.0f;
            } else if (total > 0.0f) {
                for (int c = 0; c < classes; ++c)
                    s.prediction.at(x, y, c) /= total;
            }
        }
    return s;
}

} // namespace losslens::testdata
