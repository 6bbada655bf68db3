#pragma once

namespace losslens {

// One horizontal run of a mask's pixels: row y, columns [x0, x1). Masks kept as runs (a
// candidate's, an annotation's) cost memory by their outline, not by the sample's size, so
// a set-wide ranking can hold thousands of them.
struct PixelRun {
    int y = 0;
    int x0 = 0;
    int x1 = 0; // one past the last column
    friend bool operator==(const PixelRun&, const PixelRun&) = default;
};

} // namespace losslens
