#pragma once

#include <QRect>
#include <QSize>

#include <optional>

namespace losslens {

// Where a window of `wanted` geometry goes on a screen of `available` geometry with a
// window-manager frame of `frame`: as large as wanted but never larger than the screen,
// moved onto it where it hangs off.
[[nodiscard]] QRect windowGeometryWithin(const QRect& wanted, const QRect& available, QSize frame);

// Where the main window goes on a screen of `available` geometry: its restored geometry
// (from a larger screen too) brought within the screen, or for a new window 92% of the
// screen (up to 1800 x 1100) centred, so the sample table's columns and the canvas both
// get room on 1920 x 1080; with the few pixels and title bar a window manager adds.
[[nodiscard]] QRect windowPlacement(const std::optional<QRect>& restored, const QRect& available);

} // namespace losslens
