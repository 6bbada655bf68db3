#include "losslens/io/Dataset.h"

#include "Describe.h"
#include "ValueCheck.h"
#include "loss/HalfFloat.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

namespace losslens {

using detail::pixelAt;
using detail::shapeText;

namespace {

void softmaxInPlace(float* p, std::size_t pixels, std::size_t classes) {
    for (std::size_t i = 0; i < pixels; ++i) {
        float* pixel = p + i * classes;
        const float top = *std::max_element(pixel, pixel + classes);
        float total = 0.0f;
        for (std::size_t k = 0; k < classes; ++k) {
            pixel[k] = std::exp(pixel[k] - top);
            total += pixel[k];
        }
        for (std::size_t k = 0; k < classes; ++k)
            pixel[k] /= total;
    }
}

// Which axes of a decoded array are H, W and C for a label map of width x height (spec
// section 2's layout rules), and its class count; throws with the reason.
struct ArrayLayout {
    bool chw = false;
    int classes = 0;
};

ArrayLayout arrayLayout(std::span<const std::int64_t> fileShape, int width, int height,
                        const DatasetConfig& config, const DataLimits& limits) {
    std::vector<std::int64_t> shape(fileShape.begin(), fileShape.end());
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
    return {chw, static_cast<int>(classes)};
}

// The exact rule once the quick check found something: throws at the first NaN or Inf (and,
// for probabilities, negative value), naming class and pixel; warns about probabilities
// whose sum is off by more than 1e-2.
void checkValuesExactly(const float* p, std::size_t n, std::size_t cs, int width,
                        PredictionKind kind, std::vector<std::string>& warnings) {
    for (std::size_t i = 0; i < n * cs; ++i)
        if (!std::isfinite(p[i]))
            throw std::runtime_error(std::string(std::isnan(p[i]) ? "NaN" : "Inf") +
                                     " value in class " + std::to_string(i % cs) + " at " +
                                     pixelAt(i / cs, width));
    if (kind == PredictionKind::Logits)
        return;
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
}

} // namespace

Prediction predictionFromArray(std::span<const std::int64_t> fileShape, Raster<float>::Storage data,
                               int width, int height, const DatasetConfig& config,
                               const DataLimits& limits, std::vector<std::string>& warnings,
                               Raster<float>::Storage* transposed, std::optional<bool> looksRight) {
    const ArrayLayout layout = arrayLayout(fileShape, width, height, config, limits);
    const int c = layout.classes;
    const std::size_t n = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
    const auto cs = static_cast<std::size_t>(c);

    if (layout.chw) {
        Raster<float>::Storage local;
        Raster<float>::Storage& out = transposed != nullptr ? *transposed : local;
        out.resize(n * cs);
        for (std::size_t k = 0; k < cs; ++k) {
            const float* plane = data.data() + k * n;
            for (std::size_t i = 0; i < n; ++i)
                out[i * cs + k] = plane[i];
        }
        // The file's buffer waits in `transposed` for the next sample.
        std::swap(out, data);
    }
    // H x W x C in C order: adopt the buffer without a copy.
    Prediction prediction(Raster<float>(width, height, c, std::move(data)));

    float* p = prediction.data();
    const bool logits = config.kind == PredictionKind::Logits;
    // The reader's block-by-block verdict holds for the file's order, H x W x C only.
    if (layout.chw || !looksRight)
        looksRight = detail::valuesLookRight(p, n, cs, logits);
    if (!*looksRight)
        checkValuesExactly(p, n, cs, width, config.kind, warnings);
    if (logits)
        softmaxInPlace(p, n, cs);
    return prediction;
}

Prediction predictionFromHalves(std::span<const std::int64_t> fileShape,
                                Prediction::Halves::Storage data, int width, int height,
                                const DatasetConfig& config, const DataLimits& limits,
                                std::vector<std::string>& warnings,
                                std::optional<bool> looksRight) {
    const ArrayLayout layout = arrayLayout(fileShape, width, height, config, limits);
    const std::size_t n = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
    const auto cs = static_cast<std::size_t>(layout.classes);
    if (layout.chw || config.kind == PredictionKind::Logits) {
        // Transposed or turned into probabilities: float32, as predictionFromArray makes it.
        Raster<float>::Storage widened(data.size());
        detail::halvesToFloats(data.data(), widened.data(), data.size());
        return predictionFromArray(fileShape, std::move(widened), width, height, config, limits,
                                   warnings);
    }
    if (!looksRight)
        looksRight = detail::halvesLookRight(data.data(), n, cs);
    if (!*looksRight) {
        std::vector<float> widened(data.size());
        detail::halvesToFloats(data.data(), widened.data(), data.size());
        checkValuesExactly(widened.data(), n, cs, width, config.kind, warnings);
    }
    return Prediction::fromHalves(
        Prediction::Halves(width, height, layout.classes, std::move(data)));
}

namespace detail {

std::optional<std::size_t> pixelMajorClasses(std::span<const std::int64_t> shape, int width,
                                             int height, const DatasetConfig& config,
                                             const DataLimits& limits) {
    try {
        const ArrayLayout layout = arrayLayout(shape, width, height, config, limits);
        if (!layout.chw)
            return static_cast<std::size_t>(layout.classes);
    } catch (const std::exception&) {
        // predictionFromArray says why, after the reading
    }
    return std::nullopt;
}

} // namespace detail

} // namespace losslens
