#include "losslens/ui/SampleView.h"

#include "losslens/loss/LossVariant.h"
#include "losslens/ui/Canvas.h"
#include "losslens/ui/ColorBar.h"
#include "losslens/ui/DatasetSession.h"
#include "losslens/ui/VariantStyle.h"

#include <QHBoxLayout>
#include <QSplitter>

#include <algorithm>

namespace losslens {

SampleView::SampleView(DatasetSession* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_canvas = new Canvas(m_splitter);
    m_sideCanvas = new Canvas(m_splitter);
    m_sideCanvas->hide();
    m_splitter->addWidget(m_canvas);
    m_splitter->addWidget(m_sideCanvas);
    m_colorBar = new ColorBar(this);
    layout->addWidget(m_splitter, 1);
    layout->addWidget(m_colorBar);
    connect(m_canvas, &Canvas::viewChanged, m_sideCanvas, &Canvas::setView);
    connect(m_sideCanvas, &Canvas::viewChanged, m_canvas, &Canvas::setView);
    connect(m_canvas, &Canvas::hoveredPixel, this, &SampleView::hoveredPixel);
    connect(m_sideCanvas, &Canvas::hoveredPixel, this, &SampleView::hoveredPixel);

    connect(session, &DatasetSession::sampleReady, this, &SampleView::onSampleReady);
    connect(session, &DatasetSession::sampleFailed, this,
            [this](qulonglong entry, const QString& file, const QString& message) {
                if (entry != m_session->requestedSample())
                    return;
                m_current.reset();
                m_renderer.clear();
                m_partnerRenderer.clear();
                m_canvas->setMessage(tr("This sample cannot be shown.\n\n%1")
                                         .arg(file.isEmpty()
                                                  ? message
                                                  : QStringLiteral("%1:\n%2").arg(file, message)));
                m_sideCanvas->setMessage(QString());
            });
    connect(session, &DatasetSession::rangeChanged, this, [this] {
        if (m_settings.autoRange)
            render();
    });
}

void SampleView::clear() {
    m_current.reset();
    m_renderer.clear();
    m_partnerRenderer.clear();
}

void SampleView::showMessage(const QString& text) {
    m_canvas->setMessage(text);
}

void SampleView::onSampleReady(const SampleDataPtr& ready) {
    const bool first = !m_current;
    m_current = ready;
    m_renderer.setSample(ready);
    m_partnerRenderer.setSample(ready);
    // The canvases ask for their visible part when they paint, with the settings of then.
    m_canvas->setContent(
        m_renderer.imageSize(),
        [this](const Viewport& v) { return m_renderer.render(v, m_settings, currentRange()); },
        true);
    m_sideCanvas->setContent(
        m_partnerRenderer.imageSize(),
        [this](const Viewport& v) {
            return m_partnerRenderer.render(
                v, LayerRenderer::partnerSettings(m_settings),
                LayerRenderer::partnerRange(m_settings, currentRange()));
        },
        true);
    render();
    if (first)
        m_canvas->fitToWindow();
    emit sampleShown();
}

ValueRange SampleView::currentRange() const {
    // Until the scan has reached it, the viewed sample still bounds the range; its maxima
    // are computed once when it arrives, not on every render.
    const float setMax =
        std::max(m_session->setMax(), m_current ? m_current->statistics.maxLoss : 0.0f);
    const std::size_t a = m_settings.differenceA;
    const std::size_t b = m_settings.differenceB;
    const float setDiff =
        std::max(m_session->setMaxDifference(a, b),
                 m_current ? pairEntry(m_current->statistics.maxDifferences, a, b) : 0.0f);
    return heatmapRange(m_settings, setMax, setDiff);
}

QImage SampleView::compositeImage() const {
    return m_renderer.renderFull(m_settings, currentRange());
}

bool SampleView::sideBySide() const {
    return m_sideBySide;
}

void SampleView::setSettings(const ViewSettings& settings) {
    m_settings = settings;
    render();
}

QString SampleView::flipVariant() {
    ViewSettings s = m_settings;
    if (s.difference)
        std::swap(s.differenceA, s.differenceB);
    else
        s.variant = partnerVariant(s.variant);
    setSettings(s);
    emit settingsChanged();
    return s.difference ? tr("Difference %1 − %2")
                              .arg(variantLabel(s.differenceA), variantLabel(s.differenceB))
                        : tr("Heatmap: %1").arg(variantLabel(s.variant));
}

void SampleView::setSideBySide(bool on) {
    m_sideBySide = on;
    m_sideCanvas->setVisible(on);
    if (on) {
        const int half = std::max(1, m_splitter->width() / 2);
        m_splitter->setSizes({half, half});
    }
    render();
}

void SampleView::render() {
    updateColorBar();
    if (!m_current)
        return;
    m_canvas->refresh();
    m_canvas->setCaption(m_settings.difference
                             ? tr("%1 − %2").arg(variantLabel(m_settings.differenceA),
                                                 variantLabel(m_settings.differenceB))
                             : variantLabel(m_settings.variant));
    if (m_sideBySide) {
        m_sideCanvas->refresh();
        m_sideCanvas->setCaption(variantLabel(LayerRenderer::partnerSettings(m_settings).variant));
        m_sideCanvas->setView(m_canvas->zoom(), m_canvas->offset());
    }
}

void SampleView::updateColorBar() {
    const ValueRange range = currentRange();
    const QString title =
        m_settings.difference
            ? tr("A − B")
            : variantName(std::min(m_settings.variant, lossVariants().size() - 1));
    m_colorBar->setMap(m_settings.difference ? divergingLut() : colormapLut(m_settings.colormap),
                       range.lo, range.hi, title);
    emit rangeShown(range.lo, range.hi);
}

} // namespace losslens
