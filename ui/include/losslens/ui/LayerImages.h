#pragma once

#include "losslens/io/ClassInfo.h"
#include "losslens/report/Colormap.h"
#include "losslens/report/ValueRange.h"
#include "losslens/ui/SampleData.h"
#include "losslens/ui/ViewSettings.h"
#include "losslens/ui/Viewport.h"

#include <QImage>

#include <vector>

namespace losslens {

// Pure functions that turn a scored sample into the canvas's layer images (ARGB32
// premultiplied, transparent where a layer draws nothing) and compose them. Kept out of the
// widgets so tests call them directly. Each layer is drawn for a viewport: the visible part
// at screen resolution, nearest sample per output pixel (the window), or the whole image
// at 1:1 (export; the overloads without a viewport).

// The image under everything: the display image, or mid grey when there is none, at full
// resolution (made once per sample, off the GUI thread).
[[nodiscard]] QImage baseLayer(const SampleData& data);
// Its visible part, filtered (bilinear) when zoomed out so photographs do not shimmer.
[[nodiscard]] QImage baseView(const QImage& base, const Viewport& viewport);

// Class indices in class colours; ignore pixels and hidden classes transparent. Outline
// draws only output pixels whose 4-neighbourhood (in output pixels, so the line is one
// screen pixel wide at any zoom) holds another class.
[[nodiscard]] QImage classLayer(const LabelMap& classes, const std::vector<ClassInfo>& colours,
                                const ViewSettings& settings, ClassStyle style, int ignoreIndex,
                                const Viewport& viewport);
[[nodiscard]] QImage classLayer(const LabelMap& classes, const std::vector<ClassInfo>& colours,
                                const ViewSettings& settings, ClassStyle style, int ignoreIndex);

// The heatmap of the chosen variant (or the A - B difference on a diverging map centred
// on 0); ignore pixels transparent.
[[nodiscard]] QImage heatmapLayer(const SampleData& data, const ViewSettings& settings,
                                  int ignoreIndex, float lo, float hi, const Viewport& viewport);
[[nodiscard]] QImage heatmapLayer(const SampleData& data, const ViewSettings& settings,
                                  int ignoreIndex, float lo, float hi);

// Pixels whose penalty the partial variant removes: a translucent magenta fill with
// opaque yellow diagonal hatching (in screen pixels, anchored to the image) and outline,
// so it stands out over every other layer. Exactly the removed pixels have alpha > 0.
[[nodiscard]] QImage removedLayer(const ByteImage& removed, const Viewport& viewport);
[[nodiscard]] QImage removedLayer(const ByteImage& removed);

// The value range the heatmap uses: the user's, or [0, setMax] (auto); for the difference
// view, symmetric around 0.
[[nodiscard]] ValueRange heatmapRange(const ViewSettings& settings, float setMax,
                                      float setMaxDifference);

// Every layer of a sample for one viewport, rendered once and reused until the sample, the
// viewport or a setting that changes it changes.
struct LayerImages {
    QImage base;
    QImage groundTruth;
    QImage prediction;
    QImage heatmap;
    QImage removed;
};

// All layers at full resolution (the composite an export writes).
[[nodiscard]] LayerImages renderLayers(const SampleData& data, const ViewSettings& settings,
                                       const std::vector<ClassInfo>& classes, int ignoreIndex,
                                       ValueRange range);

// Draws the visible layers in order with their opacities into one opaque image.
[[nodiscard]] QImage compose(const LayerImages& layers, const ViewSettings& settings);
// The same over an existing image of the layers' size (the canvas's frame).
void composeInto(QImage& out, const LayerImages& layers, const ViewSettings& settings);

} // namespace losslens
