// The window as a user first meets it: it fits its screen and no control widens it, a
// user's open turns to where the story is, and the set export's dialog makes its folder.
#include "TestWindow.h"
#include "TwoRunSet.h"
#include "losslens/io/Dataset.h"
#include "losslens/io/FileBytes.h"
#include "losslens/io/LabelPng.h"
#include "losslens/io/NpyArray.h"
#include "losslens/loss/LossVariant.h"
#include "losslens/set/SetProcessor.h"
#include "panels/SampleTableModel.h"
#include "session/DatasetSession.h"
#include "state/ViewState.h"
#include "view/SampleView.h"
#include "window/ExportController.h"
#include "window/SetExportDialog.h"
#include "window/WindowPlacement.h"

#include <QAbstractItemDelegate>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QHeaderView>
#include <QRadioButton>
#include <QScreen>
#include <QScrollBar>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <cstdlib>

#include <algorithm>
#include <array>
#include <filesystem>
#include <optional>
#include <string>

using namespace losslens;
namespace fs = std::filesystem;

namespace {

// A set as a VOC-like user has it: 21 named classes, stems like srcB_0004, labels holding one
// object each, so the article's rule finds 19 classes missing in every sample.
void writeTwentyOneClassSet(const fs::path& root) {
    constexpr std::array<const char*, 21> names = {
        "background", "aeroplane", "bicycle",     "bird",  "boat",        "bottle", "bus",
        "car",        "cat",       "chair",       "cow",   "diningtable", "dog",    "horse",
        "motorbike",  "person",    "pottedplant", "sheep", "sofa",        "train",  "tvmonitor"};
    constexpr int w = 44;
    constexpr int h = 24;
    constexpr int c = static_cast<int>(names.size());
    fs::create_directories(root / "labels");
    fs::create_directories(root / "predictions");
    std::string json = R"({"classes": [)";
    for (int k = 0; k < c; ++k)
        json += std::string(k ? ", " : "") + "\"" + names[static_cast<std::size_t>(k)] + "\"";
    writeFileAtomically(root / "dataset.json", json + "]}\n", true);
    for (int s = 0; s < 12; ++s) {
        LabelMap labels(w, h);
        std::vector<float> p(static_cast<std::size_t>(w * h * c), 0.01f / (c - 1));
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                // Eleven vertical bands: band 0 labelled and predicted as class 1 + s % 5,
                // bands 1..10 predicted as other classes but labelled background.
                const int band = x / 4;
                const int cls = band == 0 ? 1 + s % 5 : 6 + (band + s) % 15;
                if (band == 0)
                    labels.at(x, y) = static_cast<std::uint16_t>(cls);
                p[static_cast<std::size_t>((y * w + x) * c + cls)] = 0.99f;
            }
        char stem[16];
        std::snprintf(stem, sizeof stem, "srcB_%04d", s);
        writeFileAtomically(root / "labels" / (std::string(stem) + ".png"), encodeLabelPng(labels),
                            true);
        const std::array<std::int64_t, 3> shape = {h, w, c};
        writeFileAtomically(root / "predictions" / (std::string(stem) + ".npy"),
                            encodeNpyFloat32(p, shape), true);
    }
}

} // namespace

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
        writeTwentyOneClassSet(fs::path(m_dir.path().toStdString()) / "voc");
    }

    // At 1366 x 768 the sample table's default columns all show in the dock, without a
    // horizontal scroll bar, on a set of 21 named classes where each sample misses 19.
    void theDefaultColumnsFitAt1366() {
        const fs::path voc = fs::path(m_dir.path().toStdString()) / "voc";
        const SetReport report = processSet(Dataset::open(voc), {});
        for (const SampleOutcome& o : report.samples)
            QCOMPARE(o.summary.missing.size(), std::size_t{19}); // all but background and one
        testing::TestWindow w;
        w.resize(1366 - 8, 768 - 32);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.openFolder(QString::fromStdString(voc.string()));
        QTRY_VERIFY_WITH_TIMEOUT(w.session()->isScored() && w.currentSample(), 30000);
        QTest::qWait(100);
        QTableView* table = w.tableView();
        // Every shown column at least as wide as its header and cells ask (the last one is
        // stretched to the table's edge), and no horizontal scroll bar.
        int last = -1;
        for (int c = 0; c < table->model()->columnCount(); ++c)
            if (!table->isColumnHidden(c))
                last = table->horizontalHeader()->visualIndex(c) >
                               (last < 0 ? -1 : table->horizontalHeader()->visualIndex(last))
                           ? c
                           : last;
        for (int c = 0; c < table->model()->columnCount(); ++c) {
            if (table->isColumnHidden(c) || c == SampleTableModel::Missing)
                continue;
            int wanted = table->horizontalHeader()->sectionSizeHint(c);
            QStyleOptionViewItem option;
            option.initFrom(table);
            option.decorationSize = table->iconSize();
            option.features = QStyleOptionViewItem::HasDisplay;
            for (int r = 0; r < table->model()->rowCount(); ++r)
                wanted = std::max(
                    wanted,
                    table->itemDelegate()->sizeHint(option, table->model()->index(r, c)).width());
            QVERIFY2(table->columnWidth(c) >= wanted,
                     qPrintable(QStringLiteral("%1: %2 px, wants %3")
                                    .arg(table->model()->headerData(c, Qt::Horizontal).toString())
                                    .arg(table->columnWidth(c))
                                    .arg(wanted)));
        }
        QVERIFY(last == SampleTableModel::Candidates);
        QVERIFY(!table->horizontalScrollBar()->isVisible());
        // The cell counts the missing classes first, so elided names keep the count.
        const QModelIndex missing = table->model()->index(0, SampleTableModel::Missing);
        QVERIFY(missing.data().toString().startsWith(QStringLiteral("19: ")));
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
        // A new window: 92% of a 1366 x 768 screen (1257 x 707), centred; a restored one as
        // saved, or brought within the screen.
        const QRect placed = windowPlacement(std::nullopt, screen);
        QCOMPARE(placed.size(), QSize(1257, 707));
        QVERIFY(std::abs(placed.center().x() - screen.center().x()) <= 1);
        QVERIFY(std::abs(placed.center().y() - screen.center().y()) <= 1);
        QCOMPARE(windowPlacement(QRect(10, 20, 800, 600), screen), QRect(10, 20, 800, 600));
        QCOMPARE(windowPlacement(QRect(0, 0, 1400, 900), screen), QRect(0, 0, 1358, 736));
        // A big screen: at most 1800 x 1100.
        QCOMPARE(windowPlacement(std::nullopt, QRect(0, 0, 3840, 2160)).size(), QSize(1800, 1100));

        testing::TestWindow w;
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
