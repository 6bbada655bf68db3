#include "losslens/ui/LayersPanel.h"
#include "losslens/ui/VariantStyle.h"

#include "losslens/loss/LossVariant.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QListWidget>
#include <QPixmap>
#include <QSignalBlocker>
#include <QSlider>
#include <QVBoxLayout>

namespace losslens {

LayersPanel::LayersPanel(QWidget* parent)
    : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);

    auto* layersBox = new QGroupBox(tr("Layers"), this);
    auto* grid = new QGridLayout(layersBox);
    const QString names[] = {tr("Image"), tr("Ground truth"), tr("Prediction"), tr("Loss heatmap"),
                             tr("Removed penalty")};
    const QString tips[] = {
        tr("The sample's image (grey when there is none)"), tr("Labelled classes in class colours"),
        tr("The model's predicted class (argmax) in class colours"),
        tr("Per-pixel loss of the chosen variant, in the chosen colour map"),
        tr("Background-labelled pixels whose penalty the partial variant removes (w0 = 0): "
           "hatched magenta and yellow")};
    for (std::size_t i = 0; i < kLayerCount; ++i) {
        auto& row = m_layers[i];
        row.visible = new QCheckBox(names[i], layersBox);
        row.visible->setToolTip(tips[i]);
        row.opacity = new QSlider(Qt::Horizontal, layersBox);
        row.opacity->setRange(0, 100);
        row.opacity->setToolTip(tr("Opacity of the %1 layer").arg(names[i].toLower()));
        grid->addWidget(row.visible, static_cast<int>(i), 0);
        grid->addWidget(row.opacity, static_cast<int>(i), 1);
        connect(row.visible, &QCheckBox::toggled, this, [this] {
            if (!m_loading)
                emit changed();
        });
        connect(row.opacity, &QSlider::valueChanged, this, [this] {
            if (!m_loading)
                emit changed();
        });
    }
    layout->addWidget(layersBox);

    auto* classBox = new QGroupBox(tr("Classes"), this);
    auto* classForm = new QFormLayout(classBox);
    m_groundTruthStyle = new QComboBox(classBox);
    m_predictionStyle = new QComboBox(classBox);
    for (QComboBox* combo : {m_groundTruthStyle, m_predictionStyle}) {
        combo->addItem(tr("Filled"), static_cast<int>(ClassStyle::Filled));
        combo->addItem(tr("Outline"), static_cast<int>(ClassStyle::Outline));
        connect(combo, &QComboBox::currentIndexChanged, this, [this] {
            if (!m_loading)
                emit changed();
        });
    }
    m_groundTruthStyle->setToolTip(tr("Draw ground-truth classes filled or as outlines"));
    m_predictionStyle->setToolTip(tr("Draw predicted classes filled or as outlines"));
    classForm->addRow(tr("Ground truth"), m_groundTruthStyle);
    classForm->addRow(tr("Prediction"), m_predictionStyle);
    m_classes = new QListWidget(classBox);
    m_classes->setToolTip(
        tr("Untick a class to hide it in the ground-truth and prediction layers"));
    m_classes->setMaximumHeight(130);
    connect(m_classes, &QListWidget::itemChanged, this, [this] {
        if (!m_loading)
            emit changed();
    });
    classForm->addRow(m_classes);
    layout->addWidget(classBox);

    auto* heatBox = new QGroupBox(tr("Heatmap"), this);
    auto* heatForm = new QFormLayout(heatBox);
    m_variant = new QComboBox(heatBox);
    m_variant->setToolTip(
        tr("Loss variant shown in the heatmap (Space flips standard and partial)"));
    m_differenceA = new QComboBox(heatBox);
    m_differenceB = new QComboBox(heatBox);
    m_differenceA->setToolTip(tr("Difference view: A − B on a diverging map centred on 0"));
    m_differenceB->setToolTip(tr("Difference view: A − B on a diverging map centred on 0"));
    for (std::size_t v = 0; v < lossVariants().size(); ++v) {
        m_variant->addItem(variantLabel(v));
        m_differenceA->addItem(variantLabel(v));
        m_differenceB->addItem(variantLabel(v));
    }
    m_variant->addItem(tr("Difference A − B"));
    m_colormap = new QComboBox(heatBox);
    m_colormap->setToolTip(tr("Colour map of the heatmap"));
    for (Colormap map : allColormaps())
        m_colormap->addItem(toQString(colormapName(map)), static_cast<int>(map));
    m_autoRange = new QCheckBox(tr("Auto (whole set, all variants)"), heatBox);
    m_autoRange->setToolTip(tr("One range for every sample and variant, so colours compare"));
    m_rangeLo = new QDoubleSpinBox(heatBox);
    m_rangeHi = new QDoubleSpinBox(heatBox);
    for (QDoubleSpinBox* spin : {m_rangeLo, m_rangeHi}) {
        spin->setRange(-100.0, 100.0);
        spin->setDecimals(3);
        spin->setSingleStep(0.1);
        spin->setToolTip(tr("Fixed heatmap range (untick Auto to use it)"));
    }
    heatForm->addRow(tr("Variant"), m_variant);
    heatForm->addRow(tr("A"), m_differenceA);
    heatForm->addRow(tr("B"), m_differenceB);
    heatForm->addRow(tr("Colour map"), m_colormap);
    heatForm->addRow(tr("Range"), m_autoRange);
    heatForm->addRow(tr("Min"), m_rangeLo);
    heatForm->addRow(tr("Max"), m_rangeHi);
    for (QComboBox* combo : {m_variant, m_differenceA, m_differenceB, m_colormap})
        connect(combo, &QComboBox::currentIndexChanged, this, [this] {
            if (!m_loading)
                emit changed();
        });
    connect(m_autoRange, &QCheckBox::toggled, this, [this](bool on) {
        m_rangeLo->setEnabled(!on);
        m_rangeHi->setEnabled(!on);
        if (!m_loading)
            emit changed();
    });
    for (QDoubleSpinBox* spin : {m_rangeLo, m_rangeHi})
        connect(spin, &QDoubleSpinBox::valueChanged, this, [this] {
            if (!m_loading && !m_autoRange->isChecked())
                emit changed();
        });
    layout->addWidget(heatBox);
    layout->addStretch(1);
}

void LayersPanel::load(const ViewSettings& settings) {
    m_loading = true;
    for (std::size_t i = 0; i < kLayerCount; ++i) {
        m_layers[i].visible->setChecked(settings.layers[i].visible);
        m_layers[i].opacity->setValue(static_cast<int>(settings.layers[i].opacity * 100.0f + 0.5f));
    }
    m_groundTruthStyle->setCurrentIndex(
        m_groundTruthStyle->findData(static_cast<int>(settings.groundTruthStyle)));
    m_predictionStyle->setCurrentIndex(
        m_predictionStyle->findData(static_cast<int>(settings.predictionStyle)));
    const auto variants = static_cast<int>(lossVariants().size());
    m_variant->setCurrentIndex(settings.difference ? variants : static_cast<int>(settings.variant));
    m_differenceA->setCurrentIndex(static_cast<int>(settings.differenceA));
    m_differenceB->setCurrentIndex(static_cast<int>(settings.differenceB));
    m_colormap->setCurrentIndex(m_colormap->findData(static_cast<int>(settings.colormap)));
    m_autoRange->setChecked(settings.autoRange);
    m_rangeLo->setEnabled(!settings.autoRange);
    m_rangeHi->setEnabled(!settings.autoRange);
    if (!settings.autoRange) {
        m_rangeLo->setValue(static_cast<double>(settings.rangeLo));
        m_rangeHi->setValue(static_cast<double>(settings.rangeHi));
    }
    for (int i = 0; i < m_classes->count(); ++i)
        m_classes->item(i)->setCheckState(settings.classVisible(i) ? Qt::Checked : Qt::Unchecked);
    m_loading = false;
}

void LayersPanel::store(ViewSettings& settings) const {
    for (std::size_t i = 0; i < kLayerCount; ++i) {
        settings.layers[i].visible = m_layers[i].visible->isChecked();
        settings.layers[i].opacity = static_cast<float>(m_layers[i].opacity->value()) / 100.0f;
    }
    settings.groundTruthStyle = static_cast<ClassStyle>(m_groundTruthStyle->currentData().toInt());
    settings.predictionStyle = static_cast<ClassStyle>(m_predictionStyle->currentData().toInt());
    const auto variants = static_cast<int>(lossVariants().size());
    settings.difference = m_variant->currentIndex() == variants;
    if (!settings.difference)
        settings.variant = static_cast<std::size_t>(std::max(0, m_variant->currentIndex()));
    settings.differenceA = static_cast<std::size_t>(std::max(0, m_differenceA->currentIndex()));
    settings.differenceB = static_cast<std::size_t>(std::max(0, m_differenceB->currentIndex()));
    settings.colormap = static_cast<Colormap>(m_colormap->currentData().toInt());
    settings.autoRange = m_autoRange->isChecked();
    settings.rangeLo = static_cast<float>(m_rangeLo->value());
    settings.rangeHi = static_cast<float>(m_rangeHi->value());
    settings.hiddenClasses.assign(static_cast<std::size_t>(m_classes->count()), false);
    for (int i = 0; i < m_classes->count(); ++i)
        settings.hiddenClasses[static_cast<std::size_t>(i)] =
            m_classes->item(i)->checkState() != Qt::Checked;
}

void LayersPanel::setClasses(const std::vector<ClassInfo>& classes, const ViewSettings& settings) {
    m_loading = true;
    m_classes->clear();
    for (std::size_t c = 0; c < classes.size(); ++c) {
        QPixmap swatch(12, 12);
        swatch.fill(QColor(classes[c].color[0], classes[c].color[1], classes[c].color[2]));
        auto* item = new QListWidgetItem(
            QIcon(swatch),
            QStringLiteral("%1  %2").arg(c).arg(QString::fromStdString(classes[c].name)),
            m_classes);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(settings.classVisible(static_cast<int>(c)) ? Qt::Checked
                                                                       : Qt::Unchecked);
    }
    m_loading = false;
}

void LayersPanel::setAutoRangeValues(float lo, float hi) {
    if (!m_autoRange->isChecked())
        return;
    m_loading = true;
    m_rangeLo->setValue(static_cast<double>(lo));
    m_rangeHi->setValue(static_cast<double>(hi));
    m_loading = false;
}

} // namespace losslens
