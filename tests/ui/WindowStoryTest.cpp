// The window's behaviour a user meets first: exporting while the set is scored, the first
// sample's details, keyboard navigation, heatmap scaling. Values are checked against core's
// own pipeline run separately (processSet, exportSet), never against the window itself.
#include "losslens/demo/DemoDataset.h"
#include "losslens/io/Dataset.h"
#include "losslens/report/Exporter.h"
#include "losslens/set/SetProcessor.h"
#include "losslens/ui/DatasetSession.h"
#include "losslens/ui/ExportController.h"
#include "losslens/ui/MainWindow.h"

#include <QAbstractButton>
#include <QElapsedTimer>
#include <QProgressDialog>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <filesystem>
#include <fstream>
#include <iterator>

using namespace losslens;
namespace fs = std::filesystem;

namespace {

std::string readAll(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

class WindowStoryTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    fs::path m_root;

    static void waitForScan(MainWindow& w) {
        QTRY_VERIFY_WITH_TIMEOUT(w.session()->isScored(), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(w.currentSample() != nullptr, 10000);
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_root = fs::path(m_dir.path().toStdString()) / "set";
        DemoOptions options;
        options.count = 40; // enough that the scan is still running when the export starts
        options.size = 192;
        options.missing = 6;
        options.seed = 4;
        writeDemoDataset(m_root, options, false);
    }

    // Export asked for while the scan runs: it starts at once, waits for the scan visibly,
    // the event loop keeps turning all along, and the files are those core's exportSet
    // writes on its own (same range, byte for byte).
    void exportDuringTheScanKeepsTheWindowResponsive() {
        MainWindow w;
        QTemporaryDir out;
        bool startedMidScan = false;
        bool started = false;
        connect(w.session(), &DatasetSession::opened, &w, [&](bool ok) {
            QVERIFY(ok);
            startedMidScan = !w.session()->isScored();
            started = w.exportController()->startSetExport(out.path(), 0, false);
        });
        QSignalSpy finished(w.exportController(), &ExportController::setExportFinished);
        int ticks = 0;
        int ticksWhileExporting = 0;
        QTimer timer;
        timer.setInterval(10);
        connect(&timer, &QTimer::timeout, &w, [&] {
            ++ticks;
            if (w.exportController()->setExportRunning())
                ++ticksWhileExporting;
        });
        timer.start();
        w.openFolder(QString::fromStdString(m_root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(started, 10000);
        QVERIFY(startedMidScan);
        QVERIFY(w.exportController()->setExportDialog() != nullptr);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        QVERIFY2(
            finished.front().front().toString().startsWith(QStringLiteral("Exported 40 of 40")),
            qPrintable(finished.front().front().toString()));
        // A GUI thread that waited on the scan or the export would see at most one
        // (coalesced) tick while the export ran.
        QVERIFY2(ticksWhileExporting >= 5, qPrintable(QString::number(ticksWhileExporting)));

        QTemporaryDir reference;
        ExportOptions options;
        options.outDir = reference.path().toStdString();
        options.process.jobs = 2;
        const ExportResult expected = exportSet(Dataset::open(m_root), options);
        QCOMPARE(expected.report.failedCount(), std::size_t{0});
        std::size_t compared = 0;
        for (const auto& file : fs::directory_iterator(options.outDir)) {
            const fs::path mine = fs::path(out.path().toStdString()) / file.path().filename();
            QVERIFY2(fs::exists(mine), mine.c_str());
            if (file.path().extension() == ".png" || file.path().extension() == ".npy") {
                QVERIFY2(readAll(mine) == readAll(file.path()), mine.c_str());
                ++compared;
            }
        }
        QVERIFY(compared >= 40);
    }

    // Cancel while the export still waits for the scan: nothing is written.
    void cancellingWhileWaitingWritesNothing() {
        MainWindow w;
        QTemporaryDir out;
        bool started = false;
        connect(w.session(), &DatasetSession::opened, &w, [&] {
            started = w.exportController()->startSetExport(out.path(), 0, false);
            auto* dialog = qobject_cast<QProgressDialog*>(w.exportController()->setExportDialog());
            QVERIFY(dialog);
            QVERIFY(dialog->labelText().contains(QStringLiteral("Waiting for the scan")));
            // What the user does: click the dialog's Cancel button.
            auto* button = dialog->findChild<QAbstractButton*>();
            QVERIFY(button);
            button->click();
        });
        QSignalSpy finished(w.exportController(), &ExportController::setExportFinished);
        w.openFolder(QString::fromStdString(m_root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(started, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QVERIFY(finished.front().front().toString().contains(QStringLiteral("cancelled")));
        QVERIFY(!w.exportController()->setExportRunning());
        waitForScan(w);
        QVERIFY(fs::is_empty(out.path().toStdString()));
    }
};

QTEST_MAIN(WindowStoryTest)
#include "WindowStoryTest.moc"
