#pragma once

// The hand-made sample the layer and readout tests share.

#include "losslens/loss/LossComputer.h"
#include "session/SampleData.h"

#include <memory>

namespace losslens::testing {

// A 6 x 4 sample, C = 3: class 2 is never labelled, so background pixels predicted as 2
// are removed. Probabilities are set per pixel by hand.
inline SampleDataPtr makeSample() {
    auto data = std::make_shared<SampleData>();
    LabelMap labels(6, 4);
    Prediction p(6, 4, 3);
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 6; ++x) {
            labels.at(x, y) = static_cast<std::uint16_t>(x < 2 ? 1 : 0);
            const bool predictsMissing = x >= 3 && y >= 1;
            p.at(x, y, 0) = predictsMissing ? 0.1f : 0.7f;
            p.at(x, y, 1) = 0.2f;
            p.at(x, y, 2) = predictsMissing ? 0.7f : 0.1f;
        }
    labels.at(5, 0) = 255;
    data->loss = computeLoss(labels, p);
    data->sample.labels = std::move(labels);
    data->sample.prediction = std::move(p);
    return data;
}

} // namespace losslens::testing
