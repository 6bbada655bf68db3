// losslens: the inspector window. With a folder argument it opens that data set, without
// one the built-in demo set.
#include "losslens/ui/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("LossLens"));
    QApplication::setOrganizationName(QStringLiteral("LossLens"));
    QApplication::setApplicationVersion(QStringLiteral(LOSSLENS_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Inspector for semantic-segmentation losses with missing annotations."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        QStringLiteral("DATASET"),
        QStringLiteral("Data set folder (default: the built-in demo set)."),
        QStringLiteral("[DATASET]"));
    parser.process(app);

    losslens::MainWindow window;
    window.show();
    const QStringList args = parser.positionalArguments();
    if (args.isEmpty())
        window.openDemo();
    else
        window.openFolder(args.front());
    return QApplication::exec();
}
