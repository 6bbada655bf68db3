#include "losslens/io/PolygonRuns.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>

namespace losslens {

namespace {

// Crossings of one polygon with the rows' centre lines kept at once (16 bytes each): a real
// outline crosses each row a few times; a hostile zig-zag is refused, not allocated.
constexpr std::size_t kMaxCrossings = std::size_t{1} << 24;

// The first integer i with i >= v, clamped to [lo, hi] (v may be huge in a hostile file).
int ceilClamped(double v, int lo, int hi) {
    if (!(v > lo))
        return lo;
    if (v >= hi)
        return hi;
    return static_cast<int>(std::ceil(v));
}

} // namespace

std::vector<PixelRun> polygonRuns(std::span<const std::vector<double>> polygons, int width,
                                  int height) {
    std::vector<PixelRun> spans;
    if (width <= 0 || height <= 0)
        return spans;
    std::vector<std::pair<int, double>> crossings; // (row, x of the crossing)
    for (const std::vector<double>& polygon : polygons) {
        const std::size_t points = polygon.size() / 2;
        if (points < 3)
            continue;
        crossings.clear();
        std::size_t total = 0;
        for (std::size_t i = 0, j = points - 1; i < points; j = i++) {
            const double yi = polygon[2 * i + 1], yj = polygon[2 * j + 1];
            total += static_cast<std::size_t>(ceilClamped(std::max(yi, yj) - 0.5, 0, height) -
                                              ceilClamped(std::min(yi, yj) - 0.5, 0, height));
        }
        if (total > kMaxCrossings)
            throw std::invalid_argument("a polygon whose edges cross " + std::to_string(total) +
                                        " row centres, more than the limit of " +
                                        std::to_string(kMaxCrossings));
        crossings.reserve(total);
        for (std::size_t i = 0, j = points - 1; i < points; j = i++) {
            const double xi = polygon[2 * i], yi = polygon[2 * i + 1];
            const double xj = polygon[2 * j], yj = polygon[2 * j + 1];
            if (yi == yj)
                continue; // a horizontal edge never crosses a row's centre line
            // Rows whose centre y + 0.5 lies in [min, max): y in [ceil(min - 0.5), ceil(max -
            // 0.5)).
            const int first = ceilClamped(std::min(yi, yj) - 0.5, 0, height);
            const int last = ceilClamped(std::max(yi, yj) - 0.5, 0, height);
            for (int y = first; y < last; ++y) {
                const double py = y + 0.5;
                crossings.emplace_back(y, (xj - xi) * (py - yi) / (yj - yi) + xi);
            }
        }
        std::sort(crossings.begin(), crossings.end());
        // Inside between the 2k-th and (2k+1)-th crossing of a row: x + 0.5 in [a, b).
        for (std::size_t k = 0; k + 1 < crossings.size(); k += 2) {
            const auto [y, a] = crossings[k];
            if (crossings[k + 1].first != y) { // cannot happen for a closed polygon
                --k;
                continue;
            }
            const double b = crossings[k + 1].second;
            const int x0 = ceilClamped(a - 0.5, 0, width);
            const int x1 = ceilClamped(b - 0.5, 0, width);
            if (x0 < x1)
                spans.push_back({y, x0, x1});
        }
    }
    // The union: sorted, touching or overlapping spans of a row merged.
    std::sort(spans.begin(), spans.end(), [](const PixelRun& a, const PixelRun& b) {
        return a.y != b.y ? a.y < b.y : a.x0 < b.x0;
    });
    std::vector<PixelRun> runs;
    for (const PixelRun& s : spans) {
        if (!runs.empty() && runs.back().y == s.y && s.x0 <= runs.back().x1)
            runs.back().x1 = std::max(runs.back().x1, s.x1);
        else
            runs.push_back(s);
    }
    return runs;
}

} // namespace losslens
