#pragma once

#include "losslens/io/ClassInfo.h"
#include "losslens/report/Colormap.h"
#include "losslens/report/ValueRange.h"
#include "render/HeatmapRange.h"
#include "render/RunDifference.h"
#include "session/SampleData.h"
#include "state/ViewSettings.h"
#include "state/Viewport.h"

#include <QImage>

#include <vector>

namespace losslens {

// Pure functions that turn a scored sample into the canvas's layer images (ARGB32
// premultiplied, transparent where a layer draws nothing) and compose them. Kept out of the
// widgets so tests call them directly. Each layer is drawn for a viewport: the visible part
// at screen resolution, nearest sample per output pixel (the window), or the whole image
// at 1:1 (export; the overloads without a viewport).

// Its visible part for an image of `image` pixels, filtered (bilinear) when zoomed out so
// photographs do not shimmer; mid grey where the image is when `base` is null.
[[nodiscard]] QImage baseView(const QImage& base, QSize image, const Viewport& viewport);
// The image as drawn under a heatmap: grey (Rec. 601 luma) mapped into 40..167, so the
// heatmap's colours are not tinted by the image's and still read against it.
[[nodiscard]] QImage dimmedBase(const QImage& base);
// Whether these settings draw the image dimmed (dimImage and the heatmap shown).
[[nodiscard]] bool dimsImage(const ViewSettings& settings);

// Class indices in class colours; ignore pixels and hidden classes transparent. Outline
// draws only output pixels whose 4-neighbourhood (in output pixels, so the line is one
// screen pixel wide at any zoom) holds another class, in dashes of the class colour and
// black: it stays visible over a fill of its own colour (the prediction where it agrees)
// and over any colour map. Striped draws the edge and every fourth diagonal in the pure
// class colour and leaves the rest transparent: the heatmap shows between the stripes
// and no colour is blended into another class's.
[[nodiscard]] QImage classLayer(const LabelMap& classes, const std::vector<ClassInfo>& colours,
                                const ViewSettings& settings, ClassStyle style, int ignoreIndex,
                                const Viewport& viewport);
[[nodiscard]] QImage classLayer(const LabelMap& classes, const std::vector<ClassInfo>& colours,
                                const ViewSettings& settings, ClassStyle style, int ignoreIndex);

// The heatmap of the settings' source (a variant; the A - B difference on a diverging map
// centred on 0; a run difference with `other`, the vs run's sample of the same stem: this
// run's variant minus the other's), coloured as the source says over `range`; the sample's
// ignored pixels (its ignore index) transparent.
[[nodiscard]] QImage heatmapLayer(const SampleData& data, const ViewSettings& settings,
                                  ValueRange range, const Viewport& viewport,
                                  const SampleData* other = nullptr);
[[nodiscard]] QImage heatmapLayer(const SampleData& data, const ViewSettings& settings,
                                  ValueRange range);

// Pixels whose penalty the partial variant removes, in kRemovedMark (pure magenta: no
// colour map comes within 140 RGB units of it): an opaque outline one screen pixel wide,
// and with MarkStyle::Hatched opaque diagonal lines two screen pixels wide every eight (a
// quarter of the region: seen at fit zoom over any colour, the heatmap readable between;
// anchored to the image, so it moves with a pan). Everything else stays transparent, so
// the heatmap under the region is readable; nothing outside the region is drawn.
inline constexpr Rgb kRemovedMark{255, 0, 255};
[[nodiscard]] QImage removedLayer(const ByteImage& removed, const Viewport& viewport,
                                  MarkStyle style = MarkStyle::Hatched);
[[nodiscard]] QImage removedLayer(const ByteImage& removed, MarkStyle style = MarkStyle::Hatched);
// Whether an outline pixel is drawn black (2 of every 6 along a diagonal run), and whether
// a pixel is on a Striped fill's stripe, in output pixels from the image's origin.
[[nodiscard]] constexpr bool onOutlineDash(int gx, int gy) {
    return (((gx + gy) % 6) + 6) % 6 >= 4;
}
[[nodiscard]] constexpr bool onStripe(int gx, int gy) {
    return (((gx - gy) % 4) + 4) % 4 == 0;
}
// Whether a pixel is on the hatch, in output pixels counted from the image's origin.
[[nodiscard]] constexpr bool onHatch(int gx, int gy) {
    return (((gx + gy) % 8) + 8) % 8 < 2;
}

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
                                       const std::vector<ClassInfo>& classes, ValueRange range,
                                       const SampleData* other = nullptr);

// Draws the visible layers in order with their opacities into one opaque image.
[[nodiscard]] QImage compose(const LayerImages& layers, const ViewSettings& settings);
// The same over an existing image of the layers' size (the canvas's frame).
void composeInto(QImage& out, const LayerImages& layers, const ViewSettings& settings);

} // namespace losslens
