#pragma once

#include "losslens/ClassInfo.h"
#include "losslens/ui/Compositor.h"
#include "losslens/ui/SampleData.h"
#include "losslens/ui/ViewSettings.h"

#include <QImage>

#include <vector>

namespace losslens {

// Keeps the viewed sample's layer images and re-renders only what a change needs: class
// layers when class styles or visibility change, a heatmap when its variant, colour map or
// range change, nothing but the final composition for visibility and opacity. The same for
// the side-by-side partner's heatmap. No widgets: tests and benchmarks drive it directly.
class LayerRenderer {
public:
    void setSample(SampleDataPtr data, std::vector<ClassInfo> classes, int ignoreIndex);
    void clear();

    [[nodiscard]] const SampleDataPtr& sample() const { return m_data; }
    [[nodiscard]] const LayerImages& layers() const { return m_layers; }

    // The composed image of the main view for these settings and heatmap range.
    [[nodiscard]] QImage render(const ViewSettings& settings, ValueRange range);
    // The composed image of the side-by-side partner (see partnerSettings), after render().
    [[nodiscard]] QImage renderPartner(const ViewSettings& settings, ValueRange range);

    // The variant the side-by-side view shows: the A/B partner of the main one.
    [[nodiscard]] static ViewSettings partnerSettings(const ViewSettings& settings);

private:
    SampleDataPtr m_data;
    std::vector<ClassInfo> m_classes;
    int m_ignoreIndex = 255;
    LayerImages m_layers;
    bool m_rendered = false;
    ViewSettings m_last;
    ValueRange m_lastRange;
    QImage m_partnerHeatmap;
    ViewSettings m_partnerLast;
    ValueRange m_partnerRange;
};

} // namespace losslens
