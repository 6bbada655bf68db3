#pragma once

#include "losslens/io/DataLimits.h"

#include "losslens/io/ClassInfo.h"
#include "losslens/io/LabelSets.h"
#include "losslens/loss/LossConfig.h"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace losslens {

enum class PredictionLayout { Auto, HWC, CHW };
enum class PredictionKind { Probabilities, Logits };

// The optional dataset.json of a data set (spec section 2). Unknown keys are ignored so
// later versions can add settings without breaking older readers.
struct DatasetConfig {
    std::vector<ClassInfo> classes; // empty: not given, C comes from the predictions
    int ignoreIndex = kDefaultIgnoreIndex;
    bool ignoreIndexGiven = false; // "ignore_index" is in the file
    PredictionLayout layout = PredictionLayout::Auto;
    PredictionKind kind = PredictionKind::Probabilities;
    float focalGamma = 2.0f;         // "focal_gamma", >= 0
    std::vector<float> classWeights; // "class_weights", >= 0 each; empty: all 1
    // "label_sets": which classes each sample was annotated for (spec section 4); empty:
    // the article's rule for every sample. Names are resolved to ids when parsed.
    LabelSets labelSets;
    // "annotations": a COCO or LVIS instances file (relative to the set) that gives the
    // samples, classes and label maps instead of labels/ (spec section 8); empty: labels/.
    std::string annotations;

    // Parses dataset.json text; throws std::runtime_error with the reason. `classNames`: the
    // classes an annotations file gives, used (and label_sets names resolved against them)
    // when the text has no "classes"; given "classes" then supply only the colours.
    [[nodiscard]] static DatasetConfig parse(std::string_view json,
                                             int maxClasses = DataLimits::kDefaultMaxClasses,
                                             const std::vector<std::string>* classNames = nullptr);
    // Reads DATASET/dataset.json if it exists (defaults otherwise); throws DataError.
    [[nodiscard]] static DatasetConfig load(const std::filesystem::path& datasetRoot,
                                            int maxClasses = DataLimits::kDefaultMaxClasses,
                                            const std::vector<std::string>* classNames = nullptr);
    [[nodiscard]] std::string toJson() const;
    // The settings the loss variants read.
    [[nodiscard]] LossConfig lossConfig() const;

    // Names and colours for C classes: dataset.json's, else defaults.
    [[nodiscard]] std::vector<ClassInfo> classesFor(int count) const;
};

[[nodiscard]] std::string_view layoutName(PredictionLayout layout);
[[nodiscard]] std::string_view kindName(PredictionKind kind);

} // namespace losslens
