#include "losslens/ui/VariantStyle.h"

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
} // namespace

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
