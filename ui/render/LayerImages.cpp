#include "render/LayerImages.h"

#include <QPainter>

#include <algorithm>
#include <cmath>
#include <span>

namespace losslens {

namespace {

constexpr QRgb kOutlineDash = 0xff000000; // opaque black

inline QRgb premultiplied(const Rgb& c, int alpha) {
    return qPremultiply(qRgba(c[0], c[1], c[2], alpha));
}

QImage transparent(int width, int height) {
    QImage image(width, height, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    return image;
}

} // namespace

ViewportSampling sampling(const Viewport& viewport, QSize image) {
    ViewportSampling s;
    const auto table = [&](int count, double origin, int limit) {
        // index[k]: the source pixel of display cell k - 1 (one cell either side of the view).
        std::vector<int> index(static_cast<std::size_t>(count) + 2);
        for (std::size_t k = 0; k < index.size(); ++k) {
            const double at = std::floor(origin + (static_cast<double>(k) - 0.5) * viewport.step);
            index[k] = at >= 0.0 && at < limit ? static_cast<int>(at) : -1;
        }
        return index;
    };
    if (viewport.isEmpty())
        return s;
    s.xs = table(viewport.output.width(), viewport.x0, image.width());
    s.ys = table(viewport.output.height(), viewport.y0, image.height());
    s.shiftX = static_cast<int>(std::lround(viewport.x0 / viewport.step));
    s.shiftY = static_cast<int>(std::lround(viewport.y0 / viewport.step));
    return s;
}

QImage baseView(const QImage& base, QSize image, const Viewport& viewport) {
    if (viewport.isEmpty())
        return {};
    if (base.isNull()) {
        // No display image: mid grey over the part of the output the image covers, made for
        // the viewport only (a 16384 x 16384 sample needs no 1 GiB grey picture).
        const ViewportSampling s = sampling(viewport, image);
        QImage out = transparent(viewport.output.width(), viewport.output.height());
        const QRgb grey = qRgb(128, 128, 128);
        for (int oy = 0; oy < out.height(); ++oy) {
            if (s.ys[static_cast<std::size_t>(oy) + 1] < 0)
                continue;
            auto* line = reinterpret_cast<QRgb*>(out.scanLine(oy));
            for (int ox = 0; ox < out.width(); ++ox)
                if (s.xs[static_cast<std::size_t>(ox) + 1] >= 0)
                    line[ox] = grey;
        }
        return out;
    }
    if (viewport == Viewport::whole(base.size()))
        return base;
    QImage out = transparent(viewport.output.width(), viewport.output.height());
    QPainter painter(&out);
    painter.setRenderHint(QPainter::SmoothPixmapTransform, viewport.step > 1.0);
    const double w = viewport.output.width() * viewport.step;
    const double h = viewport.output.height() * viewport.step;
    painter.drawImage(QRectF(0.0, 0.0, viewport.output.width(), viewport.output.height()), base,
                      QRectF(viewport.x0, viewport.y0, w, h));
    return out;
}

QImage classLayer(const LabelMap& classes, const std::vector<ClassInfo>& colours,
                  const ViewSettings& settings, ClassStyle style, int ignoreIndex,
                  const Viewport& viewport) {
    if (viewport.isEmpty())
        return {};
    const ViewportSampling s = sampling(viewport, QSize(classes.width(), classes.height()));
    // Colour per class, 0 (transparent) for background, ignore and hidden classes.
    std::vector<QRgb> colour(colours.size(), 0);
    for (std::size_t c = 1; c < colours.size(); ++c)
        if (static_cast<int>(c) != ignoreIndex && settings.classVisible(static_cast<int>(c)))
            colour[c] = premultiplied(colours[c].color, 255);
    const auto colourOf = [&](std::uint16_t c) { return c < colour.size() ? colour[c] : QRgb{0}; };
    const int w = viewport.output.width();
    const int h = viewport.output.height();
    const std::size_t stride = static_cast<std::size_t>(classes.width());
    const std::uint16_t* data = classes.data();
    const auto row = [&](int sy) { return data + static_cast<std::size_t>(sy) * stride; };
    QImage image = transparent(w, h);
    for (int oy = 0; oy < h; ++oy) {
        const int sy = s.ys[static_cast<std::size_t>(oy) + 1];
        if (sy < 0)
            continue;
        const std::uint16_t* line = row(sy);
        // Rows of the neighbours above and below; outside the image, this row (no edge).
        const int up = s.ys[static_cast<std::size_t>(oy)];
        const int down = s.ys[static_cast<std::size_t>(oy) + 2];
        const std::uint16_t* above = row(up < 0 ? sy : up);
        const std::uint16_t* below = row(down < 0 ? sy : down);
        auto* out = reinterpret_cast<QRgb*>(image.scanLine(oy));
        for (int ox = 0; ox < w; ++ox) {
            const int sx = s.xs[static_cast<std::size_t>(ox) + 1];
            if (sx < 0)
                continue;
            const std::uint16_t c = line[sx];
            const QRgb rgb = colourOf(c);
            if (rgb == 0)
                continue;
            if (style == ClassStyle::Filled) {
                out[ox] = rgb;
                continue;
            }
            const int left = s.xs[static_cast<std::size_t>(ox)];
            const int right = s.xs[static_cast<std::size_t>(ox) + 2];
            const bool edge = (left >= 0 && line[left] != c) || (right >= 0 && line[right] != c) ||
                              above[sx] != c || below[sx] != c;
            const int gx = ox + s.shiftX;
            const int gy = oy + s.shiftY;
            if (style == ClassStyle::Outline) {
                if (edge)
                    out[ox] = onOutlineDash(gx, gy) ? kOutlineDash : rgb;
            } else if (edge || onStripe(gx, gy)) { // Striped
                out[ox] = rgb;
            }
        }
    }
    return image;
}

QImage classLayer(const LabelMap& classes, const std::vector<ClassInfo>& colours,
                  const ViewSettings& settings, ClassStyle style, int ignoreIndex) {
    return classLayer(classes, colours, settings, style, ignoreIndex,
                      Viewport::whole(QSize(classes.width(), classes.height())));
}

QImage heatmapLayer(const SampleData& data, const ViewSettings& settings, ValueRange range,
                    const Viewport& viewport, const SampleData* other) {
    if (viewport.isEmpty())
        return {};
    const int ignoreIndex = data.sample.ignoreIndex;
    const LabelMap& labels = data.sample.labels;
    const ViewportSampling s = sampling(viewport, QSize(labels.width(), labels.height()));
    const int w = viewport.output.width();
    const int h = viewport.output.height();
    QImage image = transparent(w, h);
    const std::size_t variants = data.loss.maps.size();
    if (variants == 0)
        return image;
    const HeatmapSource source = drawableSource(clampedSource(settings.heatmap, variants),
                                                other != nullptr && comparable(data, *other));
    const bool runs = source.isRunDifference();
    const bool diff = source.isDifference();
    const std::size_t variant = source.a;
    const ColormapLut& lut = sourceLut(source, settings.colormap);
    const bool log = usesLogScale(source, settings);
    std::array<QRgb, 256> colour{};
    for (std::size_t i = 0; i < colour.size(); ++i)
        colour[i] = premultiplied(lut[i], 255);
    // The values at the output pixels' samples only: a big sample keeps no map, so these are
    // scored here (a screenful, not the image).
    const std::span<const int> xs(s.xs.data() + 1, static_cast<std::size_t>(w));
    const std::span<const int> ys(s.ys.data() + 1, static_cast<std::size_t>(h));
    const auto values = valuesAt(data, source.variants(), xs, ys);
    const std::vector<float>& a = values[variant];
    std::vector<float> otherValues;
    if (runs)
        otherValues = valuesAt(*other, VariantMask{1} << variant, xs, ys)[variant];
    const std::vector<float>* b = runs ? &otherValues : (diff ? &values[source.b] : nullptr);
    const std::size_t stride = static_cast<std::size_t>(labels.width());
    for (int oy = 0; oy < h; ++oy) {
        const int sy = s.ys[static_cast<std::size_t>(oy) + 1];
        if (sy < 0)
            continue;
        const std::uint16_t* y = labels.data() + static_cast<std::size_t>(sy) * stride;
        const std::size_t row = static_cast<std::size_t>(oy) * static_cast<std::size_t>(w);
        auto* out = reinterpret_cast<QRgb*>(image.scanLine(oy));
        for (int ox = 0; ox < w; ++ox) {
            const int sx = s.xs[static_cast<std::size_t>(ox) + 1];
            if (sx < 0 || y[sx] == ignoreIndex)
                continue;
            const std::size_t i = row + static_cast<std::size_t>(ox);
            const float v = b ? a[i] - (*b)[i] : a[i];
            out[ox] = colour[heatIndex(v, range, log)];
        }
    }
    return image;
}

QImage heatmapLayer(const SampleData& data, const ViewSettings& settings, ValueRange range) {
    return heatmapLayer(
        data, settings, range,
        Viewport::whole(QSize(data.sample.labels.width(), data.sample.labels.height())));
}

QImage removedLayer(const ByteImage& removed, const Viewport& viewport, MarkStyle style) {
    if (viewport.isEmpty())
        return {};
    const ViewportSampling s = sampling(viewport, QSize(removed.width(), removed.height()));
    const int w = viewport.output.width();
    const int h = viewport.output.height();
    QImage image = transparent(w, h);
    const QRgb edgeColour = premultiplied(kRemovedMark, 255);
    const QRgb hatchColour = premultiplied(kRemovedMark, 255);
    const bool hatched = style == MarkStyle::Hatched;
    const std::size_t stride = static_cast<std::size_t>(removed.width());
    const auto row = [&](int sy) {
        return sy < 0 ? nullptr : removed.data() + static_cast<std::size_t>(sy) * stride;
    };
    for (int oy = 0; oy < h; ++oy) {
        const std::uint8_t* line = row(s.ys[static_cast<std::size_t>(oy) + 1]);
        if (!line)
            continue;
        // Outside the image counts as not removed, so the outline closes at the border.
        const std::uint8_t* above = row(s.ys[static_cast<std::size_t>(oy)]);
        const std::uint8_t* below = row(s.ys[static_cast<std::size_t>(oy) + 2]);
        const int gy = oy + s.shiftY;
        auto* out = reinterpret_cast<QRgb*>(image.scanLine(oy));
        for (int ox = 0; ox < w; ++ox) {
            const int sx = s.xs[static_cast<std::size_t>(ox) + 1];
            if (sx < 0 || !line[sx])
                continue;
            const int left = s.xs[static_cast<std::size_t>(ox)];
            const int right = s.xs[static_cast<std::size_t>(ox) + 2];
            const bool edge = left < 0 || right < 0 || !above || !below || !line[left] ||
                              !line[right] || !above[sx] || !below[sx];
            if (edge)
                out[ox] = edgeColour;
            else if (hatched && onHatch(ox + s.shiftX, gy))
                out[ox] = hatchColour;
        }
    }
    return image;
}

QImage removedLayer(const ByteImage& removed, MarkStyle style) {
    return removedLayer(removed, Viewport::whole(QSize(removed.width(), removed.height())), style);
}

QImage dimmedBase(const QImage& base) {
    if (base.isNull())
        return base;
    QImage out = base.convertToFormat(QImage::Format_ARGB32_Premultiplied);
    for (int y = 0; y < out.height(); ++y) {
        auto* line = reinterpret_cast<QRgb*>(out.scanLine(y));
        for (int x = 0; x < out.width(); ++x) {
            const QRgb c = line[x];
            const int a = qAlpha(c);
            if (a == 0)
                continue;
            // Premultiplied: luma of the premultiplied channels is L * a / 255, so the grey
            // 40 + L / 2, premultiplied, is 40 * a / 255 + luma / 2.
            const int luma = (299 * qRed(c) + 587 * qGreen(c) + 114 * qBlue(c) + 500) / 1000;
            const int g = (40 * a + 127) / 255 + luma / 2;
            line[x] = qRgba(g, g, g, a);
        }
    }
    return out;
}

bool dimsImage(const ViewSettings& settings) {
    const LayerState& heat = settings.layer(Layer::Heatmap);
    return settings.dimImage && heat.visible && heat.opacity > 0.0f;
}

LayerImages renderLayers(const SampleData& data, const ViewSettings& settings,
                         const std::vector<ClassInfo>& classes, ValueRange range,
                         const SampleData* other) {
    LayerImages layers;
    const QSize size(data.sample.labels.width(), data.sample.labels.height());
    const QImage base = baseView(data.base, size, Viewport::whole(size));
    layers.base = dimsImage(settings) ? dimmedBase(base) : base;
    layers.groundTruth = classLayer(data.sample.labels, classes, settings,
                                    settings.groundTruthStyle, data.sample.ignoreIndex);
    layers.prediction =
        classLayer(data.loss.argmax, classes, settings, settings.predictionStyle, -1);
    layers.heatmap = heatmapLayer(
        data, settings, range,
        Viewport::whole(QSize(data.sample.labels.width(), data.sample.labels.height())), other);
    layers.removed = removedLayer(data.loss.removed, settings.removedStyle);
    return layers;
}

void composeInto(QImage& out, const LayerImages& layers, const ViewSettings& settings) {
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
}

QImage compose(const LayerImages& layers, const ViewSettings& settings) {
    QImage out(layers.base.size(), QImage::Format_ARGB32_Premultiplied);
    out.fill(Qt::black);
    composeInto(out, layers, settings);
    return out;
}

} // namespace losslens
