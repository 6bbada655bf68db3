#pragma once

#include "render/LayerImages.h"
#include "render/LayerRenderer.h"
#include "session/SampleData.h"
#include "state/ViewSettings.h"

#include <QFutureWatcher>
#include <QWidget>

class QSplitter;

namespace losslens {

class Canvas;
class ColorBar;
class VersusSample;
class HeatmapBar;
class DatasetSession;
class ViewState;

// The window's centre: the canvas (and the side-by-side one, zoom and pan in step), a colour
// bar per canvas whose colours differ, and the layer renderers. It follows the session and
// the view state itself: shows each sample as it arrives, a message when one cannot be
// loaded, redraws when the set's range grows or a setting changes. Each canvas draws one
// heatmap source and takes its colours and range from that source alone.
class SampleView : public QWidget {
    Q_OBJECT
public:
    SampleView(DatasetSession* session, ViewState* state, QWidget* parent = nullptr);
    ~SampleView() override;

    [[nodiscard]] Canvas* canvas() const { return m_canvas; }
    [[nodiscard]] Canvas* sideCanvas() const { return m_sideCanvas; }
    [[nodiscard]] SampleDataPtr current() const { return m_current; }
    [[nodiscard]] const ViewSettings& settings() const;
    [[nodiscard]] ViewState* state() const { return m_state; }
    [[nodiscard]] const LayerImages& layerImages() const { return m_renderer.layers(); }
    [[nodiscard]] const LayerImages& sideLayerImages() const { return m_partnerRenderer.layers(); }
    // What the main canvas draws (the settings' source; a run difference without the vs
    // run's sample draws its variant) and its range.
    [[nodiscard]] HeatmapSource shownSource() const;
    [[nodiscard]] ValueRange currentRange() const;
    // What the side-by-side canvas draws, and its range.
    [[nodiscard]] SideSource shownSideSource() const;
    [[nodiscard]] ValueRange sideRange() const;
    // The range a source is drawn over with the settings in view (the plain variants'
    // range for an export of every variant).
    [[nodiscard]] ValueRange rangeOf(const HeatmapSource& source) const;
    // The current sample composed as shown, every pixel at 1:1 (what an export writes).
    [[nodiscard]] QImage compositeImage() const;
    // The same, made by whichever thread calls the job (it holds what it draws).
    [[nodiscard]] std::function<QImage()> compositeJob() const;
    [[nodiscard]] bool sideBySide() const;
    [[nodiscard]] HeatmapBar* heatmapBar() const { return m_bar; }
    [[nodiscard]] ColorBar* colorBar() const { return m_colorBar; }
    [[nodiscard]] ColorBar* sideColorBar() const { return m_sideColorBar; }

    // Edits the view state (every observer follows).
    void setSettings(const ViewSettings& settings);
    // The heatmap's variant flips to its partner (or A and B swap); returns what it shows.
    QString flipVariant();
    void setSideBySide(bool on);
    // The vs run's sample of the stem in view, loaded.
    [[nodiscard]] VersusSample* versusSample() const { return m_versus; }
    [[nodiscard]] bool comparingRuns() const;
    // The heatmap shows this run minus the compared one (runDifference, and a comparable
    // sample of the other run is loaded).
    [[nodiscard]] bool showsRunDifference() const;
    // A message instead of a sample (opening, generating the demo, an error).
    void showMessage(const QString& text);
    // Forget the shown sample (a new set is opening).
    void clear();

signals:
    // The settings changed (by any control, a flip, or setSettings): panels reload.
    void settingsChanged();
    // A sample arrived and is shown (after the session's sampleReady).
    void sampleShown();
    void hoveredPixel(int x, int y);
    // An arrow key on a canvas asks for the previous (-1) or next (+1) sample.
    void stepRequested(int delta);

private:
    void buildLayout();
    void onSampleReady(const SampleDataPtr& data);
    void onSampleFailed(qulonglong entry, const QString& file, const QString& message);
    void onVersusSampleChanged();
    void onRunDifferenceMeasured();
    void onClippingMeasured();
    void onSideBySideChanged(bool on);
    void onSettingsChanged();
    void render();
    void setSideContent();
    void updateColorBar();
    void balanceSplitter();
    [[nodiscard]] RangeSources rangeSources(const HeatmapSource& source) const;
    [[nodiscard]] ViewSettings canvasSettings(const HeatmapSource& source) const;
    [[nodiscard]] QString runName() const;

    DatasetSession* m_session;
    ViewState* m_state;
    QSplitter* m_splitter = nullptr;
    QWidget* m_sidePane = nullptr;
    Canvas* m_canvas = nullptr;
    Canvas* m_sideCanvas = nullptr;
    ColorBar* m_colorBar = nullptr;
    ColorBar* m_sideColorBar = nullptr;
    VersusSample* m_versus = nullptr;
    // What the colour bar's clipped shares were computed for, and the shares.
    struct ClipKey {
        const SampleData* sample = nullptr;
        const SampleData* other = nullptr;
        HeatmapSource source;
        bool log = false;
        float lo = 0.0f;
        float hi = 0.0f;
        bool operator==(const ClipKey&) const = default;
    };
    ClipKey m_clipKey;
    RangeClipping m_clip;
    ClipKey m_clipPending; // what m_clipWatcher counts
    QFutureWatcher<RangeClipping> m_clipWatcher;
    mutable float m_runDifferenceMax = -1.0f; // of the pair in view; -1: not computed
    mutable std::size_t m_runDifferenceVariant = 0;
    // The pair a background count of the largest run difference is for (big samples).
    struct RunPair {
        const SampleData* sample = nullptr;
        const SampleData* other = nullptr;
        std::size_t variant = 0;
        bool operator==(const RunPair&) const = default;
    };
    mutable RunPair m_runPending;
    mutable QFutureWatcher<float> m_runWatcher;
    HeatmapBar* m_bar = nullptr;
    SampleDataPtr m_current;
    LayerRenderer m_renderer;        // the main canvas's layers
    LayerRenderer m_partnerRenderer; // the side-by-side canvas's
};

} // namespace losslens
