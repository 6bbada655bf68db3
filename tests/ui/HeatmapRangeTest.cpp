// The heatmap's value range and colour scale: range modes against hand-set sources, the
// difference's symmetric range, log scale colours at known pixels, clipped shares.
#include "TinySample.h"

#include "render/LayerImages.h"

#include <QTest>

#include <cmath>

using namespace losslens;
using losslens::testing::makeSample;

class HeatmapRangeTest : public QObject {
    Q_OBJECT
private slots:
    void differenceIsCentredOnZero() {
        const auto data = makeSample();
        ViewSettings settings;
        settings.heatmap = HeatmapSource::difference(0, 1);
        RangeSources in;
        in.setScored = true;
        in.setMax = 5.0f;
        in.setMaxDifference = 3.0f;
        settings.rangeMode = RangeMode::SetMax;
        const ValueRange range = heatmapRange(settings, in);
        QCOMPARE(range.lo, -3.0f);
        QCOMPARE(range.hi, 3.0f);
        const QImage diff = heatmapLayer(*data, settings, range);
        // Not removed: difference 0 -> the diverging map's middle (near white).
        const Rgb mid = divergingLut()[colormapIndex(0.0f, {-3.0f, 3.0f})];
        QCOMPARE(qRed(diff.pixel(0, 0)), static_cast<int>(mid[0]));
        QVERIFY(qRed(diff.pixel(0, 0)) > 230 && qBlue(diff.pixel(0, 0)) > 230);
        // Removed: standard - partial = -log 0.1 > 0 -> red side.
        QVERIFY(qRed(diff.pixel(4, 2)) > qBlue(diff.pixel(4, 2)));
    }

    void rangeChoice() {
        ViewSettings s;
        RangeSources in;
        in.setMax = 7.5f;
        in.setRobust = 2.5f;
        in.setMaxDifference = 2.0f;
        in.sampleMax = 4.0f;
        in.sampleRobust = 1.25f;
        in.sampleMaxDifference = 0.5f;
        // The default: the set's 99th percentile, once the set is scored; the sample's
        // until then (the range changes once, at the end of the scan).
        QVERIFY(s.rangeMode == RangeMode::SetRobust);
        QCOMPARE(heatmapRange(s, in).hi, 1.25f);
        in.setScored = true;
        QCOMPARE(heatmapRange(s, in).hi, 2.5f);
        QCOMPARE(heatmapRange(s, in).lo, 0.0f);
        s.rangeMode = RangeMode::SetMax;
        QCOMPARE(heatmapRange(s, in).hi, 7.5f);
        s.rangeMode = RangeMode::SampleRobust;
        QCOMPARE(heatmapRange(s, in).hi, 1.25f);
        s.rangeMode = RangeMode::SampleMax;
        QCOMPARE(heatmapRange(s, in).hi, 4.0f);
        s.logScale = true; // three decades below the top
        QCOMPARE(heatmapRange(s, in).lo, 0.004f);
        s.logScale = false;
        s.heatmap = HeatmapSource::difference(0, 1);
        QCOMPARE(heatmapRange(s, in).hi, 0.5f);
        QCOMPARE(heatmapRange(s, in).lo, -0.5f);
        s.rangeMode = RangeMode::SetMax;
        QCOMPARE(heatmapRange(s, in).hi, 2.0f);
        s.heatmap = HeatmapSource::variant(0);
        RangeSources none;
        none.setScored = true;
        QCOMPARE(heatmapRange(s, none).hi, 1.0f); // nothing scored: a unit range
        s.rangeMode = RangeMode::Fixed;
        s.fixedRange.lo = 1.0f;
        s.fixedRange.hi = 2.0f;
        QCOMPARE(heatmapRange(s, in).lo, 1.0f);
        QCOMPARE(heatmapRange(s, in).hi, 2.0f);
        s.logScale = true; // a positive fixed lower end is kept on a log scale
        QCOMPARE(heatmapRange(s, in).lo, 1.0f);
    }

    // Colours at known pixels on a log scale, and the clipped shares the colour bar marks.
    void logScaleAndClipping() {
        const auto data = makeSample();
        ViewSettings s;
        s.colormap = Colormap::Gray;
        s.logScale = true;
        const ValueRange range{0.1f, 10.0f};
        QCOMPARE(heatIndex(1.0f, range, true), std::uint8_t{128}); // halfway in log
        QCOMPARE(heatIndex(0.05f, range, true), std::uint8_t{0});
        QCOMPARE(heatIndex(20.0f, range, true), std::uint8_t{255});
        QCOMPARE(heatIndex(5.0f, range, false), colormapIndex(5.0f, {0.1f, 10.0f}));
        const QImage heat = heatmapLayer(*data, s, range);
        // Pixel (0, 0): -log 0.2 = 1.609: log position (ln 1.609 - ln 0.1) / (ln 100).
        const double t = (std::log(-std::log(0.2)) - std::log(0.1)) / std::log(100.0);
        QCOMPARE(qRed(heat.pixel(0, 0)), static_cast<int>(std::lround(255.0 * t)));
        // Plain loop over the standard map for the clipped counts.
        std::int64_t below = 0, above = 0, valid = 0;
        const ValueRange tight{0.4f, 2.0f}; // background 0.357 below, 2.303 above
        for (int y = 0; y < data->sample.labels.height(); ++y)
            for (int x = 0; x < data->sample.labels.width(); ++x) {
                if (data->sample.labels.at(x, y) == 255)
                    continue;
                const float v = data->loss.maps[0].at(x, y);
                ++valid;
                below += v <= tight.lo ? 1 : 0;
                above += v > tight.hi ? 1 : 0;
            }
        const RangeClipping clip = rangeClipping(*data, s.heatmap, usesLogScale(s), 255, tight);
        QCOMPARE(clip.valid, valid);
        QCOMPARE(clip.below, below);
        QCOMPARE(clip.above, above);
        QVERIFY(above > 0 && below > 0);
    }
};

QTEST_MAIN(HeatmapRangeTest)
#include "HeatmapRangeTest.moc"
