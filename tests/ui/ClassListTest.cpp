// The class list without dataset.json (issue: big images): the Layers dock lists the classes
// the predictions reveal, and grows when a sample with more classes is scored.
#include "TestWindow.h"
#include "WindowWaits.h"

#include "losslens/io/LabelPng.h"
#include "losslens/io/NpyArray.h"
#include "losslens/loss/Raster.h"
#include "panels/ComparisonPanel.h"
#include "panels/LayersPanel.h"
#include "panels/PlotsPanel.h"
#include "render/SampleDetails.h"
#include "session/DatasetSession.h"
#include "view/Canvas.h"

#include <QLineEdit>
#include <QTableWidget>

#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <fstream>

using namespace losslens;
namespace fs = std::filesystem;

namespace {
// A 6 x 4 sample of `classes` classes: labels cycle through them, probabilities favour the
// label.
void writeSample(const fs::path& root, const std::string& stem, int classes) {
    LabelMap labels(6, 4);
    std::vector<float> probs;
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 6; ++x) {
            const int label = (x + y) % classes;
            labels.at(x, y) = static_cast<std::uint16_t>(label);
            for (int c = 0; c < classes; ++c)
                probs.push_back(c == label ? 0.6f : 0.4f / static_cast<float>(classes - 1));
        }
    std::ofstream(root / "labels" / (stem + ".png"), std::ios::binary) << encodeLabelPng(labels);
    const std::vector<std::int64_t> shape{4, 6, classes};
    std::ofstream(root / "predictions" / (stem + ".npy"), std::ios::binary)
        << encodeNpyFloat32(probs, shape);
}
} // namespace

class ClassListTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    // The Plots dock's per-class chart lists every class of a small set and only the classes
    // with loss of a big one; the histogram's axis ends at a round number above the last bin
    // with pixels.
    void plotsListClassesWithLossAndEndTheAxisRound() {
        QCOMPARE(classesWithLoss({{0.0, 1.0, 0.0}, {0.0, 0.0, 0.0}}, 25),
                 (std::vector<std::size_t>{0, 1, 2}));
        std::vector<double> a(30, 0.0);
        std::vector<double> b(28, 0.0); // a variant's sums may be shorter
        a[27] = 0.5;
        b[3] = 2.0;
        QCOMPARE(classesWithLoss({a, b}, 25), (std::vector<std::size_t>{3, 27}));
        QVERIFY(classesWithLoss({std::vector<double>(40, 0.0)}, 25).empty());

        LossHistogram h = LossHistogram::make(162); // bins of 0.1 over [0, 16.2]
        QCOMPARE(histogramAxisEnd({h}), 1.0);       // no pixel
        h.counts[33] = 5;                           // [3.3, 3.4): rounds up to 4
        QCOMPARE(histogramAxisEnd({h}), 4.0);
        LossHistogram other = LossHistogram::make(162);
        other.counts[8] = 1; // [0.8, 0.9): the other variant's 3.4 still sets the end
        QCOMPARE(histogramAxisEnd({other, h}), 4.0);
        QCOMPARE(histogramAxisEnd({other}), 1.0); // 0.9 rounds up to 1
    }

    // A sample that misses 1,194 of 1,203 classes: the details say how many and name the
    // first 24, not a screenful of names; a short list is named whole.
    void aLongMissingListIsCounted() {
        std::vector<ClassInfo> classes;
        for (int c = 0; c < 1203; ++c)
            classes.push_back(
                {std::string("c").append(std::to_string(c)), {}}); // not "c" + ...: -Wrestrict
        SampleSummary summary;
        for (int c = 10; c < 1204 && summary.missing.size() < 1194; ++c)
            summary.missing.push_back(c);
        const QStringList lines =
            missingExplanation(SampleEntry{}, summary, DatasetConfig{}, classes);
        QCOMPARE(lines.size(), 2);
        QString expected = QStringLiteral("Missing (no pixel): 1194 classes: ");
        for (int c = 10; c < 34; ++c)
            expected += QStringLiteral("c%1, ").arg(c);
        expected += QStringLiteral("… and 1170 more");
        QCOMPARE(lines[1], expected);
        summary.missing = {3, 7};
        QCOMPARE(missingExplanation(SampleEntry{}, summary, DatasetConfig{}, classes)[1],
                 QStringLiteral("Missing (no pixel): c3, c7"));
    }

    // 1,203 classes (LVIS): the list is searched by name (any case) or by id.
    void theClassListIsSearched() {
        LayersPanel panel;
        std::vector<ClassInfo> classes;
        for (int c = 0; c < 1203; ++c)
            classes.push_back(
                {c == 0 ? std::string("background")
                        : std::string(c % 100 == 0 ? "Apple_" : "thing_").append(std::to_string(c)),
                 {}});
        panel.setClasses(classes, ViewSettings{});
        QCOMPARE(panel.classRows().size(), 1203);
        QCOMPARE(panel.visibleClassRows().size(), 1203);
        auto* find = panel.findChild<QLineEdit*>(QStringLiteral("findClass"));
        QVERIFY(find);
        find->setText(QStringLiteral("apple"));
        QStringList expected; // written out: every hundredth class is an Apple
        for (int c = 100; c < 1203; c += 100)
            expected << QStringLiteral("%1  Apple_%1").arg(c);
        QCOMPARE(panel.visibleClassRows(), expected);
        // An id finds its class, and the names that hold those digits.
        find->setText(QStringLiteral("1202"));
        QCOMPARE(panel.visibleClassRows(), QStringList{QStringLiteral("1202  thing_1202")});
        find->setText(QStringLiteral("7"));
        QVERIFY(panel.visibleClassRows().contains(QStringLiteral("7  thing_7")));
        QVERIFY(panel.visibleClassRows().contains(QStringLiteral("1170  thing_1170")));
        QVERIFY(!panel.visibleClassRows().contains(QStringLiteral("8  thing_8")));
        // Hidden rows keep their tick: the settings still cover every class.
        ViewSettings s;
        panel.store(s);
        QCOMPARE(s.hiddenClasses.size(), std::size_t{1203});
        find->clear();
        QCOMPARE(panel.visibleClassRows().size(), 1203);
        QVERIFY(classRowMatches(5, QStringLiteral("Cat"), QStringLiteral(" cA ")));
        QVERIFY(!classRowMatches(5, QStringLiteral("dog"), QStringLiteral("6")));
    }

    // A 1,203-class set opens in the window: every class in the Layers list, the Compare
    // table a column per class with pixels (labels cycle through 0..8 in writeSample) and the
    // set mean, not 1,204.
    void aSetOf1203ClassesOpens() {
        QTemporaryDir dir;
        const fs::path root(dir.path().toStdString());
        fs::create_directories(root / "labels");
        fs::create_directories(root / "predictions");
        writeSample(root, "a", 1203);
        writeSample(root, "b", 1203);
        testing::TestWindow w;
        w.openFolder(QString::fromStdString(root.string()));
        testing::waitForScan(w);
        QTRY_COMPARE_WITH_TIMEOUT(w.layersPanel()->classRows().size(), 1203, 10000);
        auto* compare = w.findChild<ComparisonPanel*>();
        QVERIFY(compare);
        auto* table = compare->findChild<QTableWidget*>();
        QVERIFY(table);
        QTRY_COMPARE_WITH_TIMEOUT(table->columnCount(), 9 + 1, 10000);
        // 2 samples x 24 pixels, labels (x + y) % 1203 for x < 6, y < 4: class 8 once each.
        QCOMPARE(table->horizontalHeaderItem(9)->text(), QStringLiteral("class 8 (2 px)"));
    }

    void classesComeFromThePredictions() {
        QTemporaryDir dir;
        const fs::path root(dir.path().toStdString());
        fs::create_directories(root / "labels");
        fs::create_directories(root / "predictions");
        writeSample(root, "a_small", 3);
        writeSample(root, "b_large", 5);
        testing::TestWindow w;
        w.openFolder(QString::fromStdString(root.string()));
        testing::waitForScan(w);
        // Every class of the widest sample, with the default names.
        QTRY_COMPARE_WITH_TIMEOUT(w.layersPanel()->classRows().size(), 5, 10000);
        QCOMPARE(w.layersPanel()->classRows().front(), QStringLiteral("0  background"));
        QVERIFY(w.layersPanel()->classRows().back().startsWith(QStringLiteral("4  ")));
        QCOMPARE(w.session()->classes().size(), std::size_t{5});
    }

    // A sample over the memory budget (issue: big images) is refused with the numbers, in
    // the table and in place of the picture; the others open.
    void aSampleOverTheMemoryBudgetIsRefusedWithTheNumbers() {
        QTemporaryDir dir;
        const fs::path root(dir.path().toStdString());
        fs::create_directories(root / "labels");
        fs::create_directories(root / "predictions");
        writeSample(root, "a_small", 2); // 24 px x (2 x 4 + 2 + 4 + 4) = 432 bytes
        writeSample(root, "b_large", 9); // 24 px x (9 x 4 + 2 + 4 + 4) = 1104 bytes
        testing::TestWindow w;
        DataLimits limits;
        limits.maxMemoryBytes = 800;
        w.session()->setLimits(limits);
        w.openFolder(QString::fromStdString(root.string()));
        testing::waitForScan(w);
        QCOMPARE(w.session()->rows()[0].state, DatasetSession::Row::State::Ok);
        const DatasetSession::Row& refused = w.session()->rows()[1];
        QCOMPARE(refused.state, DatasetSession::Row::State::Error);
        // 1104 bytes: the prediction 24 x 9 x 4 = 864, the rest 24 x 10 = 240; budget 800.
        QVERIFY2(refused.errorMessage.contains(QStringLiteral("about 1.1 KiB")) &&
                     refused.errorMessage.contains(QStringLiteral("prediction 864 bytes")) &&
                     refused.errorMessage.contains(QStringLiteral("one loss map 240 bytes")) &&
                     refused.errorMessage.contains(QStringLiteral("budget of 800 bytes")) &&
                     refused.errorMessage.contains(QStringLiteral("memory budget")),
                 qPrintable(refused.errorMessage));
        w.selectEntry(1);
        QTRY_VERIFY_WITH_TIMEOUT(w.canvas()->message().contains(QStringLiteral("memory budget")),
                                 10000);
    }

    // A sample with more classes than the scan has seen so far, viewed first, grows the list.
    void aViewedSampleGrowsTheList() {
        QTemporaryDir dir;
        const fs::path root(dir.path().toStdString());
        fs::create_directories(root / "labels");
        fs::create_directories(root / "predictions");
        writeSample(root, "a_small", 2);
        testing::TestWindow w;
        w.openFolder(QString::fromStdString(root.string()));
        testing::waitForScan(w);
        QTRY_COMPARE_WITH_TIMEOUT(w.layersPanel()->classRows().size(), 2, 10000);
        writeSample(root, "b_large", 7);
        w.session()->reload();
        testing::waitForScan(w);
        testing::waitForEntry(w, 1);
        QTRY_COMPARE_WITH_TIMEOUT(w.layersPanel()->classRows().size(), 7, 10000);
    }
};

QTEST_MAIN(ClassListTest)
#include "ClassListTest.moc"
