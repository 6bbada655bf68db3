#include "losslens/set/VariantComparison.h"

#include "losslens/loss/LossVariant.h"

#include <algorithm>

namespace losslens {

VariantComparison compareVariants(const SetSummary& summary,
                                  const std::vector<std::string>& classNames) {
    VariantComparison result;
    const std::size_t classes = summary.classPixels().size();
    result.classPixels = summary.classPixels();
    for (std::size_t c = 0; c < classes; ++c)
        result.classNames.push_back(c < classNames.size() ? classNames[c] : std::to_string(c));
    const auto variants = lossVariants();
    for (std::size_t v = 0; v < variants.size(); ++v) {
        VariantComparison::Row row;
        row.variant = std::string(variants[v].name);
        row.mean = summary.mean(v);
        for (std::size_t c = 0; c < classes; ++c) {
            row.classMean.push_back(summary.classMean(v, c));
            row.reducedShare.push_back(summary.reducedShare(v, c));
        }
        result.rows.push_back(std::move(row));
    }
    return result;
}

std::vector<std::size_t> listedClasses(const VariantComparison& comparison,
                                       std::size_t listEveryClassUpTo) {
    std::vector<std::size_t> listed;
    const std::size_t count = comparison.classNames.size();
    for (std::size_t c = 0; c < count; ++c)
        if (count <= listEveryClassUpTo ||
            (c < comparison.classPixels.size() && comparison.classPixels[c] > 0))
            listed.push_back(c);
    return listed;
}

} // namespace losslens
