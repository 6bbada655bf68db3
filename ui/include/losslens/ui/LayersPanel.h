#pragma once

#include "losslens/io/ClassInfo.h"
#include "losslens/ui/ViewSettings.h"

#include <QWidget>

#include <array>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QListWidget;
class QSlider;

namespace losslens {

// The controls of what the canvas shows: layers (visibility, opacity), class styles and
// per-class visibility, and the heatmap (variant or difference, colour map, range).
// It edits a ViewSettings and says when it changed; it holds no other state.
class LayersPanel : public QWidget {
    Q_OBJECT
public:
    explicit LayersPanel(QWidget* parent = nullptr);

    void load(const ViewSettings& settings);
    void store(ViewSettings& settings) const;
    void setClasses(const std::vector<ClassInfo>& classes, const ViewSettings& settings);
    void setAutoRangeValues(float lo, float hi);

signals:
    void changed();

private:
    struct LayerRow {
        QCheckBox* visible = nullptr;
        QSlider* opacity = nullptr;
    };
    std::array<LayerRow, kLayerCount> m_layers{};
    QComboBox* m_groundTruthStyle = nullptr;
    QComboBox* m_predictionStyle = nullptr;
    QListWidget* m_classes = nullptr;
    QComboBox* m_variant = nullptr;
    QComboBox* m_differenceA = nullptr;
    QComboBox* m_differenceB = nullptr;
    QComboBox* m_colormap = nullptr;
    QCheckBox* m_autoRange = nullptr;
    QDoubleSpinBox* m_rangeLo = nullptr;
    QDoubleSpinBox* m_rangeHi = nullptr;
    bool m_loading = false;
};

} // namespace losslens
