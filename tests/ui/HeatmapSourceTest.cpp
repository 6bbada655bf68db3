// What each canvas and each exported file draws, for every heatmap source (a variant, A - B,
// a run difference), alone and side by side: the colours at known pixels against core's maps
// of both runs, coloured by the lookup table and range of the source that canvas or file
// draws, never another's. The ranges are computed here with plain loops over core's maps.
#include "TestWindow.h"
#include "TwoRunSet.h"
#include "losslens/demo/DemoDataset.h"
#include "losslens/io/Dataset.h"
#include "losslens/report/Colormap.h"
#include "losslens/report/Exporter.h"
#include "losslens/report/Legend.h"
#include "losslens/set/SetProcessor.h"
#include "render/HeatmapRange.h"
#include "session/DatasetSession.h"
#include "session/VersusSample.h"
#include "state/ViewState.h"
#include "view/Canvas.h"
#include "view/ColorBar.h"
#include "view/SampleView.h"
#include "window/ExportController.h"
#include "window/SetExportDialog.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRadioButton>
#include <QScreen>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>

using namespace losslens;
namespace fs = std::filesystem;

namespace {

struct Scored {
    LoadedSample sample;
    LossResult loss;
};

Scored scored(const fs::path& root, const std::string& run, std::size_t entry) {
    const Dataset set = Dataset::open(root, {}, run);
    LoadedSample sample = set.load(entry);
    LossResult loss = scoreSample(sample, set.config().lossConfig());
    return {std::move(sample), std::move(loss)};
}

// The largest value of `f(i)` over the valid pixels.
template <typename F> float largest(const LabelMap& labels, F f) {
    float m = 0.0f;
    const auto y = labels.values();
    for (std::size_t i = 0; i < y.size(); ++i)
        if (y[i] != 255)
            m = std::max(m, f(i));
    return m;
}

// The sample's largest loss over every variant (the "sample max" of a single variant).
float sampleMax(const Scored& s) {
    float m = 0.0f;
    for (const LossMap& map : s.loss.maps) {
        const auto v = map.values();
        m = std::max(m, largest(s.sample.labels, [&](std::size_t i) { return v[i]; }));
    }
    return m;
}

// Checks a heatmap layer drawn at 1:1 from `view` against value(x, y) coloured by `lut`
// over `range`; returns the number of pixels checked.
template <typename F>
int checkLayer(const QImage& heat, const Viewport& view, const LabelMap& labels,
               const ColormapLut& lut, ValueRange range, F value) {
    int checked = 0;
    for (int oy = 0; oy < heat.height(); oy += 3)
        for (int ox = 0; ox < heat.width(); ox += 3) {
            const int x = static_cast<int>(std::floor(view.x0 + (ox + 0.5) * view.step));
            const int y = static_cast<int>(std::floor(view.y0 + (oy + 0.5) * view.step));
            if (x < 0 || y < 0 || x >= labels.width() || y >= labels.height() ||
                labels.at(x, y) == 255)
                continue;
            const Rgb& c = lut[colormapIndex(value(x, y), range)];
            if (heat.pixel(ox, oy) != qRgb(c[0], c[1], c[2])) {
                qWarning("pixel (%d, %d): got %08x", x, y, heat.pixel(ox, oy));
                return -1;
            }
            ++checked;
        }
    return checked;
}

std::string readAll(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

} // namespace

class HeatmapSourceTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    fs::path m_root;
    static constexpr std::size_t kEntry = 1;
    const std::size_t standard = variantFor(VariantRole::Baseline);
    const std::size_t partial = variantFor(VariantRole::MissingAware);

    void open(testing::TestWindow& w) {
        w.resize(1200, 700);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.openFolder(QString::fromStdString(m_root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(w.session()->isScored(), 30000);
        w.selectEntry(kEntry);
        QTRY_VERIFY_WITH_TIMEOUT(w.currentSample() && w.currentSample()->entry == kEntry, 10000);
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_root = fs::path(m_dir.path().toStdString()) / "set";
        testing::writeTwoRunSet(m_root, fs::path(m_dir.path().toStdString()) / "other", 3, 40, 91);
    }

    // Every source, side by side, with and without a vs run: each canvas's colours come
    // from its own source; a canvas whose colours differ from the other's has its own bar.
    void eachCanvasDrawsItsOwnSource_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<bool>("versus");
        QTest::newRow("variant") << 0 << false;
        QTest::newRow("variant vs run") << 0 << true;
        QTest::newRow("difference") << 1 << false;
        QTest::newRow("run difference") << 2 << true;
    }
    void eachCanvasDrawsItsOwnSource() {
        QFETCH(int, kind);
        QFETCH(bool, versus);
        testing::TestWindow w;
        open(w);
        const Scored a = scored(m_root, "a_model", kEntry);
        const Scored b = scored(m_root, "b_model", kEntry);
        const LabelMap& labels = a.sample.labels;
        if (versus) {
            w.sampleView()->state()->setVersusRun(QStringLiteral("b_model"));
            QTRY_VERIFY_WITH_TIMEOUT(w.sampleView()->versusSample()->current() != nullptr, 10000);
        }
        ViewSettings s = w.viewSettings();
        s.rangeMode = RangeMode::SampleMax; // ranges a plain loop here can compute
        s.heatmap = kind == 0   ? HeatmapSource::variant(partial)
                    : kind == 1 ? HeatmapSource::difference(standard, partial)
                                : HeatmapSource::runDifference(partial);
        w.setViewSettings(s);
        w.setSideBySide(true);
        const auto va = [&](std::size_t v) {
            return [&, v](int x, int y) { return a.loss.maps[v].at(x, y); };
        };
        const auto vb = [&](std::size_t v) {
            return [&, v](int x, int y) { return b.loss.maps[v].at(x, y); };
        };
        const float plainMax = sampleMax(a);
        const ValueRange plain{0.0f, plainMax};
        const float diffMax = largest(labels, [&](std::size_t i) {
            return std::abs(a.loss.maps[standard].values()[i] - a.loss.maps[partial].values()[i]);
        });
        const float runMax = largest(labels, [&](std::size_t i) {
            return std::abs(a.loss.maps[partial].values()[i] - b.loss.maps[partial].values()[i]);
        });
        QVERIFY(plainMax > 0.0f && diffMax > 0.0f && runMax > 0.0f);
        const ColormapLut& viridis = colormapLut(Colormap::Viridis);

        w.canvas()->actualSize();
        QTRY_COMPARE(w.sideCanvas()->viewport(), w.canvas()->viewport());
        (void)w.canvas()->image();
        (void)w.sideCanvas()->image();
        const Viewport view = w.canvas()->viewport();
        const QImage& main = w.layerImages().heatmap;
        const QImage& side = w.sampleView()->sideLayerImages().heatmap;
        int mainChecked = 0;
        int sideChecked = 0;
        bool sideOwnBar = false;
        switch (kind) {
        case 0:
            QCOMPARE(w.currentRange().hi, plainMax);
            mainChecked = checkLayer(main, view, labels, viridis, plain, va(partial));
            // Beside it: the partner (standard) of this run, or partial of the vs run.
            sideChecked = versus ? checkLayer(side, view, labels, viridis, plain, vb(partial))
                                 : checkLayer(side, view, labels, viridis, plain, va(standard));
            break;
        case 1:
            QCOMPARE(w.currentRange().hi, diffMax);
            QCOMPARE(w.currentRange().lo, -diffMax);
            mainChecked =
                checkLayer(main, view, labels, divergingLut(), {-diffMax, diffMax},
                           [&](int x, int y) { return va(standard)(x, y) - va(partial)(x, y); });
            // Beside a difference: A alone, on the plain map over the plain range.
            sideChecked = checkLayer(side, view, labels, viridis, plain, va(standard));
            sideOwnBar = true;
            break;
        default:
            QTRY_COMPARE_WITH_TIMEOUT(w.currentRange().hi, runMax, 10000);
            (void)w.canvas()->image();
            mainChecked =
                checkLayer(main, view, labels, divergingLut(), {-runMax, runMax},
                           [&](int x, int y) { return va(partial)(x, y) - vb(partial)(x, y); });
            // Beside a run difference: the vs run's variant, plain, not over -m..m.
            sideChecked = checkLayer(side, view, labels, viridis, plain, vb(partial));
            sideOwnBar = true;
            break;
        }
        QVERIFY2(mainChecked > 20, "main canvas");
        QVERIFY2(sideChecked > 20, "side canvas");
        // The bars: one shared bar when both canvases share colours, else one each, each
        // with its own canvas's scale.
        ColorBar* mainBar = w.sampleView()->colorBar();
        ColorBar* sideBar = w.sampleView()->sideColorBar();
        QVERIFY(sideBar->isVisible());
        QCOMPARE(mainBar->isVisible(), sideOwnBar);
        QCOMPARE(sideBar->scale().lo, sideOwnBar ? 0.0f : w.currentRange().lo);
        QCOMPARE(sideBar->scale().hi, sideOwnBar ? plainMax : w.currentRange().hi);
        if (sideOwnBar) {
            QCOMPARE(mainBar->scale().lo, w.currentRange().lo);
            QCOMPARE(mainBar->scale().hi, w.currentRange().hi);
        }
        // Captions say "run X" where runs are compared.
        if (versus)
            QVERIFY2(w.sideCanvas()->caption().contains(QStringLiteral("run b_model")),
                     qPrintable(w.sideCanvas()->caption()));
    }

    // The range box names the rule the colour bar uses: a difference is never "99th pct".
    void theRangeBoxSaysWhatTheBarUses() {
        testing::TestWindow w;
        open(w);
        auto* box = w.findChild<QComboBox*>(QStringLiteral("rangeMode"));
        QVERIFY(box);
        ViewSettings s = w.viewSettings();
        s.rangeMode = RangeMode::SetRobust;
        w.setViewSettings(s);
        QCOMPARE(box->currentText(), QStringLiteral("Set, 99th pct"));
        QCOMPARE(w.currentRange().hi, w.session()->setQuantiles().quantile(kRobustQuantile));
        s.heatmap = HeatmapSource::difference(standard, partial);
        w.setViewSettings(s);
        QCOMPARE(box->currentText(), QStringLiteral("Set, max |A − B|"));
        for (int i = 0; i < box->count(); ++i)
            QVERIFY(!box->itemText(i).contains(QStringLiteral("pct")));
        QCOMPARE(w.currentRange().hi, w.session()->setMaxDifference(standard, partial));
        // Choosing a mode in the box while a difference shows takes it.
        box->setCurrentIndex(box->findText(QStringLiteral("Sample, max |A − B|")));
        QVERIFY(w.viewSettings().rangeMode == RangeMode::SampleMax);
        w.sampleView()->state()->setVersusRun(QStringLiteral("b_model"));
        QTRY_VERIFY_WITH_TIMEOUT(w.sampleView()->versusSample()->current() != nullptr, 10000);
        s = w.viewSettings();
        s.heatmap = HeatmapSource::runDifference(partial);
        w.setViewSettings(s);
        QCOMPARE(box->currentText(), QStringLiteral("Sample, max |this − vs|"));
        // Choosing "Difference A − B" in the box starts from the variant shown and its
        // partner (never A − A).
        s.heatmap = HeatmapSource::variant(partial);
        w.setViewSettings(s);
        auto* variantBox = w.findChild<QComboBox*>(QStringLiteral("heatmapVariant"));
        variantBox->setCurrentIndex(static_cast<int>(lossVariants().size()));
        QVERIFY(w.viewSettings().heatmap == HeatmapSource::difference(partial, standard));
        s = w.viewSettings();
        // Back to a variant: the choice made for the difference carries over.
        s.heatmap = HeatmapSource::variant(partial);
        w.setViewSettings(s);
        QCOMPARE(box->currentText(), QStringLiteral("Sample, max"));
    }

    // Export current sample while a difference is shown: every variant's file is coloured
    // over the plain range (not viridis(0.5) over -m..m), the composite as shown, and both
    // scales are written down with a legend each.
    void exportsOfADifferenceKeepPlainVariantFiles() {
        testing::TestWindow w;
        open(w);
        ViewSettings s = w.viewSettings();
        s.rangeMode = RangeMode::SampleMax;
        s.heatmap = HeatmapSource::difference(standard, partial);
        w.setViewSettings(s);
        QTemporaryDir out;
        w.exportController()->startCurrentExport(out.path(), false);
        QTRY_VERIFY_WITH_TIMEOUT(!w.exportController()->currentExportRunning(), 30000);
        const Scored a = scored(m_root, "a_model", kEntry);
        const std::string stem = w.currentSample()->stem;
        const fs::path folder(out.path().toStdString());
        const float plainMax = sampleMax(a);
        QImage png(QString::fromStdString((folder / (stem + ".standard.png")).string()));
        QVERIFY(!png.isNull());
        int checked = 0;
        for (int y = 0; y < png.height(); ++y)
            for (int x = 0; x < png.width(); ++x) {
                if (a.sample.labels.at(x, y) == 255)
                    continue;
                const Rgb& c = colormapLut(Colormap::Viridis)[colormapIndex(
                    a.loss.maps[standard].at(x, y), {0.0f, plainMax})];
                QCOMPARE(png.pixel(x, y), qRgb(c[0], c[1], c[2]));
                ++checked;
            }
        QVERIFY(checked > 100);
        for (const char* extra : {".legend.png", ".composite-legend.png", ".composite.png"})
            QVERIFY2(fs::file_size(folder / (stem + extra)) > 0, extra);
        const QJsonObject doc =
            QJsonDocument::fromJson(
                QByteArray::fromStdString(readAll(folder / (stem + ".export.json"))))
                .object();
        const QJsonObject heat = doc[QStringLiteral("heatmaps")].toObject();
        QCOMPARE(heat[QStringLiteral("colormap")].toString(), QStringLiteral("viridis"));
        QCOMPARE(heat[QStringLiteral("scale")].toString(), QStringLiteral("linear"));
        QCOMPARE(heat[QStringLiteral("range")].toArray().at(1).toDouble(),
                 static_cast<double>(plainMax));
        const QJsonObject shown = doc[QStringLiteral("composite")].toObject();
        QCOMPARE(shown[QStringLiteral("colormap")].toString(), QStringLiteral("blue-white-red"));
        QCOMPARE(shown[QStringLiteral("source")].toString(),
                 QStringLiteral("standard-minus-partial"));
        QCOMPARE(shown[QStringLiteral("range")].toArray().at(0).toDouble(),
                 static_cast<double>(w.currentRange().lo));
        // The composite legend's bar is the diverging map: white in the middle.
        const QImage legend(
            QString::fromStdString((folder / (stem + ".composite-legend.png")).string()));
        const QRgb middle = legend.pixel(kLegendBarLeft + kLegendBarWidth / 2,
                                         kLegendBarTop + kLegendBarHeight / 2);
        QVERIFY(qRed(middle) > 230 && qGreen(middle) > 230 && qBlue(middle) > 230);
    }

    // The same sample exported by "current sample" and by "whole set" with the same range
    // gives the same heatmap bytes; summary.json says the range, map and scale; the set's
    // folder is created when missing.
    void theTwoExportsAgreeOnOneRange() {
        testing::TestWindow w;
        open(w);
        ViewSettings s = w.viewSettings();
        s.rangeMode = RangeMode::Fixed;
        s.fixedRange.lo = 0.0f;
        s.fixedRange.hi = 3.0f;
        s.colormap = Colormap::Magma;
        s.heatmap = HeatmapSource::variant(partial);
        w.setViewSettings(s);
        QTemporaryDir one;
        w.exportController()->startCurrentExport(one.path(), false);
        QTRY_VERIFY_WITH_TIMEOUT(!w.exportController()->currentExportRunning(), 30000);
        QTemporaryDir all;
        const fs::path setFolder = fs::path(all.path().toStdString()) / "new" / "folder";
        SetExportChoice choice;
        choice.range = SetExportChoice::Range::AsShown;
        choice.colormap = Colormap::Magma;
        QSignalSpy finished(w.setExport(), &SetExport::finished);
        QVERIFY(w.setExport()->start(QString::fromStdString(setFolder.string()), choice, false));
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 1, 30000);
        const std::string stem = w.currentSample()->stem;
        for (const char* v : {".partial.png", ".standard.png", ".bgweight.png"}) {
            const std::string single = readAll(fs::path(one.path().toStdString()) / (stem + v));
            QVERIFY(!single.empty());
            QVERIFY2(single == readAll(setFolder / (stem + v)), v);
        }
        const QJsonObject summary =
            QJsonDocument::fromJson(QByteArray::fromStdString(readAll(setFolder / "summary.json")))
                .object();
        const QJsonObject heat = summary[QStringLiteral("heatmaps")].toObject();
        QCOMPARE(heat[QStringLiteral("range")].toArray().at(0).toDouble(), 0.0);
        QCOMPARE(heat[QStringLiteral("range")].toArray().at(1).toDouble(), 3.0);
        QCOMPARE(heat[QStringLiteral("colormap")].toString(), QStringLiteral("magma"));
        QCOMPARE(heat[QStringLiteral("scale")].toString(), QStringLiteral("linear"));
        QVERIFY(fs::file_size(setFolder / "legend.png") > 0);
        // The legend's bar: magma's bottom colour at its left end, its top at the right.
        const QImage legend(QString::fromStdString((setFolder / "legend.png").string()));
        const Rgb& bottom = colormapLut(Colormap::Magma)[0]; // 3 * 0.5 / 520: index 0
        QCOMPARE(legend.pixel(kLegendBarLeft, kLegendBarTop + 5),
                 qRgb(bottom[0], bottom[1], bottom[2]));
        const Rgb& top = colormapLut(Colormap::Magma)[255];
        QCOMPARE(legend.pixel(kLegendBarLeft + kLegendBarWidth - 1, kLegendBarTop + 5),
                 qRgb(top[0], top[1], top[2]));
    }
};

QTEST_MAIN(HeatmapSourceTest)
#include "HeatmapSourceTest.moc"
