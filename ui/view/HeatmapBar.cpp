#include "view/HeatmapBar.h"
#include "render/HeatmapRange.h"
#include "state/VariantStyle.h"
#include "view/FlowLayout.h"

#include "losslens/loss/LossVariant.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>

#include <cmath>

namespace losslens {

namespace {
// A combo box as wide as `chars` characters, whatever its longest item.
void compactCombo(QComboBox* combo, int chars) {
    combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    combo->setMinimumContentsLength(chars);
}
} // namespace

namespace {
// Ends shown to four significant digits (a trained model's range can be 0.0027, a
// difference's 13.46), typed to six decimals.
class RangeSpinBox : public QDoubleSpinBox {
public:
    using QDoubleSpinBox::QDoubleSpinBox;
    QString textFromValue(double value) const override { return QString::number(value, 'g', 4); }
};
} // namespace

HeatmapBar::HeatmapBar(QWidget* parent)
    : QWidget(parent)
    // Groups of controls that wrap as units when the window is narrow (a flow, not a row
    // that would widen the window past the screen).
    , m_row(new FlowLayout(this, 10)) {
    m_row->setContentsMargins(4, 2, 4, 2);
    buildSourceBoxes();
    m_colormap = new QComboBox(this);
    m_colormap->setToolTip(tr("Colour map of the heatmap (a difference uses blue–white–red)"));
    for (Colormap map : allColormaps())
        m_colormap->addItem(toQString(colormapName(map)), static_cast<int>(map));
    // What a difference is drawn with, shown (not chosen) while the difference is on.
    m_colormap->addItem(tr("blue–white–red"), -1);
    compactCombo(m_colormap, 7);
    addGroup()->addWidget(m_colormap);

    buildRangeControls();
    for (QComboBox* combo : {m_variant, m_differenceA, m_differenceB, m_colormap})
        connect(combo, &QComboBox::currentIndexChanged, this, &HeatmapBar::notifyChanged);
    connect(m_rangeMode, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_loading && m_rangeMode->currentIndex() >= 0)
            m_rangeChoice = static_cast<RangeMode>(m_rangeMode->currentData().toInt());
        notifyChanged();
    });
    connect(m_log, &QCheckBox::toggled, this, &HeatmapBar::notifyChanged);
    for (QDoubleSpinBox* spin : {m_rangeLo, m_rangeHi})
        connect(spin, &QDoubleSpinBox::valueChanged, this, [this] {
            if (m_rangeChoice == RangeMode::Fixed)
                notifyChanged();
        });
    updateEnabled();
}

QHBoxLayout* HeatmapBar::addGroup() {
    auto* box = new QWidget(this);
    auto* layout = new QHBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    m_row->addWidget(box);
    return layout;
}

void HeatmapBar::notifyChanged() {
    if (m_loading)
        return;
    if (const int map = m_colormap->currentData().toInt(); map >= 0)
        m_colormapChoice = static_cast<Colormap>(map);
    updateEnabled();
    emit changed();
}

// The variant box and a difference's operands A and B.
void HeatmapBar::buildSourceBoxes() {
    m_variant = new QComboBox(this);
    m_variant->setObjectName(QStringLiteral("heatmapVariant"));
    m_variant->setToolTip(
        tr("Loss variant shown in the heatmap (Space flips standard and partial), or the "
           "difference A − B of any two"));
    m_differenceA = new QComboBox(this);
    m_differenceB = new QComboBox(this);
    for (QComboBox* combo : {m_differenceA, m_differenceB})
        combo->setToolTip(tr("Difference view: A − B on a diverging map centred on 0"));
    for (std::size_t v = 0; v < lossVariants().size(); ++v) {
        // Long names in the list, the short name in the box.
        m_variant->addItem(variantSwatch(v), variantLabel(v));
        m_differenceA->addItem(variantSwatch(v), variantLabel(v));
        m_differenceB->addItem(variantSwatch(v), variantLabel(v));
    }
    m_variant->addItem(tr("Difference A − B"));
    // This run minus the "vs" run, for the variant chosen in the box beside it.
    m_variant->addItem(tr("Run difference (this − vs)"));
    // A difference starts as the baseline minus the missing-aware variant (standard −
    // partial); switching to it from a variant starts from that variant and its partner.
    m_differenceA->setCurrentIndex(static_cast<int>(variantFor(VariantRole::Baseline)));
    m_differenceB->setCurrentIndex(static_cast<int>(variantFor(VariantRole::MissingAware)));
    connect(m_variant, &QComboBox::currentIndexChanged, this, [this](int index) {
        const auto variants = static_cast<int>(lossVariants().size());
        if (index >= 0 && index < variants) {
            m_lastVariant = static_cast<std::size_t>(index);
        } else if (index == variants && !m_loading) {
            const QSignalBlocker blockA(m_differenceA);
            const QSignalBlocker blockB(m_differenceB);
            m_differenceA->setCurrentIndex(static_cast<int>(m_lastVariant));
            m_differenceB->setCurrentIndex(static_cast<int>(partnerVariant(m_lastVariant)));
        } else if (index == variants + 1 && !m_loading) {
            const QSignalBlocker blockA(m_differenceA);
            m_differenceA->setCurrentIndex(static_cast<int>(m_lastVariant));
        }
    });
    compactCombo(m_variant, 13);
    compactCombo(m_differenceA, 10);
    compactCombo(m_differenceB, 10);
    m_minus = new QLabel(QStringLiteral("−"), this);
    addGroup()->addWidget(m_variant);
    QHBoxLayout* operands = addGroup(); // A − B: wraps apart from the variant box
    operands->addWidget(m_differenceA);
    operands->addWidget(m_minus);
    operands->addWidget(m_differenceB);
}

// The range mode, log scale, the range's ends and the zoom.
void HeatmapBar::buildRangeControls() {
    m_rangeMode = new QComboBox(this);
    m_rangeMode->setObjectName(QStringLiteral("rangeMode"));
    m_rangeMode->setToolTip(
        tr("Where the colour range comes from (one range for every variant, so a flip "
           "compares):\n"
           "Set, 99th pct: 99%% of all losses of the scored set fall below the top colour; "
           "the few above it are marked ▲ on the colour bar\n"
           "Set, max: the largest loss of the set\n"
           "Sample: the same for the viewed sample alone\n"
           "Fixed: the Min and Max you type\n"
           "Until the scan has scored the set, the set modes use the sample's figures."));
    QHBoxLayout* range = addGroup();
    range->addWidget(new QLabel(tr("Range"), this));
    compactCombo(m_rangeMode, 10);
    range->addWidget(m_rangeMode);
    m_log = new QCheckBox(tr("Log"), this);
    m_log->setToolTip(tr("Log colour scale over three decades below the top: small and large "
                         "losses both readable (not for a difference)"));
    range->addWidget(m_log);
    m_rangeLo = new RangeSpinBox(this);
    m_rangeHi = new RangeSpinBox(this);
    for (QDoubleSpinBox* spin : {m_rangeLo, m_rangeHi}) {
        spin->setRange(-100.0, 100.0);
        spin->setDecimals(6);
        spin->setSingleStep(0.1);
        spin->setToolTip(tr("The range in use; choose Fixed to type your own"));
        spin->setKeyboardTracking(false);
        const int width = spin->fontMetrics().horizontalAdvance(QStringLiteral("-0.0000000")) + 24;
        spin->setMinimumWidth(width);
        spin->setMaximumWidth(width);
    }
    m_rangeLo->setObjectName(QStringLiteral("rangeLo"));
    m_rangeHi->setObjectName(QStringLiteral("rangeHi"));
    QHBoxLayout* ends = addGroup();
    ends->addWidget(m_rangeLo);
    ends->addWidget(new QLabel(QStringLiteral("–"), this));
    ends->addWidget(m_rangeHi);
    m_zoom = new QLabel(this);
    m_zoom->setToolTip(tr("Zoom (screen pixels per image pixel)"));
    m_zoom->setMinimumWidth(m_zoom->fontMetrics().horizontalAdvance(QStringLiteral("0000%")));
    m_zoom->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    addGroup()->addWidget(m_zoom);
}

void HeatmapBar::updateEnabled() {
    const auto variants = static_cast<int>(lossVariants().size());
    const bool runs = m_variant->currentIndex() == variants + 1;
    const bool difference = m_variant->currentIndex() == variants || runs;
    m_differenceA->setVisible(difference);
    m_differenceB->setVisible(difference && !runs);
    m_minus->setVisible(difference && !runs);
    m_colormap->setEnabled(!difference);
    {
        const QSignalBlocker block(m_colormap);
        m_colormap->setCurrentIndex(difference
                                        ? m_colormap->findData(-1)
                                        : m_colormap->findData(static_cast<int>(m_colormapChoice)));
    }
    m_log->setEnabled(!difference);
    fillRangeModes(chosenSource());
    const bool fixed = m_rangeChoice == RangeMode::Fixed;
    m_rangeLo->setReadOnly(!fixed);
    m_rangeHi->setReadOnly(!fixed);
    m_rangeLo->setButtonSymbols(fixed ? QAbstractSpinBox::UpDownArrows
                                      : QAbstractSpinBox::NoButtons);
    m_rangeHi->setButtonSymbols(m_rangeLo->buttonSymbols());
}

HeatmapSource HeatmapBar::chosenSource() const {
    const auto variants = static_cast<int>(lossVariants().size());
    const auto index = [](const QComboBox* combo) {
        return static_cast<std::size_t>(std::max(0, combo->currentIndex()));
    };
    if (m_variant->currentIndex() == variants + 1)
        return HeatmapSource::runDifference(index(m_differenceA));
    if (m_variant->currentIndex() == variants)
        return HeatmapSource::difference(index(m_differenceA), index(m_differenceB));
    return HeatmapSource::variant(index(m_variant));
}

void HeatmapBar::fillRangeModes(const HeatmapSource& source) {
    // The modes this source can use, named for it: a difference's box never says "99th pct"
    // while its colour bar is scaled by the largest |A − B|. The user's choice is kept in
    // m_rangeChoice and shown as the mode it becomes for this source.
    const QSignalBlocker block(m_rangeMode);
    m_rangeMode->clear();
    for (RangeMode mode : rangeModesFor(source))
        m_rangeMode->addItem(rangeModeLabel(source, mode), static_cast<int>(mode));
    m_rangeMode->setCurrentIndex(std::max(
        0, m_rangeMode->findData(static_cast<int>(effectiveRangeMode(source, m_rangeChoice)))));
}

void HeatmapBar::load(const ViewSettings& settings) {
    m_loading = true;
    const auto variants = static_cast<int>(lossVariants().size());
    const HeatmapSource& h = settings.heatmap;
    m_variant->setCurrentIndex(h.isRunDifference() ? variants + 1
                               : h.isDifference()  ? variants
                                                   : static_cast<int>(h.a));
    if (!h.isVariant())
        m_differenceA->setCurrentIndex(static_cast<int>(h.a));
    if (h.isDifference())
        m_differenceB->setCurrentIndex(static_cast<int>(h.b));
    m_colormapChoice = settings.colormap;
    m_colormap->setCurrentIndex(m_colormap->findData(static_cast<int>(settings.colormap)));
    m_rangeChoice = settings.rangeMode;
    m_log->setChecked(settings.logScale);
    if (settings.rangeMode == RangeMode::Fixed) {
        m_rangeLo->setValue(static_cast<double>(settings.fixedRange.lo));
        m_rangeHi->setValue(static_cast<double>(settings.fixedRange.hi));
    }
    updateEnabled();
    m_loading = false;
}

void HeatmapBar::store(ViewSettings& settings) const {
    settings.heatmap = chosenSource();
    settings.colormap = m_colormapChoice;
    settings.rangeMode = m_rangeChoice;
    settings.logScale = m_log->isChecked();
    if (settings.rangeMode == RangeMode::Fixed) {
        settings.fixedRange = {static_cast<float>(m_rangeLo->value()),
                               static_cast<float>(m_rangeHi->value())};
    }
}

void HeatmapBar::showRange(ValueRange range) {
    if (m_rangeChoice == RangeMode::Fixed)
        return;
    m_loading = true;
    m_rangeLo->setValue(static_cast<double>(range.lo));
    m_rangeHi->setValue(static_cast<double>(range.hi));
    m_loading = false;
}

void HeatmapBar::showZoom(double zoom) {
    m_zoom->setText(zoom >= 0.1 ? QStringLiteral("%1%").arg(std::lround(zoom * 100.0))
                                : QStringLiteral("%1%").arg(zoom * 100.0, 0, 'g', 2));
}

QString HeatmapBar::zoomText() const {
    return m_zoom->text();
}

} // namespace losslens
