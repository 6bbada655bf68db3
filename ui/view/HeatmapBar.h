#pragma once

#include "state/ViewSettings.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QHBoxLayout;
class QLabel;

namespace losslens {

class FlowLayout;

// The heatmap's controls in one row above the canvas, where the eye already is: the variant
// (or the A - B difference and its two variants), the colour map, the range mode, the log
// scale, the fixed range's ends, and the zoom level. Like LayersPanel it edits the fields of
// a ViewSettings it owns (the heatmap's) and says when they changed.
class HeatmapBar : public QWidget {
    Q_OBJECT
public:
    explicit HeatmapBar(QWidget* parent = nullptr);

    void load(const ViewSettings& settings);
    void store(ViewSettings& settings) const;
    // The range in use, shown in the Min/Max boxes unless the range is fixed.
    void showRange(ValueRange range);
    void showZoom(double zoom);
    [[nodiscard]] QString zoomText() const;

signals:
    void changed();

private:
    void buildSourceBoxes();
    void buildRangeControls();
    // A group of controls that wraps as a unit in the bar's flow.
    [[nodiscard]] QHBoxLayout* addGroup();
    // A control changed (not while load() fills them): the bar emits changed().
    void notifyChanged();
    void updateEnabled();
    void fillRangeModes(const HeatmapSource& source);
    [[nodiscard]] HeatmapSource chosenSource() const;

    FlowLayout* m_row;
    QComboBox* m_variant = nullptr;
    QLabel* m_minus = nullptr;
    QComboBox* m_differenceA = nullptr;
    QComboBox* m_differenceB = nullptr;
    QComboBox* m_colormap = nullptr;
    QComboBox* m_rangeMode = nullptr;
    QCheckBox* m_log = nullptr;
    QDoubleSpinBox* m_rangeLo = nullptr;
    QDoubleSpinBox* m_rangeHi = nullptr;
    QLabel* m_zoom = nullptr;
    Colormap m_colormapChoice = Colormap::Viridis;  // kept while a difference shows its own
    RangeMode m_rangeChoice = RangeMode::SetRobust; // kept while a difference shows its own
    std::size_t m_lastVariant = 0; // the variant shown last, where a difference starts
    bool m_loading = false;
};

} // namespace losslens
