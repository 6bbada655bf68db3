// The window on a set of several runs (spec section 5). Values are checked against core's
// own pipeline on the same run, opened separately.
#include "TestWindow.h"
#include "TwoRunSet.h"
#include "losslens/demo/DemoDataset.h"
#include "losslens/io/Dataset.h"
#include "losslens/io/NpyArray.h"
#include "losslens/report/Colormap.h"
#include "losslens/set/SetProcessor.h"
#include "panels/SampleTableModel.h"
#include "session/DatasetSession.h"
#include "session/SetWatcher.h"
#include "session/VersusSample.h"
#include "view/Canvas.h"
#include "view/SampleView.h"

#include <QApplication>
#include <QComboBox>
#include <QMessageBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

using namespace losslens;
namespace fs = std::filesystem;

// Whether the table's standard column shows core's means of the same run, row by row.
bool tableShows(const testing::TestWindow& w, const SetReport& reference) {
    for (int row = 0; row < w.tableModel()->rowCount(); ++row) {
        const double mean = reference.samples[static_cast<std::size_t>(row)].summary.mean(0);
        if (w.tableModel()->index(row, SampleTableModel::Standard).data().toString() !=
            QString::number(mean, 'f', 4))
            return false;
    }
    return w.tableModel()->rowCount() == static_cast<int>(reference.samples.size());
}

class RunsTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    fs::path m_root;

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_root = fs::path(m_dir.path().toStdString()) / "set";
        testing::writeTwoRunSet(m_root, fs::path(m_dir.path().toStdString()) / "other", 4, 48, 77);
    }

    // The window opens the first run by name and says so.
    void opensTheFirstRunAndNamesIt() {
        testing::TestWindow w;
        w.openFolder(QString::fromStdString(m_root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(w.session()->isScored(), 30000);
        QCOMPARE(w.session()->runs(), (std::vector<std::string>{"a_model", "b_model"}));
        QCOMPARE(w.session()->dataset()->run(), std::string("a_model"));
        QVERIFY(w.windowTitle().contains(QStringLiteral("run a_model of 2")));
        const SetReport reference = processSet(Dataset::open(m_root, {}, "a_model"), {});
        QVERIFY(tableShows(w, reference));
    }

    // The run chooser switches the whole window to another run; the sample in view stays.
    void theRunChooserSwitchesRunsAndKeepsTheSample() {
        testing::TestWindow w;
        w.show();
        w.openFolder(QString::fromStdString(m_root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(w.session()->isScored(), 30000);
        auto* chooser = w.findChild<QComboBox*>(QStringLiteral("runChooser"));
        QVERIFY(chooser);
        QTRY_VERIFY(chooser->isVisible());
        QCOMPARE(chooser->count(), 2);
        QCOMPARE(chooser->currentText(), QStringLiteral("a_model"));
        w.selectEntry(2);
        QTRY_VERIFY_WITH_TIMEOUT(w.currentSample() && w.currentSample()->entry == 2, 10000);
        const std::string stem = w.currentSample()->stem;

        chooser->setCurrentText(QStringLiteral("b_model"));
        QTRY_VERIFY_WITH_TIMEOUT(
            w.session()->isOpen() && w.session()->dataset()->run() == "b_model", 10000);
        QTRY_VERIFY_WITH_TIMEOUT(w.session()->isScored(), 30000);
        QVERIFY(w.windowTitle().contains(QStringLiteral("run b_model of 2")));
        const SetReport reference = processSet(Dataset::open(m_root, {}, "b_model"), {});
        QVERIFY(tableShows(w, reference));
        QTRY_VERIFY_WITH_TIMEOUT(w.currentSample() && w.currentSample()->stem == stem, 10000);
        // The sample shown is b_model's: its loss is b_model's mean for that stem.
        QCOMPARE(w.currentSample()->loss.summary.mean(0),
                 reference.samples[w.currentSample()->entry].summary.mean(0));
    }

    // Side by side with a compared run: the other run's sample of the same stem, drawn with
    // the same variant and range, zoom in step; switching the main run to it draws the same.
    void sideBySideComparesTwoRuns() {
        testing::TestWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.openFolder(QString::fromStdString(m_root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(w.session()->isScored(), 30000);
        ViewSettings s = w.viewSettings();
        s.rangeMode = RangeMode::Fixed; // one range whatever run is in view
        s.fixedRange.lo = 0.0f;
        s.fixedRange.hi = 3.0f;
        w.setViewSettings(s);
        w.selectEntry(1);
        QTRY_VERIFY_WITH_TIMEOUT(w.currentSample() && w.currentSample()->entry == 1, 10000);
        auto* versus = w.findChild<QComboBox*>(QStringLiteral("compareRunChooser"));
        QVERIFY(versus);
        QCOMPARE(versus->currentText(), QStringLiteral("none"));
        versus->setCurrentText(QStringLiteral("b_model"));
        w.setSideBySide(true);
        VersusSample* compare = w.sampleView()->versusSample();
        QTRY_VERIFY_WITH_TIMEOUT(compare->current() != nullptr, 10000);
        QCOMPARE(compare->current()->stem, w.currentSample()->stem);
        const SetReport b = processSet(Dataset::open(m_root, {}, "b_model"), {});
        QCOMPARE(compare->current()->loss.summary.mean(0), b.samples[1].summary.mean(0));
        QVERIFY(w.sideCanvas()->caption().contains(QStringLiteral("run b_model")));
        QVERIFY(w.canvas()->caption().contains(QStringLiteral("run a_model")));
        // The two canvases share the splitter's room; an odd width or height leaves one a
        // pixel bigger. Nudge the window until they are the same size both ways, so the
        // main canvas later draws at the size the side drew.
        for (int nudge = 0; nudge < 4 && w.sideCanvas()->size() != w.canvas()->size(); ++nudge) {
            w.resize(w.width() + (w.sideCanvas()->width() != w.canvas()->width() ? 1 : 0),
                     w.height() + (w.sideCanvas()->height() != w.canvas()->height() ? 1 : 0));
            w.setSideBySide(false);
            w.setSideBySide(true);
            QTest::qWait(50);
        }
        QTRY_COMPARE(w.sideCanvas()->size(), w.canvas()->size());
        // Pinned: the run boxes and heatmap bar above wrap as a flow, and a control that
        // changes width while the runs switch (a caption, the zoom) can move a line in or out
        // of that row; the main canvas must stay at the size the side draws at now.
        const QSize canvasSize = w.canvas()->size();
        w.canvas()->setFixedSize(canvasSize);
        w.canvas()->fitToWindow();
        QCOMPARE(w.sideCanvas()->viewport(), w.canvas()->viewport());
        const QImage sideB = w.sideCanvas()->image();
        QVERIFY(sideB != w.canvas()->image()); // two runs' predictions differ

        // Switch the main run to b_model and compare with a_model: the main canvas now draws
        // what the side drew.
        versus->setCurrentText(QStringLiteral("a_model"));
        auto* chooser = w.findChild<QComboBox*>(QStringLiteral("runChooser"));
        chooser->setCurrentText(QStringLiteral("b_model"));
        // The sample shown is b_model's own (a_model's of the same entry stays in view until
        // it arrives): its mean is b_model's.
        QTRY_VERIFY_WITH_TIMEOUT(
            w.session()->isOpen() && w.session()->dataset()->run() == "b_model" &&
                w.currentSample() && w.currentSample()->entry == 1 &&
                w.currentSample()->loss.summary.mean(0) == b.samples[1].summary.mean(0),
            10000);
        // The same stem in both runs: wait until the side shows a_model's (its caption says
        // so), not just any partner of that stem.
        QTRY_VERIFY_WITH_TIMEOUT(
            compare->current() && compare->current()->stem == w.currentSample()->stem &&
                w.sideCanvas()->caption().contains(QStringLiteral("run a_model")) &&
                w.canvas()->caption().contains(QStringLiteral("run b_model")),
            10000);
        QCOMPARE(w.canvas()->size(), canvasSize);
        w.canvas()->fitToWindow();
        QCOMPARE(w.canvas()->image(), sideB);
        versus->setCurrentText(QStringLiteral("none"));
        QTRY_VERIFY(!compare->active());
    }

    // The run difference: this run's variant minus the vs run's on a diverging map centred
    // on 0, scaled by the pair's largest |difference|, against core's maps of both runs.
    void runDifferenceAgainstCore_data() {
        QTest::addColumn<bool>("keepMaps");
        QTest::newRow("maps kept") << true;
        // A big sample keeps no map: the range is counted off the GUI thread and arrives.
        QTest::newRow("no maps") << false;
    }
    void runDifferenceAgainstCore() {
        QFETCH(bool, keepMaps);
        testing::TestWindow w;
        if (!keepMaps)
            w.session()->setKeptMapBytes(0);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.openFolder(QString::fromStdString(m_root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(w.session()->isScored(), 30000);
        w.selectEntry(2);
        QTRY_VERIFY_WITH_TIMEOUT(w.currentSample() && w.currentSample()->entry == 2, 10000);
        w.findChild<QComboBox*>(QStringLiteral("compareRunChooser"))
            ->setCurrentText(QStringLiteral("b_model"));
        QTRY_VERIFY_WITH_TIMEOUT(w.sampleView()->versusSample()->current() != nullptr, 10000);
        ViewSettings s = w.viewSettings();
        s.heatmap = HeatmapSource::runDifference(1); // partial
        w.setViewSettings(s);
        QVERIFY(w.sampleView()->showsRunDifference());

        const auto scored = [&](const std::string& run) {
            const Dataset set = Dataset::open(m_root, {}, run);
            const LoadedSample sample = set.load(2);
            return std::make_pair(sample.labels, scoreSample(sample, set.config().lossConfig()));
        };
        const auto [labels, a] = scored("a_model");
        const auto [labelsB, b] = scored("b_model");
        float m = 0.0f;
        for (int y = 0; y < labels.height(); ++y)
            for (int x = 0; x < labels.width(); ++x)
                if (labels.at(x, y) != 255)
                    m = std::max(m, std::abs(a.maps[1].at(x, y) - b.maps[1].at(x, y)));
        QVERIFY(m > 0.0f);
        QCOMPARE(w.currentSample()->keepsMaps(), keepMaps);
        QTRY_COMPARE_WITH_TIMEOUT(w.currentRange().hi, m, 10000);
        QCOMPARE(w.currentRange().lo, -m);

        w.canvas()->actualSize();
        (void)w.canvas()->image(); // render the view
        const QImage& heat = w.layerImages().heatmap;
        const Viewport view = w.canvas()->viewport();
        int checked = 0;
        for (int oy = 0; oy < heat.height(); oy += 7)
            for (int ox = 0; ox < heat.width(); ox += 5) {
                const int x = static_cast<int>(std::floor(view.x0 + (ox + 0.5) * view.step));
                const int y = static_cast<int>(std::floor(view.y0 + (oy + 0.5) * view.step));
                if (x < 0 || y < 0 || x >= labels.width() || y >= labels.height() ||
                    labels.at(x, y) == 255)
                    continue;
                const Rgb& c =
                    divergingLut()[colormapIndex(a.maps[1].at(x, y) - b.maps[1].at(x, y), {-m, m})];
                QCOMPARE(heat.pixel(ox, oy), qRgb(c[0], c[1], c[2]));
                ++checked;
            }
        QVERIFY(checked > 20);
        QVERIFY(w.canvas()->caption().startsWith(QStringLiteral("run a_model − run b_model")));
        // The readout gives the difference at the pixel under the cursor.
        w.showPixel(10, 12);
        QVERIFY2(w.pixelReadout().contains(
                     QStringLiteral("partial: this run − run b_model = %1")
                         .arg(static_cast<double>(a.maps[1].at(10, 12) - b.maps[1].at(10, 12)), 0,
                              'f', 5)),
                 qPrintable(w.pixelReadout()));
    }

    // A training job writing while the window is open: a new run folder joins the chooser
    // without a reload; a prediction rewritten in place is not read while it is shorter than
    // its header says, and once whole the set is rescored with it.
    void watchesNewRunsAndRewrittenFiles() {
        const fs::path root = fs::path(m_dir.path().toStdString()) / "watched";
        fs::remove_all(root);
        fs::copy(m_root, root, fs::copy_options::recursive);
        testing::TestWindow w;
        w.setWatcher()->setInterval(50);
        int clears = 0;
        connect(w.session(), &DatasetSession::cleared, &w, [&] { ++clears; });
        w.openFolder(QString::fromStdString(root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(w.session()->isScored(), 30000);
        clears = 0;
        auto* chooser = w.findChild<QComboBox*>(QStringLiteral("runChooser"));

        fs::copy(root / "predictions" / "b_model", root / "predictions" / "c_model");
        QTRY_COMPARE_WITH_TIMEOUT(chooser->count(), 3, 10000);
        QCOMPARE(chooser->itemText(2), QStringLiteral("c_model"));
        QCOMPARE(clears, 0); // the run in view was not touched

        // Rewrite demo_001 of the run in view with b_model's prediction, in place, in two
        // halves with a pause longer than several polls between them.
        const fs::path target = root / "predictions" / "a_model" / "demo_001.npy";
        const std::string whole = [&] {
            std::ifstream in(root / "predictions" / "b_model" / "demo_001.npy", std::ios::binary);
            return std::string(std::istreambuf_iterator<char>(in), {});
        }();
        {
            std::ofstream out(target, std::ios::binary | std::ios::trunc);
            out << whole.substr(0, whole.size() / 2);
        }
        QTest::qWait(600); // a dozen polls: the short file must not be read
        QCOMPARE(clears, 0);
        {
            std::ofstream out(target, std::ios::binary | std::ios::app);
            out << whole.substr(whole.size() / 2);
        }
        QTRY_COMPARE_WITH_TIMEOUT(clears, 1, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(w.session()->isScored(), 30000);
        QCOMPARE(w.session()->dataset()->run(), std::string("a_model"));
        const SetReport reference = processSet(Dataset::open(root, {}, "a_model"), {});
        QCOMPARE(reference.failedCount(), std::size_t{0});
        QVERIFY(tableShows(w, reference));
        // And it is b_model's demo_001 now.
        const SetReport b = processSet(Dataset::open(root, {}, "b_model"), {});
        QCOMPARE(reference.samples[1].summary.mean(0), b.samples[1].summary.mean(0));
    }

    // Opened on a training job's folder before its first prediction: no modal error, a
    // message in the canvas; a writer thread then puts two runs in, file by file (each
    // written in halves, as np.save does), and the window opens the samples and lists both
    // runs without being told.
    void watchesFromAnEmptyPredictionsFolder() {
        const fs::path root = fs::path(m_dir.path().toStdString()) / "training";
        fs::remove_all(root);
        fs::create_directories(root / "predictions");
        fs::copy(m_root / "labels", root / "labels", fs::copy_options::recursive);
        if (fs::exists(m_root / "dataset.json"))
            fs::copy(m_root / "dataset.json", root / "dataset.json");
        testing::TestWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.setWatcher()->setInterval(50);
        w.openFolderAsUser(QString::fromStdString(root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(w.session()->waitingForPredictions(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(w.canvas()->message().contains(QStringLiteral("Waiting")), 10000);
        QVERIFY(w.findChildren<QMessageBox*>().isEmpty());
        QVERIFY(QApplication::activeModalWidget() == nullptr);

        std::atomic<bool> done{false};
        std::atomic<bool> firstWritten{false};
        std::atomic<bool> goOn{false};
        std::thread writer([&] {
            for (const char* run : {"standard", "partial"}) {
                if (run == std::string("partial")) {
                    // The second run arrives once the window shows the first: on a loaded
                    // machine the window might otherwise first look when both are there.
                    firstWritten = true;
                    while (!goOn.load())
                        std::this_thread::sleep_for(std::chrono::milliseconds(10));
                }
                const fs::path folder = root / "predictions" / run;
                fs::create_directories(folder);
                const fs::path from = m_root / "predictions" /
                                      (run == std::string("standard") ? "a_model" : "b_model");
                for (const auto& file : fs::directory_iterator(from)) {
                    std::ifstream in(file.path(), std::ios::binary);
                    const std::string whole(std::istreambuf_iterator<char>(in), {});
                    const fs::path target = folder / file.path().filename();
                    {
                        std::ofstream out(target, std::ios::binary | std::ios::trunc);
                        out << whole.substr(0, whole.size() / 2);
                    }
                    std::this_thread::sleep_for(std::chrono::milliseconds(30));
                    std::ofstream(target, std::ios::binary | std::ios::app)
                        << whole.substr(whole.size() / 2);
                    std::this_thread::sleep_for(std::chrono::milliseconds(60));
                }
            }
            done = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(firstWritten.load(), 30000);
        const bool firstShown = QTest::qWaitFor(
            [&] { return w.session()->isOpen() && w.session()->dataset()->run() == "standard"; },
            30000);
        goOn = true;
        QTRY_VERIFY_WITH_TIMEOUT(done.load(), 30000);
        writer.join();
        QVERIFY(firstShown);
        const auto state = [&] {
            return QStringLiteral("runs %1, open %2, scored %3, complete %4")
                .arg(w.session()->runs().size())
                .arg(w.session()->isOpen())
                .arg(w.session()->isScored())
                .arg(w.session()->isOpen() ? w.session()->dataset()->completeCount() : 0);
        };
        QTRY_VERIFY2_WITH_TIMEOUT(w.session()->runs().size() == 2 && w.session()->isScored() &&
                                      w.session()->dataset()->completeCount() == 4,
                                  qPrintable(state()), 30000);
        // The run that arrived first stays in view; the second joins the chooser.
        QCOMPARE(w.session()->dataset()->run(), std::string("standard"));
        const SetReport reference = processSet(Dataset::open(root, {}, "standard"), {});
        QCOMPARE(reference.failedCount(), std::size_t{0});
        QTRY_VERIFY_WITH_TIMEOUT(tableShows(w, reference), 10000);
        QVERIFY(w.findChildren<QMessageBox*>().isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(w.currentSample() != nullptr, 10000);
    }
};

QTEST_MAIN(RunsTest)
#include "RunsTest.moc"
