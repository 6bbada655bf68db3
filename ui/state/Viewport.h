#pragma once

#include <QSize>

#include <vector>

namespace losslens {

// The part of a sample the canvas shows, at the resolution it shows it: output pixel
// (ox, oy) covers image pixels [x0 + ox * step, x0 + (ox + 1) * step) and likewise in y.
// Layers are rendered for this rectangle only, so the work is bounded by the screen, not
// by the sample: a 2048 x 2048 sample fitted into an 800-pixel canvas costs 800 x 800.
struct Viewport {
    QSize output;    // device pixels
    double x0 = 0.0; // image coordinates of the output's top-left corner
    double y0 = 0.0;
    double step = 1.0; // image pixels per output pixel: 1 / (zoom * device pixel ratio)

    // The whole image at 1:1: what an export or a test of the full-resolution layers uses.
    [[nodiscard]] static Viewport whole(QSize image) { return {image, 0.0, 0.0, 1.0}; }
    [[nodiscard]] bool isEmpty() const { return output.isEmpty() || !(step > 0.0); }
    friend bool operator==(const Viewport&, const Viewport&) = default;
};

// The image column (or row) sampled by each output column, nearest to the output pixel's
// centre, with one extra entry on each side so outlines can look at their neighbours:
// index[i + 1] belongs to output pixel i, index[0] to pixel -1 and index[n + 1] to pixel n.
// Outside the image the entry is -1.
struct ViewportSampling {
    std::vector<int> xs;
    std::vector<int> ys;
    // Output pixels from the image's corner to the output's at this zoom: patterns drawn in
    // screen pixels (hatching) add it so they move with the image when it is panned.
    int shiftX = 0;
    int shiftY = 0;
};

[[nodiscard]] ViewportSampling sampling(const Viewport& viewport, QSize image);

} // namespace losslens
