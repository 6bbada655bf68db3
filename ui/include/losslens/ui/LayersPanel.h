#pragma once

#include "losslens/io/ClassInfo.h"
#include "losslens/ui/ViewSettings.h"

#include <QStringList>
#include <QWidget>

#include <array>

class QCheckBox;
class QComboBox;
class QListWidget;
class QSlider;

namespace losslens {

// The controls of what the canvas shows: layers (visibility, opacity), class styles and
// per-class visibility, how removed pixels are marked and whether the image is dimmed
// (the heatmap's own controls are the HeatmapBar above the canvas). It edits those fields
// of a ViewSettings and says when they changed; it holds no other state.
class LayersPanel : public QWidget {
    Q_OBJECT
public:
    explicit LayersPanel(QWidget* parent = nullptr);

    void load(const ViewSettings& settings);
    void store(ViewSettings& settings) const;
    void setClasses(const std::vector<ClassInfo>& classes, const ViewSettings& settings);
    // The class list as shown: "id  name" per class.
    [[nodiscard]] QStringList classRows() const;

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
    QComboBox* m_removedStyle = nullptr;
    QCheckBox* m_dimImage = nullptr;
    bool m_loading = false;
};

} // namespace losslens
