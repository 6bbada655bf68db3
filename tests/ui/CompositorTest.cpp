#include "losslens/ui/Compositor.h"
#include "losslens/LossComputer.h"
#include "losslens/ui/ColorBar.h"
#include "losslens/ui/LayerRenderer.h"
#include "losslens/ui/PixelInfo.h"
#include "losslens/ui/SampleCache.h"
#include "losslens/ui/ViewSettingsStore.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace losslens;

namespace {

// A 6 x 4 sample, C = 3: class 2 is never labelled, so background pixels predicted as 2
// are removed. Probabilities are set per pixel by hand.
SampleDataPtr makeSample() {
    auto data = std::make_shared<SampleData>();
    LabelMap labels(6, 4);
    Prediction p(6, 4, 3);
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 6; ++x) {
            labels.at(x, y) = static_cast<std::uint16_t>(x < 2 ? 1 : 0);
            const bool predictsMissing = x >= 3 && y >= 1;
            p.at(x, y, 0) = predictsMissing ? 0.1f : 0.7f;
            p.at(x, y, 1) = 0.2f;
            p.at(x, y, 2) = predictsMissing ? 0.7f : 0.1f;
        }
    labels.at(5, 0) = 255;
    data->loss = computeLoss(labels, p);
    data->sample.labels = std::move(labels);
    data->sample.prediction = std::move(p);
    return data;
}

} // namespace

class CompositorTest : public QObject {
    Q_OBJECT
private slots:
    void removedLayerMarksExactlyTheRemovedPixels() {
        const auto data = makeSample();
        // Removed by hand: background (x >= 2) and predicted class 2 (x >= 3, y >= 1): 3 x 3.
        const QImage layer = removedLayer(data->loss.removed);
        int drawn = 0;
        for (int y = 0; y < layer.height(); ++y)
            for (int x = 0; x < layer.width(); ++x) {
                const bool expected = x >= 3 && y >= 1;
                const bool visible = qAlpha(layer.pixel(x, y)) > 0;
                QCOMPARE(visible, expected);
                drawn += visible ? 1 : 0;
            }
        QCOMPARE(drawn, 9);
        QCOMPARE(data->loss.summary.removedPixels, 9);
    }

    void heatmapUsesTheColourMapAndRange() {
        const auto data = makeSample();
        ViewSettings settings;
        settings.colormap = Colormap::Gray;
        const float hi = 4.0f;
        const QImage standard = heatmapLayer(*data, settings, 255, 0.0f, hi);
        // Pixel (0, 0): label 1, p = 0.2 -> -log 0.2 = 1.609 -> grey round(255 * 1.609 / 4).
        const int grey = static_cast<int>(std::lround(255.0 * -std::log(0.2) / 4.0));
        QCOMPARE(qRed(standard.pixel(0, 0)), grey);
        QCOMPARE(qAlpha(standard.pixel(5, 0)), 0); // ignore pixel: transparent
        // Partial zeroes the removed pixel (4, 2): black in gray; standard shows -log 0.1.
        settings.variant = 1;
        const QImage partial = heatmapLayer(*data, settings, 255, 0.0f, hi);
        QCOMPARE(qRed(partial.pixel(4, 2)), 0);
        QCOMPARE(qRed(standard.pixel(4, 2)),
                 static_cast<int>(std::lround(255.0 * -std::log(0.1) / 4.0)));
        QVERIFY(standard != partial);
    }

    void differenceIsCentredOnZero() {
        const auto data = makeSample();
        ViewSettings settings;
        settings.difference = true;
        const ValueRange range = heatmapRange(settings, 5.0f, 3.0f);
        QCOMPARE(range.lo, -3.0f);
        QCOMPARE(range.hi, 3.0f);
        const QImage diff = heatmapLayer(*data, settings, 255, range.lo, range.hi);
        // Not removed: difference 0 -> the diverging map's middle (near white).
        const Rgb mid = divergingLut()[colormapIndex(0.0f, -3.0f, 3.0f)];
        QCOMPARE(qRed(diff.pixel(0, 0)), static_cast<int>(mid[0]));
        QVERIFY(qRed(diff.pixel(0, 0)) > 230 && qBlue(diff.pixel(0, 0)) > 230);
        // Removed: standard - partial = -log 0.1 > 0 -> red side.
        QVERIFY(qRed(diff.pixel(4, 2)) > qBlue(diff.pixel(4, 2)));
    }

    void rangeChoice() {
        ViewSettings s;
        QCOMPARE(heatmapRange(s, 7.5f, 2.0f).hi, 7.5f);
        QCOMPARE(heatmapRange(s, 0.0f, 0.0f).hi, 1.0f); // nothing scored yet
        s.autoRange = false;
        s.rangeLo = 1.0f;
        s.rangeHi = 2.0f;
        QCOMPARE(heatmapRange(s, 7.5f, 2.0f).lo, 1.0f);
        QCOMPARE(heatmapRange(s, 7.5f, 2.0f).hi, 2.0f);
    }

    void classOutlineDrawsOnlyBorders() {
        LabelMap labels(5, 5);
        for (int y = 1; y < 4; ++y)
            for (int x = 1; x < 4; ++x)
                labels.at(x, y) = 1;
        const std::vector<ClassInfo> classes{{"bg", {0, 0, 0}}, {"a", {255, 0, 0}}};
        ViewSettings s;
        const QImage outline = classLayer(labels, classes, s, ClassStyle::Outline, 255);
        QCOMPARE(qAlpha(outline.pixel(2, 2)), 0); // interior
        QCOMPARE(qAlpha(outline.pixel(1, 1)), 255);
        QCOMPARE(qRed(outline.pixel(1, 2)), 255);
        const QImage filled = classLayer(labels, classes, s, ClassStyle::Filled, 255);
        QCOMPARE(qAlpha(filled.pixel(2, 2)), 255);
        s.hiddenClasses = {false, true};
        QCOMPARE(qAlpha(classLayer(labels, classes, s, ClassStyle::Filled, 255).pixel(2, 2)), 0);
    }

    void composeHonoursVisibilityAndOpacity() {
        const auto data = makeSample();
        ViewSettings s;
        s.colormap = Colormap::Gray;
        LayerImages layers = renderLayers(*data, s, {}, 255, {0.0f, 4.0f});
        for (auto& l : s.layers)
            l.visible = false;
        s.layer(Layer::Image).visible = true;
        QCOMPARE(compose(layers, s).pixel(0, 0), qRgb(128, 128, 128)); // no image: grey
        s.layer(Layer::Removed).visible = true;
        const QImage withMask = compose(layers, s);
        QVERIFY(withMask.pixel(4, 2) != qRgb(128, 128, 128));
        QCOMPARE(withMask.pixel(0, 0), qRgb(128, 128, 128));
        s.layer(Layer::Removed).opacity = 0.0f;
        QCOMPARE(compose(layers, s).pixel(4, 2), qRgb(128, 128, 128));
    }

    void rendererRedrawsOnlyWhatChanged() {
        LayerRenderer renderer;
        renderer.setSample(makeSample(), {{"bg", {}}, {"a", {255, 0, 0}}, {"b", {0, 0, 255}}}, 255);
        ViewSettings s;
        const ValueRange range{0.0f, 4.0f};
        const QImage first = renderer.render(s, range);
        const qint64 heatmapKey = renderer.layers().heatmap.cacheKey();
        const qint64 classKey = renderer.layers().groundTruth.cacheKey();
        s.layer(Layer::Heatmap).opacity = 0.3f; // composition only
        const QImage faded = renderer.render(s, range);
        QVERIFY(faded != first);
        QCOMPARE(renderer.layers().heatmap.cacheKey(), heatmapKey);
        s.variant = 1; // the heatmap only
        (void)renderer.render(s, range);
        QVERIFY(renderer.layers().heatmap.cacheKey() != heatmapKey);
        QCOMPARE(renderer.layers().groundTruth.cacheKey(), classKey);
        // The partner of partial is standard: the same image the main view gave for it.
        s.layer(Layer::Heatmap).opacity = 1.0f;
        const QImage partner = renderer.renderPartner(s, range);
        s.variant = 0;
        QCOMPARE(partner, renderer.render(s, range));
        s.groundTruthStyle = ClassStyle::Filled; // the class layers
        (void)renderer.render(s, range);
        QVERIFY(renderer.layers().groundTruth.cacheKey() != classKey);
    }

    void settingsSurviveARestart() {
        QTemporaryDir dir;
        QSettings store(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
        ViewSettings s;
        s.layer(Layer::Prediction).visible = true;
        s.layer(Layer::Heatmap).opacity = 0.25f;
        s.colormap = Colormap::Turbo;
        s.variant = 1;
        s.groundTruthStyle = ClassStyle::Filled;
        s.autoRange = false;
        s.rangeHi = 3.5f;
        saveViewSettings(store, s);
        const ViewSettings back = loadViewSettings(store);
        QVERIFY(back.layer(Layer::Prediction).visible);
        QCOMPARE(back.layer(Layer::Heatmap).opacity, 0.25f);
        QCOMPARE(back.colormap, Colormap::Turbo);
        QCOMPARE(back.variant, std::size_t{1});
        QVERIFY(back.groundTruthStyle == ClassStyle::Filled);
        QVERIFY(!back.autoRange);
        QCOMPARE(back.rangeHi, 3.5f);
        for (int i = 0; i < 10; ++i)
            rememberFolder(store, QStringLiteral("/d%1").arg(i), 8);
        rememberFolder(store, QStringLiteral("/d5"), 8);
        const QStringList recent = recentFolders(store);
        QCOMPARE(recent.size(), 8);
        QCOMPARE(recent.front(), QStringLiteral("/d5"));
        QCOMPARE(recent.count(QStringLiteral("/d5")), 1);
        QCOMPARE(recent[1], QStringLiteral("/d9"));
    }

    void pixelInfoReadsTheMaps() {
        const auto data = makeSample();
        const PixelInfo info = pixelInfo(*data, 4, 2, 255);
        QVERIFY(info.valid);
        QCOMPARE(info.label, 0);
        QCOMPARE(info.predicted, 2);
        QCOMPARE(info.w0, 0);
        QVERIFY(info.removed);
        QCOMPARE(info.probabilities.size(), std::size_t{3});
        QVERIFY(std::abs(info.losses[0] - static_cast<float>(-std::log(0.1))) < 1e-5f);
        QCOMPARE(info.losses[1], 0.0f);
        const QString text = formatPixelInfo(info, {{"bg", {}}, {"a", {}}, {"b", {}}});
        QVERIFY(text.contains(QStringLiteral("predicted: b (2)")));
        QVERIFY(text.contains(QStringLiteral("penalty removed")));
        QVERIFY(!pixelInfo(*data, 6, 0, 255).valid);
    }

    void ticksAndCache() {
        const auto ticks = niceTicks(0.0, 13.46, 6);
        QCOMPARE(ticks.front(), 0.0);
        // rough step 13.46 / 6 = 2.24 -> the next of 1, 2, 5 x 10^k is 5.
        QCOMPARE(ticks.size(), std::size_t{3});
        QCOMPARE(ticks[1], 5.0);
        QCOMPARE(ticks.back(), 10.0);
        SampleCache cache(2);
        cache.put(1, makeSample());
        cache.put(2, makeSample());
        QVERIFY(cache.get(1));
        cache.put(3, makeSample()); // evicts 2, the least recently used
        QVERIFY(!cache.get(2));
        QVERIFY(cache.get(1));
        QCOMPARE(cache.size(), std::size_t{2});
    }
};

QTEST_MAIN(CompositorTest)
#include "CompositorTest.moc"
