#include "losslens/ui/SampleView.h"
#include "Background.h"

#include "losslens/loss/LossVariant.h"
#include "losslens/ui/Canvas.h"
#include "losslens/ui/ColorBar.h"
#include "losslens/ui/CompareRun.h"
#include "losslens/ui/DatasetSession.h"
#include "losslens/ui/HeatmapBar.h"
#include "losslens/ui/RunChooser.h"
#include "losslens/ui/VariantStyle.h"

#include <QHBoxLayout>
#include <QSplitter>
#include <QVBoxLayout>

#include <cmath>

#include <algorithm>

namespace losslens {

SampleView::SampleView(DatasetSession* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session) {
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->setSpacing(0);
    m_bar = new HeatmapBar(this);
    auto* top = new QHBoxLayout();
    top->setContentsMargins(0, 0, 0, 0);
    top->setSpacing(0);
    m_compare = new CompareRun(session, this);
    top->addWidget(new RunChooser(session, m_compare, this));
    top->addWidget(m_bar, 1);
    outer->addLayout(top);
    auto* layout = new QHBoxLayout();
    layout->setContentsMargins(0, 0, 0, 0);
    outer->addLayout(layout, 1);
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
    connect(m_compare, &CompareRun::sampleChanged, this, [this] {
        m_renderer.setOther(m_compare->current());
        m_runDifferenceMax = -1.0f;
        m_runPending = {}; // counted again for the new pair
        if (!m_current)
            return;
        setSideContent();
        render();
    });
    connect(m_canvas, &Canvas::viewChanged, m_bar, [this](double zoom) { m_bar->showZoom(zoom); });
    connect(m_bar, &HeatmapBar::changed, this, [this] {
        ViewSettings s = m_settings;
        m_bar->store(s);
        setSettings(s);
    });
    connect(m_sideCanvas, &Canvas::hoveredPixel, this, &SampleView::hoveredPixel);
    connect(&m_runWatcher, &QFutureWatcher<float>::finished, this, [this] {
        const SampleDataPtr other = m_compare->current();
        if (!m_current ||
            !(m_runPending == RunPair{m_current.get(), other.get(), m_settings.variant}))
            return;
        m_runDifferenceVariant = m_settings.variant;
        m_runDifferenceMax = m_runWatcher.result();
        render();
    });
    connect(&m_clipWatcher, &QFutureWatcher<RangeClipping>::finished, this, [this] {
        if (!(m_clipPending == m_clipKey) || !m_current)
            return;
        m_clip = m_clipWatcher.result();
        updateColorBar();
    });
    connect(m_canvas, &Canvas::stepRequested, this, &SampleView::stepRequested);
    connect(m_sideCanvas, &Canvas::stepRequested, this, &SampleView::stepRequested);

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
    // The set's range is used once every sample is scored: one change, not a creep.
    connect(session, &DatasetSession::scanCompleted, this, [this] {
        if (m_settings.rangeMode == RangeMode::SetRobust ||
            m_settings.rangeMode == RangeMode::SetMax)
            render();
    });
}

SampleView::~SampleView() {
    background::wait(m_clipWatcher.future());
    background::wait(m_runWatcher.future());
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
    m_runDifferenceMax = -1.0f;
    m_runPending = {}; // counted again for the new pair
    m_clipKey = {};    // a new sample, even at a freed one's address
    // The canvases ask for their visible part when they paint, with the settings of then.
    m_canvas->setContent(
        m_renderer.imageSize(),
        [this](const Viewport& v) {
            return m_renderer.render(v, LayerRenderer::shownSettings(m_settings, m_sideBySide),
                                     currentRange());
        },
        true);
    setSideContent();
    render();
    if (first)
        m_canvas->fitToWindow();
    emit sampleShown();
}

bool SampleView::comparingRuns() const {
    return m_compare != nullptr && m_compare->active();
}

bool SampleView::showsRunDifference() const {
    return m_settings.runDifference && m_current && comparingRuns() && m_compare->current() &&
           comparable(*m_current, *m_compare->current());
}

void SampleView::setSideContent() {
    if (comparingRuns()) {
        // The other run's sample of the same stem, drawn exactly as this one.
        const SampleDataPtr other = m_compare->current();
        m_partnerRenderer.setSample(other);
        if (!other) {
            m_sideCanvas->setMessage(
                tr("Run %1 has no scored sample %2.")
                    .arg(m_compare->run(),
                         m_current ? QString::fromStdString(m_current->stem) : QString()));
            return;
        }
        m_sideCanvas->setContent(
            m_partnerRenderer.imageSize(),
            [this](const Viewport& v) {
                return m_partnerRenderer.render(v, LayerRenderer::shownSettings(m_settings, true),
                                                currentRange());
            },
            true);
        return;
    }
    m_partnerRenderer.setSample(m_current);
    m_sideCanvas->setContent(
        m_partnerRenderer.imageSize(),
        [this](const Viewport& v) {
            return m_partnerRenderer.render(
                v,
                LayerRenderer::partnerSettings(
                    LayerRenderer::shownSettings(m_settings, m_sideBySide)),
                LayerRenderer::partnerRange(m_settings, currentRange()));
        },
        true);
}

ValueRange SampleView::currentRange() const {
    if (showsRunDifference()) {
        // Symmetric about 0: the user's, or the largest |difference| of the pair in view.
        float m = std::max(std::abs(m_settings.rangeLo), std::abs(m_settings.rangeHi));
        if (m_settings.rangeMode != RangeMode::Fixed) {
            if (m_runDifferenceMax < 0.0f || m_runDifferenceVariant != m_settings.variant) {
                const SampleDataPtr other = m_compare->current();
                const RunPair pair{m_current.get(), other.get(), m_settings.variant};
                if (m_current->keepsMaps() && other->keepsMaps()) {
                    m_runDifferenceVariant = m_settings.variant;
                    m_runDifferenceMax = maxRunDifference(*m_current, *other, m_settings.variant,
                                                          m_current->sample.ignoreIndex);
                } else if (!(m_runPending == pair)) {
                    // Big samples are scored again for it: off the GUI thread; the heatmap is
                    // drawn again with the range when it arrives.
                    m_runPending = pair;
                    m_runWatcher.setFuture(
                        background::run([a = m_current, b = other, variant = m_settings.variant] {
                            return maxRunDifference(*a, *b, variant, a->sample.ignoreIndex);
                        }));
                }
            }
            m = m_runDifferenceVariant == m_settings.variant ? m_runDifferenceMax : -1.0f;
        }
        if (!(m > 0.0f))
            m = 1.0f;
        return {-m, m};
    }
    RangeSources in;
    const std::size_t a = m_settings.differenceA;
    const std::size_t b = m_settings.differenceB;
    in.setScored = m_session->isScored();
    in.setMax = m_session->setMax();
    in.setRobust = m_session->setQuantiles().quantile(kRobustQuantile);
    in.setMaxDifference = m_session->setMaxDifference(a, b);
    if (m_current) {
        // Computed once when the sample arrives, not on every render.
        in.sampleMax = m_current->statistics.maxLoss;
        in.sampleRobust = m_current->statistics.quantiles.quantile(kRobustQuantile);
        in.sampleMaxDifference = pairEntry(m_current->statistics.maxDifferences, a, b);
    }
    return heatmapRange(m_settings, in);
}

QImage SampleView::compositeImage() const {
    return compositeJob()();
}

std::function<QImage()> SampleView::compositeJob() const {
    return m_renderer.fullJob(LayerRenderer::shownSettings(m_settings, m_sideBySide),
                              currentRange());
}

bool SampleView::sideBySide() const {
    return m_sideBySide;
}

void SampleView::setSettings(const ViewSettings& settings) {
    m_settings = settings;
    m_bar->load(m_settings);
    render();
    emit settingsChanged();
}

QString SampleView::flipVariant() {
    ViewSettings s = m_settings;
    if (s.difference)
        std::swap(s.differenceA, s.differenceB);
    else
        s.variant = partnerVariant(s.variant);
    setSettings(s);
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
    const QString shown = m_settings.difference
                              ? tr("%1 − %2").arg(variantLabel(m_settings.differenceA),
                                                  variantLabel(m_settings.differenceB))
                              : variantLabel(m_settings.variant);
    const bool runs = comparingRuns() && m_sideBySide && m_session->dataset() != nullptr;
    const QString thisRun =
        m_session->dataset() ? QString::fromStdString(m_session->dataset()->run()) : QString();
    if (showsRunDifference())
        m_canvas->setCaption(tr("run %1 − run %2: %3")
                                 .arg(thisRun, m_compare->run(), variantLabel(m_settings.variant)));
    else
        m_canvas->setCaption(runs ? tr("run %1: %2").arg(thisRun, shown) : shown);
    if (m_sideBySide) {
        m_sideCanvas->refresh();
        m_sideCanvas->setCaption(
            runs ? tr("run %1: %2").arg(m_compare->run(), shown)
                 : variantLabel(LayerRenderer::partnerSettings(m_settings).variant));
        m_sideCanvas->setView(m_canvas->zoom(), m_canvas->offset());
    }
}

QString SampleView::rangeCaption() const {
    const bool scored = m_session->isScored();
    if (m_settings.difference && m_settings.rangeMode != RangeMode::Fixed) {
        // A difference is scaled by the largest |A − B|, whichever statistic is chosen.
        const bool set = m_settings.rangeMode == RangeMode::SetRobust ||
                         m_settings.rangeMode == RangeMode::SetMax;
        return set && scored ? tr("set max\n|A − B|") : tr("sample max\n|A − B|");
    }
    switch (m_settings.rangeMode) {
    case RangeMode::SetRobust:
        return scored ? tr("set p99") : tr("sample p99\n(set: scoring)");
    case RangeMode::SetMax:
        return scored ? tr("set max") : tr("sample max\n(set: scoring)");
    case RangeMode::SampleRobust:
        return tr("sample p99");
    case RangeMode::SampleMax:
        return tr("sample max");
    case RangeMode::Fixed:
        break;
    }
    return tr("fixed");
}

void SampleView::updateColorBar() {
    const ValueRange range = currentRange();
    if (showsRunDifference()) {
        ColorBar::Scale scale;
        scale.lo = range.lo;
        scale.hi = range.hi;
        m_colorBar->setMap(
            divergingLut(), scale,
            tr("%1 −\n%2")
                .arg(QString::fromStdString(m_session->dataset()->run()), m_compare->run()),
            m_settings.rangeMode == RangeMode::Fixed ? tr("fixed") : tr("sample max\n|A − B|"));
        m_bar->showRange(range.lo, range.hi);
        emit rangeShown(range.lo, range.hi);
        return;
    }
    const QString title =
        m_settings.difference
            ? tr("%1 −\n%2")
                  .arg(variantName(m_settings.differenceA), variantName(m_settings.differenceB))
            : variantName(std::min(m_settings.variant, lossVariants().size() - 1));
    ColorBar::Scale scale;
    scale.lo = range.lo;
    scale.hi = range.hi;
    scale.log = usesLogScale(m_settings);
    if (m_current) {
        // A pass over the sample: only when what it depends on changed, not for every
        // redraw (an opacity slider, a layer toggle).
        const ClipKey key{m_current.get(),
                          m_settings.variant,
                          m_settings.difference,
                          m_settings.differenceA,
                          m_settings.differenceB,
                          usesLogScale(m_settings),
                          range.lo,
                          range.hi};
        if (!(key == m_clipKey)) {
            m_clipKey = key;
            if (m_current->keepsMaps()) {
                m_clip =
                    rangeClipping(*m_current, m_settings, m_current->sample.ignoreIndex, range);
            } else {
                // A big sample's variant is scored again for the count: off the GUI thread;
                // the bar shows its clipped ends when it arrives (if still for this key).
                m_clip = {};
                m_clipWatcher.setFuture(
                    background::run([data = m_current, settings = m_settings, range] {
                        return rangeClipping(*data, settings, data->sample.ignoreIndex, range);
                    }));
                m_clipPending = key;
            }
        }
        const RangeClipping& clip = m_clip;
        scale.below = clip.valid > 0 ? static_cast<double>(clip.below) / clip.valid : 0.0;
        scale.above = clip.valid > 0 ? static_cast<double>(clip.above) / clip.valid : 0.0;
    }
    m_colorBar->setMap(m_settings.difference ? divergingLut() : colormapLut(m_settings.colormap),
                       scale, title, rangeCaption());
    m_bar->showRange(range.lo, range.hi);
    emit rangeShown(range.lo, range.hi);
}

} // namespace losslens
