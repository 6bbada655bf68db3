#include "losslens/ui/Compositor.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace losslens {

namespace {

inline QRgb premultiplied(const Rgb& c, int alpha) {
    return qPremultiply(qRgba(c[0], c[1], c[2], alpha));
}

QImage transparent(int width, int height) {
    QImage image(width, height, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    return image;
}

} // namespace

const ColormapLut& divergingLut() {
    static const ColormapLut lut = [] {
        ColormapLut l{};
        // Blue (negative) through white (0) to red (positive), linear in RGB.
        const std::array<double, 3> blue{33, 102, 172}, white{247, 247, 247}, red{178, 24, 43};
        for (int i = 0; i < 256; ++i) {
            const double t = i / 255.0;
            const auto& from = t < 0.5 ? blue : white;
            const auto& to = t < 0.5 ? white : red;
            const double u = t < 0.5 ? t * 2.0 : (t - 0.5) * 2.0;
            for (std::size_t k = 0; k < 3; ++k)
                l[static_cast<std::size_t>(i)][k] =
                    static_cast<std::uint8_t>(std::lround(from[k] + (to[k] - from[k]) * u));
        }
        return l;
    }();
    return lut;
}

QImage baseLayer(const SampleData& data) {
    const int w = data.sample.labels.width();
    const int h = data.sample.labels.height();
    QImage image(w, h, QImage::Format_ARGB32_Premultiplied);
    const ByteImage& rgb = data.sample.image;
    if (rgb.empty() || rgb.width() != w || rgb.height() != h || rgb.channels() != 3) {
        image.fill(QColor(128, 128, 128));
        return image;
    }
    for (int y = 0; y < h; ++y) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(y));
        const std::uint8_t* src = &rgb.at(0, y, 0);
        for (int x = 0; x < w; ++x)
            line[x] = qRgb(src[3 * x], src[3 * x + 1], src[3 * x + 2]);
    }
    return image;
}

QImage classLayer(const LabelMap& classes, const std::vector<ClassInfo>& colours,
                  const ViewSettings& settings, ClassStyle style, int ignoreIndex) {
    const int w = classes.width();
    const int h = classes.height();
    QImage image = transparent(w, h);
    for (int y = 0; y < h; ++y) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(y));
        for (int x = 0; x < w; ++x) {
            const int c = classes.at(x, y);
            if (c == ignoreIndex || c == 0 || !settings.classVisible(c) ||
                static_cast<std::size_t>(c) >= colours.size())
                continue;
            if (style == ClassStyle::Outline) {
                const bool edge = (x > 0 && classes.at(x - 1, y) != c) ||
                                  (x + 1 < w && classes.at(x + 1, y) != c) ||
                                  (y > 0 && classes.at(x, y - 1) != c) ||
                                  (y + 1 < h && classes.at(x, y + 1) != c);
                if (!edge)
                    continue;
            }
            line[x] = premultiplied(colours[static_cast<std::size_t>(c)].color, 255);
        }
    }
    return image;
}

QImage heatmapLayer(const SampleData& data, const ViewSettings& settings, int ignoreIndex, float lo,
                    float hi) {
    const LabelMap& labels = data.sample.labels;
    const int w = labels.width();
    const int h = labels.height();
    QImage image = transparent(w, h);
    const auto& maps = data.loss.maps;
    const bool diff = settings.difference && settings.differenceA < maps.size() &&
                      settings.differenceB < maps.size();
    const std::size_t variant = std::min(settings.variant, maps.size() - 1);
    const ColormapLut& lut = diff ? divergingLut() : colormapLut(settings.colormap);
    const float* a = maps[diff ? settings.differenceA : variant].data();
    const float* b = diff ? maps[settings.differenceB].data() : nullptr;
    const std::uint16_t* y = labels.data();
    for (int row = 0; row < h; ++row) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(row));
        const std::size_t offset = static_cast<std::size_t>(row) * static_cast<std::size_t>(w);
        for (int x = 0; x < w; ++x) {
            const std::size_t i = offset + static_cast<std::size_t>(x);
            if (y[i] == ignoreIndex)
                continue;
            const float v = b ? a[i] - b[i] : a[i];
            line[x] = premultiplied(lut[colormapIndex(v, lo, hi)], 255);
        }
    }
    return image;
}

QImage removedLayer(const ByteImage& removed) {
    const int w = removed.width();
    const int h = removed.height();
    QImage image = transparent(w, h);
    const Rgb fill{255, 0, 200};
    const Rgb hatch{255, 235, 0};
    for (int y = 0; y < h; ++y) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(y));
        for (int x = 0; x < w; ++x) {
            if (!removed.at(x, y))
                continue;
            const bool edge = x == 0 || y == 0 || x + 1 == w || y + 1 == h ||
                              !removed.at(x - 1, y) || !removed.at(x + 1, y) ||
                              !removed.at(x, y - 1) || !removed.at(x, y + 1);
            const bool stripe = ((x + y) / 3) % 3 == 0;
            line[x] =
                edge || stripe ? premultiplied(edge ? fill : hatch, 255) : premultiplied(fill, 110);
        }
    }
    return image;
}

ValueRange heatmapRange(const ViewSettings& settings, float setMax, float setMaxDifference) {
    if (settings.difference) {
        float m = settings.autoRange
                      ? setMaxDifference
                      : std::max(std::abs(settings.rangeLo), std::abs(settings.rangeHi));
        if (!(m > 0.0f))
            m = 1.0f;
        return {-m, m};
    }
    if (settings.autoRange)
        return {0.0f, setMax > 0.0f ? setMax : 1.0f};
    if (!(settings.rangeHi > settings.rangeLo))
        return {settings.rangeLo, settings.rangeLo + 1.0f};
    return {settings.rangeLo, settings.rangeHi};
}

LayerImages renderLayers(const SampleData& data, const ViewSettings& settings,
                         const std::vector<ClassInfo>& classes, int ignoreIndex, ValueRange range) {
    LayerImages layers;
    layers.base = baseLayer(data);
    layers.groundTruth =
        classLayer(data.sample.labels, classes, settings, settings.groundTruthStyle, ignoreIndex);
    layers.prediction =
        classLayer(data.loss.argmax, classes, settings, settings.predictionStyle, -1);
    layers.heatmap = heatmapLayer(data, settings, ignoreIndex, range.lo, range.hi);
    layers.removed = removedLayer(data.loss.removed);
    return layers;
}

QImage compose(const LayerImages& layers, const ViewSettings& settings) {
    QImage out(layers.base.size(), QImage::Format_ARGB32_Premultiplied);
    out.fill(Qt::black);
    QPainter painter(&out);
    const QImage* order[] = {&layers.base, &layers.groundTruth, &layers.prediction, &layers.heatmap,
                             &layers.removed};
    // Heatmap above the class layers would hide them; draw classes over the heatmap so an
    // outline stays readable: base, heatmap, prediction, ground truth, removed.
    const Layer drawOrder[] = {Layer::Image, Layer::Heatmap, Layer::Prediction, Layer::GroundTruth,
                               Layer::Removed};
    for (Layer l : drawOrder) {
        const LayerState& state = settings.layer(l);
        const QImage* image = order[static_cast<std::size_t>(l)];
        if (!state.visible || image->isNull() || state.opacity <= 0.0f)
            continue;
        painter.setOpacity(static_cast<double>(state.opacity));
        painter.drawImage(0, 0, *image);
    }
    painter.end();
    return out;
}

} // namespace losslens
