#pragma once

#include "losslens/set/SetSummary.h"

#include <cstdint>
#include <string>
#include <vector>

namespace losslens {

// A set-level comparison of every registered variant, class by class: what each class's
// pixels cost under each variant, and how many of them a variant lets off (its loss below
// the standard loss: removed or softened). The window's comparison table and chart, the
// stats table and the "per_class" object of stats --json all show this one computation.
struct VariantComparison {
    struct Row {
        std::string variant;              // registry name
        double mean = 0.0;                // the variant's set mean (its own reduction)
        std::vector<double> classMean;    // per label class: mean of the map over its pixels
        std::vector<double> reducedShare; // per label class: share of pixels let off, 0..1
    };
    std::vector<std::string> classNames; // one per class column
    std::vector<std::int64_t> classPixels;
    std::vector<Row> rows; // one per registered variant, registry order
};

// classNames may be shorter than the set's class count (missing names become the index).
[[nodiscard]] VariantComparison compareVariants(const SetSummary& summary,
                                                const std::vector<std::string>& classNames);

// The classes a per-class table or chart lists, in class order: every class while there are
// at most `listEveryClassUpTo`, else only those with pixels in the set (the others are all
// "n/a"; LVIS has 1,203 classes, a sample a handful). The stats table and the window's
// Compare panel both list these.
inline constexpr std::size_t kListEveryClassUpTo = 32;
[[nodiscard]] std::vector<std::size_t>
listedClasses(const VariantComparison& comparison,
              std::size_t listEveryClassUpTo = kListEveryClassUpTo);

} // namespace losslens
