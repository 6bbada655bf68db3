// The window's behaviour a user meets first: exporting while the set is scored, the first
// sample's details, keyboard navigation, heatmap scaling. Values are checked against core's
// own pipeline run separately (processSet, exportSet), never against the window itself.
#include "TestWindow.h"
#include "WindowWaits.h"
#include "losslens/demo/DemoDataset.h"
#include "losslens/io/Dataset.h"
#include "losslens/loss/LossComputer.h"
#include "losslens/report/Exporter.h"
#include "losslens/set/SetProcessor.h"
#include "panels/SampleListPanel.h"
#include "panels/SampleTableModel.h"
#include "render/LayerRenderer.h"
#include "session/DatasetSession.h"
#include "view/Canvas.h"
#include "view/ColorBar.h"
#include "view/HeatmapBar.h"
#include "view/SampleView.h"
#include "window/ExportController.h"
#include "window/ShortcutsDialog.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QProgressDialog>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <algorithm>
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
        testing::TestWindow w;
        QTemporaryDir out;
        bool startedMidScan = false;
        bool started = false;
        connect(w.session(), &DatasetSession::opened, &w, [&](bool ok) {
            QVERIFY(ok);
            startedMidScan = !w.session()->isScored();
            started = w.setExport()->start(out.path(), SetExportChoice{}, false);
        });
        QSignalSpy finished(w.setExport(), &SetExport::finished);
        int ticks = 0;
        int ticksWhileExporting = 0;
        QTimer timer;
        timer.setInterval(10);
        connect(&timer, &QTimer::timeout, &w, [&] {
            ++ticks;
            if (w.setExport()->running())
                ++ticksWhileExporting;
        });
        timer.start();
        w.openFolder(QString::fromStdString(m_root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(started, 10000);
        QVERIFY(startedMidScan);
        QVERIFY(w.setExport()->dialog() != nullptr);
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
        testing::TestWindow w;
        QTemporaryDir out;
        bool started = false;
        connect(w.session(), &DatasetSession::opened, &w, [&] {
            started = w.setExport()->start(out.path(), SetExportChoice{}, false);
            auto* dialog = qobject_cast<QProgressDialog*>(w.setExport()->dialog());
            QVERIFY(dialog);
            QVERIFY(dialog->labelText().contains(QStringLiteral("Waiting for the scan")));
            // What the user does: click the dialog's Cancel button.
            auto* button = dialog->findChild<QAbstractButton*>();
            QVERIFY(button);
            button->click();
        });
        QSignalSpy finished(w.setExport(), &SetExport::finished);
        w.openFolder(QString::fromStdString(m_root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(started, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QVERIFY(finished.front().front().toString().contains(QStringLiteral("cancelled")));
        QVERIFY(!w.setExport()->running());
        testing::waitForScan(w);
        QVERIFY(fs::is_empty(out.path().toStdString()));
    }

    // The sample selected when the set opens gets its numbers in Details once it is scored,
    // without the user clicking away and back.
    void detailsFilledForTheFirstSample() {
        const SetReport reference = processSet(Dataset::open(m_root), {});
        testing::TestWindow w;
        w.openFolder(QString::fromStdString(m_root.string()));
        testing::waitForScan(w);
        const std::size_t first = w.currentSample()->entry;
        const QString mean = QString::number(reference.samples[first].summary.mean(0), 'f', 6);
        QTRY_VERIFY_WITH_TIMEOUT(w.detailsText().contains(mean), 10000);
        QVERIFY(w.detailsText().contains(QString::fromStdString(reference.samples[first].stem)));
    }

    // PgDn/J and PgUp/K step through the table's order; arrows do on the canvas.
    void keysStepThroughTheSamples() {
        testing::TestWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.openFolder(QString::fromStdString(m_root.string()));
        testing::waitForScan(w);
        const auto entryAt = [&](int row) {
            return static_cast<std::size_t>(
                w.proxyModel()->index(row, 0).data(SampleTableModel::EntryRole).toULongLong());
        };
        const auto row = [&] { return w.tableView()->currentIndex().row(); };
        QCOMPARE(row(), 0);
        w.canvas()->setFocus();
        QTest::keyClick(&w, Qt::Key_PageDown);
        QCOMPARE(row(), 1);
        QTest::keyClick(&w, Qt::Key_J);
        QCOMPARE(row(), 2);
        QTest::keyClick(&w, Qt::Key_K);
        QCOMPARE(row(), 1);
        QTest::keyClick(&w, Qt::Key_PageUp);
        QCOMPARE(row(), 0);
        QTest::keyClick(&w, Qt::Key_PageUp); // the first stays first
        QCOMPARE(row(), 0);
        QTest::keyClick(w.canvas(), Qt::Key_Down);
        QCOMPARE(row(), 1);
        QTest::keyClick(w.canvas(), Qt::Key_Right);
        QCOMPARE(row(), 2);
        QTest::keyClick(w.canvas(), Qt::Key_Left);
        QCOMPARE(row(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(w.currentSample()->entry, entryAt(1), 10000);
        // Typing J in the name filter types it; it does not step.
        QLineEdit* filter = w.sampleList()->findChild<QLineEdit*>();
        filter->setFocus();
        QTest::keyClick(filter, Qt::Key_J);
        QCOMPARE(filter->text(), QStringLiteral("j"));
    }

    // Help > Keyboard shortcuts lists every menu action that has a shortcut.
    void shortcutsListEveryShortcut() {
        testing::TestWindow w;
        const std::vector<ShortcutRow> rows = shortcutRows(w.menuBar());
        int withShortcut = 0;
        std::vector<QMenu*> menus;
        for (QAction* top : w.menuBar()->actions())
            if (top->menu())
                menus.push_back(top->menu());
        for (std::size_t m = 0; m < menus.size(); ++m)
            for (QAction* action : menus[m]->actions()) {
                if (action->menu())
                    menus.push_back(action->menu());
                if (action->shortcuts().isEmpty() || action->menu())
                    continue;
                ++withShortcut;
                const QString keys = action->shortcut().toString(QKeySequence::NativeText);
                const bool listed = std::any_of(rows.begin(), rows.end(), [&](const auto& r) {
                    return r.keys.contains(keys) &&
                           r.action == QString(action->text()).remove('&').remove(u'…');
                });
                QVERIFY2(listed, qPrintable(action->text()));
            }
        QVERIFY(withShortcut >= 12);
    }

    // The name box matches missing classes too, says when nothing matches, and the first
    // click on a loss column sorts worst first.
    void filterAndSort() {
        const SetReport reference = processSet(Dataset::open(m_root), {});
        testing::TestWindow w;
        w.openFolder(QString::fromStdString(m_root.string()));
        testing::waitForScan(w);
        std::size_t missingEllipse = 0;
        for (const auto& sample : reference.samples)
            if (std::find(sample.summary.missing.begin(), sample.summary.missing.end(), 1) !=
                sample.summary.missing.end())
                ++missingEllipse;
        QVERIFY(missingEllipse > 0 && missingEllipse < reference.samples.size());
        QLineEdit* filter = w.sampleList()->findChild<QLineEdit*>();
        filter->setText(QStringLiteral("ELLIPSE"));
        QCOMPARE(static_cast<std::size_t>(w.proxyModel()->rowCount()), missingEllipse);
        QVERIFY(w.sampleList()->emptyMessage().isEmpty());
        filter->setText(QStringLiteral("demo_00"));
        QCOMPARE(w.proxyModel()->rowCount(), 10);
        filter->setText(QStringLiteral("z"));
        QCOMPARE(w.proxyModel()->rowCount(), 0);
        // Typing on while nothing matches: the message follows the text, not its first letter.
        filter->setText(QStringLiteral("zebra"));
        QVERIFY2(w.sampleList()->emptyMessage().contains(QStringLiteral("“zebra”")),
                 qPrintable(w.sampleList()->emptyMessage()));
        filter->setText(QStringLiteral("no such thing"));
        QCOMPARE(w.proxyModel()->rowCount(), 0);
        QVERIFY(w.sampleList()->emptyMessage().contains(QStringLiteral("no such thing")));
        filter->clear();
        QVERIFY(w.sampleList()->emptyMessage().isEmpty());

        std::size_t worst = 0;
        for (std::size_t i = 0; i < reference.samples.size(); ++i)
            if (reference.samples[i].summary.mean(0) > reference.samples[worst].summary.mean(0))
                worst = i;
        QHeaderView* header = w.tableView()->horizontalHeader();
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {},
                          QPoint(header->sectionViewportPosition(SampleTableModel::Standard) + 5,
                                 header->height() / 2));
        QCOMPARE(header->sortIndicatorSection(), int(SampleTableModel::Standard));
        QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
        QCOMPARE(w.proxyModel()->index(0, 0).data(SampleTableModel::EntryRole).toULongLong(),
                 static_cast<qulonglong>(worst));
        // A second click reverses it, as everywhere.
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {},
                          QPoint(header->sectionViewportPosition(SampleTableModel::Standard) + 5,
                                 header->height() / 2));
        QCOMPARE(header->sortIndicatorOrder(), Qt::AscendingOrder);
    }

    // Range modes on a sample with a missing annotation, against the loss maps core computes
    // for it: the sample's max, its 99th percentile below the max with the top clipped, and
    // the zoom and difference read-outs of the heatmap bar.
    void rangeModesOnTheWindow() {
        const Dataset set = Dataset::open(m_root);
        const SetReport reference = processSet(set, {});
        std::size_t story = 0;
        for (std::size_t i = 0; i < reference.samples.size(); ++i)
            if (reference.samples[i].summary.removedPixels >
                reference.samples[story].summary.removedPixels)
                story = i;
        const LoadedSample sample = set.load(story);
        const LossResult loss = scoreSample(sample, set.config().lossConfig());
        float max = 0.0f;
        std::int64_t valid = 0;
        for (const LossMap& map : loss.maps)
            for (int y = 0; y < map.height(); ++y)
                for (int x = 0; x < map.width(); ++x)
                    if (sample.labels.at(x, y) != set.config().ignoreIndex)
                        max = std::max(max, map.at(x, y));
        for (int y = 0; y < sample.labels.height(); ++y)
            for (int x = 0; x < sample.labels.width(); ++x)
                valid += sample.labels.at(x, y) != set.config().ignoreIndex ? 1 : 0;

        testing::TestWindow w;
        w.openFolder(QString::fromStdString(m_root.string()));
        testing::waitForScan(w);
        w.selectEntry(story);
        QTRY_VERIFY_WITH_TIMEOUT(w.currentSample() && w.currentSample()->entry == story, 10000);
        ViewSettings s = w.viewSettings();
        s.heatmap = HeatmapSource::variant(0); // standard: it punishes the unannotated object
        s.rangeMode = RangeMode::SampleMax;
        w.setViewSettings(s);
        QCOMPARE(w.currentRange().hi, max);
        QCOMPARE(w.sampleView()->colorBar()->scale().above, 0.0);
        s.rangeMode = RangeMode::SampleRobust;
        w.setViewSettings(s);
        const float robust = w.currentRange().hi;
        QVERIFY(robust < max);
        // Exactly the standard map's valid pixels above the top are marked clipped.
        std::int64_t above = 0;
        for (int y = 0; y < sample.labels.height(); ++y)
            for (int x = 0; x < sample.labels.width(); ++x)
                if (sample.labels.at(x, y) != set.config().ignoreIndex &&
                    loss.maps[0].at(x, y) > robust)
                    ++above;
        QVERIFY(above > 0);
        QCOMPARE(w.sampleView()->colorBar()->scale().above,
                 static_cast<double>(above) / static_cast<double>(valid));
        // At most 1% of all variants' pixels lie above a 99th percentile.
        QVERIFY(above <= valid * static_cast<std::int64_t>(loss.maps.size()) / 100 + 1);

        // Zoom read-out and the difference's own colour map in the box.
        w.canvas()->actualSize();
        QCOMPARE(w.sampleView()->heatmapBar()->zoomText(), QStringLiteral("100%"));
        s.heatmap = HeatmapSource::difference(0, 1);
        w.setViewSettings(s);
        auto* colormap = w.sampleView()->heatmapBar()->findChildren<QComboBox*>().at(3);
        QCOMPARE(colormap->currentText(), QStringLiteral("blue–white–red"));
        s.heatmap = HeatmapSource::variant(0);
        w.setViewSettings(s);
        QCOMPARE(colormap->currentText(), QStringLiteral("viridis"));
    }

    // View > Reset layout brings back hidden docks and the tab group's first tab; side by
    // side (and in a difference) the removed pixels are outlined only.
    void resetLayoutAndPlainComparisons() {
        testing::TestWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto* plots = w.findChild<QDockWidget*>(QStringLiteral("plotsDock"));
        auto* samples = w.findChild<QDockWidget*>(QStringLiteral("samplesDock"));
        QVERIFY(plots && samples);
        plots->hide();
        samples->setFloating(true);
        QAction* reset = nullptr;
        for (QAction* top : w.menuBar()->actions())
            if (top->menu())
                for (QAction* a : top->menu()->actions())
                    if (a->text().remove('&') == QStringLiteral("Reset layout"))
                        reset = a;
        QVERIFY(reset);
        reset->trigger();
        QVERIFY(!plots->isHidden());
        QVERIFY(!samples->isFloating());
        QCOMPARE(w.dockWidgetArea(samples), Qt::LeftDockWidgetArea);

        ViewSettings s;
        const ViewSettings single = LayerRenderer::shownSettings(s, false);
        QVERIFY(single.removedStyle == MarkStyle::Hatched);
        QVERIFY(LayerRenderer::shownSettings(s, true).removedStyle == MarkStyle::Outline);
        s.heatmap = HeatmapSource::difference(0, 1);
        QVERIFY(LayerRenderer::shownSettings(s, false).removedStyle == MarkStyle::Outline);
    }

    // The header's column menu hides a column, and the choice survives a new window.
    void columnsCanBeChosenAndAreRemembered() {
        int removed = -1;
        {
            testing::TestWindow w;
            QList<QAction*> actions = w.sampleList()->columnActions();
            QCOMPARE(actions.size(), w.tableModel()->columnCount() - 1);
            for (int i = 0; i < actions.size(); ++i)
                if (actions[i]->text() == QStringLiteral("Cand."))
                    removed = i + 1;
            QVERIFY(removed > 0);
            actions[removed - 1]->setChecked(false);
            QVERIFY(w.tableView()->isColumnHidden(removed));
            qDeleteAll(actions);
        }
        testing::TestWindow again;
        QVERIFY(again.tableView()->isColumnHidden(removed));
        QVERIFY(!again.tableView()->isColumnHidden(SampleTableModel::Standard));
        again.sampleList()->setColumnShown(removed, true); // leave the settings as found
        QVERIFY(!again.tableView()->isColumnHidden(removed));
    }
};

QTEST_MAIN(WindowStoryTest)
#include "WindowStoryTest.moc"
