// losslens: the inspector window. With a folder argument it opens that data set, without
// one the built-in demo set.
#include "losslens/ui/DatasetSession.h"
#include "losslens/ui/MainWindow.h"
#include "losslens/ui/MemoryPolicy.h"

#include <QApplication>
#include <QCommandLineParser>

#include <cstdio>

int main(int argc, char** argv) {
    losslens::returnLargeBuffersToTheSystem();
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("LossLens"));
    QApplication::setOrganizationName(QStringLiteral("LossLens"));
    // Wayland and the desktop match the window to io.github.losslens.LossLens.desktop.
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.losslens.LossLens"));
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
    QCommandLineOption maxPixels(
        QStringLiteral("max-pixels"),
        QStringLiteral("Refuse a sample with more than N pixels (default 16384^2)."),
        QStringLiteral("N"));
    QCommandLineOption maxClasses(
        QStringLiteral("max-classes"),
        QStringLiteral("Refuse a prediction with more than N classes (default 1024)."),
        QStringLiteral("N"));
    parser.addOption(maxPixels);
    parser.addOption(maxClasses);
    parser.process(app);

    losslens::DataLimits limits;
    bool ok = true;
    if (parser.isSet(maxPixels)) {
        const qlonglong n = parser.value(maxPixels).toLongLong(&ok);
        if (!ok || n < 1 || n > losslens::DataLimits::kMaxPixelsLimit) {
            std::fprintf(stderr, "losslens: --max-pixels needs a number from 1 to 2^36\n");
            return 2;
        }
        limits.maxPixels = n;
    }
    if (parser.isSet(maxClasses)) {
        const int n = parser.value(maxClasses).toInt(&ok);
        if (!ok || n < losslens::DataLimits::kMinClasses ||
            n > losslens::DataLimits::kMaxClassesLimit) {
            std::fprintf(stderr, "losslens: --max-classes needs a number from %d to %d\n",
                         losslens::DataLimits::kMinClasses, losslens::DataLimits::kMaxClassesLimit);
            return 2;
        }
        limits.maxClasses = n;
    }

    losslens::MainWindow window;
    window.session()->setLimits(limits);
    window.show();
    const QStringList args = parser.positionalArguments();
    if (args.isEmpty())
        window.openDemo();
    else
        window.openFolder(args.front());
    return QApplication::exec();
}
