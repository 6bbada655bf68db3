#include "state/VariantStyle.h"

#include "losslens/loss/LossVariant.h"

#include <QPixmap>

#include <array>

namespace losslens {

namespace {
// Colour-blind-aware hues in registry order: standard, partial, marginal, drop, focal,
// weighted, then spares for variants still to come.
constexpr std::array<std::array<int, 3>, 8> kPalette{{{214, 96, 77},
                                                      {67, 147, 195},
                                                      {90, 174, 97},
                                                      {153, 112, 171},
                                                      {224, 130, 20},
                                                      {120, 120, 120},
                                                      {191, 129, 45},
                                                      {53, 151, 143}}};
// Runs get colours of their own, darker and apart from every variant's hue above, so a
// bar of run "partial" is never read as the partial variant's.
constexpr std::array<std::array<int, 3>, 6> kRunPalette{
    {{40, 40, 40}, {0, 90, 110}, {150, 0, 90}, {110, 90, 0}, {70, 50, 150}, {0, 120, 60}}};
} // namespace

QString runLabel(const QString& run) {
    return QStringLiteral("run %1").arg(run);
}

QColor runColour(std::size_t index) {
    const auto& rgb = kRunPalette[index % kRunPalette.size()];
    return QColor(rgb[0], rgb[1], rgb[2]);
}

QString toQString(std::string_view text) {
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

QString variantName(std::size_t variant) {
    return toQString(lossVariants()[variant].name);
}

QString variantLabel(std::size_t variant) {
    return toQString(lossVariants()[variant].label);
}

QString variantDescription(std::size_t variant) {
    return toQString(lossVariants()[variant].description);
}

QColor variantColour(std::size_t variant) {
    const auto& rgb = kPalette[variant % kPalette.size()];
    return QColor(rgb[0], rgb[1], rgb[2]);
}

QIcon variantSwatch(std::size_t variant) {
    QPixmap swatch(12, 12);
    swatch.fill(variantColour(variant));
    return QIcon(swatch);
}

} // namespace losslens
