#include "losslens/io/Dataset.h"

#include "Describe.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace losslens {

using detail::pixelAt;
using detail::shapeText;

Prediction predictionFromArray(std::vector<std::int64_t> shape, std::vector<float> data, int width,
                               int height, const DatasetConfig& config, const DataLimits& limits,
                               std::vector<std::string>& warnings) {
    if (shape.size() == 4 && shape[0] == 1)
        shape.erase(shape.begin()); // a leading batch axis of length 1
    if (shape.size() != 3)
        throw std::runtime_error(std::to_string(shape.size()) + "-D array of shape " +
                                 shapeText(shape) + ": expected H x W x C or C x H x W");
    const std::int64_t h = height;
    const std::int64_t w = width;
    const bool hwcFits = shape[0] == h && shape[1] == w;
    const bool chwFits = shape[1] == h && shape[2] == w;
    bool chw = false;
    switch (config.layout) {
    case PredictionLayout::HWC:
        if (!hwcFits)
            throw std::runtime_error("size mismatch: prediction shape " + shapeText(shape) +
                                     " (HWC) does not match the label's " + std::to_string(width) +
                                     "x" + std::to_string(height));
        break;
    case PredictionLayout::CHW:
        if (!chwFits)
            throw std::runtime_error("size mismatch: prediction shape " + shapeText(shape) +
                                     " (CHW) does not match the label's " + std::to_string(width) +
                                     "x" + std::to_string(height));
        chw = true;
        break;
    case PredictionLayout::Auto:
        if (!hwcFits && !chwFits)
            throw std::runtime_error("size mismatch: prediction shape " + shapeText(shape) +
                                     " has no H x W axes matching the label's " +
                                     std::to_string(width) + "x" + std::to_string(height) +
                                     " (W x H)");
        chw = !hwcFits;
        break;
    }
    const std::int64_t classes = chw ? shape[0] : shape[2];
    if (classes < 2)
        throw std::runtime_error("prediction has " + std::to_string(classes) +
                                 " class(es); at least 2 are needed (background and an object)");
    if (classes > limits.maxClasses)
        throw std::runtime_error("prediction has " + std::to_string(classes) +
                                 " classes, more than the limit of " +
                                 std::to_string(limits.maxClasses));
    if (!config.classes.empty() && static_cast<std::size_t>(classes) != config.classes.size())
        throw std::runtime_error("prediction has " + std::to_string(classes) +
                                 " classes but dataset.json names " +
                                 std::to_string(config.classes.size()));
    const int c = static_cast<int>(classes);
    const std::size_t n = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
    const auto cs = static_cast<std::size_t>(c);

    Prediction prediction;
    if (chw) {
        prediction = Prediction(width, height, c);
        float* out = prediction.data();
        for (std::size_t k = 0; k < cs; ++k) {
            const float* plane = data.data() + k * n;
            for (std::size_t i = 0; i < n; ++i)
                out[i * cs + k] = plane[i];
        }
        data.clear();
        data.shrink_to_fit();
    } else {
        // Already H x W x C in C order: adopt the decoded buffer without a copy.
        prediction = Prediction(Raster<float>(width, height, c, std::move(data)));
    }

    float* p = prediction.data();
    for (std::size_t i = 0; i < n * cs; ++i)
        if (!std::isfinite(p[i]))
            throw std::runtime_error(std::string(std::isnan(p[i]) ? "NaN" : "Inf") +
                                     " value in class " + std::to_string(i % cs) + " at " +
                                     pixelAt(i / cs, width));
    if (config.kind == PredictionKind::Logits) {
        for (std::size_t i = 0; i < n; ++i) {
            float* pixel = p + i * cs;
            const float top = *std::max_element(pixel, pixel + cs);
            float total = 0.0f;
            for (std::size_t k = 0; k < cs; ++k) {
                pixel[k] = std::exp(pixel[k] - top);
                total += pixel[k];
            }
            for (std::size_t k = 0; k < cs; ++k)
                pixel[k] /= total;
        }
        return prediction;
    }
    std::size_t offSum = 0;
    std::size_t firstOff = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const float* pixel = p + i * cs;
        double total = 0.0;
        for (std::size_t k = 0; k < cs; ++k) {
            if (pixel[k] < 0.0f)
                throw std::runtime_error("negative probability " + std::to_string(pixel[k]) +
                                         " in class " + std::to_string(k) + " at " +
                                         pixelAt(i, width) +
                                         " (if these are logits, set \"prediction_kind\": "
                                         "\"logits\" in dataset.json)");
            total += static_cast<double>(pixel[k]);
        }
        if (std::abs(total - 1.0) > 1e-2) {
            if (offSum == 0)
                firstOff = i;
            ++offSum;
        }
    }
    if (offSum > 0)
        warnings.push_back("probabilities of " + std::to_string(offSum) +
                           " pixel(s) do not sum to 1 (first at " + pixelAt(firstOff, width) +
                           "); if these are logits, set \"prediction_kind\": \"logits\"");
    return prediction;
}

} // namespace losslens
