#pragma once

#include "state/ViewSettings.h"

#include <QSettings>
#include <QString>
#include <QStringList>

namespace losslens {

// The user's view choices and recent folders, kept in QSettings between runs. Names
// (colour map, variant) are stored rather than indices, so reordering never mixes them up.
[[nodiscard]] ViewSettings loadViewSettings(QSettings& settings, ViewSettings defaults = {});
void saveViewSettings(QSettings& settings, const ViewSettings& view);

[[nodiscard]] QStringList recentFolders(const QSettings& settings);
// Puts `path` first in the recent list (at most `limit` entries, no duplicates).
void rememberFolder(QSettings& settings, const QString& path, int limit = 8);

// The review database chosen in the window for the set at `setPath` (spec section 7: "a
// window setting chooses another"), kept per set by its absolute path; empty: the set's
// default place. Choosing an empty path forgets the choice.
[[nodiscard]] QString chosenReviewDatabase(const QSettings& settings, const QString& setPath);
void chooseReviewDatabase(QSettings& settings, const QString& setPath, const QString& database);

} // namespace losslens
