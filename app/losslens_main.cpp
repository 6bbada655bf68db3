// losslens: the inspector window. With a folder argument it opens that data set, without
// one the built-in demo set.
#include "session/DatasetSession.h"
#include "session/MemoryPolicy.h"
#include "window/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>

#include <cstdio>
#include <cstdlib>

namespace {

struct Options {
    QCommandLineOption maxPixels{
        QStringLiteral("max-pixels"),
        QStringLiteral("Refuse a sample with more than N pixels (default 16384^2)."),
        QStringLiteral("N")};
    QCommandLineOption maxClasses{
        QStringLiteral("max-classes"),
        QStringLiteral("Refuse a prediction with more than N classes (default 4096)."),
        QStringLiteral("N")};
    QCommandLineOption maxMemory{
        QStringLiteral("max-memory"),
        QStringLiteral("Refuse a sample that would take more than SIZE to load and score "
                       "(512M, 8G; default half of this machine's memory)."),
        QStringLiteral("SIZE")};
    QCommandLineOption reviewDb{
        QStringLiteral("review-db"),
        QStringLiteral("Keep review decisions in PATH (default DATASET/.losslens/review.sqlite, "
                       "or one in ~/.local/share/losslens/review/ for a read-only set), "
                       "with the scores kept for unchanged samples."),
        QStringLiteral("PATH")};
    QCommandLineOption noIndex{
        QStringLiteral("no-index"),
        QStringLiteral("Score every sample: neither read nor keep the scores kept in the review "
                       "database.")};
};

void describe(QCommandLineParser& parser, const Options& options) {
    parser.setApplicationDescription(
        QStringLiteral("Inspector for semantic-segmentation losses with missing annotations."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        QStringLiteral("DATASET"),
        QStringLiteral("Data set folder (default: the built-in demo set)."),
        QStringLiteral("[DATASET]"));
    parser.addOption(options.maxPixels);
    parser.addOption(options.maxClasses);
    parser.addOption(options.maxMemory);
    parser.addOption(options.reviewDb);
    parser.addOption(options.noIndex);
}

bool hasDisplay() {
    const auto set = [](const char* name) {
        const char* value = std::getenv(name);
        return value != nullptr && *value != '\0';
    };
    return set("DISPLAY") || set("WAYLAND_DISPLAY") || set("QT_QPA_PLATFORM");
}

} // namespace

int main(int argc, char** argv) {
    losslens::returnLargeBuffersToTheSystem();
    const Options options;
    {
        // --help and --version need no window: answer them before the GUI (which aborts
        // without a display) exists. Qt's own GUI options (-geometry, -platform, ...) are
        // left for the second pass, where QApplication has removed them.
        QCoreApplication core(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("LossLens"));
        QCoreApplication::setApplicationVersion(QStringLiteral(LOSSLENS_VERSION));
        QCommandLineParser early;
        describe(early, options);
        (void)early.parse(QCoreApplication::arguments());
        if (early.isSet(QStringLiteral("help")))
            early.showHelp(0);
        if (early.isSet(QStringLiteral("version")))
            early.showVersion();
        if (!hasDisplay()) {
            std::fprintf(stderr,
                         "losslens: no display (DISPLAY and WAYLAND_DISPLAY are unset).\n"
                         "For headless work use losslens-cli (stats, export, bench), or run "
                         "the window offscreen with QT_QPA_PLATFORM=offscreen.\n");
            return 1;
        }
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("LossLens"));
    QApplication::setOrganizationName(QStringLiteral("LossLens"));
    // Wayland and the desktop match the window to io.github.losslens.LossLens.desktop.
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.losslens.LossLens"));
    QApplication::setApplicationVersion(QStringLiteral(LOSSLENS_VERSION));
    QCommandLineParser parser;
    describe(parser, options);
    parser.process(app);
    losslens::DataLimits limits;
    for (const std::string_view name : losslens::kLimitOptions) {
        const QString option = QString::fromUtf8(name.data(), static_cast<qsizetype>(name.size()));
        if (!parser.isSet(option))
            continue;
        const std::string problem =
            losslens::setLimit(limits, name, parser.value(option).toStdString());
        if (!problem.empty()) {
            std::fprintf(stderr, "losslens: %s\n", problem.c_str());
            return 2;
        }
    }

    losslens::MainWindow window;
    window.session()->setLimits(limits);
    window.session()->setReviewDatabase(parser.value(options.reviewDb));
    window.session()->setScoreIndexUsed(!parser.isSet(options.noIndex));
    window.show();
    const QStringList args = parser.positionalArguments();
    if (args.isEmpty())
        window.openDemo();
    else
        window.openFolderAsUser(args.front());
    return QApplication::exec();
}
