#pragma once

#include "losslens/io/ClassInfo.h"
#include "render/LayerImages.h"
#include "session/SampleData.h"
#include "state/ViewSettings.h"
#include "state/Viewport.h"

#include <QImage>

#include <array>
#include <functional>
#include <vector>

namespace losslens {

// Keeps one canvas's layer images of the viewed sample, for the part of it on screen at
// screen resolution, and re-renders only what a change needs: every shown layer for a new
// viewport (pan, zoom, resize); class layers when class styles or visibility change; the
// heatmap when its variant, colour map or range change; nothing but the composition for
// layer visibility and opacity. A hidden layer is not drawn until it is shown. The work per
// frame is bounded by the canvas, not the sample, which keeps a 2048 x 2048 sample within a
// frame. No widgets: tests and benchmarks drive it directly.
class LayerRenderer {
public:
    void setSample(SampleDataPtr data, std::vector<ClassInfo> classes);
    // With the classes and ignore index the sample was loaded with.
    void setSample(SampleDataPtr data);
    void clear();
    // The vs run's sample of the same stem, for a source that is a run difference (null:
    // none; the run difference then draws its variant).
    void setOther(SampleDataPtr other);

    [[nodiscard]] const SampleDataPtr& sample() const { return m_data; }
    [[nodiscard]] QSize imageSize() const;
    // The last viewport's layer images (a layer never shown is null).
    [[nodiscard]] const LayerImages& layers() const { return m_layers; }

    // The composed, opaque image of the viewport for these settings and heatmap range.
    [[nodiscard]] QImage render(const Viewport& viewport, const ViewSettings& settings,
                                ValueRange range);
    // Every pixel at 1:1, for exporting the composite; touches no cache.
    [[nodiscard]] QImage renderFull(const ViewSettings& settings, ValueRange range) const;
    // The same as work for another thread: it holds what it draws (the samples, the classes
    // and the settings), so a big sample's composite is made off the GUI thread.
    [[nodiscard]] std::function<QImage()> fullJob(const ViewSettings& settings,
                                                  ValueRange range) const;

    // The settings a canvas draws with: in a comparison (side by side, or a difference) the
    // removed pixels are outlined only, so the heatmaps being compared show plainly.
    [[nodiscard]] static ViewSettings shownSettings(const ViewSettings& settings, bool sideBySide);

private:
    void invalidate();

    SampleDataPtr m_data;
    SampleDataPtr m_other;
    std::vector<ClassInfo> m_classes;
    LayerImages m_layers;
    Viewport m_viewport;
    std::array<bool, kLayerCount> m_valid{};
    ViewSettings m_drawn; // the settings of the last render (what valid layers show)
    ValueRange m_drawnRange;
};

} // namespace losslens
