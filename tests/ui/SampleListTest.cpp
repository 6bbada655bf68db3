// The Samples dock on a data set with declared label sets (spec section 4): the Missing
// column's source marker, tooltip and Details, and the two missing-annotation filters,
// checked against core's own processSet of the same folder and against hand-made cases.

#include "TestWindow.h"
#include "WindowWaits.h"
#include "losslens/demo/DemoDataset.h"
#include "losslens/io/ClassInfo.h"
#include "losslens/io/Dataset.h"
#include "losslens/set/SetProcessor.h"
#include "panels/SampleFilterProxy.h"
#include "panels/SampleListPanel.h"
#include "panels/SampleTableModel.h"
#include "session/DatasetSession.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <filesystem>
#include <fstream>

using namespace losslens;
namespace fs = std::filesystem;

class SampleListTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    fs::path m_root;
    SetReport m_reference;

    // The stems the proxy shows, sorted.
    static std::vector<std::string> shownStems(testing::TestWindow& w) {
        std::vector<std::string> stems;
        for (int row = 0; row < w.proxyModel()->rowCount(); ++row)
            stems.push_back(w.proxyModel()->index(row, 0).data().toString().toStdString());
        std::sort(stems.begin(), stems.end());
        return stems;
    }

    // The stems whose core missing set passes `accept`, sorted.
    std::vector<std::string>
    expectedStems(const std::function<bool(const SampleOutcome&)>& accept) {
        std::vector<std::string> stems;
        for (const auto& o : m_reference.samples)
            if (o.ok && accept(o))
                stems.push_back(o.stem);
        std::sort(stems.begin(), stems.end());
        return stems;
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_root = fs::path(m_dir.path().toStdString()) / "declared";
        DemoOptions options;
        options.count = 12;
        options.size = 48;
        options.missing = 4;
        options.seed = 5;
        options.labelSets = true;
        writeDemoDataset(m_root, options, false);
        // One stem outside every entry: "demo_*" does not match it, the article's rule holds.
        fs::copy_file(m_root / "labels" / "demo_000.png", m_root / "labels" / "other.png");
        fs::copy_file(m_root / "predictions" / "demo_000.npy",
                      m_root / "predictions" / "other.npy");
        m_reference = processSet(Dataset::open(m_root), {});
        QCOMPARE(m_reference.failedCount(), std::size_t{0});
    }

    void pureFilterRules() {
        const std::vector<ClassInfo> classes = defaultClasses(4);
        std::vector<ClassInfo> named = classes;
        named[1].name = "Liver";
        named[2].name = "kidney";
        named[3].name = "left kidney";
        QVERIFY(!classesMatching(QStringLiteral("  "), named).has_value());
        QCOMPARE(*classesMatching(QStringLiteral("liv"), named), std::vector<int>({1}));
        QCOMPARE(*classesMatching(QStringLiteral("KIDNEY"), named), std::vector<int>({2, 3}));
        QVERIFY(classesMatching(QStringLiteral("lung"), named)->empty());
        named[0].name = "background";
        QVERIFY(classesMatching(QStringLiteral("back"), named)->empty()); // never missing

        QVERIFY(passesMissingFilter({}, false, std::nullopt));
        QVERIFY(!passesMissingFilter({}, true, std::nullopt));
        QVERIFY(passesMissingFilter({2}, true, std::nullopt));
        QVERIFY(passesMissingFilter({2, 3}, false, std::vector<int>({3})));
        QVERIFY(!passesMissingFilter({2}, false, std::vector<int>({1, 3})));
        QVERIFY(!passesMissingFilter({2}, false, std::vector<int>{}));

        QCOMPARE(SampleTableModel::missingCellText({}), QString());
        QCOMPARE(SampleTableModel::missingCellText({QStringLiteral("a"), QStringLiteral("b")}),
                 QStringLiteral("a, b"));
        QStringList many;
        for (int i = 0; i < 14; ++i)
            many << QStringLiteral("c%1").arg(i);
        QCOMPARE(SampleTableModel::missingCellText(many),
                 many.join(QStringLiteral(", ")).prepend(QStringLiteral("14: ")));
        QCOMPARE(SampleTableModel::missingCellText(many.mid(0, 3)),
                 QStringLiteral("3: c0, c1, c2"));
    }

    void missingColumnShowsTheSourceAndTheFullList() {
        testing::TestWindow w;
        w.openFolder(QString::fromStdString(m_root.string()));
        testing::waitForScored(w);
        SampleTableModel* model = w.tableModel();
        QCOMPARE(model->rowCount(), static_cast<int>(m_reference.samples.size()));
        const std::vector<ClassInfo> classes = demoClasses();
        int declaredWithMissing = 0;
        for (int row = 0; row < model->rowCount(); ++row) {
            const SampleOutcome& ref = m_reference.samples[static_cast<std::size_t>(row)];
            const QModelIndex cell = model->index(row, SampleTableModel::Missing);
            QCOMPARE(model->index(row, SampleTableModel::Stem).data().toString(),
                     QString::fromStdString(ref.stem));
            const bool declared = ref.stem != "other";
            QCOMPARE(ref.summary.missingSource,
                     declared ? MissingSource::Declared : MissingSource::Absent);
            QCOMPARE(cell.data(SampleTableModel::MissingSourceRole).toString(),
                     declared ? QStringLiteral("declared") : QStringLiteral("absent"));
            // The A/D tag only where something is missing.
            QCOMPARE(!cell.data(Qt::DecorationRole).value<QIcon>().isNull(),
                     !ref.summary.missing.empty());
            QVariantList ids;
            for (const int c : ref.summary.missing)
                ids << c;
            QCOMPARE(cell.data(SampleTableModel::MissingRole).toList(), ids);
            const QString tip = cell.data(Qt::ToolTipRole).toString();
            QVERIFY2(tip.contains(declared ? QStringLiteral("Declared in dataset.json")
                                           : QStringLiteral("the article's rule")),
                     qPrintable(tip));
            for (const int c : ref.summary.missing)
                QVERIFY2(
                    tip.contains(QString::fromStdString(classes[static_cast<std::size_t>(c)].name)),
                    qPrintable(tip));
            declaredWithMissing += declared && !ref.summary.missing.empty() ? 1 : 0;
        }
        QVERIFY(declaredWithMissing > 0);
        // The set's row under the table: core's pixel-weighted means of the same set.
        const QString setMean =
            w.sampleList()->findChild<QLabel*>(QStringLiteral("setMean"))->text();
        const std::size_t standard = variantFor(VariantRole::Baseline);
        const std::size_t partial = variantFor(VariantRole::MissingAware);
        for (const double v : {m_reference.total.mean(standard), m_reference.total.mean(partial)})
            QVERIFY2(setMean.contains(QString::number(v, 'f', 5)), qPrintable(setMean));
        QVERIFY2(setMean.contains(
                     QStringLiteral("removed %1 px").arg(m_reference.total.removedPixels())),
                 qPrintable(setMean));

        // Details of a declared sample name its entry and what it was annotated for.
        for (std::size_t i = 0; i < m_reference.samples.size(); ++i) {
            const SampleOutcome& ref = m_reference.samples[i];
            if (ref.summary.missing.empty() || ref.stem == "other")
                continue;
            w.selectEntry(i);
            QTRY_VERIFY_WITH_TIMEOUT(w.detailsText().contains(QString::fromStdString(ref.stem)),
                                     5000);
            const QString details = w.detailsText();
            QVERIFY2(details.contains(QStringLiteral("label_sets[")), qPrintable(details));
            QVERIFY2(details.contains(QStringLiteral("Annotated for:")), qPrintable(details));
            break;
        }
    }

    void filtersShowSamplesWithMissingAnnotationsAndByClass() {
        testing::TestWindow w;
        w.openFolder(QString::fromStdString(m_root.string()));
        testing::waitForScored(w);
        SampleListPanel* list = w.sampleList();
        const auto all = expectedStems([](const SampleOutcome&) { return true; });
        QCOMPARE(shownStems(w), all);

        list->onlyMissingBox()->setChecked(true);
        const auto withMissing =
            expectedStems([](const SampleOutcome& o) { return !o.summary.missing.empty(); });
        QVERIFY(!withMissing.empty() && withMissing.size() < all.size());
        QCOMPARE(shownStems(w), withMissing);
        list->onlyMissingBox()->setChecked(false);

        // Typing a class name shows the samples where that class is missing.
        for (const int cls : {1, 2, 3}) {
            const std::string name = demoClasses()[static_cast<std::size_t>(cls)].name;
            list->missingClassBox()->setEditText(QString::fromStdString(name).toUpper());
            const auto expected = expectedStems([&](const SampleOutcome& o) {
                return std::find(o.summary.missing.begin(), o.summary.missing.end(), cls) !=
                       o.summary.missing.end();
            });
            QCOMPARE(shownStems(w), expected);
        }
        list->missingClassBox()->setEditText(QStringLiteral("no such class"));
        QCOMPARE(shownStems(w), std::vector<std::string>{});
        list->missingClassBox()->setEditText(QString());
        QCOMPARE(shownStems(w), all);
        // The class list offers the object classes, not background.
        QCOMPARE(list->missingClassBox()->count(), 3);
        QCOMPARE(list->missingClassBox()->itemText(0), QStringLiteral("ellipse"));
    }

    // The names the table shows and sorts by are the open set's: another folder opened in
    // the same window shows its own, in name order either way.
    void namesAreTheOpenSetsInNameOrder() {
        const fs::path other = fs::path(m_dir.path().toStdString()) / "renamed";
        for (const char* sub : {"labels", "predictions"}) {
            fs::create_directories(other / sub);
            for (const auto& file : fs::directory_iterator(m_root / sub))
                fs::copy_file(file.path(), other / sub / ("z" + file.path().filename().string()));
        }
        testing::TestWindow w;
        const auto namesInOrder = [&w] {
            std::vector<std::string> names;
            for (int row = 0; row < w.proxyModel()->rowCount(); ++row)
                names.push_back(w.proxyModel()
                                    ->index(row, SampleTableModel::Stem)
                                    .data()
                                    .toString()
                                    .toStdString());
            return names;
        };
        std::vector<std::string> want;
        for (const auto& o : m_reference.samples)
            want.push_back(o.stem);
        std::sort(want.begin(), want.end());
        for (const fs::path& root : {m_root, other, m_root}) {
            w.openFolder(QString::fromStdString(root.string()));
            testing::waitForScored(w);
            std::vector<std::string> expected = want;
            if (root == other)
                for (std::string& stem : expected)
                    stem.insert(0, 1, 'z');
            QCOMPARE(namesInOrder(), expected);
            w.proxyModel()->sort(SampleTableModel::Stem, Qt::DescendingOrder);
            std::reverse(expected.begin(), expected.end());
            QCOMPARE(namesInOrder(), expected);
            w.proxyModel()->sort(SampleTableModel::Stem, Qt::AscendingOrder);
        }
    }

    void unmatchedEntryIsShownAsADataSetWarning() {
        const fs::path root = fs::path(m_dir.path().toStdString()) / "unmatched";
        fs::create_directories(root);
        for (const char* sub : {"labels", "predictions"})
            fs::copy(m_root / sub, root / sub, fs::copy_options::recursive);
        std::ofstream(root / "dataset.json")
            << R"({"label_sets": [{"match": "scan_*", "annotated": [1]},
                                  {"match": "demo_*", "annotated": [1, 2, 3]}]})";
        testing::TestWindow w;
        w.openFolder(QString::fromStdString(root.string()));
        testing::waitForScored(w);
        QTRY_VERIFY_WITH_TIMEOUT(
            w.detailsText().contains(QStringLiteral("label_sets[0] (match \"scan_*\") matches "
                                                    "no sample")),
            5000);
    }
};

QTEST_MAIN(SampleListTest)
#include "SampleListTest.moc"
