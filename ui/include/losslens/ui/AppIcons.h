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

} // namespace losslens
