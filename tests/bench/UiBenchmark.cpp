// Google Benchmark programs for the window (label bench; built by default, run by hand:
// build/bin/ui_benchmarks). They measure the issue "Speed" window targets on the offscreen
// platform: here, compositing and re-rendering after a variant, opacity or colour-map change
// at 2048 x 2048 (16 ms); the whole window on sets on disk is in WindowBenchmark.cpp. Wall-clock
// medians: quote them with their peers.
#include "losslens/demo/DemoGenerator.h"
#include "losslens/loss/LossComputer.h"
#include "render/LayerImages.h"
#include "render/LayerRenderer.h"
#include "session/MemoryPolicy.h"
#include "session/SampleData.h"

#include <QApplication>
#include <QPainter>
#include <QStandardPaths>
#include <benchmark/benchmark.h>

#include <algorithm>
#include <map>
#include <memory>

using namespace losslens;

namespace {

// The canvas a large monitor gives the image: a 2048 x 2048 sample fitted into it is drawn
// 1000 x 1000 (the 1600 x 1000 window of the README gives about 480 x 815).
const QSize kCanvas(1200, 1000);

SampleDataPtr demoSample(int size) {
    static std::map<int, SampleDataPtr> made;
    auto& slot = made[size];
    if (slot)
        return slot;
    DemoOptions options;
    options.count = 1;
    options.size = size;
    DemoSample demo = generateDemoSample(options, 0);
    removeAnnotations(demo, {1});
    auto data = std::make_shared<SampleData>();
    data->loss = computeLoss(demo.labels, demo.prediction);
    data->sample.labels = std::move(demo.labels);
    data->sample.prediction = std::move(demo.prediction);
    data->sample.image = std::move(demo.image);
    data->base = baseLayer(*data);
    slot = data;
    return slot;
}

Viewport fitted(QSize image, double shift = 0.0) {
    const double zoom = std::min(kCanvas.width() / static_cast<double>(image.width()),
                                 kCanvas.height() / static_cast<double>(image.height()));
    return Viewport{
        QSize(static_cast<int>(image.width() * zoom), static_cast<int>(image.height() * zoom)),
        shift, 0.0, 1.0 / zoom};
}

ViewSettings everyLayer() {
    ViewSettings s;
    for (auto& layer : s.layers)
        layer.visible = true;
    return s;
}

struct Scene {
    LayerRenderer renderer;
    ViewSettings settings = everyLayer();
    ValueRange range{0.0f, 10.0f};
    Viewport view;
    explicit Scene(int size) {
        const SampleDataPtr data = demoSample(size);
        renderer.setSample(data, demoClasses());
        view = fitted(renderer.imageSize());
        benchmark::DoNotOptimize(renderer.render(view, settings, range));
    }
};

// Every layer drawn anew and composed: a new view (pan, zoom, resize) or a new sample.
void BM_ComposeAllLayers(benchmark::State& state) {
    Scene scene(static_cast<int>(state.range(0)));
    int i = 0;
    for (auto _ : state) {
        const Viewport v = fitted(scene.renderer.imageSize(), (++i % 2) * 0.5);
        benchmark::DoNotOptimize(scene.renderer.render(v, scene.settings, scene.range));
    }
    state.counters["output_pixels"] = scene.view.output.width() * scene.view.output.height();
}

// The same frame the way the window drew it before: every layer at full resolution,
// composed, then the visible part scaled to the canvas. The peer of the rows below.
void BM_FullResolutionFrame(benchmark::State& state) {
    Scene scene(static_cast<int>(state.range(0)));
    int variant = 0;
    for (auto _ : state) {
        scene.settings.heatmap = HeatmapSource::variant(static_cast<std::size_t>(variant ^= 1));
        const QImage full = scene.renderer.renderFull(scene.settings, scene.range);
        QImage frame(scene.view.output, QImage::Format_ARGB32_Premultiplied);
        QPainter painter(&frame);
        painter.setRenderHint(QPainter::SmoothPixmapTransform);
        painter.drawImage(QRect(QPoint(0, 0), scene.view.output), full);
        painter.end();
        benchmark::DoNotOptimize(frame);
    }
}

void BM_RerenderVariant(benchmark::State& state) {
    Scene scene(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        scene.settings.heatmap = HeatmapSource::variant(scene.settings.heatmap.a == 0 ? 1 : 0);
        benchmark::DoNotOptimize(scene.renderer.render(scene.view, scene.settings, scene.range));
    }
}

void BM_RerenderOpacity(benchmark::State& state) {
    Scene scene(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        float& opacity = scene.settings.layer(Layer::Heatmap).opacity;
        opacity = opacity == 0.75f ? 0.5f : 0.75f;
        benchmark::DoNotOptimize(scene.renderer.render(scene.view, scene.settings, scene.range));
    }
}

void BM_RerenderColormap(benchmark::State& state) {
    Scene scene(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        scene.settings.colormap =
            scene.settings.colormap == Colormap::Viridis ? Colormap::Turbo : Colormap::Viridis;
        benchmark::DoNotOptimize(scene.renderer.render(scene.view, scene.settings, scene.range));
    }
}

BENCHMARK(BM_ComposeAllLayers)->Arg(512)->Arg(2048)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FullResolutionFrame)->Arg(512)->Arg(2048)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RerenderVariant)->Arg(512)->Arg(2048)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RerenderOpacity)->Arg(512)->Arg(2048)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RerenderColormap)->Arg(512)->Arg(2048)->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char** argv) {
    returnLargeBuffersToTheSystem(); // as the losslens binary does
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QStandardPaths::setTestModeEnabled(true); // leave the user's settings alone
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
