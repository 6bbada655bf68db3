#pragma once

#include <QColor>
#include <QIcon>
#include <QString>

#include <cstddef>
#include <string_view>

namespace losslens {

// One home for how the window shows text from core and a registered variant: its name,
// label, description and its colour, the same in the plots, the Compare dock and anywhere
// else a variant is drawn.

// core's UTF-8 string_views (names, labels, file names) as QString.
[[nodiscard]] QString toQString(std::string_view text);

[[nodiscard]] QString variantName(std::size_t variant);        // "marginal": CLI, files
[[nodiscard]] QString variantLabel(std::size_t variant);       // for menus and headers
[[nodiscard]] QString variantDescription(std::size_t variant); // for tooltips
// One colour per registry index, well apart from each other (a registry larger than the
// palette cycles through it).
[[nodiscard]] QColor variantColour(std::size_t variant);
// A small square of that colour, for lists and boxes that name variants.
[[nodiscard]] QIcon variantSwatch(std::size_t variant);

// Runs (prediction sets) are always named "run X", so a run called like a variant
// ("standard", "partial": a training loss) never reads as one, and drawn in colours apart
// from every variant's (by the run's position in the set's run list).
[[nodiscard]] QString runLabel(const QString& run);
[[nodiscard]] QColor runColour(std::size_t index);

} // namespace losslens
