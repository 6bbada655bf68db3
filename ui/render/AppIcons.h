#pragma once

#include <QIcon>
#include <QString>

namespace losslens {

// The application's icon, from the resources built into the ui library.
[[nodiscard]] QIcon appIcon();

// A toolbar icon: the desktop theme's `themeName` where the theme has it, else LossLens's own
// resources/icons/toolbar/<name>.png (with its @2x rendering), so the toolbar never shows
// empty buttons on a desktop without an icon theme.
[[nodiscard]] QIcon toolbarIcon(const QString& name, const QString& themeName);

// The sample table's missing-set source tags: a small square with a letter, D (declared in
// dataset.json) filled blue, A (absent: the article's rule) grey on light grey. Drawn, not
// loaded, so it follows the device pixel ratio.
[[nodiscard]] QIcon missingSourceTag(QChar letter, bool filled);

} // namespace losslens
