#include "losslens/ui/LayerRenderer.h"

namespace losslens {

namespace {

bool sameHeatmap(const ViewSettings& a, const ViewSettings& b) {
    return a.variant == b.variant && a.difference == b.difference &&
           a.differenceA == b.differenceA && a.differenceB == b.differenceB &&
           a.colormap == b.colormap;
}

bool sameClassLayers(const ViewSettings& a, const ViewSettings& b) {
    return a.groundTruthStyle == b.groundTruthStyle && a.predictionStyle == b.predictionStyle &&
           a.hiddenClasses == b.hiddenClasses;
}

bool sameRange(ValueRange a, ValueRange b) {
    return a.lo == b.lo && a.hi == b.hi;
}

} // namespace

ViewSettings LayerRenderer::partnerSettings(const ViewSettings& s) {
    ViewSettings other = s;
    if (s.difference) {
        other.difference = false;
        other.variant = s.differenceB;
    } else {
        other.variant = s.variant == 1 ? 0 : 1;
    }
    return other;
}

void LayerRenderer::setSample(SampleDataPtr data, std::vector<ClassInfo> classes, int ignoreIndex) {
    m_data = std::move(data);
    m_classes = std::move(classes);
    m_ignoreIndex = ignoreIndex;
    m_rendered = false;
    m_partnerHeatmap = QImage();
}

void LayerRenderer::clear() {
    m_data.reset();
    m_layers = LayerImages();
    m_rendered = false;
    m_partnerHeatmap = QImage();
}

QImage LayerRenderer::render(const ViewSettings& settings, ValueRange range) {
    if (!m_data)
        return {};
    if (!m_rendered || !sameClassLayers(m_last, settings)) {
        m_layers = renderLayers(*m_data, settings, m_classes, m_ignoreIndex, range);
        m_rendered = true;
    } else if (!sameHeatmap(m_last, settings) || !sameRange(m_lastRange, range)) {
        m_layers.heatmap = heatmapLayer(*m_data, settings, m_ignoreIndex, range.lo, range.hi);
    }
    m_last = settings;
    m_lastRange = range;
    return compose(m_layers, settings);
}

QImage LayerRenderer::renderPartner(const ViewSettings& settings, ValueRange range) {
    if (!m_data || !m_rendered)
        return {};
    const ViewSettings other = partnerSettings(settings);
    // A difference view's partner is a plain variant: it keeps the upper end, from 0.
    const ValueRange partnerRange =
        settings.difference ? ValueRange{0.0f, heatmapRange(other, range.hi, range.hi).hi} : range;
    if (m_partnerHeatmap.isNull() || !sameHeatmap(m_partnerLast, other) ||
        !sameRange(m_partnerRange, partnerRange)) {
        m_partnerHeatmap =
            heatmapLayer(*m_data, other, m_ignoreIndex, partnerRange.lo, partnerRange.hi);
        m_partnerLast = other;
        m_partnerRange = partnerRange;
    }
    LayerImages layers = m_layers; // implicitly shared images: no pixel copies
    layers.heatmap = m_partnerHeatmap;
    return compose(layers, other);
}

} // namespace losslens
