#include "render/PixelInfo.h"
#include "render/SampleDetails.h"
#include "state/VariantStyle.h"

#include "losslens/loss/LossVariant.h"

#include <QObject>

#include <algorithm>

namespace losslens {

namespace {
// A class as the readout names it: "name (id)", or the id of a class the set does not name.
QString className(int c, const std::vector<ClassInfo>& classes) {
    const QString label = classLabel(c, classes);
    return label == QString::number(c) ? label : QStringLiteral("%1 (%2)").arg(label).arg(c);
}
} // namespace

PixelInfo pixelInfo(const SampleData& data, int x, int y, int ignoreIndex) {
    PixelInfo info;
    const LabelMap& labels = data.sample.labels;
    if (x < 0 || y < 0 || x >= labels.width() || y >= labels.height())
        return info;
    info.valid = true;
    info.x = x;
    info.y = y;
    info.label = labels.at(x, y);
    info.ignored = info.label == ignoreIndex;
    info.predicted = data.loss.argmax.at(x, y);
    const int c = data.sample.prediction.classes();
    for (int k = 0; k < c; ++k)
        info.probabilities.push_back(data.sample.prediction.at(x, y, k));
    info.w0 = data.loss.bgWeight.at(x, y);
    info.removed = data.loss.removed.at(x, y) != 0;
    if (data.loss.maps.empty())
        return info;
    const int at[2] = {x, y};
    for (const std::vector<float>& values :
         valuesAt(data, kAllVariants, std::span<const int>(at, 1), std::span<const int>(at + 1, 1)))
        if (!values.empty())
            info.losses.push_back(values.front());
    return info;
}

QString formatShownValue(const PixelInfo& info, const ViewSettings& settings,
                         const OtherRunPixel& other) {
    const std::size_t n = info.losses.size();
    if (!info.valid || n == 0)
        return {};
    const auto value = [](float v) { return QString::number(static_cast<double>(v), 'f', 5); };
    const HeatmapSource h = clampedSource(settings.heatmap, n);
    if (h.isRunDifference() && other.info != nullptr && other.info->valid &&
        h.a < other.info->losses.size())
        return QStringLiteral("%1: this run − run %2 = %3")
            .arg(variantName(h.a), other.run, value(info.losses[h.a] - other.info->losses[h.a]));
    if (h.isDifference())
        return QStringLiteral("%1 − %2 = %3")
            .arg(variantName(h.a), variantName(h.b), value(info.losses[h.a] - info.losses[h.b]));
    return QStringLiteral("%1 %2").arg(variantName(h.a), value(info.losses[h.a]));
}

std::vector<std::size_t> readoutClasses(const std::vector<float>& probabilities, int label) {
    std::vector<std::size_t> order(probabilities.size());
    for (std::size_t k = 0; k < order.size(); ++k)
        order[k] = k;
    if (order.size() <= kReadoutAllClassesUpTo)
        return order;
    // The highest first, ties by class id (the argmax's rule).
    const std::size_t top = std::min(kReadoutTopClasses, order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(top), order.end(),
                      [&](std::size_t a, std::size_t b) {
                          return probabilities[a] != probabilities[b]
                                     ? probabilities[a] > probabilities[b]
                                     : a < b;
                      });
    order.resize(top);
    if (label >= 0 && static_cast<std::size_t>(label) < probabilities.size() &&
        std::find(order.begin(), order.end(), static_cast<std::size_t>(label)) == order.end())
        order.push_back(static_cast<std::size_t>(label));
    return order;
}

QString formatPixelInfo(const PixelInfo& info, const std::vector<ClassInfo>& classes,
                        const ViewSettings& settings, const OtherRunPixel& other) {
    if (!info.valid)
        return QObject::tr("Move the cursor over the image.");
    QString text = QObject::tr("x %1, y %2\n").arg(info.x).arg(info.y);
    text += QObject::tr("heatmap: %1\n").arg(formatShownValue(info, settings, other));
    text += QObject::tr("ground truth: %1\n")
                .arg(info.ignored ? QObject::tr("ignored (%1)").arg(info.label)
                                  : className(info.label, classes));
    text += QObject::tr("predicted: %1\n").arg(className(info.predicted, classes));
    text += QObject::tr("w0: %1%2\n")
                .arg(info.w0)
                .arg(info.removed ? QObject::tr("  (penalty removed)") : QString());
    const auto variants = lossVariants();
    for (std::size_t v = 0; v < info.losses.size() && v < variants.size(); ++v)
        text += QStringLiteral("%1 loss: %2\n")
                    .arg(toQString(variants[v].name))
                    .arg(static_cast<double>(info.losses[v]), 0, 'f', 6);
    const std::vector<std::size_t> shown =
        readoutClasses(info.probabilities, info.ignored ? -1 : info.label);
    text += shown.size() < info.probabilities.size()
                ? QObject::tr("probabilities (the top %1 of %2 classes):\n")
                      .arg(std::min(shown.size(), kReadoutTopClasses))
                      .arg(info.probabilities.size())
                : QObject::tr("probabilities:\n");
    for (const std::size_t k : shown)
        text += QStringLiteral("  %1: %2\n")
                    .arg(className(static_cast<int>(k), classes))
                    .arg(static_cast<double>(info.probabilities[k]), 0, 'f', 6);
    return text.trimmed();
}

QString formatStatusLine(const PixelInfo& info, const ViewSettings& settings,
                         const OtherRunPixel& other) {
    const std::size_t baseline = variantFor(VariantRole::Baseline);
    const std::size_t missingAware = variantFor(VariantRole::MissingAware);
    if (!info.valid || info.losses.size() <= std::max(baseline, missingAware))
        return {};
    const bool plain = settings.heatmap.isVariant() &&
                       (settings.heatmap.a == baseline || settings.heatmap.a == missingAware);
    const QString shown =
        plain ? QString()
              : QObject::tr("   heatmap %1").arg(formatShownValue(info, settings, other));
    return QObject::tr("x %1  y %2   gt %3  pred %4   w0 %5   standard %6   partial %7%8")
        .arg(info.x)
        .arg(info.y)
        .arg(info.ignored ? QObject::tr("ignore") : QString::number(info.label))
        .arg(info.predicted)
        .arg(info.w0)
        .arg(static_cast<double>(info.losses[baseline]), 0, 'f', 5)
        .arg(static_cast<double>(info.losses[missingAware]), 0, 'f', 5)
        .arg(shown);
}

} // namespace losslens
