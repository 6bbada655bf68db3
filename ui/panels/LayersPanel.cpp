#include "panels/LayersPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPixmap>
#include <QSignalBlocker>
#include <QSlider>
#include <QVBoxLayout>

#include <cmath>

namespace losslens {

LayersPanel::LayersPanel(QWidget* parent)
    : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(buildLayers());
    layout->addWidget(buildClasses());
    layout->addWidget(buildMarks());
    layout->addStretch(1);
}

void LayersPanel::userChanged() {
    if (!m_loading)
        emit changed();
}

// Each layer's switch and opacity.
QGroupBox* LayersPanel::buildLayers() {
    auto* layersBox = new QGroupBox(tr("Layers"), this);
    auto* grid = new QGridLayout(layersBox);
    const QString names[] = {tr("Image"), tr("Ground truth"), tr("Prediction"), tr("Loss heatmap"),
                             tr("Removed penalty")};
    const QString tips[] = {
        tr("The sample's image (grey when there is none)"), tr("Labelled classes in class colours"),
        tr("The model's predicted class (argmax) in class colours"),
        tr("Per-pixel loss of the chosen variant, in the chosen colour map"),
        tr("Background-labelled pixels whose penalty the partial variant removes (w0 = 0): "
           "a magenta outline and sparse hatch, the heatmap readable beneath")};
    for (std::size_t i = 0; i < kLayerCount; ++i) {
        auto& row = m_layers[i];
        row.visible = new QCheckBox(names[i], layersBox);
        row.visible->setToolTip(tips[i]);
        row.opacity = new QSlider(Qt::Horizontal, layersBox);
        row.opacity->setRange(0, 100);
        row.opacity->setToolTip(tr("Opacity of the %1 layer").arg(names[i].toLower()));
        grid->addWidget(row.visible, static_cast<int>(i), 0);
        grid->addWidget(row.opacity, static_cast<int>(i), 1);
        connect(row.visible, &QCheckBox::toggled, this, &LayersPanel::userChanged);
        connect(row.opacity, &QSlider::valueChanged, this, &LayersPanel::userChanged);
    }
    return layersBox;
}

// How classes are drawn, and which: a searched list (LVIS has 1,203 classes).
QGroupBox* LayersPanel::buildClasses() {
    auto* classBox = new QGroupBox(tr("Classes"), this);
    auto* classForm = new QFormLayout(classBox);
    m_groundTruthStyle = new QComboBox(classBox);
    m_predictionStyle = new QComboBox(classBox);
    for (QComboBox* combo : {m_groundTruthStyle, m_predictionStyle}) {
        combo->addItem(tr("Filled"), static_cast<int>(ClassStyle::Filled));
        combo->addItem(tr("Outline"), static_cast<int>(ClassStyle::Outline));
        combo->addItem(tr("Stripes"), static_cast<int>(ClassStyle::Striped));
        connect(combo, &QComboBox::currentIndexChanged, this, &LayersPanel::userChanged);
    }
    m_groundTruthStyle->setToolTip(
        tr("Draw ground-truth classes filled, as outlines (dashed with black, so they show "
           "over a prediction of the same class) or as stripes"));
    m_predictionStyle->setToolTip(
        tr("Draw predicted classes filled, as outlines, or as stripes of the pure class colour "
           "with the heatmap between them (no blended colours)"));
    classForm->addRow(tr("Ground truth"), m_groundTruthStyle);
    classForm->addRow(tr("Prediction"), m_predictionStyle);
    // LVIS has 1,203 classes: the list is searched, not scrolled.
    m_findClass = new QLineEdit(classBox);
    m_findClass->setObjectName(QStringLiteral("findClass"));
    m_findClass->setPlaceholderText(tr("Find a class by name or id…"));
    m_findClass->setClearButtonEnabled(true);
    connect(m_findClass, &QLineEdit::textChanged, this, &LayersPanel::filterClasses);
    classForm->addRow(m_findClass);
    m_classes = new QListWidget(classBox);
    m_classes->setToolTip(
        tr("Untick a class to hide it in the ground-truth and prediction layers"));
    m_classes->setMaximumHeight(130);
    connect(m_classes, &QListWidget::itemChanged, this, &LayersPanel::userChanged);
    classForm->addRow(m_classes);
    return classBox;
}

// The removed-penalty mark and the image under the heatmap.
QGroupBox* LayersPanel::buildMarks() {
    auto* marksBox = new QGroupBox(tr("Marks"), this);
    auto* marksForm = new QFormLayout(marksBox);
    m_removedStyle = new QComboBox(marksBox);
    m_removedStyle->addItem(tr("Outline + sparse hatch"), static_cast<int>(MarkStyle::Hatched));
    m_removedStyle->addItem(tr("Outline only"), static_cast<int>(MarkStyle::Outline));
    m_removedStyle->setToolTip(
        tr("How removed-penalty pixels are marked. Side by side and in a difference the "
           "outline alone is drawn, so the heatmaps being compared show plainly."));
    marksForm->addRow(tr("Removed penalty"), m_removedStyle);
    m_dimImage = new QCheckBox(tr("Grey, dimmed image under the heatmap"), marksBox);
    m_dimImage->setToolTip(
        tr("Draw the image in dimmed grey while the heatmap is shown, so its colours do not "
           "tint the heatmap's (a zero difference stays white)"));
    marksForm->addRow(m_dimImage);
    connect(m_removedStyle, &QComboBox::currentIndexChanged, this, &LayersPanel::userChanged);
    connect(m_dimImage, &QCheckBox::toggled, this, &LayersPanel::userChanged);
    return marksBox;
}

void LayersPanel::load(const ViewSettings& settings) {
    m_loading = true;
    for (std::size_t i = 0; i < kLayerCount; ++i) {
        m_layers[i].visible->setChecked(settings.layers[i].visible);
        m_layers[i].opacity->setValue(
            static_cast<int>(std::lround(settings.layers[i].opacity * 100.0f)));
    }
    m_groundTruthStyle->setCurrentIndex(
        m_groundTruthStyle->findData(static_cast<int>(settings.groundTruthStyle)));
    m_predictionStyle->setCurrentIndex(
        m_predictionStyle->findData(static_cast<int>(settings.predictionStyle)));
    m_removedStyle->setCurrentIndex(
        m_removedStyle->findData(static_cast<int>(settings.removedStyle)));
    m_dimImage->setChecked(settings.dimImage);
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
    settings.removedStyle = static_cast<MarkStyle>(m_removedStyle->currentData().toInt());
    settings.dimImage = m_dimImage->isChecked();
    settings.hiddenClasses.assign(static_cast<std::size_t>(m_classes->count()), false);
    for (int i = 0; i < m_classes->count(); ++i)
        settings.hiddenClasses[static_cast<std::size_t>(i)] =
            m_classes->item(i)->checkState() != Qt::Checked;
}

QStringList LayersPanel::classRows() const {
    QStringList rows;
    for (int i = 0; i < m_classes->count(); ++i)
        rows << m_classes->item(i)->text();
    return rows;
}

bool classRowMatches(int id, const QString& name, const QString& query) {
    const QString q = query.trimmed();
    if (q.isEmpty())
        return true;
    bool number = false;
    const int wanted = q.toInt(&number);
    if (number && wanted == id)
        return true;
    return name.contains(q, Qt::CaseInsensitive);
}

void LayersPanel::filterClasses(const QString& query) {
    for (int i = 0; i < m_classes->count(); ++i) {
        QListWidgetItem* item = m_classes->item(i);
        item->setHidden(!classRowMatches(i, item->data(Qt::UserRole).toString(), query));
    }
}

QStringList LayersPanel::visibleClassRows() const {
    QStringList rows;
    for (int i = 0; i < m_classes->count(); ++i)
        if (!m_classes->item(i)->isHidden())
            rows << m_classes->item(i)->text();
    return rows;
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
        item->setData(Qt::UserRole, QString::fromStdString(classes[c].name));
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(settings.classVisible(static_cast<int>(c)) ? Qt::Checked
                                                                       : Qt::Unchecked);
    }
    filterClasses(m_findClass->text()); // a search in progress holds for the new list
    m_loading = false;
}

} // namespace losslens
