#include "WindowWaits.h"

#include "TestWindow.h"
#include "losslens/demo/DemoDataset.h"
#include "losslens/io/Dataset.h"
#include "losslens/loss/LossComputer.h"
#include "losslens/loss/LossVariant.h"
#include "losslens/report/Exporter.h"
#include "losslens/set/SetProcessor.h"
#include "panels/ComparisonPanel.h"
#include "panels/SampleTableModel.h"
#include "session/DatasetSession.h"
#include "view/Canvas.h"
#include "window/ExportController.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QProcess>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <filesystem>
#include <fstream>

using namespace losslens;
using losslens::testing::waitForEntry;
using losslens::testing::waitForScan;
namespace fs = std::filesystem;

class MainWindowTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    fs::path m_root;
    SetReport m_reference;

    std::size_t entryOf(const std::string& stem) const {
        for (std::size_t i = 0; i < m_reference.samples.size(); ++i)
            if (m_reference.samples[i].stem == stem)
                return i;
        return 0;
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_root = fs::path(m_dir.path().toStdString()) / "set";
        DemoOptions options;
        options.count = 6;
        options.size = 64;
        options.missing = 3;
        options.seed = 9;
        writeDemoDataset(m_root, options, false);
        // One bad sample beside the good ones: a truncated prediction.
        fs::copy_file(m_root / "labels" / "demo_000.png", m_root / "labels" / "zz_bad.png");
        const std::string dict =
            "{'descr': '<f4', 'fortran_order': False, 'shape': (64, 64, 4), }\n";
        std::string npy("\x93NUMPY\x01\x00", 8);
        npy += static_cast<char>(dict.size());
        npy += '\0';
        std::ofstream(m_root / "predictions" / "zz_bad.npy", std::ios::binary)
            << npy + dict + "abcd";
        m_reference = processSet(Dataset::open(m_root), {});
        QCOMPARE(m_reference.failedCount(), std::size_t{1});
    }

    void opensAndFillsTheTableWithCoreNumbers() {
        testing::TestWindow w;
        w.openFolder(QString::fromStdString(m_root.string()));
        waitForScan(w);
        SampleTableModel* model = w.tableModel();
        QCOMPARE(model->rowCount(), 7);
        for (int row = 0; row < model->rowCount(); ++row) {
            const SampleOutcome& ref = m_reference.samples[static_cast<std::size_t>(row)];
            QCOMPARE(model->index(row, SampleTableModel::Stem).data().toString(),
                     QString::fromStdString(ref.stem));
            if (!ref.ok) {
                QCOMPARE(model->index(row, SampleTableModel::Status).data().toString(),
                         QStringLiteral("error"));
                QVERIFY(model->index(row, SampleTableModel::Stem)
                            .data(Qt::ToolTipRole)
                            .toString()
                            .contains(QStringLiteral("truncated")));
                continue;
            }
            QCOMPARE(model->index(row, SampleTableModel::Standard).data().toString(),
                     QString::number(ref.summary.mean(0), 'f', 4));
            QCOMPARE(model->index(row, SampleTableModel::Partial).data().toString(),
                     QString::number(ref.summary.mean(1), 'f', 4));
            QCOMPARE(model->index(row, SampleTableModel::Removed).data().toString(),
                     QString::number(ref.summary.removedPixels));
        }
    }

    void sortingFindsTheWorstSample() {
        testing::TestWindow w;
        w.openFolder(QString::fromStdString(m_root.string()));
        waitForScan(w);
        std::size_t worst = 0;
        for (std::size_t i = 0; i < m_reference.samples.size(); ++i)
            if (m_reference.samples[i].ok &&
                m_reference.samples[i].summary.mean(0) > m_reference.samples[worst].summary.mean(0))
                worst = i;
        w.tableView()->sortByColumn(SampleTableModel::Standard, Qt::DescendingOrder);
        QCOMPARE(w.proxyModel()->index(0, 0).data(SampleTableModel::EntryRole).toULongLong(),
                 static_cast<qulonglong>(worst));
        // The errored row sorts last either way.
        QCOMPARE(w.proxyModel()->index(6, 0).data().toString(), QStringLiteral("zz_bad"));
        w.tableView()->sortByColumn(SampleTableModel::Standard, Qt::AscendingOrder);
        QVERIFY(w.proxyModel()->index(0, 0).data(SampleTableModel::EntryRole).toULongLong() !=
                worst);
    }

    void variantSwitchRemovedLayerAndReadout() {
        testing::TestWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.openFolder(QString::fromStdString(m_root.string()));
        waitForScan(w);
        std::size_t withMissing = 0;
        for (std::size_t i = 0; i < m_reference.samples.size(); ++i)
            if (m_reference.samples[i].ok && m_reference.samples[i].summary.removedPixels > 0)
                withMissing = i;
        QVERIFY(m_reference.samples[withMissing].summary.removedPixels > 0);
        waitForEntry(w, withMissing);

        ViewSettings s = w.viewSettings();
        s.heatmap = HeatmapSource::variant(0);
        w.setViewSettings(s);
        const QImage standard = w.canvas()->image();
        w.flipVariant();
        QCOMPARE(w.viewSettings().heatmap.a, std::size_t{1});
        const QImage partial = w.canvas()->image();
        QVERIFY(standard != partial);

        // Side by side: the other variant beside this one, zoom and pan in step.
        w.setSideBySide(true);
        QVERIFY(!w.sideCanvas()->isHidden());
        QVERIFY(!w.sideCanvas()->image().isNull());
        QVERIFY(w.sideCanvas()->image() != w.canvas()->image());
        // Main shows partial, side standard: the image main shows for standard in the same
        // view (the halves are as wide as each other and the sample fits in both).
        // (An odd splitter width leaves the halves a pixel apart: widen the window by one.)
        if (w.sideCanvas()->width() != w.canvas()->width()) {
            w.resize(w.width() + 1, w.height());
            w.setSideBySide(false);
            w.setSideBySide(true);
            QTRY_COMPARE(w.sideCanvas()->width(), w.canvas()->width());
        }
        w.canvas()->fitToWindow();
        QCOMPARE(w.sideCanvas()->viewport(), w.canvas()->viewport());
        const QImage sideStandard = w.sideCanvas()->image();
        w.flipVariant();
        QCOMPARE(sideStandard, w.canvas()->image());
        QVERIFY(w.sideCanvas()->image() != sideStandard);
        w.flipVariant();
        w.canvas()->zoomIn();
        QCOMPARE(w.sideCanvas()->zoom(), w.canvas()->zoom());
        QCOMPARE(w.sideCanvas()->offset(), w.canvas()->offset());

        // The removed-penalty layer marks core's removed pixels: at 1:1 the canvas
        // shows the whole sample.
        w.setSideBySide(false);
        const int sw = w.currentSample()->sample.labels.width();
        const int sh = w.currentSample()->sample.labels.height();
        QTRY_VERIFY(w.canvas()->width() > sw && w.canvas()->height() > sh);
        w.canvas()->actualSize();
        QVERIFY(w.canvas()->viewport().output.width() >= sw);
        QVERIFY(w.canvas()->viewport().output.height() >= sh);
        QCOMPARE(w.canvas()->viewport().step, 1.0);
        QVERIFY(!w.canvas()->image().isNull());
        // Every outline pixel of core's removed mask is drawn, and inside it the sparse
        // hatch (one screen pixel in eight, anchored to the image), nothing else.
        const Dataset set = Dataset::open(m_root);
        const LoadedSample sample = set.load(withMissing);
        const LossResult loss = computeLoss(sample.labels, sample.prediction);
        const auto isRemoved = [&](int x, int y) {
            return x >= 0 && y >= 0 && x < sw && y < sh && loss.removed.at(x, y) != 0;
        };
        const QImage& removed = w.layerImages().removed;
        const Viewport view = w.canvas()->viewport(); // output pixel -> image pixel
        qint64 drawn = 0;
        qint64 outline = 0;
        int rx = -1, ry = -1;
        for (int y = 0; y < removed.height(); ++y)
            for (int x = 0; x < removed.width(); ++x) {
                const int ix = static_cast<int>(std::floor(view.x0 + (x + 0.5) * view.step));
                const int iy = static_cast<int>(std::floor(view.y0 + (y + 0.5) * view.step));
                const bool edge =
                    isRemoved(ix, iy) && !(isRemoved(ix - 1, iy) && isRemoved(ix + 1, iy) &&
                                           isRemoved(ix, iy - 1) && isRemoved(ix, iy + 1));
                const bool hatch = isRemoved(ix, iy) &&
                                   onHatch(x + static_cast<int>(std::lround(view.x0 / view.step)),
                                           y + static_cast<int>(std::lround(view.y0 / view.step)));
                const bool marked = qAlpha(removed.pixel(x, y)) > 0;
                QCOMPARE(marked, edge || hatch);
                outline += edge ? 1 : 0;
                if (marked) {
                    ++drawn;
                    rx = ix;
                    ry = iy;
                }
            }
        QVERIFY(drawn > 0);
        QVERIFY(drawn > outline);
        QVERIFY(drawn * 2 < loss.summary.removedPixels); // most of the heatmap shows

        // The readout shows the values core computes at that pixel.
        w.showPixel(rx, ry);
        const QString text = w.pixelReadout();
        QVERIFY2(text.contains(
                     QStringLiteral("standard loss: %1")
                         .arg(static_cast<double>(loss.map("standard").at(rx, ry)), 0, 'f', 6)),
                 qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("partial loss: 0.000000")));
        QVERIFY(text.contains(QStringLiteral("w0: 0")));
        QVERIFY(text.contains(QStringLiteral("x %1, y %2").arg(rx).arg(ry)));
    }

    void everyVariantInTheTableTheSwitchAndTheComparison() {
        testing::TestWindow w;
        w.openFolder(QString::fromStdString(m_root.string()));
        waitForScan(w);
        const auto variants = lossVariants();
        SampleTableModel* model = w.tableModel();
        QCOMPARE(model->columnCount(),
                 SampleTableModel::FixedColumns + static_cast<int>(variants.size()) - 2);
        const Dataset set = Dataset::open(m_root);
        const LossConfig config = set.config().lossConfig();
        // Plain loops over every good sample's maps: per-class sums and pixels, and the
        // largest |marginal - focal|.
        const std::size_t classes = 4;
        std::vector<std::vector<double>> classSum(variants.size(), std::vector<double>(classes));
        std::vector<double> classPixels(classes);
        float marginalFocal = 0.0f;
        const std::size_t marginal = variantIndex("marginal");
        const std::size_t focal = variantIndex("focal");
        for (std::size_t row = 0; row < m_reference.samples.size(); ++row) {
            const SampleOutcome& ref = m_reference.samples[row];
            if (!ref.ok)
                continue;
            for (std::size_t v = 2; v < variants.size(); ++v) {
                const QModelIndex cell =
                    model->index(static_cast<int>(row), SampleTableModel::variantColumn(v));
                QCOMPARE(cell.data().toString(), QString::number(ref.summary.mean(v), 'f', 4));
                QCOMPARE(model->headerData(cell.column(), Qt::Horizontal, Qt::DisplayRole)
                             .toString()
                             .toLower(),
                         QString::fromUtf8(variants[v].name.data()));
            }
            const LoadedSample sample = set.load(row);
            const LossResult loss = computeLoss(sample.labels, sample.prediction, config);
            for (std::size_t i = 0; i < sample.labels.pixelCount(); ++i) {
                const std::size_t y = sample.labels.values()[i];
                if (y == 255)
                    continue;
                classPixels[y] += 1;
                for (std::size_t v = 0; v < variants.size(); ++v)
                    classSum[v][y] += static_cast<double>(loss.maps[v].values()[i]);
                marginalFocal = std::max(marginalFocal, std::abs(loss.maps[marginal].values()[i] -
                                                                 loss.maps[focal].values()[i]));
            }
        }

        // The comparison table: one row per variant, the set mean, then each class.
        QTableWidget* table = w.comparisonPanel()->table();
        QCOMPARE(table->rowCount(), static_cast<int>(variants.size()));
        QCOMPARE(table->columnCount(), 1 + static_cast<int>(classes));
        for (std::size_t v = 0; v < variants.size(); ++v) {
            QCOMPARE(table->verticalHeaderItem(static_cast<int>(v))->text(),
                     QString::fromUtf8(variants[v].name.data()));
            QCOMPARE(table->item(static_cast<int>(v), 0)->text(),
                     QString::number(m_reference.total.mean(v), 'f', 5));
            for (std::size_t c = 0; c < classes; ++c)
                QCOMPARE(
                    table->item(static_cast<int>(v), static_cast<int>(c) + 1)->text().toDouble(),
                    std::round(classSum[v][c] / classPixels[c] * 1e5) / 1e5);
        }
        // The share view: the standard loss lets nothing off; the partial variant lets off
        // exactly the removed pixels, all of them background.
        w.comparisonPanel()->setMetric(ComparisonPanel::Metric::ReducedShare);
        QCOMPARE(table->item(0, 1)->text(), QStringLiteral("0.0 %"));
        const double removedShare =
            100.0 * static_cast<double>(m_reference.total.removedPixels()) / classPixels[0];
        QCOMPARE(table->item(1, 1)->text(), QStringLiteral("%1 %").arg(removedShare, 0, 'f', 1));
        QCOMPARE(table->item(1, 2)->text(), QStringLiteral("0.0 %"));

        // The variant switch lists every variant, the difference and the run difference;
        // A - B takes any two, centred on 0 with the set's largest |A - B|.
        bool found = false;
        for (QComboBox* combo : w.findChildren<QComboBox*>())
            if (combo->count() == static_cast<int>(variants.size()) + 2 &&
                combo->itemText(static_cast<int>(variants.size())).startsWith("Difference") &&
                combo->itemText(static_cast<int>(variants.size()) + 1).startsWith("Run difference"))
                found = true;
        QVERIFY(found);
        ViewSettings s = w.viewSettings();
        s.heatmap = HeatmapSource::difference(marginal, focal);
        s.rangeMode = RangeMode::SetMax;
        w.setViewSettings(s);
        QVERIFY(marginalFocal > 0.0f);
        QCOMPARE(w.currentRange().hi, marginalFocal);
        QCOMPARE(w.currentRange().lo, -marginalFocal);
    }

    void exportsTheCurrentSample() {
        testing::TestWindow w;
        w.openFolder(QString::fromStdString(m_root.string()));
        waitForScan(w);
        QTemporaryDir out;
        const SampleDataPtr current = w.currentSample();
        const CurrentExport spec = ExportController::currentExportOf(*w.sampleView());
        const int n =
            ExportController::exportCurrent(out.path(), *current, w.compositeImage(), spec, false);
        ExportOptions options;
        auto expected = exportFileNames(out.path().toStdString(), current->stem, options);
        for (const char* extra : {".composite.png", ".legend.png", ".export.json"})
            expected.push_back(fs::path(out.path().toStdString()) / (current->stem + extra));
        QCOMPARE(n, static_cast<int>(expected.size()));
        for (const auto& file : expected)
            QVERIFY2(fs::file_size(file) > 0, file.c_str());
        // Without overwrite a second export refuses and leaves the files alone.
        QVERIFY_THROWS_EXCEPTION(
            std::exception,
            ExportController::exportCurrent(out.path(), *current, w.compositeImage(), spec, false));
    }

    void badSampleIsAnErrorRowAndTheWindowCarriesOn() {
        testing::TestWindow w;
        w.openFolder(QString::fromStdString(m_root.string()));
        waitForScan(w);
        const std::size_t bad = entryOf("zz_bad");
        w.selectEntry(bad);
        QTRY_VERIFY_WITH_TIMEOUT(w.detailsText().contains(QStringLiteral("truncated")), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(w.currentSample() == nullptr, 10000);
        waitForEntry(w, entryOf("demo_001"));
        QVERIFY(!w.canvas()->image().isNull());
    }

    // The whole bad-input corpus (tests/corpus/make_bad_corpus.py): every bad sample is an
    // error row naming its file and reason, the good ones are scored, and the window stays up;
    // every data-set-level defect is a dialog with its reason.
    void limitsRefuseLargeSamplesBeforeLoading() {
        testing::TestWindow w;
        DataLimits limits;
        limits.maxPixels = 64 * 64 - 1; // the demo samples are 64 x 64
        w.session()->setLimits(limits);
        w.openFolder(QString::fromStdString(m_root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(w.session()->isOpen(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(w.session()->scanFinished() &&
                                     w.session()->scannedCount() ==
                                         w.session()->dataset()->completeCount(),
                                 30000);
        SampleTableModel* model = w.tableModel();
        for (int row = 0; row < model->rowCount() - 1; ++row) // the last is zz_bad
            QVERIFY(model->index(row, SampleTableModel::Stem)
                        .data(Qt::ToolTipRole)
                        .toString()
                        .endsWith(
                            QStringLiteral("label PNG of 64x64 exceeds the limit of 4095 pixels")));
    }

    void unopenableFolderGetsADialog() {
        testing::TestWindow w;
        QSignalSpy spy(w.session(), &DatasetSession::opened);
        w.openFolder(QString::fromStdString((m_root / "no-such-folder").string()));
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, 10000);
        QCOMPARE(spy.front().at(0).toBool(), false);
        QVERIFY(spy.front().at(1).toString().contains(QStringLiteral("no such folder")));
        auto* box = w.findChild<QMessageBox*>();
        QVERIFY(box != nullptr);
        box->close();
    }
};

QTEST_MAIN(MainWindowTest)
#include "MainWindowTest.moc"
