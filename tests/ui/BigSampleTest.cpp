// A sample whose maps the window does not keep (a big one: SampleData::kKeptMapBytes) is
// drawn, read at the cursor, clipped, compared across runs and loaded with the same values
// as one that keeps them; the values themselves are checked against the double-precision
// reference of spec section 1.
#include "../core/RandomSample.h"
#include "../core/ReferenceLoss.h"
#include "WindowWaits.h"

#include "TestWindow.h"
#include "losslens/demo/DemoDataset.h"
#include "losslens/io/NpyArray.h"
#include "losslens/loss/LossComputer.h"
#include "losslens/loss/LossVariant.h"
#include "losslens/set/SetProcessor.h"
#include "render/LayerImages.h"
#include "render/PixelInfo.h"
#include "session/DatasetSession.h"
#include "view/ColorBar.h"
#include "view/SampleView.h"
#include "window/ExportController.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <random>

using namespace losslens;
namespace fs = std::filesystem;

namespace {

// The same sample twice: every map kept, and the masks only.
std::pair<SampleDataPtr, SampleDataPtr> keptAndNot(const testdata::RandomSample& s) {
    auto kept = std::make_shared<SampleData>();
    kept->sample.labels = s.labels;
    kept->sample.prediction = s.prediction;
    kept->loss = computeLoss(s.labels, s.prediction);
    auto bare = std::make_shared<SampleData>();
    bare->sample.labels = s.labels;
    bare->sample.prediction = s.prediction;
    computeLoss(s.labels, s.prediction, LossConfig{}, kAllVariants, bare->loss, {},
                LossOutputs{VariantMask{0}, {}});
    return {kept, bare};
}

// The demo set, `count` samples of `size` x `size`, in `dir`.
void writeDemo(const QTemporaryDir& dir, int count, int size) {
    DemoOptions options;
    options.count = count;
    options.size = size;
    writeDemoDataset(dir.path().toStdString(), options, false);
}

// The window on `dir`, its samples keeping their maps or not, once the set is scored.
void openScored(testing::TestWindow& w, const QTemporaryDir& dir, bool keepMaps) {
    if (!keepMaps)
        w.session()->setKeptMapBytes(0);
    w.openFolder(dir.path());
    testing::waitForScan(w);
}

std::vector<ViewSettings> settingsToTry() {
    std::vector<ViewSettings> all;
    for (std::size_t v = 0; v < lossVariants().size(); ++v) {
        ViewSettings s;
        s.heatmap = HeatmapSource::variant(v);
        all.push_back(s);
    }
    ViewSettings diff;
    diff.heatmap = HeatmapSource::difference(variantIndex("standard"), variantIndex("partial"));
    all.push_back(diff);
    ViewSettings log;
    log.heatmap = HeatmapSource::variant(variantIndex("focal"));
    log.logScale = true;
    all.push_back(log);
    return all;
}

} // namespace

class BigSampleTest : public QObject {
    Q_OBJECT
private slots:
    void aSampleWithoutMapsIsDrawnAndReadWithTheSameValues() {
        std::mt19937 rng(4242);
        const auto s = testdata::randomSample(rng, 53, 41, 4, false);
        const auto [kept, bare] = keptAndNot(s);
        QVERIFY(kept->keepsMaps());
        QVERIFY(!bare->keepsMaps());
        QVERIFY(!bare->loss.summary.missing.empty()); // so the partial variant removes some
        QVERIFY(bare->bytes() + 6 * 53 * 41 * sizeof(float) == kept->bytes());
        const QSize size(53, 41);
        const Viewport views[] = {Viewport::whole(size),
                                  {QSize(30, 20), -5.0, 3.0, 2.3},
                                  {QSize(40, 30), 10.2, 7.7, 0.3}};
        for (const ViewSettings& settings : settingsToTry())
            for (const Viewport& view : views) {
                const QImage a = heatmapLayer(*kept, settings, {0.05f, 2.0f}, view);
                const QImage b = heatmapLayer(*bare, settings, {0.05f, 2.0f}, view);
                QVERIFY(!a.isNull());
                QCOMPARE(b, a);
            }
        std::int64_t clipped = 0; // drop's map is all 0 where M is not empty: count over all
        for (const ViewSettings& settings : settingsToTry()) {
            const bool log = usesLogScale(settings);
            const RangeClipping a = rangeClipping(*kept, settings.heatmap, log, 255, {0.1f, 1.5f});
            const RangeClipping b = rangeClipping(*bare, settings.heatmap, log, 255, {0.1f, 1.5f});
            QVERIFY(a.valid > 0);
            clipped += a.above;
            QCOMPARE(b.valid, a.valid);
            QCOMPARE(b.below, a.below);
            QCOMPARE(b.above, a.above);
        }
        QVERIFY(clipped > 0);
        // The readout: every variant at the cursor, against the reference.
        const reference::Maps ref =
            reference::compute(s.labels, s.prediction, reference::Settings{});
        const std::vector<double>* refMaps[] = {&ref.standard, &ref.partial, &ref.marginal,
                                                &ref.drop,     &ref.focal,   &ref.weighted};
        for (int y = 0; y < 41; y += 3)
            for (int x = 0; x < 53; x += 2) {
                const PixelInfo info = pixelInfo(*bare, x, y, 255);
                QCOMPARE(info.losses.size(), lossVariants().size());
                QCOMPARE(info.losses, pixelInfo(*kept, x, y, 255).losses);
                const std::size_t i = static_cast<std::size_t>(y * 53 + x);
                for (std::size_t v = 0; v < 6; ++v) {
                    const double expected = (*refMaps[variantIndex(lossVariants()[v].name)])[i];
                    QVERIFY2(
                        std::abs(static_cast<double>(info.losses[v]) - expected) <=
                            1e-5 * (1.0 + expected),
                        qPrintable(QStringLiteral("(%1, %2) variant %3").arg(x).arg(y).arg(v)));
                }
            }
    }

    void runDifferencesWithoutMapsMatchAPlainLoop() {
        std::mt19937 rng(4343);
        auto s = testdata::randomSample(rng, 70, 150, 4, false); // more than two bands of rows
        auto t = s;
        std::mt19937 other(4444);
        const auto u = testdata::randomSample(other, 70, 150, 4, false);
        t.prediction = u.prediction; // another run: same labels, another model
        const auto [keptA, bareA] = keptAndNot(s);
        const auto [keptB, bareB] = keptAndNot(t);
        int nonzero = 0;
        for (std::size_t v = 0; v < lossVariants().size(); ++v) {
            float top = 0.0f;
            const auto a = keptA->loss.maps[v].values();
            const auto b = keptB->loss.maps[v].values();
            for (std::size_t i = 0; i < a.size(); ++i)
                if (s.labels.values()[i] != 255)
                    top = std::max(top, std::abs(a[i] - b[i]));
            nonzero += top > 0.0f ? 1 : 0;
            QCOMPARE(maxRunDifference(*bareA, *bareB, v, 255), top);
            QCOMPARE(maxRunDifference(*bareA, *keptB, v, 255), top);
        }
        QVERIFY(nonzero >= 5);
        ViewSettings settings;
        settings.heatmap = HeatmapSource::runDifference(0);
        const Viewport view{QSize(35, 60), 0.0, 0.0, 2.5};
        QCOMPARE(heatmapLayer(*bareA, settings, {-2.0f, 2.0f}, view, bareB.get()),
                 heatmapLayer(*keptA, settings, {-2.0f, 2.0f}, view, keptB.get()));
    }

    void loadingWithoutMapsKeepsEveryStatistic() {
        QTemporaryDir dir;
        writeDemo(dir, 2, 96);
        const Dataset dataset = Dataset::open(dir.path().toStdString());
        for (std::size_t entry = 0; entry < 2; ++entry) {
            const SampleDataPtr kept = loadSampleData(dataset, entry);
            const SampleDataPtr bare = loadSampleData(dataset, entry, 0);
            QVERIFY(kept->keepsMaps());
            QVERIFY(!bare->keepsMaps());
            QVERIFY(bare->bytes() < kept->bytes());
            // The statistics of kept maps, made the long way (core's sampleStatistics).
            const SampleStatistics expected =
                sampleStatistics(kept->loss, kept->sample.labels, kept->config.ignoreIndex);
            QCOMPARE(bare->statistics.maxLoss, expected.maxLoss);
            QCOMPARE(bare->statistics.maxDifferences, expected.maxDifferences);
            QCOMPARE(bare->statistics.histograms.size(), expected.histograms.size());
            for (std::size_t v = 0; v < expected.histograms.size(); ++v)
                QCOMPARE(bare->statistics.histograms[v].counts, expected.histograms[v].counts);
            QCOMPARE(bare->statistics.quantiles.quantile(0.99), expected.quantiles.quantile(0.99));
            QCOMPARE(bare->loss.summary.sums, kept->loss.summary.sums);
            QCOMPARE(bare->loss.argmax.values().size(), kept->loss.argmax.values().size());
            QVERIFY(std::equal(bare->loss.removed.values().begin(),
                               bare->loss.removed.values().end(),
                               kept->loss.removed.values().begin()));
        }
    }

    // The window asks for its first sample as the set opens; the scan leaves that sample to
    // the viewer's load and takes its row from it: one load, the row the scan would make.
    void theViewerAndTheScanShareOneLoad() {
        QTemporaryDir dir;
        writeDemo(dir, 1, 80);
        DatasetSession session;
        connect(&session, &DatasetSession::opened, this, [&session](bool ok) {
            if (ok)
                session.requestSample(0);
        });
        session.open(dir.path());
        QTRY_VERIFY_WITH_TIMEOUT(session.isScored() && session.cachedSample(0), 30000);
        QCOMPARE(session.sampleLoads(), std::size_t{1});
        const Dataset dataset = Dataset::open(dir.path().toStdString());
        ProcessOptions process;
        process.statistics = true;
        const SetReport report = processSet(dataset, process);
        QCOMPARE(session.rows().size(), std::size_t{1});
        QVERIFY(session.rows()[0].state == DatasetSession::Row::State::Ok);
        QCOMPARE(session.rows()[0].summary.sums, report.samples[0].summary.sums);
        QCOMPARE(session.setSummary().samples(), report.total.samples());
        QCOMPARE(session.setSummary().sums(), report.total.sums());
        QCOMPARE(session.setMax(), report.samples[0].statistics.maxLoss);
        QCOMPARE(session.setQuantiles().quantile(0.99),
                 report.samples[0].statistics.quantiles.quantile(0.99));
    }

    void aFailedViewerLoadMakesTheScansErrorRow() {
        QTemporaryDir dir;
        writeDemo(dir, 2, 48);
        QFile bad(dir.filePath(QStringLiteral("predictions/demo_000.npy")));
        QVERIFY(bad.open(QIODevice::WriteOnly | QIODevice::Truncate));
        bad.write("\x93NUMPY not really");
        bad.close();
        DatasetSession session;
        connect(&session, &DatasetSession::opened, this, [&session](bool ok) {
            if (ok)
                session.requestSample(0);
        });
        session.open(dir.path());
        QTRY_VERIFY_WITH_TIMEOUT(session.isScored(), 30000);
        const SetReport report = processSet(Dataset::open(dir.path().toStdString()), {});
        QVERIFY(!report.samples[0].ok);
        const DatasetSession::Row& row = session.rows()[0];
        QVERIFY(row.state == DatasetSession::Row::State::Error);
        QCOMPARE(row.errorFile.toStdString(), report.samples[0].errorFile);
        QCOMPARE(row.errorMessage.toStdString(), report.samples[0].errorMessage);
        QVERIFY(session.rows()[1].state == DatasetSession::Row::State::Ok);
        QCOMPARE(session.setSummary().samples(), std::int64_t{1});
    }

    // The window on a sample that keeps no map: its colour bar's clipped share is counted off
    // the GUI thread and arrives, equal to a plain count over the kept maps.
    void theWindowClipsABigSamplesRangeInTheBackground() {
        QTemporaryDir dir;
        writeDemo(dir, 2, 96);
        testing::TestWindow w;
        openScored(w, dir, false);
        QVERIFY(!w.currentSample()->keepsMaps());
        const Dataset dataset = Dataset::open(dir.path().toStdString());
        const std::size_t entry = w.currentSample()->entry;
        const LoadedSample sample = dataset.load(entry);
        const LossResult loss = scoreSample(sample, dataset.config().lossConfig());
        ViewSettings s = w.viewSettings();
        s.heatmap = HeatmapSource::variant(0);
        s.logScale = false;
        s.rangeMode = RangeMode::SampleRobust;
        w.setViewSettings(s);
        const float robust = w.currentRange().hi;
        std::int64_t above = 0;
        std::int64_t valid = 0;
        const int ignore = dataset.config().ignoreIndex;
        for (std::size_t i = 0; i < sample.labels.pixelCount(); ++i) {
            if (sample.labels.values()[i] == ignore)
                continue;
            ++valid;
            above += loss.maps[0].values()[i] > robust ? 1 : 0;
        }
        QVERIFY(above > 0);
        QTRY_COMPARE_WITH_TIMEOUT(w.sampleView()->colorBar()->scale().above,
                                  static_cast<double>(above) / static_cast<double>(valid), 10000);
    }

    // The display image is kept once, as the base layer: the window and the exported
    // composite both draw it; a sample without one keeps no picture and draws grey.
    void theBaseIsTheDisplayImageOrGreyWithoutOne() {
        QTemporaryDir dir;
        writeDemo(dir, 1, 64);
        const Dataset dataset = Dataset::open(dir.path().toStdString());
        const LoadedSample sample = dataset.load(0);
        QVERIFY(!sample.image.empty());
        testing::TestWindow w;
        openScored(w, dir, true);
        ViewSettings s = w.viewSettings();
        for (std::size_t l = 0; l < kLayerCount; ++l)
            s.layers[l].visible = static_cast<Layer>(l) == Layer::Image;
        s.layer(Layer::Image).opacity = 1.0f;
        s.dimImage = false;
        w.setViewSettings(s);
        const QImage composite = w.compositeImage();
        QCOMPARE(composite.size(), QSize(64, 64));
        for (int y = 0; y < 64; y += 7)
            for (int x = 0; x < 64; x += 5)
                QCOMPARE(composite.pixel(x, y),
                         qRgb(sample.image.at(x, y, 0), sample.image.at(x, y, 1),
                              sample.image.at(x, y, 2)));

        QVERIFY(QFile::remove(dir.filePath(QStringLiteral("images/demo_000.png"))));
        const SampleDataPtr bare = loadSampleData(Dataset::open(dir.path().toStdString()), 0);
        QVERIFY(bare->base.isNull());
        const QImage grey = baseView(bare->base, QSize(64, 64), {QSize(20, 10), 50.0, -4.0, 1.0});
        for (int y = 0; y < 10; ++y)
            for (int x = 0; x < 20; ++x)
                QCOMPARE(grey.pixel(x, y), x < 14 && y >= 4 ? qRgb(128, 128, 128) : 0u);
    }

    // "Export current sample" writes off the GUI thread (a big sample's maps are scored
    // again there, one variant at a time, and its composite drawn there): the call returns at
    // once, the files arrive with the values of core's maps and the composite as shown.
    void theCurrentSampleIsExportedInTheBackground() {
        QTemporaryDir dir;
        QTemporaryDir out;
        writeDemo(dir, 1, 64);
        testing::TestWindow w;
        openScored(w, dir, false);
        const SampleDataPtr current = w.currentSample();
        QVERIFY(!current->keepsMaps());
        QSignalSpy messages(w.exportController(), &ExportController::message);
        w.exportController()->startCurrentExport(out.path(), false);
        QTRY_VERIFY_WITH_TIMEOUT(
            !w.exportController()->currentExportRunning() && messages.size() >= 2, 30000);
        QVERIFY2(messages.last().at(0).toString().startsWith(QStringLiteral("Wrote")),
                 qPrintable(messages.last().at(0).toString()));
        const Dataset dataset = Dataset::open(dir.path().toStdString());
        const LoadedSample sample = dataset.load(0);
        const LossResult loss = scoreSample(sample, dataset.config().lossConfig());
        const fs::path folder(out.path().toStdString());
        for (const char* name : {"standard", "partial"}) {
            const NpyArray map = readNpy(folder / ("demo_000." + std::string(name) + ".npy"));
            const auto expected = loss.map(name).values();
            QCOMPARE(map.data.size(), expected.size());
            QVERIFY(std::equal(expected.begin(), expected.end(), map.data.begin()));
        }
        const QImage composite(out.filePath(QStringLiteral("demo_000.composite.png")));
        QCOMPARE(composite.convertToFormat(QImage::Format_RGB32),
                 w.compositeImage().convertToFormat(QImage::Format_RGB32));
    }
};

QTEST_MAIN(BigSampleTest)
#include "BigSampleTest.moc"
