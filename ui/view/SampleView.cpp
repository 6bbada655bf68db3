// About 440 lines: the central view is one idea with several parts that share its state
// (the canvas and its side partner, the colour bars, the range each shows and the run
// difference measured for it); the pure parts are free functions elsewhere (HeatmapRange,
// LayerRenderer, ColorBar's titles).
#include "view/SampleView.h"
#include "session/ThreadPool.h"

#include "losslens/loss/LossVariant.h"
#include "session/DatasetSession.h"
#include "session/VersusSample.h"
#include "state/VariantStyle.h"
#include "state/ViewState.h"
#include "view/Canvas.h"
#include "view/ColorBar.h"
#include "view/FlowLayout.h"
#include "view/HeatmapBar.h"
#include "view/RunChooser.h"

#include <QHBoxLayout>
#include <QSplitter>
#include <QVBoxLayout>

#include <cmath>

#include <algorithm>

namespace losslens {

namespace {

// A canvas beside its colour bar: the bar stays next to what it explains.
QWidget* pane(Canvas* canvas, ColorBar* bar, QWidget* parent) {
    auto* widget = new QWidget(parent);
    auto* row = new QHBoxLayout(widget);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(0);
    canvas->setParent(widget);
    bar->setParent(widget);
    row->addWidget(canvas, 1);
    row->addWidget(bar);
    return widget;
}

} // namespace

SampleView::SampleView(DatasetSession* session, ViewState* state, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_state(state)
    , m_versus(new VersusSample(session, state, this)) {
    buildLayout();
    // The two canvases move together; the bar edits the settings the state holds.
    connect(m_canvas, &Canvas::viewChanged, m_sideCanvas, &Canvas::setView);
    connect(m_sideCanvas, &Canvas::viewChanged, m_canvas, &Canvas::setView);
    connect(m_canvas, &Canvas::viewChanged, m_bar, [this](double zoom) { m_bar->showZoom(zoom); });
    for (Canvas* canvas : {m_canvas, m_sideCanvas}) {
        connect(canvas, &Canvas::hoveredPixel, this, &SampleView::hoveredPixel);
        connect(canvas, &Canvas::stepRequested, this, &SampleView::stepRequested);
    }
    connect(m_bar, &HeatmapBar::changed, this, [this] {
        ViewSettings s = settings();
        m_bar->store(s);
        setSettings(s);
    });
    connect(m_versus, &VersusSample::sampleChanged, this, &SampleView::onVersusSampleChanged);
    connect(&m_runWatcher, &QFutureWatcher<float>::finished, this,
            &SampleView::onRunDifferenceMeasured);
    connect(&m_clipWatcher, &QFutureWatcher<RangeClipping>::finished, this,
            &SampleView::onClippingMeasured);
    connect(state, &ViewState::settingsChanged, this, &SampleView::onSettingsChanged);
    connect(state, &ViewState::sideBySideChanged, this, &SampleView::onSideBySideChanged);
    connect(session, &DatasetSession::sampleReady, this, &SampleView::onSampleReady);
    connect(session, &DatasetSession::sampleFailed, this, &SampleView::onSampleFailed);
    // The set's range is used once every sample is scored: one change, not a creep.
    connect(session, &DatasetSession::scanCompleted, this, [this] {
        if (settings().rangeMode == RangeMode::SetRobust ||
            settings().rangeMode == RangeMode::SetMax)
            render();
    });
    m_bar->load(settings());
}

// The run boxes and heatmap bar above the canvas (and the side canvas, hidden), each
// canvas with its colour bar.
void SampleView::buildLayout() {
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->setSpacing(0);
    m_bar = new HeatmapBar(this);
    // The run boxes and the heatmap bar wrap as one flow: no control widens the window.
    auto* topRow = new QWidget(this);
    auto* top = new FlowLayout(topRow, 0);
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(new RunChooser(m_session, m_state, topRow));
    m_bar->setParent(topRow);
    top->addWidget(m_bar);
    outer->addWidget(topRow);
    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_canvas = new Canvas(this);
    m_sideCanvas = new Canvas(this);
    m_colorBar = new ColorBar(this);
    m_colorBar->setObjectName(QStringLiteral("colorBar"));
    m_sideColorBar = new ColorBar(this);
    m_sideColorBar->setObjectName(QStringLiteral("sideColorBar"));
    m_splitter->addWidget(pane(m_canvas, m_colorBar, m_splitter));
    m_sidePane = pane(m_sideCanvas, m_sideColorBar, m_splitter);
    m_splitter->addWidget(m_sidePane);
    m_splitter->setChildrenCollapsible(false);
    m_sidePane->hide();
    outer->addWidget(m_splitter, 1);
}

// The vs run's sample of this stem arrived (or is gone): a run difference is measured again.
void SampleView::onVersusSampleChanged() {
    m_renderer.setOther(m_versus->current());
    m_runDifferenceMax = -1.0f;
    m_runPending = {}; // counted again for the new pair
    if (!m_current)
        return;
    setSideContent();
    render();
}

void SampleView::onRunDifferenceMeasured() {
    const SampleDataPtr other = m_versus->current();
    if (!m_current ||
        !(m_runPending == RunPair{m_current.get(), other.get(), settings().heatmap.a}))
        return;
    m_runDifferenceVariant = settings().heatmap.a;
    m_runDifferenceMax = m_runWatcher.result();
    render();
}

void SampleView::onClippingMeasured() {
    if (!(m_clipPending == m_clipKey) || !m_current)
        return;
    m_clip = m_clipWatcher.result();
    updateColorBar();
}

void SampleView::onSideBySideChanged(bool on) {
    m_sidePane->setVisible(on);
    if (on)
        setSideContent();
    render();
    balanceSplitter();
}

void SampleView::onSampleFailed(qulonglong entry, const QString& file, const QString& message) {
    if (entry != m_session->requestedSample())
        return;
    m_current.reset();
    m_renderer.clear();
    m_partnerRenderer.clear();
    m_canvas->setMessage(
        tr("This sample cannot be shown.\n\n%1")
            .arg(file.isEmpty() ? message : QStringLiteral("%1:\n%2").arg(file, message)));
    m_sideCanvas->setMessage(QString());
}

SampleView::~SampleView() {
    pool::wait(m_clipWatcher.future());
    pool::wait(m_runWatcher.future());
}

const ViewSettings& SampleView::settings() const {
    return m_state->settings();
}

void SampleView::clear() {
    m_current.reset();
    m_renderer.clear();
    m_partnerRenderer.clear();
}

void SampleView::showMessage(const QString& text) {
    m_canvas->setMessage(text);
}

ViewSettings SampleView::canvasSettings(const HeatmapSource& source) const {
    ViewSettings s = LayerRenderer::shownSettings(settings(), sideBySide());
    s.heatmap = source;
    return s;
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
            return m_renderer.render(v, canvasSettings(shownSource()), currentRange());
        },
        true);
    setSideContent();
    render();
    if (first)
        m_canvas->fitToWindow();
    emit sampleShown();
}

bool SampleView::comparingRuns() const {
    return m_versus != nullptr && m_versus->active();
}

bool SampleView::showsRunDifference() const {
    return shownSource().isRunDifference();
}

HeatmapSource SampleView::shownSource() const {
    const SampleDataPtr other = comparingRuns() ? m_versus->current() : nullptr;
    const std::size_t variants = m_current ? m_current->loss.maps.size() : lossVariants().size();
    return drawableSource(clampedSource(settings().heatmap, variants),
                          m_current && other && comparable(*m_current, *other));
}

SideSource SampleView::shownSideSource() const {
    return sideSource(shownSource(), comparingRuns());
}

void SampleView::setSideContent() {
    if (!sideBySide())
        return;
    if (shownSideSource().versusRun) {
        // The vs run's sample of the same stem.
        const SampleDataPtr other = m_versus->current();
        m_partnerRenderer.setSample(other);
        if (!other) {
            m_sideCanvas->setMessage(
                tr("Run %1 has no scored sample %2.")
                    .arg(m_versus->run(),
                         m_current ? QString::fromStdString(m_current->stem) : QString()));
            return;
        }
    } else {
        m_partnerRenderer.setSample(m_current);
    }
    m_sideCanvas->setContent(
        m_partnerRenderer.imageSize(),
        [this](const Viewport& v) {
            return m_partnerRenderer.render(v, canvasSettings(shownSideSource().source),
                                            sideRange());
        },
        true);
}

RangeSources SampleView::rangeSources(const HeatmapSource& source) const {
    RangeSources in;
    const std::size_t a = source.a;
    const std::size_t b = source.b;
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
    if (source.isRunDifference() && m_current && comparingRuns() && m_versus->current() &&
        effectiveRangeMode(source, settings().rangeMode) != RangeMode::Fixed) {
        if (m_runDifferenceMax < 0.0f || m_runDifferenceVariant != a) {
            const SampleDataPtr other = m_versus->current();
            const RunPair pair{m_current.get(), other.get(), a};
            if (m_current->keepsMaps() && other->keepsMaps()) {
                m_runDifferenceVariant = a;
                m_runDifferenceMax =
                    maxRunDifference(*m_current, *other, a, m_current->sample.ignoreIndex);
            } else if (!(m_runPending == pair)) {
                // Big samples are scored again for it: off the GUI thread; the heatmap is
                // drawn again with the range when it arrives.
                m_runPending = pair;
                pool::watch(m_runWatcher, pool::run([x = m_current, y = other, a] {
                                return maxRunDifference(*x, *y, a, x->sample.ignoreIndex);
                            }));
            }
        }
        in.pairMaxDifference = m_runDifferenceVariant == a ? m_runDifferenceMax : -1.0f;
    }
    return in;
}

ValueRange SampleView::rangeOf(const HeatmapSource& source) const {
    return heatmapRange(source, settings(), rangeSources(source));
}

ValueRange SampleView::currentRange() const {
    return rangeOf(shownSource());
}

ValueRange SampleView::sideRange() const {
    return rangeOf(shownSideSource().source);
}

QImage SampleView::compositeImage() const {
    return compositeJob()();
}

std::function<QImage()> SampleView::compositeJob() const {
    return m_renderer.fullJob(canvasSettings(shownSource()), currentRange());
}

bool SampleView::sideBySide() const {
    return m_state->sideBySide();
}

void SampleView::setSettings(const ViewSettings& settings) {
    m_state->setSettings(settings);
}

void SampleView::onSettingsChanged() {
    m_bar->load(settings());
    if (sideBySide())
        setSideContent(); // the side may now draw another run's sample
    render();
    emit settingsChanged();
}

QString SampleView::flipVariant() {
    ViewSettings s = settings();
    HeatmapSource& h = s.heatmap;
    if (h.isDifference())
        std::swap(h.a, h.b);
    else
        h.a = partnerVariant(h.a);
    setSettings(s);
    return h.isDifference() ? sourceLabel(h) : tr("Heatmap: %1").arg(sourceLabel(h));
}

void SampleView::setSideBySide(bool on) {
    m_state->setSideBySide(on);
}

void SampleView::balanceSplitter() {
    if (!sideBySide())
        return;
    // Equal canvases: the pane that carries a colour bar gets the bar's width more.
    const int bars = m_colorBar->isVisibleTo(this) ? m_colorBar->sizeHint().width() : 0;
    const int sideBars = m_sideColorBar->isVisibleTo(this) ? m_sideColorBar->sizeHint().width() : 0;
    const int total = std::max(2, m_splitter->width() - m_splitter->handleWidth());
    const int canvas = std::max(1, (total - bars - sideBars) / 2);
    m_splitter->setSizes({canvas + bars, total - canvas - bars});
}

QString SampleView::runName() const {
    return comparingRuns() && m_session->dataset()
               ? QString::fromStdString(m_session->dataset()->run())
               : QString();
}

void SampleView::render() {
    updateColorBar();
    if (!m_current)
        return;
    m_canvas->refresh();
    const HeatmapSource main = shownSource();
    const QString run = runName();
    m_canvas->setCaption(sourceLabel(main, run, m_versus->run()));
    if (sideBySide()) {
        const SideSource side = shownSideSource();
        m_sideCanvas->refresh();
        m_sideCanvas->setCaption(sourceLabel(side.source, side.versusRun ? m_versus->run() : run));
        m_sideCanvas->setView(m_canvas->zoom(), m_canvas->offset(), m_canvas->isFit());
    }
}

void SampleView::updateColorBar() {
    const ViewSettings& s = settings();
    const HeatmapSource main = shownSource();
    const ValueRange range = currentRange();
    const SampleDataPtr other = main.isRunDifference() ? m_versus->current() : nullptr;
    ColorBar::Scale scale;
    scale.lo = range.lo;
    scale.hi = range.hi;
    scale.log = usesLogScale(main, s);
    if (m_current) {
        // A pass over the sample: only when what it depends on changed, not for every
        // redraw (an opacity slider, a layer toggle).
        const ClipKey key{m_current.get(), other.get(), main, scale.log, range.lo, range.hi};
        if (!(key == m_clipKey)) {
            m_clipKey = key;
            if (m_current->keepsMaps() && (!other || other->keepsMaps())) {
                m_clip = rangeClipping(*m_current, main, scale.log, m_current->sample.ignoreIndex,
                                       range, other.get());
            } else {
                // A big sample's variant is scored again for the count: off the GUI thread;
                // the bar shows its clipped ends when it arrives (if still for this key).
                m_clip = {};
                pool::watch(m_clipWatcher,
                            pool::run([data = m_current, other, main, log = scale.log, range] {
                                return rangeClipping(*data, main, log, data->sample.ignoreIndex,
                                                     range, other.get());
                            }));
                m_clipPending = key;
            }
        }
        const RangeClipping& clip = m_clip;
        scale.below = clip.valid > 0 ? static_cast<double>(clip.below) / clip.valid : 0.0;
        scale.above = clip.valid > 0 ? static_cast<double>(clip.above) / clip.valid : 0.0;
    }
    const bool scored = m_session->isScored();
    const QString run = runName();
    m_colorBar->setMap(sourceLut(main, s.colormap), scale,
                       colorBarTitle(main, run, m_versus->run()),
                       rangeCaption(main, s.rangeMode, scored));
    // Side by side: the second canvas has a bar of its own when its colours differ (a
    // difference beside a plain variant); one shared bar, at the far right, otherwise.
    bool ownBar = false;
    if (sideBySide()) {
        const SideSource side = shownSideSource();
        const ValueRange sr = sideRange();
        ColorBar::Scale sideScale;
        sideScale.lo = sr.lo;
        sideScale.hi = sr.hi;
        sideScale.log = usesLogScale(side.source, s);
        ownBar = side.source.diverging() != main.diverging() || sr.lo != range.lo ||
                 sr.hi != range.hi || sideScale.log != scale.log;
        if (!ownBar)
            sideScale = scale;
        m_sideColorBar->setMap(
            sourceLut(side.source, s.colormap), sideScale,
            ownBar ? colorBarTitle(side.source, side.versusRun ? m_versus->run() : run, QString())
                   : sharedColorBarTitle(main, side),
            rangeCaption(side.source, s.rangeMode, scored));
    }
    const bool mainBar = !sideBySide() || ownBar;
    if (m_colorBar->isVisibleTo(this) != mainBar) {
        m_colorBar->setVisible(mainBar);
        balanceSplitter();
    }
    m_bar->showRange(range);
}

} // namespace losslens
