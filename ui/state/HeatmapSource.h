#pragma once

#include "losslens/loss/LossVariant.h"
#include "losslens/report/Colormap.h"

#include <QString>

#include <cstddef>
#include <string>

namespace losslens {

// What a heatmap draws: one variant's loss, the difference A - B of two variants, or this
// run's variant minus the same variant of the compared ("vs") run. It used to be a handful
// of flags whose precedence every reader re-derived, so two canvases and an export could
// disagree on what they showed; now each canvas, colour bar, export and readout is handed a
// source and asks it for its label, its colours and its range rule.
struct HeatmapSource {
    enum class Kind { Variant, Difference, RunDifference };
    Kind kind = Kind::Variant;
    std::size_t a = variantFor(VariantRole::Baseline);     // the variant; A of a difference
    std::size_t b = variantFor(VariantRole::MissingAware); // B of a difference

    [[nodiscard]] static HeatmapSource variant(std::size_t v) { return {Kind::Variant, v, v}; }
    [[nodiscard]] static HeatmapSource difference(std::size_t a, std::size_t b) {
        return {Kind::Difference, a, b};
    }
    [[nodiscard]] static HeatmapSource runDifference(std::size_t v) {
        return {Kind::RunDifference, v, v};
    }

    [[nodiscard]] bool isVariant() const { return kind == Kind::Variant; }
    [[nodiscard]] bool isDifference() const { return kind == Kind::Difference; }
    [[nodiscard]] bool isRunDifference() const { return kind == Kind::RunDifference; }
    // A difference of any kind: a diverging map symmetric about 0, never a log scale.
    [[nodiscard]] bool diverging() const { return kind != Kind::Variant; }
    // The variants a sample must be scored for to draw it.
    [[nodiscard]] VariantMask variants() const {
        return (VariantMask{1} << a) | (kind == Kind::Difference ? VariantMask{1} << b : 0);
    }
    bool operator==(const HeatmapSource&) const = default;
};

// A source with indices beyond `variants` clamped into the registry (a stored setting from
// a build with more variants).
[[nodiscard]] HeatmapSource clampedSource(HeatmapSource source, std::size_t variants);

// What can be drawn of a source: a run difference without the vs run's sample of the same
// size draws its variant alone (until the sample arrives, or when the vs run lacks it).
[[nodiscard]] inline HeatmapSource drawableSource(const HeatmapSource& source, bool haveOther) {
    return source.isRunDifference() && !haveOther ? HeatmapSource::variant(source.a) : source;
}

// The colour table a source is drawn with: the chosen map, or blue-white-red for a
// difference.
[[nodiscard]] const ColormapLut& sourceLut(const HeatmapSource& source, Colormap colormap);
// The colour map's name as files and captions give it ("viridis", "blue-white-red").
[[nodiscard]] QString sourceColormapName(const HeatmapSource& source, Colormap colormap);

// What a canvas or a file says it shows: "partial", "standard − partial",
// "run a − run b: partial". Runs are always called "run X", so a run named like a variant
// is never read as one.
[[nodiscard]] QString sourceLabel(const HeatmapSource& source, const QString& run = {},
                                  const QString& versusRun = {});
// The same as one short machine-readable word for file names and JSON ("partial",
// "standard-minus-partial", "partial-run-difference").
[[nodiscard]] std::string sourceKey(const HeatmapSource& source);

// What the second canvas of side by side draws beside `main`, and from which run (the one
// partner rule): a variant's partner variant of the same run, or with a vs run the same
// variant of that run; a difference's first variant A (or the vs run's same difference);
// a run difference's variant in the vs run.
struct SideSource {
    HeatmapSource source;
    bool versusRun = false; // drawn from the vs run's sample
    bool operator==(const SideSource&) const = default;
};
[[nodiscard]] SideSource sideSource(const HeatmapSource& main, bool haveVersusRun);

} // namespace losslens
