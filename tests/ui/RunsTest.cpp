// The window on a set of several runs (spec section 5). Values are checked against core's
// own pipeline on the same run, opened separately.
#include "losslens/demo/DemoDataset.h"
#include "losslens/io/Dataset.h"
#include "losslens/set/SetProcessor.h"
#include "losslens/ui/DatasetSession.h"
#include "losslens/ui/MainWindow.h"
#include "losslens/ui/SampleTableModel.h"

#include <QComboBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>

using namespace losslens;
namespace fs = std::filesystem;

class RunsTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    fs::path m_root;

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_root = fs::path(m_dir.path().toStdString()) / "set";
        DemoOptions options;
        options.count = 4;
        options.size = 48;
        options.missing = 2;
        writeDemoDataset(m_root, options, false);
        // Two runs: the demo's predictions, and the same ones of another seed.
        const fs::path other = fs::path(m_dir.path().toStdString()) / "other";
        options.seed = 77;
        writeDemoDataset(other, options, false);
        fs::rename(m_root / "predictions", m_root / "b_model");
        fs::create_directories(m_root / "predictions");
        fs::rename(m_root / "b_model", m_root / "predictions" / "b_model");
        fs::rename(other / "predictions", m_root / "predictions" / "a_model");
    }

    // The window opens the first run by name and says so.
    void opensTheFirstRunAndNamesIt() {
        MainWindow w;
        w.openFolder(QString::fromStdString(m_root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(w.session()->isScored(), 30000);
        QCOMPARE(w.session()->runs(), (std::vector<std::string>{"a_model", "b_model"}));
        QCOMPARE(w.session()->dataset()->run(), std::string("a_model"));
        QVERIFY(w.windowTitle().contains(QStringLiteral("run a_model of 2")));
        const SetReport reference = processSet(Dataset::open(m_root, {}, "a_model"), {});
        for (int row = 0; row < w.tableModel()->rowCount(); ++row)
            QCOMPARE(w.tableModel()->index(row, SampleTableModel::Standard).data().toString(),
                     QString::number(
                         reference.samples[static_cast<std::size_t>(row)].summary.mean(0), 'f', 5));
    }

    // The run chooser switches the whole window to another run; the sample in view stays.
    void theRunChooserSwitchesRunsAndKeepsTheSample() {
        MainWindow w;
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
        for (int row = 0; row < w.tableModel()->rowCount(); ++row)
            QCOMPARE(w.tableModel()->index(row, SampleTableModel::Standard).data().toString(),
                     QString::number(
                         reference.samples[static_cast<std::size_t>(row)].summary.mean(0), 'f', 5));
        QTRY_VERIFY_WITH_TIMEOUT(w.currentSample() && w.currentSample()->stem == stem, 10000);
        // The sample shown is b_model's: its loss is b_model's mean for that stem.
        QCOMPARE(w.currentSample()->loss.summary.mean(0),
                 reference.samples[w.currentSample()->entry].summary.mean(0));
    }
};

QTEST_MAIN(RunsTest)
#include "RunsTest.moc"
