#include "losslens/ui/MainWindow.h"

#include <QApplication>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("LossLens"));
    QApplication::setOrganizationName(QStringLiteral("LossLens"));
    QApplication::setApplicationVersion(QStringLiteral(LOSSLENS_VERSION));
    losslens::MainWindow window;
    window.show();
    return QApplication::exec();
}
