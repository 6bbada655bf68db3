#include "TinySample.h"

#include "losslens/loss/LossComputer.h"
#include "render/LayerImages.h"
#include "render/LayerRenderer.h"
#include "render/PixelInfo.h"
#include "session/SampleCache.h"
#include "state/ViewSettingsStore.h"
#include "view/ColorBar.h"

#include <QTemporaryDir>
#include <QTest>

#include <random>

#include <cmath>

using namespace losslens;
using losslens::testing::makeSample;

class LayerImagesTest : public QObject {
    Q_OBJECT
private slots:
    void removedLayerMarksTheRemovedPixelsAndLeavesTheHeatmapReadable() {
        const auto data = makeSample();
        // Removed by hand: background (x >= 2) and predicted class 2 (x >= 3, y >= 1): 3 x 3,
        // whose outline is the 8 pixels around the centre (4, 2).
        for (MarkStyle style : {MarkStyle::Hatched, MarkStyle::Outline}) {
            const QImage layer = removedLayer(data->loss.removed, style);
            for (int y = 0; y < layer.height(); ++y)
                for (int x = 0; x < layer.width(); ++x) {
                    const bool removed = x >= 3 && y >= 1;
                    const bool edge = removed && !(x == 4 && y == 2);
                    const bool expected =
                        edge || (removed && style == MarkStyle::Hatched && onHatch(x, y));
                    QCOMPARE(qAlpha(layer.pixel(x, y)) > 0, expected);
                    if (edge) // opaque, in the one mark colour
                        QCOMPARE(layer.pixel(x, y), qRgb(255, 0, 255));
                }
        }
        QCOMPARE(data->loss.summary.removedPixels, 9);
        // Inside a large region the hatch is opaque lines two pixels wide every eight: a
        // quarter of the pixels, so the mark is seen at fit zoom and the heatmap between.
        ByteImage big(40, 40);
        for (int y = 0; y < 40; ++y)
            for (int x = 0; x < 40; ++x)
                big.at(x, y) = 1;
        const QImage hatched = removedLayer(big);
        int covered = 0;
        for (int y = 1; y < 39; ++y)
            for (int x = 1; x < 39; ++x) {
                const int alpha = qAlpha(hatched.pixel(x, y));
                QVERIFY(alpha == 0 || alpha == 255);
                covered += alpha > 0 ? 1 : 0;
                QCOMPARE(alpha > 0, (x + y) % 8 < 2);
            }
        QVERIFY(covered * 10 < 38 * 38 * 3); // under 30%
    }

    void dimmedImageIsGreyAndKeepsOrder() {
        QImage base(3, 1, QImage::Format_ARGB32_Premultiplied);
        base.setPixel(0, 0, qRgb(255, 0, 0));
        base.setPixel(1, 0, qRgb(0, 0, 0));
        base.setPixel(2, 0, qRgb(255, 255, 255));
        const QImage dim = dimmedBase(base);
        // Grey 40 + luma / 2, luma = (299 R + 587 G + 114 B) / 1000 rounded.
        QCOMPARE(dim.pixel(0, 0), qRgb(40 + 76 / 2, 40 + 76 / 2, 40 + 76 / 2));
        QCOMPARE(dim.pixel(1, 0), qRgb(40, 40, 40));
        QCOMPARE(dim.pixel(2, 0), qRgb(40 + 127, 40 + 127, 40 + 127));
        ViewSettings s;
        QVERIFY(dimsImage(s));
        s.layer(Layer::Heatmap).visible = false;
        QVERIFY(!dimsImage(s));
        s.layer(Layer::Heatmap).visible = true;
        s.dimImage = false;
        QVERIFY(!dimsImage(s));
    }

    void heatmapUsesTheColourMapAndRange() {
        const auto data = makeSample();
        ViewSettings settings;
        settings.colormap = Colormap::Gray;
        const float hi = 4.0f;
        const QImage standard = heatmapLayer(*data, settings, {0.0f, hi});
        // Pixel (0, 0): label 1, p = 0.2 -> -log 0.2 = 1.609 -> grey round(255 * 1.609 / 4).
        const int grey = static_cast<int>(std::lround(255.0 * -std::log(0.2) / 4.0));
        QCOMPARE(qRed(standard.pixel(0, 0)), grey);
        QCOMPARE(qAlpha(standard.pixel(5, 0)), 0); // ignore pixel: transparent
        // Partial zeroes the removed pixel (4, 2): black in gray; standard shows -log 0.1.
        settings.heatmap = HeatmapSource::variant(1);
        const QImage partial = heatmapLayer(*data, settings, {0.0f, hi});
        QCOMPARE(qRed(partial.pixel(4, 2)), 0);
        QCOMPARE(qRed(standard.pixel(4, 2)),
                 static_cast<int>(std::lround(255.0 * -std::log(0.1) / 4.0)));
        QVERIFY(standard != partial);
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

    // Outline dashes (class colour, black where (x + y) mod 6 >= 4) and stripes (the edge and
    // the diagonals where (x - y) mod 4 == 0, pure colour; transparent between), by hand.
    void dashedOutlinesAndStripes() {
        LabelMap labels(7, 7);
        for (int y = 1; y < 6; ++y)
            for (int x = 1; x < 6; ++x)
                labels.at(x, y) = 1;
        const std::vector<ClassInfo> classes{{"bg", {0, 0, 0}}, {"a", {255, 0, 0}}};
        const ViewSettings s;
        const QImage outline = classLayer(labels, classes, s, ClassStyle::Outline, 255);
        QCOMPARE(outline.pixel(1, 1), qRgb(255, 0, 0)); // 1 + 1 = 2: colour
        QCOMPARE(outline.pixel(1, 3), qRgb(0, 0, 0));   // 1 + 3 = 4: black dash
        QCOMPARE(outline.pixel(5, 5), qRgb(0, 0, 0));   // 10 mod 6 = 4: black
        QCOMPARE(outline.pixel(5, 1), qRgb(255, 0, 0)); // 6 mod 6 = 0: colour
        const QImage striped = classLayer(labels, classes, s, ClassStyle::Striped, 255);
        QCOMPARE(striped.pixel(2, 2), qRgb(255, 0, 0)); // on a stripe
        QCOMPARE(qAlpha(striped.pixel(3, 2)), 0);       // between stripes
        QCOMPARE(qAlpha(striped.pixel(4, 2)), 0);
        QCOMPARE(striped.pixel(3, 1), qRgb(255, 0, 0)); // the edge
        QCOMPARE(striped.pixel(4, 4), qRgb(255, 0, 0)); // (4 - 4) mod 4 = 0
        QCOMPARE(qAlpha(striped.pixel(0, 0)), 0);       // background
    }

    void composeHonoursVisibilityAndOpacity() {
        const auto data = makeSample();
        ViewSettings s;
        s.colormap = Colormap::Gray;
        s.dimImage = false;
        LayerImages layers = renderLayers(*data, s, {}, {0.0f, 4.0f});
        for (auto& l : s.layers)
            l.visible = false;
        s.layer(Layer::Image).visible = true;
        QCOMPARE(compose(layers, s).pixel(0, 0), qRgb(128, 128, 128)); // no image: grey
        s.layer(Layer::Removed).visible = true;
        const QImage withMask = compose(layers, s);
        QVERIFY(withMask.pixel(3, 1) != qRgb(128, 128, 128)); // the region's outline
        QCOMPARE(withMask.pixel(0, 0), qRgb(128, 128, 128));
        s.layer(Layer::Removed).opacity = 0.0f;
        QCOMPARE(compose(layers, s).pixel(3, 1), qRgb(128, 128, 128));
    }

    void rendererRedrawsOnlyWhatChanged() {
        LayerRenderer renderer;
        renderer.setSample(makeSample(), {{"bg", {}}, {"a", {255, 0, 0}}, {"b", {0, 0, 255}}});
        ViewSettings s;
        s.layer(Layer::GroundTruth).visible = true;
        const ValueRange range{0.0f, 4.0f};
        const Viewport view{QSize(12, 8), 0.0, 0.0, 0.5}; // the whole sample at 2x
        const QImage first = renderer.render(view, s, range);
        QCOMPARE(first.size(), QSize(12, 8));
        QVERIFY(renderer.layers().prediction.isNull()); // hidden: never drawn
        const qint64 heatmapKey = renderer.layers().heatmap.cacheKey();
        const qint64 classKey = renderer.layers().groundTruth.cacheKey();
        const qint64 baseKey = renderer.layers().base.cacheKey();
        s.layer(Layer::Heatmap).opacity = 0.3f; // composition only
        const QImage faded = renderer.render(view, s, range);
        QVERIFY(faded != first);
        QCOMPARE(renderer.layers().heatmap.cacheKey(), heatmapKey);
        s.heatmap = HeatmapSource::variant(1); // the heatmap only
        (void)renderer.render(view, s, range);
        QVERIFY(renderer.layers().heatmap.cacheKey() != heatmapKey);
        QCOMPARE(renderer.layers().groundTruth.cacheKey(), classKey);
        QCOMPARE(renderer.layers().base.cacheKey(), baseKey);
        s.layer(Layer::Prediction).visible = true; // shown now: drawn now
        (void)renderer.render(view, s, range);
        QVERIFY(!renderer.layers().prediction.isNull());
        QCOMPARE(renderer.layers().groundTruth.cacheKey(), classKey);
        s.groundTruthStyle = ClassStyle::Filled; // the class layers
        (void)renderer.render(view, s, range);
        QVERIFY(renderer.layers().groundTruth.cacheKey() != classKey);
        const qint64 heatmapKey2 = renderer.layers().heatmap.cacheKey();
        (void)renderer.render(Viewport{QSize(6, 4), 0.0, 0.0, 1.0}, s, range); // a new view
        QVERIFY(renderer.layers().heatmap.cacheKey() != heatmapKey2);
        QCOMPARE(renderer.layers().heatmap.size(), QSize(6, 4));

        // The partner of partial is standard: the same image the main view gives for it.
        LayerRenderer partner;
        partner.setSample(renderer.sample(), {{"bg", {}}, {"a", {255, 0, 0}}, {"b", {0, 0, 255}}});
        s.heatmap = HeatmapSource::variant(1);
        ViewSettings sideSettings = s;
        sideSettings.heatmap = sideSource(s.heatmap, false).source;
        QVERIFY(!sideSource(s.heatmap, false).versusRun);
        const QImage side = partner.render(view, sideSettings, range);
        s.heatmap = HeatmapSource::variant(0);
        QCOMPARE(side, renderer.render(view, s, range));
        // At 1:1 over the whole sample the window shows exactly the exported composite.
        QCOMPARE(renderer.render(Viewport::whole(QSize(6, 4)), s, range),
                 renderer.renderFull(s, range));
        QCOMPARE(renderer.renderFull(s, range),
                 compose(renderLayers(*renderer.sample(), s,
                                      {{"bg", {}}, {"a", {255, 0, 0}}, {"b", {0, 0, 255}}}, range),
                         s));
    }

    // A viewport's layers hold, at each output pixel, the full-resolution layer's pixel
    // nearest to the output pixel's centre: checked against the full image, sampled here.
    void viewportLayersSampleTheFullImage() {
        const int w = 37, h = 23, c = 4;
        auto data = std::make_shared<SampleData>();
        LabelMap labels(w, h);
        Prediction p(w, h, c);
        std::uint32_t state = 12345;
        const auto next = [&] {
            state = state * 1664525u + 1013904223u;
            return (state >> 8) & 0xffffu;
        };
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                const unsigned r = next() % 10;
                labels.at(x, y) = static_cast<std::uint16_t>(r == 9 ? 255 : (r < 5 ? 0 : r % 3));
                float sum = 0.0f;
                for (int k = 0; k < c; ++k)
                    sum += p.at(x, y, k) = 0.05f + static_cast<float>(next() % 100) / 100.0f;
                for (int k = 0; k < c; ++k)
                    p.at(x, y, k) /= sum;
            }
        data->loss = computeLoss(labels, p);
        data->sample.labels = std::move(labels);
        data->sample.prediction = std::move(p);
        const std::vector<ClassInfo> colours{
            {"bg", {}}, {"a", {255, 0, 0}}, {"b", {0, 255, 0}}, {"c", {0, 0, 255}}};
        ViewSettings s;
        s.heatmap = HeatmapSource::variant(1);
        const QImage heatFull = heatmapLayer(*data, s, {0.0f, 3.0f});
        const QImage classFull =
            classLayer(data->sample.labels, colours, s, ClassStyle::Filled, 255);
        for (const Viewport& v :
             {Viewport{QSize(14, 9), 1.3, 0.7, 2.5}, Viewport{QSize(40, 30), 5.2, 3.9, 0.25},
              Viewport{QSize(37, 23), 0.0, 0.0, 1.0}}) {
            const QImage heat = heatmapLayer(*data, s, {0.0f, 3.0f}, v);
            const QImage cls =
                classLayer(data->sample.labels, colours, s, ClassStyle::Filled, 255, v);
            const QImage removed = removedLayer(data->loss.removed, v);
            QCOMPARE(heat.size(), v.output);
            for (int oy = 0; oy < v.output.height(); ++oy)
                for (int ox = 0; ox < v.output.width(); ++ox) {
                    const int sx = static_cast<int>(std::floor(v.x0 + (ox + 0.5) * v.step));
                    const int sy = static_cast<int>(std::floor(v.y0 + (oy + 0.5) * v.step));
                    QVERIFY(sx >= 0 && sx < w && sy >= 0 && sy < h);
                    QCOMPARE(heat.pixel(ox, oy), heatFull.pixel(sx, sy));
                    QCOMPARE(cls.pixel(ox, oy), classFull.pixel(sx, sy));
                    // Marks are in screen pixels: only ever on removed pixels.
                    if (qAlpha(removed.pixel(ox, oy)) > 0)
                        QVERIFY(data->loss.removed.at(sx, sy) != 0);
                }
        }
    }

    // Zoomed in 4x, a 3 x 3 square's outline is one screen pixel wide: the 12 x 12 square's
    // ring of 12 * 4 - 4 = 44 output pixels, and the hatching moves with the image.
    void outlinesAndHatchingAreInScreenPixels() {
        LabelMap labels(5, 5);
        ByteImage removed(5, 5);
        for (int y = 1; y < 4; ++y)
            for (int x = 1; x < 4; ++x) {
                labels.at(x, y) = 1;
                removed.at(x, y) = 1;
            }
        const std::vector<ClassInfo> classes{{"bg", {0, 0, 0}}, {"a", {255, 0, 0}}};
        const Viewport view{QSize(20, 20), 0.0, 0.0, 0.25};
        const QImage outline =
            classLayer(labels, classes, ViewSettings{}, ClassStyle::Outline, 255, view);
        int ring = 0;
        for (int oy = 0; oy < 20; ++oy)
            for (int ox = 0; ox < 20; ++ox) {
                const bool inSquare = ox >= 4 && ox < 16 && oy >= 4 && oy < 16;
                const bool onRing = inSquare && (ox == 4 || ox == 15 || oy == 4 || oy == 15);
                QCOMPARE(qAlpha(outline.pixel(ox, oy)) > 0, onRing);
                ring += onRing ? 1 : 0;
            }
        QCOMPARE(ring, 44);
        // Panned by 3 output pixels: the same pattern, shifted by 3.
        const QImage a = removedLayer(removed, view);
        const QImage b = removedLayer(removed, Viewport{QSize(17, 20), 3 * 0.25, 0.0, 0.25});
        for (int oy = 0; oy < 20; ++oy)
            for (int ox = 0; ox < 17; ++ox)
                QCOMPARE(b.pixel(ox, oy), a.pixel(ox + 3, oy));
    }

    void settingsSurviveARestart() {
        QTemporaryDir dir;
        QSettings store(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
        ViewSettings s;
        s.layer(Layer::Prediction).visible = true;
        s.layer(Layer::Heatmap).opacity = 0.25f;
        s.colormap = Colormap::Turbo;
        s.heatmap = HeatmapSource::variant(1);
        s.groundTruthStyle = ClassStyle::Filled;
        s.rangeMode = RangeMode::Fixed;
        s.logScale = true;
        s.removedStyle = MarkStyle::Outline;
        s.dimImage = false;
        s.fixedRange.hi = 3.5f;
        saveViewSettings(store, s);
        const ViewSettings back = loadViewSettings(store);
        QVERIFY(back.layer(Layer::Prediction).visible);
        QCOMPARE(back.layer(Layer::Heatmap).opacity, 0.25f);
        QCOMPARE(back.colormap, Colormap::Turbo);
        QCOMPARE(back.heatmap.a, std::size_t{1});
        QVERIFY(back.groundTruthStyle == ClassStyle::Filled);
        QVERIFY(back.rangeMode == RangeMode::Fixed);
        QVERIFY(back.logScale);
        QVERIFY(back.removedStyle == MarkStyle::Outline);
        QVERIFY(!back.dimImage);
        QCOMPARE(back.fixedRange.hi, 3.5f);
        for (int i = 0; i < 10; ++i)
            rememberFolder(store, QStringLiteral("/d%1").arg(i), 8);
        rememberFolder(store, QStringLiteral("/d5"), 8);
        const QStringList recent = recentFolders(store);
        QCOMPARE(recent.size(), 8);
        QCOMPARE(recent.front(), QStringLiteral("/d5"));
        QCOMPARE(recent.count(QStringLiteral("/d5")), 1);
        QCOMPARE(recent[1], QStringLiteral("/d9"));
    }

    // At LVIS's scale the readout lists the top classes and the labelled one, not 1,203 lines:
    // checked against a sort written here (the highest first, ties to the lower id).
    void theReadoutOfManyClassesListsTheTopOnes() {
        std::mt19937 rng(3);
        std::uniform_real_distribution<float> u(0.0f, 1e-3f);
        PixelInfo info;
        info.valid = true;
        info.label = 700;
        info.predicted = 42;
        info.probabilities.resize(1203);
        for (float& p : info.probabilities)
            p = u(rng);
        for (const auto& [k, p] : {std::pair{42, 0.5f},
                                   {7, 0.2f},
                                   {1100, 0.2f},
                                   {3, 0.05f},
                                   {900, 0.04f},
                                   {901, 0.039f}})
            info.probabilities[static_cast<std::size_t>(k)] = p;
        info.losses.assign(lossVariants().size(), 0.0f);
        QCOMPARE(readoutClasses(info.probabilities, 700),
                 (std::vector<std::size_t>{42, 7, 1100, 3, 900, 700}));
        QCOMPARE(readoutClasses(info.probabilities, 7),
                 (std::vector<std::size_t>{42, 7, 1100, 3, 900}));
        std::vector<ClassInfo> classes;
        for (int c = 0; c < 1203; ++c)
            classes.push_back({"class_" + std::to_string(c), {}});
        const QString text = formatPixelInfo(info, classes);
        QVERIFY(text.contains(QStringLiteral("probabilities (the top 5 of 1203 classes):")));
        QVERIFY(text.indexOf(QStringLiteral("class_42 (42): 0.500000")) <
                text.indexOf(QStringLiteral("class_7 (7): 0.200000")));
        QVERIFY(text.contains(QStringLiteral("class_700 (700): ")));
        QVERIFY(!text.contains(QStringLiteral("class_901 (901)")));
        QVERIFY(text.split(QLatin1Char('\n')).size() < 25);
        // Few classes: all of them, in class order.
        QCOMPARE(readoutClasses({0.1f, 0.7f, 0.2f}, 0), (std::vector<std::size_t>{0, 1, 2}));
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
        // -log 0.1 = 2.302585 to five places; partial removed it.
        QCOMPARE(
            formatStatusLine(info),
            QStringLiteral("x 4  y 2   gt 0  pred 2   w0 0   standard 2.30259   partial 0.00000"));
        QVERIFY(formatStatusLine(pixelInfo(*data, 6, 0, 255)).isEmpty());
        // A difference view reads out A − B: 2.302585 - 0 at this pixel.
        ViewSettings diff;
        diff.heatmap = HeatmapSource::difference(0, 1);
        QCOMPARE(formatShownValue(info, diff), QStringLiteral("standard − partial = 2.30259"));
        QVERIFY(formatStatusLine(info, diff)
                    .endsWith(QStringLiteral("heatmap standard − partial = 2.30259")));
        QVERIFY(formatPixelInfo(info, {}, diff)
                    .contains(QStringLiteral("heatmap: standard − partial = 2.30259")));
        // A run difference reads out this run's variant minus the other run's at the pixel.
        PixelInfo other = info;
        other.losses[0] = 1.0f;
        ViewSettings runs;
        runs.heatmap = HeatmapSource::runDifference(0);
        const OtherRunPixel pair{&other, QStringLiteral("ckpt_b")};
        QCOMPARE(formatShownValue(info, runs, pair),
                 QStringLiteral("standard: this run − run ckpt_b = %1")
                     .arg(static_cast<double>(info.losses[0] - 1.0f), 0, 'f', 5));
        QVERIFY(
            formatStatusLine(info, runs, pair).contains(QStringLiteral("this run − run ckpt_b")));
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

    void cacheKeepsToItsByteBudget() {
        const SampleDataPtr one = makeSample();
        // 6 x 4 pixels, C = 3, by hand: labels and argmax 2 bytes a pixel, probabilities
        // 3 x 4, w0 and removed 1 each, every variant's map 4; no display image.
        const std::size_t pixels = 24;
        const std::size_t expected =
            sizeof(SampleData) + pixels * (2 + 2 + 12 + 1 + 1) + one->loss.maps.size() * pixels * 4;
        QCOMPARE(one->bytes(), expected);
        SampleCache cache(10, expected * 5 / 2); // room for two
        for (std::size_t i = 0; i < 5; ++i)
            cache.put(i, makeSample());
        QCOMPARE(cache.size(), std::size_t{2});
        QCOMPARE(cache.bytes(), 2 * expected);
        QVERIFY(cache.get(4) && cache.get(3) && !cache.get(2));
        SampleCache tiny(10, 1); // the newest stays even when it alone is over budget
        tiny.put(7, makeSample());
        tiny.put(8, makeSample());
        QCOMPARE(tiny.size(), std::size_t{1});
        QVERIFY(tiny.get(8));
    }
};

QTEST_MAIN(LayerImagesTest)
#include "LayerImagesTest.moc"
