#include "render/LayerRenderer.h"

namespace losslens {

namespace {

bool sameHeatmap(const ViewSettings& a, ValueRange ra, const ViewSettings& b, ValueRange rb) {
    return a.heatmap == b.heatmap && a.logScale == b.logScale && a.colormap == b.colormap &&
           ra.lo == rb.lo && ra.hi == rb.hi;
}

std::size_t index(Layer l) {
    return static_cast<std::size_t>(l);
}

} // namespace

ViewSettings LayerRenderer::shownSettings(const ViewSettings& s, bool sideBySide) {
    ViewSettings shown = s;
    if (sideBySide || s.heatmap.diverging())
        shown.removedStyle = MarkStyle::Outline;
    return shown;
}

void LayerRenderer::setSample(SampleDataPtr data) {
    std::vector<ClassInfo> classes = data ? data->sample.classes : std::vector<ClassInfo>{};
    setSample(std::move(data), std::move(classes));
}

void LayerRenderer::setSample(SampleDataPtr data, std::vector<ClassInfo> classes) {
    m_data = std::move(data);
    m_classes = std::move(classes);
    invalidate();
}

void LayerRenderer::setOther(SampleDataPtr other) {
    if (other == m_other)
        return;
    m_other = std::move(other);
    m_valid[static_cast<std::size_t>(Layer::Heatmap)] = false;
}

void LayerRenderer::clear() {
    m_data.reset();
    invalidate();
}

void LayerRenderer::invalidate() {
    m_layers = LayerImages();
    m_valid.fill(false);
    m_viewport = Viewport();
}

QSize LayerRenderer::imageSize() const {
    return m_data ? QSize(m_data->sample.labels.width(), m_data->sample.labels.height()) : QSize();
}

QImage LayerRenderer::render(const Viewport& viewport, const ViewSettings& settings,
                             ValueRange range) {
    if (!m_data || viewport.isEmpty())
        return {};
    if (!(viewport == m_viewport)) {
        m_valid.fill(false);
        m_viewport = viewport;
    }
    const SampleData& data = *m_data;
    const auto shown = [&](Layer l) {
        const LayerState& state = settings.layer(l);
        return state.visible && state.opacity > 0.0f;
    };
    const auto stale = [&](Layer l) { return shown(l) && !m_valid[index(l)]; };
    // Drop what a settings change invalidates, then draw what is shown and missing.
    if (settings.groundTruthStyle != m_drawn.groundTruthStyle ||
        settings.hiddenClasses != m_drawn.hiddenClasses)
        m_valid[index(Layer::GroundTruth)] = false;
    if (settings.predictionStyle != m_drawn.predictionStyle ||
        settings.hiddenClasses != m_drawn.hiddenClasses)
        m_valid[index(Layer::Prediction)] = false;
    if (!sameHeatmap(settings, range, m_drawn, m_drawnRange))
        m_valid[index(Layer::Heatmap)] = false;
    if (dimsImage(settings) != dimsImage(m_drawn))
        m_valid[index(Layer::Image)] = false;
    if (settings.removedStyle != m_drawn.removedStyle)
        m_valid[index(Layer::Removed)] = false;

    if (stale(Layer::Image)) {
        m_layers.base = baseView(data.base, imageSize(), viewport);
        if (dimsImage(settings))
            m_layers.base = dimmedBase(m_layers.base);
    }
    if (stale(Layer::GroundTruth))
        m_layers.groundTruth =
            classLayer(data.sample.labels, m_classes, settings, settings.groundTruthStyle,
                       data.sample.ignoreIndex, viewport);
    if (stale(Layer::Prediction))
        m_layers.prediction = classLayer(data.loss.argmax, m_classes, settings,
                                         settings.predictionStyle, -1, viewport);
    if (stale(Layer::Heatmap))
        m_layers.heatmap = heatmapLayer(data, settings, range, viewport, m_other.get());
    if (stale(Layer::Removed))
        m_layers.removed = removedLayer(data.loss.removed, viewport, settings.removedStyle);
    for (std::size_t l = 0; l < kLayerCount; ++l)
        if (shown(static_cast<Layer>(l)))
            m_valid[l] = true;
    // A layer left stale above (hidden, so not drawn) keeps its valid flag false until it
    // is drawn, so the stamp can follow the settings every time.
    m_drawn = settings;
    m_drawnRange = range;

    QImage out(viewport.output, QImage::Format_ARGB32_Premultiplied);
    out.fill(Qt::black);
    composeInto(out, m_layers, settings);
    return out;
}

QImage LayerRenderer::renderFull(const ViewSettings& settings, ValueRange range) const {
    return fullJob(settings, range)();
}

std::function<QImage()> LayerRenderer::fullJob(const ViewSettings& settings,
                                               ValueRange range) const {
    return [data = m_data, other = m_other, classes = m_classes, settings, range] {
        if (!data)
            return QImage();
        return compose(renderLayers(*data, settings, classes, range, other.get()), settings);
    };
}

} // namespace losslens
