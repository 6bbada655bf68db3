#pragma once

#include "losslens/io/ClassInfo.h"
#include "state/ViewSettings.h"

#include <QStringList>
#include <QWidget>

#include <array>

class QCheckBox;
class QGroupBox;
class QComboBox;
class QListWidget;
class QSlider;

class QLineEdit;

namespace losslens {

// Whether a class row ("id  name") answers a search of the class list: a number finds the
// class of that id, any text the classes whose name holds it (case ignored). An empty query
// finds every class.
[[nodiscard]] bool classRowMatches(int id, const QString& name, const QString& query);

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
    // The rows the search field leaves in view (all of them while it is empty).
    [[nodiscard]] QStringList visibleClassRows() const;

signals:
    void changed();

private slots:
    void filterClasses(const QString& query);

private:
    [[nodiscard]] QGroupBox* buildLayers();
    [[nodiscard]] QGroupBox* buildClasses();
    [[nodiscard]] QGroupBox* buildMarks();
    // A control changed by the user (not by load()): changed().
    void userChanged();
    struct LayerRow {
        QCheckBox* visible = nullptr;
        QSlider* opacity = nullptr;
    };
    std::array<LayerRow, kLayerCount> m_layers{};
    QComboBox* m_groundTruthStyle = nullptr;
    QComboBox* m_predictionStyle = nullptr;
    QLineEdit* m_findClass = nullptr;
    QListWidget* m_classes = nullptr;
    QComboBox* m_removedStyle = nullptr;
    QCheckBox* m_dimImage = nullptr;
    bool m_loading = false;
};

} // namespace losslens
