// The runs of a set side by side (spec section 5): the sample table's run and change
// columns, the Compare dock's set means by run and the Plots dock's scatter. Values are
// checked against core's own pipeline on each run, opened separately.
#include "TestWindow.h"
#include "losslens/demo/DemoDataset.h"
#include "losslens/io/Dataset.h"
#include "losslens/loss/LossVariant.h"
#include "losslens/set/SetProcessor.h"
#include "panels/ComparisonPanel.h"
#include "panels/PlotsPanel.h"
#include "panels/RunScatter.h"
#include "panels/SampleTableModel.h"
#include "session/DatasetSession.h"
#include "session/RunScores.h"
#include "view/SampleView.h"

#include <QComboBox>
#include <QHeaderView>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QScatterSeries>

#include <algorithm>
#include <filesystem>
#include <map>

using namespace losslens;
namespace fs = std::filesystem;

namespace {
QString cell(double value) {
    return QString::number(value, 'f', 4);
}

// Every run scored and its cells in: the session's scan and RunScores' both done.
bool allScored(const testing::TestWindow& w) {
    return w.session()->isScored() && !w.runScores()->scoring() &&
           w.runScores()->setSummary("a_model").samples() > 0 &&
           w.runScores()->setSummary("b_model").samples() > 0 &&
           w.runScores()->setSummary("c_model").samples() > 0;
}
} // namespace

class RunTableTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    fs::path m_root;
    std::map<std::string, SetReport> m_reference;

    void reference(const fs::path& root) {
        m_reference.clear();
        for (const std::string run : {"a_model", "b_model", "c_model"})
            m_reference[run] = processSet(Dataset::open(root, {}, run), {});
    }
    // The reference mean of `variant` for row `entry` of `run`, if that run scored it.
    std::optional<double> expected(const std::string& run, std::size_t entry,
                                   std::size_t variant) const {
        const SampleOutcome& o = m_reference.at(run).samples[entry];
        return o.ok ? std::optional<double>(o.summary.mean(variant)) : std::nullopt;
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        const fs::path base(m_dir.path().toStdString());
        m_root = base / "set";
        DemoOptions options;
        options.count = 5;
        options.size = 40;
        options.missing = 2;
        writeDemoDataset(m_root, options, false);
        fs::create_directories(m_root / "runs");
        fs::rename(m_root / "predictions", m_root / "runs" / "a_model");
        for (const auto& [name, seed] : {std::pair{"b_model", 91u}, std::pair{"c_model", 92u}}) {
            options.seed = seed;
            writeDemoDataset(base / name, options, false);
            fs::rename(base / name / "predictions", m_root / "runs" / name);
        }
        fs::rename(m_root / "runs", m_root / "predictions");
        // c_model lacks one stem.
        fs::remove(m_root / "predictions" / "c_model" / "demo_002.npy");
        reference(m_root);
        QVERIFY(!m_reference["c_model"].samples[2].ok);
    }

    // One column per run with the heatmap variant's mean, and the change against the first
    // other run (no vs run chosen): a_model − b_model.
    void runColumnsShowEveryRunsMean() {
        testing::TestWindow w;
        w.openFolder(QString::fromStdString(m_root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(allScored(w), 30000);
        const SampleTableModel* model = w.tableModel();
        QCOMPARE(model->columnCount(), model->firstRunColumn() + 4);
        QCOMPARE(
            model->headerData(model->changeColumn(), Qt::Horizontal, Qt::DisplayRole).toString(),
            QStringLiteral("Δ vs run b_model"));
        const std::size_t standard = variantFor(VariantRole::Baseline);
        for (int row = 0; row < model->rowCount(); ++row) {
            const auto entry = static_cast<std::size_t>(row);
            for (const std::string run : {"a_model", "b_model", "c_model"}) {
                const int column = model->runColumn(run);
                QCOMPARE(model->headerData(column, Qt::Horizontal, Qt::DisplayRole).toString(),
                         QStringLiteral("run %1").arg(QString::fromStdString(run)));
                const auto want = expected(run, entry, standard);
                QCOMPARE(model->index(row, column).data().toString(),
                         want ? cell(*want) : QString());
            }
            const double change =
                *expected("a_model", entry, standard) - *expected("b_model", entry, standard);
            QCOMPARE(model->index(row, model->changeColumn())
                         .data(SampleTableModel::SortRole)
                         .toDouble(),
                     change);
        }
        // The run that lacks a stem says so in the cell's tooltip.
        const QString why =
            model->index(2, model->runColumn("c_model")).data(Qt::ToolTipRole).toString();
        QVERIFY2(why.contains(QStringLiteral("c_model")) &&
                     why.contains(QStringLiteral("demo_002")),
                 qPrintable(why));
    }

    // The variant is the heatmap's; the change is against the vs run once one is chosen.
    void columnsFollowTheVariantAndTheVsRun() {
        testing::TestWindow w;
        w.openFolder(QString::fromStdString(m_root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(allScored(w), 30000);
        const std::size_t partial = variantFor(VariantRole::MissingAware);
        ViewSettings settings = w.sampleView()->settings();
        settings.heatmap = HeatmapSource::variant(partial);
        w.sampleView()->setSettings(settings);
        auto* versus = w.findChild<QComboBox*>(QStringLiteral("compareRunChooser"));
        versus->setCurrentIndex(versus->findText(QStringLiteral("c_model")));
        const SampleTableModel* model = w.tableModel();
        QCOMPARE(
            model->headerData(model->changeColumn(), Qt::Horizontal, Qt::DisplayRole).toString(),
            QStringLiteral("Δ vs run c_model"));
        for (int row = 0; row < model->rowCount(); ++row) {
            const auto entry = static_cast<std::size_t>(row);
            QCOMPARE(model->index(row, model->runColumn("b_model")).data().toString(),
                     cell(*expected("b_model", entry, partial)));
            const auto a = expected("a_model", entry, partial);
            const auto c = expected("c_model", entry, partial);
            const QVariant shown = model->index(row, model->changeColumn()).data();
            if (!c) {
                QVERIFY(!shown.isValid()); // no change where a run has no score
                continue;
            }
            const double change = *a - *c;
            QCOMPARE(shown.toString(),
                     change > 0.0 ? QStringLiteral("+") + cell(change) : cell(change));
        }
    }

    // A click on the change column's header sorts the samples that got worst first, the
    // sample a run lacks last.
    void changeColumnSortsWorstFirst() {
        testing::TestWindow w;
        w.openFolder(QString::fromStdString(m_root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(allScored(w), 30000);
        auto* versus = w.findChild<QComboBox*>(QStringLiteral("compareRunChooser"));
        versus->setCurrentIndex(versus->findText(QStringLiteral("c_model")));
        const int column = w.tableModel()->changeColumn();
        auto* table = w.sampleList()->findChild<QTableView*>();
        QHeaderView* header = table->horizontalHeader();
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        table->scrollTo(table->model()->index(0, column));
        const int x = header->sectionViewportPosition(column) + header->sectionSize(column) / 2;
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, 5));
        QCOMPARE(header->sortIndicatorSection(), column);
        QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);

        const std::size_t standard = variantFor(VariantRole::Baseline);
        std::vector<std::pair<double, std::size_t>> changes;
        for (std::size_t e = 0; e < m_reference["a_model"].samples.size(); ++e)
            if (const auto c = expected("c_model", e, standard))
                changes.emplace_back(*expected("a_model", e, standard) - *c, e);
        std::sort(changes.rbegin(), changes.rend());
        const QSortFilterProxyModel* proxy = w.proxyModel();
        for (std::size_t k = 0; k < changes.size(); ++k)
            QCOMPARE(proxy->index(static_cast<int>(k), 0)
                         .data(SampleTableModel::EntryRole)
                         .toULongLong(),
                     qulonglong{changes[k].second});
        QCOMPARE(
            proxy->index(proxy->rowCount() - 1, 0).data(SampleTableModel::EntryRole).toULongLong(),
            qulonglong{2}); // c_model lacks demo_002
    }

    // Another run opened: the runs' columns stay filled (scores are kept), the change is
    // now against the first other run.
    void switchingRunsKeepsTheOtherRunsScores() {
        testing::TestWindow w;
        w.openFolder(QString::fromStdString(m_root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(allScored(w), 30000);
        w.session()->setRun(QStringLiteral("b_model"));
        QTRY_VERIFY_WITH_TIMEOUT(
            w.session()->isOpen() && w.session()->dataset()->run() == "b_model", 10000);
        QTRY_VERIFY_WITH_TIMEOUT(allScored(w), 30000);
        const SampleTableModel* model = w.tableModel();
        QCOMPARE(
            model->headerData(model->changeColumn(), Qt::Horizontal, Qt::DisplayRole).toString(),
            QStringLiteral("Δ vs run a_model"));
        for (int row = 0; row < model->rowCount(); ++row) {
            const auto entry = static_cast<std::size_t>(row);
            QCOMPARE(model->index(row, model->runColumn("a_model")).data().toString(),
                     cell(*expected("a_model", entry, 0)));
            QCOMPARE(model->index(row, model->changeColumn())
                         .data(SampleTableModel::SortRole)
                         .toDouble(),
                     *expected("b_model", entry, 0) - *expected("a_model", entry, 0));
        }
    }

    // A file of another run rewritten (a new checkpoint) is rescored when the set is
    // reopened; unchanged files keep their scores.
    void aRewrittenFileOfAnotherRunIsRescored() {
        const fs::path root = fs::path(m_dir.path().toStdString()) / "rewritten";
        fs::remove_all(root);
        fs::copy(m_root, root, fs::copy_options::recursive);
        testing::TestWindow w;
        w.openFolder(QString::fromStdString(root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(allScored(w), 30000);
        fs::copy_file(root / "predictions" / "b_model" / "demo_001.npy",
                      root / "predictions" / "c_model" / "demo_001.npy",
                      fs::copy_options::overwrite_existing);
        fs::copy_file(root / "predictions" / "b_model" / "demo_002.npy",
                      root / "predictions" / "c_model" / "demo_002.npy");
        w.session()->reload();
        QTRY_VERIFY_WITH_TIMEOUT(!w.session()->isScored(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(
            allScored(w) && w.runScores()->setSummary("c_model").samples() == 5, 30000);
        const SampleTableModel* model = w.tableModel();
        const int c = model->runColumn("c_model");
        for (int row : {1, 2})
            QCOMPARE(model->index(row, c).data().toString(),
                     model->index(row, model->runColumn("b_model")).data().toString());
        QCOMPARE(model->index(0, c).data().toString(), cell(*expected("c_model", 0, 0)));
    }

    // The Compare dock's runs view: every variant's set mean in every run, as core's pass
    // over each run gives it; the Plots dock's scatter: one point per sample both runs have.
    void compareAndPlotsCompareRuns() {
        testing::TestWindow w;
        w.openFolder(QString::fromStdString(m_root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(allScored(w), 30000);
        ComparisonPanel* compare = w.comparisonPanel();
        compare->setMetric(ComparisonPanel::Metric::RunMeans);
        QCOMPARE(compare->shownMetric(), ComparisonPanel::Metric::RunMeans);
        const QTableWidget* table = compare->table();
        QCOMPARE(table->rowCount(), 3);
        const auto variants = lossVariants();
        QCOMPARE(table->columnCount(), static_cast<int>(variants.size()) + 1);
        int row = 0;
        for (const std::string run : {"a_model", "b_model", "c_model"}) {
            const SetReport& reference = m_reference[run];
            for (std::size_t v = 0; v < variants.size(); ++v)
                QCOMPARE(table->item(row, static_cast<int>(v))->text(),
                         QString::number(reference.total.mean(v), 'f',
                                         5)); // the Compare panel: 5 decimals
            QCOMPARE(table->item(row, static_cast<int>(variants.size()))->text().toInt(),
                     reference.total.samples());
            ++row;
        }

        auto* versus = w.findChild<QComboBox*>(QStringLiteral("compareRunChooser"));
        versus->setCurrentIndex(versus->findText(QStringLiteral("c_model")));
        PlotsPanel* plots = w.findChild<PlotsPanel*>();
        plots->showRuns();
        int worse = 0;
        int points = 0;
        for (std::size_t e = 0; e < 5; ++e)
            if (const auto c = expected("c_model", e, 0)) {
                ++points;
                worse += *expected("a_model", e, 0) > *c ? 1 : 0;
            }
        int plotted = 0;
        int plottedWorse = 0;
        for (QAbstractSeries* series : plots->runView()->chart()->series())
            if (auto* scatter = qobject_cast<QScatterSeries*>(series)) {
                plotted += scatter->count();
                if (scatter->name().startsWith(QStringLiteral("worse")))
                    plottedWorse += scatter->count();
            }
        QCOMPARE(plotted, points);
        QCOMPARE(plottedWorse, worse);
        // A point stands for its sample: clicking it shows that sample; the axes name runs.
        for (std::size_t e = 0; e < 5; ++e) {
            const auto a = expected("a_model", e, 0);
            const auto c = expected("c_model", e, 0);
            if (!a || !c)
                continue;
            QCOMPARE(plots->runView()->pointEntry(QPointF(*c, *a)), std::optional<std::size_t>(e));
            plots->runView()->clickPoint(e);
            QTRY_VERIFY_WITH_TIMEOUT(w.currentSample() && w.currentSample()->entry == e, 10000);
        }
        for (QAbstractAxis* axis : plots->runView()->chart()->axes())
            QVERIFY2(axis->titleText().startsWith(QStringLiteral("run ")),
                     qPrintable(axis->titleText()));
    }
};

QTEST_MAIN(RunTableTest)
#include "RunTableTest.moc"
