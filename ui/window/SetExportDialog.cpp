#include "window/SetExportDialog.h"
#include "state/VariantStyle.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

namespace losslens {

SetExportDialog::SetExportDialog(QWidget* parent)
    : QDialog(parent) {
    setWindowTitle(tr("Export whole set"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout();
    auto* folderRow = new QHBoxLayout();
    m_folder = new QLineEdit(this);
    m_folder->setObjectName(QStringLiteral("exportFolder"));
    m_folder->setPlaceholderText(tr("a folder; created if it does not exist"));
    m_folder->setMinimumWidth(320);
    auto* browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Export the whole set to"),
                                                              m_folder->text());
        if (!dir.isEmpty())
            m_folder->setText(dir);
    });
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(browse);
    form->addRow(tr("Folder"), folderRow);

    auto* ranges = new QVBoxLayout();
    m_shown = new QRadioButton(this);
    m_shown->setObjectName(QStringLiteral("rangeAsShown"));
    m_auto =
        new QRadioButton(tr("Auto: 0 to the set's largest loss (as losslens-cli export)"), this);
    m_auto->setObjectName(QStringLiteral("rangeAuto"));
    m_fixed = new QRadioButton(tr("Fixed:"), this);
    m_fixed->setObjectName(QStringLiteral("rangeFixed"));
    m_lo = new QDoubleSpinBox(this);
    m_hi = new QDoubleSpinBox(this);
    for (QDoubleSpinBox* spin : {m_lo, m_hi}) {
        spin->setRange(0.0, 100.0);
        spin->setDecimals(4);
        spin->setSingleStep(0.1);
        connect(spin, &QDoubleSpinBox::valueChanged, m_fixed,
                [this] { m_fixed->setChecked(true); });
    }
    m_hi->setValue(1.0);
    auto* fixedRow = new QHBoxLayout();
    fixedRow->addWidget(m_fixed);
    fixedRow->addWidget(m_lo);
    fixedRow->addWidget(new QLabel(QStringLiteral("–"), this));
    fixedRow->addWidget(m_hi);
    fixedRow->addStretch(1);
    ranges->addWidget(m_shown);
    ranges->addWidget(m_auto);
    ranges->addLayout(fixedRow);
    m_shown->setChecked(true);
    form->addRow(tr("Range"), ranges);

    m_colormap = new QComboBox(this);
    for (Colormap map : allColormaps())
        m_colormap->addItem(toQString(colormapName(map)), static_cast<int>(map));
    form->addRow(tr("Colour map"), m_colormap);
    m_log = new QCheckBox(tr("Log scale (three decades below the top)"), this);
    form->addRow(tr("Scale"), m_log);
    layout->addLayout(form);
    auto* note = new QLabel(tr("Writes per sample the .npy maps and .png heatmaps of every "
                               "variant and w0, then legend.png, summary.json (with the range, "
                               "colour map and scale) and summary.csv."),
                            this);
    note->setWordWrap(true);
    layout->addWidget(note);
    m_error = new QLabel(this);
    m_error->setStyleSheet(QStringLiteral("color: #b00020"));
    m_error->setWordWrap(true);
    m_error->hide();
    layout->addWidget(m_error);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Export"));
    connect(buttons, &QDialogButtonBox::accepted, this, &SetExportDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SetExportDialog::reject);
    layout->addWidget(buttons);
}

void SetExportDialog::setFolder(const QString& folder) {
    m_folder->setText(folder);
}

void SetExportDialog::setShown(ValueRange range, const QString& source) {
    m_shown->setText(tr("As shown in the window: %1 – %2 (%3)")
                         .arg(static_cast<double>(range.lo), 0, 'g', 4)
                         .arg(static_cast<double>(range.hi), 0, 'g', 4)
                         .arg(source));
    m_lo->setValue(static_cast<double>(range.lo));
    m_hi->setValue(static_cast<double>(range.hi));
    m_shown->setChecked(true);
}

void SetExportDialog::setColormap(Colormap map) {
    m_colormap->setCurrentIndex(m_colormap->findData(static_cast<int>(map)));
}

void SetExportDialog::setLog(bool log) {
    m_log->setChecked(log);
}

QString SetExportDialog::folder() const {
    return QDir::cleanPath(m_folder->text().trimmed());
}

SetExportChoice SetExportDialog::choice() const {
    SetExportChoice c;
    c.range = m_shown->isChecked()  ? SetExportChoice::Range::AsShown
              : m_auto->isChecked() ? SetExportChoice::Range::Auto
                                    : SetExportChoice::Range::Fixed;
    c.fixed = ValueRange{static_cast<float>(m_lo->value()), static_cast<float>(m_hi->value())};
    c.colormap = static_cast<Colormap>(m_colormap->currentData().toInt());
    c.log = m_log->isChecked();
    return c;
}

void SetExportDialog::accept() {
    const QString dir = folder();
    QString problem;
    if (m_folder->text().trimmed().isEmpty())
        problem = tr("Choose a folder to export to.");
    else if (m_fixed->isChecked() && !(m_hi->value() > m_lo->value()))
        problem = tr("The fixed range needs Max > Min.");
    else if (m_log->isChecked() && m_fixed->isChecked() && !(m_lo->value() > 0.0))
        problem = tr("A log scale needs Min > 0.");
    else if (!QDir().mkpath(dir))
        problem = tr("%1: the folder cannot be created.").arg(QDir::toNativeSeparators(dir));
    if (!problem.isEmpty()) {
        m_error->setText(problem);
        m_error->show();
        return;
    }
    QDialog::accept();
}

} // namespace losslens
