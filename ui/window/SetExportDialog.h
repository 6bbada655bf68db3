#pragma once

#include "window/SetExport.h"

#include <QDialog>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QRadioButton;

namespace losslens {

// "Export whole set": where to (a folder that does not exist yet is created, as the CLI
// does), and how the heatmaps are coloured, the same choices as `losslens-cli export
// --range --colormap`: the window's range as shown (the default, so the files look like the
// screen), the CLI's auto range, or a fixed one; the colour map; a log scale.
class SetExportDialog : public QDialog {
    Q_OBJECT
public:
    explicit SetExportDialog(QWidget* parent = nullptr);

    void setFolder(const QString& folder);
    // The window's range for a single variant, and where it comes from ("set p99").
    void setShown(ValueRange range, const QString& source);
    void setColormap(Colormap map);
    void setLog(bool log);

    [[nodiscard]] QString folder() const;
    [[nodiscard]] SetExportChoice choice() const;

    void accept() override;

private:
    QLineEdit* m_folder = nullptr;
    QRadioButton* m_shown = nullptr;
    QRadioButton* m_auto = nullptr;
    QRadioButton* m_fixed = nullptr;
    QDoubleSpinBox* m_lo = nullptr;
    QDoubleSpinBox* m_hi = nullptr;
    QComboBox* m_colormap = nullptr;
    QCheckBox* m_log = nullptr;
    QLabel* m_error = nullptr;
};

} // namespace losslens
