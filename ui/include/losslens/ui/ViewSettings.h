#pragma once

#include "losslens/loss/LossVariant.h"
#include "losslens/report/Colormap.h"

#include <QObject>

#include <array>
#include <cstddef>
#include <vector>

namespace losslens {

// Everything the user chose about how a sample is drawn. Plain data: the layer images are a
// function of a sample and this, so it can be tested without widgets.
class ViewTypes {
    Q_GADGET
public:
    enum class Layer { Image, GroundTruth, Prediction, Heatmap, Removed };
    Q_ENUM(Layer)
    enum class ClassStyle { Filled, Outline };
    Q_ENUM(ClassStyle)
};

using Layer = ViewTypes::Layer;
using ClassStyle = ViewTypes::ClassStyle;
inline constexpr std::size_t kLayerCount = 5;

struct LayerState {
    bool visible = true;
    float opacity = 1.0f;
};

struct ViewSettings {
    std::array<LayerState, kLayerCount> layers{{
        {true, 1.0f},  // image
        {false, 0.6f}, // ground truth
        {false, 0.5f}, // prediction
        {true, 0.75f}, // heatmap
        {true, 1.0f},  // removed-penalty mask
    }};
    ClassStyle groundTruthStyle = ClassStyle::Outline;
    ClassStyle predictionStyle = ClassStyle::Filled;
    std::vector<bool> hiddenClasses; // by class index; missing entries are visible

    // Registry indices; the defaults come from the registry's roles.
    std::size_t variant = variantFor(VariantRole::Baseline); // the heatmap's variant
    bool difference = false; // heatmap shows variant A - variant B instead
    std::size_t differenceA = variantFor(VariantRole::Baseline);
    std::size_t differenceB = variantFor(VariantRole::MissingAware);
    Colormap colormap = Colormap::Viridis;
    bool autoRange = true; // range shared by all variants and the whole set
    float rangeLo = 0.0f;
    float rangeHi = 1.0f;

    [[nodiscard]] LayerState& layer(Layer l) { return layers[static_cast<std::size_t>(l)]; }
    [[nodiscard]] const LayerState& layer(Layer l) const {
        return layers[static_cast<std::size_t>(l)];
    }
    [[nodiscard]] bool classVisible(int c) const {
        return c < 0 || static_cast<std::size_t>(c) >= hiddenClasses.size() ||
               !hiddenClasses[static_cast<std::size_t>(c)];
    }
};

} // namespace losslens
