#include "losslens/ui/MainWindow.h"

#include <QLabel>

namespace losslens {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent) {
    setWindowTitle(QStringLiteral("LossLens"));
    auto* label = new QLabel(tr("LossLens"), this);
    label->setAlignment(Qt::AlignCenter);
    setCentralWidget(label);
    resize(1280, 800);
}

} // namespace losslens
