#pragma once

#include "losslens/loss/LossVariant.h"
#include "losslens/report/Colormap.h"
#include "losslens/report/ValueRange.h"
#include "state/HeatmapSource.h"

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
    enum class ClassStyle { Filled, Outline, Striped };
    Q_ENUM(ClassStyle)
    // How the removed-penalty pixels are marked: their outline alone, or the outline and a
    // sparse hatch (one screen pixel in eight) so the heatmap beneath stays readable.
    enum class MarkStyle { Outline, Hatched };
    Q_ENUM(MarkStyle)
    // Where the heatmap's range comes from. Robust: the 99th percentile of the losses of
    // every variant (the set's once it is scored; the sample's until then), so a few huge
    // losses at an unannotated object do not flatten every ordinary error to the bottom
    // colour. Max: the largest loss. Sample: the viewed sample's own. Fixed: the user's.
    enum class RangeMode { SetRobust, SetMax, SampleRobust, SampleMax, Fixed };
    Q_ENUM(RangeMode)
};

using Layer = ViewTypes::Layer;
using ClassStyle = ViewTypes::ClassStyle;
using MarkStyle = ViewTypes::MarkStyle;
using RangeMode = ViewTypes::RangeMode;
inline constexpr std::size_t kLayerCount = 5;

struct LayerState {
    bool visible = true;
    float opacity = 1.0f;
};

struct ViewSettings {
    std::array<LayerState, kLayerCount> layers{{
        {true, 1.0f},  // image
        {false, 0.6f}, // ground truth
        {false, 0.9f}, // prediction (striped: the heatmap shows between the stripes)
        {true, 0.75f}, // heatmap
        {true, 1.0f},  // removed-penalty mask
    }};
    ClassStyle groundTruthStyle = ClassStyle::Outline;
    ClassStyle predictionStyle = ClassStyle::Striped;
    MarkStyle removedStyle = MarkStyle::Hatched;
    // The image in dimmed grey while the heatmap is shown, so it cannot tint the colours
    // (a zero difference stays white, not the image's colour).
    bool dimImage = true;
    std::vector<bool> hiddenClasses; // by class index; missing entries are visible

    // What the heatmap draws (a variant, A - B, or a run difference); the defaults come from
    // the registry's roles.
    HeatmapSource heatmap;
    Colormap colormap = Colormap::Viridis;
    RangeMode rangeMode = RangeMode::SetRobust; // one range for every variant shown
    bool logScale = false; // log colour scale over [hi / 1000, hi] (not for differences)
    ValueRange fixedRange; // RangeMode::Fixed

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
