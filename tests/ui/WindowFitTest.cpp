// The window as a user first meets it: it fits its screen and no control widens it, a
// user's open turns to where the story is, and the set export's dialog makes its folder.
#include "TwoRunSet.h"
#include "losslens/io/Dataset.h"
#include "losslens/loss/LossVariant.h"
#include "losslens/set/SetProcessor.h"
#include "losslens/ui/DatasetSession.h"
#include "losslens/ui/ExportController.h"
#include "losslens/ui/MainWindow.h"
#include "losslens/ui/SampleView.h"
#include "losslens/ui/SetExportDialog.h"
#include "losslens/ui/ViewState.h"

#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QRadioButton>
#include <QScreen>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <filesystem>
#include <optional>

using namespace losslens;
namespace fs = std::filesystem;

class WindowFitTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    fs::path m_root;
    const std::size_t standard = variantFor(VariantRole::Baseline);
    const std::size_t partial = variantFor(VariantRole::MissingAware);

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_root = fs::path(m_dir.path().toStdString()) / "set";
        testing::writeTwoRunSet(m_root, fs::path(m_dir.path().toStdString()) / "other", 3, 40, 91);
    }

    // Opened as a user opens a set, the window turns to the sample with the largest
    // Std - Part once scored (computed here from core's report), side by side.
    void firstSightShowsTheStory() {
        const SetReport report = processSet(Dataset::open(m_root, {}, "a_model"), {});
        std::optional<std::size_t> best;
        double drop = 0.0;
        for (std::size_t i = 0; i < report.samples.size(); ++i) {
            const SampleSummary& s = report.samples[i].summary;
            const double d = s.mean(standard) - s.mean(partial);
            if (report.samples[i].ok && s.removedPixels > 0 && (!best || d > drop)) {
                best = i;
                drop = d;
            }
        }
        QVERIFY(best && *best != 0); // the first sample is not the story here
        MainWindow w;
        w.resize(1200, 700);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.openFolderAsUser(QString::fromStdString(m_root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(w.session()->isScored(), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(w.currentSample() && w.currentSample()->entry == *best, 10000);
        QVERIFY(w.sampleView()->sideBySide());
        // A plain open (a reload, a test) leaves the first sample alone.
        MainWindow plain;
        plain.openFolder(QString::fromStdString(m_root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(plain.session()->isScored() && plain.currentSample(), 30000);
        QCOMPARE(plain.currentSample()->entry, std::size_t{0});
        QVERIFY(!plain.sampleView()->sideBySide());
    }

    // The set export's dialog: the window's range as shown by default, the CLI's choices,
    // and a folder that does not exist yet is created.
    void theSetExportDialogCreatesItsFolder() {
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("a/b/c"));
        SetExportDialog dialog;
        dialog.setShown(ValueRange{0.0f, 2.5f}, QStringLiteral("set p99"));
        dialog.setColormap(Colormap::Turbo);
        dialog.setFolder(folder);
        QVERIFY(dialog.choice().range == SetExportChoice::Range::AsShown);
        QCOMPARE(dialog.choice().colormap, Colormap::Turbo);
        QVERIFY(!QFileInfo::exists(folder));
        dialog.accept();
        QCOMPARE(dialog.result(), static_cast<int>(QDialog::Accepted));
        QVERIFY(QFileInfo(folder).isDir());
        // A fixed range needs Max > Min: refused with a message, not accepted.
        SetExportDialog bad;
        bad.setFolder(folder);
        bad.findChild<QRadioButton*>(QStringLiteral("rangeFixed"))->setChecked(true);
        for (auto* spin : bad.findChildren<QDoubleSpinBox*>())
            spin->setValue(1.0);
        bad.accept();
        QVERIFY(bad.result() != static_cast<int>(QDialog::Accepted));
        QCOMPARE(bad.choice().range, SetExportChoice::Range::Fixed);
    }

    // No control widens the window: the heatmap bar wraps instead; the window opens within
    // the screen; a saved geometry from a larger screen is brought onto it.
    void theWindowFitsItsScreen() {
        const QRect screen(0, 0, 1366, 768);
        const QSize frame(8, 32);
        QCOMPARE(windowGeometryWithin(QRect(0, 0, 1400, 900), screen, frame),
                 QRect(0, 0, 1358, 736));
        QCOMPARE(windowGeometryWithin(QRect(900, 500, 800, 600), screen, frame),
                 QRect(558, 136, 800, 600));
        QCOMPARE(windowGeometryWithin(QRect(10, 20, 800, 600), screen, frame),
                 QRect(10, 20, 800, 600));

        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const QRect available = w.screen()->availableGeometry();
        QVERIFY2(w.width() <= available.width() && w.height() <= available.height(),
                 qPrintable(QStringLiteral("%1 x %2 on %3 x %4")
                                .arg(w.width())
                                .arg(w.height())
                                .arg(available.width())
                                .arg(available.height())));
        w.resize(std::min(available.width(), 1000), std::min(available.height(), 600));
        w.openFolder(QString::fromStdString(m_root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(w.session()->isScored() && w.currentSample(), 30000);
        w.sampleView()->state()->setVersusRun(QStringLiteral("b_model"));
        QTest::qWait(50);
        const int width = w.width();
        ViewSettings s = w.viewSettings();
        for (const HeatmapSource& source :
             {HeatmapSource::difference(standard, partial), HeatmapSource::runDifference(partial),
              HeatmapSource::variant(partial)}) {
            s.heatmap = source;
            w.setViewSettings(s);
            QTest::qWait(50);
            QCOMPARE(w.width(), width);
            QVERIFY(w.minimumSizeHint().width() <= width);
        }
    }
};

QTEST_MAIN(WindowFitTest)
#include "WindowFitTest.moc"
